"""Assemble a :class:`ReportInput` from a world, a scenario and its result."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

import autarky as ak
from autarky.report.html import ReportInput

__all__ = ["elasticity_range", "report_input"]


def elasticity_range(dataset: str, result: Any) -> pd.DataFrame | None:
    """By sector: the elasticity used and its min/max across the catalog's sources.

    None when the dataset has no catalog entries (custom data).
    """
    vals = {}
    for src in ak.data.elasticity_sources().index:
        try:
            vals[str(src)] = ak.data.elasticities(dataset, str(src))
        except (ak.AutarkyError, KeyError, ValueError):
            continue
    if not vals:
        return None
    tab = pd.DataFrame(vals).reindex(list(result.sectors))
    return pd.DataFrame({"used": result.theta.reindex(list(result.sectors)).to_numpy(float),
                         "min": tab.min(axis=1), "max": tab.max(axis=1),
                         "sources": tab.notna().sum(axis=1)},
                        index=pd.Index(list(result.sectors), name="sector"))


_DEPENDENCY: dict[int, tuple[Any, pd.DataFrame]] = {}


def _dependency(world: Any) -> pd.DataFrame:
    """The world's imported-input content by country and sector, computed once per World.

    It depends on the baseline only, so every scenario's report on the same World object
    (the app solves many) reuses it. Keyed by the object, which the cache keeps alive so
    that its id is not reused; at most four worlds are kept.
    """
    hit = _DEPENDENCY.get(id(world))
    if hit is not None and hit[0] is world:
        return hit[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        dep = ak.linkages.dependency(world)["total"].unstack("sector")
    if len(_DEPENDENCY) >= 4:
        _DEPENDENCY.pop(next(iter(_DEPENDENCY)))
    _DEPENDENCY[id(world)] = (world, dep)
    return dep


def report_input(world: Any, scenario: Any, result: Any, meta: Mapping[str, Any],
                 title: str | None = None, notes: Sequence[str] = (),
                 welfare_range: pd.DataFrame | None = None,
                 welfare_band: pd.DataFrame | None = None) -> ReportInput:
    """Everything the report shows, from the same objects the CLI and app hold.

    ``notes`` are further assumption lines (e.g. the data repairs made when loading).
    ``welfare_range`` (:func:`autarky.run.source_range`) and ``welfare_band`` (Monte Carlo
    median and 90% band) are shown beside each country's welfare.

    For a world with input-output links the dependency heatmap shows the total imported-input
    content per unit of output (``ak.linkages.dependency``, column ``total``).
    """
    dep = _dependency(world) if getattr(world, "has_io", False) else None
    groups = scenario.blocs(world)
    return ReportInput(
        result=result, title=title or scenario.name or "scenario",
        description=scenario.summary(), groups=groups,
        assumptions=list(scenario.assumptions) + list(result.notes) + list(notes),
        sources=list(scenario.sources), meta=dict(meta),
        theta_range=elasticity_range(str(world.name), result), dependency=dep,
        welfare_range=welfare_range, welfare_band=welfare_band)
