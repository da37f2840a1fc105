"""The claims section of the report: the DataFrame of :func:`autarky.claims` as HTML.

Takes the table, not the claims module (the report and the claims sit in the same layer),
and escapes every text it shows.
"""

from __future__ import annotations

import html
import math

import pandas as pd

__all__ = ["claims_page", "claims_section"]

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
