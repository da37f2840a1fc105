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

__all__ = ["write_figures", "write_plotly"]


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
    except (RuntimeError, OSError, ValueError) as err:
        raise DataError(f"static figures in {out}: {err} (kaleido needs Chromium or Chrome: "
                        "set BROWSER_PATH)") from None
    finally:
        pio.defaults.topojson = before
    return written
