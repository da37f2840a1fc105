"""autarky: what happens when the world trades less.

General-equilibrium trade scenarios (Caliendo-Parro 2015 in exact hat algebra) and
input-output linkages, calibrated to real world input-output and trade data.
"""

from __future__ import annotations

from autarky import data, eurasia, gravity, linkages, presets, presets_eurasia, run, service
from autarky.claims import claims  # noqa: E402  (last: it uses the API above)
from autarky.data import datasets, elasticities, load_world
from autarky.errors import (
    AutarkyError,
    ConvergenceError,
    DataError,
    RepairWarning,
    ScenarioError,
)
from autarky.nash import NashOptions, NashResult, nash
from autarky.results import Result
from autarky.scenario import Scenario, Shock
from autarky.service import RunOutcome, RunSpec
from autarky.service import solve as solve
from autarky.solve import SolveOptions
from autarky.sweep import (
    SweepResult,
    bloc_entry,
    bloc_subsets,
    draw_elasticities,
    sweep,
    sweep_scenarios,
)
from autarky.world import MRIO, World

__version__ = "0.1.0"


__all__ = [
    "AutarkyError",
    "ConvergenceError",
    "DataError",
    "MRIO",
    "NashOptions",
    "NashResult",
    "RepairWarning",
    "Result",
    "RunOutcome",
    "RunSpec",
    "Scenario",
    "ScenarioError",
    "Shock",
    "SolveOptions",
    "SweepResult",
    "World",
    "__version__",
    "bloc_entry",
    "bloc_subsets",
    "claims",
    "data",
    "datasets",
    "draw_elasticities",
    "elasticities",
    "eurasia",
    "gravity",
    "linkages",
    "load_world",
    "nash",
    "presets",
    "presets_eurasia",
    "run",
    "service",
    "solve",
    "sweep",
    "sweep_scenarios",
]
