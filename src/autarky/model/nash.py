"""Optimal tariffs and Nash tariff wars in exact hat algebra (pure numpy).

Three solvers, all on an :class:`~autarky.model.solver.Economy` whose deficits have already
been removed (:func:`balanced`):

* :func:`formula_nash`: the multi-sector Armington model without input-output links of
  Lashkaripour (2021, "The cost of a global tariff war: a sufficient-statistics approach",
  JIE 131), each country setting one tariff ``t_i`` on all its imports. At the Nash
  equilibrium every tariff satisfies the optimal-tariff formula (Lashkaripour 2021, eq. 14
  and Prop. 2 without the ``delta`` term; the formula his ``tariffwar`` code imposes)::

      t_i = 1 / max(sum_s eps_s sum_{j != i} chi_ijs (1 - lambda_ijs), 1)

  with ``chi_ijs`` the share of i's exports (all partners and sectors, valued net of the
  importers' tariffs) that go to j in sector s and ``lambda_ijs`` i's share of j's spending
  on s, both at the counterfactual equilibrium. Wages and tariffs are solved together as
  one fixed point ``(log w^, t) -> (damped wage update, formula)`` accelerated with the
  engine's Anderson mixing, so one iteration costs one price-index evaluation: no nested
  equilibrium solve per tariff update.
* :func:`exact_nash`: the same model and the same joint fixed point, with each country's
  tariff set by its *exact* first-order condition (:func:`exact_tariff_map`: the
  derivative of its welfare with every wage adjusting, by the implicit-function theorem on
  the labour markets) instead of the formula; wages take Newton steps with the Jacobian the
  map computes anyway. Its fixed point is the Nash equilibrium of exact best responses.
* :func:`best_response_nash`: numerical best responses in the spirit of Ossa (2014, AER):
  each player (a government controlling a set of tariff cells) picks one tariff level to
  maximise its own exact welfare given the others'. Every round evaluates all players'
  welfare at ``t_p +- h`` in one batched equilibrium solve of the engine
  (:func:`~autarky.model.solver.solve_hat` with tariffs batched per member), takes one
  Newton step per player on its first-order condition, and repeats until no player's
  tariff moves by more than ``tol``. The rounds are solved from the previous round's
  equilibrium rebased as baseline (warm start); the final equilibrium is solved once more
  from the balanced baseline. It works with input-output links, where neither fixed point
  applies, and for any assignment of cells to players (optimal retaliation against one
  country). Without links it finds the equilibrium of :func:`exact_nash` (wiod2016 2014,
  eps 4: to 9e-6 pp), two independent computations of one equilibrium (analytic
  derivatives against finite differences of the engine's welfare).

Why the formula and the exact equilibria differ (without IO links, wiod2016 2014, eps = 4:
the exact tariffs lie 0.011-0.749 pp above the formula, USA, CHN, ROW and DEU most; welfare
within 0.069 pp).
The formula is not the exact first-order condition of a uniform tariff in this model; it
is Lashkaripour's (2021) sufficient-statistics approximation, and his derivation says so.
Write i's tariff as a uniform markup on i's goods abroad (Lerner symmetry) and differentiate
i's welfare. The exact condition has three pieces:

1. the markup term: the demand for i's goods in n, sector s, falls with their price at rate
   ``eps_s (1 - lambda_ins)`` (holding other wages and n's income fixed). Alone it gives
   ``t_i = 1 / sum_{n, s} chi_ins eps_s (1 - lambda_ins)``, the formula coded here and in
   ``tariffwar`` (``+solver/nash_equations.m``: chi on flows net of the importer's tariff,
   lambda the current share of n's tariff-inclusive spending).
2. the partner's tariff revenue: the price rise moves n's spending from i (taxed at
   ``t_n``) towards n's untaxed domestic goods, so n's revenue and income fall by
   ``d ln Y_n = -sum_s alpha_ns eps_s lambda_ins (tau_ins - S_ns) / (1 - s_n)`` per unit
   of ``d ln p_i`` (``tau = t / (1 + t)``, ``S_ns`` the tariff share of n's spending on
   s, ``s_n`` of all its spending), lowering its demand for i's goods in every sector. This
   adds ``sum_n chi_in (...)`` to the denominator: the ``delta`` of his Prop. 2, which his
   code omits (:func:`optimal_tariff_formula` with ``foreign_revenue=True``). It lowers the
   tariff (by up to 0.093 pp on wiod2016 2014). With two countries, pieces 1 + 2 are exact for
   any number of sectors and any tariff abroad (tests: to 1e-4 pp).
3. third-country wages: with three countries or more i's tariff also moves ``w_n / w_m``
   for partners n, m != i, which changes i's terms of trade with each of them. Lashkaripour
   (2021, Section 2.3, eq. 9 and its footnote 11) drops this: the exact wage term carries the
   factor ``1 + (Psi_i / Psi_-i) (r_-ii / r_ii)``, ``r_ni`` the share of n's revenue from
   sales to i, set to 1 on the ground that ``r_ni / r_ii ~ 0``. For large importers (USA,
   CHN) partners sell a sizeable share of their output to them and the omitted term raises
   the exact tariff (three countries, zero tariffs abroad: about +0.1 pp; wiod2016 2014:
   up to +0.85 pp, net of piece 2, +0.75 pp).

So the gap is inherent in the formula, not an error of either solver: the best responses
are checked against a bounded scalar optimiser (Brent) of each government's exact welfare
and against the two-country exact formula, and :func:`exact_tariff_map`'s gradient against
finite differences of the engine's welfare (tests/test_nash.py).

Notation as in :mod:`autarky.model.equations`: ``n`` importer, ``i`` exporter, ``j`` sector.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from autarky.model import equations as eq
from autarky.model import kept
from autarky.model.economy import Economy, Equilibrium
from autarky.model.solver import anderson, solve_from, solve_hat
from autarky.model.threads import blas_limited

__all__ = [
    "NashSolution",
    "balanced",
    "uniform_tariffs",
    "optimal_tariff_formula",
    "formula_nash",
    "exact_tariff_map",
    "exact_nash",
    "best_response_nash",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class NashSolution:
    """A Nash equilibrium in tariffs and the equilibrium it induces.

    Attributes
    ----------
    tariffs : ndarray (P,)
        The tariff level chosen by each player (fractions).
    tariffs_new : ndarray (N, N, J)
        The full counterfactual tariff cube.
    equilibrium : Equilibrium
        The equilibrium in changes at ``tariffs_new`` relative to the balanced baseline
        (batch size 1).
    converged : bool
        Every residual (labour markets, tariff first-order conditions) below tolerance.
    iterations : int
        Outer iterations (joint fixed point, or best-response rounds).
    residual : dict of str to float
        ``tariff``: largest change of a tariff in the last step (best responses) or largest
        gap ``|t - formula(t)|`` (formula); ``labour_market``: largest relative residual.
    history : list of float
        Largest residual per iteration.
    seconds : float
        Wall time.
    """

    tariffs: np.ndarray
    tariffs_new: np.ndarray
    equilibrium: Equilibrium
    converged: bool
    iterations: int
    residual: dict[str, float]
    history: list[float] = field(default_factory=list)
    seconds: float = 0.0


@blas_limited
def balanced(econ: Economy, theta: np.ndarray, *, tol: float = 1e-10,
             max_iter: int = 1000) -> tuple[Economy, Equilibrium]:
    """Remove the deficits at baseline tariffs (exact hat algebra) and rebase.

    The first step of Lashkaripour (2021) and CP (2015): the equilibrium with the
    baseline's tariffs and zero deficits becomes the baseline. Without input-output links
    the wage fixed point runs on batched matrix-vector products (:func:`_balanced_no_io`);
    with them, the engine's :func:`~autarky.model.solver.solve_hat`.
    """
    if econ.io is None:
        first = _balanced_no_io(econ, np.asarray(theta, float), tol, max_iter)
        return econ.rebase(first, econ.tariffs), first
    ones = np.ones_like(econ.tariffs)
    first = solve_hat(econ, econ.tariffs, ones, theta, deficits="zero", tol=tol,
                      max_iter=max_iter)
    return econ.rebase(first, econ.tariffs), first


def _balanced_no_io(econ: Economy, theta: np.ndarray, tol: float,
                    max_iter: int) -> Equilibrium:
    """Zero-deficit equilibrium at unchanged tariffs, no input-output links.

    With tariffs and trade costs unchanged ``A_nij = pi_nij`` (CP eq. 11), so the price
    index, the tariff share of spending and gross output are three batched
    matrix-vector products per iteration (sector-major ``Pi[j, n, i]``).
    """
    N, J = econ.shape
    Pi = np.ascontiguousarray(np.moveaxis(econ.pi, -1, 0))
    Ptau = np.ascontiguousarray(np.moveaxis(econ.pi * econ.tariffs / (1.0 + econ.tariffs),
                                            -1, 0))
    PnetT = np.ascontiguousarray(np.swapaxes(np.moveaxis(econ.pi / (1.0 + econ.tariffs),
                                                         -1, 0), 1, 2))
    th = theta[:, None]
    gT = econ.gamma.T
    step = _step(econ, theta)
    log_va = np.log(econ.va)
    state: dict[str, np.ndarray] = {}

    def mv(M: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.matmul(M, v[..., None])[..., 0]

    def g(x: np.ndarray) -> np.ndarray:
        u = x[0]
        y = -th * gT * u
        sft = y.max(axis=1, keepdims=True)
        e = np.exp(y - sft)
        S = mv(Pi, e)
        share = mv(Ptau, e) / S
        income = np.exp(u) * econ.va / (1.0 - np.sum(econ.alpha.T * share, axis=0))
        X = econ.alpha.T * income
        Y = e * mv(PnetT, X / S)
        err = np.log(np.maximum(np.sum(gT * Y, axis=0), 1e-300)) - u - log_va
        state.update(e=err, c=e, S=S, sft=sft, X=X, Y=Y, income=income)
        u_new = u + step * err
        return (u_new - np.log(np.sum(np.exp(u_new) * econ.va)))[None, :]

    def norm(f: np.ndarray) -> np.ndarray:
        return np.array([np.max(np.abs(state["e"]))])

    with np.errstate(all="ignore"):
        x, _, iters, hist = anderson(g, np.zeros((1, N)), tol=tol, max_iter=max_iter,
                                     norm=norm)
    u = x[0]
    # the accepted point (the last evaluation of g): pi'_nij = pi_nij c^_ij^-theta / S_jn
    c, S = state["c"], state["S"]
    pi_new = np.moveaxis(Pi * c[:, None, :] / S[:, :, None], 0, -1)
    log_P = (-(state["sft"] + np.log(S)) / th).T
    err = float(np.max(np.abs(state["e"])))
    return Equilibrium(w_hat=np.exp(u)[None], log_P=log_P[None], pi=pi_new[None],
                       X=state["X"].T[None], Y=state["Y"].T[None],
                       income=state["income"][None], deficit=np.zeros((1, N)),
                       converged=np.array([err <= tol]), iterations=iters, history=hist)


def uniform_tariffs(t: np.ndarray, N: int, J: int) -> np.ndarray:
    """Tariff cube with ``t_n`` on every import of n (every partner, every sector), 0 at home.

    Accepts leading batch dimensions on ``t`` (``(..., N)`` -> ``(..., N, N, J)``).
    """
    off = 1.0 - np.eye(N)
    return np.asarray(t)[..., :, None, None] * off[:, :, None] * np.ones(J)


def optimal_tariff_formula(pi_new: np.ndarray, X: np.ndarray, tariffs_new: np.ndarray,
                           theta: np.ndarray, *, foreign_revenue: bool = False) -> np.ndarray:
    """Uniform optimal tariff of every country given the equilibrium (Lashkaripour 2021).

    ``t_i = 1 / max(sum_s eps_s sum_{n != i} chi_ins (1 - lambda_ins), 1)`` where
    ``chi_ins = F'_nis / sum_{m != i, k} F'_mik`` (``F'`` flows at producer prices) and
    ``lambda_ins = pi'_nis``: the formula of the ``tariffwar`` code (and of
    :func:`formula_nash`).

    Parameters
    ----------
    pi_new : ndarray (..., N, N, J)
        Trade shares at the equilibrium.
    X : ndarray (..., N, J)
        Expenditure at the equilibrium.
    tariffs_new : ndarray (..., N, N, J)
        Tariffs in force.
    theta : ndarray (..., J)
        Trade elasticities.
    foreign_revenue : bool
        Add the term the code omits: a higher price of i's goods moves importer n's
        spending between partners it taxes at different rates, which changes n's tariff
        revenue and income and so its demand for i's goods in every sector. The
        denominator gains ``sum_{n != i} chi_in sum_s alpha_ns eps_s lambda_ins
        (tau_ins - S_ns) / (1 - s_n)`` with ``tau = t / (1 + t)``, ``S_ns = sum_m tau_nms
        lambda_nms`` and ``s_n = sum_s alpha_ns S_ns`` (with uniform tariffs ``t_n`` this
        is ``chi_in sum_s delta_ns eps_s lambda_ins``, ``delta_ns = t_n lambda_nns alpha_ns
        / (1 + t_n lambda_nn)``, the delta of Lashkaripour 2021, Prop. 2, whose printed
        form pairs it with the same sector only). With two countries this makes the formula
        the exact first-order condition for any tariff abroad and any number of sectors.

    Returns
    -------
    ndarray (..., N)
    """
    N = pi_new.shape[-2]
    off = (1.0 - np.eye(N))[:, :, None]
    F = pi_new * X[..., :, None, :] / (1.0 + tariffs_new) * off  # exports of i to n, s
    exports = F.sum(axis=(-3, -1))  # (..., i)
    th = np.asarray(theta)[..., None, None, :]
    num = np.sum(th * F * (1.0 - pi_new), axis=(-3, -1))
    if foreign_revenue:
        tau = tariffs_new / (1.0 + tariffs_new)
        alpha = X / np.where(X.sum(axis=-1, keepdims=True) > 0,
                             X.sum(axis=-1, keepdims=True), 1.0)
        S = np.sum(tau * pi_new, axis=-2)  # (..., n, s): tariff share of n's spending on s
        s_n = np.sum(alpha * S, axis=-1)  # (..., n)
        g = np.sum(alpha[..., :, None, :] * th * pi_new * (tau - S[..., :, None, :]),
                   axis=-1) / (1.0 - s_n)[..., :, None]  # (..., n, i)
        num = num + np.sum(F.sum(axis=-1) * g, axis=-2)
    elast = num / np.where(exports > 0, exports, 1.0)
    return 1.0 / np.maximum(elast, 1.0)


def exact_tariff_map(pi: np.ndarray, X: np.ndarray, t: np.ndarray,
                     theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each country's exact optimal uniform tariff given the state, and its welfare gradient.

    Without input-output links, with every country n taxing all its imports at ``t_n``,
    differentiate country m's welfare ``ln W_m = ln Y_m - sum_s alpha_ms ln P_ms`` with
    respect to ``theta_m = ln(1 + t_m)``, letting every wage adjust (implicit-function
    theorem on the labour markets: Lashkaripour 2021, eq. 8, without the approximation of
    his eq. 9). Nothing is approximated and no term is dropped: the three pieces of the
    module docstring (markup, partners' tariff revenue, third-country wages) are all in it.
    The derivative splits into

    * the direct (distortion) term at given wages,
      ``-tau_m K_m / (1 - s_m)`` with ``tau = t / (1 + t)``, ``a_m = sum_s alpha_ms
      lambda_mms``, ``s_m = tau_m (1 - a_m)`` the tariff share of m's spending and
      ``K_m = a_m (1 - a_m) + sum_s alpha_ms eps_s lambda_mms (1 - lambda_mms)``;
    * the terms-of-trade term ``T_m = grad_x ln W_m . dx/dtheta_m`` with
      ``dx/dtheta = -J^-1 dF/dtheta``, ``F_i = ln(sales_i) - x_i`` the labour-market
      residual in log wages ``x`` and ``J = dF/dx`` (singular along the numeraire, so the
      system is bordered with ``sum dx = 0``; welfare is homogeneous of degree 0 in wages,
      so the numeraire does not matter).

    The first-order condition ``T_m = tau_m K_m / (1 - tau_m (1 - a_m))`` solves for
    ``tau_m = T_m / (K_m + T_m (1 - a_m))``: the map returned, whose fixed point (with the
    labour markets) is the Nash equilibrium of exact best responses. ``tau`` is kept in
    ``[0, 0.99]``: tariffs are not negative (no import subsidies, as in the formula and the
    best responses), and a country whose terms-of-trade term is negative stays at zero.
    One evaluation costs one ``(N J, N)^T @ (N J, N)`` product, six weighted sums over
    sectors (one batched matmul) and one ``(N + 1)`` linear solve with N right-hand sides.

    Parameters
    ----------
    pi : ndarray (N, N, J)
        Trade shares ``lambda_nis`` (importer n, exporter i, sector s) at the state.
    X : ndarray (N, J)
        Expenditure (tariffs included), ``alpha_ns`` times income.
    t : ndarray (N,)
        Each country's uniform tariff on all its imports.
    theta : ndarray (J,)
        Trade elasticities.

    Returns
    -------
    t_new, gradient : ndarray (N,)
        The tariff solving each country's first-order condition at the state, and
        ``d ln W_m / d ln(1 + t_m)`` at ``t`` (zero at an exact best response).
    """
    t_new, gradient, _ = _exact_map(np.ascontiguousarray(np.swapaxes(pi, 1, 2)), X,
                                    np.asarray(t, float), np.asarray(theta, float))
    return t_new, gradient


def _exact_map(P: np.ndarray, X: np.ndarray, t: np.ndarray, theta: np.ndarray,
               resid: np.ndarray | None = None,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`exact_tariff_map` on shares ``P[n, s, i]`` (importer-major).

    Every sum over sectors is one row of ``W @ P`` (W the six weights below, n batched);
    domestic cells (no tariff) are set apart on the diagonal.
    """
    N, J = X.shape
    idx = np.arange(N)
    eye = np.eye(N)
    alpha = X / X.sum(axis=1)[:, None]
    tau = t / (1.0 + t)
    pdom = P[idx, :, idx]  # lambda_nns (n, s)
    a = np.sum(alpha * pdom, axis=1)
    s = tau * (1.0 - a)  # tariff share of n's spending
    S = tau[:, None] * (1.0 - pdom)  # the same, sector by sector
    c = X / (1.0 + t)[:, None]  # n's spending at producer prices per unit share (imports)
    at = alpha * theta
    W = np.stack([c, -theta * pdom * c, at * (tau[:, None] - S), alpha,
                  theta * (X - c) * pdom, theta * c], axis=1)  # (n, 6, s)
    out = np.matmul(W, P)  # (n, 6, i)
    E = out[:, 0].copy()  # sales of i in n at producer prices, summed over sectors
    E[idx, idx] = np.sum(X * pdom, axis=1)
    D = E.sum(axis=0)  # i's sales (value added)
    R = out[:, 2].copy()
    R[idx, idx] = -np.sum(at * S * pdom, axis=1)
    M = eye - R / (1.0 - s)[:, None]  # d ln Y_n / d x_k
    Eth = out[:, 5].copy()
    Eth[idx, idx] = np.sum(theta * X * pdom, axis=1)
    # d sales_i / d x_k: own price, competitors' prices, importers' incomes
    cross = ((P * (theta * c)[:, :, None]).reshape(N * J, N).T @ P.reshape(N * J, N)
             + out[:, 4])
    Jx = (cross - np.diag(Eth.sum(axis=0)) + E.T @ M) / D[:, None] - eye
    Q = np.sum(at * pdom * (1.0 - pdom), axis=1)
    q = ((1.0 - tau) * (1.0 - a) - tau * Q) / (1.0 - s)  # d ln Y_m / d theta_m
    Bm = out[:, 1] + (q - 1.0)[:, None] * E  # (m, i): d sales_i / d theta_m
    Bm[idx, idx] = np.sum(theta * X * pdom * (1.0 - pdom), axis=1) + q * E[idx, idx]
    A = np.zeros((N + 1, N + 1))
    A[:N, :N] = Jx
    A[:N, N] = 1.0
    A[N, :N] = 1.0
    rhs = np.zeros((N + 1, N + 1))
    rhs[:N, :N] = -(Bm.T / D[:, None])
    if resid is not None:
        rhs[:N, N] = -resid
    sol = np.linalg.solve(A, rhs)
    Z = sol[:N, :N]  # (k, m): d x_k / d theta_m
    T = np.einsum("mk,km->m", M - out[:, 3], Z)  # terms-of-trade term
    K = a * (1.0 - a) + Q
    gradient = T - tau * K / (1.0 - s)
    tau_new = np.clip(T / (K + T * (1.0 - a)), 0.0, 0.99)
    return tau_new / (1.0 - tau_new), gradient, sol[:N, N]


def _step(econ: Economy, theta: np.ndarray) -> np.ndarray:
    """Per-country step of the wage update: a diagonal Newton step without IO links.

    The log labour-market residual falls with the own wage at rate ``1 + theta_eff_n -
    h_n``: ``theta_eff_n`` the trade-weighted elasticity of demand for n's labour (as in the
    engine) less ``h_n``, the share of n's value added sold at home, which comes back as
    n's own spending when its income rises.
    """
    exposure = econ.gamma * np.einsum("mnj,mnj->nj", econ.flows, 1.0 - econ.pi)
    home = np.einsum("nnj,nj->n", econ.flows, econ.gamma) / econ.va
    return 1.0 / np.maximum(1.0 + exposure @ theta / econ.va - home, 0.5)


@blas_limited
def formula_nash(econ: Economy, theta: np.ndarray, *, tol: float = 1e-10,
                 max_iter: int = 2000, memory: int = 8,
                 t0: np.ndarray | None = None,
                 active: np.ndarray | None = None, exact: bool = False) -> NashSolution:
    """Nash tariff war of Lashkaripour (2021): wages and formula tariffs as one fixed point.

    Parameters
    ----------
    econ : Economy
        Balanced baseline without input-output links (:func:`balanced`).
    theta : ndarray (J,)
        Trade elasticities.
    tol : float
        Largest labour-market residual and largest tariff gap ``|t - formula(t)|`` accepted.
    max_iter : int
        Joint iterations.
    memory : int
        Anderson memory.
    t0 : ndarray (N,), optional
        Starting tariffs (default: the formula at the baseline).
    active : ndarray of bool (N,), optional
        Countries that set their tariff by the formula; the others keep ``t0`` (default:
        all, the Nash equilibrium; one country: its unilateral optimal tariff).
    exact : bool
        Replace the formula by each country's exact first-order condition
        (:func:`exact_tariff_map`): the Nash equilibrium of exact best responses, the one
        :func:`best_response_nash` finds by finite differences.

    Returns
    -------
    NashSolution
    """
    t_start = time.perf_counter()
    if econ.io is not None:
        raise ValueError("formula_nash: the optimal-tariff formula holds without "
                         "input-output links; use best_response_nash")
    theta = np.asarray(theta, float)
    N, J = econ.shape
    off = (1.0 - np.eye(N))[:, :, None]
    step = _step(econ, theta)
    log_va = np.log(econ.va)
    if t0 is None:
        t0 = optimal_tariff_formula(econ.pi, econ.X, econ.tariffs, theta)
    act = np.ones(N, bool) if active is None else np.asarray(active, bool)
    # sector-major constants: A0[j, n, i] = pi_nij (1 + t_nij)^theta_j, so that with the new
    # tariffs A_nij = pi_nij k^_nij^(-theta_j) = A0 (1 + t'_n)^(-theta_j) off the diagonal
    # (CP eq. 11): every sum over routes is a batched matrix-vector product, and one
    # iteration needs exponentials of N x J numbers only
    A0 = np.where(econ.pi > 0, econ.pi * np.exp(theta * np.log1p(econ.tariffs)), 0.0)
    A0 = np.ascontiguousarray(np.moveaxis(A0, -1, 0))
    A0T = np.ascontiguousarray(np.swapaxes(A0, 1, 2))
    A0sqT = A0T * A0T
    d0 = np.einsum("jnn->jn", A0)  # domestic entries (j, n)
    d0sq = d0 * d0
    A0n = np.ascontiguousarray(np.swapaxes(A0, 0, 1)) if exact else None  # (n, j, i)
    diag = np.arange(N)
    th = theta[:, None]
    gT = econ.gamma.T  # (j, i)
    state: dict[str, np.ndarray] = {}

    def mv(M: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.matmul(M, v[..., None])[..., 0]

    def g(x: np.ndarray) -> np.ndarray:
        u, t = x[0, :N], x[0, N:]
        a = np.exp(-th * np.log1p(t))  # (j, n): (1 + t_n)^(-theta_j)
        y = -th * gT * u  # (j, i): -theta_j log c^_ij
        sft = y.max(axis=1, keepdims=True)
        e = np.exp(y - sft)
        D = d0 * e  # domestic term of each sum
        S = a * (mv(A0, e) - D) + D  # P^_nj^(-theta_j) up to the shift (CP eq. 11)
        share = t / (1.0 + t) * (1.0 - D / S)  # tariff share of spending (j, n)
        income = np.exp(u) * econ.va / (1.0 - np.sum(econ.alpha.T * share, axis=0))
        X = econ.alpha.T * income  # (j, n), no IO: X'_nj = alpha_nj I'_n
        v = a * X / ((1.0 + t) * S)
        vd = X / S
        home = e * d0 * vd  # domestic sales (j, i)
        Y = e * (mv(A0T, v) - d0 * v) + home  # gross output (j, i)
        e_lab = np.log(np.maximum(np.sum(gT * Y, axis=0), 1e-300)) - u - log_va
        if exact:
            # shares importer-major P[n, j, i] = A_nij c^_ij^(-theta_j) / S_jn (CP eq. 12)
            P = A0n * (a / S).T[:, :, None] * e[None]
            P[diag, :, diag] = (d0 * e / S).T
            target, _, du = _exact_map(P, X.T, t, theta, e_lab)
            # a Newton step on the labour markets (the map has their Jacobian), within a
            # trust region far from the equilibrium
            u_new = u + np.clip(du, -0.5, 0.5)
        else:
            v2 = v * a / S  # a^2 X / ((1 + t) S^2)
            Q = e * e * (mv(A0sqT, v2) - d0sq * v2)  # sum_{n != i} F'_nij pi'_nij
            exports = np.sum(Y - home, axis=0)
            elast = np.sum(th * (Y - home - Q), axis=0) / np.where(exports > 0, exports, 1.0)
            target = 1.0 / np.maximum(elast, 1.0)
            u_new = u + step * e_lab
        t_new = np.where(act, target, t)
        u_new = u_new - np.log(np.sum(np.exp(u_new) * econ.va))
        state.update(e=e_lab, gap=t_new - t, u=u, t=t, a=a, c=e, S=S, sft=sft, X=X, Y=Y,
                     income=income)
        return np.concatenate([u_new, t_new])[None, :]

    def norm(f: np.ndarray) -> np.ndarray:
        return np.array([max(np.max(np.abs(state["e"])), np.max(np.abs(state["gap"])))])

    x0 = np.concatenate([np.zeros(N), np.asarray(t0, float)])[None, :]
    with np.errstate(all="ignore"):
        x, _, iters, hist = anderson(g, x0, tol=tol, max_iter=max_iter, memory=memory,
                                     norm=norm)
    u, t = state["u"], state["t"]
    tn = t[:, None, None] * off
    # the equilibrium at the accepted point (the last evaluation of g), in full arrays:
    # pi'_nij = A_nij c^_ij^(-theta_j) / S_jn (CP eq. 12)
    a, c, S = state["a"], state["c"], state["S"]
    scale = np.where(np.eye(N, dtype=bool)[None], 1.0, a[:, :, None])
    pi_new = np.moveaxis(A0 * scale * c[:, None, :] / S[:, :, None], 0, -1)
    log_P = (-(state["sft"] + np.log(S)) / th).T
    X, Y, income = state["X"].T, state["Y"].T, state["income"]
    e_lab = float(np.max(np.abs(state["e"])))
    gap = float(np.max(np.abs(state["gap"])))
    ok = bool(np.isfinite(e_lab) and np.isfinite(gap) and e_lab <= tol and gap <= tol)
    sol = Equilibrium(w_hat=np.exp(u)[None], log_P=log_P[None],
                      pi=pi_new[None], X=X[None], Y=Y[None],
                      income=income[None], deficit=np.zeros((1, N)),
                      converged=np.array([ok]), iterations=iters, history=hist)
    return NashSolution(tariffs=t.copy(), tariffs_new=tn, equilibrium=sol, converged=ok,
                        iterations=iters, residual={"tariff": gap, "labour_market": e_lab},
                        history=hist, seconds=time.perf_counter() - t_start)


@blas_limited
def exact_nash(econ: Economy, theta: np.ndarray, **kwargs: Any) -> NashSolution:
    """Nash equilibrium of exact best responses without input-output links.

    :func:`formula_nash` with ``exact=True``: every country's tariff solves its exact
    first-order condition (:func:`exact_tariff_map`, derivatives by the implicit-function
    theorem on the labour markets) and the wages take a Newton step on the labour markets
    (the map has their Jacobian); both as one Anderson-accelerated fixed point. It is the
    equilibrium :func:`best_response_nash` finds by finite differences of the engine's
    welfare (tests: to 1e-4 pp), at the cost of the formula's fixed point.
    Keywords as in :func:`formula_nash`.
    """
    return formula_nash(econ, theta, exact=True, **kwargs)


class _Cubes:
    """Tariff cube(s): player ``control[n, i, j]``'s level where >= 0, else ``fixed``.

    The controlled cells are found once; each call writes the levels (one player vector
    ``t`` (P,), or a batch (B, P)) into a copy of ``fixed``.
    """

    def __init__(self, control: np.ndarray, fixed: np.ndarray) -> None:
        self.cells = np.nonzero(control >= 0)
        self.player = control[self.cells]
        self.fixed = np.broadcast_to(fixed, control.shape)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t)
        out = np.array(np.broadcast_to(self.fixed, t.shape[:-1] + self.fixed.shape),
                       dtype=np.result_type(t, self.fixed))
        out[(...,) + self.cells] = t[..., self.player]
        return out


def _first_order(center: Economy, slopes: tuple[np.ndarray, np.ndarray, np.ndarray,
                                                 Equilibrium], steps: np.ndarray) -> Equilibrium:
    """A start for the equilibrium at the centre's tariffs plus ``steps`` x h (per player).

    First order from each player's +h solution: changes scale with the step, and the
    players' changes add. Only a start: the solve converges to the same fixed point.
    """
    lw, lp, dx, template = slopes
    return replace(template, w_hat=np.exp(steps @ lw)[None],
                   log_P=np.tensordot(steps, lp, axes=1)[None],
                   X=(center.X + np.tensordot(steps, dx, axes=1))[None])


@blas_limited
@kept.unkept
def best_response_nash(econ: Economy, theta: np.ndarray, control: np.ndarray,
                       owner: np.ndarray, fixed: np.ndarray, t0: np.ndarray, *,
                       tol: float = 1e-7, h: float = 1e-4, solve_tol: float = 1e-11,
                       max_rounds: int = 100, max_step: float = 0.25,
                       chunk: int = 24,
                       progress: Callable[[int, float], None] | None = None,
                       ) -> NashSolution:
    """Nash equilibrium of numerical best responses on exact welfare.

    Parameters
    ----------
    econ : Economy
        Balanced baseline (with or without input-output links).
    theta : ndarray (J,)
        Trade elasticities.
    control : ndarray of int (N, N, J)
        Player that sets each tariff cell, or -1 for cells held at ``fixed``.
    owner : ndarray of int (P,)
        Country whose welfare player p maximises.
    fixed : ndarray (N, N, J)
        Tariffs of the cells no player controls.
    t0 : ndarray (P,)
        Starting tariff levels.
    tol : float
        Stop when no player's Newton step exceeds ``tol``.
    h : float
        Finite-difference step on tariffs for first and second derivatives of welfare.
    solve_tol : float
        Tolerance of every equilibrium solve.
    max_rounds : int
        Largest number of best-response rounds.
    max_step : float
        Largest change of one tariff in one round (a trust region).
    chunk : int
        Batch members per equilibrium solve (memory grows with chunk x N^2 x J).
    progress : callable, optional
        Called after every round with the round number and its largest tariff step.

    Returns
    -------
    NashSolution
        ``residual["tariff"]`` is the largest Newton step of the last round.
    """
    t_start = time.perf_counter()
    theta = np.asarray(theta, float)
    P = len(owner)
    owner = np.asarray(owner, int)
    t = np.maximum(np.asarray(t0, float), 0.0)
    ones = np.ones_like(econ.tariffs)
    center = econ
    hist: list[float] = []
    eye = np.eye(P)
    rounds = 0
    ok = False
    cube_of = _Cubes(control, fixed)
    # each player's +h solution of the last round (changes from its centre), from which the
    # next round's centre solve starts (first order in the tariff steps)
    slopes: tuple[np.ndarray, np.ndarray, np.ndarray, Equilibrium] | None = None
    t_last = t
    while rounds < max_rounds:
        rounds += 1
        # the equilibrium at the current tariffs becomes the baseline of this round
        cube = cube_of(t)
        start = None if slopes is None else _first_order(center, slopes, (t - t_last) / h)

        def centre(s: Equilibrium | None, c: Economy = center,
                   q: np.ndarray = cube) -> Equilibrium:
            return solve_hat(c, q, ones, theta, deficits="zero", tol=solve_tol, start=s)

        sol = solve_from(start, centre)
        if not sol.converged.all():
            raise RuntimeError(f"best_response_nash: the round-{rounds} equilibrium did not "
                               "converge")
        center = center.rebase(sol, cube)
        # welfare of each player's owner at t_p + h and t_p - h, all players in a batch; a
        # player at a tariff below h (at zero, the bound) takes t_p + 2h instead of t_p - h:
        # a one-sided quadratic (the same formula below, its nodes at h and 2h)
        t_last = t
        low = np.where(t >= h, -h, 2.0 * h)
        tb = np.concatenate([t + h * eye, t + low[:, None] * eye])  # (2P, P)
        dt = tb[np.arange(2 * P), np.tile(np.arange(P), 2)] - t[np.tile(np.arange(P), 2)]
        w_own = np.empty(2 * P)
        lw_up = np.empty((P, *center.va.shape))
        lp_up = np.empty((P, *center.X.shape))
        x_up = np.empty((P, *center.X.shape))
        for s in range(0, 2 * P, chunk):
            part = tb[s:s + chunk]
            cubes = cube_of(part)
            sol = solve_hat(center, cubes, ones, np.broadcast_to(theta, (len(part),
                                                                         theta.size)),
                            deficits="zero", tol=solve_tol)
            if not sol.converged.all():
                raise RuntimeError(f"best_response_nash: an equilibrium solve did not "
                                   f"converge in round {rounds}")
            w = eq.welfare(sol.income, center.income, sol.log_P, center.alpha)
            players = np.tile(np.arange(P), 2)[s:s + chunk]
            w_own[s:s + chunk] = np.log(w[np.arange(len(part)), owner[players]])
            rows = slice(s, min(s + chunk, P))  # rows of the +h solutions in this chunk
            if rows.start < rows.stop:
                k = rows.stop - rows.start
                lw_up[rows] = np.log(sol.w_hat[:k])
                lp_up[rows] = sol.log_P[:k]
                x_up[rows] = sol.X[:k] - center.X
        slopes = (lw_up, lp_up, x_up, sol)
        up, dn = w_own[:P], w_own[P:]
        hu, hd = dt[:P], -dt[P:]
        # log welfare is 0 at the center: quadratic through (-hd, dn), (0, 0), (hu, up)
        grad = (up * hd ** 2 - dn * hu ** 2) / (hu * hd * (hu + hd))
        curv = 2.0 * (up * hd + dn * hu) / (hu * hd * (hu + hd))
        newton = np.where(curv < 0, -grad / np.where(curv < 0, curv, -1.0),
                          np.sign(grad) * max_step)
        if not np.isfinite(newton).all():
            bad = int(np.flatnonzero(~np.isfinite(newton))[0])
            raise RuntimeError(f"best_response_nash: round {rounds}: player {bad}'s welfare "
                               f"is not finite near tariff {t[bad]:.4g}")
        t_new = np.maximum(t + np.clip(newton, -max_step, max_step), 0.0)
        move = float(np.max(np.abs(t_new - t)))
        hist.append(move)
        log.debug("best-response round %d: largest step %.3g", rounds, move)
        t = t_new
        if progress is not None:
            progress(rounds, move)
        if move <= tol:
            ok = True
            break
    tn = cube_of(t)
    final = solve_hat(econ, tn, ones, theta, deficits="zero", tol=solve_tol)
    lab = float(final.history[-1]) if final.history else 0.0
    ok = ok and bool(final.converged.all())
    return NashSolution(tariffs=t, tariffs_new=tn, equilibrium=final, converged=ok,
                        iterations=rounds, residual={"tariff": hist[-1] if hist else 0.0,
                                                     "labour_market": lab},
                        history=hist, seconds=time.perf_counter() - t_start)
