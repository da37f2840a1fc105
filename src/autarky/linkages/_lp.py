"""Linear programs for shortages under fixed capacity (HiGHS through SciPy).

Two forms, both "the most final demand, in baseline dollars, that fixed capacities can
still supply with fixed technology" (Leontief: inputs per unit of output do not change):

- :func:`calc_max_final_demand`: one good per producer, so output is pinned down by final
  deliveries, ``x = L d``, and only capacity constraints are left;
- :func:`calc_max_final_demand_pooled`: goods that several producers make (any origin may
  supply any user), so the LP also chooses who produces.

HiGHS is run through :func:`scipy.optimize.linprog` (``method="highs"``), which prints
nothing; a status other than optimal raises :class:`~autarky.errors.AutarkyError`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from autarky.errors import AutarkyError, DataError

__all__ = ["FinalDemandLP", "calc_max_final_demand", "calc_max_final_demand_pooled"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinalDemandLP:
    """Solution of a final-demand LP.

    Attributes
    ----------
    d : ndarray
        Final deliveries of each good (same units as its final demand ``f``).
    x : ndarray or None
        Output of each producer, where the LP chooses it (pooled form).
    met : float
        ``sum(d) / sum(f)``: share of final demand met (1 when ``f`` is all zero).
    status : str
        HiGHS's message.
    """

    d: np.ndarray
    x: np.ndarray | None
    met: float
    status: str


def _maximise(gain: np.ndarray, A_ub: Any, b_ub: np.ndarray, upper: np.ndarray,
              what: str) -> tuple[np.ndarray, str]:
    """``max gain' z  s.t.  A_ub z <= b_ub, 0 <= z <= upper`` with HiGHS."""
    # scipy.optimize takes longer to import than the rest of autarky: only when an LP runs
    from scipy.optimize import linprog

    bounds = np.column_stack([np.zeros(upper.size), upper])
    res = linprog(-gain, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise AutarkyError(f"{what}: HiGHS did not find an optimum ({res.message})")
    log.debug("%s: %s, objective %.6g", what, res.message, -res.fun)
    return np.clip(np.asarray(res.x), 0.0, upper), str(res.message)


def calc_max_final_demand(C: Any, f: np.ndarray, cap: np.ndarray) -> FinalDemandLP:
    """Most final demand that capacities allow, one good per producer (fixed sourcing).

    With fixed technology ``A`` and free disposal, final deliveries ``d`` can be made iff
    some output ``0 <= x <= c`` has ``(I - A) x >= d``; since ``L = (I - A)^-1 >= 0``,
    that is iff ``L d <= c``. So the LP is::

        max  1' d
        s.t. C d <= cap          (C: the rows of L whose capacity can bind)
             0 <= d <= f         (no good delivered beyond its baseline final demand)

    A row whose capacity is at least its output for the full final demand, ``(L f)_i <=
    c_i``, cannot bind (``L d <= L f`` for ``0 <= d <= f``) and need not be passed.

    Parameters
    ----------
    C : ndarray or sparse (m, g)
        Output of each capacity-constrained producer per unit of final delivery of each
        good (rows of ``L``).
    f : ndarray (g,)
        Baseline final demand of each good, non-negative.
    cap : ndarray (m,)
        Capacity of each constrained producer.

    Examples
    --------
    One producer, ``a = 0.5`` (``L = 2``), final demand 100 and capacity 140 (it needs 200):

    >>> sol = calc_max_final_demand(np.array([[2.0]]), np.array([100.0]), np.array([140.0]))
    >>> round(float(sol.d[0]), 6), round(sol.met, 6)
    (70.0, 0.7)
    """
    f = np.asarray(f, dtype=float)
    cap = np.asarray(cap, dtype=float)
    if np.shape(C) != (cap.size, f.size):
        raise DataError(f"calc_max_final_demand: C has shape {np.shape(C)}, expected "
                        f"({cap.size}, {f.size})")
    if cap.size == 0:
        d = f.copy()
        status = "no binding capacity"
    else:
        d, status = _maximise(np.ones(f.size), C, cap, f, "shortage LP")
    total = float(f.sum())
    return FinalDemandLP(d=d, x=None, met=float(d.sum()) / total if total > 0 else 1.0,
                         status=status)


def calc_max_final_demand_pooled(A: Any, P: Any, f: np.ndarray,
                                 cap: np.ndarray) -> FinalDemandLP:
    """Most final demand that capacities allow when several producers make each good.

    Goods ``k`` are made by producers ``i`` (``P[k, i] = 1``) and used by every producer
    ``j`` in the fixed amounts ``A[k, j]`` per unit of output, whoever supplies them::

        max  1' d
        s.t. (A - P) x + d <= 0      (goods balance, free disposal)
             0 <= x <= cap,  0 <= d <= f

    Parameters
    ----------
    A : ndarray or sparse (g, n)
        Input of each good per unit of each producer's output.
    P : ndarray or sparse (g, n)
        Which good each producer makes.
    f : ndarray (g,)
        Baseline final demand of each good.
    cap : ndarray (n,)
        Capacity of each producer.
    """
    f = np.asarray(f, dtype=float)
    cap = np.asarray(cap, dtype=float)
    g, n = f.size, cap.size
    if np.shape(A) != (g, n) or np.shape(P) != (g, n):
        raise DataError(f"calc_max_final_demand_pooled: A {np.shape(A)}, P {np.shape(P)}, "
                        f"f ({g},), cap ({n},) do not fit")
    M = sp.hstack([sp.csr_matrix(A) - sp.csr_matrix(P), sp.identity(g, format="csr")]).tocsr()
    gain = np.concatenate([np.zeros(n), np.ones(g)])
    z, status = _maximise(gain, M, np.zeros(g), np.concatenate([cap, f]), "shortage LP")
    total = float(f.sum())
    d = z[n:]
    return FinalDemandLP(d=d, x=z[:n], met=float(d.sum()) / total if total > 0 else 1.0,
                         status=status)
