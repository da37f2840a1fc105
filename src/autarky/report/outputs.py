"""What a run writes, for every kind the run service returns.

Tables, record, report, workbook and figures.

Every door that writes (``autarky run --out/--report/--excel/--figures``, the app's
downloads) writes a :class:`autarky.service.RunOutcome` through these functions, so a
file holds exactly the numbers the terminal printed. Each writer writes to a temporary
path and moves it into place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from autarky import outcomes, presets
from autarky.data.shapes import country_shapes
from autarky.report import html as rhtml

__all__ = ["compare_figures", "compare_report", "compare_table", "kind_figures",
           "kind_report", "notes", "report_input", "tables", "units_table",
           "write_compare_report",
           "write_excel", "write_figures", "write_out", "write_report"]


def tables(outcome: Any) -> dict[str, pd.DataFrame]:
    """Every table of a run, by name, with a flat index (CSV, Excel, the app's downloads)."""
    extra = {k: (v.reset_index() if v.index.name or isinstance(v.index, pd.MultiIndex) else v)
             for k, v in getattr(outcome, "extras", {}).items()}
    return {**_tables(outcome), **extra}


def _tables(outcome: Any) -> dict[str, pd.DataFrame]:
    if outcome.kind == "equilibrium":
        tabs = outcomes.tables(outcome.result, outcome.groups)
        tabs["blocs"] = outcome.aggregates.reset_index()
        for name, extra in (("welfare_range", outcome.range), ("welfare_band", outcome.band)):
            if extra is not None:
                tabs[name] = extra.rename_axis("country_or_group").reset_index()
        return tabs
    if outcome.kind == "bloc-choice":
        tabs = {"bloc_choice": outcome.table.reset_index()}
        if outcome.range is not None and len(outcome.range.columns):
            tabs["bloc_choice_range"] = outcome.range.reset_index()
        return tabs
    name = "nash" if outcome.kind == "nash" else "liberation_day"
    return {name: outcome.table.reset_index(),
            "aggregates": outcome.aggregates.reset_index()}


def units_table(outcome: Any) -> pd.DataFrame:
    """Each written table's columns with their unit (``units.csv`` of ``--out``).

    The CSV column names stay as the library names them (readers of a record rely on them);
    this table says what each measures: ``%`` for ``*_pct`` and changes in percent, ``pp``
    for percentage points, million USD for the money columns, ``share`` for shares.
    """
    rows = []
    for name, df in tables(outcome).items():
        for col in df.columns:
            shown = rhtml.pretty(col)
            unit = shown.rpartition(", ")[2] if ", " in shown else (
                "%" if str(col) in ("welfare", "low", "high", "median") else "")
            rows.append({"table": name, "column": str(col), "unit": unit,
                         "label": shown})
    return pd.DataFrame(rows)


def notes(outcome: Any) -> dict[str, str]:
    """The record and the assumptions as one ``key -> text`` mapping (first sheet)."""
    meta = {k: str(v) for k, v in outcome.meta.items() if k != "command"}
    lines = list(outcome.assumptions) + list(outcome.notes) + [
        f"data repair: {r}" for r in outcome.repairs]
    return {**meta, **{f"assumption {k + 1}": a for k, a in enumerate(lines)}}


def report_input(outcome: Any) -> rhtml.ReportInput:
    """The equilibrium report's input, from the outcome alone."""
    from autarky.report.build import report_input as build

    shown = {k: outcome.meta[k] for k in ("dataset", "year", "elasticities", "options",
                                          "dataset_source", "dataset_license", "command")
             if k in outcome.meta}
    scn = outcome.scenario.with_info(assumptions=outcome.assumptions)
    import dataclasses

    inp = build(outcome.world, scn, outcome.result, shown, title=outcome.name,
                notes=[f"data repair: {r}" for r in outcome.repairs],
                welfare_range=outcome.range, welfare_band=outcome.band)
    return dataclasses.replace(inp, extras=dict(getattr(outcome, "extras", {})))


def _map(countries: Sequence[str], z: Sequence[float], title: str, unit: str,
         text: Sequence[str] | None = None, categorical: dict[str, str] | None = None,
         sub: str | None = None, source: str | None = None,
         shapes_url: str | None = None) -> go.Figure:
    ids = set(rhtml.shape_stats())
    keep = [k for k, c in enumerate(countries) if c in ids]
    locs = [countries[k] for k in keep]
    vals = np.asarray(z, float)[keep]
    hover = [rhtml._e(text[k] if text else f"{countries[k]} {vals[i]:+.3f} {unit}")
             for i, k in enumerate(keep)]
    if categorical:
        cats = list(dict.fromkeys(categorical.values()))
        scale = [[i / max(len(cats) - 1, 1), rhtml._PALETTE[i % len(rhtml._PALETTE)]]
                 for i in range(len(cats))]
        trace = go.Choropleth(geojson=shapes_url or country_shapes(), featureidkey="id",
                              locations=locs,
                              z=vals, text=hover, hoverinfo="text", colorscale=scale,
                              zmin=0, zmax=max(len(cats) - 1, 1), marker_line_width=0.3,
                              showscale=True,
                              colorbar={"tickvals": list(range(len(cats))), "ticktext": cats})
    else:
        return rhtml.value_map(list(countries), np.asarray(z, float), title, sub or "",
                               source or "", unit, shapes_url=shapes_url)
    fig = go.Figure(trace)
    fig.update_geos(visible=False, projection_type="natural earth",
                    lataxis_range=[-58, 85], lonaxis_range=[-180, 180])
    fig.update_layout(height=480, margin={"l": 0, "r": 0, "t": 60, "b": 40})
    return rhtml.titled(fig, title, sub or "", source or "")


def kind_figures(outcome: Any, shapes_url: str | None = None) -> dict[str, go.Figure]:
    """The figures of a bloc-choice, Nash or ILMS run (maps of its table).

    ``shapes_url``: as in :func:`autarky.report.html.value_map`.
    """
    sub = rhtml.subtitle(outcome.meta, outcome.name)
    src = rhtml.source_line(outcome.meta)
    if outcome.kind == "bloc-choice":
        wel = outcome.table["welfare"].unstack("option")
        best = wel.idxmax(axis=1)
        codes = {o: i for i, o in enumerate(presets.OPTIONS)}
        states = list(wel.index)
        be = outcome.table["break_even"].groupby(level="state").first().reindex(states)
        return {
            "best_option": _map(states, [codes[best[s]] for s in states],
                                "Best own option of each swing state", "",
                                [f"{s}: {best[s]} ({wel.loc[s, best[s]]:+.3f}%)"
                                 for s in states], {o: o for o in presets.OPTIONS},
                                sub=sub, source=src, shapes_url=shapes_url),
            "break_even": _map(states, 100 * (be.to_numpy(float) - 1),
                               "Break-even penalty on a state that stays out: rise of the "
                               "blocs' trade costs on its trade, %", "%", sub=sub,
                               source=src, shapes_url=shapes_url),
        }
    col = "welfare_pct" if outcome.kind == "nash" else "welfare"
    frame = outcome.table
    figs = {"welfare": _map(list(frame.index), frame[col].to_numpy(float),
                            "Welfare change by country, %", "%", sub=sub, source=src,
                            shapes_url=shapes_url)}
    if outcome.kind == "nash":
        figs["tariffs"] = _map(list(frame.index), frame["tariff_pct"].to_numpy(float),
                               "Tariff, %", "%", sub=sub, source=src,
                               shapes_url=shapes_url)
    return figs


def kind_report(outcome: Any) -> str:
    """A self-contained HTML report of a bloc-choice, Nash or ILMS run (offline)."""
    e = rhtml._e
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{e(outcome.name)} - autarky report</title><style>{rhtml._CSS}</style>",
             f"<script type='text/javascript'>{rhtml.GEO_ASSETS_JS}</script>",
             f"<script type='text/javascript'>{rhtml._offline_plotlyjs()}</script></head>"
             "<body>", f"<h1>{e(outcome.name)}</h1>",
             f"<p>{e(outcome.scenario.summary())}</p>",
             f"<p class='note'>{e(outcome.world_reason)}; elasticities "
             f"{e(outcome.meta.get('elasticities', ''))}</p>"]
    for name, fig in kind_figures(outcome).items():
        parts.append(rhtml._div(fig, name))
    for name, df in _tables(outcome).items():
        parts += [f"<h2>{e(name.replace('_', ' '))}</h2>",
                  rhtml._table(df, "{:+,.3f}", 400)]
    parts += rhtml.extras_html(getattr(outcome, "extras", {}))
    if outcome.range is not None and outcome.range.attrs.get("text"):
        parts.append(f"<p class='note'>{e(outcome.range.attrs['text'])}</p>")
    parts.append("<h2>Assumptions</h2><ul>")
    parts += [f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in notes(outcome).items()]
    parts.append("</ul><h3>Sources</h3><ul>")
    parts += [f"<li>{e(s)}</li>" for s in outcome.sources]
    parts.append("</ul><p class='note'>Made by autarky. Country shapes: Natural Earth "
                 "(public domain). This file makes no network request.</p></body></html>")
    return "\n".join(parts)


def write_report(path: str | Path, outcome: Any) -> Path:
    """The HTML report of any kind of run, written atomically."""
    if outcome.kind == "equilibrium":
        return rhtml.write_report(path, report_input(outcome))
    from autarky.data.exports import _atomic

    text = kind_report(outcome)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic(Path(path), write)


def write_excel(path: str | Path, outcome: Any) -> Path:
    """Every table of the run in one workbook, the record and assumptions first."""
    from autarky.data.exports import write_excel as write

    return write(path, tables(outcome), notes(outcome))


def write_figures(folder: str | Path, outcome: Any,
                  formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Static figures of the run (kaleido with Chromium), each with its CSV."""
    if outcome.kind == "equilibrium":
        from autarky.report.figures import write_figures as write

        return list(write(folder, report_input(outcome), formats))
    from autarky.report.figures import write_plotly

    return write_plotly(folder, kind_figures(outcome), formats)


def write_out(out: str | Path, outcome: Any, *, overwrite: bool = False,
              report: bool = False) -> dict[str, Path]:
    """The reproducible record of a run in ``out`` (one folder, moved into place at the end).

    Equilibrium runs: ``results.parquet``, ``results.nc``, ``scenario.toml``,
    ``record.json`` and every table as CSV; other kinds: their table as Parquet and CSV,
    the scenario and the record. With ``report`` the HTML report is added.
    """
    from autarky import run as run_
    from autarky.data.exports import write_csvs

    files: dict[str, Any] = {
        f"{name}.csv": (lambda p, name=name, df=df: write_csvs(Path(p).parent, {name: df}))
        for name, df in tables(outcome).items()}
    files["units.csv"] = lambda p: units_table(outcome).to_csv(p, index=False)
    if report:
        files["report.html"] = lambda p: write_report(p, outcome)
    meta = {**outcome.meta, "world_argument": outcome.spec.world
            if isinstance(outcome.spec.world, str) else outcome.meta.get("dataset")}
    body = outcome.result if outcome.kind == "equilibrium" else outcome.table
    scn = outcome.scenario.with_info(assumptions=outcome.assumptions)
    return run_.write(out, body, scn, meta, overwrite=overwrite, extra=files)


def compare_table(a: Any, b: Any) -> pd.DataFrame:
    """Welfare of two equilibrium outcomes by country, side by side, and B - A in pp."""
    wa, wb = a.result.welfare.astype(float), b.result.welfare.astype(float)
    out = pd.DataFrame({f"{a.name}, %": wa, f"{b.name}, %": wb,
                        f"{b.name} - {a.name}, pp": wb - wa})
    out.index.name = "country"
    return out.sort_values(f"{b.name} - {a.name}, pp")


def compare_figures(a: Any, b: Any, shapes_url: str | None = None) -> dict[str, go.Figure]:
    """The difference map (B - A, pp) and each scenario's welfare map.

    ``shapes_url``: as in :func:`autarky.report.html.value_map`.
    """
    tab = compare_table(a, b)
    sub = rhtml.subtitle(a.meta, f"{b.name} vs {a.name}")
    src = rhtml.source_line(a.meta)
    codes = list(tab.index)
    return {
        "difference": _map(codes, tab.iloc[:, 2].to_numpy(float),
                           f"Welfare difference by country, {b.name} minus {a.name}, "
                           "percentage points", "pp", sub=sub, source=src,
                           shapes_url=shapes_url),
        "a": _map(codes, tab.iloc[:, 0].to_numpy(float), f"Welfare change, % ({a.name})",
                  "%", sub=rhtml.subtitle(a.meta, a.name), source=src,
                  shapes_url=shapes_url),
        "b": _map(codes, tab.iloc[:, 1].to_numpy(float), f"Welfare change, % ({b.name})",
                  "%", sub=rhtml.subtitle(b.meta, b.name), source=src,
                  shapes_url=shapes_url),
    }


def compare_report(a: Any, b: Any) -> str:
    """A self-contained HTML report of two scenarios, offline like every report.

    The difference map, both maps, the table side by side, each scenario's assumptions.
    """
    e = rhtml._e
    title = f"{b.name} vs {a.name}"
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{e(title)} - autarky report</title><style>{rhtml._CSS}</style>",
             f"<script type='text/javascript'>{rhtml.GEO_ASSETS_JS}</script>",
             f"<script type='text/javascript'>{rhtml._offline_plotlyjs()}</script></head>"
             "<body>", f"<h1>{e(title)}</h1>",
             f"<p class='note'>{e(a.meta.get('dataset', ''))} {e(a.meta.get('year', ''))}, "
             f"elasticities {e(a.meta.get('elasticities', ''))}</p>"]
    for name, fig in compare_figures(a, b).items():
        parts.append(rhtml._div(fig, name))
    parts.append("<h2>Welfare by country</h2>")
    parts.append(rhtml._table(compare_table(a, b).reset_index(), "{:+.3f}", 400))
    for o in (a, b):
        parts += [f"<h2>{e(o.name)}</h2><p>{e(o.scenario.summary())}</p><ul>"]
        parts += [f"<li>{e(x)}</li>" for x in (*o.assumptions, *o.notes)]
        parts.append("</ul>")
    parts.append("<p class='note'>Made by autarky. Country shapes: Natural Earth (public "
                 "domain). This file makes no network request.</p></body></html>")
    return "\n".join(parts)


def write_compare_report(path: str | Path, a: Any, b: Any) -> Path:
    """:func:`compare_report` written atomically."""
    from autarky.data.exports import _atomic

    text = compare_report(a, b)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic(Path(path), write)
