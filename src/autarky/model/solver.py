"""Fixed-point engine for the Caliendo-Parro (2015) equilibrium in changes.

Structure (nested, each level accelerated with Anderson mixing):

* outer: log wages ``u = log w^`` (N unknowns per batch member). The map is a damped,
  diagonal-Newton update on the labour-market residual
  ``e_n = log(sum_j gamma_nj Y'_nj) - log(w^_n w_n L_n)`` with per-country step
  ``1 / (1 + theta_eff_n)``, followed by the numeraire (world value added unchanged);
* inner 1: sectoral prices, ``log P = price(unit_cost(u, log P))`` (a contraction with
  modulus below the largest input share; a single evaluation without IO links);
* inner 2: expenditure ``X'`` given prices and wages (a linear fixed point, CP eq. 13;
  closed form without IO links), warm-started from the previous outer step.

Every array carries a leading batch dimension ``B`` (elasticity draws solved as one array
program); a single solve is ``B = 1``. Money is normalised so that world value added is 1.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from autarky.model import equations as eq

if TYPE_CHECKING:
    from autarky.world import World

__all__ = [
    "Economy",
    "Equilibrium",
    "anderson",
    "solve_hat",
    "equilibrium_residuals",
    "unavailable_goods",
    "closed_countries",
    "open_foreign_routes",
]

log = logging.getLogger(__name__)

DeficitRule = Literal["fixed", "zero", "proportional"]


@dataclass(frozen=True, eq=False)
class Economy:
    """Baseline of the model in plain arrays, money normalised so world value added is 1.

    Attributes
    ----------
    pi, tariffs : ndarray (N, N, J)
        Trade shares pi_nij and tariffs t_nij.
    X : ndarray (N, J)
        Expenditure, tariffs included.
    va, deficit : ndarray (N,)
        Value added w_n L_n and deficit D_n.
    gamma, alpha : ndarray (N, J)
        Value-added and final-demand shares.
    io : ndarray (N, J, J) or None
        Input coefficients io[n, k, j]; None without input-output links.
    scale : float
        Money units per model unit (world value added of the data).
    """

    pi: np.ndarray
    tariffs: np.ndarray
    X: np.ndarray
    va: np.ndarray
    deficit: np.ndarray
    gamma: np.ndarray
    alpha: np.ndarray
    io: np.ndarray | None
    scale: float = 1.0

    @classmethod
    def from_arrays(cls, pi: np.ndarray, tariffs: np.ndarray, X: np.ndarray, va: np.ndarray,
                    deficit: np.ndarray, gamma: np.ndarray, alpha: np.ndarray,
                    io: np.ndarray | None) -> Economy:
        """Normalise money so that world value added is 1."""
        s = float(np.sum(va))
        io_ = None if io is None or not np.any(io) else np.asarray(io, float)
        return cls(np.asarray(pi, float), np.asarray(tariffs, float), np.asarray(X) / s,
                   np.asarray(va) / s, np.asarray(deficit) / s, np.asarray(gamma, float),
                   np.asarray(alpha, float), io_, s)

    @classmethod
    def from_world(cls, world: World) -> Economy:
        """Take the arrays of a :class:`autarky.World`."""
        a = world.arrays()
        return cls.from_arrays(a["trade_shares"], a["tariffs"], a["expenditure"],
                               a["value_added"], a["deficit"], a["value_added_share"],
                               a["final_share"], a["io"] if world.has_io else None)

    @property
    def shape(self) -> tuple[int, int]:
        """(N, J)."""
        n, j = self.X.shape
        return int(n), int(j)

    @property
    def revenue(self) -> np.ndarray:
        """Baseline tariff revenue R_n."""
        return eq.tariff_revenue(self.pi, self.tariffs, self.X)

    @property
    def income(self) -> np.ndarray:
        """Baseline income I_n = w_n L_n + R_n + D_n."""
        return self.va + self.revenue + self.deficit

    @property
    def flows(self) -> np.ndarray:
        """Baseline flows at producer prices, pi X / (1 + t)."""
        return self.pi * self.X[:, None, :] / (1.0 + self.tariffs)

    def rebase(self, eqm: Equilibrium, tariffs_new: np.ndarray, b: int = 0) -> Economy:
        """The counterfactual equilibrium (batch member ``b``) as a new baseline."""
        return Economy(eqm.pi[b], np.asarray(tariffs_new, float), eqm.X[b],
                       self.va * eqm.w_hat[b], eqm.deficit[b], self.gamma, self.alpha,
                       self.io, self.scale)


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """Solution of the model in changes, batched (leading dimension B).

    Attributes
    ----------
    w_hat : (B, N)
    log_P : (B, N, J)
    pi : (B, N, N, J)    new trade shares
    X : (B, N, J)        new expenditure (model units)
    Y : (B, N, J)        new gross output
    income : (B, N)      new income I'_n
    deficit : (B, N)     new deficit D'_n
    converged : (B,) bool
    iterations : int     outer iterations
    history : list of float   max outer residual per iteration
    inner_evaluations : int
    """

    w_hat: np.ndarray
    log_P: np.ndarray
    pi: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    income: np.ndarray
    deficit: np.ndarray
    converged: np.ndarray
    iterations: int
    history: list[float] = field(default_factory=list)
    inner_evaluations: int = 0


def anderson(g: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *, tol: float,
             max_iter: int, memory: int = 6,
             norm: Callable[[np.ndarray], np.ndarray] | None = None,
             ) -> tuple[np.ndarray, np.ndarray, int, list[float]]:
    """Batched Anderson acceleration (type II) of the fixed point ``x = g(x)``.

    Parameters
    ----------
    g : callable
        Maps ``(B, d)`` to ``(B, d)``; it may keep state (warm starts) between calls and is
        always last called at the returned ``x``.
    x0 : ndarray (B, d)
        Starting point.
    tol : float
        Stop when ``norm(g(x) - x) <= tol`` for every batch member.
    max_iter : int
        Largest number of iterations.
    memory : int
        Number of past differences in the least-squares mixing.
    norm : callable, optional
        Per-member residual norm, default max-abs.

    Returns
    -------
    x, f, iterations, history
        The last iterate, its residual ``g(x) - x``, the number of iterations and the
        history of the largest residual norm.
    """
    nrm = norm or (lambda f: np.max(np.abs(f), axis=-1))
    x = x0
    gx = g(x)
    f = gx - x
    r = nrm(f)
    hist = [float(np.max(r))]
    best = hist[0]
    dF: list[np.ndarray] = []
    dG: list[np.ndarray] = []
    it = 0
    while hist[-1] > tol and it < max_iter:
        if dF:
            Fm = np.stack(dF, axis=-1)  # (B, d, m)
            Gm = np.stack(dG, axis=-1)
            FmT = np.swapaxes(Fm, -1, -2)
            A = np.matmul(FmT, Fm)
            rhs = np.matmul(FmT, f[..., None])[..., 0]
            m = A.shape[-1]
            tr = np.trace(A, axis1=-2, axis2=-1)[:, None, None] / m
            A = A + (1e-10 * tr + 1e-300) * np.eye(m)
            gam = np.linalg.solve(A, rhs[..., None])[..., 0]
            x_new = gx - np.matmul(Gm, gam[..., None])[..., 0]
        else:
            x_new = gx
        gx_new = g(x_new)
        f_new = gx_new - x_new
        r = nrm(f_new)
        rmax = float(np.max(r))
        it += 1
        if not np.isfinite(rmax) or rmax > 1e4 * best:
            # safeguard: restart the memory from a plain step at the current point
            log.debug("anderson restart at iteration %d (residual %.3g)", it, rmax)
            dF.clear()
            dG.clear()
            x_new = gx
            gx_new = g(x_new)
            f_new = gx_new - x_new
            rmax = float(np.max(nrm(f_new)))
            if not np.isfinite(rmax):
                hist.append(rmax)
                return x_new, f_new, it, hist
        else:
            dF.append(f_new - f)
            dG.append(gx_new - gx)
            if len(dF) > memory:
                dF.pop(0)
                dG.pop(0)
        x, gx, f = x_new, gx_new, f_new
        hist.append(rmax)
        best = min(best, rmax)
    return x, f, it, hist


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


def _deficit(rule: DeficitRule, econ: Economy, w: np.ndarray,
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


def solve_hat(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
              theta: np.ndarray, *, deficits: DeficitRule = "fixed", tol: float = 1e-10,
              max_iter: int = 1000, memory: int = 6) -> Equilibrium:
    """Solve the equilibrium in changes for one shock and B elasticity vectors.

    Parameters
    ----------
    econ : Economy
        The baseline.
    tariffs_new, tau_hat : ndarray (N, N, J) or (B, N, N, J)
        Counterfactual tariff levels and iceberg changes (``inf`` = prohibitive); with a
        leading batch dimension, one shock per batch member (many scenarios at once).
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

    Returns
    -------
    Equilibrium
        Always batched (B >= 1); ``converged`` tells which members met ``tol``.
    """
    theta = np.atleast_2d(np.asarray(theta, float))
    if np.ndim(tau_hat) == 4 or np.ndim(tariffs_new) == 4:  # one shock per batch member
        B = max(theta.shape[0], np.shape(tau_hat)[0] if np.ndim(tau_hat) == 4
                else np.shape(tariffs_new)[0])
        theta = np.ascontiguousarray(np.broadcast_to(theta, (B, theta.shape[-1])))
    B = theta.shape[0]
    N, J = econ.shape
    log_kappa, weight = eq.log_trade_cost(econ.tariffs, tariffs_new, tau_hat, econ.pi)
    closed = closed_countries(econ, tau_hat)
    inv_tn = 1.0 / (1.0 + tariffs_new)
    io = econ.io
    inner_floor = max(tol * 1e-2, 1e-14)
    # inexact inner solves: tolerance follows the outer residual (never above 1e-6)
    inner = {"tol": 1e-6}

    # per-country step: inverse of 1 + the trade-weighted elasticity of labour demand
    flows = econ.flows  # [m, n, j]: importer m buys from n
    exposure = econ.gamma * np.einsum("mnj,mnj->nj", flows, 1.0 - econ.pi)
    theta_eff = np.einsum("bj,nj->bn", theta, exposure) / econ.va
    step = 1.0 / (1.0 + theta_eff)

    state: dict[str, np.ndarray] = {
        "log_P": np.zeros((B, N, J)),
        "X": np.broadcast_to(econ.X, (B, N, J)).copy(),
    }
    counts = {"inner": 0}

    A = eq.cost_weights(log_kappa, weight, theta)  # (B, N, N, J), fixed during the solve

    def price(log_c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return eq.price_index_fast(log_c, A, theta, log_kappa, weight)

    def prices(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if io is None:
            lp, e, S = price(eq.unit_cost(u, state["log_P"], econ.gamma, None))
            return lp, eq.trade_shares(A, e, S)

        def gP(p: np.ndarray) -> np.ndarray:
            lp_, _, _ = price(eq.unit_cost(u, p.reshape(B, N, J), econ.gamma, io))
            return lp_.reshape(B, N * J)

        p, _, it, _ = anderson(gP, state["log_P"].reshape(B, N * J), tol=inner["tol"],
                               max_iter=2000, memory=memory)
        counts["inner"] += it + 1
        # one more evaluation at the accepted point so that prices and shares agree
        lp, e, S = price(eq.unit_cost(u, p.reshape(B, N, J), econ.gamma, io))
        return lp, eq.trade_shares(A, e, S)

    def spending(M: np.ndarray, tshare: np.ndarray, base: np.ndarray) -> np.ndarray:
        if io is None:  # closed form of eq. 13 without IO links
            income = base / (1.0 - np.sum(econ.alpha * tshare, axis=-1))
            return econ.alpha * income[..., None]

        Mt = np.ascontiguousarray(M.transpose(0, 3, 2, 1))  # (B, k, i, n)

        def gX(x: np.ndarray) -> np.ndarray:
            X = x.reshape(B, N, J)
            Y = np.swapaxes(np.matmul(Mt, np.swapaxes(X, 1, 2)[..., None])[..., 0], 1, 2)
            income = base + np.sum(X * tshare, axis=-1)
            return (np.matmul(io, Y[..., None])[..., 0]
                    + econ.alpha * income[..., None]).reshape(B, N * J)

        xs, _, it, _ = anderson(gX, state["X"].reshape(B, N * J), tol=inner["tol"] * 1e-2,
                                max_iter=5000, memory=memory)
        counts["inner"] += it + 1
        return np.asarray(gX(xs)).reshape(B, N, J)

    def g(u: np.ndarray) -> np.ndarray:
        inner["used"] = inner["tol"]
        lp, pi_new = prices(u)
        w = np.exp(u)
        d_new = _deficit(deficits, econ, w, closed)
        M = pi_new * inv_tn
        tshare = 1.0 - M.sum(axis=-2)  # sum_i pi' t' / (1 + t')
        X = spending(M, tshare, w * econ.va + d_new)
        Y = np.einsum("bnik,bnk->bik", M, X)
        va_new = eq.value_added(econ.gamma, Y)
        state.update(log_P=lp, X=X, pi=pi_new, Y=Y, D=d_new)
        e = np.log(np.maximum(va_new, 1e-300)) - u - np.log(econ.va)
        state["e"] = e
        inner["tol"] = float(min(1e-6, max(inner_floor, 1e-3 * np.max(np.abs(e)))))
        u_new = u + step * e
        return u_new - np.log(np.sum(np.exp(u_new) * econ.va, axis=-1, keepdims=True))

    def res_norm(f: np.ndarray) -> np.ndarray:
        return np.max(np.abs(state["e"]), axis=-1)

    with np.errstate(all="ignore"):  # a failed solve shows as non-finite residuals
        u, _, iters, hist = anderson(g, np.zeros((B, N)), tol=tol, max_iter=max_iter,
                                     memory=memory, norm=res_norm)
        if inner["used"] > inner_floor:
            # the last inner solves were inexact: redo them to full precision at u
            inner["tol"] = inner_floor
            g(u)
            hist.append(float(np.max(np.abs(state["e"]))))
            if hist[-1] > tol and iters < max_iter:
                # exact inner solves moved the residual back above tol: a few more outer
                # steps from u (the inner tolerance is then tied to a residual near tol)
                u, _, more, extra = anderson(g, u, tol=tol, max_iter=max_iter - iters,
                                             memory=memory, norm=res_norm)
                iters += more
                hist.extend(extra)
                if inner["used"] > inner_floor:
                    inner["tol"] = inner_floor
                    g(u)
                    hist.append(float(np.max(np.abs(state["e"]))))
    e = np.max(np.abs(state["e"]), axis=-1)
    X = state["X"]
    income = np.exp(u) * econ.va + state["D"] + eq.tariff_revenue(state["pi"], tariffs_new, X)
    return Equilibrium(
        w_hat=np.exp(u), log_P=state["log_P"], pi=state["pi"], X=X, Y=state["Y"],
        income=income, deficit=state["D"], converged=e <= tol, iterations=iters,
        history=hist, inner_evaluations=counts["inner"],
    )


def equilibrium_residuals(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                          theta: np.ndarray, sol: Equilibrium) -> dict[str, float]:
    """Largest residual of every equilibrium equation, recomputed from scratch.

    Keys: ``price_index`` (log units, eqs. 10-11), ``trade_shares`` (eq. 12, recomputed
    from the solution's costs), ``expenditure`` (eq. 13, relative to world value added),
    ``labour_market`` and ``trade_balance`` (eq. 14, relative to each country's value
    added), ``numeraire``.
    """
    theta = np.atleast_2d(np.asarray(theta, float))
    log_kappa, weight = eq.log_trade_cost(econ.tariffs, tariffs_new, tau_hat, econ.pi)
    u = np.log(sol.w_hat)
    lp, pi_new = eq.price_index(eq.unit_cost(u, sol.log_P, econ.gamma, econ.io),
                                log_kappa, weight, theta)
    X = sol.X
    base = sol.w_hat * econ.va + sol.deficit
    if econ.io is None:
        rhs = eq.expenditure_no_io(sol.pi, tariffs_new, base, econ.alpha)
    else:
        rhs = eq.expenditure(X, sol.pi, tariffs_new, base, econ.alpha, econ.io)
    Y = eq.gross_output(sol.pi, tariffs_new, X)
    va_new = eq.value_added(econ.gamma, Y)
    spend = sol.pi * X[..., :, None, :] / (1.0 + tariffs_new)
    imports = spend.sum(axis=(-2, -1))
    exports = spend.sum(axis=(-3, -1))
    world = float(np.sum(econ.va))
    return {
        "price_index": float(np.max(np.abs(lp - sol.log_P))),
        "trade_shares": float(np.max(np.abs(pi_new - sol.pi))),
        "expenditure": float(np.max(np.abs(rhs - X)) / world),
        "labour_market": float(np.max(np.abs(va_new - sol.w_hat * econ.va) / econ.va)),
        "trade_balance": float(np.max(np.abs(imports - exports - sol.deficit) / econ.va)),
        "numeraire": float(np.max(np.abs(np.sum(sol.w_hat * econ.va, axis=-1) - world))
                           / world),
    }


def timed(fn: Callable[[], Equilibrium]) -> tuple[Equilibrium, float]:
    """Run ``fn`` and return its result and wall time in seconds."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0
