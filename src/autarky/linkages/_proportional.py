r"""Leontief solves on a table built under proportionality, without its ``n x n`` matrix.

A World without a published multi-regional table gets one under the proportionality
assumption (:mod:`autarky.linkages._model`): user ``(n, j)`` buys input ``k`` from origin
``i`` in the proportion in which country ``n`` as a whole buys ``k`` from ``i``. Its
coefficients factor as

.. math::  A_{(i,k),(n,j)} = P_{nik} \, C_{nkj},

``P[n, i, k]`` the share of ``n``'s purchases of ``k`` bought from ``i`` (after rule L1)
and ``C[n, k, j]`` the input coefficient of ``k`` in ``(n, j)``. A product ``A' U`` then
costs ``R^2 S m + R S^2 m`` multiply-adds for ``m`` columns instead of ``n^2 m``
(``n = R S``; icio194: 1.3 M instead of 31.7 M per column) and the ``n x n`` array (253 MB
on icio194) is never formed.

``(I - A) x = y`` and ``(I - A)' u = w`` are solved by block Jacobi iteration: each
country's domestic block ``I - A_nn`` (``S x S``) is solved exactly and the imported part
is iterated, ``u <- u + (I - D')^{-1} (w - (I - A') u)``. This is a regular splitting of
the M-matrix ``I - A`` (``A >= 0``, a productive table), so it converges, at a rate of
the imported share of inputs through the domestic chain (about 0.22 per iteration on
icio194 and icio2023: 21 iterations to a residual of 1e-14). The solve stops when the
largest residual ``|w - (I - A') u|`` is at most ``tol`` times the largest ``|w|``, and
raises :class:`~autarky.errors.ConvergenceError` when it is not reached in ``maxiter``
iterations or the iterate stops being finite: it never returns an unconverged answer.
BLAS runs on one thread inside a solve (:func:`autarky.model.threads.single_blas_thread`),
as in the equilibrium solver: the products are batches of small matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from autarky.errors import ConvergenceError, DataError
from autarky.model.threads import blas_limited

__all__ = ["TOL", "MAXITER", "ProportionalTable", "pick"]

TOL = 1e-13
"""Largest residual of a solve, relative to the largest right-hand side."""

MAXITER = 500
"""Block Jacobi iterations before a solve gives up with a ConvergenceError."""


@dataclass(frozen=True, eq=False)
class ProportionalTable:
    """``A[(i, k), (n, j)] = P[n, i, k] C[n, k, j]``: a proportionality table, never formed.

    Attributes
    ----------
    P : ndarray (R, R, S)
        ``P[n, i, k]``: share of country ``n``'s purchases of input ``k`` bought from ``i``.
    C : ndarray (R, S, S)
        ``C[n, k, j]``: input ``k`` per unit of output of ``(n, j)`` (zero where there
        is no output).
    x : ndarray (n,)
        Gross output, country-major.
    regions, sectors : tuple of str
        Labels (as in :class:`~autarky.linkages.IOModel`).

    :func:`~autarky.linkages.multipliers`, :func:`~autarky.linkages.dependency` and
    :func:`~autarky.linkages.supplier_exposure` accept it in place of an IOModel.
    """

    P: np.ndarray
    C: np.ndarray
    x: np.ndarray
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    _Pk: np.ndarray = field(init=False, repr=False)  # [k, n, i], contiguous
    _Ct: np.ndarray = field(init=False, repr=False)  # [n, j, k], contiguous
    _M: np.ndarray = field(init=False, repr=False)  # I - A_nn, [n, k, j]
    _Minv: np.ndarray = field(init=False, repr=False)  # (I - A_nn)^-1, [n, j, k]

    def __post_init__(self) -> None:
        R, R2, S = self.P.shape
        if (R2 != R or self.C.shape != (R, S, S) or self.x.shape != (R * S,)
                or (len(self.regions), len(self.sectors)) != (R, S)):
            raise DataError(f"proportional table: P {self.P.shape}, C {self.C.shape}, x "
                            f"{self.x.shape} and {len(self.regions)} x {len(self.sectors)} "
                            "labels do not fit (R, R, S), (R, S, S), (R*S,), R x S")
        object.__setattr__(self, "_Pk", np.ascontiguousarray(np.transpose(self.P, (2, 0, 1))))
        object.__setattr__(self, "_Ct", np.ascontiguousarray(np.transpose(self.C, (0, 2, 1))))
        object.__setattr__(self, "_M", np.eye(S)[None] - self.domestic_blocks())
        # the preconditioner's blocks, inverted once (R systems of S x S, each a
        # diagonally dominant M-matrix): applied by one batched product per iteration.
        # Their rounding does not enter the answer: convergence is judged on the residual
        # computed with A itself.
        try:
            inv = np.linalg.solve(self._M, np.broadcast_to(np.eye(S), self._M.shape))
        except np.linalg.LinAlgError:
            raise DataError("I - A is singular: a country's domestic input-output block has "
                            "no Leontief inverse") from None
        object.__setattr__(self, "_Minv", inv)

    def __repr__(self) -> str:
        R, S = self.shape
        return (f"<ProportionalTable {R} regions x {S} sectors (n = {R * S}), "
                f"output {self.x.sum():,.0f}>")

    @property
    def shape(self) -> tuple[int, int]:
        """(regions, sectors)."""
        return self.C.shape[0], self.C.shape[1]

    @property
    def index(self) -> pd.MultiIndex:
        """(country, sector), country-major."""
        return pd.MultiIndex.from_product([self.regions, self.sectors],
                                          names=["country", "sector"])

    def region_rows(self, countries: Sequence[str] | str | None,
                    sectors: Sequence[str] | str | None = None) -> np.ndarray:
        """Row indices of the named countries x sectors (all when ``None``)."""
        cs = pick("country", self.regions, countries)
        ss = pick("sector", self.sectors, sectors)
        return (np.asarray(cs)[:, None] * len(self.sectors) + np.asarray(ss)[None, :]).ravel()

    @cached_property
    def v(self) -> np.ndarray:
        """Value added per unit of output, ``v' = 1' (I - A)`` (zero where ``x = 0``)."""
        return np.where(self.x != 0, 1.0 - self.column_sums(), 0.0)

    @property
    def n(self) -> int:
        R, S = self.shape
        return R * S

    # ------------------------------------------------------------ parts of A
    def domestic_blocks(self) -> np.ndarray:
        """``A_nn[k, j] = P[n, n, k] C[n, k, j]``, shape (R, S, S)."""
        R = self.shape[0]
        own = self.P[np.arange(R), np.arange(R)]  # [n, k]
        return own[:, :, None] * self.C

    def column_sums(self) -> np.ndarray:
        """``1' A``: inputs per unit of output of each ``(n, j)``, shape (n,)."""
        return np.einsum("nk,nkj->nj", self.P.sum(axis=1), self.C).reshape(-1)

    def rows_sum(self, rows: np.ndarray) -> np.ndarray:
        """``A[rows].sum(axis=0)``: inputs bought from the rows ``rows``, shape (n,)."""
        R, S = self.shape
        mask = np.zeros(R * S)
        mask[np.asarray(rows)] = 1.0
        bought = np.einsum("nik,ik->nk", self.P, mask.reshape(R, S))
        return np.einsum("nk,nkj->nj", bought, self.C).reshape(-1)

    def import_content(self) -> tuple[np.ndarray, np.ndarray]:
        """Direct and total import content, as :func:`~autarky.linkages.import_content`."""
        R, S = self.shape
        Add = self.domestic_blocks()
        direct = self.column_sums().reshape(R, S) - Add.sum(axis=1)
        total = np.linalg.solve(np.transpose(self._M, (0, 2, 1)), direct[..., None])[..., 0]
        return direct.reshape(-1), total.reshape(-1)

    def exposure_to(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Direct, total and value-added exposure to the rows ``rows``.

        As :func:`~autarky.linkages.exposure_to` on the dense table.
        """
        R, S = self.shape
        direct = self.rows_sum(rows)
        w = np.zeros((R * S, 2))
        w[rows, 0] = 1.0
        w[rows, 1] = self.v[rows]
        U = self.solve_T(w)  # columns: 1_s' L, (v_s)' L
        total = U[:, 0].copy()
        total[rows] -= 1.0
        return direct, total, U[:, 1]

    # ------------------------------------------------------------ products
    def rmatvec(self, U: np.ndarray) -> np.ndarray:
        """``A' U`` for ``U`` of shape (n, m)."""
        R, S = self.shape
        m = U.shape[1]
        Uk = np.ascontiguousarray(U.reshape(R, S, m).transpose(1, 0, 2))  # [k, i, m]
        Q = np.matmul(self._Pk, Uk)  # [k, n, m] = sum_i P[n, i, k] U[i, k]
        Qn = np.ascontiguousarray(Q.transpose(1, 0, 2))  # [n, k, m]
        return np.matmul(self._Ct, Qn).reshape(R * S, m)  # [n, j, m]

    def matvec(self, X: np.ndarray) -> np.ndarray:
        """``A X`` for ``X`` of shape (n, m)."""
        R, S = self.shape
        m = X.shape[1]
        G = np.matmul(self.C, X.reshape(R, S, m))  # [n, k, m] = sum_j C[n, k, j] X[n, j]
        Gk = np.ascontiguousarray(G.transpose(1, 0, 2))  # [k, n, m]
        out = np.matmul(np.transpose(self._Pk, (0, 2, 1)), Gk)  # [k, i, m]
        return np.ascontiguousarray(out.transpose(1, 0, 2)).reshape(R * S, m)

    # ------------------------------------------------------------ solves
    def solve(self, Y: np.ndarray, *, tol: float = TOL, maxiter: int = MAXITER) -> np.ndarray:
        """``x = L y``: solve ``(I - A) x = y`` for one or many columns ``y``."""
        return self._iterate(Y, self.matvec, self._Minv, tol, maxiter, "(I - A) x = y")

    def solve_T(self, W: np.ndarray, *, tol: float = TOL,
                maxiter: int = MAXITER) -> np.ndarray:
        """``L' w``: solve ``(I - A)' u = w`` for one or many columns ``w``."""
        return self._iterate(W, self.rmatvec, np.transpose(self._Minv, (0, 2, 1)), tol,
                             maxiter, "(I - A)' u = w")

    @blas_limited  # products of a few hundred rows: one BLAS thread (autarky.model.threads)
    def _iterate(self, B: np.ndarray, apply: Callable[[np.ndarray], np.ndarray],
                 inverse: np.ndarray, tol: float, maxiter: int, what: str) -> np.ndarray:
        """Block Jacobi on ``(I - A_op) u = b``, ``A_op`` given by ``apply``.

        ``inverse`` holds the inverses of the diagonal blocks of ``I - A_op`` (R, S, S).
        """
        B = np.asarray(B, dtype=float)
        one = B.ndim == 1
        B2 = B.reshape(self.n, -1)
        R, S = self.shape
        m = B2.shape[1]

        def precondition(r: np.ndarray) -> np.ndarray:
            return np.matmul(inverse, r.reshape(R, S, m)).reshape(self.n, m)

        scale = float(np.abs(B2).max()) if B2.size else 0.0
        U = precondition(B2)
        if scale == 0.0:
            return U.reshape(B.shape)
        worst, it = np.inf, 0
        while it < maxiter:
            it += 1
            r = B2 - U + apply(U)
            worst = float(np.abs(r).max())
            if not worst < 1e50 * scale:  # diverging (or not finite): stop before overflow
                break
            if worst <= tol * scale:
                return U.reshape(self.n) if one else U
            U += precondition(r)
        raise ConvergenceError(
            f"input-output solve {what} by block Jacobi did not converge: largest residual "
            f"{worst:.3g} after {it} iterations (needed {tol * scale:.3g}); the table may "
            "not be productive (a sector using more inputs than it produces)",
            {"residual": worst, "iterations": it})


def pick(kind: str, codes: tuple[str, ...], want: Sequence[str] | str | None) -> list[int]:
    """Positions of ``want`` in ``codes`` (all when None); DataError naming an unknown code."""
    if want is None:
        return list(range(len(codes)))
    items = [want] if isinstance(want, str) else list(want)
    out = []
    for w in items:
        if w not in codes:
            shown = ", ".join(codes[:12]) + (", ..." if len(codes) > 12 else "")
            raise DataError(f"linkages: unknown {kind} {w!r} (known: {shown})")
        out.append(codes.index(w))
    if not out:
        raise DataError(f"linkages: no {kind} given")
    return out
