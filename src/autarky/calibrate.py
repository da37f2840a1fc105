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
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from autarky import outcomes, presets
from autarky.errors import ScenarioError
from autarky.model.options import SolveOptions
from autarky.results import Result
from autarky.scenario import BlocSplit, DeepIntegration, Dissolution, Scenario
from autarky.scenario.integration import bind_theta, sector_theta, unbound
from autarky.sweep import world_checksum
from autarky.world import World

__all__ = ["BLOC_TARGETS", "CAMPOS_2023", "between_bloc_change", "calibrate_bloc_cost",
           "calibrate_bloc_costs", "prepare", "prepare_sources", "trade_notes", "with_cost"]

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


def bloc_cost(scn: Scenario) -> float:
    """The between-bloc cost hat of ``scn``'s first bloc split (NaN without one)."""
    return next((float(c.cost_hat) for c in scn.components if isinstance(c, BlocSplit)),
                math.nan)


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

    def brentq(f: Callable[[float], float], a: float, b: float, xtol: float) -> float:
        from scipy.optimize import brentq as scipy_brentq  # not when a remembered one holds

        return float(scipy_brentq(f, a, b, xtol=xtol))

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
        # the options the solves will use, as autarky.solve resolves None (the scenario's
        # own, else the defaults): a remembered barrier is keyed on them, so a library call
        # without options finds the one `autarky run` (which passes them) remembered
        own = getattr(scn, "solve_options", None)
        opts = options if options is not None else own() if callable(own) else SolveOptions()
        kw: dict[str, Any] = {"elasticities": elasticities, "options": opts}
        hat, got, n = calibrate_bloc_cost(world, scn, target, solve, **kw)
        scn = with_cost(scn, hat)
        notes.append(
            f"calibrated: between-bloc iceberg trade costs x{hat:.4f} (+{(hat - 1) * 100:.2f}%"
            f") so that trade between the blocs changes by {target:+.1f}% on {world.name} "
            f"{world.year or ''} with these elasticities ({what}); model: {got:+.2f}% "
            + ("(the barrier found by an earlier run, verified by one solve)." if n == 1 else
               f"(Brent root find, {n} solves)."))
    if unbound(scn):  # every conversion waiting for the run's elasticities
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


def _between_batch(world: World, scn: Scenario, log_hats: np.ndarray, theta: np.ndarray,
                   options: SolveOptions, sink: list[Any] | None = None,
                   balanced: dict[bytes, Any] | None = None,
                   warm: Sequence[list[tuple[float, Any]]] | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Between-bloc trade change (%), convergence and welfare of B equilibria, one batch.

    Row ``b`` is ``scn`` with the between-bloc cost hat ``exp(log_hats[b])`` under the
    elasticities ``theta[b]``; the change is measured as :func:`between_bloc_change` does
    (producer-price flows, all sectors, both directions, against the baseline solved from,
    the deficit-free one under ``deficits="zero"``). Welfare (B, N), percent, is measured as
    :func:`autarky.solve.solve_arrays` measures it, against the same baseline. ``sink``
    (B entries): each row's equilibrium (one member), against the baseline ``prepare``
    gives, where that baseline is the world's own (deficits "fixed" or "proportional").
    ``balanced``: under ``deficits="zero"``, the deficit-free baselines of earlier batches
    of the same root find by elasticity vector (they depend on the world and the vector
    only, not on the barrier), filled and reused here: the removal is solved once per
    vector instead of once per vector and step, with the same numbers bit for bit.
    ``warm`` (B lists, in and out): each row's equilibria at the barriers of the root
    find's earlier steps, ``(log cost hat, equilibrium)`` (the same elasticities and
    baseline): the row starts from them (:func:`_start_at`), and its equilibrium here is
    appended where it converged (the latest :data:`_KEPT_POINTS` are kept). A start
    changes the path, not the fixed point (:func:`_solve_each`). Not used where the
    baseline is floored (it may change with the batch's shocks).
    """
    from autarky.errors import ScenarioWarning
    from autarky.model import equations as eq
    from autarky.model.balance import balance
    from autarky.solve import prepare, to_shock

    with warnings.catch_warnings():  # said once by the headline solve
        warnings.simplefilter("ignore", ScenarioWarning)
        blocs = scn.blocs(world)
        shocks = [to_shock(world, with_cost(scn, math.exp(x)), th)
                  for x, th in zip(log_hats, theta, strict=True)]
    prepared, econ0 = prepare(world, shocks[0], options, [])
    names = list(blocs)
    member = np.full(len(world.countries), -1)
    pos = {c: k for k, c in enumerate(world.countries)}
    for g, m in enumerate(names):
        for c in blocs[m]:
            if c in pos and member[pos[c]] < 0:
                member[pos[c]] = g
    cross = (member[:, None] >= 0) & (member[None, :] >= 0) & (member[:, None] != member[None, :])
    memory = options.memory if options.method == "anderson" else 0
    out = np.full(len(log_hats), np.nan)
    conv = np.zeros(len(log_hats), dtype=bool)
    welfare = np.full((len(log_hats), len(world.countries)), np.nan)
    groups: list[tuple[np.ndarray, Any]] = [(np.arange(len(log_hats)), econ0)]
    if options.deficits == "zero":  # each distinct theta removes the deficits first
        _, first_of, inv = np.unique(theta, axis=0, return_index=True, return_inverse=True)
        groups = []
        # a floored baseline may depend on the batch's shocks: its removal is not kept
        keep = balanced if prepared is world else None
        for g in range(len(first_of)):
            th0 = theta[first_of[g]]
            key = np.ascontiguousarray(th0).tobytes()
            if keep is not None and key in keep:
                econ_g = keep[key]
            else:
                econ_g = balance(econ0, th0, options).econ  # None if it did not converge
                if keep is not None:
                    keep[key] = econ_g
            if econ_g is not None:
                groups.append((np.flatnonzero(inv.ravel() == g), econ_g))
    if prepared is not world:  # a floored baseline: no start carried from step to step
        warm = None
    for rows, econ in groups:
        T = np.stack([shocks[r].tariffs for r in rows])
        H = np.stack([shocks[r].tau_hat for r in rows])
        sol = _solve_each(econ, T, H, theta[rows], options, memory, None if warm is None
                          else [_start_at(warm[r], float(log_hats[r]), econ) for r in rows])
        f0 = econ.pi * econ.X[:, None, :] / (1.0 + econ.tariffs)
        f1 = sol.pi * sol.X[:, :, None, :] / (1.0 + T)
        b0 = f0.sum(axis=2)[cross].sum()
        b1 = f1.sum(axis=3)[:, cross].sum(axis=1)
        out[rows] = 100.0 * (b1 / b0 - 1.0)
        # what solve_arrays computes from the same solve (the range reuses it, run.py)
        welfare[rows] = 100.0 * (eq.welfare(sol.income, econ.income, sol.log_P, econ.alpha)
                                 - 1.0)
        conv[rows] = sol.converged & np.isfinite(out[rows]) \
            & np.all(np.isfinite(welfare[rows]), axis=1)
        if sink is not None and econ is econ0:
            for i, r in enumerate(rows):
                sink[r] = sol.member(i)
        if warm is not None:
            for i, r in enumerate(rows):
                if conv[r]:  # the latest few: the root find closes in on them
                    warm[r][:] = [*warm[r][-(_KEPT_POINTS - 1):],
                                  (float(log_hats[r]), sol.member(i))]
    if prepared is not world:  # a floored baseline (unavailable goods): per shock elsewhere
        welfare[:] = np.nan
    return out, conv, welfare


_KEPT_POINTS = 4
"""Equilibria kept per row of the root find for the starts (its latest steps')."""


def _start_at(points: Sequence[tuple[float, Any]], x: float, econ: Any) -> Any:
    """A start at log cost hat ``x`` from one row's equilibria at other barriers.

    ``points``: ``(log cost hat, equilibrium)`` pairs of the same row (elasticities and
    baseline); no barrier (``x = 0``, no change: the solver's cold start) counts as one
    more. Log wages, log prices and expenditure are interpolated in ``x`` through the three
    points nearest ``x`` (Lagrange; a line through two before there are three): the
    equilibrium is smooth in the barrier, and the root find's late steps fall between
    earlier ones. Expenditure that would come out negative is the nearest point's. None
    without points. Only a start: the solve from it iterates to the tolerance.
    """
    if not points:
        return None
    near = sorted([(0.0, None), *points], key=lambda p: abs(p[0] - x))[:3]
    xs = [p[0] for p in near]
    ref = next(e for _, e in near if e is not None)
    if len(set(xs)) < len(xs):  # the same barrier twice: no curve through them
        return ref
    w, lp, X = np.zeros_like(ref.w_hat), np.zeros_like(ref.log_P), np.zeros_like(ref.X)
    for i, (xi, e) in enumerate(near):
        weight = math.prod((x - xj) / (xi - xj) for j, xj in enumerate(xs) if j != i)
        if e is None:  # no change: log wages and prices 0, the baseline's expenditure
            X = X + weight * econ.X
        else:
            w, lp, X = w + weight * np.log(e.w_hat), lp + weight * e.log_P, X + weight * e.X
    return dataclasses.replace(ref, w_hat=np.exp(w), log_P=lp, X=np.where(X >= 0.0, X, ref.X))


def _solve_each(econ: Any, T: np.ndarray, H: np.ndarray, theta: np.ndarray,
                options: SolveOptions, memory: int, starts: Sequence[Any] | None = None,
                ) -> Any:
    """``solve_hat`` of B rows: one array program, or with input-output links row by row.

    With IO links a row of its own costs a third of its share of one 8-row program (the
    inner solves of a program iterate until its slowest row has converged); each row
    starts from its own start (``starts[b]``: its equilibrium at a nearby barrier, the root
    find's previous step) or else from the previous row's equilibrium, and the rows are
    put together as one batched Equilibrium. Without IO links the rows start from their
    own starts where every row has one (one batched start), else from no change. A start
    changes the path, not the fixed point (the solve iterates to the tolerance and checks
    every equation); where a started solve does not converge it is solved again from no
    change, so a poor start costs time only.
    """
    from autarky.model.economy import Equilibrium
    from autarky.model.solver import solve_from, solve_hat

    def one(t: np.ndarray, h: np.ndarray, th: np.ndarray, start: Any = None) -> Any:
        return solve_from(start, lambda s: solve_hat(
            econ, t, h, th, deficits=options.deficits, tol=options.tol,
            max_iter=options.max_iter, memory=memory, start=s))

    own: list[Any] = list(starts) if starts is not None else [None] * len(H)
    if econ.io is None or len(H) == 1:
        # one member each: stacked, one per row
        start = Equilibrium.stacked(own) if all(s is not None for s in own) else None
        return one(T, H, theta, start)
    sols: list[Any] = []
    for b in range(len(H)):  # each row from its own start, else the previous row's solution
        prev = sols[-1] if sols and sols[-1].converged.all() else None
        sols.append(one(T[b], H[b], theta[b], own[b] if own[b] is not None else prev))
    cat: dict[str, Any] = {
        f: np.concatenate([getattr(x, f) for x in sols])
        for f in ("w_hat", "log_P", "pi", "X", "Y", "income", "deficit", "converged")}
    cat["residuals"] = {k: np.concatenate([x.residuals[k] for x in sols])
                        for k in sols[0].residuals}
    return dataclasses.replace(sols[0], **cat, iterations=max(x.iterations for x in sols))


def calibrate_bloc_costs(world: World, scn: Scenario, target: float, theta: np.ndarray,
                         options: SolveOptions, *, ftol: float = 1e-6, max_steps: int = 40,
                         welfare: np.ndarray | None = None, reused: np.ndarray | None = None,
                         equilibria: list[Any] | None = None,
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """:func:`calibrate_bloc_cost` for K elasticity vectors at once: one vectorised root find.

    Every step is one batched solve of the rows not yet converged (Illinois regula falsi on
    the log cost hat, bracketed by 0, where trade does not change, and ``log 4``; before a
    row has an upper bracket, a secant step from 0). A row converges when its
    between-bloc trade change is within ``ftol`` pp of ``target``. From the second step on
    each row's solve starts from its own equilibria at its earlier barriers (the same
    elasticities and baseline, a nearby cost; :func:`_start_at`): the same fixed point in
    fewer iterations.

    Returns ``(cost_hat (K,), achieved change % (K,), converged (K,), batched solves)``;
    a row that does not converge or cannot reach the target has NaN hat and False. With
    ``welfare`` (a (K, N) array), each converged row's welfare (percent) at its calibrated
    barrier is written into it: the equilibrium of the solve that hit the target, which is
    the range's equilibrium for that row (:func:`autarky.run.source_range` solves only the
    rows left NaN).

    A row solved by an earlier run of the same code (a solved row of
    :mod:`autarky.data.calibrations`, keyed by this key and the numerics fingerprint) is
    taken as it is, without a solve; ``reused`` (a (K,) bool array) is set True for those.
    ``equilibria`` (a list of K): each converged row's equilibrium of the solve that hit
    the target (wages, prices, expenditure; a warm start or the row itself for
    :func:`autarky.run.bloc_choice_range`), None for the others.
    """
    import hashlib

    from autarky.data import calibrations

    theta = np.atleast_2d(np.asarray(theta, float))
    K = theta.shape[0]
    hi_cap = math.log(_HAT_MAX)
    lo, flo = np.zeros(K), np.full(K, -target)  # f(0) = -target: no barrier, no change
    hi, fhi = np.full(K, np.nan), np.full(K, np.nan)
    x = np.full(K, 0.05)  # first guess: +5% between-bloc costs
    # barriers remembered from earlier runs start the search; the first batched solve
    # verifies them (a row whose remembered barrier hits the target is done after it)
    base_key = (world_checksum(world), repr(scn.components), repr(float(target)),
                repr(options), repr(ftol))
    keys = [calibrations.key(*base_key, hashlib.sha256(
        np.ascontiguousarray(theta[r]).tobytes()).hexdigest()) for r in range(K)]
    starts = np.array([calibrations.lookup(key) or np.nan for key in keys])
    remembered = np.isfinite(starts)
    x[remembered] = np.log(starts[remembered])
    x0 = x.copy()
    fx, ok = np.full(K, np.nan), np.zeros(K, dtype=bool)
    active = np.ones(K, dtype=bool)
    # rows this code solved before on the same data: barrier, trade change and welfare kept
    N = len(world.countries)
    solved_keys = [calibrations.solved_key(k) for k in keys]
    found = calibrations.lookup_solved(solved_keys)
    kept = np.zeros(K, dtype=bool)
    kept_hat = np.full(K, np.nan)
    W = np.full((K, N), np.nan)
    for r, sk in enumerate(solved_keys):
        row = found.get(sk)
        if row is None or len(row["welfare"]) != N:  # type: ignore[arg-type]
            continue
        kept[r], ok[r], active[r] = True, True, False
        kept_hat[r] = float(row["hat"])  # type: ignore[arg-type]
        x[r], fx[r] = math.log(kept_hat[r]), float(row["change"]) - target  # type: ignore[arg-type]
        W[r] = row["welfare"]
    side = np.zeros(K, dtype=int)  # Illinois: which end was kept last (+1 lo, -1 hi)
    steps = 0
    balanced: dict[bytes, Any] = {}  # deficits "zero": each vector's baseline, once
    # each row's equilibria at its barriers of earlier steps: the next steps' starts
    warm: list[list[tuple[float, Any]]] = [[] for _ in range(K)]
    while active.any() and steps < max_steps:
        steps += 1
        idx = np.flatnonzero(active)
        sink: list[Any] = [None] * len(idx)
        f, c, w = _between_batch(world, scn, x[idx], theta[idx], options, sink, balanced,
                                 [warm[k] for k in idx])
        f = f - target
        for k, fk, ck, wk, ek in zip(idx, f, c, w, sink, strict=True):  # K <= 8 rows
            if not ck:
                active[k] = False
                continue
            fx[k] = fk
            if abs(fk) <= ftol:
                ok[k], active[k] = True, False
                W[k] = wk
                if equilibria is not None:
                    equilibria[k] = ek
                continue
            if fk > 0:
                lo[k], flo[k] = x[k], fk
                if side[k] == 1 and np.isfinite(fhi[k]):
                    fhi[k] /= 2.0
                side[k] = 1
            else:
                hi[k], fhi[k] = x[k], fk
                if side[k] == -1:
                    flo[k] /= 2.0
                side[k] = -1
            if np.isfinite(hi[k]):
                nxt = hi[k] - fhi[k] * (hi[k] - lo[k]) / (fhi[k] - flo[k])
                if not lo[k] < nxt < hi[k]:
                    nxt = 0.5 * (lo[k] + hi[k])
            else:  # secant through (0, -target) and (x, f), pushed past the root a little
                slope = (fk - (-target)) / x[k] if x[k] > 0 else -1.0
                nxt = x[k] - 1.1 * fk / slope if slope < 0 else 2.0 * x[k]
                if x[k] >= hi_cap:  # target out of reach: no bracket up to the cap
                    active[k] = False
                    continue
                nxt = min(max(nxt, x[k] * 1.01), hi_cap)
            x[k] = nxt
    hats = np.where(kept, kept_hat, np.where(ok, np.exp(x), np.nan))
    fresh = {keys[r]: float(hats[r]) for r in np.flatnonzero(ok & ~kept)
             if not (remembered[r] and x0[r] == x[r])}
    if fresh:
        calibrations.remember_many(fresh)
    new_rows = {solved_keys[r]: {"hat": float(hats[r]), "change": float(fx[r] + target),
                                 "welfare": [float(v) for v in W[r]]}
                for r in np.flatnonzero(ok & ~kept & np.all(np.isfinite(W), axis=1))}
    if new_rows:
        calibrations.remember_solved(new_rows)
    if welfare is not None:
        welfare[ok] = W[ok]
    if reused is not None:
        reused[:] = kept
    return hats, np.where(ok, fx + target, np.nan), ok, steps


def prepare_sources(world: World, scn: Scenario, thetas: np.ndarray,
                    options: SolveOptions | None = None, *, welfare: np.ndarray | None = None,
                    reused: np.ndarray | None = None,
                    ) -> tuple[list[Scenario | None], tuple[str, ...]]:
    """:func:`prepare` under each of K elasticity vectors (one per row of ``thetas``).

    A preset with a calibration target gets its between-bloc barrier solved for under each
    row in one vectorised root find (:func:`calibrate_bloc_costs`); gravity effects are
    converted with each row's elasticities. Returns one scenario per row (None where the
    calibration did not converge or the target is out of reach) and the notes. ``welfare``
    ((K, N), optional) receives the welfare of each calibrated row's equilibrium, as
    :func:`calibrate_bloc_costs` gives it (rows without a calibration stay as they are);
    ``reused`` ((K,) bool, optional) marks the rows an earlier run of the same code solved.
    """
    thetas = np.atleast_2d(np.asarray(thetas, float))
    K = thetas.shape[0]
    opts = options if options is not None else scn.solve_options()
    scns: list[Scenario | None] = [scn] * K
    notes: list[str] = []
    base = (scn.name or "").split(":")[0]
    if base in BLOC_TARGETS and any(isinstance(c, BlocSplit) for c in scn.components):
        target, _ = BLOC_TARGETS[base]
        kept = np.zeros(K, dtype=bool)
        hats, _got, ok, steps = calibrate_bloc_costs(world, scn, target, thetas, opts,
                                                     welfare=welfare, reused=kept)
        if reused is not None:
            reused[:] = kept
        scns = [with_cost(scn, float(h)) if k else None for h, k in zip(hats, ok, strict=True)]
        shown = ", ".join(f"x{h:.4f}" if k else "n/a" for h, k in zip(hats, ok, strict=True))
        how = (f"one vectorised root find, {steps} batched solves" if not kept.any() else
               "found by an earlier run of this code on the same data and kept (calibration "
               "cache)" if steps == 0 else
               f"{int(kept.sum())} kept from an earlier run of this code on the same data, the "
               f"others in one vectorised root find, {steps} batched solves")
        notes.append(f"recalibrated under each source: between-bloc iceberg trade costs {shown}"
                     f" (trade between the blocs {target:+.1f}% under each; {how})")
    if unbound(scn):  # every conversion (deep integration, dissolution, border removal)
        scns = [bind_theta(s, th) if s is not None else None  # type: ignore[misc]
                for s, th in zip(scns, thetas, strict=True)]
        notes.append("gravity effects converted with each source's own elasticities "
                     "(tau_hat_j = exp(-beta / theta_j) per source)")
    return scns, tuple(notes)


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
