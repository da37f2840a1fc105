"""The textbook algorithm for the CP (2015) equilibrium in changes, written once as a yardstick.

wages -> inner price fixed point (plain iteration) -> dense NJ x NJ linear solve for
expenditure -> damped wage update on the trade-balance residual
(``w <- w exp(-step * residual / va)``, the multiplicative form of ``w (1 - step r / va)``).
This is the structure of the public replication codes (CP 2015 Appendix C); it is here only
to time the engine against it in the same run and to cross-check the answer. Not part of the
package.
"""

from __future__ import annotations

import time

import numpy as np

from autarky.model.economy import Economy


def yardstick_solve(econ: Economy, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                    theta: np.ndarray, tol: float = 1e-8, max_iter: int = 20_000,
                    step: float = 0.5, budget: float = float("inf"),
                    deficit_new: np.ndarray | None = None) -> dict[str, object]:
    """Solve with the textbook nested loops (deficits fixed at baseline values).

    Parameters
    ----------
    econ : Economy
        Baseline (model units, world value added 1).
    tariffs_new, tau_hat : ndarray (N, N, J)
        The shock.
    theta : ndarray (J,)
        Trade elasticities.
    tol : float
        Stop when the largest trade-balance residual relative to value added is below tol.
    max_iter : int
        Outer iterations.
    step : float
        Damping of the wage update ``w <- w exp(-step * residual / va)``.
    budget : float
        Wall-clock seconds after which to give up (reported as not converged).
    deficit_new : ndarray (N,), optional
        Counterfactual deficits (default: the baseline ones).

    Returns
    -------
    dict
        ``w_hat, log_P, pi, X, income, iterations, converged, seconds``.
    """
    t0 = time.perf_counter()
    N, J = econ.shape
    pi, t0_tar = econ.pi, econ.tariffs
    open_ = np.isfinite(tau_hat) & (pi > 0)
    kappa = np.where(open_, (1 + tariffs_new) / (1 + t0_tar) * np.where(open_, tau_hat, 1), 1)
    io = econ.io if econ.io is not None else np.zeros((N, J, J))
    D = econ.deficit if deficit_new is None else np.asarray(deficit_new, float)
    w = np.ones(N)
    P = np.ones((N, J))
    eye = np.eye(N * J)
    converged = False
    it = 0
    X = econ.X.copy()
    pi_new = pi
    for it in range(1, max_iter + 1):  # noqa: B007
        # inner loop: prices given wages
        for _ in range(10_000):
            c = np.exp(econ.gamma * np.log(w)[:, None]
                       + np.einsum("ik,ikj->ij", np.log(P), io))
            terms = np.where(open_, pi * (kappa * c[None, :, :]) ** (-theta), 0.0)
            P_new = terms.sum(axis=1) ** (-1.0 / theta)
            done = np.max(np.abs(P_new - P)) < 1e-12
            P = P_new
            if done:
                break
        pi_new = terms / terms.sum(axis=1, keepdims=True)
        # dense solve: X = A X + alpha (w va + D), A from IO demand and tariff revenue
        M = pi_new / (1 + tariffs_new)  # (n, i, k)
        tshare = 1 - M.sum(axis=1)  # (n, k)
        H = np.einsum("njk,mnk->njmk", io, M).reshape(N * J, N * J)
        F = np.zeros((N, J, N, J))
        F[np.arange(N), :, np.arange(N), :] = econ.alpha[:, :, None] * tshare[:, None, :]
        rhs = (econ.alpha * (w * econ.va + D)[:, None]).ravel()
        X = np.linalg.solve(eye - H - F.reshape(N * J, N * J), rhs).reshape(N, J)
        spend = M * X[:, None, :]
        resid = spend.sum(axis=(1, 2)) - spend.sum(axis=(0, 2)) - D
        if np.max(np.abs(resid) / econ.va) < tol:
            converged = True
            break
        w = w * np.exp(-step * resid / econ.va)  # damped; exp keeps wages positive
        w = w / np.sum(w * econ.va)
        if time.perf_counter() - t0 > budget:
            break
    income = w * econ.va + D + np.sum(
        X * np.sum(pi_new * tariffs_new / (1 + tariffs_new), axis=1), axis=1)
    return {"w_hat": w, "log_P": np.log(P), "pi": pi_new, "X": X, "income": income,
            "iterations": it, "converged": converged, "seconds": time.perf_counter() - t0}


def yardstick_welfare(econ: Economy, sol: dict[str, object]) -> np.ndarray:
    """Percent change in real income from a yardstick solution."""
    log_p = np.sum(econ.alpha * np.asarray(sol["log_P"]), axis=1)
    return 100 * (np.asarray(sol["income"]) / econ.income * np.exp(-log_p) - 1)
