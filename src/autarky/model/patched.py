"""Cost weights of many shocks that differ from one reference shock in one country each.

A batch of scenarios often shares one shock except for one country's trade costs: in
``bloc-choice`` every row is the stay-out split with one state's row and column (its
imports and its exports) set as if it joined a bloc. The solver's arrays over routes
(``log k^``, the cost weights ``A[b, j, n, i] = pi_jni k^_jni^(-theta_j)``, ``A / (1 + t')``,
CP 2015 eq. 11, in the sector-major layout of :mod:`autarky.model.solver`) then are

    ``A[b] = R + D[b]``,  ``D[b]`` non-zero in row ``s_b`` and column ``s_b`` only,

with ``R`` the reference's weights (built once per reference shock, baseline and
elasticities, and kept for the next batch of the same reference) and, per row, the new row
and column of its country (``2 N J`` numbers instead of ``N^2 J``). The products of the
solver's loops become one matrix-matrix product with ``R`` for all rows (compute-bound BLAS
instead of ``B`` memory-bound matrix-vector products) plus ``O(N J)`` per row for the row
and column. The numbers are the dense product's up to rounding (the same terms, summed in
another order); the row's own weights are computed cell by cell exactly as the dense path
computes them.

:class:`Patched` has the interface of :class:`autarky.model.levels.Levels` (``sums``,
``sums_net``, ``net_left``, ``times``, ``dense``, ``take``), so
:class:`autarky.model.solver.WageMap` uses it the same way (converged rows leave the batch,
the final check is done a few rows at a time). :func:`patched` decides whether it applies:
one tariff matrix and one elasticity vector for the batch, each row different from the
reference in at most one country's row and column, no country closed off by a row, no
exponent beyond +-700; otherwise the solver builds the dense arrays as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autarky.model.economy import Economy

__all__ = ["Patched", "RowShocks", "patched", "shares_gap_bound"]

_CACHE: list[tuple[Any, ...]] = []


class _Reference:
    """The reference shock's arrays for one elasticity vector (``[j, n, i]``, shared)."""

    def __init__(self, econ: Economy, routes: tuple[Any, ...], theta: np.ndarray) -> None:
        _, tn, _, log_kappa, weight, open_, inv_tn = routes
        self.theta = theta
        self.inv_tn = inv_tn
        expo = -theta[:, None, None] * log_kappa
        self.ok = not (expo.size and np.max(np.abs(expo)) > 700.0)
        self.A = np.where(weight > 0, weight * np.exp(expo), 0.0)  # (J, N, N)
        self.A_net = self.A * inv_tn
        # the products' right-hand matrices: x[b, j, :] @ M[j] for all rows at once
        self.A_t = np.ascontiguousarray(np.swapaxes(self.A, -1, -2))
        self.A_net_t = np.ascontiguousarray(np.swapaxes(self.A_net, -1, -2))
        # log((1 + t') / (1 + t)) of every route, as the dense path forms it
        self.log_t = np.log1p(np.ascontiguousarray(np.moveaxis(tn, -1, -3))) \
            - econ.log1p_tariffs_sm
        foreign = open_ & ~np.eye(open_.shape[-1], dtype=bool)
        self.foreign = foreign
        self.imports = foreign.sum(axis=(0, 2))  # open foreign routes of each importer
        self.exports = foreign.sum(axis=(0, 1))  # ... of each exporter
        self.closed = (self.imports == 0) & (self.exports == 0)


def _reference(econ: Economy, routes: tuple[Any, ...], theta: np.ndarray) -> _Reference:
    """:class:`_Reference` of these routes (the solver's cached tuple) and ``theta``."""
    if _CACHE and _CACHE[0][0] is routes and np.array_equal(_CACHE[0][1], theta):
        ref: _Reference = _CACHE[0][2]
        return ref
    ref = _Reference(econ, routes, theta)
    _CACHE[:] = [(routes, theta.copy(), ref)]
    return ref


class Patched:
    """Cost weights ``A[b] = R + D[b]`` of a batch (module docstring).

    Parameters
    ----------
    ref : _Reference
        The reference's arrays.
    who : ndarray (B,) of int
        Each row's country (0 with zero corrections for a row equal to the reference).
    drow, dcol : ndarray (B, J, N)
        ``A[b, j, s, i] - R[j, s, i]`` and ``A[b, j, n, s] - R[j, n, s]`` (0 at ``n = s``:
        the diagonal belongs to the row); ``drow_net, dcol_net`` the same for
        ``A / (1 + t')``.
    """

    def __init__(self, ref: _Reference, who: np.ndarray, drow: np.ndarray, dcol: np.ndarray,
                 drow_net: np.ndarray, dcol_net: np.ndarray) -> None:
        self.ref, self.who = ref, who
        self.drow, self.dcol, self.drow_net, self.dcol_net = drow, dcol, drow_net, dcol_net
        self.at = np.arange(len(who))

    def take(self, rows: np.ndarray) -> Patched:
        """The same for the batch rows ``rows``."""
        return Patched(self.ref, self.who[rows], self.drow[rows], self.dcol[rows],
                       self.drow_net[rows], self.dcol_net[rows])

    def _apply(self, right: np.ndarray, x: np.ndarray, row: np.ndarray, col: np.ndarray,
               left: bool) -> np.ndarray:
        """``M[b] x[b]`` (``left``: ``x[b] M[b]``) with ``M[b] = base + row/col patch``.

        ``right`` is the matrix the rows multiply (``base`` transposed, or ``base`` for
        ``left``): one product ``(J, B, N) @ (J, N, N)`` on views of ``x``, no copies.
        """
        out = np.matmul(x.transpose(1, 0, 2), right).transpose(1, 0, 2)  # (B, J, N)
        at, s = self.at, self.who
        xs = x[at, :, s]  # (B, J): x at each row's own country
        if left:  # sum_n x_n M[n, i]: row s adds x_s * row; column s adds x . col at i = s
            out += xs[..., None] * row
            out[at, :, s] += np.einsum("bjn,bjn->bj", x, col)
        else:  # sum_i M[n, i] x_i: row s adds row . x at n = s; column s adds col * x_s
            out += col * xs[..., None]
            out[at, :, s] += np.einsum("bji,bji->bj", row, x)
        return out

    def sums(self, e: np.ndarray) -> np.ndarray:
        """``S[b, j, n] = sum_i A[b, j, n, i] e[b, j, i]``."""
        return self._apply(self.ref.A_t, e, self.drow, self.dcol, False)

    def sums_net(self, e: np.ndarray) -> np.ndarray:
        """``sum_i (A / (1 + t'))[b, j, n, i] e[b, j, i]``."""
        return self._apply(self.ref.A_net_t, e, self.drow_net, self.dcol_net, False)

    def net_left(self, x: np.ndarray) -> np.ndarray:
        """``sum_n x[b, j, n] (A / (1 + t'))[b, j, n, i]`` (B, J, N)."""
        return self._apply(self.ref.A_net, x, self.drow_net, self.dcol_net, True)

    def times(self, d: np.ndarray) -> np.ndarray:
        """``d * A`` for ``d`` (B, J, N, N), in place."""
        at, s = self.at, self.who
        R = self.ref.A
        rows = d[at, :, s, :] * (_row(R, s) + self.drow)
        cols = d[at, :, :, s] * (_col(R, s) + self.dcol)
        d *= R
        d[at, :, :, s] = cols
        d[at, :, s, :] = rows  # the diagonal is the row's
        return d

    def dense(self, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
        """The cost weights ``A[rows]`` (b, J, N, N) as one array."""
        at = self.at[rows]
        s = self.who[at]
        A = np.repeat(self.ref.A[None], len(at), axis=0)
        k = np.arange(len(at))
        A[k, :, :, s] += self.dcol[at]
        A[k, :, s, :] += self.drow[at]
        return A


@dataclass(frozen=True, eq=False)
class RowShocks:
    """Trade-cost changes of ``B`` rows given as one reference and one country's cells each.

    Row ``b`` is ``reference`` with country ``who[b]``'s row (its imports, ``rows[b]`` =
    ``tau_hat[b, s, :, :]``) and column (its exports, ``cols[b]`` = ``tau_hat[b, :, s, :]``)
    replaced; on the diagonal the row's value counts. :meth:`dense` is the
    ``(B, N, N, J)`` array it stands for; :func:`autarky.model.solver.solve_hat` accepts
    either and, given this form, builds the reference's route arrays once
    (:class:`Patched`) instead of ``B`` copies of them.
    """

    reference: np.ndarray
    who: np.ndarray
    rows: np.ndarray
    cols: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        """``(B, N, N, J)``."""
        return (len(self.who), *self.reference.shape)

    @property
    def ndim(self) -> int:
        """4, as the dense array's."""
        return 4

    def dense(self) -> np.ndarray:
        """The ``(B, N, N, J)`` array of the rows."""
        at = np.arange(len(self.who))
        H = np.repeat(self.reference[None], len(self.who), axis=0)
        H[at, :, self.who] = self.cols
        H[at, self.who] = self.rows
        return H

    def all_finite(self) -> bool:
        """Whether every trade-cost change of every row is finite (no route closes)."""
        return bool(np.all(np.isfinite(self.reference)) and np.all(np.isfinite(self.rows))
                    and np.all(np.isfinite(self.cols)))


def patched(econ: Economy, tariffs_new: np.ndarray, shocks: RowShocks, theta: np.ndarray,
            routes: Callable[[Economy, np.ndarray, np.ndarray], tuple[Any, ...]],
            ) -> Patched | None:
    """:class:`Patched` for these rows, or None when it does not apply (module docstring).

    ``tariffs_new`` one matrix (3-D, or 4-D with every row the same); ``theta`` (B, J);
    ``routes`` the solver's route builder (``autarky.model.solver._routes``, which keeps
    the reference's arrays between calls).
    """
    tn = np.asarray(tariffs_new)
    if tn.ndim == 4:
        if not (tn.strides[0] == 0 or np.all(tn == tn[:1])):
            return None
        tn = tn[0]
    if tn.shape != shocks.reference.shape or not np.all(theta == theta[:1]):
        return None
    s = np.asarray(shocks.who)
    B, N = len(s), shocks.reference.shape[0]
    at = np.arange(B)
    ref = _reference(econ, routes(econ, tn, shocks.reference), theta[0])
    if not ref.ok:
        return None
    # the row (n = s) and column (i = s) of every route array, [b, j, k] with k the partner
    th_row = np.swapaxes(shocks.rows, -1, -2)  # (B, J, N): tau_hat[b, s, i, j]
    th_col = np.swapaxes(shocks.cols, -1, -2)  # (B, J, N): tau_hat[b, n, s, j]
    pos = econ.pi_sm_positive
    o_row = np.isfinite(th_row) & _row(pos, s)
    o_col = np.isfinite(th_col) & _col(pos, s)
    # closed countries: open foreign routes counted with the row's own row and column
    mine = (np.arange(N)[None, :] == s[:, None])[:, None, :]  # (B, 1, N)
    imp = (ref.imports[None] - _col(ref.foreign, s).sum(axis=1)
           + (o_col & ~mine).sum(axis=1))
    imp[at, s] = (o_row & ~mine).sum(axis=(1, 2))
    exp_ = (ref.exports[None] - _row(ref.foreign, s).sum(axis=1)
            + (o_row & ~mine).sum(axis=1))
    exp_[at, s] = (o_col & ~mine).sum(axis=(1, 2))
    if np.any((imp == 0) & (exp_ == 0)) or ref.closed.any():
        return None

    def weights(o: np.ndarray, log_t: np.ndarray, th_: np.ndarray, pi: np.ndarray,
                ) -> np.ndarray | None:
        # as the solver's dense route arrays, cell by cell (the same bits)
        lk = log_t + np.log(np.where(o, th_, 1.0))
        lk = np.where(o, lk, 0.0)
        expo = -theta[:, :, None] * lk
        if expo.size and np.max(np.abs(expo)) > 700.0:
            return None
        return np.where(o, pi * np.exp(expo), 0.0)

    A_row = weights(o_row, _row(ref.log_t, s), th_row, _row(econ.pi_sm, s))
    A_col = weights(o_col, _col(ref.log_t, s), th_col, _col(econ.pi_sm, s))
    if A_row is None or A_col is None:
        return None
    drow = A_row - _row(ref.A, s)
    dcol = A_col - _col(ref.A, s)
    dcol[at, :, s] = 0.0  # the diagonal belongs to the row
    return Patched(ref, s, drow, dcol, drow * _row(ref.inv_tn, s),
                   dcol * _col(ref.inv_tn, s))


def shares_gap_bound(e: np.ndarray, S: np.ndarray, e0: np.ndarray, S0: np.ndarray,
                     limit: float) -> np.ndarray | None:
    """An upper bound per row of the trade shares' gap, or None if one exceeds ``limit``.

    The gap of the final check is ``A_ni (e_i / S_n - e0_i / S0_n) = pi_ni (r_i q_n - 1)``
    with ``pi = A e0 / S0`` the solution's shares (in [0, 1]), ``r = e / e0`` and
    ``q = S0 / S``; so ``|gap| <= max(r_max q_max - 1, 1 - r_min q_min)`` per sector,
    ``O(N)`` instead of the ``N x N`` array. When every row's bound is within ``limit``
    (the check's threshold) it stands for the gap (the check passes as it would on the
    gap itself); otherwise None and the caller computes the gap.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        r, q = e / e0, S0 / S  # (B, J, N): exporters i, importers n
        hi = r.max(axis=-1) * q.max(axis=-1) - 1.0
        lo = 1.0 - r.min(axis=-1) * q.min(axis=-1)
    bound = np.maximum(hi, lo).max(axis=-1)
    return bound if bool(np.all(bound <= limit)) else None


def _row(M: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``M[j, s_b, i]`` of a ``[j, n, i]`` array as ``(B, J, N)``."""
    return np.swapaxes(M[:, s, :], 0, 1)


def _col(M: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``M[j, n, s_b]`` of a ``[j, n, i]`` array as ``(B, J, N)``."""
    return np.transpose(M[:, :, s], (2, 0, 1))
