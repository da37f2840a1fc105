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
"""

from __future__ import annotations

import numpy as np

__all__ = ["acr_autarky", "crc_autarky"]


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
