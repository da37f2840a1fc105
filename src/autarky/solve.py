"""World + Scenario -> Economy -> model -> labelled Result: ``solve(world, scenario, ...)``.

The bridge between the labelled layers (World, Scenario, Result) and the pure model
(:mod:`autarky.model`): it resolves elasticities and the shock, turns the World into an
:class:`~autarky.model.Economy`, applies the unavailable-goods policy, runs the engine and
labels the :class:`~autarky.model.Equilibrium` as a :class:`~autarky.results.Result` with
the notes that say what it rests on. Exported as ``autarky.solve`` and
``autarky.SolveOptions``; ``solve_batch`` solves many elasticity draws of one scenario as
one array program (a Result with a ``draw`` dimension).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from autarky.data import DEFAULT_SOURCE
from autarky.data import elasticities as catalog
from autarky.errors import ConvergenceError, DataError, ScenarioError, UnavailableGoodError
from autarky.model import equations as eq
from autarky.model.balance import Balanced, balance, balanced_warm
from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import ELASTICITY_RANGE, Deficits, SolveOptions
from autarky.model.shock import Shock
from autarky.model.solver import (
    CHECK_FACTOR,
    closed_countries,
    levels_apply,
    open_foreign_routes,
    solve_from,
    solve_hat,
    unavailable_goods,
)
from autarky.presets import BLOC_COST_HAT
from autarky.results import Result
from autarky.scenario.components import BlocSplit
from autarky.scenario.integration import bind_theta, unbound
from autarky.world import World, _repair_io

__all__ = ["DRAW_CHUNK", "DRAW_LANES", "Batch", "BatchSolution", "SolveOptions", "draw_lanes",
           "draw_start", "economy", "prepare", "prepare_many", "resolve_elasticities", "solve",
           "solve_arrays", "solve_batch", "solve_notes", "to_shock", "warm_starts",
           "without_supply_sensitivity"]

log = logging.getLogger(__name__)


def _pct(x: np.ndarray) -> np.ndarray:
    """Percent change of a ratio."""
    return 100.0 * (np.asarray(x) - 1.0)


def resolve_elasticities(world: World, elasticities: Any, *, extreme: bool = False,
                         ) -> tuple[np.ndarray, str]:
    """Trade elasticities for the world's sectors and a description of their source.

    ``elasticities`` is a source name (the world's own thetas when it carries them under
    that name, e.g. the CP 2015 fixture; otherwise the catalog
    :func:`autarky.elasticities` for the world's dataset), a number, a Series indexed by
    sector, or an array of one value per sector. Values outside
    :data:`~autarky.model.options.ELASTICITY_RANGE` are a DataError unless ``extreme``
    (then the description says which are outside).
    """
    J = len(world.sectors)
    own = world.theta
    if isinstance(elasticities, str):
        if own is not None and own.attrs.get("source") == elasticities:
            theta = np.asarray(own.values, float)
            desc = f"elasticities: {elasticities} (carried by the {world.name} data)"
        else:
            s = catalog(world.name, elasticities)
            missing = [x for x in world.sectors if x not in s.index]
            if missing:
                raise DataError(f"elasticities {elasticities!r}: no value for sector(s) "
                                f"{', '.join(missing[:5])}")
            theta = s.reindex(list(world.sectors)).to_numpy(float)
            desc = f"elasticities: {elasticities} catalog for {world.name}" + (
                f" ({s.attrs['note']})" if "note" in s.attrs else
                f" ({s.attrs['rule']})" if "rule" in s.attrs else "")
    elif isinstance(elasticities, (int, float, np.floating, np.integer)):
        theta = np.full(J, float(elasticities))
        desc = f"elasticities: uniform theta = {float(elasticities):g}"
    elif isinstance(elasticities, (pd.Series, dict)):
        elasticities = pd.Series(elasticities, dtype=object)
        missing = [x for x in world.sectors if x not in elasticities.index]
        if missing:
            raise DataError(f"elasticities: no value for sector(s) {', '.join(missing[:5])}")
        try:
            theta = elasticities.reindex(list(world.sectors)).to_numpy(float)
        except (TypeError, ValueError):
            raise DataError("elasticities: every value must be a number") from None
        desc = f"elasticities: user values ({elasticities.attrs.get('source', 'series')})"
    else:
        try:
            theta = np.asarray(elasticities, float)
        except (TypeError, ValueError):
            raise DataError(f"elasticities: {type(elasticities).__name__} {elasticities!r:.60}: "
                            "expected a source name, a number, a mapping or Series by sector, "
                            "or one number per sector") from None
        if theta.shape != (J,):
            raise DataError(f"elasticities: shape {theta.shape}, expected ({J},), one per "
                            "sector")
        desc = "elasticities: user values (array)"
    if not np.all(np.isfinite(theta)) or np.any(theta <= 0):
        raise DataError("elasticities: every theta must be finite and > 0")
    outside = _outside_range(theta, world.sectors)
    if outside and not extreme:
        lo, hi = ELASTICITY_RANGE
        raise DataError(f"elasticities: {outside} outside the plausible range {lo:g} to "
                        f"{hi:g} (use SolveOptions(extreme_elasticities=True), or "
                        "--extreme-elasticities on the command line, to accept it with a note)")
    if outside:
        desc += (f"; WARNING: {outside} outside the plausible range {ELASTICITY_RANGE[0]:g} "
                 f"to {ELASTICITY_RANGE[1]:g}, accepted on request (extreme_elasticities)")
    return theta, desc


def _outside_range(theta: np.ndarray, sectors: Any) -> str:
    """'theta = V for sector S' of the values outside ELASTICITY_RANGE ('' if none)."""
    lo, hi = ELASTICITY_RANGE
    bad = np.flatnonzero((theta < lo) | (theta > hi))
    if not bad.size:
        return ""
    if np.all(theta == theta[0]):
        return f"theta = {theta[0]:g}"
    named = ", ".join(f"{sectors[k]} {theta[k]:g}" for k in bad[:5])
    return f"theta of {bad.size} sector(s) ({named}{' ...' if bad.size > 5 else ''})"


def to_shock(world: World, scenario: Any, theta: Any = None) -> Shock:
    """A Shock as is, or ``scenario.apply(world)``; checked against the world's shape.

    Gravity effects waiting for the run's elasticities (``theta="run"``) are converted with
    ``theta`` (one value per sector), or, where none is given (a batch of draws), with the
    library's default elasticities; :func:`solve` passes its own.
    """
    shock = scenario if isinstance(scenario, Shock) else None
    if shock is None and unbound(scenario):
        if theta is None:
            theta = resolve_elasticities(world, DEFAULT_SOURCE)[0]
        scenario = bind_theta(scenario, theta)
    if shock is None:
        if not hasattr(scenario, "apply"):
            raise ScenarioError(f"scenario: {type(scenario).__name__} is neither a Shock nor "
                                "has .apply(world)")
        shock = scenario.apply(world)
    N, J = world.shape
    if shock.tariffs.shape != (N, N, J):
        raise ScenarioError(f"scenario: shock shape {shock.tariffs.shape} does not match the "
                            f"world ({N}, {N}, {J})")
    return shock


def economy(world: World) -> Economy:
    """The model's Economy of a World (money normalised so world value added is 1)."""
    a = world.arrays()
    return Economy.from_arrays(a["trade_shares"], a["tariffs"], a["expenditure"],
                               a["value_added"], a["deficit"], a["value_added_share"],
                               a["final_share"], a["io"] if world.has_io else None)


def _describe_unavailable(world: World, mask: np.ndarray, limit: int = 12) -> str:
    pairs = [f"{world.countries[n]} {world.sectors[j]}" for n, j in np.argwhere(mask)]
    more = f" and {len(pairs) - limit} more" if len(pairs) > limit else ""
    return ", ".join(pairs[:limit]) + more


def floor_shares(world: World, mask: np.ndarray, share: float | None = None,
                 rule: str = "smallest") -> np.ndarray:
    """Latent domestic shares for goods without domestic supply (policy ``"floor"``).

    In Eaton-Kortum a country's share of its own market for good j is
    ``pi_nnj = T_nj c_nj^-theta_j / Phi_nj`` and a foreign supplier's
    ``pi_nij = T_ij (c_ij d_nij)^-theta_j / Phi_nj``; a good the data record with no home
    production has, read literally, an infinite home cost, and closing the country's trade
    then makes it unavailable (an unbounded loss with Cobb-Douglas demand). The rules give
    the home supply a finite cost stated relative to the country's recorded suppliers:

    - ``"smallest"`` (the default, :attr:`SolveOptions.floor_rule`): as competitively as its
      smallest recorded supplier, ``min_i {pi_nij > 0}``. The data record suppliers down to
      that share, so this is the largest home supply that is still consistent with none
      being recorded: the smallest loss the data allow;
    - ``"tenth"``: a tenth of that share, printed as the sensitivity of every result with
      floored goods (losses grow without bound as the share goes to zero);
    - ``"median"`` (the default before issue 30): as competitively as its median recorded
      supplier, ``median_i {pi_nij > 0}``; this assumes more home supply than any recorded
      supplier below the median, i.e. more than the data allow.

    Parameters
    ----------
    world : World
        The baseline, before flooring.
    mask : ndarray of bool (N, J)
        The country-sector pairs to floor.
    share : float, optional
        A fixed share of baseline absorption for every such good instead of a rule.
    rule : {"smallest", "tenth", "median"}
        The rule when ``share`` is None.

    Returns
    -------
    ndarray (N, J)
        Domestic share of baseline absorption, in (0, 0.5); zero outside ``mask``.
    """
    if share is not None:
        return np.where(mask, share, 0.0)
    if rule not in ("median", "smallest", "tenth"):
        raise ValueError(f"floor_shares: rule {rule!r} is not 'smallest', 'tenth' or 'median'")
    # only the floored (importer, sector) pairs: their suppliers' shares F[n, :, j] / X[n, j]
    n, j = np.nonzero(mask)
    flows = world.arrays()["flows"]
    X = flows.sum(axis=1)[n, j]  # absorption of each pair (summed as over the whole cube)
    F = flows[n, :, j]  # (pairs, exporters)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = np.where(F > 0, F / np.where(X[:, None] > 0, X[:, None], 1.0), np.nan)
    # goods with no recorded supplier at all (zero absorption) get a placeholder: their
    # floored supply is zero whatever the share
    some = ~np.all(np.isnan(pi), axis=1)
    filled = np.where(some[:, None], pi, 1e-6)
    pick = np.nanmedian(filled, axis=1) if rule == "median" else np.nanmin(filled, axis=1)
    if rule == "tenth":
        pick = pick / 10.0
    out = np.zeros(mask.shape)
    out[n, j] = np.clip(pick, 1e-12, 0.49)
    return out


def _floor_world(world: World, mask: np.ndarray, share: np.ndarray | float) -> World:
    a = world.arrays()
    F = a["flows"].copy()
    n, j = np.nonzero(mask)
    s_ = np.broadcast_to(np.asarray(share, float), mask.shape)[n, j]
    F[n, n, j] += s_ * a["expenditure"][n, j] / (1.0 - s_)
    io = None
    if world.has_io:
        # the new home supply buys inputs: where an input's final demand was zero (rule R3
        # at load), that rule applies again
        io = _repair_io(a["io"], F, F.sum(axis=0), world.countries, world.sectors,
                        world.name)
    return World.from_arrays(F, world.countries, world.sectors, tariffs=a["tariffs"],
                             io=io,
                             sector_names=world.dataset.attrs.get("sector_names"),
                             **world.metadata())


def prepare(world: World, shock: Shock, options: SolveOptions,
            notes: list[str]) -> tuple[World, Economy]:
    """The world to solve (floored where the policy says) and its Economy.

    Refuses one-sided routes and goods left without a supplier (``options.unavailable``
    "raise"), or floors them ("floor", a note is appended to ``notes``).
    """
    prepared, econ, _, _ = _prepare_floored(world, shock, options, notes)
    return prepared, econ


def prepare_many(world: World, shocks: Sequence[Shock], options: SolveOptions,
                 notes: list[str]) -> tuple[list[Economy], np.ndarray]:
    """:func:`prepare` for many shocks: the distinct baselines and each shock's index.

    Shocks that need no floor share the world's Economy. A floored baseline depends on a
    shock only through the routes it closes (its non-finite ``tau_hat`` cells), so shocks
    closing the same routes (draws of one autarky scenario) share one prepared baseline
    (and their rows can be solved in chunks together); each still adds its notes.
    """
    econs: list[Economy] = []
    econ_of_shock = np.zeros(len(shocks), dtype=int)
    base: int | None = None
    floored: dict[bytes, tuple[int, list[str]]] = {}
    for s, shock in enumerate(shocks):
        closes = np.packbits(~np.isfinite(np.asarray(shock.tau_hat))).tobytes()
        if closes in floored:
            econ_of_shock[s] = floored[closes][0]
            notes.extend(floored[closes][1])
            continue
        before = len(notes)
        prepared, econ = prepare(world, shock, options, notes)
        if prepared is world:  # the common case: no floor needed, one shared baseline
            if base is None:
                base = len(econs)
                econs.append(econ)
            econ_of_shock[s] = base
        else:
            econs.append(econ)
            econ_of_shock[s] = len(econs) - 1
            floored[closes] = (len(econs) - 1, notes[before:])
    return econs, econ_of_shock


def _prepare_floored(world: World, shock: Shock, options: SolveOptions,
                     notes: list[str]) -> tuple[World, Economy, np.ndarray | None, World]:
    """World, Economy, floored pairs (None if none) and the world as given."""
    world0 = world
    econ = economy(world)
    imports, exports = open_foreign_routes(econ, shock.tau_hat)
    one_sided = imports != exports
    if one_sided.any():
        names = [c for c, k in zip(world.countries, one_sided, strict=True) if k]
        raise ScenarioError(
            f"scenario: {', '.join(names[:10])} would keep trade in one direction only (all "
            "of its imports or all of its exports cut, not both); its trade balance cannot "
            "close. Close both directions (autarky) or leave some route open")
    # "produces at home" has one definition, World.produces_at_home (shared with
    # autarky.linkages); a good is unavailable when no open foreign route supplies it either
    mask = unavailable_goods(econ, shock.tau_hat) & ~world.produces_at_home().to_numpy()
    if mask.any():
        listing = _describe_unavailable(world, mask)
        if options.unavailable == "raise":
            raise UnavailableGoodError(
                f"{int(mask.sum())} good(s) would have no possible supplier: {listing}; "
                "to give them a small domestic supply, use --unavailable floor on the command "
                "line (SolveOptions(unavailable='floor') in Python)")
        shares = floor_shares(world, mask, options.floor_share, rule=options.floor_rule)
        world = _floor_world(world, mask, shares)
        econ = economy(world)
        if options.floor_share is None:
            how = (f"a latent domestic supply (rule '{options.floor_rule}' of "
                   f"autarky.solve.floor_shares: {_RULE_TEXT[options.floor_rule]}; shares "
                   f"{shares[mask].min():.2g} to {shares[mask].max():.2g})")
        else:
            how = f"a domestic supply of {options.floor_share:g} of baseline absorption"
        notes.append(f"unavailable goods: {int(mask.sum())} country-sector pairs with no "
                     f"supplier after the shock ({listing}) were given {how} (policy "
                     "'floor'); the baseline was recalibrated with it")
        return world, econ, mask, world0
    return world, econ, None, world0


_RULE_TEXT = {
    "smallest": "home supplies the good with the share of its smallest recorded supplier in "
                "the country's absorption, the largest home supply consistent with none being "
                "recorded",
    "tenth": "home supplies the good with a tenth of the share of its smallest recorded "
             "supplier",
    "median": "home supplies the good with the share of its median recorded supplier, more "
              "home supply than the data allow",
}


def sensitivity_rule(rule: str) -> str:
    """The supply rule a result's sensitivity is solved with: 'tenth' beside the default."""
    return "tenth" if rule != "tenth" else "smallest"


def _sensitivity_note(world0: World, shock: Shock, theta: np.ndarray, options: SolveOptions,
                      mask: np.ndarray, welfare: np.ndarray) -> str:
    """Re-solve with the sensitivity's supply rule (:func:`sensitivity_rule`)."""
    rule = sensitivity_rule(options.floor_rule)
    shares = floor_shares(world0, mask, None, rule=rule)
    econ = economy(_floor_world(world0, mask, shares))
    what = (f"with the latent home supply of every such good under rule '{rule}' "
            f"({_RULE_TEXT[rule]}; shares {shares[mask].min():.2g} to "
            f"{shares[mask].max():.2g})")
    try:
        econ, sol, _ = _run(econ, shock, theta, options)
    except ConvergenceError:
        return f"unavailable goods sensitivity: the solve {what} did not converge"
    if not bool(sol.converged.all()):
        return f"unavailable goods sensitivity: the solve {what} did not converge"
    w_small = _pct(eq.welfare(sol.income[0], econ.income, sol.log_P[0], econ.alpha))
    rows = np.unique(np.nonzero(mask)[0])
    order = rows[np.argsort(w_small[rows] - welfare[rows])][:12]
    parts = [f"{world0.countries[k]} {welfare[k]:+.2f}% -> {w_small[k]:+.2f}%" for k in order]
    more = f" and {rows.size - order.size} more" if rows.size > order.size else ""
    return (f"unavailable goods sensitivity: {what}, welfare of the countries concerned "
            f"moves {', '.join(parts)}{more}; losses grow without bound as that supply goes "
            "to zero")


_SUPPLY_SENSITIVITY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "supply_sensitivity", default=True)


_WARM_STARTS: contextvars.ContextVar[dict[Any, Equilibrium] | None] = contextvars.ContextVar(
    "warm_starts", default=None)


@contextlib.contextmanager
def warm_starts(store: dict[Any, Equilibrium] | None = None) -> Iterator[None]:
    """Solves inside this block start from the previous solve's equilibrium of that shape.

    Meant for one scenario solved on every year of a dataset (claim 1's world autarky):
    adjacent years' equilibria in changes are close, so the solver starts near the fixed
    point instead of at no change (:func:`autarky.model.solver.solve_hat`'s ``start``). The
    fixed point, and so every number to the tolerance, is the same; only the path (and the
    iteration count) differs. A start that fails is followed by the usual cold solve.
    Starts are kept per deficit stage, shape and elasticity vector in ``store`` (pass the
    same dict to several blocks to carry them from one to the next; default: a new one).
    """
    token = _WARM_STARTS.set({} if store is None else store)
    try:
        yield
    finally:
        _WARM_STARTS.reset(token)


@contextlib.contextmanager
def without_supply_sensitivity() -> Iterator[None]:
    """Solves inside this block skip the unavailable-goods sensitivity note.

    :func:`solve` re-solves a floored scenario under the other supply rule only to write
    one note (``unavailable goods sensitivity: ...``); the Result's numbers come from the
    main solve and do not depend on it. A caller that never shows that note (the claims)
    saves the second equilibrium; every other number and note is the same.
    """
    token = _SUPPLY_SENSITIVITY.set(False)
    try:
        yield
    finally:
        _SUPPLY_SENSITIVITY.reset(token)


def _unconverged_message(residual: dict[str, float], iterations: int, tol: float) -> str:
    """One line: which equilibrium equation is furthest from holding, and by how much."""
    name, worst = max(residual.items(), key=lambda kv: kv[1])  # non-finite ones are inf
    return (f"equilibrium did not converge in {iterations} iterations: largest residual "
            f"{worst:.3g} in {name.replace('_', ' ')} > {CHECK_FACTOR * tol:g} (every "
            "equation relative: log prices, shares, money over each country's value added)")


def _warm(stage: str, econ: Economy, theta: np.ndarray, **kwargs: Any) -> Equilibrium:
    """``solve_hat(econ, ..., theta, **kwargs)``, warm-started inside :func:`warm_starts`.

    The start is the last solution of the same stage and shape in the block (another
    year of the same dataset); it changes the path, not the fixed point. A warm start that
    does not converge is solved again from the cold start, so a bad start costs time only.
    """
    store = _WARM_STARTS.get()
    start = None if store is None else store.get((stage, econ.shape, theta.tobytes()))
    sol = solve_from(start, lambda s: solve_hat(econ, theta=theta, start=s, **kwargs))
    if store is not None and sol.converged.all():
        store[(stage, econ.shape, theta.tobytes())] = replace(
            sol, pi=np.empty((1, 0, 0, 0)))
    return sol


def _run(econ: Economy, shock: Shock, theta: np.ndarray, options: SolveOptions,
         ) -> tuple[Economy, Equilibrium, int]:
    memory = options.memory if options.method == "anderson" else 0
    iters0 = 0
    if options.deficits == "zero":
        # the removal of autarky.model.balance, warm-started inside warm_starts()
        bal = balanced_warm(econ, theta, options, _WARM_STARTS.get())
        if bal.econ is None:
            raise ConvergenceError("removing the baseline deficits (deficits='zero') did not "
                                   "converge", diagnostics=bal.solution)
        old, econ, iters0 = econ, bal.econ, bal.iterations
        # the second stage's memory is a solve's peak: what the first stage leaves goes
        old.drop_layouts()
        del bal, old
    sol = _warm("main", econ, theta, tariffs_new=shock.tariffs, tau_hat=shock.tau_hat,
                deficits=options.deficits, tol=options.tol, max_iter=options.max_iter,
                memory=memory, method=options.method)
    return econ, sol, iters0


@dataclass(frozen=True, eq=False)
class _Resolver:
    """Re-solve an Economy at other (tariffs, tau_hat), for :meth:`Result.decomposition_path`.

    A module-level class rather than a closure, so that a Result pickles (sweeps, Dask).
    """

    econ: Economy
    theta: np.ndarray
    deficits: Deficits
    memory: int

    def __call__(self, tariffs: np.ndarray, tau_hat: np.ndarray) -> Equilibrium:
        return solve_hat(self.econ, tariffs, tau_hat, self.theta, deficits=self.deficits,
                         tol=1e-12, memory=self.memory)


def _resolver(econ: Economy, theta: np.ndarray, options: SolveOptions) -> _Resolver:
    rule: Deficits = "zero" if options.deficits == "zero" else "fixed"
    return _Resolver(econ, theta, rule, options.memory)


def solve_notes(world: World, shock: Shock, desc: str, options: SolveOptions) -> list[str]:
    """The assumptions a solve of ``shock`` on ``world`` rests on, one line each."""
    deficit_text = {
        "fixed": "deficits: fixed at baseline values in units of world value added (CP 2015)",
        "zero": "deficits: removed first (CP 2015 balanced baseline: an equilibrium with "
                "baseline tariffs and zero deficits is the baseline of the scenario)",
        "proportional": "deficits: move with each country's wage, rescaled to sum to zero",
    }[options.deficits]
    io = ("input-output links: on (CP 2015)" if world.has_io
          else "input-output links: off (no IO table; multi-sector CRC 2014 / Armington)")
    if world.has_io and world.dataset.attrs.get("io_note"):
        io += f"; {world.dataset.attrs['io_note']}"
    elif world.dataset.attrs.get("io_removed"):
        io = "input-output links: off (removed with World.without_io(); multi-sector CRC 2014)"
    notes = [f"model: Caliendo-Parro (2015) in changes on {world.name}"
             f"{'' if world.year is None else ' ' + str(world.year)}", desc, deficit_text, io,
             f"unavailable goods policy: {options.unavailable}",
             "numeraire: world value added unchanged",
             "welfare: exact change in real income I/P; decomposition: CP (2015) first-order "
             "terms-of-trade + volume-of-trade formula (the measure of their Table 2) plus "
             "the direct effect of iceberg trade-cost changes on the cost of baseline "
             "imports; it agrees with the exact change to first order and can differ from it "
             "for large shocks"]
    if shock.description:
        notes.append(f"scenario: {shock.description}")
    notes.extend(shock.notes)
    return notes


_notes = solve_notes  # the name solve() uses


def _uncalibrated(scenario: Any) -> list[str]:
    """A note where a bloc split still carries the presets' starting barrier."""
    comps = getattr(scenario, "components", ())
    if not any(isinstance(c, BlocSplit) and c.cost_hat == BLOC_COST_HAT for c in comps):
        return []
    return [f"between-bloc iceberg trade costs x{BLOC_COST_HAT:g}: the bloc presets' starting "
            "value, not calibrated on this world; autarky.run.solve and the command line "
            "calibrate a bloc preset's barrier to its stated trade target first"]


def solve(world: World, scenario: Any, elasticities: Any = DEFAULT_SOURCE,
          options: SolveOptions | None = None) -> Result:
    """Solve the counterfactual equilibrium of a scenario.

    Parameters
    ----------
    world : World
        The baseline economy.
    scenario : Shock or object with ``apply(world) -> Shock``
        What changes.
    elasticities : str, float, Series or array, default "median"
        Trade elasticities: a catalog source name, one number, or one value per sector.
        The default ``"median"`` takes, per sector, the median of the catalog's 8
        published sources (README, "Trade elasticities: the default and the range").
    options : SolveOptions, optional
        Deficit treatment, tolerance, method, unavailable-goods policy. Default: the
        scenario's own settings (``scenario.solve_options()``, from a preset or the
        ``[solve]`` table of a TOML file) where it has them, else ``SolveOptions()``.

    Returns
    -------
    Result
        Welfare, prices, trade, output and diagnostics.

    Raises
    ------
    UnavailableGoodError
        A good would have no supplier (unless ``options.unavailable`` says how to proceed).
    ConvergenceError
        The solver did not converge (unless ``options.return_unconverged``).

    Examples
    --------
    >>> import numpy as np, autarky as ak
    >>> w = ak.World.from_arrays(np.array([[80.0, 20.0], [10.0, 90.0]]), ["A", "B"])
    >>> res = ak.solve(w, ak.Shock.none(2, 1), elasticities=4.0)
    >>> bool(np.allclose(res.welfare, 0.0, atol=1e-8))
    True
    """
    if options is None:
        # a scenario may carry the settings it needs (e.g. autarky presets: deficits "zero",
        # unavailable goods "floor"); explicit options always win
        own = getattr(scenario, "solve_options", None)
        options = own() if callable(own) else SolveOptions()
    t0 = time.perf_counter()
    theta, desc = resolve_elasticities(world, elasticities,
                                       extreme=options.extreme_elasticities)
    # gravity effects are converted with this run's elasticities (RUN_THETA)
    shock = to_shock(world, scenario, theta)
    notes = _notes(world, shock, desc, options) + _uncalibrated(scenario)
    world, econ, floored, world0 = _prepare_floored(world, shock, options, notes)
    closed = closed_countries(econ, shock.tau_hat)
    if closed.any() and options.deficits != "zero":
        names = [c for c, k in zip(world.countries, closed, strict=True) if k]
        notes.append(f"deficits: {len(names)} countries with no open trade route "
                     f"({', '.join(names[:10])}{' ...' if len(names) > 10 else ''}) cannot run "
                     "deficits: theirs are set to zero, the difference shared by the others "
                     "in proportion to value added")
    econ, sol, iters0 = _run(econ, shock, theta, options)
    if floored is not None and bool(sol.converged.all()) and _SUPPLY_SENSITIVITY.get():
        w_main = _pct(eq.welfare(sol.income[0], econ.income, sol.log_P[0], econ.alpha))
        notes.append(_sensitivity_note(world0, shock, theta, options, floored, w_main))
    seconds = time.perf_counter() - t0
    residual = {k: float(np.max(v)) for k, v in sol.residuals.items()}
    converged = bool(sol.converged.all())
    log_c = eq.unit_cost(np.log(sol.w_hat), sol.log_P, econ.gamma, econ.io)[0]
    res = Result(
        countries=world.countries, sectors=world.sectors,
        theta=pd.Series(theta, index=pd.Index(world.sectors, name="sector"), name="theta"),
        baseline=econ, tariffs_new=shock.tariffs, w_hat=sol.w_hat[0], log_P=sol.log_P[0],
        log_c=log_c, pi=sol.pi[0], X=sol.X[0], income_new=sol.income[0],
        deficit_new=sol.deficit[0], converged=converged, iterations=iters0 + sol.iterations,
        residual=residual, seconds=seconds,
        method=f"{options.method} (memory {options.memory}) on wages; nested price and "
               "expenditure fixed points",
        notes=tuple(notes), history=tuple(sol.history), tau_hat=shock.tau_hat,
        deficits=options.deficits, resolve=_resolver(econ, theta, options),
        group_weights=np.asarray(world0.income.values, float),
    )
    if not converged or not np.all(np.isfinite(res.welfare.to_numpy())):
        msg = _unconverged_message(residual, sol.iterations, options.tol)
        if not options.return_unconverged:
            raise ConvergenceError(msg, diagnostics={"history": sol.history,
                                                     "residual": residual, "result": res})
        log.warning(msg)
    log.info("solved %s in %.3f s, %d iterations", world.name, seconds, res.iterations)
    return res


@dataclass(frozen=True, eq=False)
class Batch:
    """A batched solve in plain arrays: what a Dask worker receives.

    Attributes
    ----------
    econ : Economy
        The baseline (NumPy arrays, money in units of world value added).
    tariffs, tau_hat : ndarray (N, N, J) or (B, N, N, J)
        One shock for every row, or one per row.
    theta : ndarray (B, J)
    options : SolveOptions
    lanes : int, optional
        Rows per array program: the batch is solved ``lanes`` rows at a time, each group
        warm-started from the solution of the one before (None: all rows at once). Not
        used when the rows share one shock whose trade-cost changes take a few values
        (a bloc split; :func:`autarky.model.solver.levels_apply`): all rows are then one
        program of draw-independent matrices, converged rows leaving it
        (:mod:`autarky.model.levels`). Otherwise, with input-output links, one row at a
        time is faster per row than many: the arrays of one row stay in cache, and a draw
        starts from the last one's solution (``benchmarks/bench_montecarlo.py``).
    start : Equilibrium, optional
        Warm start of the first group (e.g. the last row of the previous chunk).
    balanced : Balanced, optional
        With deficits "zero": the baseline's deficits already removed at one theta
        (:func:`autarky.model.balance.shared_balances`), used for the rows of that theta.
    """

    econ: Economy
    tariffs: np.ndarray
    tau_hat: np.ndarray
    theta: np.ndarray
    options: SolveOptions
    lanes: int | None = None
    start: Equilibrium | None = None
    balanced: Balanced | None = None


@dataclass(frozen=True, eq=False)
class BatchSolution:
    """The rows of a :class:`Batch`, solved (leading dimension B).

    Attributes
    ----------
    welfare : ndarray (B, N)
        Percent change in real income, against each row's baseline.
    converged : ndarray (B,) of bool
        Every equilibrium residual of the row within tolerance (and, with deficits
        "zero", its deficit removal too) and its welfare finite.
    iterations : ndarray (B,) of int
        Outer iterations (the deficit removal's included).
    w_hat, log_P, income, deficit : ndarray (B, N), (B, N, J), (B, N), (B, N)
        The solution (:class:`~autarky.model.economy.Equilibrium`).
    base_income : ndarray (B, N)
        Baseline income of each row: the data's, or with deficits "zero" the balanced
        baseline of the row's elasticities.
    last : Equilibrium or None
        The last group's solution when rows were solved in lanes (a warm start for the
        next chunk), else None.
    residuals : dict of str to ndarray (B,)
        Largest residual of each equilibrium equation per row.
    """

    welfare: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    w_hat: np.ndarray
    log_P: np.ndarray
    income: np.ndarray
    deficit: np.ndarray
    base_income: np.ndarray
    residuals: dict[str, np.ndarray]
    last: Equilibrium | None = None


def solve_arrays(batch: Batch) -> BatchSolution:
    """Solve a batch of rows (a shock and a theta vector each) as one array program.

    The one batched solve of the package: :func:`solve_batch` (elasticity draws of one
    scenario, a labelled Result) and the chunks of :mod:`autarky.sweep` (serial or on
    Dask workers) call it. Every deficit rule: "fixed" and "proportional" in one fixed
    point; with "zero" each distinct theta row first removes the baseline deficits (CP
    2015), as :func:`solve` does, and its rows are solved from that balanced baseline.
    """
    o = batch.options
    memory = o.memory if o.method == "anderson" else 0
    theta = np.atleast_2d(np.asarray(batch.theta, float))
    B = theta.shape[0]
    N, J = batch.econ.shape
    out = {"welfare": np.full((B, N), np.nan), "w_hat": np.full((B, N), np.nan),
           "log_P": np.full((B, N, J), np.nan), "income": np.full((B, N), np.nan),
           "deficit": np.full((B, N), np.nan), "base_income": np.full((B, N), np.nan)}
    conv = np.zeros(B, dtype=bool)
    iters = np.zeros(B, dtype=int)
    residuals: dict[str, np.ndarray] = {}
    if o.deficits == "zero":
        _, first_of, groups = np.unique(theta, axis=0, return_index=True, return_inverse=True)
        groups = groups.ravel()
        batches = [(np.flatnonzero(groups == g), theta[first_of[g]])
                   for g in range(len(first_of))]
    else:
        batches = [(np.arange(B), None)]
    for rows, th0 in batches:
        econ, it0 = batch.econ, 0
        if th0 is not None:
            given = batch.balanced
            bal = (given if given is not None and np.array_equal(given.theta, th0)
                   else balance(econ, th0, o))
            if bal.econ is None:
                for k, r in bal.residuals.items():
                    residuals.setdefault(k, np.full(B, np.inf))[rows] = r
                continue
            econ, it0 = bal.econ, bal.iterations
        lanes = len(rows) if batch.lanes is None else max(1, int(batch.lanes))
        if lanes < len(rows) and levels_apply(econ, batch.tariffs, batch.tau_hat):
            lanes = len(rows)  # one program of draw-independent matrices (model/levels.py)
        start = batch.start if th0 is None else None
        for lo in range(0, len(rows), lanes):
            part = rows[lo:lo + lanes]
            T = batch.tariffs[part] if batch.tariffs.ndim == 4 else batch.tariffs
            H = batch.tau_hat[part] if batch.tau_hat.ndim == 4 else batch.tau_hat
            sol = solve_hat(econ, T, H, theta[part], deficits=o.deficits, tol=o.tol,
                            max_iter=o.max_iter, memory=memory, method=o.method, start=start,
                            shares=False)
            W = _pct(eq.welfare(sol.income, econ.income, sol.log_P, econ.alpha))
            out["welfare"][part] = W
            out["w_hat"][part], out["log_P"][part] = sol.w_hat, sol.log_P
            out["income"][part], out["deficit"][part] = sol.income, sol.deficit
            out["base_income"][part] = econ.income
            conv[part] = sol.converged & np.all(np.isfinite(W), axis=1)
            iters[part] = it0 + sol.iterations
            for k, v in sol.residuals.items():
                residuals.setdefault(k, np.full(B, np.inf))[part] = v
            if batch.lanes is not None and bool(sol.converged.all()):
                start = _mean_state(sol)
    last = start if batch.lanes is not None and o.deficits != "zero" else None
    return BatchSolution(converged=conv, iterations=iters, residuals=residuals, last=last,
                         **out)


def draw_start(econ: Economy, tariffs: np.ndarray, tau_hat: np.ndarray, theta: np.ndarray,
               options: SolveOptions) -> Equilibrium | None:
    """A warm start for many draws of one shock: the solution at the draws' median theta.

    One solve, shared by every chunk of a Monte Carlo (the same start on every Dask
    worker, so serial and Dask runs do the same arithmetic); it saves about a tenth of
    the iterations of each draw against starting from the baseline
    (``benchmarks/bench_montecarlo.py``). Only wages, prices and expenditure are kept
    (what :func:`autarky.model.solver.solve_hat` reads of a start). None with deficits
    "zero" (each draw has its own balanced baseline), a batched shock, or if the solve
    does not converge.
    """
    if options.deficits == "zero" or np.ndim(tariffs) != 3 or np.ndim(tau_hat) != 3:
        return None
    memory = options.memory if options.method == "anderson" else 0
    med = np.median(np.atleast_2d(np.asarray(theta, float)), axis=0)
    sol = solve_hat(econ, tariffs, tau_hat, med, deficits=options.deficits, tol=options.tol,
                    max_iter=options.max_iter, memory=memory, method=options.method)
    if not bool(sol.converged.all()):
        return None
    none = np.zeros((1, 0))
    return replace(sol, pi=none, Y=none, history=[], residuals={})


DRAW_CHUNK = 32
"""Draws per chunk of :func:`autarky.sweep.sweep` when they share the matrices of
:mod:`autarky.model.levels` (docs/scale.md: 16-64 cost about the same per draw, 8 more)."""

DRAW_LANES = 1
"""Rows per array program for elasticity draws of one scenario with input-output links
(:attr:`Batch.lanes`); without IO links all rows of a chunk are one program."""


def draw_lanes(econ: Economy) -> int | None:
    """:data:`DRAW_LANES` with input-output links, else None (one program per chunk)."""
    return DRAW_LANES if econ.io is not None else None


def _mean_state(sol: Equilibrium) -> Equilibrium:
    """One warm start from a solved group: mean log wages, log prices and expenditure."""
    return replace(sol, w_hat=np.exp(np.log(sol.w_hat).mean(axis=0, keepdims=True)),
                   log_P=sol.log_P.mean(axis=0, keepdims=True),
                   X=sol.X.mean(axis=0, keepdims=True))


def solve_batch(world: World, scenario: Any, thetas: Any,
                options: SolveOptions | None = None, chunk: int = 25) -> Result:
    """Solve one scenario for many elasticity vectors at once (one array program per chunk).

    Every deficit rule: with ``deficits="zero"`` each draw's changes are measured from
    the balanced baseline of its own elasticities (as :func:`solve` does for one), and the
    Result's welfare is against that baseline. Chunks of rows go to :func:`solve_arrays`;
    many draws on a cluster, a result store or many scenarios: :mod:`autarky.sweep`.

    Parameters
    ----------
    world, scenario, options
        As in :func:`solve`.
    thetas : array_like (B, J) or DataFrame with the world's sectors as columns
        One row per draw.
    chunk : int
        Draws per array program (memory grows with chunk x N^2 x J).

    Returns
    -------
    Result
        With a ``draw`` dimension: welfare, real wage, wage and price index by draw and
        country (DataFrames); raises ConvergenceError if a draw did not converge unless
        ``options.return_unconverged``.
    """
    options = options or SolveOptions()
    if int(chunk) != chunk or chunk < 1:
        raise ValueError(f"chunk: {chunk!r} must be a positive int")
    t0 = time.perf_counter()
    shock = to_shock(world, scenario)
    if isinstance(thetas, pd.DataFrame):
        th = thetas.reindex(columns=list(world.sectors)).to_numpy(float)
    else:
        th = np.atleast_2d(np.asarray(thetas, float))
    if th.ndim != 2 or th.shape[1] != len(world.sectors) or not np.all(np.isfinite(th)) \
            or np.any(th <= 0):
        raise DataError(f"thetas: need shape (draws, {len(world.sectors)}) of finite values "
                        "> 0")
    desc = f"elasticities: {th.shape[0]} draws"
    outside = _outside_range(th.min(axis=0), world.sectors) or _outside_range(
        th.max(axis=0), world.sectors)
    if outside and not options.extreme_elasticities:
        raise DataError(f"thetas: {outside} outside the plausible range "
                        f"{ELASTICITY_RANGE[0]:g} to {ELASTICITY_RANGE[1]:g} (use "
                        "SolveOptions(extreme_elasticities=True) to accept it with a note)")
    if outside:
        desc += f"; WARNING: {outside} outside the plausible range, accepted on request"
    notes = solve_notes(world, shock, desc, options) + _uncalibrated(scenario)
    if options.deficits == "zero":
        notes.append("deficits 'zero' with draws: each draw's changes are measured from the "
                     "balanced baseline of its own elasticities")
    world, econ = prepare(world, shock, options, notes)
    start = draw_start(econ, shock.tariffs, shock.tau_hat, th, options) \
        if th.shape[0] > 1 else None
    parts = [solve_arrays(Batch(econ, shock.tariffs, shock.tau_hat, th[s:s + int(chunk)],
                                options, lanes=draw_lanes(econ), start=start))
             for s in range(0, th.shape[0], int(chunk))]

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    converged, iterations = cat("converged"), cat("iterations")
    iters = int(iterations.max())
    residual = {k: float(np.max(np.concatenate([p.residuals[k] for p in parts])))
                for k in parts[0].residuals}
    if not converged.all() and not options.return_unconverged:
        raise ConvergenceError(
            f"{int((~converged).sum())} of {len(converged)} draws did not converge: "
            + _unconverged_message(residual, iters, options.tol),
            diagnostics={"converged": converged, "residual": residual})
    # welfare is I'/I against each row's baseline income: with deficits "zero" that is
    # the row's balanced baseline, so income is expressed in units of the common one
    income_new = cat("income") * econ.income / cat("base_income")
    return Result(
        countries=world.countries, sectors=world.sectors,
        theta=pd.DataFrame(th, columns=pd.Index(world.sectors, name="sector"),
                           index=pd.RangeIndex(th.shape[0], name="draw")),
        baseline=econ, tariffs_new=shock.tariffs,
        w_hat=cat("w_hat"), log_P=cat("log_P"), log_c=None, pi=None, X=None,
        income_new=income_new, deficit_new=cat("deficit"),
        converged=bool(converged.all()), iterations=iters, residual=residual,
        seconds=time.perf_counter() - t0,
        method=f"{options.method} (memory {options.memory}) on wages, draws batched",
        notes=tuple(notes), tau_hat=shock.tau_hat, deficits=options.deficits,
        draws=int(th.shape[0]), converged_draws=converged,
    )
