"""Cost weights of many elasticity draws as a few draw-independent matrices ("levels").

The solver's cost weights are ``A[b, j, n, i] = pi_jni k^_jni^(-theta_bj)`` (CP 2015,
eq. 11, sector-major layout of :func:`autarky.model.equations.cost_weights`). Most shocks
change trade costs by one of a few factors: a bloc split raises every between-bloc route
by the same iceberg factor, leaving the others at ``k^ = 1``. When ``log k^`` takes only
``V`` distinct values ``v`` over the open routes,

    ``A[b, j] = sum_v exp(-theta_bj v) W[j, v]``,   ``W[j, v] = pi_j * (log k^_j == v)``,

so the products of the inner loops, ``S[b, j] = A[b, j] e[b, j]`` and the same with
``A / (1 + t')``, become matrix-matrix products per sector over all draws at once: the
weights of every open route times ``E[j]`` (``N x B``), plus for each level ``v != 0`` a
correction ``(exp(-theta_bj v) - 1) W[j, v] e[b, j]`` computed on the rows and columns
that level touches only (a bloc split: each bloc's members buying from the other's). The
matrices do not depend on the draws: they are built once per shock and baseline and
shared by every chunk of a Monte Carlo, and ``B`` draws cost a few compute-bound BLAS
calls instead of ``B`` memory-bound matrix-vector products.

The result equals the dense product up to rounding (the same terms summed in another
order). :class:`Levels` is used by :class:`autarky.model.solver.WageMap` for batches of at
least :data:`MIN_BATCH` rows when the shock has at most :data:`MAX_LEVELS` levels.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from autarky.model.economy import Equilibrium

__all__ = ["FINAL_ROWS", "MAX_LEVELS", "MIN_BATCH", "Levels", "factored", "final_in_parts",
           "levels"]


MAX_LEVELS = 4
"""Most distinct values of ``log k^`` (over open routes) for the factored form."""
MIN_BATCH = 2
"""Fewest batch rows for the factored form (one row: the dense product is cheaper)."""

_CACHE: list[tuple[np.ndarray, np.ndarray, np.ndarray, _Parts | None]] = []


class _Parts:
    """The draw-independent matrices of one shock's routes (see :class:`Levels`)."""

    def __init__(self, log_kappa: np.ndarray, weight: np.ndarray, inv_tn: np.ndarray,
                 values: np.ndarray) -> None:
        live = weight > 0
        base = np.where(live, weight, 0.0)  # every open route at k^ = 1: (J, N, N)
        self.base = base
        self.base_net = base * inv_tn
        self.base_net_t = np.ascontiguousarray(np.swapaxes(self.base_net, -1, -2))
        self.values = values[values != 0.0]
        # each other level: its routes' weights on the rows (importers) and columns
        # (exporters) it touches only, so the correction costs r x c, not N x N, per
        # sector; rows with the same exporters form one block (a bloc split: members of
        # one bloc buying from the other), at most GROUPS blocks per level
        self.blocks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                np.ndarray]] = []
        for v, value in enumerate(self.values):
            on = live & (log_kappa == value)
            for rows, cols in _rectangles(on.any(axis=0)):
                W = np.where(on, weight, 0.0)[:, rows][:, :, cols]  # (J, r, c)
                W_net = W * inv_tn[:, rows][:, :, cols]
                self.blocks.append((v, rows, cols, W, W_net,
                                    np.ascontiguousarray(np.swapaxes(W_net, -1, -2))))


GROUPS = 4
"""Most blocks (sets of importers with the same exporters) per level."""


def _rectangles(mask: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(rows, cols)`` blocks covering the True cells of ``mask`` (N, N).

    Rows with the same set of True columns form one block; with more than
    :data:`GROUPS` such sets, one block of every touched row and column.
    """
    rows = np.flatnonzero(mask.any(axis=1))
    pats, inverse = np.unique(mask[rows], axis=0, return_inverse=True)
    if len(pats) > GROUPS:
        return [(rows, np.flatnonzero(mask.any(axis=0)))]
    inverse = np.ravel(inverse)
    return [(rows[inverse == k], np.flatnonzero(pats[k])) for k in range(len(pats))]


def _parts(log_kappa: np.ndarray, weight: np.ndarray, inv_tn: np.ndarray) -> _Parts | None:
    """The matrices of these routes, or None if there are more than MAX_LEVELS levels.

    Kept for the last routes seen (compared by identity: the solver's route cache returns
    the same arrays for the same shock and baseline, e.g. every chunk of a Monte Carlo).
    """
    if _CACHE and _CACHE[0][0] is log_kappa and _CACHE[0][1] is weight \
            and _CACHE[0][2] is inv_tn:
        return _CACHE[0][3]
    values = np.unique(log_kappa[weight > 0])
    out = (_Parts(log_kappa, weight, inv_tn, values)
           if 0 < len(values) <= MAX_LEVELS else None)
    _CACHE[:] = [(log_kappa, weight, inv_tn, out)]
    return out


class Levels:
    """The cost weights of ``B`` elasticity rows in the factored form (module docstring).

    ``A[b, j] = base[j] + sum_v (exp(-theta_bj v) - 1) W_v[j]`` with ``base`` the weights
    of every open route (the level ``v = 0``, unchanged routes, needs no correction) and
    each ``W_v`` kept on the rows and columns it touches.

    Parameters
    ----------
    parts : _Parts
        The draw-independent matrices.
    theta : ndarray (B, J)
    """

    def __init__(self, parts: _Parts, theta: np.ndarray) -> None:
        self.parts = parts
        self.theta = theta
        # (B, J, V): k^^(-theta) - 1 of each non-zero level
        self.coef = np.exp(-theta[:, :, None] * parts.values) - 1.0
        # (V, J, 1, B) for the corrections in the layout [j, n, b]
        self.coef_t = np.ascontiguousarray(np.transpose(self.coef, (2, 1, 0)))[:, :, None, :]

    def take(self, rows: np.ndarray) -> Levels:
        """The same for the batch rows ``rows``."""
        return Levels(self.parts, self.theta[rows])

    def _apply(self, which: int, x: np.ndarray) -> np.ndarray:
        """``sum_i M[b, j, n, i] x[b, j, i]`` for ``x`` (B, J, N): (B, J, N).

        ``which``: 0 the cost weights A, 1 ``A / (1 + t')``, 2 the latter transposed.
        """
        p = self.parts
        X = np.ascontiguousarray(np.moveaxis(x, 0, -1))  # (J, N, B)
        base = (p.base, p.base_net, p.base_net_t)[which]
        out = np.matmul(base, X)
        for v, rows, cols, W, W_net, W_net_t in p.blocks:
            M, r, c = ((W, rows, cols), (W_net, rows, cols), (W_net_t, cols, rows))[which]
            part = np.matmul(M, X[:, c])
            part *= self.coef_t[v]
            out[:, r] += part
        return np.moveaxis(out, -1, 0)

    def sums(self, e: np.ndarray) -> np.ndarray:
        """``S[b, j, n] = sum_i A[b, j, n, i] e[b, j, i]``."""
        return self._apply(0, e)

    def sums_net(self, e: np.ndarray) -> np.ndarray:
        """``sum_i (A / (1 + t'))[b, j, n, i] e[b, j, i]``."""
        return self._apply(1, e)

    def net_left(self, x: np.ndarray) -> np.ndarray:
        """``sum_n x[b, j, n] (A / (1 + t'))[b, j, n, i]`` (B, J, N)."""
        return self._apply(2, x)

    def times(self, d: np.ndarray) -> np.ndarray:
        """``d * A`` for ``d`` (B, J, N, N), in place (no array of the weights is built)."""
        p = self.parts
        fixes = [(r, k, d[:, :, r[:, None], k] * (self.coef[:, :, v, None, None] * W))
                 for v, r, k, W, _, _ in p.blocks]
        d *= p.base
        for r, k, fix in fixes:
            d[:, :, r[:, None], k] += fix
        return d

    def dense(self, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
        """The cost weights ``A[rows]`` (b, J, N, N) as one array."""
        p = self.parts
        c = self.coef[rows]
        A = np.repeat(p.base[None], c.shape[0], axis=0)
        for v, r, k, W, _, _ in p.blocks:
            A[:, :, r[:, None], k] += c[:, :, v, None, None] * W
        return A


def factored(log_kappa: np.ndarray, weight: np.ndarray, inv_tn: np.ndarray) -> bool:
    """Whether routes of one shock (``[j, n, i]``) have at most :data:`MAX_LEVELS` levels."""
    return log_kappa.ndim == 3 and _parts(log_kappa, weight, inv_tn) is not None


def levels(log_kappa: np.ndarray, weight: np.ndarray, inv_tn: np.ndarray,
           theta: np.ndarray) -> Levels | None:
    """:class:`Levels` of these routes for ``theta`` (B, J), or None where not worth it.

    None when the batch has fewer than :data:`MIN_BATCH` rows, the routes more than
    :data:`MAX_LEVELS` distinct cost changes, or a level's exponent ``theta v`` is beyond
    +-700 (the dense path then clips and checks exactly).
    """
    if theta.shape[0] < MIN_BATCH or log_kappa.ndim != 3:  # (one shock per row: dense)
        return None
    parts = _parts(log_kappa, weight, inv_tn)
    if parts is None:
        return None
    if parts.values.size and np.max(np.abs(theta[:, :, None] * parts.values)) > 700.0:
        return None
    return Levels(parts, theta)


FINAL_ROWS = 8
"""Rows of a batch of draws whose shares and full residual check are computed at once
(dense ``B x N x N x J`` arrays: memory grows with it)."""


def final_in_parts(g: Any, u: np.ndarray, iterations: int, history: list[float],
                    tol: float, shares: bool) -> tuple[Equilibrium, dict[str, np.ndarray]]:
    """The solution and its full residual check, :data:`FINAL_ROWS` rows at a time.

    ``g`` is the solver's :class:`~autarky.model.solver.WageMap` (with ``keep``): its
    ``equilibrium`` and ``residuals`` on parts of the batch (bounded memory for a large
    batch of draws), put together in batch order.
    """
    assert g.keep is not None
    B = u.shape[0]
    parts: list[tuple[Equilibrium, dict[str, np.ndarray]]] = []
    for lo in range(0, B, FINAL_ROWS):
        mask = np.zeros(B, dtype=bool)
        mask[lo:lo + FINAL_ROWS] = True
        g.keep(mask)
        sol = g.equilibrium(u[mask], iterations, history, tol, shares)
        parts.append((sol, g.residuals(sol)))
        g.keep(None)
    first = parts[0][0]

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p[0], name) for p in parts])

    pi = np.empty((B, *first.pi.shape[1:]))
    for k, (sol, _) in enumerate(parts):
        pi[k * FINAL_ROWS:k * FINAL_ROWS + sol.pi.shape[0]] = sol.pi
    res = {k: np.concatenate([p[1][k] for p in parts]) for k in parts[0][1]}
    return replace(first, w_hat=cat("w_hat"), log_P=cat("log_P"), pi=pi, X=cat("X"),
                   Y=cat("Y"), income=cat("income"), deficit=cat("deficit"),
                   converged=cat("converged"), inner_evaluations=g.inner_evaluations), res
