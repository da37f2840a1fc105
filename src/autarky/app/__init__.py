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
from typing import Any

__all__ = ["SCRIPT", "solve", "streamlit_args"]

SCRIPT = Path(__file__).with_name("streamlit_app.py")


def streamlit_args(host: str = "127.0.0.1", port: int = 8501) -> list[str]:
    """The command line that serves the app (``python -m streamlit run ...``)."""
    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT),
            "--server.address", host, "--server.port", str(int(port)),
            "--server.headless", "true", "--server.enableStaticServing", "true",
            "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
            "--client.toolbarMode", "minimal"]  # no Deploy button in an offline app


def solve(dataset: str, year: int | None, elasticities: str, spec: str,
          members: tuple[str, ...] = (), external_tariff: float = 0.0,
          with_range: bool = True, loaded: Any = None) -> Any:
    """The app's one solve: a :class:`autarky.service.RunSpec` through the run service.

    ``spec`` is a preset name (templates with their parameter filled in, e.g.
    ``autarky:RUS``); with ``members`` a custom bloc (free trade inside, a common external
    tariff) is run instead. ``with_range=False`` skips the range across elasticity sources
    (the headline is the same). ``loaded``: the world of ``dataset`` and ``year`` already
    loaded (a :class:`autarky.run.Loaded`, e.g. the app's cached one), so that a run does
    not read and repair the data again; its repairs are kept in the outcome. Returns the
    :class:`autarky.service.RunOutcome`, so the app shows exactly what ``autarky run``
    prints for the same question.
    """
    import dataclasses

    import autarky as ak
    from autarky import run as run_

    if members:
        scn: Any = ak.Scenario.bloc(list(members), external_tariff=external_tariff,
                                    name="bloc").with_info(
            name="custom bloc", description=f"A bloc of {', '.join(members)}: free trade "
            f"inside, a common external tariff of {external_tariff:.0%}.")
    else:
        scn = spec
    world: Any = dataset
    if isinstance(scn, str) and ak.presets.kind(scn) == "ilms":
        world = None  # their own data folder
    elif loaded is not None:
        world = loaded.world
    out = ak.service.run(ak.RunSpec(scn, world=world, year=year if world else None,
                                    elasticities=run_.elasticities(elasticities),
                                    range=with_range, command="autarky app"))
    if loaded is not None and world is loaded.world:
        out = dataclasses.replace(out, repairs=tuple(loaded.repairs),
                                  world_reason="chosen in the app")
    return out
