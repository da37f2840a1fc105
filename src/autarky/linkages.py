r"""Input-output linkages: Leontief and Ghosh models, dependency, self-sufficiency, shocks.

Notation (Miller and Blair 2009, *Input-Output Analysis*, 2nd ed.). A multi-regional
table has ``n = R * S`` rows, one per (region, sector), country-major:

=========  ===============  ==============================================================
symbol     shape            meaning
=========  ===============  ==============================================================
``Z``      (n, n)           intermediate sales, row = supplier, column = user
``Y``      (n, R)           final demand of each region (categories summed)
``x``      (n,)             gross output
``A``      (n, n)           technical coefficients, ``A = Z diag(x)^-1``        (MB ch. 2)
``L``      (n, n)           Leontief inverse, ``L = (I - A)^-1``, ``x = L y``   (MB ch. 2)
``B``      (n, n)           allocation coefficients, ``B = diag(x)^-1 Z``       (MB ch. 12)
``G``      (n, n)           Ghosh inverse, ``G = (I - B)^-1``, ``x' = v' G``    (MB ch. 12)
``v``      (n,)             value added per unit of output, ``v' = 1' (I - A)``
``S``      (k, n)           extension (stressor) per unit of output, ``S = F diag(x)^-1``
``M``      (k, n)           multipliers, ``M = S L``
=========  ===============  ==============================================================

The numerical functions work on NumPy arrays and never form ``L`` unless asked: they hold
one LU factorisation of ``I - A`` (:class:`LeontiefLU`) and solve against it, which costs a
third of the flops of an inverse and no second ``n x n`` array. The Ghosh model needs no
factorisation of its own: with ``x > 0``, ``G = diag(x)^-1 L diag(x)``, so
``x' = v' G`` is ``x = diag(x) L' (v / x)``, a solve with the transposed factors.

The World-level functions (:func:`leontief`, :func:`multipliers`, :func:`footprints`,
:func:`accounts`, :func:`dependency`, :func:`supplier_exposure`, :func:`self_sufficiency`,
:func:`missing_goods`, :func:`extract`, :func:`shortage`) return labelled pandas objects;
each accepts a World or the :class:`IOModel` that :func:`leontief` returns (and caches on
the World), so the factorisation is done once.

Where the table comes from
--------------------------
A World built from a full multi-regional table (``world.mrio``: WIOD, any pymrio
``IOSystem``) is used as published, with two repairs, each announced by a
:class:`~autarky.errors.RepairWarning`: negative intermediate cells are set to zero (rule
R1 of :mod:`autarky.world`) and a column of ``A`` summing above ``1 - MIN_VALUE_ADDED_SHARE``
is scaled down to that sum (rule R2), so that value added is never negative. A World with
input-output coefficients but no multi-regional table is turned into one under the standard
*proportionality assumption* (:func:`mrio_from_world`): every user in country ``n`` buys
input ``k`` from origin ``i`` in the proportion ``trade_shares[n, i, k]`` in which ``n`` as
a whole buys ``k``. A World without input-output coefficients is refused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.linalg as sla
import scipy.sparse as sp

from autarky.errors import AutarkyError, DataError, RepairWarning
from autarky.world import MIN_VALUE_ADDED_SHARE, MRIO, World

__all__ = [
    # numerics on arrays
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
    "max_final_demand_share",
    "ShareLP",
    # labelled, on a World
    "IOModel",
    "leontief",
    "mrio_from_world",
    "multipliers",
    "footprints",
    "accounts",
    "Accounts",
    "dependency",
    "supplier_exposure",
    "self_sufficiency",
    "missing_goods",
    "extract",
    "shortage",
    "Shortage",
    "REGIMES",
]

log = logging.getLogger(__name__)


# =====================================================================================
# numerics on arrays
# =====================================================================================
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


@dataclass(frozen=True)
class ShareLP:
    """Solution of :func:`max_final_demand_share`.

    Attributes
    ----------
    uniform : float
        The largest share ``t`` of every region's final demand that can be met at once.
    shares : ndarray (R,)
        Per-region shares ``s_r >= t`` after the second stage (most final demand met).
    x : ndarray (n,)
        Output at the solution.
    status : str
        HiGHS model status of the last stage.
    """

    uniform: float
    shares: np.ndarray
    x: np.ndarray
    status: str


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null for the duration (C libraries' banners)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable stdout: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs_lp(cost: np.ndarray, lo: np.ndarray, hi: np.ndarray, Acsc: sp.csc_matrix,
              rlo: np.ndarray, rhi: np.ndarray) -> Any:
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = int(cost.size)
    lp.num_row_ = int(rlo.size)
    lp.col_cost_ = cost
    lp.col_lower_ = lo
    lp.col_upper_ = hi
    lp.row_lower_ = rlo
    lp.row_upper_ = rhi
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = Acsc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = Acsc.indices.astype(np.int32)
    lp.a_matrix_.value_ = Acsc.data
    with _quiet_stdout():  # the constructor prints a banner on the C-level stdout
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    return h


def max_final_demand_share(A: np.ndarray | sp.spmatrix, F: np.ndarray, capacity: np.ndarray,
                           P: np.ndarray | sp.spmatrix | None = None) -> ShareLP:
    """Largest share of each region's final demand that fixed capacities can still supply.

    Linear program (two stages, solved with HiGHS)::

        stage 1:  max t
                  s.t.  (P - A) x - sum_r s_r f_r >= 0      (goods balance, free disposal)
                        s_r - t >= 0                         (every region gets >= t)
                        0 <= x <= capacity,  0 <= s_r <= 1,  0 <= t <= 1
        stage 2:  max sum_r s_r F_r / sum_r F_r   with  t >= t* (1 - 1e-9)

    where ``f_r`` (column ``r`` of ``F``) is region ``r``'s final demand for each good at
    the baseline and ``F_r`` its total. Stage 1 is the max-min (uniform) share; stage 2
    hands what is left over to whoever can still use it.

    Parameters
    ----------
    A : ndarray or sparse (g, n)
        Input of each good per unit of each producer's output (fixed technology).
    F : ndarray (g, R)
        Final demand for each good by region, non-negative.
    capacity : ndarray (n,)
        Largest output of each producer.
    P : ndarray or sparse (g, n), optional
        Which good each producer makes (``P[g, i] = 1``). Default: the identity, one good
        per producer (a multi-regional table, where the same product from two origins is
        two goods). A pooling ``P`` (one good per product, any origin) lets users switch
        origins freely.
    """
    g, R = F.shape
    Asp = sp.csc_matrix(A)
    n = Asp.shape[1]
    Psp = sp.identity(n, format="csc") if P is None else sp.csc_matrix(P)
    if Asp.shape != (g, n) or Psp.shape != (g, n) or np.shape(capacity) != (n,):
        raise DataError(f"max_final_demand_share: shapes A {Asp.shape}, P {Psp.shape}, "
                        f"F {F.shape}, capacity {np.shape(capacity)} do not fit")
    top = sp.hstack([Psp - Asp, sp.csc_matrix(-F), sp.csc_matrix((g, 1))])
    bottom = sp.hstack([sp.csc_matrix((R, n)), sp.identity(R, format="csc"),
                        sp.csc_matrix(-np.ones((R, 1)))])
    M = sp.vstack([top, bottom]).tocsc()
    M.eliminate_zeros()
    ncol = n + R + 1
    cost = np.zeros(ncol)
    cost[-1] = 1.0
    lo = np.zeros(ncol)
    hi = np.concatenate([np.asarray(capacity, dtype=float), np.ones(R + 1)])
    rlo = np.zeros(g + R)
    rhi = np.full(g + R, np.inf)
    h = _highs_lp(cost, lo, hi, M, rlo, rhi)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if status != "Optimal":
        raise AutarkyError(f"shortage LP (stage 1): HiGHS status {status!r}")
    t = float(np.asarray(h.getSolution().col_value)[-1])
    tot = F.sum(axis=0)
    cost2 = np.zeros(ncol)
    cost2[n:n + R] = tot / max(float(tot.sum()), 1e-300)
    h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), cost2)
    h.changeColBounds(ncol - 1, max(t * (1 - 1e-9) - 1e-12, 0.0), 1.0)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if status != "Optimal":
        raise AutarkyError(f"shortage LP (stage 2): HiGHS status {status!r}")
    sol = np.asarray(h.getSolution().col_value)
    return ShareLP(uniform=t, shares=np.clip(sol[n:n + R], 0.0, 1.0), x=sol[:n],
                   status=status)


# =====================================================================================
# labelled, on a World
# =====================================================================================
@dataclass(frozen=True, eq=False)
class IOModel:
    """A World's multi-regional Leontief model, factorised once.

    Build with :func:`leontief`. Arrays are country-major over (region, sector).

    Attributes
    ----------
    regions, sectors : tuple of str
    A : ndarray (n, n)
        Technical coefficients (after the repairs described in the module docstring).
    x : ndarray (n,)
        Gross output.
    Y : ndarray (n, R)
        Final demand of each region, categories summed.
    v : ndarray (n,)
        Value added per unit of output, ``v' = 1' (I - A)`` (zero where ``x = 0``).
    lu : LeontiefLU
        Factorisation of ``I - A``.
    sector_names : tuple of str
        Long names where the data have them, else the codes.
    source : str
        "mrio" (the published table) or "proportionality" (derived from flows and io).
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    A: np.ndarray
    x: np.ndarray
    Y: np.ndarray
    v: np.ndarray
    lu: LeontiefLU
    sector_names: tuple[str, ...]
    source: str

    def __repr__(self) -> str:
        R, S = self.shape
        return (f"<IOModel {R} regions x {S} sectors (n = {R * S}), from {self.source}, "
                f"output {self.x.sum():,.0f}>")

    @property
    def index(self) -> pd.MultiIndex:
        """(country, sector), country-major."""
        return pd.MultiIndex.from_product([self.regions, self.sectors],
                                          names=["country", "sector"])

    @property
    def shape(self) -> tuple[int, int]:
        """(regions, sectors)."""
        return len(self.regions), len(self.sectors)

    def solve(self, y: Any) -> pd.Series | pd.DataFrame:
        """Output ``x = L y`` needed for final demand ``y`` (length n, or n x m)."""
        arr = np.asarray(y, dtype=float)
        out = self.lu.solve(arr)
        if out.ndim == 1:
            return pd.Series(out, index=self.index, name="x")
        return pd.DataFrame(out, index=self.index)

    def L(self) -> pd.DataFrame:
        """The full Leontief inverse, labelled (an n x n array: only on request)."""
        return pd.DataFrame(self.lu.matrix(), index=self.index, columns=self.index)

    def G(self) -> pd.DataFrame:
        """The full Ghosh inverse ``G = diag(x)^-1 L diag(x)``, labelled (on request)."""
        return pd.DataFrame(calc_G(self.lu, self.x), index=self.index, columns=self.index)

    def ghosh(self, v: Any) -> pd.Series:
        """Supply-driven output ``x' = v' G`` for primary inputs ``v`` (in money, length n)."""
        return pd.Series(self.lu.ghosh_solve(np.asarray(v, dtype=float), self.x),
                         index=self.index, name="x")

    def region_rows(self, countries: Sequence[str] | str | None,
                    sectors: Sequence[str] | str | None = None) -> np.ndarray:
        """Row indices of the named countries x sectors (all when ``None``)."""
        cs = _pick("country", self.regions, countries)
        ss = _pick("sector", self.sectors, sectors)
        nS = len(self.sectors)
        return (np.asarray(cs)[:, None] * nS + np.asarray(ss)[None, :]).ravel()


def _pick(kind: str, codes: tuple[str, ...], want: Sequence[str] | str | None) -> list[int]:
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


def mrio_from_world(world: World) -> MRIO:
    """A multi-regional table from a World's flows and io coefficients (proportionality).

    Each user ``(n, j)`` buys input ``k`` from origin ``i`` in the proportion in which
    country ``n`` as a whole buys ``k`` from ``i`` (the import-proportionality assumption
    behind most MRIOs built from national tables)::

        Z[(i, k), (n, j)] = flows[n, i, k] * io[n, k, j] * x[n, j] / U[n, k]
        Y[(i, k), n]      = flows[n, i, k] * (U[n, k] - sum_j io[n, k, j] x[n, j]) / U[n, k]

    with ``U[n, k] = sum_i flows[n, i, k]`` (absorption at producer prices) and
    ``x = gross_output``, so that row sums give back gross output. One final-demand
    category, "final".
    """
    if not world.has_io:
        raise DataError(_no_io(world))
    a = world.arrays()
    Fl = a["flows"]  # [n, i, k]
    G = a["io"]  # [n, k, j]
    xo = a["gross_output"]  # [n, j]
    N, J = xo.shape
    U = Fl.sum(axis=1)  # [n, k]
    share = np.divide(Fl, U[:, None, :], out=np.zeros_like(Fl), where=U[:, None, :] > 0)
    inter = G * xo[:, None, :]  # [n, k, j]: purchases of k by (n, j)
    final = np.clip(U - inter.sum(axis=2), 0.0, None)  # [n, k]
    Z = np.einsum("nik,nkj->iknj", share, inter).reshape(N * J, N * J)
    Y = np.einsum("nik,nk->ikn", share, final).reshape(N * J, N)
    return MRIO(Z=Z, Y=Y, x=xo.reshape(-1), regions=world.countries, sectors=world.sectors,
                categories=("final",))


def _no_io(world: World) -> str:
    return (f"linkages: world {world.name!r} has no input-output links (no io coefficients "
            "and no MRIO table); use one with IO tables, e.g. 'wiod2013' or a pymrio system")


_CACHE_KEY = "_linkages_iomodel"
"""Where :func:`leontief` keeps its result on the (immutable) World, like a cached_property."""


def leontief(world: World | IOModel) -> IOModel:
    """The Leontief model of a World: ``A``, ``x``, ``Y``, ``v`` and the factorised ``I - A``.

    Uses ``world.mrio`` where there is one, else :func:`mrio_from_world`; refuses a World
    without input-output links with a :class:`~autarky.errors.DataError`. The result is
    cached per World (they are immutable); every other function here accepts either.
    """
    if isinstance(world, IOModel):
        return world
    if not isinstance(world, World):
        raise DataError(f"linkages: expected a World, got {type(world).__name__}")
    hit = world.__dict__.get(_CACHE_KEY)
    if hit is not None:
        return hit
    if world.mrio is not None:
        mrio, source = world.mrio, "mrio"
    elif world.has_io:
        mrio, source = mrio_from_world(world), "proportionality"
        log.info("%s: MRIO derived from flows and io under proportionality", world.name)
    else:
        raise DataError(_no_io(world))
    model = _model_from_mrio(mrio, world, source)
    world.__dict__[_CACHE_KEY] = model  # as functools.cached_property does
    return model


def _model_from_mrio(mrio: MRIO, world: World, source: str) -> IOModel:
    R, S = len(mrio.regions), len(mrio.sectors)
    Z = np.array(mrio.Z, dtype=float)
    neg = Z < 0
    if neg.any():
        warnings.warn(f"{world.name}: {int(neg.sum())} negative intermediate cells set to "
                      "zero for the Leontief model (rule R1)", RepairWarning, stacklevel=3)
        Z[neg] = 0.0
    x = np.array(mrio.x, dtype=float)
    A = calc_A(Z, x, overwrite=True)
    cap = 1.0 - MIN_VALUE_ADDED_SHARE
    col = A.sum(axis=0)
    over = col > cap
    if over.any():
        j = int(np.argmax(over))
        warnings.warn(f"{world.name}: {int(over.sum())} columns of A sum above {cap:g} "
                      f"(first: {mrio.regions[j // S]} {mrio.sectors[j % S]}, {col[j]:.4f}); "
                      f"scaled to a value-added share of {MIN_VALUE_ADDED_SHARE:g} (rule R2)",
                      RepairWarning, stacklevel=3)
        A[:, over] *= cap / col[over]
        col = A.sum(axis=0)
    v = np.where(x != 0, 1.0 - col, 0.0)
    Fc = len(mrio.categories)
    Y = mrio.Y.reshape(R * S, R, Fc).sum(axis=2)
    A.setflags(write=False)
    names = world.dataset.attrs.get("sector_names")
    sector_names = (tuple(str(s) for s in names) if names is not None and len(names) == S
                    else tuple(mrio.sectors))
    return IOModel(regions=tuple(mrio.regions), sectors=tuple(mrio.sectors), A=A, x=x, Y=Y,
                   v=v, lu=LeontiefLU(A), sector_names=sector_names, source=source)


def multipliers(world: World | IOModel) -> pd.DataFrame:
    """Output and value-added multipliers by (country, sector).

    ``output = 1' L`` (Miller-Blair ch. 6): output in all sectors per unit of final
    demand; ``value_added = v' L``: value added per unit of final demand (1 when value
    added closes every column); ``domestic_value_added``: the part of it created in the
    country of the final good.
    """
    m = leontief(world)
    R, S = m.shape
    n = R * S
    W = np.zeros((n, 2 + R))
    W[:, 0] = 1.0
    W[:, 1] = m.v
    W[np.arange(n), 2 + np.repeat(np.arange(R), S)] = m.v
    U = m.lu.solve_T(W)  # (n, 2 + R)
    dom = U[np.arange(n), 2 + np.repeat(np.arange(R), S)]
    return pd.DataFrame({"output": U[:, 0], "value_added": U[:, 1],
                         "domestic_value_added": dom}, index=m.index)


@dataclass(frozen=True)
class Accounts:
    """Accounts of an extension (stressors or factors) in a World's Leontief model.

    Attributes
    ----------
    D_cba, D_pba, D_imp, D_exp : DataFrame
        Stressor x (country, sector), as defined in :func:`calc_accounts`: footprint of
        each country's final demand by product, production-based, the footprint's part
        occurring abroad, and the part of production embodied in exports to final demand.
    M : DataFrame
        Multipliers ``S L``, stressor x (country, sector).
    F_Y : DataFrame or None
        Direct final-demand stressors (households' own emissions) by country, stressor x
        country, where given.
    """

    D_cba: pd.DataFrame
    D_pba: pd.DataFrame
    D_imp: pd.DataFrame
    D_exp: pd.DataFrame
    M: pd.DataFrame
    F_Y: pd.DataFrame | None = None

    def by_country(self) -> dict[str, pd.DataFrame]:
        """The four accounts summed over sectors: stressor x country.

        Direct final-demand stressors ``F_Y``, where given, are added to the consumption-
        and production-based totals (they occur, and are consumed, in the country).
        """
        out = {name: getattr(self, name).T.groupby(level="country", sort=False).sum().T
               for name in ("D_cba", "D_pba", "D_imp", "D_exp")}
        if self.F_Y is not None:
            for name in ("D_cba", "D_pba"):
                out[name] = out[name] + self.F_Y[out[name].columns].to_numpy()
        return out


def accounts(world: World | IOModel, F: Any, F_Y: pd.DataFrame | None = None) -> Accounts:
    """Consumption- and production-based accounts of an extension ``F`` (stressor x sector).

    ``F`` holds the stressor totals by producing (country, sector): a DataFrame whose
    columns are the model's (country, sector) pairs (in any order), or an array of shape
    (k, n) in the model's order. ``S = F diag(x)^-1``, ``M = S L``, then
    :func:`calc_accounts` (pymrio's definitions). ``F_Y``: optional direct final-demand
    stressors, columns (country, category) or country, summed by country.
    """
    m = leontief(world)
    if isinstance(F, pd.Series):
        F = F.to_frame().T
    if isinstance(F, pd.DataFrame):
        try:
            Fv = F.reindex(columns=m.index).to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            raise DataError(f"accounts: F columns must be (country, sector) pairs ({err})"
                            ) from None
        if np.isnan(Fv).any():
            raise DataError("accounts: F lacks some (country, sector) columns of the model")
        rows = pd.Index(F.index, name="stressor")
    else:
        Fv = np.atleast_2d(np.asarray(F, dtype=float))
        if Fv.shape[1] != m.x.size:
            raise DataError(f"accounts: F has {Fv.shape[1]} columns, the model {m.x.size}")
        rows = pd.RangeIndex(Fv.shape[0], name="stressor")
    S = calc_S(Fv, m.x)
    M = calc_M(S, m.lu)
    D = calc_accounts(S, m.lu, m.Y, len(m.sectors), M=M)
    D_cba, D_pba, D_imp, D_exp = (pd.DataFrame(a, index=rows, columns=m.index)
                                  for a in D)
    fy = None
    if F_Y is not None:
        fy = F_Y.T.groupby(level=0, sort=False).sum().T.reindex(columns=list(m.regions),
                                                                 fill_value=0.0)
        fy.index = rows
    return Accounts(D_cba=D_cba, D_pba=D_pba, D_imp=D_imp, D_exp=D_exp,
                    M=pd.DataFrame(M, index=rows, columns=m.index), F_Y=fy)


def footprints(world: World | IOModel) -> pd.DataFrame:
    """Value added embodied in final demand: trade in value added.

    Returns
    -------
    DataFrame (origin x consumer)
        ``T[o, r]``: value added created in ``o`` and embodied in ``r``'s final demand,
        million USD (:func:`value_added_in_trade`). Column sums are the value-added
        footprint of each country's final demand; the diagonal is domestic value added
        absorbed at home. ``attrs["units"] = "million USD"``.
    """
    m = leontief(world)
    T = value_added_in_trade(m.v, m.lu, m.Y, len(m.regions))
    out = pd.DataFrame(T, index=pd.Index(m.regions, name="origin"),
                       columns=pd.Index(m.regions, name="consumer"))
    out.attrs["units"] = "million USD"
    return out


def dependency(world: World | IOModel) -> pd.DataFrame:
    """Foreign dependency of each country and sector.

    Columns (all per unit of the sector's output, between 0 and 1 when value added is
    non-negative):

    - ``direct``: imported intermediate inputs (:func:`import_content`);
    - ``total``: imported inputs used at every stage of the domestic supply chain,
      ``m' (I - A_rr)^-1`` (Hummels-Ishii-Yi), ``>= direct``;
    - ``foreign_value_added``: foreign value added embodied through all global chains,
      ``1 - (domestic value-added multiplier)`` (Leontief inverse of the full table).
    """
    m = leontief(world)
    direct, total = import_content(m.A, len(m.regions))
    mult = multipliers(m)
    fva = mult["value_added"].to_numpy() - mult["domestic_value_added"].to_numpy()
    return pd.DataFrame({"direct": direct, "total": total, "foreign_value_added": fva},
                        index=m.index)


def supplier_exposure(world: World | IOModel, supplier: str) -> pd.DataFrame:
    """Exposure of every other country's output to one supplier country.

    Per (country, sector): ``direct`` inputs bought from ``supplier`` per unit of output,
    ``total`` the supplier's output required through all rounds (``(L - I)`` rows of the
    supplier, ``>= direct``), ``value_added`` the supplier's value added embodied
    (:func:`exposure_to`). Rows ``(country, "ALL")`` give output-weighted country totals:
    e.g. the share of DEU's output paid directly to RUS for inputs, and the RUS output its
    production needs per unit, directly and indirectly. The supplier's own rows are left
    out.
    """
    m = leontief(world)
    rows = m.region_rows(supplier)
    d, t, va = exposure_to(m.A, m.lu, m.v, rows)
    R, S = m.shape
    by = pd.DataFrame({"direct": d, "total": t, "value_added": va}, index=m.index)
    w = m.x.reshape(R, S)
    tot = w.sum(axis=1)
    agg = np.stack([np.divide((c.reshape(R, S) * w).sum(axis=1), tot,
                              out=np.zeros(R), where=tot > 0) for c in (d, t, va)], axis=1)
    country = pd.DataFrame(agg, columns=by.columns, index=pd.MultiIndex.from_arrays(
        [list(m.regions), ["ALL"] * R], names=["country", "sector"]))
    out = pd.concat([country, by]).drop(index=supplier, level="country")
    out.attrs["supplier"] = supplier
    return out.sort_index(level="country", sort_remaining=False)


def self_sufficiency(world: World | IOModel) -> pd.DataFrame:
    """Domestic production over domestic use by country and product.

    Columns:

    - ``production``: gross output ``x`` of the product at home, million USD;
    - ``use``: domestic use of the product from all origins, intermediate plus final
      (``sum_i z_(i,k),(n,.) + y_(i,k),n``), million USD;
    - ``ratio``: production / use (above 1: net exporter; 0: not produced at all;
      ``inf`` where a product is produced but not used at home);
    - ``domestic_content``: share of the country's final demand for the product (from
      all origins, inventory draw-downs left out) that is value added at home, through
      all supply chains (``v_r' L y_rj / 1' y_rj``, between 0 and 1);
    - ``produced``: whether the country produces the product at all.

    Products neither produced nor used in a country are left out.
    """
    m = leontief(world)
    R, S = m.shape
    n = R * S
    # intermediate use of product k in country n, all origins: sum_{i,j} a_(i,k),(n,j) x_(n,j)
    Zuse = np.einsum("aknj,nj->kn", m.A.reshape(R, S, R, S), m.x.reshape(R, S))
    Fuse = m.Y.reshape(R, S, R).sum(axis=0)  # [k, n]
    use = (Zuse + Fuse).T  # [n, k]
    prod = m.x.reshape(R, S)
    ratio = np.full_like(prod, np.inf)
    np.divide(prod, use, out=ratio, where=use > 0)
    # domestic value added in r's final demand for product j: v masked to region r, then L
    W = np.zeros((n, R))
    W[np.arange(n), np.repeat(np.arange(R), S)] = m.v
    U = m.lu.solve_T(W).reshape(R, S, R)  # [a, j, r] = (v_r' L)_(a, j)
    Y3 = np.clip(m.Y, 0.0, None).reshape(R, S, R)  # [a, j, r], draw-downs left out
    dva = np.einsum("ajr,ajr->rj", U, Y3)
    fd = Y3.sum(axis=0).T  # [r, j]
    content = np.zeros_like(dva)
    np.divide(dva, fd, out=content, where=fd != 0)
    out = pd.DataFrame({"production": prod.ravel(), "use": use.ravel(), "ratio": ratio.ravel(),
                        "domestic_content": content.ravel(),
                        "produced": prod.ravel() > 0}, index=m.index)
    return out[(out["production"] > 0) | (out["use"] > 0)]


def missing_goods(world: World | IOModel) -> pd.DataFrame:
    """The goods each country uses but does not produce at all, listed by name.

    Returns
    -------
    DataFrame
        Columns ``country, sector, name, use`` (million USD), largest use first.
    """
    m = leontief(world)
    ss = self_sufficiency(m)
    miss = ss[~ss["produced"]].reset_index()
    names = dict(zip(m.sectors, m.sector_names, strict=True))
    miss["name"] = [names[s] for s in miss["sector"]]
    return (miss[["country", "sector", "name", "use"]]
            .sort_values(["country", "use"], ascending=[True, False]).reset_index(drop=True))


def extract(world: World | IOModel, countries: Sequence[str] | str | None = None,
            sectors: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Hypothetical extraction: the output that depends on the extracted supply.

    The (country, sector) pairs in ``countries x sectors`` (all sectors when ``sectors`` is
    None; all countries when ``countries`` is None) are removed from the economy:

    - ``demand_driven``: ``x_bar = (I - A_{-E,-E})^-1 y_{-E}`` (:func:`extract_demand`),
      the output the rest of the world would still produce for its final demand without
      buying from or selling to the extracted sectors (backward linkages);
    - ``supply_driven``: ``x_bar' = v_{-E}' (I - B_{-E,-E})^-1`` (:func:`extract_supply`),
      the output the rest can still produce with its primary inputs once the extracted
      sectors deliver nothing downstream (forward linkages, Ghosh).

    Returns
    -------
    DataFrame by (country, sector)
        ``baseline`` (``L y``), ``demand_driven``, ``supply_driven``, and the losses
        ``loss_demand``, ``loss_supply`` as fractions of the baseline.
    """
    if countries is None and sectors is None:
        raise DataError("extract: name countries= and/or sectors= to extract")
    m = leontief(world)
    E = m.region_rows(countries, sectors)
    y = m.Y.sum(axis=1)
    base = m.lu.solve(y)
    xd = extract_demand(m.lu, y, E)
    xs = extract_supply(m.lu, m.v * m.x, m.x, E)
    frac = np.zeros_like(base)

    def _loss(new: np.ndarray) -> np.ndarray:
        np.divide(base - new, base, out=frac, where=base > 0)
        return frac.copy()

    return pd.DataFrame({"baseline": base, "demand_driven": xd, "supply_driven": xs,
                         "loss_demand": _loss(xd), "loss_supply": _loss(xs)}, index=m.index)


REGIMES = ("fixed", "trade", "autarky")
"""Sourcing regimes compared by :func:`shortage`."""


@dataclass(frozen=True)
class Shortage:
    """Final demand that can still be met after a supply loss, under three regimes.

    Attributes
    ----------
    table : DataFrame indexed by country
        ``final_demand`` (baseline, million USD) and, for each regime in :data:`REGIMES`,
        ``share_<regime>`` (share of final demand that can still be met; 1 = no shortage)
        and ``shortfall_<regime>`` (million USD).
    uniform : dict
        For each regime, the largest share every country can get at once.
    shocked : tuple of (country, sector)
    loss : float
    autarky_capacity : str
    formulation : str
        The linear program, in words.
    """

    table: pd.DataFrame
    uniform: dict[str, float]
    shocked: tuple[tuple[str, str], ...]
    loss: float
    autarky_capacity: str
    formulation: str


def shortage(world: World | IOModel, country: Sequence[str] | str,
             sector: Sequence[str] | str | None = None, loss: float = 0.5, *,
             autarky_capacity: Literal["sized", "current"] = "sized") -> Shortage:
    """Shortages under fixed capacity: one supply loss under three sourcing regimes.

    The capacity of each shocked (country, sector) falls to ``(1 - loss)`` times its
    baseline; technology is fixed (inputs per unit of output do not change) and no
    producer can exceed its capacity. :func:`max_final_demand_share` finds the largest
    share of every country's final demand that can still be met (max-min), then the
    per-country shares that meet the most final demand given that floor. Final demand
    ``f_r = max(Y[:, r], 0)`` (inventory draw-downs left out); baseline capacity is
    ``x = L sum_r f_r``, so that without a shock every share is 1.

    - ``fixed``: today's sourcing: every user keeps buying each input from the same
      origins in the same amounts (the multi-regional ``A``; ``P = I``).
    - ``trade``: a world market per product: any origin may supply any user (the same
      amounts per unit, ``A_k,(n,j) = sum_i A[(i,k),(n,j)]``, pooled across origins).
    - ``autarky``: every country buys every input and final good at home, in the same
      amounts per unit. ``autarky_capacity="sized"``: each country has the capacity its
      own needs require, ``(I - A_nn)^-1 f_n`` (an autarkic world in its own equilibrium,
      where only the shocked country is hit); ``"current"``: today's capacities, so goods
      a country does not make are unavailable to it (cutting trade now).
    """
    if not 0.0 <= loss <= 1.0:
        raise DataError(f"shortage: loss must be between 0 and 1, got {loss}")
    if autarky_capacity not in ("sized", "current"):
        raise DataError(f"shortage: autarky_capacity must be 'sized' or 'current', "
                        f"got {autarky_capacity!r}")
    m = leontief(world)
    R, S = m.shape
    n = R * S
    E = m.region_rows(country, sector)
    keep = np.ones(n)
    keep[E] = 1.0 - loss
    F = np.clip(m.Y, 0.0, None)
    cap = m.lu.solve(F.sum(axis=1))
    solved = {"fixed": max_final_demand_share(m.A, F, cap * keep)}
    # inputs by product, whatever the origin: Ak[k, (n, j)]; final demand by product f[k, r]
    Ak = m.A.reshape(R, S, n).sum(axis=0)
    fk = F.reshape(R, S, R).sum(axis=0)
    pool = sp.csc_matrix((np.ones(n), (np.tile(np.arange(S), R), np.arange(n))), shape=(S, n))
    solved["trade"] = max_final_demand_share(Ak, fk, cap * keep, P=pool)
    blocks = np.transpose(Ak.reshape(S, R, S), (1, 0, 2))  # [n, k, j]
    F3 = np.zeros((R, S, R))
    F3[np.arange(R), :, np.arange(R)] = fk.T  # country n buys its final goods at home
    F_aut = F3.reshape(n, R)
    if autarky_capacity == "sized":
        x_aut = np.linalg.solve(np.eye(S)[None] - blocks, fk.T[..., None])[..., 0].ravel()
    else:
        x_aut = cap
    cc, kk, jj = np.indices((R, S, S))  # block-diagonal A: country c's own blocks
    A_aut = sp.csc_matrix((blocks.ravel(), ((cc * S + kk).ravel(), (cc * S + jj).ravel())),
                          shape=(n, n))
    solved["autarky"] = max_final_demand_share(A_aut, F_aut, x_aut * keep)
    fd = F.sum(axis=0)
    cols: dict[str, np.ndarray] = {"final_demand": fd}
    for name in REGIMES:
        cols[f"share_{name}"] = solved[name].shares
    for name in REGIMES:
        cols[f"shortfall_{name}"] = (1.0 - solved[name].shares) * fd
    table = pd.DataFrame(cols, index=pd.Index(m.regions, name="country"))
    shocked = tuple((m.regions[i // S], m.sectors[i % S]) for i in E)
    text = ("max t, then max sum_r F_r s_r, s.t. (P - A) x >= sum_r s_r f_r, s_r >= t, "
            "0 <= x <= capacity, 0 <= s <= 1; capacity = (1 - loss) x for the shocked "
            "sectors; fixed: today's origins, trade: any origin, autarky: home only "
            f"(capacity '{autarky_capacity}')")
    return Shortage(table=table, uniform={k: v.uniform for k, v in solved.items()},
                    shocked=shocked, loss=float(loss), autarky_capacity=autarky_capacity,
                    formulation=text)
