"""Static figures (PNG, SVG) for papers, rendered by kaleido with a local Chromium.

kaleido 1.x drives a Chrome it does not ship: the system Chromium (Debian package
``chromium``) is used unless ``BROWSER_PATH`` names another. No network is needed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autarky.errors import DataError

__all__ = ["figure_csv", "figure_csv_text", "figure_data", "write_figures", "write_plotly"]


def _browser() -> None:
    """Point kaleido at the system Chromium (kaleido 1.x drives a Chrome it does not ship)."""
    if os.environ.get("BROWSER_PATH"):
        return
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        exe = shutil.which(name)
        if exe:
            os.environ["BROWSER_PATH"] = exe
            return


def write_figures(folder: str | Path, inp: Any, formats: Sequence[str] = ("png", "svg"),
                  scale: float = 2.0, names: Sequence[str] | None = None) -> list[Path]:
    """Write each figure of the report (map, bars, sectors[, dependency]) as PNG and SVG.

    Parameters
    ----------
    folder : path
        Where the files go (created if needed).
    inp : ReportInput
        What the report shows.
    formats : sequence of {"png", "svg", "pdf"}
        File formats, one file per figure and format.
    scale : float
        Pixel density of raster formats.
    names : sequence of str, optional
        Only these figures (default: all).

    Raises
    ------
    DataError
        When no Chromium/Chrome is found for kaleido or a file cannot be written.
    """
    from autarky.report.html import figures

    figs = {k: f for k, f in figures(inp).items() if names is None or k in names}
    return write_plotly(folder, figs, formats, scale)


def write_plotly(folder: str | Path, figs: dict[str, Any],
                 formats: Sequence[str] = ("png", "svg"), scale: float = 2.0) -> list[Path]:
    """Write plotly figures (name -> figure) into ``folder``, one file per format."""
    import plotly.io as pio

    _browser()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # plotly asks for a base-map TopoJSON even with the base layers hidden: answer it with the
    # packaged empty topology instead of plotly's CDN
    before = pio.defaults.topojson
    pio.defaults.topojson = (Path(__file__).with_name("assets").resolve().as_uri() + "/")
    try:
        for name, fig in figs.items():
            fig.update_layout(width=1200)
            for fmt in formats:
                p = out / f"{name}.{fmt}"
                pio.write_image(fig, p, format=fmt, scale=scale if fmt == "png" else 1)
                written.append(p)
            written.append(figure_csv(fig, out / f"{name}.csv"))
    except (RuntimeError, OSError, ValueError) as err:
        raise DataError(f"static figures in {out}: {err} (kaleido needs Chromium or Chrome: "
                        "set BROWSER_PATH)") from None
    finally:
        pio.defaults.topojson = before
    return written


def _plain(text: str) -> str:
    """Plotly pseudo-HTML title text as plain text."""
    import html
    import re

    return html.unescape(re.sub(r"<br>", " - ", re.sub(r"</?(sup|b|i)>", "", text or "")))


def figure_data(fig: Any) -> Any:
    """The numbers a figure draws, as a long table (the CSV behind an exported figure)."""
    import pandas as pd

    frames = []
    for t in fig.data:
        name = t.name or t.type
        if t.type == "choropleth" and t.showscale:
            frames.append(pd.DataFrame({"series": name, "country": list(t.locations),
                                        "value": list(t.z)}))
        elif t.type == "bar":
            frames.append(pd.DataFrame({"series": name, "country": list(t.x),
                                        "value": list(t.y)}))
        elif t.type == "heatmap":
            import numpy as np

            z = np.asarray(t.z, float)
            rows, cols = list(t.y), list(t.x)
            frames.append(pd.DataFrame({"series": name,
                                        "country": np.repeat(rows, len(cols)),
                                        "column": np.tile(cols, len(rows)),
                                        "value": z.ravel()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def figure_csv(fig: Any, path: Path) -> Path:
    """Write :func:`figure_data` with title, subtitle and source as ``#`` lines first.

    Read it back with ``pandas.read_csv(path, comment="#")``.
    """
    from autarky.data.exports import _atomic

    text = figure_csv_text(fig)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic(path, write)


def figure_csv_text(fig: Any) -> str:
    """The text of :func:`figure_csv` (the app's per-figure download)."""
    title = _plain(fig.layout.title.text or "")
    notes = [_plain(a.text) for a in fig.layout.annotations or () if a.text]
    head = "".join(f"# {line}\n" for line in (title, *notes) if line)
    return head + str(figure_data(fig).to_csv(index=False))
