"""Command line: print a :class:`autarky.service.RunOutcome` of any kind, and write its files.

``autarky run`` and ``autarky nash`` build a :class:`~autarky.service.RunSpec`, call the
run service and hand the outcome here; nothing here solves anything.

Layout: the result first (stdout), one line each for data repairs and solver diagnostics
(stderr), then the assumptions that decide the result (the calibration or conversion notes,
the deficit rule, the elasticities and the world); the rest with ``--details``.
``--format csv|json|markdown`` prints the main table only (names and units in the column
headers), for pipes and documents.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text

import autarky as ak
from autarky import run as run_
from autarky.cli_common import _busy, console, err_console, plain
from autarky.report.html import fmt_num

__all__ = ["FORMATS", "decisive", "fmt_num", "main_frame", "show", "write_outputs"]

FORMATS = ("table", "csv", "json", "markdown")
"""Values of ``--format``: a rich table, or the main table as CSV, JSON or Markdown."""

_STATE: dict[str, Any] = {"details": False, "format": "table"}


def _names(codes: Any) -> list[str]:
    from autarky.data.scenario_data import country_name

    return [country_name(str(c)) for c in codes]


def _table(title: str | None = None) -> Table:
    """A rich table; plain (no box drawing) when stdout is not a terminal."""
    plain = not console.is_terminal
    return Table(title=title, box=box.SIMPLE_HEAD if plain else box.HEAVY_HEAD,
                 title_justify="left")


_DECIDES = ("model:", "elasticities:", "deficits:", "baseline:", "calibrated",
            "converted", "gravity conversion", "solver setting")


def decisive(lines: Any) -> tuple[list[str], list[str]]:
    """Split assumption and note lines into those that decide the result and the rest.

    The rule, stated so that it can be checked: a line decides the result when it names the
    world and model (``model:``), the elasticities, the deficit rule (``deficits:``,
    ``baseline:``, or a line naming deficits in its first words), the calibration or gravity
    conversion of the scenario's barrier (``calibrated``, ``converted``) or a solver setting
    chosen over the scenario's own. Every other line (bloc lists, members left out, the
    welfare measure, the numeraire, sources) is printed with ``--details``.
    """
    keep: list[str] = []
    rest: list[str] = []
    for a in lines:
        low = str(a).lstrip().lower()
        deficit_rule = "deficit" in low[:60]  # the preset's declared deficit rule
        (keep if low.startswith(_DECIDES) or deficit_rule else rest).append(str(a))
    return keep, rest


def print_assumptions(lines: Any, notes: Any = (), sources: Any = ()) -> None:
    """The assumptions that decide the result; all of them, and sources, with --details."""
    every = [*lines, *notes]
    keep, rest = (every, []) if _STATE["details"] else decisive(every)
    console.print("[bold]assumptions that decide the result[/]" if rest else
                  "[bold]assumptions[/]", highlight=False)
    for a in keep:
        console.print(f"  - {a}", highlight=False, soft_wrap=True, markup=False)
    if rest or (sources and not _STATE["details"]):
        console.print(f"  ({len(rest)} more assumptions and {len(tuple(sources))} sources: "
                      "--details)", highlight=False, style="dim")
        return
    if sources:
        console.print("[bold]sources[/]", highlight=False)
        for s in sources:
            console.print(f"  - {s}", highlight=False, soft_wrap=True, markup=False)


def _range_columns(table: Table, rng: pd.DataFrame | None) -> None:
    if rng is not None:
        table.add_column("low, %", justify="right")
        table.add_column("high, %", justify="right")


def _range_cells(rng: pd.DataFrame | None, name: str) -> list[str]:
    if rng is None:
        return []
    if name not in rng.index:
        return ["", ""]
    return [f"{rng.at[name, 'low']:+.3f}", f"{rng.at[name, 'high']:+.3f}"]


def range_line(w: ak.World, rng: pd.DataFrame | None) -> None:
    """The sentence saying what the low/high columns are (or why there are none)."""
    text = rng.attrs["text"] if rng is not None else run_.range_unavailable(w)
    if text:
        _diag(text)


def _diag(text: str) -> None:
    """A diagnostic line: dim on stdout with the table, on stderr beside a data format."""
    target = console if _STATE["format"] == "table" else err_console
    target.print(text, highlight=False, soft_wrap=True, style="dim", markup=False)


def main_frame(o: Any, top: int = 0) -> tuple[str, pd.DataFrame]:
    """The title and main table of an outcome of any kind, with names and units in headers.

    Codes stay in their own column (``country`` or ``state``) beside the names; numbers are
    raw (formatting is the renderer's). ``top`` keeps the N largest and N smallest rows.
    """
    w = o.world
    where = f"{w.name} {w.year or ''}".strip() if w is not None else "its own data"
    if o.kind == "bloc-choice":
        df = o.table
        keep = run_.extremes(df["welfare"], top).index if top else df.index
        d = df.loc[keep]
        st = [s for s, _ in d.index]
        frame = pd.DataFrame({
            "state": st, "name": _names(st), "option": [p for _, p in d.index],
            "state's welfare, %": d["welfare"].to_numpy(),
            "West, %": d["West"].to_numpy(), "East, %": d["East"].to_numpy(),
            "world, %": d["world"].to_numpy(),
            "West vs out, pp": d["West vs out"].to_numpy(),
            "East vs out, pp": d["East vs out"].to_numpy(),
            "break-even penalty, factor": d["break_even"].where(
                [p == ak.presets.OPTIONS[2] for _, p in d.index]).to_numpy()})
        rng = o.range
        if rng is not None and len(rng.columns):
            r = rng.reindex(d.index)
            frame.insert(4, "low, %", r["low"].to_numpy())
            frame.insert(5, "high, %", r["high"].to_numpy())
        title = f"bloc-choice on {where}: welfare change by swing state and option"
        return run_.top_title(title, top, len(df)), frame
    if o.kind == "equilibrium":
        vals = o.result.welfare
        cols: dict[str, str | None] = {"welfare, %": None}
    elif o.kind == "nash":
        vals = o.table["welfare_pct"]
        cols = {("tariff, %" if o.spec.country else "Nash tariff, %"): "tariff_pct",
                "welfare, %": "welfare_pct"}
    else:
        vals = o.table["welfare"]
        cols = {"welfare, %": "welfare", "employment, %": "employment"}
    shown = run_.extremes(vals, top)
    idx = [str(c) for c in shown.index]
    frame = pd.DataFrame({"country": idx, "name": _names(idx)})
    for label, col in cols.items():
        frame[label] = shown.to_numpy() if col is None else o.table.loc[shown.index,
                                                                        col].to_numpy()
    if o.kind == "ilms":
        frame["US tariff, %"] = 100 * o.table.loc[shown.index, "us_tariff"].to_numpy()
        frame["tariff on US, %"] = 100 * o.table.loc[shown.index, "tariff_on_us"].to_numpy()
    if o.kind == "equilibrium":
        if o.range is not None:
            frame["low, %"] = o.range["low"].reindex(idx).to_numpy()
            frame["high, %"] = o.range["high"].reindex(idx).to_numpy()
        if o.band is not None:
            frame["median (draws), %"] = o.band["median"].reindex(idx).to_numpy()
            frame["5% (draws), %"] = o.band["low"].reindex(idx).to_numpy()
            frame["95% (draws), %"] = o.band["high"].reindex(idx).to_numpy()
        title = f"{o.name} on {where}: welfare change by country"
    elif o.kind == "nash":
        title = (f"{o.spec.country.upper()}'s optimal tariff, no retaliation, on {where}"
                 if o.spec.country else
                 f"Nash tariff war on {where} ({o.spec.method or 'exact'})")
    else:
        title = f"{o.name} (Ignatenko, Lashkaripour, Macedoni, Simonovska 2025)"
    return run_.top_title(title, top, len(vals)), frame


def _cell(col: str, v: Any) -> str:
    if isinstance(v, float) and v != v:
        return ""
    if col.startswith("break-even"):
        return f"x{v:.3f}"
    if not isinstance(v, (int, float)):
        return str(v)
    if col.endswith(("%", "pp")) and abs(v) < 1000:  # changes: one precision per column
        return f"{v:.2f}" if "tariff" in col else f"{v + 0.0:+.3f}".replace("-0.000",
                                                                            "+0.000")
    return fmt_num(v)


def print_frame(title: str, frame: pd.DataFrame, fmt: str = "table") -> None:
    """One table to stdout in the chosen format (rich, CSV, JSON records or Markdown)."""
    import sys

    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", indent=1) + "\n")
    elif fmt == "markdown":
        cells = frame.astype(object).apply(lambda s: [_cell(str(s.name), v) for v in s])
        head = "| " + " | ".join(map(str, frame.columns)) + " |"
        rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---"
                              for c in frame.columns) + "|"
        rows = ["| " + " | ".join(r) + " |" for r in cells.itertuples(index=False)]
        sys.stdout.write("\n".join([f"**{title}**", "", head, rule, *rows]) + "\n")
    else:
        console.print(f"[bold]{title}[/]", highlight=False, soft_wrap=True)
        table = _table()
        for c in frame.columns:
            table.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(
                frame[c]) else "left")
        cols = [str(c) for c in frame.columns]
        # cells as Text: printed as written (control characters removed), without rich
        # parsing each of hundreds of cells for markup
        for r in frame.itertuples(index=False):
            table.add_row(*(Text(plain(_cell(c, v))) for c, v in zip(cols, r, strict=True)))
        console.print(table)


def _groups(o: Any) -> None:
    rng, band = o.range, o.band
    console.print("[bold]group welfare, %[/] (members' mean weighted by income as observed "
                  "in the data)", highlight=False, soft_wrap=True)
    agg = _table()
    for col in ("group", "members in data", "welfare, %"):
        agg.add_column(col, justify="left" if col == "group" else "right")
    _range_columns(agg, rng)
    if band is not None:
        agg.add_column("median (draws), %", justify="right")
        agg.add_column("90% band, %", justify="right")
    for name, r in o.aggregates.iterrows():
        b = ([] if band is None or name not in band.index else
             [f"{band.at[name, 'median']:+.3f}",
              f"[{band.at[name, 'low']:+.3f}, {band.at[name, 'high']:+.3f}]"])
        if band is not None and not b:
            b = ["", ""]
        agg.add_row(str(name), str(int(r["members"])), f"{r['welfare']:+.3f}",
                    *_range_cells(rng, str(name)), *b)
    console.print(agg)


_FOLDED = re.compile(r"^(?P<what>.*?): (?P<codes>(?:[A-Z]{3} \([^)]*\)(?:, )?)+) (?:is|are) "
                     r"not a separate economy in")


def _folded(o: Any) -> list[str]:
    out: list[str] = []
    for n in (*o.notes, *(o.result.notes if o.result is not None else ())):
        m = _FOLDED.match(str(n))
        if m:
            out += [c for c in re.findall(r"([A-Z]{3}) \(", m["codes"]) if c not in out]
    return out


def _separating_worlds(codes: list[str], current: str) -> list[tuple[str, int]]:
    """Embedded datasets and how many of ``codes`` each has separately, most first."""
    from autarky.data.embedded_data import _npz, manifest

    found = []
    for name, m in manifest().items():
        if name == current or "years" not in m or "file" not in m:
            continue
        try:
            have = {str(c) for c in _npz(str(m["file"]).removesuffix(".npz"))["countries"]}
        except Exception:  # noqa: BLE001 - a dataset that cannot be read is not suggested
            continue
        if set(codes) & have:
            found.append((name, len(set(codes) & have)))
    return sorted(found, key=lambda x: -x[1])


def headline_warning(o: Any) -> str | None:
    """One line when a run changes nothing, or members of its groups are folded into ROW.

    The line names the embedded world that separates them.
    """
    if o.world is None:
        return None
    vals = o.welfare.to_numpy(float)
    nothing = bool(len(vals)) and float(abs(vals).max()) < 1e-9
    folded = _folded(o)
    if not nothing and not folded:
        return None
    n = len(folded)
    who = (", ".join(folded) if n <= 4 else f"{n} members of its groups") + (
        " is" if n == 1 else " are")
    if nothing:
        text = f"this scenario changes nothing on {o.world.name}"
        text += f": {who} folded into ROW" if folded else \
            " (every welfare change is zero: nothing to remove or add on this world)"
    else:
        text = f"{who} folded into ROW on {o.world.name} and left out (list: --details)"
    if folded:
        worlds = _separating_worlds(folded, o.world.name)
        if worlds:
            name, k = worlds[0]
            text += (f"; --world {name} separates " + ("them" if k == n else
                                                        f"{k} of them") if n > 1 else
                     f"; --world {name} separates it")
        else:
            text += "; no embedded world separates " + ("it" if n == 1 else "them")
    return text


def show(o: Any, top: int = 0, fmt: str = "table", details: bool = False) -> None:
    """Print an outcome of any kind: its table, the group numbers, assumptions and notes.

    The result goes to stdout; the data repairs (one summary line) and solver diagnostics
    go to stderr. With ``fmt`` other than ``table`` stdout holds the main table only.
    """
    _STATE["details"], _STATE["format"] = details, fmt
    if o.repairs:
        from autarky.cli_common import print_repairs

        print_repairs(o.repairs, o.world.name if o.world is not None else None,
                      o.world.year if o.world is not None else None, "--details")
    warn = headline_warning(o)
    if warn and fmt != "table":
        err_console.print(f"note: {warn}", highlight=False, soft_wrap=True, markup=False,
                          style="yellow")
    title, frame = main_frame(o, top)
    if fmt != "table":
        print_frame(title, frame, fmt)
        return
    if warn:
        console.print(warn, highlight=False, soft_wrap=True, markup=False, style="bold yellow")
    if o.world is not None:
        console.print(f"world: {o.world.name} {o.world.year or ''} ({o.world_reason}); "
                      f"elasticities: {o.meta.get('elasticities', o.spec.elasticities)}",
                      highlight=False, soft_wrap=True, markup=False)
    if o.kind == "equilibrium":
        console.print(o.scenario.summary(), highlight=False, soft_wrap=True, markup=False)
    if o.kind == "bloc-choice":
        _diag("bloc columns: income-weighted, original members; 'vs out': difference from "
              "the state staying out; break-even: the trade-cost factor both blocs would "
              "have to put on the state's trade if it stays out for joining the better bloc "
              "to match staying out")
    print_frame(title, frame)
    if o.kind == "equilibrium":
        _groups(o)
    elif o.aggregates is not None:
        console.print("; ".join(f"{g} (weighted): welfare {r['welfare']:+.3f}%"
                                for g, r in o.aggregates.iterrows()), highlight=False,
                      soft_wrap=True)
    if o.spec.range and o.kind in ("equilibrium", "bloc-choice") and o.world is not None:
        rng = o.range if o.range is not None and len(o.range.columns) else None
        range_line(o.world, rng)
    if o.band is not None:
        _diag(o.band.attrs["text"])
    _convergence(o)
    for name, df in o.extras.items():
        extra_table(name, df, top)
    print_assumptions(o.assumptions, o.notes, o.sources)
    if details and o.repairs:
        console.print("[bold]data repairs[/]", highlight=False)
        for r in o.repairs:
            console.print(f"  - {r}", highlight=False, soft_wrap=True, markup=False)


def _convergence(o: Any) -> None:
    res = o.result if o.result is not None else o.detail
    if res is None or not hasattr(res, "converged"):
        return
    r = res.residual
    resid = max(r.values()) if isinstance(r, dict) else r
    err_console.print(f"{'converged' if res.converged else 'NOT converged'}"
                      + (f" in {res.iterations} iterations" if hasattr(res, "iterations")
                         else "")
                      + f", {res.seconds:.2f} s, largest residual {resid:.1e}",
                      highlight=False, markup=False)


def extra_table(name: str, df: pd.DataFrame, top: int = 0) -> None:
    """One of the outcome's extra tables, with its title and the sentence on what it is.

    With ``top`` its first 2 x top rows (as many as the main table's N largest and N
    smallest), the title saying so. The title is its own line, not squeezed to the width of
    a narrow table.
    """
    d = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
    title = str(df.attrs.get("title", name.replace("_", " ")))
    if top and len(d) > 2 * top:
        title += f" (first {2 * top} of {len(d)} rows; --top 0: all)"
        d = d.head(2 * top)
    console.print(f"[bold]{title}[/]", highlight=False, soft_wrap=True)
    table = _table()
    for col in d.columns:
        table.add_column(str(col), justify="right" if pd.api.types.is_numeric_dtype(d[col])
                         else "left")
    for r in d.itertuples(index=False):
        table.add_row(*(fmt_num(v, True) if isinstance(v, float) else str(v) for v in r))
    console.print(table)
    if df.attrs.get("text"):
        console.print(str(df.attrs["text"]), highlight=False, soft_wrap=True, style="dim",
                      markup=False)


def write_outputs(o: Any, *, out: str | None, overwrite: bool, report: bool,
                  excel: str | None, figures: str | None) -> None:
    """Write what the flags asked for (every kind writes every one; see service.OUTPUTS)."""
    from autarky.report import outputs

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in o.name)
    if report and out is None:  # the report beside: refused like --out, before writing
        from autarky.data.records import check_out_file

        check_out_file(f"{safe}-report.html", overwrite, "--report")
    if out is not None:
        paths = outputs.write_out(out, o, overwrite=overwrite, report=report)
        console.print(f"record written: {', '.join(str(p) for p in paths.values())}",
                      highlight=False, soft_wrap=True)
    elif report:
        with _busy("writing the report"):
            p = outputs.write_report(Path(f"{safe}-report.html"), o)
        console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline)",
                      highlight=False, soft_wrap=True)
    if excel:
        console.print(f"workbook written: {outputs.write_excel(excel, o)}", highlight=False)
    if figures:
        with _busy("rendering figures"):
            files = outputs.write_figures(figures, o)
        console.print(f"figures written: {', '.join(str(f) for f in files)}",
                      highlight=False, soft_wrap=True)
