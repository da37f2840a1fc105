"""autarky: what happens when the world trades less.

General-equilibrium trade scenarios (Caliendo-Parro 2015 in exact hat algebra) and
input-output linkages, calibrated to real world input-output and trade data.

The package is lazy: ``import autarky`` loads none of its heavy dependencies (SciPy,
pandas, xarray, Plotly, pyfixest, Dask, DuckDB); each public name is imported on first
use (module ``__getattr__``). ``autarky.solve``, ``autarky.nash``, ``autarky.sweep`` and
``autarky.claims`` are the modules of those names and can be called as their main
function: ``ak.sweep(world, scenario)`` is ``autarky.sweep.sweep(world, scenario)``.
``ak.solve(world, scenario)`` is :func:`autarky.service.solve`, the solve every door uses
(a preset calibrated with the run's elasticities, exactly as ``autarky run``); the
engine's own solve, which calibrates nothing, is :func:`autarky.solve.solve`.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from autarky.errors import (
    AutarkyError,
    ConvergenceError,
    DataError,
    RepairWarning,
    ScenarioError,
)

if TYPE_CHECKING:  # what the names below resolve to, for type checkers
    from autarky import data, gravity, linkages, presets, run, service
    from autarky.claims import claims
    from autarky.data import datasets, elasticities, load_world
    from autarky.nash import NashOptions, NashResult, nash
    from autarky.results import Result
    from autarky.scenario import Scenario, Shock
    from autarky.service import RunOutcome, RunSpec, solve
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

_SUBMODULES = ("data", "eurasia", "gravity", "linkages", "presets", "presets_eurasia", "run",
               "service")
_CALLABLE_MODULES = ("claims", "nash", "solve", "sweep")
"""Modules that share their name with their main function and can be called as it."""
_CALL_TARGET = {"solve": "autarky.service"}
"""Callable modules whose call goes to the function of that name in another module:
``ak.solve`` is the run service's solve (calibration included), not the engine's."""
_NAMES = {
    "datasets": "autarky.data", "elasticities": "autarky.data",
    "load_world": "autarky.data",
    "NashOptions": "autarky.nash", "NashResult": "autarky.nash",
    "Result": "autarky.results",
    "RunOutcome": "autarky.service", "RunSpec": "autarky.service",
    "Scenario": "autarky.scenario", "Shock": "autarky.scenario",
    "SolveOptions": "autarky.solve",
    "SweepResult": "autarky.sweep", "bloc_entry": "autarky.sweep",
    "bloc_subsets": "autarky.sweep", "draw_elasticities": "autarky.sweep",
    "sweep_scenarios": "autarky.sweep",
    "MRIO": "autarky.world", "World": "autarky.world",
}


class _CallableModule(types.ModuleType):
    """A module that, called, calls its function of the same name (and has its signature)."""

    def _function(self) -> Any:
        name = self.__name__.rpartition(".")[2]
        where = _CALL_TARGET.get(name)
        return getattr(importlib.import_module(where) if where else self, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function()(*args, **kwargs)

    @property
    def __signature__(self) -> Any:
        import inspect

        return inspect.signature(self._function())


class _Package(types.ModuleType):
    """The package: its callable submodules become callable whenever they are imported."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (name in _CALLABLE_MODULES and isinstance(value, types.ModuleType)
                and type(value) is types.ModuleType):
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES or name in _CALLABLE_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    where = _NAMES.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
