"""One self-contained HTML report of a run (plotly.js inline; no request to any network)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from autarky import outcomes
from autarky.data.exports import _atomic
from autarky.data.scenario_data import country_name
from autarky.data.shapes import country_shapes

__all__ = ["ReportInput", "build_report", "figures", "fmt_num", "pick_map", "styled",
           "value_map", "write_report"]

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


def fmt_num(v: Any, signed: bool = False) -> str:
    """A number formatted for its size.

    Thousands separators above 1,000, three decimals below 10 (changes in % and pp), empty
    for a missing value.
    """
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return str(v)
    sign = "+" if signed else ""
    a = abs(float(v))
    if a < 5e-4:
        v, a = 0.0, 0.0  # no "-0.000"
    if a >= 1000:
        return f"{v:{sign},.0f}"
    if a >= 100:
        return f"{v:{sign}.1f}"
    if a >= 10:
        return f"{v:{sign}.2f}"
    return f"{v:{sign}.3f}"


def styled(df: pd.DataFrame, signed: Sequence[str] = ()) -> Any:
    """A pandas Styler with every number formatted for its size (:func:`fmt_num`).

    The columns in ``signed`` with a sign.
    """
    num = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
    return df.style.format({c: (lambda v, s=(c in signed): fmt_num(v, s)) for c in num})


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _bloc_of(countries: Sequence[str], groups: Mapping[str, Sequence[str]]) -> list[str]:
    first: dict[str, str] = {}
    for g, members in groups.items():
        for c in members:
            first.setdefault(c, g)
    return [first.get(c, "not in a bloc") for c in countries]


_NO_DATA = "#d9cfb8"  # "no separate data" (folded into ROW): a hue outside the diverging scale
_SMALL_DEG2 = 2.0  # economies smaller than this (degrees², latitude-scaled) also get a dot
CLIP_QUANTILE = 0.95
"""The colour scale of welfare maps runs symmetrically to this quantile of |value|; the
economies beyond it are drawn at the end colour, outlined and listed under the map."""


@cache
def _features() -> tuple[dict[str, Any], ...]:
    """The package's country shapes, decoded once (read-only: plotly copies what it keeps)."""
    return tuple(country_shapes()["features"])


@cache
def shape_stats() -> dict[str, tuple[float, float, float]]:
    """Country id -> (area in latitude-scaled degrees², lon, lat of its largest polygon)."""
    out = {}
    for f in country_shapes()["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        best, total = (0.0, 0.0, 0.0), 0.0
        for poly in polys:
            ring = np.asarray(poly[0], float)
            x, y = ring[:, 0] * np.cos(np.radians(ring[:, 1].mean())), ring[:, 1]
            a = 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))
            total += a
            if a >= best[0]:
                best = (a, float(ring[:, 0].mean()), float(ring[:, 1].mean()))
        out[str(f["id"])] = (total, best[1], best[2])
    return out


def _diverging(lo: float, hi: float) -> list[list[Any]]:
    """RdBu (red: losses, blue: gains), cut to the side or sides the data reach.

    The same colour then means the same value whatever the sign of the extremes.
    """
    import plotly.colors as pc

    full = pc.diverging.RdBu
    if lo >= 0:
        part = full[len(full) // 2:]
    elif hi <= 0:
        part = full[:len(full) // 2 + 1]
    else:
        part = full
    return [[k / (len(part) - 1), c] for k, c in enumerate(part)]


def subtitle(meta: Mapping[str, Any], name: str = "") -> str:
    """Scenario, world, year and elasticities, for the line under a figure's title."""
    bits = [name, f"{meta.get('dataset', '')} {meta.get('year', '') or ''}".strip(),
            f"elasticities {meta.get('elasticities', '')}" if meta.get("elasticities") else ""]
    return ", ".join(b for b in bits if b)


def source_line(meta: Mapping[str, Any]) -> str:
    src = str(meta.get("dataset_source", "") or meta.get("dataset", "")).split(";")[0].strip()
    return (f"Source: {src}; model: autarky (Caliendo-Parro 2015 in changes)" if src else
            "Model: autarky (Caliendo-Parro 2015 in changes)")


def titled(fig: go.Figure, title: str, sub: str, source: str) -> go.Figure:
    """Title, subtitle and source on the figure itself, so that an export carries them."""
    fig.update_layout(title={"text": f"{_e(title)}<br><sup>{_e(sub)}</sup>", "x": 0.01,
                             "xanchor": "left"})
    fig.add_annotation(text="<br>".join(_e(x) for x in source.split("\n")), showarrow=False,
                       align="left",
                       xref="paper", yref="paper", x=0, y=0, yshift=-8, xanchor="left",
                       yanchor="top",
                       font={"size": 10, "color": "#666"})
    return fig


def value_map(countries: Sequence[str], values: Any, title: str, sub: str, source: str,
              unit: str = "%", hover: Sequence[str] | None = None,
              shapes_url: str | None = None) -> go.Figure:
    """A choropleth of one value per economy.

    Symmetric colour scale clipped at :data:`CLIP_QUANTILE` of |value| (clipped economies
    outlined and listed under the map); economies without separate data in a distinct
    colour; economies too small to see also drawn as dots. Trace 1 carries the data
    (``showscale``); trace 0 is the "no separate data" layer. ``shapes_url``: the browser
    loads the country shapes from this address (the app's static file) instead of the
    figure carrying them (the report, which must open offline as one file).
    """
    stats = shape_stats()
    vals = np.asarray(values, float)
    keep = [k for k, c in enumerate(countries) if c in stats and np.isfinite(vals[k])]
    locs = [countries[k] for k in keep]
    v = vals[keep]
    hov = [hover[k] if hover is not None else  # hover: plotly pseudo-HTML, escaped by caller
           _e(f"{countries[k]} {country_name(countries[k])}: {vals[k]:+.3f} {unit}")
           for k in keep]
    lim = float(np.quantile(np.abs(v), CLIP_QUANTILE)) if len(v) else 1.0
    lim = lim or float(np.max(np.abs(v), initial=0.0)) or 1.0
    clipped = [k for k in range(len(v)) if abs(v[k]) > lim * (1 + 1e-9)]
    lo = -lim if (v < 0).any() else 0.0
    hi = lim if (v > 0).any() or not len(v) else 0.0
    scale = _diverging(lo, hi)
    rest = sorted(set(stats) - set(countries))
    rest_set, locs_set = set(rest), set(locs)
    fig = go.Figure(go.Choropleth(
        geojson=shapes_url or {"type": "FeatureCollection", "features": [
            f for f in _features() if f["id"] in rest_set]},
        featureidkey="id", locations=rest, z=np.zeros(len(rest)), name="no separate data",
        colorscale=[[0, _NO_DATA], [1, _NO_DATA]], showscale=False,
        hovertemplate="%{location}: no separate data (in ROW)<extra></extra>",
        marker_line_width=0.3, marker_line_color="#fff"))
    widths = [1.6 if k in clipped else 0.3 for k in range(len(v))]
    fig.add_trace(go.Choropleth(
        geojson=shapes_url or {"type": "FeatureCollection", "features": [
            f for f in _features() if f["id"] in locs_set]},
        featureidkey="id", locations=locs, z=v,
        customdata=v, text=hov, hoverinfo="text", colorscale=scale,
        zmin=lo, zmax=hi if hi > lo else lo + 1, showscale=True,
        marker_line_width=widths, marker_line_color=["#000" if k in clipped else "#555"
                                                     for k in range(len(v))],
        colorbar={"title": {"text": _e(unit)}, "len": 0.8, "thickness": 12}))
    small = [k for k, c in enumerate(locs) if stats[c][0] < _SMALL_DEG2]
    if small:
        fig.add_trace(go.Scattergeo(
            lon=[stats[locs[k]][1] for k in small], lat=[stats[locs[k]][2] for k in small],
            text=[hov[k] for k in small], hoverinfo="text", mode="markers",
            name="small economies", showlegend=False,
            marker={"size": 6, "color": v[small], "colorscale": scale,
                    "cmin": lo, "cmax": hi if hi > lo else lo + 1,
                    "line": {"width": [1.4 if k in clipped else 0.5 for k in small],
                             "color": "#000"}}))
    fig.update_geos(visible=False, projection_type="natural earth",
                    lataxis_range=[-58, 85], lonaxis_range=[-180, 180])
    note = ""
    if clipped:
        order = sorted(clipped, key=lambda k: -abs(v[k]))
        listed = ", ".join(f"{locs[k]} {v[k]:+.2f}" for k in order[:8])
        more = f" and {len(order) - 8} more" if len(order) > 8 else ""
        note = (f"Colour scale clipped at ±{lim:.2f} {unit} (the {CLIP_QUANTILE:.0%} "
                f"quantile); beyond it, outlined: {listed}{more}.\n")
    titled(fig, title, sub, note + "Beige: no separate data (in ROW). Dots: economies too "
           "small to see.\n" + source)
    fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 60, "b": 70},
                      legend={"orientation": "h", "y": -0.02})
    return fig


def figures(inp: ReportInput, shapes_url: str | None = None) -> dict[str, go.Figure]:
    """The report's figures: ``map``, ``bars``, ``sectors`` and, with IO data, ``dependency``.

    ``shapes_url``: as in :func:`value_map`.

    Labels are escaped for plotly's pseudo-HTML text.
    """
    res = inp.result
    h = outcomes.headline(res)
    countries = list(res.countries)
    labels = [_e(c) for c in countries]
    welfare = h["welfare_pct"].to_numpy(float)
    out: dict[str, go.Figure] = {}
    meta = dict(inp.meta)
    sub, src = subtitle(meta, inp.title), source_line(meta)
    hover = [f"{lab} {country_name(c)}<br>welfare {w:+.3f}%<br>real GDP {g:+.3f}%"
             for lab, c, w, g in zip(labels, countries, welfare,
                                     h["real_gdp_pct"].to_numpy(float), strict=True)]
    fig = value_map(countries, welfare, "Welfare change by country, % (real income)", sub,
                    src, "%", hover, shapes_url=shapes_url)
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
                       margin={"t": 70, "b": 110}, legend={"orientation": "h", "y": 1.02,
                                                          "yanchor": "bottom"})
    titled(bars, "Welfare by country, %, sorted, by bloc" + (
        " (whiskers: range across elasticity sources)" if lo is not None else ""), sub, src)
    out["bars"] = bars

    sec = outcomes.sector_reallocation(res)["change_pct"].unstack("sector")
    sec = sec.loc[countries, list(res.sectors)]
    z = sec.to_numpy(float)
    zl = float(np.nanpercentile(np.abs(z), 98)) if np.isfinite(z).any() else 1.0
    rows = [f"{lab} {_e(country_name(c))}" for lab, c in zip(labels, countries, strict=True)]
    out["sectors"] = go.Figure(go.Heatmap(
        z=z, x=[_e(s) for s in res.sectors], y=rows, colorscale="RdBu", zmid=0,
        zmin=-zl, zmax=zl, colorbar={"title": {"text": "output %"}},
        hovertemplate="%{y} %{x}: %{z:+.2f}%<extra></extra>"))
    out["sectors"].update_layout(  # every row labelled (no automatic thinning)
        height=max(400, 14 * len(countries) + 130), margin={"t": 70, "b": 60},
        yaxis={"tickmode": "array", "tickvals": rows, "ticktext": rows,
               "tickfont": {"size": 9}, "autorange": "reversed"})
    titled(out["sectors"], "Gross output change by country and sector, % (colour clipped at "
           f"the 98th percentile, ±{zl:.2f}%)", sub, src)
    if inp.dependency is not None:
        d = inp.dependency
        out["dependency"] = go.Figure(go.Heatmap(
            z=d.to_numpy(float), x=[_e(s) for s in d.columns], y=[_e(c) for c in d.index],
            colorscale="Oranges", colorbar={"title": {"text": "share"}},
            hovertemplate="%{y} %{x}: %{z:.1%}<extra></extra>"))
        dl = [_e(c) for c in d.index]
        out["dependency"].update_layout(
            height=max(400, 14 * len(d) + 130), margin={"t": 70, "b": 60},
            yaxis={"tickmode": "array", "tickvals": dl, "ticktext": dl,
                   "tickfont": {"size": 9}, "autorange": "reversed"})
        titled(out["dependency"], "Foreign dependency: imported inputs per unit of output, "
               "all domestic stages (share)", sub, src)
    return out


def pick_map(countries: Sequence[str], selected: Sequence[str] = (),
             shapes_url: str | None = None) -> go.Figure:
    """A map for choosing countries (selected in colour); trace 0 lists ``countries``."""
    shapes: Any = shapes_url or {"type": "FeatureCollection", "features": list(_features())}
    ids = set(shape_stats())
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


_WORDS = {"gdp": "GDP", "pct": "%", "pp": "pp"}


def pretty(name: object) -> str:
    """A column name for people, with its unit: ``real_gdp_pct`` -> ``real GDP, %``.

    Money columns of the outcome tables (``exports_before``) are million USD. Names that
    already carry spaces are kept as they are.
    """
    text = str(name)
    if text in ("before", "after", "change"):  # flows and output in the outcome tables
        return f"{text}, million USD"
    if " " in text or "_" not in text and not text.endswith("pct"):
        return text
    parts = text.split("_")
    unit = ""
    if parts[-1] in ("pct", "pp"):
        parts, unit = parts[:-1], (", %" if parts[-1] == "pct" else ", pp")
    elif "share" in parts:
        unit = ", share"
    elif parts[-1] in ("before", "after", "lost", "gained", "usd", "revenue"):
        unit = ", million USD"
    return " ".join(_WORDS.get(p, p) for p in parts) + unit


def _table(df: pd.DataFrame, floats: str = "{:,.2f}", max_rows: int = 40) -> str:
    d = df.head(max_rows).rename(columns=pretty)
    fmt = {c: (lambda v, f=floats: "" if pd.isna(v) else f.format(v))
           for c in d.columns if pd.api.types.is_float_dtype(d[c])}
    return d.to_html(index=False, escape=True, formatters=fmt, na_rep="",
                     border=0, classes="t")


def extras_html(extras: Mapping[str, pd.DataFrame]) -> list[str]:
    """The outcome's extra tables (comparators, sensitivities, diagnostics) as they come.

    Each with its title and the sentence that says what it is.
    """
    parts: list[str] = []
    for name, df in extras.items():
        d = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
        parts += [f"<h2>{_e(df.attrs.get('title', name.replace('_', ' ')))}</h2>",
                  f"<div class='scroll'>{_table(d, '{:+,.3f}', 400)}</div>"]
        if df.attrs.get("text"):
            parts.append(f"<p class='note'>{_e(df.attrs['text'])}</p>")
    return parts


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
    # the figure's notes (clipped economies, source) again as an HTML caption, shown instead
    # of plotly's one-line annotation on narrow screens, where that would be cut off
    notes = "<br>".join(str(a.text) for a in fig.layout.annotations or () if a.text)
    cap = f"<p class='note figcap'>{notes}</p>" if notes else ""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG,
                           div_id=f"fig-{name}")) + cap


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;
max-width:1200px;padding:1em 2em;color:#222;overflow-wrap:break-word}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table.t{border-collapse:collapse;font-size:.85em;margin:.5em 0;display:block;
overflow-x:auto;max-width:100%}
table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}
table.t td:first-child,table.t th:first-child{text-align:left}
.cols{display:flex;gap:2em;flex-wrap:wrap} .cols>div{flex:1 1 480px;overflow-x:auto}
.note{color:#555;font-size:.9em} ul{font-size:.9em}
.scroll{overflow-x:auto} .js-plotly-plot{max-width:100%}
.figcap{display:none}
@media (max-width:700px){body{padding:.5em .6em} h1{font-size:1.3em}
.figcap{display:block} .js-plotly-plot .annotation{display:none}
.cols>div{flex:1 1 100%} table.t{font-size:.78em}}
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
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
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
    parts += extras_html(inp.extras)
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
