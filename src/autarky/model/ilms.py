"""The one-sector model of Ignatenko, Lashkaripour, Macedoni and Simonovska (2025).

"Making America Great Again? The Economic Impacts of Liberation Day Tariffs" (JIE 157;
NBER w33771), Section 2, in changes. Channels beyond the engine's Armington model:

* elastic labour supply: ``L^_i = (tau^_i w^_i / P^_i)^kappa`` (Frisch elasticity kappa);
* tariff revenue cuts the income tax (``rebate="income-tax"``: the net-of-tax wage rises by
  ``tau^_i = 1 / (1 - R'_i / Y'_i)``) or is rebated lump sum (``rebate="lump-sum"``,
  ``tau^ = 1``);
* partial pass-through: a tariff raises the importer's price by ``(1 + t)^phi_i`` with
  ``phi_i = 1 + phi~_i`` (``phi~`` from the roundabout share, see :func:`pass_through`);
* an income structure with a roundabout share ``nu_i``: country i's income is
  ``sum_j (1 - nu_j) X_ij + nu_i sum_j X_ji``;
* deficits (transfers) ``T_i`` held fixed as a share of world income.

Unknowns ``w^, E^, L^`` (3N); residuals: labour income = sales net of the roundabout share
(one replaced by the numeraire: the expenditure-weighted mean price change is zero),
expenditure = income + tariff revenue + transfers, labour supply. Welfare is the change in
real consumption with the labour-disutility weight ``delta_i`` of the paper. Solved from
``w^ = E^ = L^ = 1`` by Newton steps with the system's analytic Jacobian
(:func:`jacobian`), a factorisation kept while it still cuts the residual tenfold per step
and a step halved where it would overshoot; should that fail, by ``scipy.optimize.root``
(MINPACK hybrj) with the same Jacobian.

Notation: ``X[j, i]`` exporter j, importer i; ``lam[j, i] = X[j, i] / E_i``;
``t[j, i]`` the tariff importer i levies on j's goods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import linalg, optimize

from autarky.model.threads import blas_limited

__all__ = ["ILMSParams", "ILMSSolution", "jacobian", "pass_through", "solve",
           "optimal_retaliation", "reciprocal"]

Rebate = Literal["income-tax", "lump-sum"]


@dataclass(frozen=True)
class ILMSParams:
    """Parameters of the ILMS (2025) baseline.

    Attributes
    ----------
    eps : float
        Trade elasticity (4 in the paper's baseline).
    kappa : float
        Labour-supply elasticity (0.5).
    psi_share : float
        Scale-economy term: ``psi = psi_share / eps`` (0.67 / eps in the paper).
    rebate : {"income-tax", "lump-sum"}
        Use of tariff revenue.
    pass_through : float
        The paper's three cases: ``phi = pass_through + phi~`` with 1 (baseline), 0.5 or 0.25.
    """

    eps: float = 4.0
    kappa: float = 0.5
    psi_share: float = 0.67
    rebate: Rebate = "income-tax"
    pass_through: float = 1.0

    def __post_init__(self) -> None:
        if not self.eps > 0 or not self.kappa >= 0 or not self.psi_share > 0:
            raise ValueError("ILMSParams: eps and psi_share must be > 0, kappa >= 0")
        if self.rebate not in ("income-tax", "lump-sum"):
            raise ValueError(f"ILMSParams.rebate: {self.rebate!r} is not 'income-tax' or "
                             "'lump-sum'")


@dataclass(frozen=True, eq=False)
class ILMSSolution:
    """Equilibrium in changes; percent changes by country.

    Attributes
    ----------
    welfare, employment, cpi : ndarray (N,)
        Percent changes.
    tariff_revenue : ndarray (N,)
        New tariff revenue as a share of expenditure.
    converged : bool
    residual : float
        Largest absolute residual, relative to each equation's scale.
    """

    welfare: np.ndarray
    employment: np.ndarray
    cpi: np.ndarray
    tariff_revenue: np.ndarray
    converged: bool
    residual: float


def pass_through(nu: np.ndarray, p: ILMSParams) -> np.ndarray:
    """``phi_i = pass_through + (1 + theta) / ((1 - nu_i) theta) - 1 / theta - 1``.

    ``theta = eps / psi_share`` (ILMS 2025).
    """
    theta = p.eps / p.psi_share
    return p.pass_through + (1 + theta) / ((1 - nu) * theta) - 1 / theta - 1


def _system(x: np.ndarray, lam: np.ndarray, E: np.ndarray, Y: np.ndarray, T: np.ndarray,
            nu: np.ndarray, t: np.ndarray, phi: np.ndarray, p: ILMSParams,
            ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    N = len(E)
    w, Eh, L = np.abs(x[:N]), np.abs(x[N:2 * N]), np.abs(x[2 * N:])
    psi = p.psi_share / p.eps
    # trade shares: exporter cost w / L^psi, importer price (1 + t)^phi
    aux = lam * (w / L ** psi)[:, None] ** (-p.eps) * (1 + t) ** (-p.eps * phi[None, :])
    denom = aux.sum(axis=0)
    share = aux / denom
    E_new = E * Eh
    Y_new = w * L * Y
    P = (Eh / w) ** (1 - phi) * denom ** (-1 / p.eps)
    X_new = share * E_new[None, :] / (1 + t)
    rev = np.sum(share * t / (1 + t), axis=0) * E_new
    if p.rebate == "income-tax":
        tau = rev / Y_new
        tau_h = 1.0 / (1.0 - tau)
    else:
        tau = np.zeros(N)
        tau_h = np.ones(N)
    err1 = ((1 - nu)[None, :] * X_new).sum(axis=1) + nu * X_new.sum(axis=0) - Y_new
    err1[-1] = np.mean((P - 1) * E)
    err2 = rev + Y_new + T * (Y_new.sum() / Y.sum()) - E_new
    err3 = L - (tau_h * w / P) ** p.kappa
    out = {"w": w, "Eh": Eh, "L": L, "P": P, "rev": rev, "tau": tau}
    return np.concatenate([err1 / E, err2 / E, err3]), out


def jacobian(x: np.ndarray, lam: np.ndarray, E: np.ndarray, Y: np.ndarray, T: np.ndarray,
             nu: np.ndarray, t: np.ndarray, phi: np.ndarray, p: ILMSParams) -> np.ndarray:
    """Analytic Jacobian (3N x 3N) of the residuals of :func:`solve` at ``x = (w^, E^, L^)``.

    Derivatives are taken in logs and divided by ``x`` (``d/dx = (1/x) d/d log|x|``, the
    system reads ``|x|``). With ``c_j = w^_j L^_j^-psi`` the exporter's cost and ``S`` the
    new trade shares, ``d S_ji / d log c_k = -eps S_ji (1{j=k} - S_ki)``; every other term
    follows by the chain rule (tests: against central differences of the residuals).
    """
    N = len(E)
    w, Eh, L = np.abs(x[:N]), np.abs(x[N:2 * N]), np.abs(x[2 * N:])
    eps, kap = p.eps, p.kappa
    psi = p.psi_share / p.eps
    aux = lam * (w / L ** psi)[:, None] ** (-eps) * (1 + t) ** (-eps * phi[None, :])
    denom = aux.sum(axis=0)
    S = aux / denom
    E_new = E * Eh
    Y_new = w * L * Y
    P = (Eh / w) ** (1 - phi) * denom ** (-1 / eps)
    X_new = S * E_new[None, :] / (1 + t)
    r = t / (1 + t)
    rbar = np.sum(S * r, axis=0)  # revenue per unit of spending
    rev = rbar * E_new
    Xa = X_new * (1 - nu)[None, :]
    sales = X_new.sum(axis=0)
    dY = np.diag(Y_new)
    # labour income (err1) by log cost c and log E^; log w^ and log L^ act through c
    D1c = eps * (Xa @ S.T - np.diag(Xa.sum(axis=1))
                 + nu[:, None] * (S.T * sales[:, None] - X_new.T))
    D1w, D1E, D1L = D1c - dY, Xa + np.diag(nu * sales), -psi * D1c - dY
    # log P by log w^, log E^, log L^; the numeraire row replaces the last err1
    DPw, DPE, DPL = S.T - np.diag(1 - phi), np.diag(1 - phi), -psi * S.T
    q = E * P / N
    D1w[-1], D1E[-1], D1L[-1] = q @ DPw, q @ DPE, q @ DPL
    # tariff revenue by log c (by log E^ it is rev itself); expenditure (err2)
    Drc = -eps * E_new[:, None] * S.T * (r.T - rbar[:, None])
    Tm = T[:, None] * Y_new[None, :] / Y.sum()
    D2w, D2E, D2L = Drc + dY + Tm, np.diag(rev - E_new), -psi * Drc + dY + Tm
    # labour supply (err3): L - (tau^ w / P)^kappa, log tau^ by rev / Y'
    if p.rebate == "income-tax":
        tau_h = 1.0 / (1.0 - rev / Y_new)
        ry = np.diag(rev / Y_new)
        Dtw = tau_h[:, None] * (Drc / Y_new[:, None] - ry)
        DtE = tau_h[:, None] * ry
        DtL = tau_h[:, None] * (-psi * Drc / Y_new[:, None] - ry)
    else:
        tau_h = np.ones(N)
        Dtw = DtE = DtL = np.zeros((N, N))
    kq = kap * ((tau_h * w / P) ** kap)[:, None]
    D3w = -kq * (Dtw + np.eye(N) - DPw)
    D3E = -kq * (DtE - DPE)
    D3L = np.diag(L) - kq * (DtL - DPL)
    J = np.block([[D1w, D1E, D1L], [D2w, D2E, D2L], [D3w, D3E, D3L]])
    J[:2 * N] /= np.r_[E, E][:, None]
    return J / x[None, :]


def _newton(f: Callable[[np.ndarray], np.ndarray], jac: Callable[[np.ndarray], np.ndarray],
            x: np.ndarray, tol: float, max_iter: int = 60) -> tuple[np.ndarray, bool]:
    """Newton steps from ``x``: the last point and whether its largest residual is within tol.

    The LU factorisation of the Jacobian is kept while each step cuts the largest residual
    at least tenfold, and refreshed otherwise; a step with a fresh factorisation that does
    not lower the residual is halved (up to :data:`_HALVINGS` times). Stops at
    ``tol / 1e4``, or when no such step lowers the residual (rounding).
    """
    F = f(x)
    r = float(np.max(np.abs(F)))
    lu: Any = None
    prev = np.inf
    for _ in range(max_iter):
        if not np.isfinite(r) or r <= tol * 1e-4:
            break
        fresh = lu is None or r > 0.1 * prev
        if fresh:
            J = jac(x)
            if not np.all(np.isfinite(J)):
                break
            lu = linalg.lu_factor(J, check_finite=False)
        step = linalg.lu_solve(lu, F, check_finite=False)
        # the full step, or (fresh Jacobian only) the first of its halves that lowers the
        # largest residual: far from the root a full step can overshoot
        for k in range(_HALVINGS + 1 if fresh else 1):
            x_new = x - step / 2.0 ** k
            F_new = f(x_new)
            r_new = float(np.max(np.abs(F_new)))
            if r_new < r:
                break
        if not r_new < r:  # no progress (or not finite)
            if fresh:
                break
            lu = None  # retry the step with a fresh Jacobian
            continue
        x, F, prev, r = x_new, F_new, r, r_new
    return x, bool(r <= tol)


_HALVINGS = 10
"""Largest number of halvings of a Newton step with a fresh Jacobian (:func:`_newton`)."""


@blas_limited
def solve(lam: np.ndarray, E: np.ndarray, Y: np.ndarray, T: np.ndarray, nu: np.ndarray,
          t: np.ndarray, p: ILMSParams, tol: float = 1e-10) -> ILMSSolution:
    """Solve the ILMS equilibrium in changes for the tariffs ``t[j, i]`` (from zero).

    Newton with the analytic Jacobian (:func:`jacobian`) from ``w^ = E^ = L^ = 1``; if it
    does not reach ``tol``, MINPACK's hybrj (``scipy.optimize.root``) from the same start.

    Returns
    -------
    ILMSSolution
    """
    phi = pass_through(nu, p)
    N = len(E)
    args = (lam, E, Y, T, nu, t, phi, p)

    def f(x: np.ndarray) -> np.ndarray:
        return _system(x, *args)[0]

    def jac(x: np.ndarray) -> np.ndarray:
        return jacobian(x, *args)

    x, ok = _newton(f, jac, np.ones(3 * N), tol)
    if not ok:
        x = optimize.root(f, np.ones(3 * N), jac=jac, method="hybr",
                          options={"xtol": 1e-13}).x
    res, out = _system(x, *args)
    resid = float(np.max(np.abs(res)))
    P, w, L, Eh, tau = out["P"], out["w"], out["L"], out["Eh"], out["tau"]
    delta = E / (E - p.kappa * (1 - tau) * Y / (1 + p.kappa))
    W = delta * Eh / P + (1 - delta) * w * L / P
    return ILMSSolution(welfare=100 * (W - 1), employment=100 * (L - 1), cpi=100 * (P - 1),
                        tariff_revenue=out["rev"] / (E * Eh), converged=resid <= tol,
                        residual=resid)


def reciprocal(t: np.ndarray, us: int) -> np.ndarray:
    """Every partner sets on US goods the US tariff on its own: ``t[us, j] = t[j, us]``."""
    out = t.copy()
    out[us, :] = t[:, us]
    out[us, us] = 0.0
    return out


def optimal_retaliation(t: np.ndarray, X: np.ndarray, Y: np.ndarray, nu_row: float,
                        nu_us: float, us: int, p: ILMSParams, phi: np.ndarray) -> np.ndarray:
    """Each partner's optimal tariff on US goods (ILMS 2025).

    On the two-region aggregate (rest of world, US), with the rest of the world's exports
    to the US weighted by one minus its share of US spending,
    ``delta = (1 - nu_us) X_row,us (1 - lam_row,us) / ((1 - nu_row) (Y_row - X_row,row))``,
    every partner i sets the tariff ``1 / ((1 + eps delta) phi_i - 1)`` on US goods (the
    Lashkaripour 2021 formula with the pass-through of ILMS 2025).
    """
    N = len(Y)
    agg = np.zeros((2, N))
    agg[0] = 1.0
    agg[0, us] = 0.0
    agg[1, us] = 1.0
    Xa, Ya = agg @ X @ agg.T, agg @ Y
    la = Xa / Xa.sum(axis=0, keepdims=True)
    nus = np.array([nu_row, nu_us])
    off = 1.0 - np.eye(2)
    # row sums: the rest of the world's exports to the US, weighted by 1 - its share there
    delta = ((Xa * (1 - nus)[None, :] * off * (1 - la)).sum(axis=1)
             / ((1 - nus) * (Ya - np.diag(Xa))))
    out = t.copy()
    out[us, :] = 1.0 / ((1.0 + delta[0] * p.eps) * phi - 1.0)
    out[us, us] = 0.0
    return out
