"""Equilibrium equations of Caliendo and Parro (2015) in changes ("exact hat algebra").

Plain vectorised functions in the notation of the paper, no validation (they are called
inside solver loops and Monte Carlo batches). Every function accepts leading batch
dimensions ``...`` on the endogenous variables and on ``theta`` (e.g. ``theta`` of shape
``(B, J)`` for B elasticity draws); baseline arrays carry no batch dimension.

Equation numbers refer to the equilibrium conditions in changes of CP (2015), Section 3
(eqs. 10-14).

Notation (CP 2015, Section 3; Costinot and Rodriguez-Clare 2014 without input-output links):
``n`` importer, ``i`` exporter, ``j, k`` sectors; ``x^`` a change ``x'/x``.

=============  ====================  ===========================================================
symbol         shape                 meaning
=============  ====================  ===========================================================
``log_w``      (..., N)              log w^_n, change in the wage (value added per worker)
``log_P``      (..., N, J)           log P^_nj, change in the sectoral price index
``log_c``      (..., N, J)           log c^_ij, change in the unit cost of the input bundle
``log_kappa``  (N, N, J)             log k^_nij = log[(1 + t'_nij) / (1 + t_nij) d^_nij]
``weight``     (N, N, J)             pi_nij where the route stays open (d^ finite), else 0
``theta``      (..., J)              trade elasticity theta_j
``gamma``      (N, J)                value-added share gamma_nj
``io``         (N, J, J)             io[n, k, j] = gamma_n^{kj}, input k per unit of output j
``alpha``      (N, J)                final-demand share alpha_nj
``pi``         (..., N, N, J)        trade shares pi_nij (importer n, exporter i, sector j)
``X``          (..., N, J)           expenditure (absorption) X_nj, tariffs included
=============  ====================  ===========================================================

Prohibitive trade costs are exact: a route with ``d^ = inf`` gets weight 0, so its share
is exactly zero, never a large finite number.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "log_trade_cost",
    "unit_cost",
    "price_index",
    "cost_weights",
    "price_index_fast",
    "trade_shares",
    "trade_shares_sm",
    "gross_output_sm",
    "expenditure_step_sm",
    "expenditure",
    "expenditure_step",
    "sector_major",
    "expenditure_no_io",
    "gross_output",
    "tariff_revenue",
    "value_added",
    "aggregate_price",
    "welfare",
    "welfare_decomposition",
    "trade_cost_effect",
]


def log_trade_cost(tariffs: np.ndarray, tariffs_new: np.ndarray, tau_hat: np.ndarray,
                   pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log change in bilateral trade costs and the weight of each open route.

    ``k^_nij = (1 + t'_nij) / (1 + t_nij) * d^_nij`` (CP 2015, eq. 10-11 notation).

    Returns
    -------
    log_kappa : ndarray (N, N, J)
        ``log k^``; 0 on closed routes (their weight is 0).
    weight : ndarray (N, N, J)
        ``pi_nij`` where ``d^_nij`` is finite, else exactly 0.
    """
    open_ = np.isfinite(tau_hat) & (pi > 0)
    safe = np.where(open_, tau_hat, 1.0)
    log_kappa = np.where(open_, np.log1p(tariffs_new) - np.log1p(tariffs) + np.log(safe), 0.0)
    return log_kappa, np.where(open_, pi, 0.0)


def unit_cost(log_w: np.ndarray, log_P: np.ndarray, gamma: np.ndarray,
              io: np.ndarray | None) -> np.ndarray:
    """Change in the unit cost of the input bundle, in logs.

    ``c^_ij = w^_i^{gamma_ij} prod_k P^_ik^{gamma_i^{kj}}`` (CP 2015, eq. 10), i.e.
    ``log c^_ij = gamma_ij log w^_i + sum_k io[i, k, j] log P^_ik``.
    """
    out = gamma * log_w[..., :, None]
    if io is not None:
        lp = np.moveaxis(log_P, -2, 0)  # (N, ..., J)
        shape = lp.shape
        prod = np.matmul(lp.reshape(shape[0], -1, shape[-1]), io).reshape(shape)
        out = out + np.moveaxis(prod, 0, -2)
    return out


def price_index(log_c: np.ndarray, log_kappa: np.ndarray, weight: np.ndarray,
                theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sectoral price index and new trade shares.

    ``P^_nj = [sum_i pi_nij (k^_nij c^_ij)^(-theta_j)]^(-1/theta_j)`` (CP 2015, eq. 11) and
    ``pi'_nij = pi_nij (k^_nij c^_ij / P^_nj)^(-theta_j)`` (CP 2015, eq. 12).

    Computed with a log-sum-exp shift so that nothing overflows; closed routes
    (``weight == 0``) contribute exactly zero. Every (n, j) needs an open route.

    Returns
    -------
    log_P : ndarray (..., N, J)
    pi_new : ndarray (..., N, N, J)
    """
    z = log_kappa + log_c[..., None, :, :]  # (..., n, i, j)
    open_ = weight > 0
    zm = np.min(np.where(open_, z, np.inf), axis=-2, keepdims=True)
    th = np.asarray(theta)[..., None, None, :]
    e = weight * np.exp(-th * np.where(open_, z - zm, 0.0))
    s = e.sum(axis=-2, keepdims=True)
    log_P = np.squeeze(zm - np.log(s) / th, axis=-2)
    return log_P, e / s


def cost_weights(log_kappa: np.ndarray, weight: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Constant part of the price index ``A_nij = pi_nij k^_nij^(-theta_j)`` (CP eq. 11).

    With it ``P^_nj^(-theta_j) = sum_i A_nij c^_ij^(-theta_j)``: a matrix-vector product per
    sector, so the inner price loop needs no exponential over N x N x J cells. Returned in
    sector-major layout ``A[..., j, n, i]`` for batched BLAS products. Closed routes are
    exactly 0; the exponent is clipped at +-700.
    """
    th = np.asarray(theta)[..., None, None, :]
    expo = np.clip(-th * log_kappa, -700.0, 700.0)
    A = np.where(weight > 0, weight * np.exp(expo), 0.0)
    return np.ascontiguousarray(np.moveaxis(A, -1, -3))


def price_index_fast(log_c: np.ndarray, A: np.ndarray, theta: np.ndarray,
                     log_kappa: np.ndarray | None = None, weight: np.ndarray | None = None,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`price_index` from :func:`cost_weights` (``A[..., j, n, i]``), per-sector shift.

    Returns ``log_P`` (..., N, J), the scaled costs ``e[..., j, i] = exp(-theta_j log c^_ij
    - s_j)`` and the sums ``S[..., j, n] = sum_i A_jni e_ji`` (so that ``pi'_nij = A_jni e_ji
    / S_jn``). Where a sum underflows (extreme cost gaps) and ``log_kappa, weight`` are
    given, those cells are recomputed with the exact log-sum-exp of :func:`price_index`.
    """
    th = np.asarray(theta)[..., :, None]
    y = -th * np.swapaxes(log_c, -1, -2)  # (..., j, i)
    sft = np.max(y, axis=-1, keepdims=True)
    e = np.exp(y - sft)
    S = np.matmul(A, e[..., None])[..., 0]  # (..., j, n)
    with np.errstate(divide="ignore"):
        log_P = np.swapaxes(-(sft + np.log(S)) / th, -1, -2)
    if log_kappa is not None and weight is not None and not np.all(S > 0):
        exact, _ = price_index(log_c, log_kappa, weight, theta)
        log_P = np.where(np.swapaxes(S, -1, -2) > 0, log_P, exact)
    return log_P, e, S


def trade_shares(A: np.ndarray, e: np.ndarray, S: np.ndarray) -> np.ndarray:
    """New trade shares ``pi'_nij = A_nij c^_ij^(-theta_j) / P^_nj^(-theta_j)`` (CP eq. 12).

    Inputs in the sector-major layout of :func:`price_index_fast`; output ``(..., N, N, J)``.
    """
    return np.moveaxis(A * e[..., None, :] / S[..., :, None], -3, -1)


def trade_shares_sm(A: np.ndarray, e: np.ndarray, S: np.ndarray) -> np.ndarray:
    """:func:`trade_shares` left in the sector-major layout ``[..., j, n, i]`` (a new array)."""
    out = A * e[..., None, :]
    out /= S[..., :, None]
    return out


def gross_output_sm(M: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Gross output ``Y'_ik = sum_n M[..., k, n, i] X'_nk`` from shares net of tariffs.

    ``M[..., k, n, i] = pi'_nik / (1 + t'_nik)`` in the sector-major layout of
    :func:`cost_weights`; ``X`` (..., N, J). Returns (..., N, J). One row-vector product
    per sector on ``M`` as it is (no transposed copy).
    """
    xt = np.swapaxes(X, -1, -2)[..., None, :]  # (..., k, 1, n)
    return np.swapaxes(np.matmul(xt, M)[..., 0, :], -1, -2)


def expenditure_step_sm(X: np.ndarray, M: np.ndarray, tax_share: np.ndarray,
                        income_base: np.ndarray, alpha: np.ndarray, io: np.ndarray,
                        ) -> np.ndarray:
    """:func:`expenditure_step` with net shares ``M[..., k, n, i]`` (CP 2015, eq. 13).

    ``M`` in the layout of :func:`gross_output_sm`; ``tax_share[..., n, k]`` as in
    :func:`expenditure_step`.
    """
    Y = gross_output_sm(M, X)
    income = income_base + np.sum(X * tax_share, axis=-1)
    return np.matmul(io, Y[..., None])[..., 0] + alpha * income[..., None]


def gross_output(pi_new: np.ndarray, tariffs_new: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Gross output (sales net of tariffs) ``Y'_ik = sum_n pi'_nik X'_nk / (1 + t'_nik)``."""
    return np.einsum("...nik,...nk->...ik", pi_new / (1.0 + tariffs_new), X)


def tariff_revenue(pi_new: np.ndarray, tariffs_new: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Tariff revenue ``R'_n = sum_j X'_nj sum_i t'_nij pi'_nij / (1 + t'_nij)`` (CP eq. 14)."""
    share = np.sum(pi_new * (tariffs_new / (1.0 + tariffs_new)), axis=-2)
    return np.sum(X * share, axis=-1)


def expenditure(X: np.ndarray, pi_new: np.ndarray, tariffs_new: np.ndarray,
                income_base: np.ndarray, alpha: np.ndarray, io: np.ndarray) -> np.ndarray:
    """One evaluation of the goods-market equation (CP 2015, eq. 13).

    ``X'_nj = sum_k gamma_n^{jk} sum_i pi'_ink X'_ik / (1 + t'_ink) + alpha_nj I'_n`` with
    ``I'_n = income_base_n + R'_n(X')`` and ``income_base = w^ w L + D'`` (eq. 14).
    Its fixed point in ``X'`` is the expenditure given wages and prices.
    """
    M = pi_new / (1.0 + tariffs_new)
    tax_share = 1.0 - M.sum(axis=-2)
    return expenditure_step(X, sector_major(M), tax_share, income_base, alpha, io)


def sector_major(M: np.ndarray) -> np.ndarray:
    """``M[..., n, i, k]`` as a contiguous ``(..., k, i, n)`` array (for repeated products)."""
    return np.ascontiguousarray(np.moveaxis(M, (-3, -2, -1), (-1, -2, -3)))


def expenditure_step(X: np.ndarray, Mt: np.ndarray, tax_share: np.ndarray,
                     income_base: np.ndarray, alpha: np.ndarray, io: np.ndarray) -> np.ndarray:
    """:func:`expenditure` from precomputed parts (CP 2015, eq. 13), for fixed-point loops.

    ``Mt`` is ``pi'_nik / (1 + t'_nik)`` in the layout of :func:`sector_major`
    (``(..., k, i, n)``) and ``tax_share[..., n, k] = sum_i pi'_nik t'_nik / (1 + t'_nik)``;
    gross output is ``Y'_ik = sum_n Mt[k, i, n] X'_nk`` and income
    ``I'_n = income_base_n + sum_k tax_share_nk X'_nk``.
    """
    Y = np.swapaxes(np.matmul(Mt, np.swapaxes(X, -1, -2)[..., None])[..., 0], -1, -2)
    income = income_base + np.sum(X * tax_share, axis=-1)
    return np.matmul(io, Y[..., None])[..., 0] + alpha * income[..., None]


def expenditure_no_io(pi_new: np.ndarray, tariffs_new: np.ndarray, income_base: np.ndarray,
                      alpha: np.ndarray) -> np.ndarray:
    """Closed form of eq. 13 without input-output links: ``X'_nj = alpha_nj I'_n``.

    With ``I'_n = income_base_n + sum_j alpha_nj s_nj I'_n`` and ``s_nj`` the tariff share
    of spending, ``I'_n = income_base_n / (1 - sum_j alpha_nj s_nj)``.
    """
    share = np.sum(pi_new * (tariffs_new / (1.0 + tariffs_new)), axis=-2)
    income = income_base / (1.0 - np.sum(alpha * share, axis=-1))
    return alpha * income[..., None]


def value_added(gamma: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Labour-market clearing: value added ``w'_n L_n = sum_j gamma_nj Y'_nj`` (CP eq. 14)."""
    return np.sum(gamma * Y, axis=-1)


def aggregate_price(log_P: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Log change of the consumer price index ``log P^_n = sum_j alpha_nj log P^_nj``."""
    return np.sum(alpha * log_P, axis=-1)


def welfare(income_new: np.ndarray, income: np.ndarray, log_P: np.ndarray,
            alpha: np.ndarray) -> np.ndarray:
    """Change in real income ``W^_n = I^_n / prod_j P^_nj^{alpha_nj}`` (CP 2015, Section 4)."""
    return income_new / income * np.exp(-aggregate_price(log_P, alpha))


def welfare_decomposition(flows: np.ndarray, flows_new: np.ndarray, tariffs: np.ndarray,
                          c_hat: np.ndarray, income: np.ndarray,
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Terms-of-trade and volume-of-trade effects by country and sector (CP 2015, Section 4).

    CP (2015) decompose the welfare effect of a tariff change into

    ``ToT_nj = sum_i [E_nij (c^_nj - 1) - M_nij (c^_ij - 1)] / I_n`` and
    ``VoT_nj = sum_i t_nij M_nij (M^_nij - c^_ij) / I_n``,

    with ``E_nij`` exports of n to i and ``M_nij`` imports of n from i (baseline, producer
    prices), ``t`` the baseline tariffs and ``I_n`` baseline income: the first-order formula
    evaluated with discrete changes, as in the CP (2015) code and Table 2. Their sum is a
    first-order approximation of ``W^_n - 1``; for large tariff cuts it overstates the
    volume-of-trade gain (rectangle instead of triangle).

    Returns
    -------
    tot, vot : ndarray (N, J)
        Fractions of baseline income (multiply by 100 for percent).
    """
    exp_ = np.einsum("inj->nij", flows)  # exports of n to i
    with np.errstate(divide="ignore", invalid="ignore"):
        m_hat = np.where(flows > 0, flows_new / np.where(flows > 0, flows, 1.0), 0.0)
    tot = (np.einsum("nij,nj->nj", exp_, c_hat - 1.0)
           - np.einsum("nij,ij->nj", flows, c_hat - 1.0)) / income[:, None]
    vot = np.einsum("nij,nij->nj", tariffs * flows, m_hat - c_hat[None, :, :]) / income[:, None]
    return tot, vot


def trade_cost_effect(flows: np.ndarray, tariffs: np.ndarray, tau_hat: np.ndarray,
                      income: np.ndarray) -> np.ndarray:
    """Direct effect of iceberg trade-cost changes by country and sector, first order.

    With iceberg costs ``d_nij`` changing, the CP (2015) first-order welfare change of
    country n gains the term ``-sum_i (1 + t_nij) M_nij d ln d_nij / I_n``: the extra real
    resources its baseline imports (at delivered producer prices, plus the tariff levied on
    them) now cost (the differential form integrated by
    :meth:`autarky.results.Result.decomposition_path`). Evaluated with discrete changes as
    ``d ln d ~ 1 - 1/d^``, which equals ``ln d^`` to first order and stays finite for a
    prohibitive cost (``d^ = inf``: the whole baseline import bill of that route). It is
    zero for tariff-only shocks (``d^ = 1``).

    Returns
    -------
    ndarray (N, J)
        Fraction of baseline income (multiply by 100 for percent).
    """
    dln = 1.0 - 1.0 / np.asarray(tau_hat, float)
    return -np.einsum("nij,nij->nj", (1.0 + tariffs) * flows, dln) / income[:, None]
