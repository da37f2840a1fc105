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
from typing import Protocol

import numpy as np

from autarky.model import equations as eq
from autarky.model.economy import Economy, Equilibrium
from autarky.model.options import Deficits

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
    "member_residuals",
    "open_foreign_routes",
    "solve_hat",
    "unavailable_goods",
]

log = logging.getLogger(__name__)

Norm = Callable[[np.ndarray], np.ndarray]


class OuterSolver(Protocol):
    """A fixed-point finder for the wage map (an entry of :data:`SOLVERS`)."""

    def __call__(self, g: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *,
                 tol: float, max_iter: int, memory: int = 6, norm: Norm | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, int, list[float]]:
        """Return ``(x, g(x) - x, iterations, history of the largest residual)``."""
        ...


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


def fixed_point(g: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *, tol: float,
                max_iter: int, memory: int = 6, norm: Norm | None = None,
                ) -> tuple[np.ndarray, np.ndarray, int, list[float]]:
    """Plain (damped by the map itself) fixed-point iteration: :func:`anderson` without memory."""
    return anderson(g, x0, tol=tol, max_iter=max_iter, memory=0, norm=norm)


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


class WageMap:
    """The outer map ``u -> u'`` of one shock, with its nested price and spending solves.

    Holds what is fixed during a solve (cost weights, steps, masks) and the warm starts
    of the inner solves; after each call, :attr:`state` has the prices, shares,
    expenditure, output, deficits and the labour-market residual ``e`` at the last ``u``.

    Parameters
    ----------
    econ, tariffs_new, tau_hat, theta, deficits, tol, memory
        As in :func:`solve_hat`.
    """

    def __init__(self, econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                 theta: np.ndarray, *, deficits: Deficits, tol: float, memory: int) -> None:
        self.econ = econ
        self.theta = theta
        self.deficits: Deficits = deficits
        self.memory = memory
        self.tariffs_new = tariffs_new
        B, (N, J) = theta.shape[0], econ.shape
        self.dims = (B, N, J)
        log_kappa, weight = eq.log_trade_cost(econ.tariffs, tariffs_new, tau_hat, econ.pi)
        self.A = eq.cost_weights(log_kappa, weight, theta)  # (B, N, N, J), fixed
        self.log_kappa, self.weight = log_kappa, weight
        self.closed = closed_countries(econ, tau_hat)
        self.inv_tn = 1.0 / (1.0 + tariffs_new)
        self.step = self._step(econ, theta)
        self.world_va = float(np.sum(econ.va))
        # inexact inner solves: tolerance follows the outer residual (never above 1e-6)
        self.inner_floor = max(tol * 1e-2, 1e-14)
        self.inner_tol = 1e-6
        self.inner_used = self.inner_tol
        self.inner_evaluations = 0
        self.state: dict[str, np.ndarray] = {
            "log_P": np.zeros((B, N, J)),
            "X": np.broadcast_to(econ.X, (B, N, J)).copy(),
        }

    @staticmethod
    def _step(econ: Economy, theta: np.ndarray) -> np.ndarray:
        """Per-country step: 1 / (1 + the trade-weighted elasticity of labour demand)."""
        exposure = econ.gamma * np.einsum("mnj,mnj->nj", econ.flows, 1.0 - econ.pi)
        theta_eff = np.einsum("bj,nj->bn", theta, exposure) / econ.va
        return 1.0 / (1.0 + theta_eff)

    def _price(self, log_c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return eq.price_index_fast(log_c, self.A, self.theta, self.log_kappa, self.weight)

    def prices(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sectoral price indices and trade shares at log wages ``u`` (CP eqs. 10-12)."""
        econ, (B, N, J) = self.econ, self.dims
        if econ.io is None:
            lp, e, S = self._price(eq.unit_cost(u, self.state["log_P"], econ.gamma, None))
            return lp, eq.trade_shares(self.A, e, S)

        def gP(p: np.ndarray) -> np.ndarray:
            lp_, _, _ = self._price(eq.unit_cost(u, p.reshape(B, N, J), econ.gamma, econ.io))
            return lp_.reshape(B, N * J)

        p, _, it, _ = anderson(gP, self.state["log_P"].reshape(B, N * J), tol=self.inner_tol,
                               max_iter=2000, memory=self.memory)
        self.inner_evaluations += it + 1
        # one more evaluation at the accepted point so that prices and shares agree
        lp, e, S = self._price(eq.unit_cost(u, p.reshape(B, N, J), econ.gamma, econ.io))
        return lp, eq.trade_shares(self.A, e, S)

    def spending(self, M: np.ndarray, tax_share: np.ndarray,
                 income_base: np.ndarray) -> np.ndarray:
        """Expenditure ``X'`` given shares net of tariffs ``M`` and income before tariffs."""
        econ, (B, N, J) = self.econ, self.dims
        if econ.io is None:  # closed form of eq. 13 without IO links
            income = income_base / (1.0 - np.sum(econ.alpha * tax_share, axis=-1))
            return econ.alpha * income[..., None]
        io = econ.io
        Mt = eq.sector_major(M)

        def gX(x: np.ndarray) -> np.ndarray:
            X = eq.expenditure_step(x.reshape(B, N, J), Mt, tax_share, income_base,
                                    econ.alpha, io)
            return X.reshape(B, N * J)

        xs, _, it, _ = anderson(gX, self.state["X"].reshape(B, N * J),
                                tol=self.inner_tol * 1e-2, max_iter=5000, memory=self.memory)
        self.inner_evaluations += it + 1
        return np.asarray(gX(xs)).reshape(B, N, J)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        """One outer step from log wages ``u`` (B, N); updates :attr:`state`."""
        econ = self.econ
        self.inner_used = self.inner_tol
        # the numeraire holds at every evaluated point (Anderson mixing of normalised
        # iterates does not keep it exactly): world value added unchanged
        u = u - np.log(np.sum(np.exp(u) * econ.va, axis=-1, keepdims=True) / self.world_va)
        lp, pi_new = self.prices(u)
        w = np.exp(u)
        d_new = _deficit(self.deficits, econ, w, self.closed)
        M = pi_new * self.inv_tn
        tax_share = 1.0 - M.sum(axis=-2)  # sum_i pi' t' / (1 + t')
        X = self.spending(M, tax_share, w * econ.va + d_new)
        Y = np.einsum("bnik,bnk->bik", M, X)
        va_new = eq.value_added(econ.gamma, Y)
        e = np.log(np.maximum(va_new, 1e-300)) - u - np.log(econ.va)
        self.state.update(log_P=lp, X=X, pi=pi_new, Y=Y, D=d_new, e=e, u=u)
        self.inner_tol = float(min(1e-6, max(self.inner_floor, 1e-3 * np.max(np.abs(e)))))
        u_new = u + self.step * e
        # numeraire: world value added unchanged (its baseline sum is 1 up to rounding,
        # and up to the solver's tolerance after Economy.rebase)
        return u_new - np.log(np.sum(np.exp(u_new) * econ.va, axis=-1, keepdims=True)
                              / self.world_va)

    def residual(self, f: np.ndarray | None = None) -> np.ndarray:
        """Largest labour-market residual per batch member at the last evaluated ``u``."""
        return np.max(np.abs(self.state["e"]), axis=-1)

    def refine(self, u: np.ndarray) -> float:
        """Re-evaluate at ``u`` with exact inner solves; the largest residual there."""
        self.inner_tol = self.inner_floor
        self(u)
        return float(np.max(self.residual()))

    def equilibrium(self, u: np.ndarray, iterations: int, history: list[float],
                    tol: float) -> Equilibrium:
        """The solution at ``u`` (the map's last evaluation must be at ``u``)."""
        st = self.state
        u = st.get("u", u)  # the point evaluated last, with the numeraire imposed
        income = (np.exp(u) * self.econ.va + st["D"]
                  + eq.tariff_revenue(st["pi"], self.tariffs_new, st["X"]))
        return Equilibrium(
            w_hat=np.exp(u), log_P=st["log_P"], pi=st["pi"], X=st["X"], Y=st["Y"],
            income=income, deficit=st["D"], converged=self.residual() <= tol,
            iterations=iterations, history=history,
            inner_evaluations=self.inner_evaluations,
        )


def solve_hat(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
              theta: np.ndarray, *, deficits: Deficits = "fixed", tol: float = 1e-10,
              max_iter: int = 1000, memory: int = 6, method: str = "anderson",
              ) -> Equilibrium:
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
    method : str
        Outer solver, a key of :data:`SOLVERS`.

    Returns
    -------
    Equilibrium
        Always batched (B >= 1); ``converged`` tells which members met ``tol``: every
        residual of :func:`member_residuals` (in ``residuals``) at most
        ``CHECK_FACTOR * tol``.
    """
    if method not in SOLVERS:
        raise ValueError(f"method {method!r}: not one of {', '.join(SOLVERS)}")
    outer = SOLVERS[method]
    theta = np.atleast_2d(np.asarray(theta, float))
    if np.ndim(tau_hat) == 4 or np.ndim(tariffs_new) == 4:  # one shock per batch member
        B = max(theta.shape[0], np.shape(tau_hat)[0] if np.ndim(tau_hat) == 4
                else np.shape(tariffs_new)[0])
        theta = np.ascontiguousarray(np.broadcast_to(theta, (B, theta.shape[-1])))
    g = WageMap(econ, tariffs_new, tau_hat, theta, deficits=deficits, tol=tol, memory=memory)
    with np.errstate(all="ignore"):  # a failed solve shows as non-finite residuals
        u, _, iters, hist = outer(g, np.zeros(theta.shape[:1] + econ.shape[:1]), tol=tol,
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
    sol = g.equilibrium(u, iters, hist, tol)
    with np.errstate(all="ignore"):
        res = member_residuals(econ, tariffs_new, tau_hat, theta, sol)
    ok = sol.converged & np.all(np.stack(list(res.values())) <= CHECK_FACTOR * tol, axis=0)
    return replace(sol, converged=ok, residuals=res)


CHECK_FACTOR = 10.0
"""A solve has converged when every residual of :func:`member_residuals` is at most
``CHECK_FACTOR * tol``: the outer loop drives the labour-market residual to ``tol``; the
factor leaves room for rounding when each equation is recomputed from scratch."""


def equilibrium_residuals(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                          theta: np.ndarray, sol: Equilibrium) -> dict[str, float]:
    """Largest residual of every equilibrium equation over all batch members.

    The maximum of :func:`member_residuals` (which says how each is scaled).
    """
    return {k: float(np.max(v)) for k, v in
            member_residuals(econ, tariffs_new, tau_hat, theta, sol).items()}


def member_residuals(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                     theta: np.ndarray, sol: Equilibrium) -> dict[str, np.ndarray]:
    """Largest residual of every equilibrium equation per batch member, recomputed.

    Every residual is relative (dimensionless), so one tolerance applies to all:

    * ``price_index`` (CP 2015 eqs. 10-11): log units, ``|log P^ - log P^(c^)|``;
    * ``trade_shares`` (eq. 12): shares are fractions, ``|pi' - pi'(c^, P^)|``;
    * ``expenditure`` (eq. 13): ``|X' - rhs(X')|`` of each country and sector, relative to
      the country's baseline value added;
    * ``labour_market`` and ``trade_balance`` (eq. 14): relative to each country's
      baseline value added;
    * ``numeraire``: world value added, relative to its baseline value.

    A non-finite residual is returned as ``inf``.

    Returns
    -------
    dict of str to ndarray (B,)
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
    va = econ.va
    B = sol.w_hat.shape[0]

    def worst(a: np.ndarray) -> np.ndarray:
        a = np.abs(np.broadcast_to(a, (B, *np.shape(a)[1:])).reshape(B, -1))
        return np.where(np.all(np.isfinite(a), axis=-1), np.max(a, axis=-1, initial=0.0),
                        np.inf)

    return {
        "price_index": worst(lp - sol.log_P),
        "trade_shares": worst(pi_new - sol.pi),
        "expenditure": worst((rhs - X) / va[:, None]),
        "labour_market": worst((va_new - sol.w_hat * va) / va),
        "trade_balance": worst((imports - exports - sol.deficit) / va),
        "numeraire": worst((np.sum(sol.w_hat * va, axis=-1) - world)[:, None] / world),
    }
