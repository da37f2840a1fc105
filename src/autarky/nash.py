"""Optimal tariffs, Nash tariff wars and retaliation over labelled Worlds.

* :func:`nash`: the Nash tariff war of Lashkaripour (2021, "The cost of a global tariff war:
  a sufficient-statistics approach", JIE 131): multi-sector Armington without input-output
  links, deficits removed first (exact hat algebra to balanced trade at the applied
  tariffs), each country one tariff on all its imports, welfare (real income including
  tariff revenue) relative to the balanced baseline. ``method="exact"`` (the default) sets
  every tariff by its exact first-order condition (analytic derivatives of welfare with
  all wages adjusting); ``method="formula"`` imposes his sufficient-statistics formula, as
  his ``tariffwar`` code does; ``method="best-response"`` lets each government maximise
  its exact welfare numerically (Ossa 2014 style) and also runs with input-output links.
* :func:`optimal_tariff`: one country's unilaterally optimal uniform tariff, given every
  other tariff (applied, or a scenario's schedule); :func:`optimal_tariffs` for many
  countries, each alone, sharing the set-up.
* :func:`reciprocal`: each partner matches the tariff it faces.
* :func:`optimal_retaliation`: each partner of one country sets its best-response tariff
  on that country's goods, given any observed schedule (a Scenario) in force.

``exact`` and ``best-response`` find the same equilibrium without input-output links
(wiod2016 2014, eps 4: to 9e-6 pp). The formula is Lashkaripour's sufficient-statistics
approximation, exact with two countries and no tariffs abroad; it omits the partners'
tariff-revenue term and (his eq. 9) the effects on third countries' wages. On wiod2016 2014
(eps 4) the exact tariffs lie 0.01-0.75 pp above it, welfare within 0.07 pp (the
derivation is in :mod:`autarky.model.nash`; README, "Tariff wars").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from autarky.data import DEFAULT_SOURCE
from autarky.errors import ConvergenceError, ScenarioError
from autarky.model import equations as eq
from autarky.model import nash as mn
from autarky.model.economy import Economy
from autarky.model.solver import equilibrium_residuals
from autarky.model.threads import blas_limited
from autarky.results import Result
from autarky.scenario import Scenario, Shock
from autarky.solve import economy, resolve_elasticities, to_shock
from autarky.world import World

__all__ = ["NashOptions", "NashResult", "nash", "optimal_tariff", "optimal_tariffs",
           "reciprocal", "optimal_retaliation", "without_io"]

log = logging.getLogger(__name__)

Method = Literal["exact", "formula", "best-response"]


@dataclass(frozen=True)
class NashOptions:
    """How to solve a tariff war: validated on construction.

    Attributes
    ----------
    method : {"exact", "formula", "best-response"}
        ``"exact"``: wages and each country's exact first-order condition (analytic
        derivatives of its welfare, every wage adjusting) solved as one Anderson-accelerated
        fixed point (no input-output links): the Nash equilibrium of exact best responses.
        ``"formula"``: the same fixed point with the Lashkaripour (2021) optimal-tariff
        formula, his sufficient-statistics approximation. ``"best-response"``: each
        government's tariff maximises its exact welfare (finite-difference Newton steps on
        every first-order condition, rounds iterated to a fixed point); it keeps
        input-output links.
    tol : float
        Exact and formula: largest labour-market residual and tariff gap. Best response:
        largest change of a tariff in the last round.
    max_iter : int
        Joint iterations (exact, formula) or best-response rounds.
    memory : int
        Anderson memory (exact, formula).
    step : float
        Finite-difference step on tariffs (best response).
    chunk : int
        Batch members per equilibrium solve (best response; memory grows with it).
    return_unconverged : bool
        Return an unconverged result instead of raising ConvergenceError.
    """

    method: Method = "exact"
    tol: float = 1e-10
    max_iter: int = 2000
    memory: int = 8
    step: float = 1e-4
    chunk: int = 24
    return_unconverged: bool = False

    def __post_init__(self) -> None:
        if self.method not in get_args(Method):
            raise ValueError(f"NashOptions.method: {self.method!r} is not one of "
                             f"{', '.join(map(repr, get_args(Method)))}")
        if not (0 < self.tol < 1e-2):
            raise ValueError(f"NashOptions.tol: {self.tol!r} must be in (0, 0.01)")
        if not (0 < self.step < 1e-1):
            raise ValueError(f"NashOptions.step: {self.step!r} must be in (0, 0.1)")
        for name in ("max_iter", "chunk"):
            v = getattr(self, name)
            if int(v) != v or v < 1:
                raise ValueError(f"NashOptions.{name}: {v!r} must be a positive int")


@dataclass(frozen=True, eq=False)
class NashResult:
    """A tariff war's equilibrium: the tariffs chosen and the usual :class:`Result`.

    Attributes
    ----------
    tariffs : pandas.Series
        Tariff chosen by each player (fraction), indexed by country.
    result : Result
        The equilibrium at those tariffs relative to the balanced baseline; every Result
        accessor (``welfare``, ``price_index``, ``trade``, ...) is available on this object.
    converged, iterations, residual, seconds, method, notes
        Diagnostics of the tariff game (the residual adds ``tariff`` to the equilibrium
        residuals).
    scenario : Scenario or None
        The tariffs as a Scenario (retaliation builders), else None.
    """

    tariffs: pd.Series
    result: Result
    converged: bool
    iterations: int
    residual: dict[str, float]
    seconds: float
    method: str
    notes: tuple[str, ...]
    history: tuple[float, ...] = ()
    scenario: Scenario | None = None

    @property
    def welfare(self) -> pd.Series:
        """Percent change in real income against the balanced baseline (+ = gain)."""
        return self.result.welfare

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__") or item == "result":
            raise AttributeError(item)
        return getattr(self.result, item)

    def to_frame(self) -> pd.DataFrame:
        """One row per country: tariff (percent) and welfare (percent)."""
        return pd.DataFrame({"tariff_pct": 100.0 * self.tariffs, "welfare_pct": self.welfare})


def without_io(world: World) -> World:
    """The same World without input-output links (value added = gross output).

    The model of Lashkaripour (2021): the world's flows and tariffs, no intermediate
    inputs. A World already without links is returned as is.
    """
    if not world.has_io:
        return world
    a = world.arrays()
    meta = world.metadata()
    meta["attrs"] = {**meta["attrs"], "io_removed": 1}
    return World.from_arrays(a["flows"], world.countries, world.sectors, tariffs=a["tariffs"],
                             io=None, sector_names=world.dataset.attrs.get("sector_names"),
                             **meta)


def _result(world: World, econ: Economy, theta: np.ndarray, sol: mn.NashSolution,
            seconds: float, method: str, notes: list[str]) -> Result:
    eqm = sol.equilibrium
    ones = np.ones_like(econ.tariffs)
    residual = equilibrium_residuals(econ, sol.tariffs_new, ones, theta, eqm)
    log_c = eq.unit_cost(np.log(eqm.w_hat), eqm.log_P, econ.gamma, econ.io)[0]
    return Result(
        countries=world.countries, sectors=world.sectors,
        theta=pd.Series(theta, index=pd.Index(world.sectors, name="sector"), name="theta"),
        baseline=econ, tariffs_new=sol.tariffs_new, w_hat=eqm.w_hat[0], log_P=eqm.log_P[0],
        log_c=log_c, pi=eqm.pi[0], X=eqm.X[0], income_new=eqm.income[0],
        deficit_new=eqm.deficit[0], converged=sol.converged, iterations=sol.iterations,
        residual=residual, seconds=seconds, method=method, notes=tuple(notes),
        history=tuple(sol.history), tau_hat=ones, deficits="zero")


def _finish(world: World, econ: Economy, theta: np.ndarray, sol: mn.NashSolution,
            players: list[str], t0: float, method: str, notes: list[str],
            options: NashOptions, scenario: Scenario | None = None) -> NashResult:
    seconds = time.perf_counter() - t0
    res = _result(world, econ, theta, sol, seconds, method, notes)
    residual = {**res.residual, "tariff": sol.residual["tariff"]}
    eq_ok = max(residual["labour_market"], residual["trade_balance"]) <= max(options.tol, 1e-9)
    converged = bool(sol.converged and eq_ok and np.all(np.isfinite(res.welfare)))
    out = NashResult(tariffs=pd.Series(sol.tariffs, index=pd.Index(players, name="country"),
                                       name="tariff"),
                     result=res, converged=converged, iterations=sol.iterations,
                     residual=residual, seconds=seconds, method=method, notes=tuple(notes),
                     history=tuple(sol.history), scenario=scenario)
    if not converged:
        msg = (f"tariff war did not converge in {sol.iterations} iterations: tariff residual "
               f"{residual['tariff']:.3g}, labour market {residual['labour_market']:.3g}")
        if not options.return_unconverged:
            raise ConvergenceError(msg, diagnostics={"result": out, "history": sol.history})
        log.warning(msg)
    return out


def _balanced(world: World, theta: np.ndarray) -> Economy:
    """The world's economy with its deficits removed (the baseline of every tariff game)."""
    econ, first = mn.balanced(economy(world), theta)
    if not first.converged.all():
        raise ConvergenceError("removing the baseline deficits did not converge",
                               diagnostics=first)
    return econ


def _schedule(world: World, scenario: Any, who: str, what: str) -> Shock:
    """The scenario's shock, refused unless it changes tariffs only."""
    shock = to_shock(world, scenario)
    if not np.all(shock.tau_hat == 1.0):
        raise ScenarioError(f"{who}: the scenario changes iceberg trade costs; only tariff "
                            f"schedules can be combined with {what}")
    return shock


def _respond(econ: Economy, theta: np.ndarray, control: np.ndarray, owner: np.ndarray,
             fixed: np.ndarray, start: np.ndarray, options: NashOptions,
             progress: Callable[[int, float], None] | None = None) -> mn.NashSolution:
    """Numerical best responses with the options' step, rounds, chunk and tolerance.

    A failed equilibrium solve inside the game is a ConvergenceError (one line, exit 3 on
    the command line), not a raw RuntimeError.
    """
    try:
        return mn.best_response_nash(econ, theta, control, owner, fixed, start,
                                     tol=max(options.tol, 1e-8), h=options.step,
                                     max_rounds=options.max_iter, chunk=options.chunk,
                                     progress=progress)
    except RuntimeError as err:
        raise ConvergenceError(f"{err} (best responses; a smaller NashOptions(step=...) or "
                               "other elasticities may help)") from err


def _base_notes(world: World, desc: str, io: bool) -> list[str]:
    return [
        f"model: {'Caliendo-Parro (2015) with input-output links' if io else 'multi-sector Armington without input-output links (Lashkaripour 2021)'}"  # noqa: E501
        f" on {world.name}{'' if world.year is None else ' ' + str(world.year)}",
        desc,
        "baseline: deficits removed first at the applied tariffs (exact hat algebra to "
        "balanced trade); welfare is measured against that balanced baseline",
        "welfare: income including tariff revenue over the Cobb-Douglas aggregate of "
        "sectoral CES price indices",
        "numeraire: world value added unchanged",
    ]


@blas_limited
def nash(world: World, elasticities: Any = DEFAULT_SOURCE, options: NashOptions | None = None,
         progress: Callable[[int, float], None] | None = None) -> NashResult:
    """Nash tariff war: every country one tariff on all its imports, each optimal.

    Parameters
    ----------
    world : World
        Baseline. ``method="exact"`` and ``"formula"`` use it without input-output links
        (:func:`without_io`); ``"best-response"`` keeps its links.
    elasticities : str, float, Series or array, default "median"
        Trade elasticities (as in :func:`autarky.solve`, and the same default as every
        command: per sector, the median of the catalog's sources); every value must be
        > 0. Lashkaripour (2021) uses one value, 4.0.
    options : NashOptions, optional
        Method and tolerances.
    progress : callable, optional
        Best responses: called after every round with the round number and its largest
        tariff step (the CLI's progress bar).

    Returns
    -------
    NashResult
        ``tariffs`` by country, ``welfare`` against the balanced baseline, diagnostics.

    Raises
    ------
    DataError
        An elasticity at or below zero, or missing for a sector.
    ConvergenceError
        The game or an equilibrium did not converge (unless ``return_unconverged``).

    Examples
    --------
    >>> import numpy as np, autarky as ak
    >>> F = np.array([[60.0, 10.0], [10.0, 60.0]])
    >>> w = ak.World.from_arrays(F, ["A", "B"])
    >>> res = ak.nash(w, elasticities=4.0)
    >>> bool(res.converged and (res.tariffs > 0.2).all() and (res.welfare < 0).all())
    True
    """
    options = options or NashOptions()
    t0 = time.perf_counter()
    fixed_point = options.method in ("exact", "formula")
    w = without_io(world) if fixed_point else world
    theta, desc = resolve_elasticities(w, elasticities)
    notes = _base_notes(w, desc, w.has_io)
    if world.has_io and fixed_point:
        notes.append(f"input-output links of the data dropped: method={options.method!r} "
                     "solves the model without them (method='best-response' keeps them)")
    N, J = w.shape
    econ = _balanced(w, theta)
    notes.append("policy: each country sets one ad-valorem tariff on all its imports, every "
                 "partner and sector (services included); tariffs at home are zero")
    if options.method == "exact":
        sol = mn.exact_nash(econ, theta, tol=options.tol, max_iter=options.max_iter,
                            memory=options.memory)
        method = ("exact first-order conditions: each tariff maximises its country's welfare "
                  "given the others' (analytic derivatives, every wage adjusting), solved "
                  "with the wages as one Anderson fixed point")
        notes.append("tariffs: exact best responses; Lashkaripour's (2021) formula "
                     "(method='formula') approximates them, omitting third-country wage "
                     "effects and partners' tariff revenue (wiod2016 2014, eps 4: the exact "
                     "tariffs lie 0.01-0.75 pp above it, welfare within 0.07 pp)")
    elif options.method == "formula":
        sol = mn.formula_nash(econ, theta, tol=options.tol, max_iter=options.max_iter,
                              memory=options.memory)
        method = ("formula: t_i = 1 / max(sum_s eps_s sum_j chi_ijs (1 - lambda_ijs), 1) "
                  "(Lashkaripour 2021) and wages as one Anderson fixed point")
        notes.append("tariffs: Lashkaripour's (2021) sufficient-statistics formula; exact "
                     "best responses (method='exact' or 'best-response') lie a fraction of a "
                     "point above it with three countries or more (it omits third-country wage "
                     "effects and partners' tariff revenue; wiod2016 2014, eps 4: up to "
                     "0.75 pp in tariffs, 0.07 pp in welfare)")
    else:
        off = (1.0 - np.eye(N))[:, :, None] * np.ones(J)
        control = np.where(off > 0, np.arange(N)[:, None, None], -1)
        start = mn.optimal_tariff_formula(econ.pi, econ.X, econ.tariffs, theta)
        sol = _respond(econ, theta, control, np.arange(N), np.zeros_like(off), start,
                       options, progress)
        method = ("best responses: Newton steps on each government's exact welfare "
                  "(finite differences, all governments batched), rounds to a fixed point")
    return _finish(w, econ, theta, sol, list(w.countries), t0, method, notes, options)


def _country(world: World, code: str, what: str) -> int:
    """The index of a country code, in any case (``usa`` is ``USA``)."""
    if code not in world.countries and str(code).strip().upper() in world.countries:
        code = str(code).strip().upper()
    if code not in world.countries:
        raise ScenarioError(f"{what} = {code!r}: not a country of {world.name} "
                            f"({', '.join(world.countries[:6])}, ...)")
    return world.countries.index(code)


def reciprocal(world: World, scenario: Any, imposer: str) -> Scenario:
    """Reciprocal retaliation: every partner matches the tariff the imposer sets on it.

    Each partner j of ``imposer`` sets, on all of the imposer's goods, the imposer's
    counterfactual tariff on j averaged over sectors with j's baseline exports to the
    imposer as weights (the simple mean where j sold it nothing).

    Parameters
    ----------
    world : World
        The world the scenario applies to.
    scenario : Scenario
        The observed schedule (e.g. a ``tariff-schedule`` of the imposer).
    imposer : str
        The country whose tariffs are matched.

    Returns
    -------
    Scenario
        ``scenario`` followed by one ``tariff`` component per partner.
    """
    k = _country(world, imposer, "imposer")
    imposer = world.countries[k]
    shock = to_shock(world, scenario)
    F = world.arrays()["flows"][k]  # [partner, sector]: the imposer's imports
    T = shock.tariffs[k]
    tot = F.sum(axis=1)
    rate = np.where(tot > 0, (F * T).sum(axis=1) / np.where(tot > 0, tot, 1.0), T.mean(axis=1))
    out = scenario if isinstance(scenario, Scenario) else Scenario()
    for j, c in enumerate(world.countries):
        if j != k:
            out = out + Scenario.tariff([c], [imposer], float(rate[j]))
    return Scenario(out.components, name=f"{getattr(scenario, 'name', '') or 'schedule'} + "
                    "reciprocal retaliation",
                    description=f"every partner of {imposer} sets on its goods the tariff "
                                f"{imposer} sets on the partner's (trade-weighted over "
                                "sectors)", assumptions=out.assumptions, sources=out.sources,
                    settings=out.settings)


@blas_limited
def optimal_retaliation(world: World, scenario: Any, target: str,
                        elasticities: Any = DEFAULT_SOURCE,
                        options: NashOptions | None = None) -> NashResult:
    """Optimal retaliation: each partner's best-response tariff on one country's goods.

    Every country other than ``target`` chooses one tariff on all of the target's goods to
    maximise its own exact welfare, given the others' choices and the scenario's tariffs
    on every other cell (the target's schedule included): a Nash equilibrium among the
    retaliators, solved by numerical best responses (input-output links kept).

    Returns
    -------
    NashResult
        ``tariffs`` by retaliating country; ``scenario`` is the observed schedule followed
        by the retaliation, ready for :func:`autarky.solve`.
    """
    options = options or NashOptions(method="best-response")
    t0 = time.perf_counter()
    k = _country(world, target, "target")
    target = world.countries[k]
    theta, desc = resolve_elasticities(world, elasticities)
    shock = _schedule(world, scenario, "optimal_retaliation", "retaliation")
    N, J = world.shape
    econ = _balanced(world, theta)
    players = [j for j in range(N) if j != k]
    control = np.full((N, N, J), -1)
    control[players, k, :] = np.arange(N - 1)[:, None]
    sol = _respond(econ, theta, control, np.array(players), shock.tariffs,
                   np.full(N - 1, 0.2), options)
    names = [world.countries[j] for j in players]
    scn = scenario if isinstance(scenario, Scenario) else Scenario()
    for c, r in zip(names, sol.tariffs, strict=True):
        scn = scn + Scenario.tariff([c], [target], float(r))
    notes = _base_notes(world, desc, world.has_io)
    notes.append(f"policy: the scenario's tariffs, then every other country sets one tariff "
                 f"on all goods from {target} to maximise its own welfare (Nash among them)")
    if shock.description:
        notes.append(f"scenario: {shock.description}")
    method = "best responses of the retaliators (finite-difference Newton, batched)"
    return _finish(world, econ, theta, sol, names, t0, method, notes, options, scn)


@blas_limited
def optimal_tariff(world: World, country: str, scenario: Any = None,
                   elasticities: Any = DEFAULT_SOURCE,
                   options: NashOptions | None = None) -> NashResult:
    """One country's unilaterally optimal tariff: one rate on all its imports.

    ``country`` picks the tariff on every import (every partner and sector) that maximises
    its own exact welfare, every other tariff held at the scenario's level (default: the
    applied tariffs of the data), against the balanced baseline as in :func:`nash`. Solved
    by numerical best responses (one player), so input-output links are kept.

    Returns
    -------
    NashResult
        ``tariffs`` holds the one optimal rate; ``scenario`` is the schedule followed by
        that rate, ready for :func:`autarky.solve`.

    Examples
    --------
    >>> import numpy as np, autarky as ak
    >>> from autarky.nash import optimal_tariff
    >>> F = np.array([[60.0, 10.0, 5.0], [10.0, 60.0, 5.0], [5.0, 5.0, 40.0]])
    >>> w = ak.World.from_arrays(F, ["USA", "CHN", "DEU"])
    >>> res = optimal_tariff(w, "USA", elasticities=4.0)
    >>> bool(res.converged and 0.2 < res.tariffs["USA"] < 0.4 and res.welfare["USA"] > 0)
    True
    """
    return optimal_tariffs(world, [country], scenario, elasticities, options)[0]


@blas_limited
def optimal_tariffs(world: World, countries: Sequence[str] | None = None, scenario: Any = None,
                    elasticities: Any = DEFAULT_SOURCE,
                    options: NashOptions | None = None) -> list[NashResult]:
    """:func:`optimal_tariff` of each of ``countries`` (default: every country), alone.

    Each country's rate is computed as :func:`optimal_tariff` computes it, every other
    tariff at the scenario's level (no retaliation, and not the other countries' optimal
    rates); the elasticities, the scenario's schedule and the balanced baseline are
    prepared once for all of them. Returns one :class:`NashResult` per country, in order.
    """
    options = options or NashOptions(method="best-response")
    t0 = time.perf_counter()
    ks = [_country(world, c, "country") for c in (world.countries if countries is None
                                                  else countries)]
    theta, desc = resolve_elasticities(world, elasticities)
    scn = scenario if scenario is not None else Scenario()
    shock = _schedule(world, scn, "optimal_tariff", "an optimal tariff")
    N, J = world.shape
    econ = _balanced(world, theta)
    formula = mn.optimal_tariff_formula(econ.pi, econ.X, econ.tariffs, theta)
    setup = time.perf_counter() - t0
    out = []
    for k in ks:
        t1 = time.perf_counter() - setup  # each result's seconds: the set-up and its own
        country = world.countries[k]
        control = np.full((N, N, J), -1)
        control[k, [j for j in range(N) if j != k], :] = 0
        sol = _respond(econ, theta, control, np.array([k]), shock.tariffs,
                       np.array([formula[k]]), options)
        rate = float(sol.tariffs[0])
        out_scn = (scn if isinstance(scn, Scenario) else Scenario()) + Scenario.tariff(
            [country], "all", rate)
        notes = _base_notes(world, desc, world.has_io)
        notes.append(f"policy: {country} sets one ad-valorem tariff on all its imports "
                     "(every partner and sector) to maximise its own welfare; every other "
                     "tariff at the " + ("scenario's level" if scenario is not None else
                                         "applied level of the data") + "; no retaliation")
        if shock.description:
            notes.append(f"scenario: {shock.description}")
        method = "best response of one government (finite-difference Newton on exact welfare)"
        out.append(_finish(world, econ, theta, sol, [country], t1, method, notes, options,
                           out_scn))
    return out
