"""The app's Claims view: each of the texts' claims with its computed values and band.

The numbers are those of ``autarky claims`` (:func:`autarky.claims.compute`, which asks
the run service), each claim computed once per server (cached) and shown with the chart
and CSV of the claims report (:mod:`autarky.report.claims`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

__all__ = ["TITLES", "claim", "show"]


def _titles() -> dict[int, str]:
    from autarky.claims import CLAIMS

    out = {}
    for k, f in enumerate(CLAIMS, start=1):
        first = (f.__doc__ or f.__name__).strip().splitlines()[0]
        out[k] = first.partition(": ")[2] or first
    return out


TITLES = _titles()
"""Claim id -> its one-line paraphrase (from the claim functions, before computing)."""


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def claim(cid: int) -> Any:
    """One claim computed as ``autarky claims --only ID`` does (cached per server)."""
    from autarky.claims import compute

    return compute(None, [cid])[0]


def _band(c: Any, unit: str) -> str:
    if math.isnan(c.band_low) or math.isnan(c.band_high):
        return "no number computed"
    return f"{c.band_low:+,.4g} to {c.band_high:+,.4g} ({unit})"


def show(ids: list[int], config: dict[str, Any]) -> None:
    """The view: a summary table, then per claim its chart, band, result and limits."""
    from autarky.claims import frame
    from autarky.report.claims import CHARTS, chart_data, claim_csv_text, claim_figure

    st.subheader("The texts' claims, computed")
    st.caption("Each claim as a plain paraphrase, what the model computes to test it, the "
               "values behind its band and the band itself; the same numbers as "
               "'autarky claims' (claims 1, 7 and 8 on their default worlds; other worlds: "
               "autarky claims --world).")
    items = []
    bar = st.progress(0.0, text="computing the claims")
    for k, i in enumerate(ids):
        items.append(claim(i))
        bar.progress((k + 1) / len(ids), text=f"claim {i} computed")
    bar.empty()
    rows = []
    for c in items:
        spec = CHARTS.get(int(c.id))
        data = chart_data(c)
        rows.append({"claim": f"{c.id}. {c.claim}",
                     "values": 0 if data is None else len(data),
                     "band": _band(c, spec.unit if spec else ""),
                     "what the band spans": spec.axis if spec else "nothing computed"})
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.download_button("CSV: claims", lambda: frame(items).to_csv(index=False),
                       file_name="claims.csv", mime="text/csv", key="csv-claims")
    for c in items:
        st.markdown(f"#### {c.id}. {c.claim}")
        spec = CHARTS.get(int(c.id))
        st.markdown(f"**Band:** {_band(c, spec.unit if spec else '')}")
        fig = claim_figure(c)
        if fig is not None:
            st.plotly_chart(fig, config=config, key=f"claim-{c.id}")
            st.download_button("CSV behind this chart", claim_csv_text(c),
                               file_name=f"claim{c.id}_chart.csv", mime="text/csv",
                               key=f"dl-claim-{c.id}")
        st.write(c.result)
        with st.expander("What was computed, assumptions, limits"):
            st.markdown(f"**What was computed:** {c.computation}\n\n"
                        f"**Assumptions:** {c.assumptions}\n\n"
                        f"**What the model cannot say:** {c.limits}")
