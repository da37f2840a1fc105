"""One self-contained HTML report of a run (plotly.js inline; no request to any network)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from autarky import outcomes
from autarky.data.exports import _atomic
from autarky.data.shapes import country_shapes

__all__ = ["ReportInput", "build_report", "figures", "pick_map", "write_report"]

# no mode bar (its "edit in Chart Studio" link points to a web service), no topojson URL
PLOT_CONFIG: dict[str, Any] = {"displaylogo": False, "displayModeBar": False,
                               "topojsonURL": ""}
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
            "#17becf", "#bcbd22")
_REST = "#9e9e9e"


@dataclass(frozen=True)
class ReportInput:
    """What a report shows: the result, its scenario, the world and how it was made.

    Attributes
    ----------
    result : Result
    title : str
        Scenario name as the user gave it.
    description : str
    groups : dict of str to tuple of str
        Blocs (colours the bars; trade between groups).
    assumptions : list of str
        Scenario assumptions, then the result's notes.
    sources : list of str
    meta : dict
        Dataset, year, elasticities, options, command (shown in the assumptions panel).
    theta_range : DataFrame, optional
        By sector: ``used``, ``min``, ``max``, ``sources`` (range across published sources).
    dependency : DataFrame, optional
        Foreign dependency by (country x sector) for linkages (total imported-input content).
    welfare_range : DataFrame, optional
        Welfare ``low`` and ``high`` across the catalog's elasticity sources, indexed by
        country and group (:func:`autarky.run.source_range`); ``attrs["text"]`` says what
        it is. Error bars on the welfare bars and a column of the welfare table.
    welfare_band : DataFrame, optional
        Monte Carlo ``median``, ``low``, ``high`` over elasticity draws (``run --draws``);
        ``attrs["text"]`` says what it is.
    extras : dict of str to DataFrame
        The outcome's extra tables (:data:`autarky.service.EXTRAS`: solver-rule intervals,
        published numbers), each with ``attrs["title"]`` and ``attrs["text"]``; shown
        after the uncertainty section.
    """

    result: Any
    title: str
    description: str = ""
    groups: Mapping[str, Sequence[str]] = field(default_factory=dict)
    assumptions: Sequence[str] = ()
    sources: Sequence[str] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    theta_range: pd.DataFrame | None = None
    dependency: pd.DataFrame | None = None
    welfare_range: pd.DataFrame | None = None
    welfare_band: pd.DataFrame | None = None
    extras: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def _extras(inp: ReportInput) -> list[str]:
    """The extra tables beside the headline: title, table, the sentence on what it is."""
    parts: list[str] = []
    for name, df in inp.extras.items():
        flat = df.reset_index() if df.index.name else df
        parts += [f"<h3>{_e(df.attrs.get('title', name.replace('_', ' ')))}</h3>",
                  _table(flat, "{:+,.3f}", 100)]
        if df.attrs.get("text"):
            parts.append(f"<p class='note'>{_e(df.attrs['text'])}</p>")
    return parts


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _bloc_of(countries: Sequence[str], groups: Mapping[str, Sequence[str]]) -> list[str]:
    first: dict[str, str] = {}
    for g, members in groups.items():
        for c in members:
            first.setdefault(c, g)
    return [first.get(c, "not in a bloc") for c in countries]


def figures(inp: ReportInput) -> dict[str, go.Figure]:
    """The report's figures: ``map``, ``bars``, ``sectors`` and, with IO data, ``dependency``.

    Labels are escaped for plotly's pseudo-HTML text.
    """
    res = inp.result
    h = outcomes.headline(res)
    countries = list(res.countries)
    labels = [_e(c) for c in countries]
    welfare = h["welfare_pct"].to_numpy(float)
    out: dict[str, go.Figure] = {}
    lim = float(np.max(np.abs(welfare))) or 1.0
    hover = [f"{lab}<br>welfare {w:+.3f}%<br>real GDP {g:+.3f}%" for lab, w, g in
             zip(labels, welfare, h["real_gdp_pct"].to_numpy(float), strict=True)]
    ids = {f["id"] for f in country_shapes()["features"]}
    on_map = [k for k, c in enumerate(countries) if c in ids]
    shapes = country_shapes()
    rest = sorted(ids - set(countries))
    mine = {"type": "FeatureCollection",
            "features": [f for f in shapes["features"] if f["id"] in set(countries)]}
    others = {"type": "FeatureCollection",
              "features": [f for f in shapes["features"] if f["id"] not in set(countries)]}
    fig = go.Figure(go.Choropleth(  # countries without separate data (in ROW): grey
        geojson=others, featureidkey="id", locations=rest, z=np.zeros(len(rest)),
        colorscale=[[0, "#e4e4e4"], [1, "#e4e4e4"]], showscale=False, hoverinfo="skip",
        marker_line_width=0.3, marker_line_color="#999"))
    fig.add_trace(go.Choropleth(
        geojson=mine, featureidkey="id",
        locations=[countries[k] for k in on_map], z=welfare[on_map],
        text=[hover[k] for k in on_map], hoverinfo="text", colorscale="RdBu",
        zmin=-lim, zmax=lim, marker_line_width=0.3, marker_line_color="#555",
        colorbar={"title": {"text": "welfare %"}}))
    fig.update_geos(visible=False, projection_type="natural earth",
                    lataxis_range=[-58, 85], lonaxis_range=[-180, 180])
    fig.update_layout(height=480, margin={"l": 0, "r": 0, "t": 30, "b": 0},
                      title={"text": "Welfare change by country, % (real income; grey: no "
                             "separate data, e.g. in ROW)"})
    out["map"] = fig

    bloc = _bloc_of(countries, inp.groups)
    order = np.argsort(-welfare, kind="stable")
    names = list(dict.fromkeys(list(inp.groups) + ["not in a bloc"]))
    colour = {g: (_PALETTE[k % len(_PALETTE)] if g != "not in a bloc" else _REST)
              for k, g in enumerate(names)}
    bars = go.Figure()
    rng = inp.welfare_range
    lo = hi = None
    if rng is not None:  # error bars: the range across the catalog's elasticity sources
        lo = rng["low"].reindex(countries).to_numpy(float)
        hi = rng["high"].reindex(countries).to_numpy(float)
    for g in names:
        ks = [k for k in order if bloc[k] == g]
        if ks:
            err = None if lo is None or hi is None else {
                "type": "data", "symmetric": False, "color": "#333", "thickness": 1,
                "array": np.maximum(hi[ks] - welfare[ks], 0.0),
                "arrayminus": np.maximum(welfare[ks] - lo[ks], 0.0)}
            bars.add_bar(x=[labels[k] for k in ks], y=welfare[ks], name=_e(g),
                         marker_color=colour[g], error_y=err)
    bars.update_layout(height=420, barmode="relative", xaxis={"categoryorder": "array",
                       "categoryarray": [labels[k] for k in order], "tickangle": -90},
                       yaxis_title="welfare %",
                       title="Welfare by country, sorted, by bloc" + (
                           " (whiskers: range across elasticity sources)" if lo is not None
                           else ""),
                       margin={"t": 40, "b": 80}, legend={"orientation": "h", "y": 1.08})
    out["bars"] = bars

    sec = outcomes.sector_reallocation(res)["change_pct"].unstack("sector")
    sec = sec.loc[countries, list(res.sectors)]
    z = sec.to_numpy(float)
    zl = float(np.nanpercentile(np.abs(z), 98)) if np.isfinite(z).any() else 1.0
    out["sectors"] = go.Figure(go.Heatmap(
        z=z, x=[_e(s) for s in res.sectors], y=labels, colorscale="RdBu", zmid=0,
        zmin=-zl, zmax=zl, colorbar={"title": {"text": "output %"}},
        hovertemplate="%{y} %{x}: %{z:+.2f}%<extra></extra>"))
    out["sectors"].update_layout(height=max(400, 14 * len(countries)),
                                 title="Gross output change by country and sector, %",
                                 margin={"t": 40})
    if inp.dependency is not None:
        d = inp.dependency
        out["dependency"] = go.Figure(go.Heatmap(
            z=d.to_numpy(float), x=[_e(s) for s in d.columns], y=[_e(c) for c in d.index],
            colorscale="Oranges", colorbar={"title": {"text": "share"}},
            hovertemplate="%{y} %{x}: %{z:.1%}<extra></extra>"))
        out["dependency"].update_layout(
            height=max(400, 14 * len(d)), margin={"t": 40},
            title="Foreign dependency: imported inputs per unit of output, all domestic stages")
    return out


def pick_map(countries: Sequence[str], selected: Sequence[str] = ()) -> go.Figure:
    """A map for choosing countries (selected in colour); trace 0 lists ``countries``."""
    shapes = country_shapes()
    ids = {f["id"] for f in shapes["features"]}
    locs = [c for c in countries if c in ids]
    sel = set(selected)
    fig = go.Figure(go.Choropleth(
        geojson=shapes, featureidkey="id", locations=locs,
        z=[1.0 if c in sel else 0.0 for c in locs], zmin=0, zmax=1, showscale=False,
        colorscale=[[0, "#e8e8e8"], [1, "#1f77b4"]], text=[_e(c) for c in locs],
        hoverinfo="text", marker_line_width=0.3, marker_line_color="#777"))
    fig.update_geos(visible=False, projection_type="natural earth",
                    lataxis_range=[-58, 85], lonaxis_range=[-180, 180])
    fig.update_layout(height=380, margin={"l": 0, "r": 0, "t": 0, "b": 0}, clickmode="event+select")
    return fig


def _table(df: pd.DataFrame, floats: str = "{:,.2f}", max_rows: int = 40) -> str:
    d = df.head(max_rows)
    fmt = {c: (lambda v, f=floats: "" if pd.isna(v) else f.format(v))
           for c in d.columns if pd.api.types.is_float_dtype(d[c])}
    return d.to_html(index=False, escape=True, formatters=fmt, na_rep="",
                     border=0, classes="t")


def _offline_plotlyjs() -> str:
    """plotly.js with its few attribution/logo link targets (map tiles, plotly.com) blanked.

    They are anchors, not loads, and only drawn for tile maps and the logo, which the report
    does not use; blanking them keeps the file free of any network address in src/href.
    """
    return _LINK.sub(r"\1#", get_plotlyjs())


_LINK = re.compile(r"""((?:src|href)\s*=\s*\\?["'])https?://[^"'\\]*""")


# plotly.js loads a TopoJSON for the base layers of every geo map, even when they are hidden;
# it looks in window.PlotlyGeoAssets before fetching. The report draws countries from its own
# GeoJSON and hides the base layers, so an empty topology satisfies it without any request.
_EMPTY_TOPO = json.dumps({"type": "Topology", "arcs": [], "objects": {
    k: {"type": "GeometryCollection", "geometries": []}
    for k in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")}})
GEO_ASSETS_JS = ("window.PlotlyGeoAssets = {topojson: {world_110m: " + _EMPTY_TOPO
                 + ", world_50m: " + _EMPTY_TOPO + "}};")


def _div(fig: go.Figure, name: str) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG,
                           div_id=f"fig-{name}"))


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;
max-width:1200px;padding:1em 2em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table.t{border-collapse:collapse;font-size:.85em;margin:.5em 0}
table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}
table.t td:first-child,table.t th:first-child{text-align:left}
.cols{display:flex;gap:2em;flex-wrap:wrap} .cols>div{flex:1 1 480px;overflow-x:auto}
.note{color:#555;font-size:.9em} ul{font-size:.9em}
"""


def uncertainty_table(inp: ReportInput) -> pd.DataFrame | None:
    """Welfare by country and group beside its range across sources and its draws band.

    Columns ``welfare`` and, where computed, ``low (sources)``, ``high (sources)``,
    ``median (draws)``, ``5% (draws)``, ``95% (draws)``; None when neither is computed.
    """
    rng, band = inp.welfare_range, inp.welfare_band
    if rng is None and band is None:
        return None
    w = inp.result.welfare.astype(float)
    cols: dict[str, pd.Series] = {}
    if rng is not None:
        cols["low (sources)"], cols["high (sources)"] = rng["low"], rng["high"]
    if band is not None:
        cols["median (draws)"] = band["median"]
        cols["5% (draws)"], cols["95% (draws)"] = band["low"], band["high"]
    extra = (rng if rng is not None else band)
    idx = list(w.sort_values(ascending=False).index) + [
        g for g in (extra.index if extra is not None else []) if g not in w.index]
    out = pd.DataFrame(cols).reindex(idx)
    out.insert(0, "welfare", w.reindex(idx))
    out.index.name = "country or group"
    return out


def _uncertainty(inp: ReportInput) -> list[str]:
    tab = uncertainty_table(inp)
    if tab is None:
        return []
    texts = [x.attrs["text"] for x in (inp.welfare_range, inp.welfare_band)
             if x is not None and "text" in x.attrs]
    return ["<h3>Welfare, % : range across elasticity sources"
            + (" and Monte Carlo band" if inp.welfare_band is not None else "") + "</h3>",
            "".join(f"<p class='note'>{_e(t)}</p>" for t in texts),
            _table(tab.reset_index(), "{:+.3f}", 300)]


def build_report(inp: ReportInput) -> str:
    """The report as one HTML document (plotly.js inline, no network reference).

    Sections: headline and real GDP, world map of welfare, bars by bloc, trade by country,
    trade between groups, diversion, sector heatmap, dependency heatmap (with IO data),
    assumptions (dataset, year, elasticities and their range across sources, options,
    convergence, notes, sources).
    """
    res = inp.result
    figs = figures(inp)
    h = outcomes.headline(res)
    t = outcomes.tables(res, inp.groups)
    resid = max(res.residual.values()) if isinstance(res.residual, dict) else res.residual
    meta = dict(inp.meta)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(inp.title)} - autarky report</title><style>{_CSS}</style>",
        f"<script type='text/javascript'>{GEO_ASSETS_JS}</script>",
        f"<script type='text/javascript'>{_offline_plotlyjs()}</script></head><body>",
        f"<h1>{_e(inp.title)}</h1><p>{_e(inp.description)}</p>",
        f"<p class='note'>{_e(meta.get('dataset', ''))} {_e(meta.get('year', ''))}, "
        f"elasticities {_e(meta.get('elasticities', ''))}; "
        f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
        f"iterations, largest residual {resid:.1e}.</p>",
        "<h2>Welfare and real GDP</h2>", _div(figs["map"], "map"),
        "<div class='cols'><div><h3>By bloc</h3>",
        _table(t["blocs"], "{:+,.3f}"),
        "<p class='note'>welfare: change in real income (baseline-income-weighted); real "
        "GDP: GDP at market prices (value added + tariff revenue) over the consumer price "
        "index (baseline-GDP-weighted). See the reconciliation table.</p></div>",
        "<div><h3>Largest losses and gains</h3>",
        _table(h.sort_values("welfare_pct")[["welfare_pct", "real_gdp_pct", "real_wage_pct",
                                              "price_index_pct"]].reset_index().pipe(
            lambda d: pd.concat([d.head(8), d.tail(8)])), "{:+.3f}"),
        "</div></div>", _div(figs["bars"], "bars"),
        *_uncertainty(inp),
        *_extras(inp),
        "<h2>Trade</h2><div class='cols'>",
    ]
    if "trade_between" in t:
        parts += ["<div><h3>Between groups (million USD)</h3>",
                  _table(t["trade_between"], "{:,.0f}"), "</div>"]
    tc = t["trade_by_country"].sort_values("exports_pct")
    parts += ["<div><h3>Exports and imports by country (largest falls)</h3>",
              _table(tc[["country", "exports_before", "exports_pct", "imports_before",
                         "imports_pct"]], "{:,.1f}", 20), "</div></div>",
              "<h3>Trade diversion: who gains the flows the scenario cuts</h3>",
              _table(t["diversion"], "{:,.1f}", 20),
              "<p class='note'>importer_lost: million USD of the importer's imports that "
              "fell; replaces_pct: the gain as a share of that loss.</p>",
              "<h3>World trade by sector</h3>", _table(t["trade_by_sector"], "{:,.1f}"),
              "<h2>Sectors</h2>", _div(figs["sectors"], "sectors")]
    if "dependency" in figs:
        parts += ["<h2>Dependency (input-output linkages)</h2>",
                  _div(figs["dependency"], "dependency")]
    parts += ["<h2>Welfare and real GDP reconciled</h2>",
              "<p class='note'>welfare = value added + tariff revenue + deficit transfer, "
              "each in real terms, percentage points of baseline income.</p>",
              _table(t["reconciliation"], "{:+.4f}", 100),
              "<h2>Assumptions</h2><ul>"]
    parts += [f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in meta.items()]
    parts.append(f"<li><b>convergence</b>: {_e(res.converged)}, {res.iterations} iterations, "
                 f"residuals {_e(json.dumps({k: f'{v:.1e}' for k, v in res.residual.items()}))}"
                 "</li></ul><ul>")
    parts += [f"<li>{_e(a)}</li>" for a in inp.assumptions]
    parts += [f"<li>{_e(x.attrs['text'])}</li>" for x in (inp.welfare_range, inp.welfare_band)
              if x is not None and "text" in x.attrs]
    parts.append("</ul>")
    if inp.theta_range is not None:
        parts += ["<h3>Trade elasticities by sector (used, and range across published "
                  "sources)</h3>", _table(inp.theta_range.reset_index(), "{:.2f}", 200)]
    if inp.sources:
        parts += ["<h3>Sources</h3><ul>"] + [f"<li>{_e(s)}</li>" for s in inp.sources]
        parts.append("</ul>")
    parts.append("<p class='note'>Made by autarky. Country shapes: Natural Earth (public "
                 "domain). This file makes no network request.</p></body></html>")
    return "\n".join(parts)


def write_report(path: str | Path, inp: ReportInput) -> Path:
    """Write :func:`build_report` to ``path`` atomically; returns the path."""
    text = build_report(inp)
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic(Path(path), write)
