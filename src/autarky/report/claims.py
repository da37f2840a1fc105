"""The claims in the report: each claim's text, and a chart of its computed values and band.

:func:`claims_section` and :func:`claims_page` take the DataFrame of :func:`autarky.claims`
(texts and bands); :func:`claims_report` takes the :class:`autarky.claims.Claim` objects of
:func:`autarky.claims.compute` and adds, per claim, a chart of the values the band spans
(read from the claim's own tables, never recomputed) with the band shaded, its unit, a
title, a subtitle (world, year, elasticities) and the source on the figure, and the CSV
behind it. Every text is HTML-escaped; the page makes no network request.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["CHARTS", "chart_data", "claim_csv_text", "claim_figure", "claims_page",
           "claims_report", "claims_section"]

_FIELDS = (("computation", "What was computed"), ("result", "Result"),
           ("assumptions", "Assumptions"), ("limits", "What the model cannot say"))


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _band(low: float, high: float) -> str:
    if any(not isinstance(v, (int, float)) or math.isnan(v) for v in (low, high)):
        return "no number computed"
    return f"{low:,.3g} to {high:,.3g}"


def claims_section(df: pd.DataFrame) -> str:
    """One ``<section>`` with a block per claim; every text is HTML-escaped.

    Each block: the paraphrase, what was computed, the result and its band, the
    assumptions and the limits.

    Parameters
    ----------
    df : pandas.DataFrame
        As returned by :func:`autarky.claims`.

    Returns
    -------
    str
        An HTML fragment.
    """
    blocks = []
    for r in df.itertuples(index=False):
        rows = "".join(f"<dt>{_e(label)}</dt><dd>{_e(getattr(r, key))}</dd>"
                       for key, label in _FIELDS)
        rows += f"<dt>Band</dt><dd>{_e(_band(r.band_low, r.band_high))}</dd>"
        blocks.append(f'<article class="claim" id="claim-{_e(r.id)}">'
                      f"<h3>{_e(r.id)}. {_e(r.claim)}</h3><dl>{rows}</dl></article>")
    intro = ("Each claim is stated in a plain paraphrase, with what the model computes to "
             "test it, the result and its band, the assumptions and what the model cannot "
             "speak to.")
    return (f'<section id="claims"><h2>The texts\' claims, computed</h2><p>{_e(intro)}</p>'
            + "".join(blocks) + "</section>")


def claims_page(df: pd.DataFrame, title: str = "autarky: the texts' claims") -> str:
    """A self-contained HTML page holding :func:`claims_section`."""
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
             "line-height:1.45}dt{font-weight:600;margin-top:.4rem}dd{margin-left:1rem}"
             ".claim{border-top:1px solid #ccc;padding-top:.5rem}")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{style}</style></head><body>"
            f"{claims_section(df)}</body></html>\n")


# ------------------------------------------------------------------ charts (issue 32)
@dataclass(frozen=True)
class Chart:
    """Where a claim's band comes from: a table of the claim, its label and value columns.

    ``band`` says how the band is taken from the values (``range``: lowest to highest;
    ``p10-p90``: the 10th to 90th percentile); ``world`` and ``elasticities`` make the
    figure's subtitle (``{world}``: the world the claim was run on).
    """

    table: str
    label: str
    value: str
    unit: str
    axis: str
    world: str
    elasticities: str
    band: str = "range"


CHARTS: dict[int, Chart] = {
    1: Chart("world_autarky_band", "source", "world_welfare", "%",
             "world welfare change under world autarky (income-weighted)",
             "{world} {year}", "each catalog source, the median, and the median "
             "without input-output links"),
    2: Chart("income_correlation", "label", "spearman", "no unit, -1 to 1",
             "Spearman correlation of income group and gain from trade",
             "icio2023 2011-2022 and wiod2013 1995-2011, every year", "median of the catalog"),
    3: Chart("cklt_variance", "country", "variance_ratio", "no unit",
             "variance of log real income, open trade / autarky",
             "wiod2013 {wiod2013}", "median of the catalog", "p10-p90"),
    4: Chart("dependency_by_country", "country", "total", "%",
             "imported inputs used at every stage per unit of output",
             "icio2023 {icio2023}", "none (input-output accounts)"),
    5: Chart("bloc_choice", "state", "gain", "pp",
             "best bloc minus staying out",
             "world194 {world194}", "median of the catalog"),
    6: Chart("eurasian_members", "country", "welfare", "%",
             "members' welfare change", "icio194 {icio194}", "median of the catalog"),
    7: Chart("no_tourism_sources", "source", "world_welfare", "%",
             "world welfare change without international tourism (income-weighted)",
             "{world} {year}", "each catalog source"),
    8: Chart("essentials_sources", "source", "world_welfare", "%",
             "world welfare change, autarky in essentials (income-weighted)",
             "{world} {year}", "each catalog source"),
    10: Chart("nash_by_source", "source", "world_welfare", "%",
              "world welfare change in the Nash tariff war (income-weighted)",
              "wiod2016 2014, without input-output links", "each catalog source"),
}
"""The chart of each claim (claim 9 computes nothing and has none)."""

SOURCE = ("Source: autarky claims (Caliendo-Parro 2015 model in changes); data: the "
          "datasets named, see 'autarky info'")


def chart_data(claim: Any) -> pd.DataFrame | None:
    """The values a claim's band spans: columns ``label`` and ``value`` (None: no chart).

    Read from the claim's tables as computed; claim 5's value per state is its best bloc
    minus staying out (the claim's own definition of its band).
    """
    spec = CHARTS.get(int(claim.id))
    tables = getattr(claim, "tables", {}) or {}
    if spec is None or spec.table not in tables:
        return None
    t = tables[spec.table]
    if int(claim.id) == 5:
        from autarky import presets

        wel = t.set_index(["state", "option"])["welfare"].unstack("option")
        out = presets.OPTIONS[2]
        joins = [o for o in presets.OPTIONS if o != out]
        gain = wel[joins].max(axis=1) - wel[out]
        return pd.DataFrame({"label": list(gain.index), "value": gain.to_numpy(float)})
    if int(claim.id) == 2:
        labels = [f"{d} {int(y)}" for d, y in zip(t["dataset"], t["year"], strict=True)]
    else:
        labels = [str(x) for x in t[spec.label]]
    return pd.DataFrame({"label": labels, "value": t[spec.value].to_numpy(float)})


def _years() -> dict[str, str]:
    from autarky.data import datasets

    return {str(n): str(y).partition("-")[2] or str(y)
            for n, y in datasets()["years"].items()}


def _subtitle(claim: Any, world: str | None) -> str:
    spec = CHARTS[int(claim.id)]
    years = _years()
    name = world or "icio2023"
    where = spec.world.format(world=name, year=years.get(name, "(own data)"), **years)
    return f"claim {claim.id}; world: {where}; elasticities: {spec.elasticities}"


def _band_text(claim: Any, spec: Chart) -> str:
    how = ("10th to 90th percentile of the values" if spec.band == "p10-p90"
           else "lowest to highest value")
    return f"band ({how}): {_band(claim.band_low, claim.band_high)} ({spec.unit})"


def claim_figure(claim: Any, world: str | None = None) -> Any:
    """A plotly figure of one claim: its values as dots, the band shaded (None: no chart)."""
    import plotly.graph_objects as go

    from autarky.report import html as rhtml

    data = chart_data(claim)
    if data is None:
        return None
    spec = CHARTS[int(claim.id)]
    data = data.sort_values("value")
    many = len(data) > 24
    y = ["values"] * len(data) if many else list(data["label"])
    hover = [f"{lab}: {v:+,.4g} ({spec.unit})" for lab, v in zip(data["label"],
                                                                 data["value"], strict=True)]
    fig = go.Figure(go.Scatter(x=data["value"].to_numpy(float), y=y, mode="markers",
                               name="computed values", text=hover, hoverinfo="text",
                               customdata=list(data["label"]),
                               marker={"size": 9, "color": "#1f4e79",
                                       "opacity": 0.55 if many else 1.0}))
    lo, hi = float(claim.band_low), float(claim.band_high)
    if not (math.isnan(lo) or math.isnan(hi)):
        fig.add_vrect(x0=lo, x1=hi, fillcolor="#f4a261", opacity=0.25, line_width=0,
                      layer="below")
    height = 230 if many else max(230, 120 + 22 * len(data))
    fig.update_layout(height=height + 40, margin={"l": 10, "r": 10, "t": 80, "b": 120},
                      showlegend=False, plot_bgcolor="white",
                      xaxis={"title": {"text": f"{spec.axis}, {spec.unit}"},
                             "zeroline": True, "zerolinecolor": "#999",
                             "gridcolor": "#eee"},
                      yaxis={"automargin": True, "showticklabels": not many})
    src = f"{_band_text(claim, spec)}\n{SOURCE}"
    rhtml.titled(fig, f"Claim {claim.id}: {claim.claim}", _subtitle(claim, world), src)
    fig.layout.annotations[-1].yshift = -60  # the source below the axis title
    # a long claim wraps (plotly titles do not), so that it fits a phone's width
    wrapped = "<br>".join(html.escape(x) for x in textwrap.wrap(
        f"Claim {claim.id}: {claim.claim}", 60))
    fig.update_layout(title_text=f"{wrapped}<br><sup>{html.escape(_subtitle(claim, world))}"
                      "</sup>")
    return fig


def claim_csv_text(claim: Any, world: str | None = None) -> str:
    """The CSV behind a claim's chart: title, subtitle, band and source as ``#`` lines.

    Read it back with ``pandas.read_csv(..., comment="#")``; columns ``label, value, unit``.
    """
    data = chart_data(claim)
    if data is None:
        return ""
    spec = CHARTS[int(claim.id)]
    head = [f"Claim {claim.id}: {claim.claim}", _subtitle(claim, world),
            _band_text(claim, spec), SOURCE]
    out = data.assign(unit=spec.unit)
    return "".join(f"# {h}\n" for h in head) + str(out.to_csv(index=False,
                                                            float_format="%.17g"))


def claims_report(items: Sequence[Any], world: str | None = None, repairs: Sequence[str] = (),
                  title: str = "The texts' claims, computed") -> str:
    """A self-contained, offline HTML report of computed claims, a chart per claim.

    Parameters
    ----------
    items : sequence of Claim
        As returned by :func:`autarky.claims.compute`.
    world : str, optional
        The world given to :func:`autarky.claims.compute` (claims 1, 7 and 8).
    repairs : sequence of str
        The data repairs made while computing (listed at the end).
    title : str
        The page's heading.

    Returns
    -------
    str
        One HTML document: viewport tag, plotly.js inlined, no network request.
    """
    from urllib.parse import quote

    from autarky.report import html as rhtml

    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>autarky: {_e(title)}</title><style>{rhtml._CSS}"
             "dt{font-weight:600;margin-top:.4rem}dd{margin-left:1rem}"
             ".claim{border-top:1px solid #ccc;padding-top:.5rem}</style>",
             f"<script type='text/javascript'>{rhtml._offline_plotlyjs()}</script></head>"
             "<body>", f"<h1>{html.escape(title, quote=False)}</h1>",
             "<p class='note'>Each claim: a plain paraphrase, what the model computes to test "
             "it, a chart of the computed values with the band shaded, the result, the "
             "assumptions and what the model cannot speak to. Every chart's numbers can be "
             "downloaded as CSV.</p>"]
    for c in items:
        parts.append(f'<article class="claim" id="claim-{_e(c.id)}">'
                     f"<h2>{_e(c.id)}. {_e(c.claim)}</h2>")
        fig = claim_figure(c, world)
        if fig is not None:
            parts.append(rhtml._div(fig, f"claim{c.id}"))
            csv = claim_csv_text(c, world)
            parts.append(f"<p class='note'><a download='claim{_e(c.id)}_chart.csv' "
                         f"href='data:text/csv;charset=utf-8,{quote(csv)}'>CSV behind "
                         "this chart</a></p>")
        rows = "".join(f"<dt>{_e(label)}</dt><dd>{_e(getattr(c, key))}</dd>"
                       for key, label in _FIELDS)
        spec = CHARTS.get(int(c.id))
        band = _band_text(c, spec) if spec else f"band: {_band(c.band_low, c.band_high)}"
        rows += f"<dt>Band</dt><dd class='band'>{_e(band)}</dd>"
        parts.append(f"<dl>{rows}</dl></article>")
    if repairs:
        parts.append("<h2>Data repairs</h2><ul>")
        parts += [f"<li>{_e(r)}</li>" for r in repairs]
        parts.append("</ul>")
    parts.append("<p class='note'>Made by autarky. This file makes no network request."
                 "</p></body></html>")
    return "\n".join(parts)
