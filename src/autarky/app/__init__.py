"""The browser app (Streamlit): ``autarky app``.

Streamlit because it is a dependency-light script model already used across the Python data
stack: widgets re-run one script, ``st.cache_resource`` keeps each solved result so nothing
is computed twice, ``st.spinner`` shows a solve in progress and ``st.download_button``
serves the CSV and Excel exports; its bundled plotly.js draws the same figures as the
report. (Panel would add a Bokeh server and more wiring for the same pages.)
The app binds to 127.0.0.1 unless told otherwise and needs no network: the map's shapes
come from the package and plotly's base-map request is answered by ``static/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["SCRIPT", "streamlit_args"]

SCRIPT = Path(__file__).with_name("streamlit_app.py")


def streamlit_args(host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """The command line that serves the app (``python -m streamlit run ...``)."""
    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT),
            "--server.address", host, "--server.port", str(int(port)),
            "--server.headless", "true", "--server.enableStaticServing", "true",
            "--browser.gatherUsageStats", "false", "--global.developmentMode", "false"]
