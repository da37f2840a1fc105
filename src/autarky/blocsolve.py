"""The equilibria of ``bloc-choice``, solved fast: patched shocks, one baseline, warm starts.

:func:`autarky.run.bloc_choice` and :func:`autarky.run.bloc_choice_range` solve, for every
swing state, "joins West", "joins East" and "stays out" (and, for the break-even penalty,
"stays out with both blocs' trade costs on it raised"), under the headline elasticities and
under each catalog source. Every one of these scenarios differs from the stay-out split
only in the trade costs of one state's own row and column; so instead of turning each
scenario into a shock (:meth:`autarky.scenario.Scenario.apply`, milliseconds each, and
thousands of them on world194):

* :class:`Patches` builds three shocks per (barrier, elasticities): the stay-out split and
  two templates in which *every* state joins West (or East). State ``s`` joining West is
  the stay-out shock with row and column ``s`` taken from the West template (in the
  template every other state is in West too, and the scenario's components leave pairs of
  states untouched either way). The patched shocks of the first and last state are checked
  cell by cell against the scenario's own shock (:meth:`Patches.verify`); the test suite
  checks every state.
* The baseline is prepared once (every cost hat is finite, so no route closes and no good
  loses its suppliers: :func:`autarky.solve.prepare` would return the same Economy for
  every row).
* :func:`solve_rows` solves rows with :func:`autarky.model.solver.solve_hat`, each warm-started
  from the stay-out equilibrium (or, along a state's penalty path, from the previous
  step's equilibrium of that state): the same fixed point to the solver's tolerance.
  The rows are given to the solver as :class:`~autarky.model.patched.RowShocks` (the
  stay-out shock and each row's one country's row and column), so the solver builds the
  stay-out shock's route arrays once and each row adds its own row and column
  (:mod:`autarky.model.patched`); rows go in array programs of :data:`CHUNK` rows
  (:data:`CHUNK_IO` with input-output links; ``benchmarks/bench_bloc_claims.py``).

Nothing here changes a number beyond the solver's tolerance (``tests/test_blocsolve.py``
compares with the plain path: :func:`autarky.sweep.sweep_scenarios` of each scenario).

Rows kept between runs (:func:`kept_key`, :func:`lookup_kept`, :func:`remember_kept`): the
numbers of a bloc-choice table and of each source of its range are kept as solved rows of
:mod:`autarky.data.calibrations` (the user's ``solved.json``; the package ships the default
runs' rows in ``embedded/solved.json``, ``scripts/build_calibrations.py``). Their key holds
the world's checksum, the calibrated barrier, the elasticities, the options, the states,
the integration effect, the numerics fingerprint of the code and a hash of this module and
the presets' (the rows' scenarios): the same inputs and code give the same numbers, so a
kept row is used as it is; any change to them solves the rows again.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from autarky import presets
from autarky.errors import ScenarioError, ScenarioWarning
from autarky.model import equations as eq
from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import SolveOptions
from autarky.model.patched import RowShocks
from autarky.model.solver import solve_hat
from autarky.scenario import BlocSplit, Scenario
from autarky.scenario.integration import BorderRemoval, bind_theta
from autarky.solve import Batch, prepare, solve_arrays, to_shock
from autarky.world import World

__all__ = ["CHUNK", "CHUNK_IO", "Patches", "Rows", "barrier", "baseline", "choice_rows", "kept_key",
           "lookup_kept", "remember_kept", "solve_rows", "solve_table", "start_of",
           "theta_hash"]

CHUNK = 32
"""Rows per array program without input-output links. The rows share the stay-out shock's
arrays (:class:`~autarky.model.patched.RowShocks`), so a row costs its own country's row
and column plus its share of one matrix-matrix product; world194: 32 rows at once about
1.3x faster than 8, all 280 at once no faster than 32."""
CHUNK_IO = 24
"""Rows per array program with input-output links (icio2023: the stay-out row and both
options' joins of 8 states at once; one at a time the shared arrays do not pay)."""

PENALTY_TEMPLATE = 2.0
"""The penalty of the template that marks which cells a stay-out penalty sets."""


def _bound(scn: Scenario, theta: np.ndarray) -> Scenario:
    return bind_theta(scn, theta)  # type: ignore[return-value]


class Patches:
    """Shocks of every bloc-choice row for one barrier and one elasticity vector.

    Parameters
    ----------
    world : World
    states : sequence of str
        The swing states (present in ``world``).
    hat : float
        The between-bloc barrier.
    theta : ndarray (J,)
        The elasticities gravity effects are converted with.
    integration : float or None
        As in :func:`autarky.presets.bloc_choice_scenarios`.
    """

    def __init__(self, world: World, states: Sequence[str], hat: float, theta: np.ndarray,
                 integration: float | None) -> None:
        self.world, self.states, self.hat = world, list(states), float(hat)
        self.theta, self.integration = np.asarray(theta, float), integration
        self.pos = np.array([world.countries.index(s) for s in self.states])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            self.out = to_shock(world, self._single(self.states[0])[presets.OPTIONS[2]],
                                self.theta)
            self.templates = [to_shock(world, self._all_join(k), self.theta).tau_hat
                              for k in (0, 1)]
        self._cells: np.ndarray | None = None

    @property
    def _penalty_cells(self) -> np.ndarray:
        """The cells a stay-out penalty sets (from a template, built on first use)."""
        if self._cells is None:
            pen = Scenario(self._out_components() + (BlocSplit(
                (tuple(self.states), (presets.BLOC_A, presets.BLOC_B)), PENALTY_TEMPLATE),))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ScenarioWarning)
                self._cells = to_shock(self.world, pen, self.theta).tau_hat != self.out.tau_hat
        return self._cells

    def _single(self, state: str) -> dict[str, Scenario]:
        return presets.bloc_choice_scenarios(state, self.hat, self.integration)

    def _out_components(self) -> tuple[Any, ...]:
        return (BlocSplit(((presets.BLOC_A,), (presets.BLOC_B,)), self.hat,
                          names=presets.BLOC_NAMES),)

    def _all_join(self, option: int) -> Scenario:
        """Every state joins bloc ``option`` (0 West, 1 East), as each would alone."""
        blocs: list[tuple[str, ...]] = [(presets.BLOC_A,), (presets.BLOC_B,)]
        blocs[option] = blocs[option] + tuple(self.states)
        comps: tuple[Any, ...] = (BlocSplit(tuple(blocs), self.hat, names=presets.BLOC_NAMES),)
        one = self._single(self.states[0])[presets.OPTIONS[option]]
        extra = [c for c in one.components if isinstance(c, BorderRemoval)]
        if extra:  # the bloc's internal integration, between each state and the bloc
            comps += (replace(extra[0], members=tuple(self.states), name="states join"),)
        return _bound(Scenario(comps), self.theta)

    def join(self, option: int, rows: np.ndarray) -> RowShocks:
        """tau_hat (len(rows), N, N, J) of states ``rows`` joining West (0) or East (1).

        As :class:`~autarky.model.patched.RowShocks`: the stay-out shock with each state's
        row and column from the template (``.dense()`` is the array).
        """
        tpl, who = self.templates[option], self.pos[np.asarray(rows)]
        return RowShocks(self.out.tau_hat, who, tpl[who], np.swapaxes(tpl[:, who], 0, 1))

    def table_rows(self, rows: np.ndarray) -> RowShocks:
        """A table's rows: 0 stays out, ``1..S`` state ``r - 1`` joins West, then East."""
        S, out = len(self.states), self.out.tau_hat
        rows = np.asarray(rows)
        who = self.pos[np.maximum(rows - 1, 0) % S]
        pick = [(rows == 0)[:, None, None], ((rows >= 1) & (rows <= S))[:, None, None]]
        west, east = self.templates
        return RowShocks(out, who, np.select(pick, [out[who], west[who]], east[who]),
                         np.swapaxes(np.select([p.swapaxes(0, 1) for p in pick],
                                               [out[:, who], west[:, who]], east[:, who]),
                                     0, 1))

    def penalised(self, rows: np.ndarray, penalty: np.ndarray) -> RowShocks:
        """tau_hat of states ``rows`` staying out with both blocs' trade costs x ``penalty``."""
        out, cells, who = self.out.tau_hat, self._penalty_cells, self.pos[np.asarray(rows)]
        p = np.asarray(penalty, float)[:, None, None]
        return RowShocks(out, who, np.where(cells[who], p, out[who]),
                         np.swapaxes(np.where(cells[:, who], p[:, :, 0],
                                              out[:, who]), 0, 1))

    def stay_out(self) -> RowShocks:
        """The stay-out shock as one row of :class:`~autarky.model.patched.RowShocks`."""
        out, who = self.out.tau_hat, self.pos[:1]
        return RowShocks(out, who, out[who], np.swapaxes(out[:, who], 0, 1))

    def penalty_scenario(self, k: int, penalty: float) -> Scenario:
        """The scenario :meth:`penalised` patches: state ``k`` out, both blocs' costs x p."""
        return Scenario(self._out_components() + (BlocSplit(
            ((self.states[k],), (presets.BLOC_A, presets.BLOC_B)), float(penalty)),))

    def verify(self, rows: Sequence[int] | None = None) -> bool:
        """Patched shocks equal the scenarios' own (tariffs and trade costs, every cell).

        Checks states ``rows`` (default the first and the last): both joins and a penalty.
        """
        ks = sorted({0, len(self.states) - 1}) if rows is None else list(rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            for k in ks:
                single = self._single(self.states[k])
                for option in (0, 1):
                    own = to_shock(self.world, _bound(single[presets.OPTIONS[option]],
                                                      self.theta), self.theta)
                    if not (np.array_equal(own.tariffs, self.out.tariffs)
                            and np.array_equal(own.tau_hat,
                                               self.join(option, np.array([k])).dense()[0])):
                        return False
                own = to_shock(self.world, self.penalty_scenario(k, 1.7), self.theta)
                if not (np.array_equal(own.tariffs, self.out.tariffs) and np.array_equal(
                        own.tau_hat,
                        self.penalised(np.array([k]), np.array([1.7])).dense()[0])):
                    return False
        return True


@dataclass(frozen=True, eq=False)
class Rows:
    """Solved rows: welfare (B, N) in percent, converged (B,), the equilibria (warm starts)."""

    welfare: np.ndarray
    converged: np.ndarray
    solution: Equilibrium | None


def baseline(world: World, patches: Patches, options: SolveOptions) -> Economy:
    """The Economy every row is solved from (prepared once, for the stay-out shock)."""
    return prepare(world, patches.out, options, [])[1]


_NONE = np.empty(0)


def _take(sol: Equilibrium, rows: np.ndarray | slice) -> Equilibrium:
    return replace(sol, w_hat=sol.w_hat[rows], log_P=sol.log_P[rows], X=sol.X[rows])


def solve_rows(econ: Economy, tariffs: np.ndarray,
               shocks: Callable[[np.ndarray], RowShocks | np.ndarray], count: int,
               theta: np.ndarray, options: SolveOptions, start: Equilibrium | None = None,
               keep: bool = False) -> Rows:
    """Solve ``count`` rows of one baseline and one elasticity vector.

    ``tariffs`` (N, N, J) are shared; ``shocks(rows)`` gives the tau_hat
    (len(rows), N, N, J) of rows ``rows``, built per chunk (memory: one chunk of shocks).

    ``start``: one equilibrium for every row, or one per row (``count`` members); ignored
    with deficits "zero" (rows then go through :func:`autarky.solve.solve_arrays`, which
    removes the deficits first, as every other path does). ``keep``: return the
    equilibria (warm starts along a path). Welfare and convergence as
    :func:`autarky.solve.solve_arrays`.
    """
    theta = np.asarray(theta, float)
    chunk = CHUNK_IO if econ.io is not None else CHUNK
    W = np.full((count, econ.shape[0]), np.nan)
    conv = np.zeros(count, dtype=bool)
    parts: list[Equilibrium] = []
    per_row = start is not None and start.w_hat.shape[0] == count and count > 1
    memory = options.memory if options.method == "anderson" else 0
    for lo in range(0, count, chunk):
        rows = np.arange(lo, min(count, lo + chunk))
        H = shocks(rows)
        T = np.broadcast_to(tariffs, H.shape)
        finite = H.all_finite() if isinstance(H, RowShocks) else np.all(np.isfinite(H))
        if options.deficits == "zero" or not finite:
            H = H.dense() if isinstance(H, RowShocks) else H
            got = solve_arrays(Batch(econ, T, H, np.broadcast_to(theta, (len(rows),
                                                                         theta.shape[-1])),
                                     options, lanes=1 if econ.io is not None else None))
            W[rows], conv[rows] = got.welfare, got.converged
            keep = False
            continue
        st = _take(start, rows) if per_row and start is not None else start
        sol = solve_hat(econ, T, H, theta, deficits=options.deficits, tol=options.tol,
                        max_iter=options.max_iter, memory=memory, method=options.method,
                        start=st, shares=False)
        w = 100.0 * (eq.welfare(sol.income, econ.income, sol.log_P, econ.alpha) - 1.0)
        W[rows] = w
        conv[rows] = sol.converged & np.all(np.isfinite(w), axis=1)
        if keep:
            # a warm start needs wages, prices and expenditure only: trade shares and
            # output (B x N x N x J) are not kept
            parts.append(replace(sol, pi=_NONE, Y=_NONE, residuals={}))
    solution = None
    if keep and parts:
        solution = Equilibrium.stacked(parts)
    return Rows(W, conv, solution)


def solve_table(patches: Patches, econ: Economy, options: SolveOptions,
                near: tuple[Rows, Rows, Rows] | None = None,
                out_start: Equilibrium | None = None) -> tuple[Rows, Rows, Rows]:
    """Stay out (one row), every state joining West, every state joining East.

    The joins start from the stay-out equilibrium; with ``near`` (the same rows solved
    under other elasticities or another barrier, e.g. the previous source of a range),
    from ``near``'s own rows. ``out_start``: an equilibrium at (or near) this stay-out
    shock, e.g. the calibration's solve of the barrier: the stay-out row starts there and
    each join from it moved by that join's change from the stay-out in ``near`` (log
    wages and prices, expenditure ratios), all rows in one program. Warm starts change
    the path, not the fixed point. Without either: the stay-out row first, then the joins
    from it.
    """
    T, th, S = patches.out.tariffs, patches.theta, len(patches.states)
    sols = [] if near is None else [r.solution for r in near]
    have = [x for x in sols if x is not None]
    start: Equilibrium | None = None
    if out_start is not None and len(have) == 3:
        start = Equilibrium.stacked([out_start, _moved(out_start, have[0], have[1]),
                        _moved(out_start, have[0], have[2])])
    elif out_start is not None:
        start = out_start
    elif len(have) == 3:
        start = Equilibrium.stacked(have)
    if start is not None:
        # the stay-out row and both options' joins in one program
        rows = solve_rows(econ, T, patches.table_rows, 1 + 2 * S, th, options, start=start,
                          keep=True)
        return (_part(rows, slice(0, 1)), _part(rows, slice(1, 1 + S)),
                _part(rows, slice(1 + S, 1 + 2 * S)))
    out = solve_rows(econ, T, lambda rows: patches.stay_out(), 1, th, options, keep=True)
    # both options' joins in one set of rows (row r < S: state r joins West; else East)
    both = solve_rows(econ, T, lambda rows: patches.table_rows(rows + 1), 2 * S, th, options,
                      start=out.solution, keep=True)
    return out, _part(both, slice(0, S)), _part(both, slice(S, 2 * S))


def _part(r: Rows, rows: slice) -> Rows:
    """Rows ``rows`` of ``r``."""
    sol = None if r.solution is None else _take(r.solution, rows)
    return Rows(r.welfare[rows], r.converged[rows], sol)


def _moved(out: Equilibrium, near_out: Equilibrium, near: Equilibrium) -> Equilibrium:
    """``out`` moved by each row's change in ``near`` from ``near_out`` (one per row)."""
    return replace(out, w_hat=out.w_hat * (near.w_hat / near_out.w_hat),
                   log_P=out.log_P + (near.log_P - near_out.log_P),
                   X=out.X * (near.X / near_out.X))


def start_of(result: Any) -> Equilibrium | None:
    """A warm start (wages, prices, expenditure) from a solved Result, None if unconverged."""
    if result is None or not result.converged or result.X is None or result.w_hat.ndim != 1:
        return None
    one = np.ones(1, dtype=bool)
    return Equilibrium(w_hat=result.w_hat[None], log_P=result.log_P[None], pi=_NONE,
                       X=result.X[None], Y=_NONE, income=result.income_new[None],
                       deficit=result.deficit_new[None], converged=one, iterations=0)


def choice_rows(world: World, present: list[str], pos: np.ndarray, hat: float,
                theta: np.ndarray, integration: float | None, opts: SolveOptions,
                G: np.ndarray, steps: int, tol: float,
                progress: Callable[[int, int], None] | None, total: int,
                penalty_max: float, out_start: Equilibrium | None = None,
                ) -> tuple[np.ndarray, ...]:
    """The solves of :func:`autarky.run.bloc_choice` after its calibration (see there).

    ``out_start``: the calibration's equilibrium at the barrier (the stay-out shock), a
    warm start of the table (:func:`solve_table`).

    Returns each state's welfare joining West, joining East and staying out ((S,) each),
    the group aggregates (``welfare @ G``) of the joins ((S, g) each) and of staying out
    ((g,)), and the break-even penalties ((S,)).
    """
    S = len(present)
    done = 0
    # every row is the stay-out split patched in one state's row and column, solved from
    # one baseline with warm starts (autarky.blocsolve); the same numbers as solving each
    # scenario on its own (sweep_scenarios) to the solver's tolerance
    patches = Patches(world, present, hat, theta, integration)
    if not patches.verify():  # pragma: no cover - the components changed meaning
        raise ScenarioError("bloc-choice: the patched shocks differ from the scenarios' own; "
                            "autarky.blocsolve needs updating")
    econ = baseline(world, patches, opts)

    def checked(r: Rows) -> Rows:
        nonlocal done
        if not np.all(r.converged):
            raise ScenarioError(f"bloc-choice on {world.name}: {int((~r.converged).sum())} "
                                "of the batched solves did not converge")
        done += len(r.converged)
        if progress:
            progress(done, total)
        return r

    out_r, west_r, east_r = (checked(r) for r in solve_table(patches, econ, opts,
                                                             out_start=out_start))
    w_west, w_east, w_out = west_r.welfare, east_r.welfare, out_r.welfare[0]
    best = np.maximum(w_west[np.arange(S), pos], w_east[np.arange(S), pos])
    last: dict[int, Any] = {}  # each state's latest penalised equilibrium (warm starts)

    def penalised(p: np.ndarray, who: np.ndarray) -> np.ndarray:
        start = None
        if out_r.solution is not None:  # none with deficits "zero": cold starts
            start = Equilibrium.stacked([last.get(int(k), out_r.solution) for k in who])
        r = checked(solve_rows(econ, patches.out.tariffs,
                               lambda rows: patches.penalised(who[rows], p[rows]),
                               len(who), theta, opts, start=start, keep=True))
        if r.solution is not None:
            for i, k in enumerate(who):
                last[int(k)] = r.solution.member(i)
        return r.welfare[np.arange(len(who)), pos[who]]

    gap0 = w_out[pos] - best  # > 0: staying out beats joining without a penalty
    even = np.where(gap0 <= 0, 1.0, np.nan)
    todo = np.flatnonzero(gap0 > 0)
    if len(todo):
        # the gap (out minus best join, pp) falls with the log penalty: bracket it on
        # [0, log PENALTY_MAX], then Illinois false-position steps for every state at once
        a = np.zeros(len(todo))
        fa = gap0[todo]
        b = np.full(len(todo), np.log(penalty_max))
        fb = penalised(np.exp(b), todo) - best[todo]
        found = fb < 0
        a, fa, b, fb, todo = a[found], fa[found], b[found], fb[found], todo[found]
        side = np.zeros(len(todo), dtype=int)
        for _ in range(steps):
            if not len(todo):
                break
            c = b - fb * (b - a) / (fb - fa)
            fc = penalised(np.exp(c), todo) - best[todo]
            left = fc > 0  # root between c and b
            a_new = np.where(left, c, a)
            fa_new = np.where(left, fc, fa)
            b_new = np.where(left, b, c)
            fb_new = np.where(left, fb, fc)
            # Illinois: halve the stale end's value when the same end is kept twice
            fb_new = np.where(left & (side == 1), fb_new / 2, fb_new)
            fa_new = np.where(~left & (side == -1), fa_new / 2, fa_new)
            side = np.where(left, 1, -1)
            a, fa, b, fb = a_new, fa_new, b_new, fb_new
            done_ = np.abs(fc) < tol
            even[todo[done_]] = np.exp(c[done_])
            keep = ~done_
            a, fa, b, fb, side, todo = (a[keep], fa[keep], b[keep], fb[keep], side[keep],
                                        todo[keep])
        even[todo] = np.exp(0.5 * (a + b))  # not within tol after ``steps``: mid-bracket
    agg_w, agg_e, agg_o = w_west @ G, w_east @ G, w_out @ G
    return (w_west[np.arange(S), pos], w_east[np.arange(S), pos], w_out[pos], agg_w, agg_e,
            agg_o, even)


# ------------------------------------------------------------ rows kept between runs
@functools.lru_cache(maxsize=1)
def _code() -> str:
    """Hash of the code that defines the rows beyond the numerics fingerprint's files."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("blocsolve.py", "presets.py", "presets_eurasia.py"):
        h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return h.hexdigest()[:16]


def theta_hash(theta: np.ndarray) -> str:
    """A short hash of an elasticity vector (part of a :func:`kept_key`)."""
    return hashlib.sha256(np.ascontiguousarray(theta, dtype=float).tobytes()).hexdigest()[:32]


def barrier(hat: float) -> str:
    """A barrier as a key part: its 12 significant digits.

    The same barrier found again may differ in its last bits (``exp(log(h))``); a relative
    1e-12 moves no welfare number beyond 1e-8 pp.
    """
    return f"{float(hat):.12g}"


def kept_key(checksum: str, *parts: object) -> str:
    """The solved-row key of bloc-choice numbers: world checksum, ``parts`` and the code."""
    from autarky.data import calibrations

    return calibrations.solved_key(calibrations.key(
        "bloc-choice rows", checksum, _code(), *(repr(p) for p in parts)))


def lookup_kept(keys: Sequence[str], size: int) -> dict[str, np.ndarray]:
    """Kept numbers (``size`` floats) for ``keys``; keys without them are left out."""
    from autarky.data import calibrations

    found = calibrations.lookup_solved(list(keys))
    out = {}
    for k, row in found.items():
        v = np.asarray(row["welfare"], float)
        if v.shape == (size,):
            out[k] = v
    return out


def remember_kept(items: dict[str, tuple[float, float, np.ndarray]]) -> None:
    """Keep numbers per key: ``(barrier, calibrated trade change %, values)``."""
    from autarky.data import calibrations

    if items:
        calibrations.remember_solved({
            k: {"hat": float(h), "change": float(c), "welfare": [float(x) for x in v]}
            for k, (h, c, v) in items.items()})
