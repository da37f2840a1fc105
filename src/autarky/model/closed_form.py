"""Closed-form welfare of autarky: sufficient statistics used as checks and fast paths.

With balanced trade and no tariffs, moving a country to autarky changes its real income by
a formula in the domestic trade shares alone:

* one sector (Arkolakis, Costinot and Rodriguez-Clare 2012): ``W^_n = pi_nn^(1/theta)``;
* many sectors without input-output links (Costinot and Rodriguez-Clare 2014, Section 4):
  ``W^_n = prod_j pi_nnj^(alpha_nj / theta_j)``;
* with input-output links (CRC 2014, Section 4.1, in CP 2015 notation): autarky gives
  ``log P^_nj = log c^_nj - log(pi_nnj) / theta_j`` and
  ``log c^_nj = gamma_nj log w^_n + sum_k io[n, k, j] log P^_nk``; since
  ``(I - io_n^T)^{-1} gamma_n = 1`` and ``I^_n = w^_n``,
  ``log W^_n = sum_j alpha_nj sum_k [(I - io_n^T)^{-1}]_jk log(pi_nnk) / theta_k``.

``W^ < 1``: the numbers are the real-income change of autarky (minus the gains from trade).

With baseline tariffs and the deficit rule "zero" (income after autarky is value added
alone: no tariff revenue, no deficit), :func:`world_autarky_welfare` gives the exact
equilibrium of the model (CP 2015 in changes) from any baseline: ``I^_n = w^_n va_n / I_n``
and the same price system, so ``W^_n = (va_n / I_n) * crc_autarky(...)``.
"""

from __future__ import annotations

import numpy as np

from autarky.model.economy import Economy

__all__ = ["acr_autarky", "closes_every_route", "crc_autarky", "world_autarky_welfare"]


def acr_autarky(pi_nn: np.ndarray, theta: float | np.ndarray) -> np.ndarray:
    """One-sector autarky welfare change ``W^_n = pi_nn^(1/theta)`` (ACR 2012)."""
    return np.power(pi_nn, 1.0 / np.asarray(theta, float))


def crc_autarky(pi_nn: np.ndarray, alpha: np.ndarray, theta: np.ndarray,
                io: np.ndarray | None = None) -> np.ndarray:
    """Multi-sector autarky welfare change, with or without input-output links.

    Parameters
    ----------
    pi_nn : ndarray (N, J)
        Domestic trade shares ``pi_nnj``.
    alpha : ndarray (N, J)
        Final-demand shares.
    theta : ndarray (J,)
        Trade elasticities.
    io : ndarray (N, J, J), optional
        ``io[n, k, j]``: input k per unit of output j.

    Returns
    -------
    ndarray (N,)
        ``W^_n`` (CRC 2014 without IO; with IO the Leontief-inverse form in the
        module docstring).
    """
    with np.errstate(divide="ignore"):
        ell = np.log(pi_nn) / np.asarray(theta, float)  # (N, J)
    if io is None:
        return np.exp(np.sum(alpha * ell, axis=-1))
    J = ell.shape[-1]
    A = np.eye(J) - np.swapaxes(io, -1, -2)  # (I - io^T), per country
    x = np.linalg.solve(A, ell[..., None])[..., 0]
    return np.exp(np.sum(alpha * x, axis=-1))


def closes_every_route(tariffs: np.ndarray, tariffs_new: np.ndarray,
                       tau_hat: np.ndarray) -> bool:
    """Whether a shock is world autarky as :func:`world_autarky_welfare` takes it.

    Every foreign route prohibitive (``tau_hat`` infinite off the diagonal), home sales
    untouched (``tau_hat`` 1 on the diagonal) and untaxed before and after; one shock
    (N, N, J), not a batch.
    """
    if np.ndim(tau_hat) != 3 or np.ndim(tariffs_new) != 3:
        return False
    foreign = ~np.eye(tau_hat.shape[0], dtype=bool)
    return bool(np.all(np.isposinf(tau_hat[foreign]))
                and np.all(np.einsum("nnj->nj", tau_hat) == 1.0)
                and not np.any(np.einsum("nnj->nj", tariffs))
                and not np.any(np.einsum("nnj->nj", tariffs_new)))


def world_autarky_welfare(econ: Economy, theta: np.ndarray) -> np.ndarray:
    """Welfare change (%) of every country when every foreign route closes, exactly.

    The equilibrium in changes of :func:`autarky.model.solver.solve_hat` for a shock
    with :func:`closes_every_route` and the deficit rule "zero", in closed form (module
    docstring): ``100 (va_n / I_n * crc_autarky(pi_nn, alpha, theta, io) - 1)``, with
    every baseline quantity of ``econ`` (e.g. the balanced baseline of
    :func:`autarky.model.balance.balance`). Each country's real income depends on its own
    domestic shares only; its nominal wage is not determined by the closed form (the
    solver's numeraire fixes it), nor needed.
    """
    pi_nn = np.einsum("nnj->nj", econ.pi)
    what = crc_autarky(pi_nn, econ.alpha, np.asarray(theta, float), econ.io)
    return 100.0 * (econ.va / econ.income * what - 1.0)
