"""Public entry point of the equilibrium model: ``solve(world, scenario, ...) -> Result``.

Exported as ``autarky.solve`` and ``autarky.SolveOptions``; ``solve_batch`` solves many
elasticity draws of one scenario as one array program.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from autarky.errors import ConvergenceError, DataError, ScenarioError, UnavailableGoodError
from autarky.model import equations as eq
from autarky.model.solver import (
    Economy,
    Equilibrium,
    closed_countries,
    equilibrium_residuals,
    open_foreign_routes,
    solve_hat,
    unavailable_goods,
)
from autarky.results import BatchResult, Result
from autarky.scenario import Shock
from autarky.world import World

__all__ = ["SolveOptions", "solve", "solve_batch", "resolve_elasticities", "to_shock"]

log = logging.getLogger(__name__)

Deficits = Literal["fixed", "zero", "proportional"]
Method = Literal["anderson", "fixed-point"]
Unavailable = Literal["raise", "floor"]


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: validated on construction.

    Attributes
    ----------
    deficits : {"fixed", "zero", "proportional"}
        ``"fixed"`` (CP 2015 default): each country's deficit stays at its baseline value in
        units of world value added. ``"zero"``: deficits are removed first, as CP (2015) do:
        a first equilibrium with baseline tariffs and zero deficits becomes the baseline, and
        the scenario is solved from it with zero deficits. ``"proportional"``: each deficit
        moves with the country's wage, ``D'_n = w^_n D_n``, less the country's value-added
        share of the world sum so that deficits still add up to zero.
    tol : float
        Largest labour-market residual accepted, relative to each country's value added.
    max_iter : int
        Outer (wage) iterations.
    method : {"anderson", "fixed-point"}
        Anderson-accelerated or plain damped fixed-point iteration.
    memory : int
        Anderson memory (past steps).
    unavailable : {"raise", "floor"}
        Goods that the scenario leaves with no possible supplier in some country (a sector
        with no domestic production whose imports are all cut): ``"raise"`` an
        :class:`~autarky.errors.UnavailableGoodError` naming them; ``"floor"``: give such a
        country a domestic supply of ``floor_share`` of its baseline absorption of the good
        (the baseline is recalibrated with it, and the result's notes say so).
    floor_share : float
        Domestic share given by the ``"floor"`` policy.
    return_unconverged : bool
        Return an unconverged Result (``converged`` False) instead of raising
        :class:`~autarky.errors.ConvergenceError`.
    """

    deficits: Deficits = "fixed"
    tol: float = 1e-10
    max_iter: int = 1000
    method: Method = "anderson"
    memory: int = 6
    unavailable: Unavailable = "raise"
    floor_share: float = 1e-3
    return_unconverged: bool = False

    def __post_init__(self) -> None:
        for name, lit in (("deficits", Deficits), ("method", Method),
                          ("unavailable", Unavailable)):
            allowed = get_args(lit)
            if getattr(self, name) not in allowed:
                raise ValueError(f"SolveOptions.{name}: {getattr(self, name)!r} is not one of "
                                 f"{', '.join(map(repr, allowed))}")
        if not (0 < self.tol < 1e-2):
            raise ValueError(f"SolveOptions.tol: {self.tol!r} must be in (0, 0.01)")
        if int(self.max_iter) != self.max_iter or self.max_iter < 1:
            raise ValueError(f"SolveOptions.max_iter: {self.max_iter!r} must be a positive int")
        if int(self.memory) != self.memory or not 0 <= self.memory <= 50:
            raise ValueError(f"SolveOptions.memory: {self.memory!r} must be an int in 0..50")
        if not (0 < self.floor_share < 0.5):
            raise ValueError(f"SolveOptions.floor_share: {self.floor_share!r} must be in "
                             "(0, 0.5)")


def resolve_elasticities(world: World, elasticities: Any) -> tuple[np.ndarray, str]:
    """Trade elasticities for the world's sectors and a description of their source.

    ``elasticities`` is a source name (the world's own thetas when it carries them under
    that name, e.g. the CP 2015 fixture; otherwise the catalog
    :func:`autarky.elasticities` for the world's dataset), a number, a Series indexed by
    sector, or an array of one value per sector.
    """
    J = len(world.sectors)
    attrs = world.dataset.attrs
    if isinstance(elasticities, str):
        if "theta" in attrs and attrs.get("elasticity_source") == elasticities:
            theta = np.asarray(attrs["theta"], float)
            desc = f"elasticities: {elasticities} (carried by the {world.name} data)"
        else:
            from autarky.data import elasticities as catalog

            s = catalog(world.name, elasticities)
            missing = [x for x in world.sectors if x not in s.index]
            if missing:
                raise DataError(f"elasticities {elasticities!r}: no value for sector(s) "
                                f"{', '.join(missing[:5])}")
            theta = s.reindex(list(world.sectors)).to_numpy(float)
            desc = f"elasticities: {elasticities} catalog for {world.name}"
    elif isinstance(elasticities, (int, float, np.floating, np.integer)):
        theta = np.full(J, float(elasticities))
        desc = f"elasticities: uniform theta = {float(elasticities):g}"
    elif isinstance(elasticities, pd.Series):
        missing = [x for x in world.sectors if x not in elasticities.index]
        if missing:
            raise DataError(f"elasticities: no value for sector(s) {', '.join(missing[:5])}")
        theta = elasticities.reindex(list(world.sectors)).to_numpy(float)
        desc = f"elasticities: user values ({elasticities.attrs.get('source', 'series')})"
    else:
        theta = np.asarray(elasticities, float)
        if theta.shape != (J,):
            raise DataError(f"elasticities: shape {theta.shape}, expected ({J},), one per "
                            "sector")
        desc = "elasticities: user values (array)"
    if not np.all(np.isfinite(theta)) or np.any(theta <= 0):
        raise DataError("elasticities: every theta must be finite and > 0")
    return theta, desc


def to_shock(world: World, scenario: Any) -> Shock:
    """A Shock as is, or ``scenario.apply(world)``; checked against the world's shape."""
    shock = scenario if isinstance(scenario, Shock) else None
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


def _describe_unavailable(world: World, mask: np.ndarray, limit: int = 12) -> str:
    pairs = [f"{world.countries[n]} {world.sectors[j]}" for n, j in np.argwhere(mask)]
    more = f" and {len(pairs) - limit} more" if len(pairs) > limit else ""
    return ", ".join(pairs[:limit]) + more


def _floor_world(world: World, mask: np.ndarray, share: float) -> World:
    a = world.arrays()
    F = a["flows"].copy()
    n, j = np.nonzero(mask)
    F[n, n, j] += share * a["expenditure"][n, j] / (1.0 - share)
    return World.from_arrays(F, world.countries, world.sectors, tariffs=a["tariffs"],
                             io=a["io"] if world.has_io else None,
                             sector_names=world.dataset.attrs.get("sector_names"),
                             **world.metadata())


def _prepare(world: World, shock: Shock, options: SolveOptions,
             notes: list[str]) -> tuple[World, Economy]:
    econ = Economy.from_world(world)
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
                "use SolveOptions(unavailable='floor') to give them a small domestic supply")
        world = _floor_world(world, mask, options.floor_share)
        econ = Economy.from_world(world)
        notes.append(f"unavailable goods: {int(mask.sum())} country-sector pairs with no "
                     f"supplier after the shock ({listing}) were given a domestic supply of "
                     f"{options.floor_share:g} of baseline absorption (policy 'floor'); the "
                     "baseline was recalibrated with it")
    return world, econ


def _run(econ: Economy, shock: Shock, theta: np.ndarray, options: SolveOptions,
         ) -> tuple[Economy, Equilibrium, int]:
    memory = options.memory if options.method == "anderson" else 0
    iters0 = 0
    if options.deficits == "zero":
        ones = np.ones_like(econ.tariffs)
        first = solve_hat(econ, econ.tariffs, ones, theta, deficits="zero",
                          tol=options.tol, max_iter=options.max_iter, memory=memory)
        if not first.converged.all():
            raise ConvergenceError("removing the baseline deficits (deficits='zero') did not "
                                   "converge", diagnostics=first)
        econ = econ.rebase(first, econ.tariffs)
        iters0 = first.iterations
    sol = solve_hat(econ, shock.tariffs, shock.tau_hat, theta, deficits=options.deficits,
                    tol=options.tol, max_iter=options.max_iter, memory=memory)
    return econ, sol, iters0


def _notes(world: World, shock: Shock, desc: str, options: SolveOptions) -> list[str]:
    deficit_text = {
        "fixed": "deficits: fixed at baseline values in units of world value added (CP 2015)",
        "zero": "deficits: removed first (CP 2015 balanced baseline: an equilibrium with "
                "baseline tariffs and zero deficits is the baseline of the scenario)",
        "proportional": "deficits: move with each country's wage, rescaled to sum to zero",
    }[options.deficits]
    io = ("input-output links: on (CP 2015)" if world.has_io
          else "input-output links: off (no IO table; multi-sector CRC 2014 / Armington)")
    notes = [f"model: Caliendo-Parro (2015) in changes on {world.name}"
             f"{'' if world.year is None else ' ' + str(world.year)}", desc, deficit_text, io,
             f"unavailable goods policy: {options.unavailable}",
             "numeraire: world value added unchanged",
             "welfare: exact change in real income I/P; decomposition: CP (2015) first-order "
             "terms-of-trade + volume-of-trade formula (the measure of their Table 2), which "
             "can differ from the exact change for large shocks"]
    if shock.description:
        notes.append(f"scenario: {shock.description}")
    notes.extend(shock.notes)
    return notes


def solve(world: World, scenario: Any, elasticities: Any = "cp2015",
          options: SolveOptions | None = None) -> Result:
    """Solve the counterfactual equilibrium of a scenario.

    Parameters
    ----------
    world : World
        The baseline economy.
    scenario : Shock or object with ``apply(world) -> Shock``
        What changes.
    elasticities : str, float, Series or array, default "cp2015"
        Trade elasticities: a catalog source name, one number, or one value per sector.
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
    shock = to_shock(world, scenario)
    theta, desc = resolve_elasticities(world, elasticities)
    notes = _notes(world, shock, desc, options)
    world, econ = _prepare(world, shock, options, notes)
    closed = closed_countries(econ, shock.tau_hat)
    if closed.any() and options.deficits != "zero":
        names = [c for c, k in zip(world.countries, closed, strict=True) if k]
        notes.append(f"deficits: {len(names)} countries with no open trade route "
                     f"({', '.join(names[:10])}{' ...' if len(names) > 10 else ''}) cannot run "
                     "deficits: theirs are set to zero, the difference shared by the others "
                     "in proportion to value added")
    econ, sol, iters0 = _run(econ, shock, theta, options)
    seconds = time.perf_counter() - t0
    residual = equilibrium_residuals(econ, shock.tariffs, shock.tau_hat, theta, sol)
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
        deficits=options.deficits,
    )
    if not converged or not np.all(np.isfinite(res.welfare.to_numpy())):
        msg = (f"equilibrium did not converge in {sol.iterations} iterations: largest "
               f"labour-market residual {sol.history[-1]:.3g} > tol {options.tol:g}")
        if not options.return_unconverged:
            raise ConvergenceError(msg, diagnostics={"history": sol.history,
                                                     "residual": residual, "result": res})
        log.warning(msg)
    log.info("solved %s in %.3f s, %d iterations", world.name, seconds, res.iterations)
    return res


def solve_batch(world: World, scenario: Any, thetas: Any,
                options: SolveOptions | None = None, chunk: int = 25) -> BatchResult:
    """Solve one scenario for many elasticity vectors at once (one array program per chunk).

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
    BatchResult
        Welfare (percent) per draw and country; raises ConvergenceError if a draw did not
        converge unless ``options.return_unconverged``.
    """
    options = options or SolveOptions()
    if options.deficits == "zero":
        raise ValueError("solve_batch: deficits='zero' rebases the economy per draw; solve "
                         "draws one by one with solve(), or use 'fixed' / 'proportional'")
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
    notes = _notes(world, shock, f"elasticities: {th.shape[0]} draws", options)
    world, econ = _prepare(world, shock, options, notes)
    out, conv, iters = [], [], 0
    for s in range(0, th.shape[0], chunk):
        part = th[s:s + chunk]
        e, sol, it0 = _run(econ, shock, part, options)
        w = eq.welfare(sol.income, e.income, sol.log_P, e.alpha)
        out.append(100.0 * (w - 1.0))
        conv.append(sol.converged)
        iters = max(iters, it0 + sol.iterations)
    welfare = pd.DataFrame(np.concatenate(out), columns=pd.Index(world.countries,
                                                                  name="country"))
    welfare.index.name = "draw"
    converged = np.concatenate(conv)
    if not converged.all() and not options.return_unconverged:
        raise ConvergenceError(f"{int((~converged).sum())} of {len(converged)} draws did not "
                               "converge", diagnostics={"converged": converged})
    return BatchResult(welfare=welfare, converged=converged, iterations=iters,
                       seconds=time.perf_counter() - t0, notes=tuple(notes))
