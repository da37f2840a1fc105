"""Preset parameters solved for on the world a preset runs on, to a stated target.

* Bloc presets (``two-blocs``, ``two-blocs-low``, ``two-blocs-high``, ``bloc-choice``):
  the between-bloc iceberg trade-cost change is the root of a 1-D equation, "the
  model's change in trade between the blocs equals the target" (Brent's method over
  full equilibrium solves of the world the preset runs on, with the run's elasticities).
* Deep integration and dissolution (``union-state``, ``eaeu-*``): the gravity estimate is
  converted with the run's elasticities, ``tau_hat_j = exp(-beta / theta_j)``.

:func:`prepare` returns the calibrated scenario and the notes that say what was solved
for; :func:`trade_notes` states the trade changes the result implies (between blocs, or
within each named group), printed with every result.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import brentq

from autarky import outcomes, presets
from autarky.errors import ScenarioError
from autarky.model.options import SolveOptions
from autarky.results import Result
from autarky.scenario import BlocSplit, DeepIntegration, Dissolution, Scenario
from autarky.scenario.integration import bind_theta, sector_theta
from autarky.sweep import world_checksum
from autarky.world import World

__all__ = ["BLOC_TARGETS", "CAMPOS_2023", "between_bloc_change", "calibrate_bloc_cost", "with_cost",
           "prepare", "trade_notes"]

CAMPOS_2023 = ("Campos, R. G., Estefania-Flores, J., Furceri, D. and Timini, J. (2023), "
               "Geopolitical fragmentation and trade, Journal of Comparative Economics 51(4), "
               "1289-1315: fragmentation into Western, Eastern and Neutral blocs (by the "
               "ES-11/3 vote) reduces trade flows between blocs by 22% to 57% in their most "
               "extreme scenarios (figures quoted from the abstract).")

BLOC_TARGETS: dict[str, tuple[float, str]] = {
    p.name: (p.target, p.target_text) for p in presets.PRESETS.values() if p.target is not None}
"""Preset -> (target change in trade between blocs, %, what the target is), as declared in
each preset's record (:data:`autarky.presets.PRESETS`)."""

_HAT_MAX = 4.0  # bracket of the root find: cost rises of 0% to 300%


def between_bloc_change(result: Result, blocs: Mapping[str, Sequence[str]]) -> float:
    """Percent change of the value of trade between countries of different blocs.

    All sectors, both directions, counterfactual flows in units of baseline world value
    added (the model's numeraire).
    """
    tb = outcomes.trade_between(result, dict(blocs))
    names = list(blocs)
    rows = [(a, b) for a in names for b in names if a != b]
    sub = tb.loc[rows]
    return float(100.0 * (sub["after"].sum() / sub["before"].sum() - 1.0))


def with_cost(scn: Scenario, hat: float) -> Scenario:
    """``scn`` with every bloc split's between-bloc cost hat set to ``hat``."""
    comps = tuple(dataclasses.replace(c, cost_hat=hat) if isinstance(c, BlocSplit) else c
                  for c in scn.components)
    return Scenario(comps).with_info(name=scn.name, description=scn.description,
                                     assumptions=scn.assumptions, sources=scn.sources,
                                     settings=scn.settings)


_CHECK_PP = 5e-3
"""A remembered barrier is used when one solve at it hits the target within this many
percentage points (the precision of the root find: ``xtol`` 1e-5 in the log barrier moves
between-bloc trade by about 3e-3 pp); otherwise the root is found again, starting from it."""


def calibrate_bloc_cost(world: World, scn: Scenario, target: float,
                        solve: Callable[..., Result], **kw: Any) -> tuple[float, float, int]:
    """The between-bloc cost hat whose equilibrium cuts between-bloc trade by ``target`` %.

    Returns ``(cost_hat, achieved change %, solves)``. A barrier remembered from an earlier
    run with the same world, scenario, target, elasticities and options
    (:mod:`autarky.data.calibrations`) is verified by one solve and used if it hits the
    target within :data:`_CHECK_PP`; otherwise Brent's method runs, bracketed around it
    where it still brackets the root. Raises ScenarioError when the target is out of reach
    in ``[1, 4]``.
    """
    from autarky.data import calibrations

    # only plain elasticities (a source name or a number) have a faithful repr to key on
    plain = isinstance(kw.get("elasticities", "median"), (str, int, float))
    key = (world_checksum(world), repr(scn.components), float(target), repr(sorted(
        kw.items())))
    if plain and key in _CACHE:
        return _CACHE[key]
    disk_key = calibrations.key(*map(str, key)) if plain else ""
    blocs = scn.blocs(world)
    count = 0
    seen: dict[float, float] = {0.0: -target}  # no barrier, no change in trade

    def gap(log_hat: float) -> float:
        nonlocal count
        if log_hat not in seen:
            count += 1
            res = solve(world, with_cost(scn, math.exp(log_hat)), **kw)
            seen[log_hat] = between_bloc_change(res, blocs) - target
        return seen[log_hat]

    hi = math.log(_HAT_MAX)
    start = calibrations.lookup(disk_key) if plain else None
    root: float | None = None
    if start is not None:
        x0 = math.log(start)
        g0 = gap(x0)
        if abs(g0) <= _CHECK_PP:
            root = x0
        else:  # bracket around the remembered barrier where the sign changes
            step = 0.02
            x1 = min(max(x0 - step if g0 < 0 else x0 + step, 0.0), hi)
            if (gap(x1) > 0) != (g0 > 0):
                root = brentq(gap, min(x0, x1), max(x0, x1), xtol=1e-5)
    if root is None:
        if target >= 0 or gap(hi) > 0:
            raise ScenarioError(f"{scn.name}: between-bloc trade cannot fall by {-target:g}% "
                                f"on {world.name} with a cost rise up to {(_HAT_MAX - 1):.0%}")
        root = brentq(gap, 0.0, hi, xtol=1e-5)
    out = (math.exp(root), gap(root) + target, count)
    if plain:
        if len(_CACHE) >= 64:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = out
        if start is None or root != math.log(start):
            calibrations.remember(disk_key, out[0])
    return out


_CACHE: dict[tuple[str, str, float, str], tuple[float, float, int]] = {}
"""Calibrations already made in this process (world checksum, scenario, target, solver
arguments) -> (cost hat, achieved change, solves)."""


def prepare(world: World, scn: Scenario, solve: Callable[..., Result],
            elasticities: Any = "median", options: SolveOptions | None = None,
            ) -> tuple[Scenario, tuple[str, ...]]:
    """The scenario calibrated for ``world`` and the run's elasticities, and what was done.

    * a preset with a calibration target (its record's ``target``): the between-bloc
      barrier solved for with these elasticities and options;
    * gravity effects (deep integration, dissolution) converted with the same
      elasticities, ``tau_hat_j = exp(-beta / theta_j)``, bound into the scenario.

    Scenarios with neither come back unchanged with no notes.
    """
    from autarky.solve import resolve_elasticities

    base = (scn.name or "").split(":")[0]
    notes: list[str] = []
    if base in BLOC_TARGETS and any(isinstance(c, BlocSplit) for c in scn.components):
        target, what = BLOC_TARGETS[base]
        kw: dict[str, Any] = {"elasticities": elasticities}
        if options is not None:
            kw["options"] = options
        hat, got, n = calibrate_bloc_cost(world, scn, target, solve, **kw)
        scn = with_cost(scn, hat)
        notes.append(
            f"calibrated: between-bloc iceberg trade costs x{hat:.4f} (+{(hat - 1) * 100:.2f}%"
            f") so that trade between the blocs changes by {target:+.1f}% on {world.name} "
            f"{world.year or ''} with these elasticities ({what}); model: {got:+.2f}% "
            + ("(the barrier found by an earlier run, verified by one solve)." if n == 1 else
               f"(Brent root find, {n} solves)."))
    if any(isinstance(c, (DeepIntegration, Dissolution)) for c in scn.components):
        extreme = bool(options is not None and options.extreme_elasticities)
        theta = resolve_elasticities(world, elasticities, extreme=extreme)[0]
        scn = bind_theta(scn, theta)  # type: ignore[assignment]
        for c in scn.components:
            if isinstance(c, (DeepIntegration, Dissolution)):
                sign = -1.0 if isinstance(c, DeepIntegration) else 1.0
                hats = np.exp(sign * c.trade_effect / sector_theta(world, c.theta))
                notes.append(
                    f"{c.name or 'agreement'}: gravity effect {c.trade_effect:.3f} log points "
                    f"(x{math.exp(c.trade_effect):.2f} members' trade, partial equilibrium) "
                    f"converted with the run's elasticities: internal trade costs x"
                    f"{hats.min():.3f} to x{hats.max():.3f} by sector.")
    return scn, tuple(notes)


def trade_notes(world: World, scn: Scenario, result: Result) -> tuple[str, ...]:
    """The trade changes a result implies: between blocs, or within each named group."""
    groups = scn.blocs(world)
    if not groups:
        return ()
    split = any(isinstance(c, BlocSplit) for c in scn.components)
    tb = outcomes.trade_between(result, groups)
    if split:
        names = list(groups)
        pairs = ", ".join(f"{a} -> {b} {tb.loc[(a, b), 'change_pct']:+.1f}%"
                          for a in names for b in names if a != b)
        total = between_bloc_change(result, groups)
        inside = {c for m in groups.values() for c in m}
        free = [c for c in world.countries if c not in inside]
        return (f"trade between the blocs: {total:+.1f}% ({pairs}); trade within "
                + ", ".join(f"{g} {tb.loc[(g, g), 'change_pct']:+.1f}%" for g in names)
                + ".",
                f"non-aligned (in no bloc, {len(free)} of {len(world.countries)} economies): "
                + (", ".join(free) or "none") + ".")
    out = []
    for g, members in groups.items():
        present = [c for c in members if c in world.countries]
        if len(present) < 2:
            continue
        out.append(f"{g}: members' mutual trade (all sectors, both directions) "
                   f"{tb.loc[(g, g), 'change_pct']:+.1f}%; their trade with the rest of "
                   f"the world {_outside(tb, g):+.1f}%.")
    return tuple(out)


def _outside(tb: Any, g: str) -> float:
    rows = [ix for ix in tb.index if (ix[0] == g) != (ix[1] == g)]
    sub = tb.loc[rows]
    return float(100.0 * (sub["after"].sum() / sub["before"].sum() - 1.0))
