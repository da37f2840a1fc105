"""Fixed-point engine for the Caliendo-Parro (2015) equilibrium in changes.

Structure (nested, each level accelerated with Anderson mixing):

* outer: log wages ``u = log w^`` (N unknowns per batch member). The map
  (:meth:`WageMap.__call__`) is a damped, diagonal-Newton update on the labour-market
  residual ``e_n = log(sum_j gamma_nj Y'_nj) - log(w^_n w_n L_n)`` with per-country step
  ``1 / (1 + theta_eff_n)``, followed by the numeraire (world value added unchanged);
* inner 1: sectoral prices, ``log P = price(unit_cost(u, log P))`` (a contraction with
  modulus below the largest input share; a single evaluation without IO links);
* inner 2: expenditure ``X'`` given prices and wages (the linear fixed point of
  :func:`autarky.model.equations.expenditure_step`, CP eq. 13; closed form without IO
  links), warm-started from the previous outer step.

The outer iteration is looked up by name in :data:`SOLVERS` (``SolveOptions.method``): a
function ``(g, x0, tol=, max_iter=, memory=, norm=) -> (x, f, iterations, history)`` that
finds a fixed point of the wage map ``g``. A Newton step or a best-response loop over
countries plugs in there, with :class:`WageMap` giving it the residual ``e`` at any ``u``.

Every array carries a leading batch dimension ``B`` (elasticity draws solved as one array
program); a single solve is ``B = 1``. Money is normalised so that world value added is 1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

import numpy as np

from autarky.model import equations as eq
from autarky.model import kept
from autarky.model import levels as lv
from autarky.model import patched as pt
from autarky.model.anderson import Norm, anderson, fixed_point
from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import Deficits
from autarky.model.residuals import equilibrium_residuals, member_residuals
from autarky.model.threads import single_blas_thread

__all__ = [
    "CHECK_FACTOR",
    "SOLVERS",
    "Economy",
    "Equilibrium",
    "OuterSolver",
    "WageMap",
    "anderson",
    "closed_countries",
    "equilibrium_residuals",
    "fixed_point",
    "levels_apply",
    "member_residuals",
    "open_foreign_routes",
    "solve_from",
    "solve_hat",
    "unavailable_goods",
]

log = logging.getLogger(__name__)


class OuterSolver(Protocol):
    """A fixed-point finder for the wage map (an entry of :data:`SOLVERS`)."""

    def __call__(self, g: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *,
                 tol: float, max_iter: int, memory: int = 6, norm: Norm | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, int, list[float]]:
        """Return ``(x, g(x) - x, iterations, history of the largest residual)``."""
        ...


SOLVERS: dict[str, OuterSolver] = {"anderson": anderson, "fixed-point": fixed_point}
"""Outer solvers by name (``SolveOptions.method``); register a new one here."""


def unavailable_goods(econ: Economy, tau_hat: np.ndarray) -> np.ndarray:
    """Mask (..., N, J) of goods that no open route can supply after the shock."""
    open_ = np.isfinite(tau_hat) & (econ.pi > 0)
    return ~open_.any(axis=-2)


def open_foreign_routes(econ: Economy, tau_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks (..., N): countries with some open import route, with some open export route.

    ``tau_hat`` may carry leading batch dimensions (one shock per batch member).
    """
    open_ = np.isfinite(tau_hat) & (econ.pi > 0)
    off = ~np.eye(open_.shape[-2], dtype=bool)[:, :, None]
    foreign = open_ & off
    return foreign.any(axis=(-2, -1)), foreign.any(axis=(-3, -1))


def closed_countries(econ: Economy, tau_hat: np.ndarray) -> np.ndarray:
    """Mask (N,) of countries left with no open international route, in or out."""
    imports, exports = open_foreign_routes(econ, tau_hat)
    return ~(imports | exports)


def _deficit(rule: Deficits, econ: Economy, w: np.ndarray,
             closed: np.ndarray) -> np.ndarray:
    """Counterfactual deficits D'_n.

    ``fixed``: D_n; ``zero``: 0; ``proportional``: w^_n D_n. A country with no open route
    cannot run a deficit: its D' is 0, and whatever that removes from the world sum is
    shared by the open countries in proportion to their value added (so sum D' = 0).
    """
    if rule == "zero":
        return np.zeros_like(w)
    d = np.broadcast_to(econ.deficit, w.shape) if rule == "fixed" else w * econ.deficit
    va = w * econ.va
    if closed.any():
        d = np.where(closed, 0.0, d)
        va = np.where(closed, 0.0, va)
    if rule == "fixed" and not closed.any():
        return d
    total = va.sum(axis=-1, keepdims=True)
    return d - va / np.where(total > 0, total, 1.0) * d.sum(axis=-1, keepdims=True)


INNER_CAP = 1e-4
"""Loosest tolerance of the inner price and spending solves (while the outer residual is
large); they tighten with it (:data:`INNER_FACTOR`) down to ``INNER_FLOOR * tol``, and the
last outer evaluation is redone with inner solves at that floor if it was looser."""
INNER_FLOOR = 0.1
"""Tightest inner tolerance as a fraction of ``tol`` (0.01 before the inner solves were
preconditioned): the final check (:meth:`WageMap.residuals`, every equation recomputed
from the solution, each at most ``CHECK_FACTOR * tol``) decides convergence either way;
at 0.1 the last outer step of a bloc-choice solve is already at the floor, so no outer
evaluation is redone (at 0.01 and ``INNER_FACTOR`` 1e-2 the 18 solves of an icio2023
bloc-choice run redid 19)."""
INNER_MEMORY = 3
"""Anderson memory of the inner price and spending solves of a batch of draws (with
:mod:`~autarky.model.levels`); single solves use the outer memory."""
INNER_FACTOR = 1e-2
"""Inner tolerance = ``INNER_FACTOR`` x the largest labour-market residual (within
``[INNER_FLOOR * tol, INNER_CAP]``): prices in log points, expenditure relative to each
country's value added. 1e-2 (1e-3 before the inner solves were preconditioned and started from the
outer step's mixture of past states, :meth:`WageMap._pre`, :meth:`WageMap.carried`): on
bloc-choice's icio2023 solves 12% fewer inner evaluations than 3e-3 for 3% more outer
steps; a two-blocs solve and a strong shock (x3 on every foreign route of icio2023) as
many outer steps."""


class WageMap:
    """The outer map ``u -> u'`` of one shock, with its nested price and spending solves.

    Holds what is fixed during a solve, built once in the solver's layout: the cost weights
    ``A[b, j, n, i]`` (sector-major, for batched BLAS products), ``1 / (1 + t')`` in the
    same layout, steps and masks; the warm starts of the inner solves; and one reused
    fixed array ``A / (1 + t')``. Trade shares are carried as the scaled costs
    ``e`` and sums ``S`` of :func:`~autarky.model.equations.price_index_fast` and turned
    into an ``(B, N, N, J)`` array only once, for the solution. After each call,
    :attr:`state` has the prices, ``e`` and ``S``, expenditure, output, deficits and the
    labour-market residual ``e`` at the last ``u``.

    Parameters
    ----------
    econ, tariffs_new, tau_hat, theta, deficits, tol, memory
        As in :func:`solve_hat`.
    """

    def __init__(self, econ: Economy, tariffs_new: np.ndarray,
                 tau_hat: np.ndarray | pt.RowShocks, theta: np.ndarray, *,
                 deficits: Deficits, tol: float, memory: int) -> None:
        self.econ = econ
        self.theta = theta
        self.deficits: Deficits = deficits
        self.memory = memory
        self.tariffs_new = tariffs_new
        B, (N, J) = theta.shape[0], econ.shape
        self.dims = (B, N, J)
        # everything over routes in the sector-major layout [b, j, n, i], built once:
        # log k^ and the open routes' weights (eq.log_trade_cost), the cost weights A
        # (eq.cost_weights) and A / (1 + t') (_dense), or the patched form
        self._A: np.ndarray | None = None
        self._A_net: np.ndarray | None = None
        self.clipped = False
        self._natural: tuple[np.ndarray, np.ndarray] | None = None
        # shocks that differ from a reference in one country's row and column each: the
        # reference's arrays, built once, and each row's row and column (model/patched.py)
        self.levels: lv.Levels | pt.Patched | None = None
        if isinstance(tau_hat, pt.RowShocks):
            self.levels = pt.patched(econ, tariffs_new, tau_hat, theta, _routes)
        self.tau_hat = tau_hat
        if isinstance(self.levels, pt.Patched):
            self.closed, self.inv_tn = self.levels.ref.closed, self.levels.ref.inv_tn
        elif isinstance(tau_hat, pt.RowShocks):  # does not apply: every row's arrays
            self.tau_hat = th = tau_hat.dense()
            self.tariffs_new = np.broadcast_to(tariffs_new, th.shape)
            self._dense(econ, self.tariffs_new, th, theta)
        else:
            self._dense(econ, tariffs_new, tau_hat, theta)
        self.neg_theta = -theta[:, :, None]  # (B, J, 1)
        self._pi: tuple[np.ndarray, np.ndarray] | None = None  # (natural, sector-major)
        self.step = self._step(econ, theta)
        self.world_va = float(np.sum(econ.va))
        # inexact inner solves: tolerance follows the outer residual (INNER_CAP at most)
        self.tol = tol
        self.inner_floor = max(tol * INNER_FLOOR, 1e-14)
        self.inner_tol = INNER_CAP
        self.inner_used = self.inner_tol
        self.inner_evaluations = 0
        self.state: dict[str, np.ndarray] = {
            "log_P": np.zeros((B, N, J)),
            "X": np.broadcast_to(econ.X, (B, N, J)).copy(),
        }
        # the inner solves' preconditioner (_pre): M_n transposed (contiguous) and M_n
        M = econ.domestic_inputs_inverse
        self._inverse = None if M is None else (
            np.ascontiguousarray(np.swapaxes(M, -1, -2)), M)
        # the spending solve's norm: |change| / the country's value added, per cell
        inv_va = np.divide(1.0, econ.va, out=np.zeros(N), where=econ.va > 0)
        self._x_weight = np.repeat(inv_va, J)
        # the inner solves of a batch of draws mix fewer past steps: as few evaluations
        # (benchmarks/bench_montecarlo.py), half the history streamed per iteration
        self.inner_memory = (min(memory, INNER_MEMORY) if self.levels is not None
                             else memory)
        self._full: tuple[np.ndarray, dict[str, np.ndarray], tuple[Any, ...]] | None = None

    def _dense(self, econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
               theta: np.ndarray) -> None:
        """The route arrays of every row (or levels of one shock's draws), built here."""
        log_kappa, weight, open_, inv_tn = _routes(econ, tariffs_new, tau_hat)[3:]
        # many draws of one shock with few distinct cost changes: A as draw-independent
        # matrices per level, one matrix-matrix product for all rows (model/levels.py)
        self.levels = lv.levels(log_kappa, weight, inv_tn, theta)
        if self.levels is None and not log_kappa.any():  # no change: A = the weights
            self._A = np.broadcast_to(weight, (theta.shape[0], *weight.shape[-3:]))
            self._A_net = self._A * inv_tn
        elif self.levels is None:
            expo = -theta[:, :, None, None] * log_kappa
            # exponents beyond +-700 are clipped: A is then not exact, and the final check
            # recomputes prices with the exact log-sum-exp instead (residuals())
            self.clipped = bool(expo.size) and bool(np.max(np.abs(expo)) > 700.0)
            if self.clipped:
                np.clip(expo, -700.0, 700.0, out=expo)
            # A = weight exp(expo) (B, J, N, N), in place: closed routes have weight 0 and
            # a finite exp (clipped), so they are 0 as np.where(weight > 0, ...) gave
            A = np.exp(expo, out=expo)
            A *= weight
            self._A = A
            self._A_net = A * inv_tn
        # natural-layout views, for the exact fallback of eq.price_index_fast
        self._natural = (np.moveaxis(log_kappa, -3, -1), np.moveaxis(weight, -3, -1))
        self.closed = _closed(open_)
        self.inv_tn = inv_tn

    def natural(self) -> tuple[np.ndarray, np.ndarray]:
        """``log k^`` and open routes' weights ``[b, n, i, j]`` (built on first use if patched)."""
        if self._natural is None:
            th = self.tau_hat.dense() if isinstance(self.tau_hat, pt.RowShocks) \
                else self.tau_hat
            lk, w = _routes(self.econ, np.broadcast_to(self.tariffs_new, th.shape), th)[3:5]
            self._natural = (np.moveaxis(lk, -3, -1), np.moveaxis(w, -3, -1))
        lk, w = self._natural
        if lk.ndim == 4 and self._full is not None:
            return lk[self._full[0]], w[self._full[0]]
        return lk, w

    @property
    def keep(self) -> Callable[[np.ndarray | None], None] | None:
        """Rows of a batch of draws leave the outer iteration once converged (:meth:`_keep`).

        None for dense arrays. A property, not an attribute holding the bound method: that
        would be a reference cycle keeping the map's arrays until the collector runs.
        """
        return self._keep if self.levels is not None else None

    def _keep(self, mask: np.ndarray | None) -> None:
        """Iterate on the rows where ``mask`` is True only; ``None``: every row again.

        The outer solver calls it when some rows of a batch have converged (their state,
        from the evaluation at their accepted point, is set aside), so that the rest
        iterate without them; it calls ``keep(None)`` before it returns, which puts the
        set-aside rows back in batch order. Only with :mod:`~autarky.model.levels` (one
        shock, draw-independent matrices): the per-row arrays are then small.
        """
        if self._full is None:  # first call: remember the whole batch
            if mask is None:
                return
            self._full = (np.arange(self.dims[0]), {},
                          (self.theta, self.neg_theta, self.step, self.levels, self.dims))
        rows, done, whole = self._full
        st = self.state
        self._A, self._pi = None, None  # built for the rows at hand only
        if mask is None:  # every row back, in batch order
            for k, v in st.items():
                done[k][rows] = v
            self.state = done
            self.theta, self.neg_theta, self.step, self.levels, self.dims = whole
            self._full = None
            return
        B = whole[4][0]
        for k, v in st.items():  # set aside the leaving rows' state
            if k not in done:
                done[k] = np.empty((B, *v.shape[1:]), dtype=v.dtype)
            done[k][rows[~mask]] = v[~mask]
        sel = rows[mask]
        self._full = (sel, done, whole)
        self.state = {k: v[mask] for k, v in st.items()}
        theta = whole[0][sel]
        assert self.levels is not None
        self.theta, self.neg_theta, self.step = theta, whole[1][sel], whole[2][sel]
        self.levels = whole[3].take(sel)
        self.dims = (len(sel), *whole[4][1:])

    @property
    def A(self) -> np.ndarray:
        """The cost weights ``A[b, j, n, i]`` as one array (built on first use with levels)."""
        if self._A is None:
            assert self.levels is not None
            self._A = self.levels.dense()
        return self._A

    def _sums(self, e: np.ndarray) -> np.ndarray:
        """``S[b, j, n] = sum_i A[b, j, n, i] e[b, j, i]``."""
        if self.levels is not None:
            return self.levels.sums(e)
        return np.matmul(self.A, e[..., None])[..., 0]

    def _sums_net(self, e: np.ndarray) -> np.ndarray:
        """``sum_i (A / (1 + t'))[b, j, n, i] e[b, j, i]``."""
        if self.levels is not None:
            return self.levels.sums_net(e)
        assert self._A_net is not None
        return np.matmul(self._A_net, e[..., None])[..., 0]

    def _net_left(self, x: np.ndarray) -> np.ndarray:
        """``sum_n x[b, j, n] (A / (1 + t'))[b, j, n, i]`` (B, J, N)."""
        if self.levels is not None:
            return self.levels.net_left(x)
        assert self._A_net is not None
        return np.matmul(x[..., None, :], self._A_net)[..., 0, :]

    @staticmethod
    def _step(econ: Economy, theta: np.ndarray) -> np.ndarray:
        """Per-country step: 1 / (1 + the trade-weighted elasticity of labour demand)."""
        theta_eff = np.einsum("bj,nj->bn", theta, econ.exposure) / econ.va
        return 1.0 / (1.0 + theta_eff)

    def _price(self, log_c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`~autarky.model.equations.price_index_fast` with this map's arrays."""
        y = self.neg_theta * np.swapaxes(log_c, -1, -2)  # (B, J, N)
        sft = np.max(y, axis=-1, keepdims=True)
        y -= sft
        e = np.exp(y, out=y)
        S = self._sums(e)  # (B, J, N)
        log_P = np.swapaxes((sft + np.log(S)) / self.neg_theta, -1, -2)
        if not S.min() > 0:  # underflow (extreme cost gaps): exact log-sum-exp there
            exact, _ = eq.price_index(log_c, *self.natural(), self.theta)
            log_P = np.where(np.swapaxes(S, -1, -2) > 0, log_P, exact)
        return log_P, e, S

    def _unit_cost(self, gu: np.ndarray, log_P: np.ndarray) -> np.ndarray:
        """:func:`~autarky.model.equations.unit_cost` given ``gamma * log w^`` (B, N, J)."""
        io = self.econ.io
        if io is None:
            return gu
        if log_P.shape[0] == 1:  # one row-vector product per country
            return gu + np.matmul(log_P[..., None, :], io)[..., 0, :]
        lp = np.moveaxis(log_P, -2, 0)  # (N, B, J): one (B x J) product per country
        return gu + np.moveaxis(np.matmul(lp, io), 0, -2)

    def _inputs(self, Y: np.ndarray) -> np.ndarray:
        """Intermediate demand ``sum_j io[n, k, j] Y'_nj`` (B, N, J)."""
        io, io_t = self.econ.io, self.econ.io_t
        assert io is not None and io_t is not None
        if Y.shape[0] == 1:
            return np.matmul(io, Y[..., None])[..., 0]
        return np.moveaxis(np.matmul(np.moveaxis(Y, -2, 0), io_t), 0, -2)

    def prices(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sectoral price indices at log wages ``u`` (CP eqs. 10-11), with ``e`` and ``S``.

        Trade shares (eq. 12) are ``A e / S`` (:meth:`shares`).
        """
        econ, (B, N, J) = self.econ, self.dims
        gu = econ.gamma * u[..., :, None]
        if econ.io is None:
            return self._price(gu)

        # the last evaluation: its point, its result and its residual before preconditioning
        last: list[Any] = [None, None, None]
        pre = self._pre

        def gP(p: np.ndarray) -> np.ndarray:
            got = self._price(self._unit_cost(gu, p.reshape(B, N, J)))
            raw = got[0].reshape(B, N * J) - p
            last[:] = [p, got, raw]
            return p + pre(raw, False)

        def stop(f: np.ndarray) -> np.ndarray:  # the price system's own residual
            return np.max(np.abs(last[2]), axis=-1)

        p, _, it, _ = anderson(gP, self.state["log_P"].reshape(B, N * J), tol=self.inner_tol,
                               max_iter=2000, memory=self.inner_memory, norm=stop)
        self.inner_evaluations += it + 1
        # prices, e and S of one evaluation at the accepted point, so that prices and shares
        # agree: anderson's last evaluation is at the point it returns (the same numbers as
        # evaluating there once more)
        if last[0] is p:
            got: tuple[np.ndarray, np.ndarray, np.ndarray] = last[1]
            return got
        return self._price(self._unit_cost(gu, p.reshape(B, N, J)))

    def shares(self, e: np.ndarray, S: np.ndarray) -> np.ndarray:
        """Trade shares ``pi'`` (B, N, N, J) from ``e`` and ``S`` (CP eq. 12), a new array."""
        pi_sm = eq.trade_shares_sm(self.A, e, S)
        pi = np.ascontiguousarray(np.moveaxis(pi_sm, -3, -1))
        self._pi = (pi, pi_sm)
        return pi

    def tax_share(self, e: np.ndarray, S: np.ndarray) -> np.ndarray:
        """``sum_i pi'_nik t'_nik / (1 + t'_nik)`` (B, N, J): one product with ``A / (1 + t')``."""
        net = self._sums_net(e) / S  # (B, J, N)
        return 1.0 - np.swapaxes(net, -1, -2)

    def output(self, e: np.ndarray, S: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Gross output ``Y'_ik = sum_n pi'_nik X'_nk / (1 + t'_nik)`` (B, N, J).

        With ``pi'_nik = A_kni e_ki / S_kn``: ``Y'_ik = e_ki sum_n (A / (1 + t'))_kni
        X'_nk / S_kn``, one row-vector product per sector on the fixed array (the shares
        themselves are never formed).
        """
        xs = np.swapaxes(X, -1, -2) / S  # (B, K, N)
        Y = self._net_left(xs)
        Y *= e
        return np.swapaxes(Y, -1, -2)

    def spending(self, e: np.ndarray, S: np.ndarray, tax_share: np.ndarray,
                 income_base: np.ndarray) -> np.ndarray:
        """Expenditure ``X'`` (CP eq. 13) given prices and income before tariffs.

        Prices as ``e`` and ``S``; ``tax_share`` the tariff share of spending.
        """
        econ, (B, N, J) = self.econ, self.dims
        if econ.io is None:  # closed form of eq. 13 without IO links
            income = income_base / (1.0 - np.sum(econ.alpha * tax_share, axis=-1))
            return econ.alpha * income[..., None]
        alpha = econ.alpha

        # the last evaluation: its point, its value and its residual before preconditioning
        last: list[Any] = [None, None, None]
        pre = self._pre

        def gX(x: np.ndarray) -> np.ndarray:
            X = x.reshape(B, N, J)
            Y = self.output(e, S, X)
            income = income_base + np.sum(X * tax_share, axis=-1)
            out = (self._inputs(Y) + alpha * income[..., None]).reshape(B, N * J)
            raw = out - x
            last[:] = [x, out, raw]
            return x + pre(raw, True)

        # to the inner tolerance relative to each country's value added, as the final
        # check measures the expenditure equation (residuals()), on the system's own
        # residual (before preconditioning)
        weight = self._x_weight

        def per_va(f: np.ndarray) -> np.ndarray:
            return np.max(np.abs(last[2]) * weight, axis=-1)

        xs, _, it, _ = anderson(gX, self.state["X"].reshape(B, N * J), tol=self.inner_tol,
                                max_iter=5000, memory=self.inner_memory, norm=per_va)
        self.inner_evaluations += it + 1
        # the map's value at the accepted point: anderson evaluated it there last
        if last[0] is not xs:
            gX(xs)
        return np.asarray(last[1]).reshape(B, N, J)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        """One outer step from log wages ``u`` (B, N); updates :attr:`state`."""
        econ = self.econ
        self.inner_used = self.inner_tol
        # the numeraire holds at every evaluated point (Anderson mixing of normalised
        # iterates does not keep it exactly): world value added unchanged
        u = u - np.log(np.sum(np.exp(u) * econ.va, axis=-1, keepdims=True) / self.world_va)
        lp, e_c, S = self.prices(u)
        w = np.exp(u)
        d_new = _deficit(self.deficits, econ, w, self.closed)
        tax_share = self.tax_share(e_c, S)
        X = self.spending(e_c, S, tax_share, w * econ.va + d_new)
        Y = self.output(e_c, S, X)
        va_new = eq.value_added(econ.gamma, Y)
        e = np.log(np.maximum(va_new, 1e-300)) - u - np.log(econ.va)
        self.state.update(log_P=lp, e_c=e_c, S=S, X=X, Y=Y, D=d_new, e=e, u=u,
                          tax_share=tax_share)
        self.inner_tol = float(min(INNER_CAP, max(self.inner_floor,
                                                  INNER_FACTOR * np.abs(e).max())))
        u_new = u + self.step * e
        # numeraire: world value added unchanged (its baseline sum is 1 up to rounding,
        # and up to the solver's tolerance after Economy.rebase)
        return u_new - np.log(np.sum(np.exp(u_new) * econ.va, axis=-1, keepdims=True)
                              / self.world_va)

    def _pre(self, raw: np.ndarray, spending: bool) -> np.ndarray:
        """An inner solve's residual ``(B, N J)`` times the preconditioner.

        Prices: ``M_n`` = :attr:`Economy.domestic_inputs_inverse` applied per country; the
        expenditure system's home part is the transpose (``X_nk <- sum_j io[n, k, j]
        pi_nnj X_nj``), so it gets ``M_n`` transposed. The inner step is then
        ``x + M (g(x) - x)`` (a Newton step with the home part of the Jacobian); without
        the matrices, ``g(x)`` as before.
        """
        if self._inverse is None:
            return raw
        B, N, J = self.dims
        r = raw.reshape(B, N, J)
        # out[b, n, :] = M_n r[b, n, :] (prices) or M_n^T r[b, n, :] (spending): a row
        # vector times M_n^T or M_n, one (B x J) product per country
        right = self._inverse[1 if spending else 0]
        if B == 1:
            out = np.matmul(r[..., None, :], right)[..., 0, :]
        else:
            out = np.moveaxis(np.matmul(np.moveaxis(r, -2, 0), right), 0, -2)
        return out.reshape(B, N * J)

    def carried(self) -> np.ndarray | None:
        """Prices and expenditure of the last evaluation, ``(B, 2 N J)`` (a new array).

        With input-output links these are the inner solves' warm starts, and the outer
        Anderson step mixes them as it mixes the wages (:func:`anderson`, :meth:`carry`);
        None without (prices and expenditure are then closed forms).
        """
        if self.econ.io is None:
            return None
        lp, X = self.state["log_P"], self.state["X"]
        B = lp.shape[0]
        return np.concatenate([lp.reshape(B, -1), X.reshape(B, -1)], axis=1)

    def carry(self, c: np.ndarray) -> None:
        """Start the next evaluation's inner solves from prices and expenditure ``c``.

        ``c`` as :meth:`carried` gives it; only the warm starts change (the inner solves
        converge from any start), so the map's value at a point is the same to their
        tolerance.
        """
        B, N, J = self.state["log_P"].shape
        self.state["log_P"] = c[:, :N * J].reshape(B, N, J)
        self.state["X"] = c[:, N * J:].reshape(B, N, J)

    def residual(self, f: np.ndarray | None = None) -> np.ndarray:
        """Largest labour-market residual per batch member at the last evaluated ``u``."""
        return np.max(np.abs(self.state["e"]), axis=-1)

    def refine(self, u: np.ndarray) -> float:
        """Re-evaluate at ``u`` with exact inner solves; the largest residual there."""
        self.inner_tol = self.inner_floor
        self(u)
        return float(np.max(self.residual()))

    def equilibrium(self, u: np.ndarray, iterations: int, history: list[float],
                    tol: float, shares: bool = True) -> Equilibrium:
        """The solution at ``u`` (the map's last evaluation must be at ``u``).

        ``shares=False``: ``pi`` is left empty, ``(B, 0, 0, 0)``.
        """
        st = self.state
        u = st.get("u", u)  # the point evaluated last, with the numeraire imposed
        revenue = np.sum(st["X"] * st["tax_share"], axis=-1)
        B = u.shape[0]
        pi = self.shares(st["e_c"], st["S"]) if shares else np.empty((B, 0, 0, 0))
        return Equilibrium(
            w_hat=np.exp(u), log_P=st["log_P"], pi=pi,
            X=st["X"], Y=st["Y"],
            income=np.exp(u) * self.econ.va + st["D"] + revenue, deficit=st["D"],
            converged=self.residual() <= tol, iterations=iterations, history=history,
            inner_evaluations=self.inner_evaluations,
        )

    def residuals(self, sol: Equilibrium) -> dict[str, np.ndarray]:
        """Every equilibrium residual per member at ``sol`` (:func:`member_residuals`).

        The same equations as :func:`member_residuals`, recomputed from ``sol``'s wages,
        prices, shares and expenditure with the arrays this map holds in the solver's
        layout (cost weights, ``1 / (1 + t')``) instead of rebuilding them.
        """
        if self.levels is not None:
            return self._residuals_levels(sol)
        econ, B = self.econ, self.dims[0]
        va = econ.va
        u = np.log(sol.w_hat)
        log_c = self._unit_cost(econ.gamma * u[..., :, None], sol.log_P)
        # the solution's shares in the layout [b, j, n, i] (kept from equilibrium())
        pi_sm = (self._pi[1] if self._pi is not None and self._pi[0] is sol.pi
                 else np.moveaxis(sol.pi, -1, -3))
        if self.clipped:  # A is clipped: the exact log-sum-exp (CP eqs. 11-12)
            lp, pi_exact = eq.price_index(log_c, *self.natural(), self.theta)
            shares_gap = np.moveaxis(pi_exact, -1, -3) - pi_sm
        else:
            lp, e_c, S = self._price(log_c)
            shares_gap = eq.trade_shares_sm(self.A, e_c, S)
            shares_gap -= pi_sm
        trade_shares = _worst(shares_gap, B)
        del shares_gap  # before M: one N x N x J array fewer at the check's peak
        M = pi_sm * self.inv_tn
        tax_share = 1.0 - np.swapaxes(M.sum(axis=-1), -1, -2)
        X = sol.X
        base = sol.w_hat * va + sol.deficit
        if econ.io is None:
            rhs = econ.alpha * (base / (1.0 - np.sum(econ.alpha * tax_share, axis=-1)))[
                ..., None]
        else:
            rhs = eq.expenditure_step_sm(X, M, tax_share, base, econ.alpha, econ.io)
        Y = eq.gross_output_sm(M, X)
        va_new = eq.value_added(econ.gamma, Y)
        # spending at producer prices: imports of n (home purchases included) minus exports
        # of n (home sales included); the home flows cancel
        imports = np.sum(X * (1.0 - tax_share), axis=-1)
        exports = np.sum(Y, axis=-1)
        return {
            "price_index": _worst(lp - sol.log_P, B),
            "trade_shares": trade_shares,
            "expenditure": _worst((rhs - X) / va[:, None], B),
            "labour_market": _worst((va_new - sol.w_hat * va) / va, B),
            "trade_balance": _worst((imports - exports - sol.deficit) / va, B),
            "numeraire": _worst((np.sum(sol.w_hat * va, axis=-1) - self.world_va)[:, None]
                                / self.world_va, B),
        }

    def _residuals_levels(self, sol: Equilibrium) -> dict[str, np.ndarray]:
        """:meth:`residuals` for a batch of draws with :mod:`~autarky.model.levels`.

        The same equations from the same solution, whose shares are ``A e / S`` with the
        ``e`` and ``S`` of its last evaluation (held in :attr:`state`): prices and shares
        are recomputed at its wages and prices and compared with them; spending, output
        and the tariff share of spending come from level products with that ``e`` and
        ``S`` instead of from the dense shares (same sums, another order), so the check
        needs no ``B x N x N x J`` array beyond the cost weights and the shares' gap.
        """
        econ, B = self.econ, self.dims[0]
        st = self.state
        va = econ.va
        u = np.log(sol.w_hat)
        log_c = self._unit_cost(econ.gamma * u[..., :, None], sol.log_P)
        lp, e_c, S = self._price(log_c)
        e0, S0 = st["e_c"], st["S"]
        # patched rows: the shares' gap bounded in O(N) per sector when that suffices
        shares = pt.shares_gap_bound(e_c, S, e0, S0, CHECK_FACTOR * self.tol) \
            if isinstance(self.levels, pt.Patched) else None
        if shares is None:
            gap = e_c[..., None, :] / S[..., :, None]  # (B, J, N, N)
            gap -= e0[..., None, :] / S0[..., :, None]
            assert self.levels is not None
            shares = _worst(self.levels.times(gap), B)
        tax_share = self.tax_share(e0, S0)
        X = sol.X
        base = sol.w_hat * va + sol.deficit
        Y = self.output(e0, S0, X)
        if econ.io is None:
            rhs = econ.alpha * (base / (1.0 - np.sum(econ.alpha * tax_share, axis=-1)))[
                ..., None]
        else:
            income = base + np.sum(X * tax_share, axis=-1)
            rhs = self._inputs(Y) + econ.alpha * income[..., None]
        va_new = eq.value_added(econ.gamma, Y)
        imports = np.sum(X * (1.0 - tax_share), axis=-1)
        exports = np.sum(Y, axis=-1)
        return {
            "price_index": _worst(lp - sol.log_P, B),
            "trade_shares": shares,
            "expenditure": _worst((rhs - X) / va[:, None], B),
            "labour_market": _worst((va_new - sol.w_hat * va) / va, B),
            "trade_balance": _worst((imports - exports - sol.deficit) / va, B),
            "numeraire": _worst((np.sum(sol.w_hat * va, axis=-1) - self.world_va)[:, None]
                                / self.world_va, B),
        }


def _worst(a: np.ndarray, B: int) -> np.ndarray:
    """Largest absolute value per batch member; ``inf`` where any is not finite."""
    a = np.broadcast_to(a, (B, *np.shape(a)[1:])).reshape(B, -1)
    m = np.max(np.abs(a), axis=-1, initial=0.0)  # NaN propagates
    return np.where(np.isfinite(m), m, np.inf)


_ROUTES: list[tuple[Any, ...]] = []


def _routes(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
            ) -> tuple[Any, ...]:
    """``(econ, t', d^, log k^, weight, open, 1 / (1 + t'))``, all but ``t'`` sector-major.

    The last one built is kept (with a copy of ``t'``), so successive solves of one shock
    on one baseline (the groups of draws of a Monte Carlo) build it once. The last one is
    let go before a new one is built, and the arrays are built in place: at 194 x 29 each
    is 8.7 MB, and a solve's peak memory is set here.
    """
    if _ROUTES:
        last = _ROUTES[0]
        if (last[0] is econ and np.array_equal(last[1], tariffs_new)
                and np.array_equal(last[2], np.moveaxis(tau_hat, -1, -3))):
            return last
        del last
        _ROUTES.clear()
    tn_sm = _sector_major(tariffs_new)  # may be tariffs_new itself: not written to
    th_sm = np.array(np.moveaxis(tau_hat, -1, -3), order="C")  # kept: always a copy
    if tn_sm.shape == econ.pi_sm.shape and np.all(th_sm == 1.0) \
            and np.array_equal(tariffs_new, econ.tariffs):
        # no change (the deficit removal of rule "zero"): k^ = 1 on every route, so the
        # routes are the baseline's own arrays, read only (the same numbers as below)
        out = (econ, np.array(tariffs_new), th_sm, np.zeros_like(tn_sm), econ.pi_sm,
               econ.pi_sm_positive, np.divide(1.0, np.add(tn_sm, 1.0)))
        _ROUTES[:] = [out]
        return out
    open_ = np.isfinite(th_sm) & econ.pi_sm_positive
    log_kappa = np.log1p(tn_sm)
    log_kappa -= econ.log1p_tariffs_sm
    change = np.where(open_, th_sm, 1.0)
    log_kappa += np.log(change, out=change)
    del change
    np.copyto(log_kappa, 0.0, where=~open_)
    weight = np.where(open_, econ.pi_sm, 0.0)
    inv_tn = np.add(tn_sm, 1.0)
    np.divide(1.0, inv_tn, out=inv_tn)
    del tn_sm
    out = (econ, np.array(tariffs_new), th_sm, log_kappa, weight, open_, inv_tn)
    _ROUTES[:] = [out]
    return out


def levels_apply(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray) -> bool:
    """Whether a batch of draws of this shock is solved as one program with levels.

    True for one shock ``(N, N, J)`` whose trade-cost changes take at most
    :data:`~autarky.model.levels.MAX_LEVELS` distinct values over open routes
    (:mod:`~autarky.model.levels`): its rows then share draw-independent matrices and
    converged rows leave the iteration, so a large batch costs less per row than
    one-row solves.
    """
    if np.ndim(tariffs_new) != 3 or np.ndim(tau_hat) != 3:
        return False
    log_kappa, weight, _, inv_tn = _routes(econ, tariffs_new, tau_hat)[3:]
    return lv.factored(log_kappa, weight, inv_tn)


def _sector_major(a: np.ndarray) -> np.ndarray:
    """``a[..., n, i, j]`` as a contiguous ``[..., j, n, i]`` array."""
    return np.ascontiguousarray(np.moveaxis(a, -1, -3))


def _closed(open_: np.ndarray) -> np.ndarray:
    """:func:`closed_countries` from the open-route mask in the layout ``[..., j, n, i]``."""
    off = ~np.eye(open_.shape[-1], dtype=bool)
    foreign: np.ndarray = open_ & off
    imports = np.any(foreign, axis=(-3, -1))  # n buys from some i != n
    exports = np.any(foreign, axis=(-3, -2))  # i sells to some n != i
    return np.asarray(~(imports | exports))


def solve_from(start: Equilibrium | None,
               solve: Callable[[Equilibrium | None], Equilibrium]) -> Equilibrium:
    """``solve(start)``; where a start was given and a member did not converge, ``solve(None)``.

    A warm start changes the solver's path, not its fixed point, so a start that fails
    costs time only: the callers that start from an earlier solution (another year, the
    previous round of a game, a kept solution) solve again from their cold start.
    """
    sol = solve(start)
    if start is not None and not sol.converged.all():
        sol = solve(None)
    return sol


def solve_hat(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray | pt.RowShocks,
              theta: np.ndarray, *, deficits: Deficits = "fixed", tol: float = 1e-10,
              max_iter: int = 1000, memory: int = 6, method: str = "anderson",
              start: Equilibrium | None = None, shares: bool = True) -> Equilibrium:
    """Solve the equilibrium in changes for one shock and B elasticity vectors.

    Parameters
    ----------
    econ : Economy
        The baseline.
    tariffs_new, tau_hat : ndarray (N, N, J) or (B, N, N, J)
        Counterfactual tariff levels and iceberg changes (``inf`` = prohibitive); with a
        leading batch dimension, one shock per batch member (many scenarios at once).
        ``tau_hat`` may be a :class:`~autarky.model.patched.RowShocks` (rows that differ
        from one reference in one country's row and column each, e.g. the scenarios of
        ``bloc-choice``): the reference's arrays are then built once and kept, each row
        adds its own row and column. The same equilibria to rounding.
    theta : ndarray (J,) or (B, J)
        Trade elasticities, one row per batch member (broadcast to the shocks' batch).
    deficits : {"fixed", "zero", "proportional"}
        Deficit rule (see :class:`autarky.SolveOptions`; "zero" here is one step).
    tol : float
        Largest relative labour-market residual accepted.
    max_iter : int
        Outer iterations.
    memory : int
        Anderson memory.
    method : str
        Outer solver, a key of :data:`SOLVERS`.
    start : Equilibrium, optional
        A warm start: wages, prices and expenditure of a nearby solution of the same
        baseline (one member, or one per batch member), e.g. the previous draw of a
        Monte Carlo. It changes the path, not the fixed point: the result is the same to
        the tolerance.
    shares : bool
        False: the solution's trade shares are not kept (``pi`` is an empty
        ``(B, 0, 0, 0)`` array; a Monte Carlo needs welfare only, and ``B x N x N x J``
        shares are the largest array of a batch). They are still checked.

    Returns
    -------
    Equilibrium
        Always batched (B >= 1); ``converged`` tells which members met ``tol``: every
        residual of :func:`member_residuals` (in ``residuals``) at most
        ``CHECK_FACTOR * tol``. Inside :func:`autarky.model.kept.kept_solutions` the
        solve starts from a kept solution of the same problem where there is one.
    """
    kw: dict[str, Any] = dict(deficits=deficits, tol=tol, max_iter=max_iter, memory=memory,
                              method=method, shares=shares)
    box = kept.active()
    if box is None or isinstance(tau_hat, pt.RowShocks):
        return _solve_hat(econ, tariffs_new, tau_hat, theta, start=start, **kw)
    k = kept.key(econ, tariffs_new, tau_hat, np.atleast_2d(theta), deficits)
    mine = kept.start(box, k, econ.shape, theta, tariffs_new, tau_hat)
    # from the kept solution, else (or where it fails) from the caller's start
    sol = solve_from(mine, lambda s: _solve_hat(econ, tariffs_new, tau_hat, theta,
                                                start=s or start, **kw))
    kept.keep(box, k, sol)  # recorded where the block records (scripts/build_starts.py)
    return sol


def _solve_hat(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray | pt.RowShocks,
               theta: np.ndarray, *, deficits: Deficits = "fixed", tol: float = 1e-10,
               max_iter: int = 1000, memory: int = 6, method: str = "anderson",
               start: Equilibrium | None = None, shares: bool = True) -> Equilibrium:
    """:func:`solve_hat` from ``start`` (the caller's)."""
    if method not in SOLVERS:
        raise ValueError(f"method {method!r}: not one of {', '.join(SOLVERS)}")
    outer = SOLVERS[method]
    theta = np.atleast_2d(np.asarray(theta, float))
    th_rows = tau_hat.shape[0] if isinstance(tau_hat, pt.RowShocks) else \
        np.shape(tau_hat)[0] if np.ndim(tau_hat) == 4 else None
    if th_rows is not None or np.ndim(tariffs_new) == 4:  # one shock per batch member
        B = max(theta.shape[0], th_rows if th_rows is not None else np.shape(tariffs_new)[0])
        theta = np.ascontiguousarray(np.broadcast_to(theta, (B, theta.shape[-1])))
    # one BLAS thread: the products are small, a thread pool only slows them (threads.py)
    with single_blas_thread(), np.errstate(all="ignore"):  # failures: non-finite residuals
        g = WageMap(econ, tariffs_new, tau_hat, theta, deficits=deficits, tol=tol,
                    memory=memory)
        u0 = np.zeros(theta.shape[:1] + econ.shape[:1])
        if start is not None:
            u0 = u0 + np.log(start.w_hat)
            g.state["log_P"] = np.broadcast_to(start.log_P, g.state["log_P"].shape).copy()
            g.state["X"] = np.broadcast_to(start.X, g.state["X"].shape).copy()
        u, _, iters, hist = outer(g, u0, tol=tol,
                                  max_iter=max_iter, memory=memory, norm=g.residual)
        if g.inner_used > g.inner_floor:
            # the last inner solves were inexact: redo them to full precision at u
            hist.append(g.refine(u))
            if hist[-1] > tol and iters < max_iter:
                # exact inner solves moved the residual back above tol: a few more outer
                # steps from u (the inner tolerance is then tied to a residual near tol)
                u, _, more, extra = outer(g, u, tol=tol, max_iter=max_iter - iters,
                                          memory=memory, norm=g.residual)
                iters += more
                hist.extend(extra)
                if g.inner_used > g.inner_floor:
                    hist.append(g.refine(u))
        # the dense check reads the solution's shares; with levels it needs none
        built = shares or g.levels is None
        if g.keep is not None and u.shape[0] > lv.FINAL_ROWS:
            sol, res = lv.final_in_parts(g, u, iters, hist, tol, built)
        else:
            sol = g.equilibrium(u, iters, hist, tol, built)
            res = g.residuals(sol)
    ok = sol.converged & np.all(np.stack(list(res.values())) <= CHECK_FACTOR * tol, axis=0)
    if not shares and sol.pi.size:
        sol = replace(sol, pi=np.empty((sol.pi.shape[0], 0, 0, 0)))
    return replace(sol, converged=ok, residuals=res)


CHECK_FACTOR = 10.0
"""A solve has converged when every residual of :func:`member_residuals` is at most
``CHECK_FACTOR * tol``: the outer loop drives the labour-market residual to ``tol``; the
factor leaves room for rounding when each equation is recomputed from scratch."""
