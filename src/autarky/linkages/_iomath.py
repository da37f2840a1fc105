"""Input-output numerics on arrays, in Miller-Blair notation (see :mod:`autarky.linkages`).

Plain functions (``calc_*``) and one factorisation object, :class:`LeontiefLU`; nothing
here knows about a World, labels or pandas.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.linalg as sla

from autarky.errors import DataError

__all__ = [
    "calc_A",
    "calc_B",
    "LeontiefLU",
    "calc_G",
    "calc_S",
    "calc_M",
    "calc_accounts",
    "value_added_in_trade",
    "domestic_blocks",
    "import_content",
    "exposure_to",
    "extract_demand",
    "extract_supply",
    "calc_extraction_losses",
]

def _reciprocal(x: np.ndarray) -> np.ndarray:
    """``1 / x`` with ``0`` where ``x == 0`` (a sector without output has no coefficients)."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def calc_A(Z: np.ndarray, x: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
    """Technical coefficients ``A = Z diag(x)^-1`` (Miller-Blair ch. 2).

    ``a_ij = z_ij / x_j``; a column with ``x_j = 0`` is zero.

    Parameters
    ----------
    Z : ndarray (n, n)
        Intermediate flows, row = supplier, column = user.
    x : ndarray (n,)
        Gross output.
    overwrite : bool
        Scale ``Z`` in place (saves one ``n x n`` array) and return it.
    """
    r = _reciprocal(x)
    if overwrite:
        Z *= r[None, :]
        return Z
    return Z * r[None, :]


def calc_B(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Allocation coefficients ``B = diag(x)^-1 Z`` (Miller-Blair ch. 12).

    ``b_ij = z_ij / x_i``: the share of ``i``'s output sold to ``j``; a row with
    ``x_i = 0`` is zero.
    """
    return Z * _reciprocal(x)[:, None]


class LeontiefLU:
    """The LU factorisation of ``I - A``: the Leontief model without its inverse.

    ``solve(y)`` returns ``x = L y = (I - A)^-1 y`` (Miller-Blair ch. 2) and
    ``solve_T(w)`` returns ``L' w`` (used for multipliers ``m' = s' L`` and for the Ghosh
    model); ``matrix()`` forms ``L`` only when asked. The factors are those of
    ``(I - A)'`` stored in Fortran order over the memory of a C-ordered ``I - A``, so
    that a caller who passes ``overwrite=True`` pays for a single ``n x n`` array.

    Parameters
    ----------
    A : ndarray (n, n)
        Technical coefficients.
    overwrite : bool
        Reuse the memory of ``A`` (it is destroyed; it must be C-contiguous float64).

    Examples
    --------
    The two-sector economy of Miller and Blair (2009), Table 2.3:

    >>> Z = np.array([[150.0, 500.0], [200.0, 100.0]])
    >>> lu = LeontiefLU(calc_A(Z, np.array([1000.0, 2000.0])))
    >>> lu.solve(np.array([600.0, 1500.0])).round(1)
    array([1247.5, 1841.6])
    >>> lu.matrix().round(4)
    array([[1.2541, 0.33  ],
           [0.264 , 1.1221]])
    """

    __slots__ = ("_lu", "_piv", "n")

    def __init__(self, A: np.ndarray, *, overwrite: bool = False) -> None:
        A = np.asarray(A)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise DataError(f"A: expected a square matrix, got shape {A.shape}")
        n = A.shape[0]
        if overwrite and A.dtype == np.float64 and A.flags.c_contiguous and A.flags.writeable:
            M = A
            np.negative(M, out=M)
        else:
            M = np.negative(A, dtype=np.float64, order="C")
        M.flat[:: n + 1] += 1.0  # M = I - A, C order
        # M.T is a Fortran-ordered view of (I - A)': factorise it in place.
        with warnings.catch_warnings():
            warnings.simplefilter("error", sla.LinAlgWarning)
            try:
                self._lu, self._piv = sla.lu_factor(M.T, overwrite_a=True, check_finite=False)
            except (sla.LinAlgWarning, np.linalg.LinAlgError, ValueError) as err:
                raise DataError(f"I - A is singular or ill-conditioned ({err}); the table "
                                "has a sector that uses more inputs than it produces") from None
        if not np.all(np.isfinite(np.diagonal(self._lu))) or np.any(np.diagonal(self._lu) == 0):
            raise DataError("I - A is singular: the input-output table has no Leontief inverse")
        self.n = n

    def solve(self, y: np.ndarray) -> np.ndarray:
        """``x = L y``: solve ``(I - A) x = y`` for one or many columns ``y``."""
        return sla.lu_solve((self._lu, self._piv), y, trans=1, check_finite=False)

    def solve_T(self, w: np.ndarray) -> np.ndarray:
        """``L' w``: solve ``(I - A)' u = w`` (rows of ``L`` weighted by ``w``)."""
        return sla.lu_solve((self._lu, self._piv), w, trans=0, check_finite=False)

    def matrix(self) -> np.ndarray:
        """The full Leontief inverse ``L = (I - A)^-1`` (an ``n x n`` array: only on request)."""
        return self.solve(np.eye(self.n))

    def columns(self, idx: Sequence[int] | np.ndarray) -> np.ndarray:
        """``L[:, idx]``, by ``len(idx)`` solves."""
        E = np.zeros((self.n, len(idx)))
        E[np.asarray(idx), np.arange(len(idx))] = 1.0
        return self.solve(E)

    def rows(self, idx: Sequence[int] | np.ndarray) -> np.ndarray:
        """``L[idx, :]``, by ``len(idx)`` transposed solves."""
        E = np.zeros((self.n, len(idx)))
        E[np.asarray(idx), np.arange(len(idx))] = 1.0
        return self.solve_T(E).T

    def output_multipliers(self) -> np.ndarray:
        """Simple output multipliers ``m' = 1' L`` (Miller-Blair ch. 6), column sums of ``L``."""
        return self.solve_T(np.ones(self.n))

    def ghosh_solve(self, v: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Supply-driven output ``x_new' = v' G`` (Miller-Blair ch. 12), ``G = (I - B)^-1``.

        Uses ``G = diag(x)^-1 L diag(x)``, i.e. ``x_new = diag(x) L' diag(x)^-1 v``. A sector
        with ``x_j = 0`` has no allocation coefficients and passes its primary input
        through (``x_new_j = v_j``).
        """
        v = np.asarray(v, dtype=float)
        xs = x if v.ndim == 1 else x[:, None]
        u = self.solve_T(v * _reciprocal(xs))
        return np.where(xs != 0, xs * u, v)


def calc_G(lu: LeontiefLU, x: np.ndarray) -> np.ndarray:
    """Full Ghosh inverse ``G = (I - B)^-1 = diag(x)^-1 L diag(x)`` (Miller-Blair ch. 12).

    Rows and columns of sectors with ``x = 0`` are those of the identity. Forms two
    ``n x n`` arrays: only on request.
    """
    L = lu.matrix()
    r = _reciprocal(x)
    G = r[:, None] * L * x[None, :]
    zero = np.flatnonzero(x == 0)
    G[zero, :] = 0.0
    G[:, zero] = 0.0
    G[zero, zero] = 1.0
    return G


def calc_S(F: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Extension coefficients ``S = F diag(x)^-1`` (stressor or factor per unit of output)."""
    return np.atleast_2d(F) * _reciprocal(x)[None, :]


def calc_M(S: np.ndarray, lu: LeontiefLU) -> np.ndarray:
    """Multipliers ``M = S L`` (Miller-Blair ch. 6), by ``k`` transposed solves."""
    return lu.solve_T(np.atleast_2d(S).T).T


def calc_accounts(S: np.ndarray, lu: LeontiefLU, Y: np.ndarray, n_sectors: int,
                  M: np.ndarray | None = None,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Consumption-, production-, import- and export-based accounts of an extension.

    With ``Y`` the final demand of each of ``R`` regions (n x R), ``r(i)`` the region of row
    ``i`` and ``p(i)`` its product (sector):

    - ``D_cba[k, (r, j)] = sum_{i: p(i) = j} M[k, i] Y[i, r]``: the extension embodied in
      region ``r``'s final demand for product ``j`` (from any origin) -- the footprint;
    - ``D_pba[k, i] = S[k, i] (L y)_i`` with ``y = Y 1``: the extension where it occurs;
    - ``D_imp[k, (r, j)]``: the part of ``D_cba`` that occurs outside ``r``,
      ``sum_{i: p(i)=j} (M - M_r)[k, i] Y[i, r]`` with ``M_r = S_r L`` and ``S_r`` the
      columns of ``S`` in region ``r``;
    - ``D_exp[k, i] = S[k, i] sum_{r != r(i)} (L Y)[i, r]``: embodied in exports to final
      demand abroad.

    These are the definitions of pymrio's ``calc_accounts``, computed with ``k (R + 1)``
    transposed solves and ``R`` direct solves instead of the ``n x n`` inverse and the
    ``n x n`` block-diagonalised demand. With many stressors (``k R > n / 2``) the full
    ``L`` is cheaper than ``k R`` solves, and ``D_imp`` is computed from it.

    Parameters
    ----------
    S : ndarray (k, n)
        Extension coefficients (:func:`calc_S`).
    lu : LeontiefLU
        Factorisation of ``I - A``.
    Y : ndarray (n, R)
        Final demand of each region.
    n_sectors : int
        Sectors per region.
    M : ndarray (k, n), optional
        The multipliers ``S L`` where the caller already has them (saves ``k`` solves).

    Returns
    -------
    D_cba, D_pba, D_imp, D_exp : ndarray
        Shapes (k, R*S), (k, n), (k, R*S), (k, n).
    """
    S = np.atleast_2d(S)
    k, n = S.shape
    R = n // n_sectors
    if Y.shape != (n, R):
        raise DataError(f"calc_accounts: Y has shape {Y.shape}, expected one column per "
                        f"region, ({n}, {R})")
    if M is None:
        M = calc_M(S, lu)  # (k, n)
    Y3 = Y.reshape(R, n_sectors, R)  # [origin region a, product j, consumer r]
    D_cba = np.einsum("kaj,ajr->krj", M.reshape(k, R, n_sectors), Y3).reshape(k, n)
    LY = lu.solve(Y)  # (n, R): output for each region's final demand
    x_tot = LY.sum(axis=1)
    D_pba = S * x_tot[None, :]
    idx = np.arange(R)
    if k * R <= n // 2:
        # M_r = S_r L for every region r: S masked to region r, k R transposed solves.
        Sr = np.zeros((R, n_sectors, R, k))
        Sr[idx, :, idx, :] = S.T.reshape(R, n_sectors, k)
        Mr = lu.solve_T(Sr.reshape(n, R * k)).reshape(R, n_sectors, R, k)  # [a, j, r, k]
        dom = np.einsum("ajrk,ajr->krj", Mr, Y3)
    else:
        # many stressors: n solves (the full L) are cheaper than k R of them.
        # W[r, i, j] = sum_{b} L[(r, i), (b, j)] Y[(b, j), r]: r's own rows of L Y_r-by-product
        L4 = lu.matrix().reshape(R, n_sectors, R, n_sectors)
        W = np.einsum("ribj,bjr->rij", L4, Y3)
        del L4
        dom = np.einsum("kri,rij->krj", S.reshape(k, R, n_sectors), W)
    D_imp = D_cba - dom.reshape(k, n)
    home = LY.reshape(R, n_sectors, R)[idx, :, idx]  # [r, j]: r's output for r's demand
    D_exp = S * (x_tot - home.reshape(n))[None, :]
    return D_cba, D_pba, D_imp, D_exp


def value_added_in_trade(v: np.ndarray, lu: LeontiefLU, Y: np.ndarray,
                         n_regions: int) -> np.ndarray:
    """Value added of each origin region embodied in each region's final demand.

    ``T[o, r] = sum_{i in o} v_i (L Y)_{i r}`` (Johnson and Noguera 2012): row sums
    are each origin's value added (when ``y`` absorbs all output), column sums each
    region's final demand: the value-added footprint.

    Returns
    -------
    ndarray (R, R)
        Rows: origin of the value added; columns: region of final demand.
    """
    LY = lu.solve(Y)
    return (v[:, None] * LY).reshape(n_regions, -1, Y.shape[1]).sum(axis=1)


def domestic_blocks(A: np.ndarray, n_regions: int) -> np.ndarray:
    """The diagonal blocks ``A_rr`` of a country-major ``A``, shape (R, S, S)."""
    S = A.shape[0] // n_regions
    A4 = A.reshape(n_regions, S, n_regions, S)
    return np.einsum("rkrj->rkj", A4)


def import_content(A: np.ndarray, n_regions: int) -> tuple[np.ndarray, np.ndarray]:
    """Direct and total import content of each (region, sector)'s output.

    - direct: ``m_j = sum_{i not in r(j)} a_ij``, imported inputs per unit of output;
    - total: ``vs' = m' (I - A_rr)^-1``, imported inputs used at every stage of the
      domestic supply chain per unit of output (Hummels, Ishii and Yi 2001, "vertical
      specialisation"). Since ``(I - A_rr)^-1 >= I``, ``total >= direct``; and
      ``vs + v_r' (I - A_rr)^-1 = 1'`` (domestic value added closes the unit), so
      ``total <= 1`` whenever value added is non-negative.

    The ``R`` domestic systems (S x S each) are solved together in one batched call.

    Returns
    -------
    direct, total : ndarray (n,)
    """
    n = A.shape[0]
    S = n // n_regions
    Add = domestic_blocks(A, n_regions)  # (R, S, S)
    direct = A.sum(axis=0).reshape(n_regions, S) - Add.sum(axis=1)
    ImA_T = np.eye(S)[None] - np.transpose(Add, (0, 2, 1))
    total = np.linalg.solve(ImA_T, direct[..., None])[..., 0]
    return direct.reshape(n), total.reshape(n)


def exposure_to(A: np.ndarray, lu: LeontiefLU, v: np.ndarray,
                rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exposure of every sector's output to one supplier (the rows ``rows`` of the table).

    - direct: ``sum_{i in rows} a_ij``, inputs bought from the supplier per unit of output;
    - total: ``sum_{i in rows} (L - I)_ij``, the supplier's output required per unit of
      output of ``j`` through all rounds of the supply chain (Baldwin and Freeman 2022,
      "look-through" reliance); ``L - I = A L >= A``, so ``total >= direct``;
    - value_added: ``sum_{i in rows} v_i L_ij``, the supplier's value added embodied in a
      unit of ``j``'s output (between 0 and 1 when value added is non-negative).

    Returns
    -------
    direct, total, value_added : ndarray (n,)
    """
    n = A.shape[0]
    w = np.zeros((n, 2))
    w[rows, 0] = 1.0
    w[rows, 1] = v[rows]
    U = lu.solve_T(w)  # columns: 1_s' L, (v_s)' L
    total = U[:, 0].copy()
    total[rows] -= 1.0
    return A[rows].sum(axis=0), total, U[:, 1]


def _schur_restricted(Lcols_E: np.ndarray, base: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Solve the system with rows and columns ``E`` removed, from the full solution.

    If ``M = I - A`` and ``P = M^-1``, then ``(M_{-E,-E})^-1 = P_{-E,-E} -
    P_{-E,E} (P_{E,E})^-1 P_{E,-E}`` (inverse of a Schur complement). For a right-hand
    side ``b`` with ``b_E = 0``, ``base = P b`` and ``Lcols_E = P[:, E]`` this gives
    ``(M_{-E,-E})^-1 b_{-E} = base_{-E} - P_{-E,E} (P_{E,E})^-1 base_E``; rows ``E`` are
    returned as zero.
    """
    corr = Lcols_E @ np.linalg.solve(Lcols_E[E], base[E])
    out = base - corr
    out[E] = 0.0
    return out


def extract_demand(lu: LeontiefLU, y: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Demand-driven hypothetical extraction (Miller-Blair ch. 12; Dietzenbacher et al. 1993).

    Rows and columns ``E`` of ``A`` and their final demand are removed:
    ``x_bar_{-E} = (I - A_{-E,-E})^-1 y_{-E}``, ``x_bar_E = 0``. Computed from the
    factorisation of the full ``I - A`` by ``len(E)`` solves (Schur complement), not by a
    new factorisation.
    """
    E = np.asarray(E, dtype=int)
    b = np.array(y, dtype=float)
    b[E] = 0.0
    return _schur_restricted(lu.columns(E), lu.solve(b), E)


def extract_supply(lu: LeontiefLU, v: np.ndarray, x: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Supply-driven hypothetical extraction in the Ghosh model (Miller-Blair ch. 12).

    Rows and columns ``E`` of ``B`` and their primary inputs are removed:
    ``x_bar_{-E}' = v_{-E}' (I - B_{-E,-E})^-1``. With ``B = diag(x)^-1 A diag(x)`` this is
    ``x_bar = diag(x) (I - A_{-E,-E})^-T diag(x)^-1 v``, solved like
    :func:`extract_demand` on the transposed factors.
    """
    E = np.asarray(E, dtype=int)
    w = np.asarray(v, dtype=float) * _reciprocal(x)
    w[E] = 0.0
    u = _schur_restricted(lu.rows(E).T, lu.solve_T(w), E)
    return np.where(x != 0, x * u, 0.0)


def calc_extraction_losses(lu: LeontiefLU, A: np.ndarray, x: np.ndarray,
                           E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Output lost when the sectors ``E`` are extracted, backward and forward (MB ch. 12).

    With the baseline identities ``x = A x + y`` (Leontief) and ``x' = x' B + v'`` (Ghosh,
    ``B = diag(x)^-1 A diag(x)``) holding exactly, removing rows and columns ``E`` leaves,
    for the rest ``-E``:

    - demand-driven (backward linkages): ``x_{-E} - x_bar_{-E} =
      (I - A_{-E,-E})^-1 A_{-E,E} x_E``, the output that was needed only to make the
      inputs the extracted sectors bought;
    - supply-driven (forward linkages, Ghosh): ``x_{-E}' - x_bar_{-E}' =
      x_E' B_{E,-E} (I - B_{-E,-E})^-1``, i.e. in terms of ``A``,
      ``loss_j = x_j [(I - A_{-E,-E})^-T a_E]_j`` with ``a_E = 1_E' A`` (the inputs from
      ``E`` per unit of output): the output that can no longer be made once ``E`` delivers
      nothing downstream.

    Both are products of non-negative matrices (``(I - A_{-E,-E})^-1 >= 0`` when
    ``A >= 0`` has column sums below 1), so the losses are non-negative by construction;
    what a floating-point solve leaves below zero (rounding, ~1e-16 relative) is set to
    zero. Rows ``E`` lose all their output. Computed from the factorisation of the full
    ``I - A`` by ``len(E)`` extra solves (Schur complement).

    Returns
    -------
    loss_demand, loss_supply : ndarray (n,)
        Output lost, in the units of ``x``.
    """
    E = np.asarray(E, dtype=int)
    x = np.asarray(x, dtype=float)
    b = A[:, E] @ x[E]
    b[E] = 0.0
    back = _schur_restricted(lu.columns(E), lu.solve(b), E)
    aE = A[E].sum(axis=0)
    aE[E] = 0.0
    fwd = x * _schur_restricted(lu.rows(E).T, lu.solve_T(aE), E)
    back[E] = x[E]
    fwd[E] = x[E]
    return np.maximum(back, 0.0), np.maximum(fwd, 0.0)
