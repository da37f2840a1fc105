"""Shortages after a supply loss, under three sourcing regimes (labelled, on a World)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from autarky.errors import DataError
from autarky.linkages._lp import calc_max_final_demand, calc_max_final_demand_pooled
from autarky.linkages._model import IOModel, leontief
from autarky.world import World

__all__ = ["REGIMES", "Shortage", "shortage"]

REGIMES = ("fixed", "trade", "autarky")
"""Sourcing regimes compared by :func:`shortage`."""

FORMULATION = (
    "max 1'd (final demand met, baseline million USD) s.t. output within capacity, fixed "
    "inputs per unit of output, 0 <= d <= baseline final demand; capacity = (1 - loss) x "
    "for the shocked sectors. fixed: today's origins (L d <= capacity); trade: any origin "
    "for each product ((A_k - P) x + d <= 0); autarky: home only, per country. Each good's "
    "shortfall is shared by its final buyers in proportion to their baseline purchases.")


@dataclass(frozen=True)
class Shortage:
    """Final demand that can still be met after a supply loss, under three regimes.

    Attributes
    ----------
    table : DataFrame indexed by country
        ``final_demand`` (baseline, million USD) and, for each regime in :data:`REGIMES`,
        ``share_<regime>`` (share of the country's final demand still met; 1 = no
        shortage) and ``shortfall_<regime>`` (million USD).
    goods : DataFrame indexed by (country, sector)
        Where and in which goods the shortfall falls: ``final_demand`` of the country for
        the product (all origins) and ``shortfall_<regime>`` (million USD), rows with a
        shortfall under some regime only, largest first.
    met : dict
        For each regime, the share of world final demand still met.
    binding : dict
        For each regime, the (country, sector) capacities that limit supply at the
        solution: below what the baseline final demand needs and used up (a capacity of
        zero where the good is needed counts: in autarky with today's capacities, a good
        a country does not make stops everything that uses it).
    shocked : tuple of (country, sector)
    loss : float
    autarky_capacity : str
    formulation : str
        The linear programs, in one paragraph (the equations are in :func:`shortage`).
    """

    table: pd.DataFrame
    goods: pd.DataFrame
    met: dict[str, float]
    binding: dict[str, tuple[tuple[str, str], ...]]
    shocked: tuple[tuple[str, str], ...]
    loss: float
    autarky_capacity: str
    formulation: str


def shortage(world: World | IOModel, country: Sequence[str] | str,
             sector: Sequence[str] | str | None = None, loss: float = 0.5, *,
             autarky_capacity: Literal["sized", "current"] = "sized") -> Shortage:
    r"""Shortages under fixed capacity: one supply loss under three sourcing regimes.

    The capacity of each shocked (country, sector) falls to ``(1 - loss)`` times its
    baseline output; technology is fixed (inputs per unit of output do not change, no
    substitution between inputs) and no producer can exceed its capacity. Each regime is
    a linear program (HiGHS) that finds the **most final demand, in baseline dollars,
    that can still be met**, with shortfalls allowed good by good:

    - ``fixed`` (today's sourcing): every buyer keeps buying each input from the same
      origins per unit (the multi-regional ``A``; a good is a (country, sector) pair).
      Output is then fixed by final deliveries, ``x = L d``, and with baseline capacity
      ``x = L y`` only the shocked rows ``E`` can bind::

          max 1'd   s.t.   L[E, :] d <= (1 - loss) L[E, :] y,   0 <= d <= y

      where ``y_i = sum_r Y[i, r]`` is the world's final demand for good ``i``.
    - ``trade`` (open trade): a world market per product ``k``: any producer of ``k`` may
      supply any user, and users need the same inputs per unit, pooled over origins
      (``A_k[k, j] = sum_{i in k} A[i, j]``; ``P[k, i] = 1`` when ``i`` makes ``k``)::

          max 1'd   s.t.   (A_k - P) x + d <= 0,   0 <= x <= c,   0 <= d_k <= f_k

      with ``f_k`` the world's final demand for product ``k`` and ``c`` the capacities.
    - ``autarky``: every country buys every input and final good at home, with the same
      inputs per unit (pooled over origins): for each country ``n``, ``max 1'd_n`` s.t.
      ``L_n d_n <= c_n``, ``0 <= d_n <= f_n``, with ``L_n = (I - A_{k,n})^-1`` its own
      Leontief inverse and ``f_n`` its final demand by product. ``autarky_capacity=
      "sized"``: each country has the capacity its own needs require, ``c_n = L_n f_n``
      (an autarkic world in its own equilibrium, where only the shocked country is hit);
      ``"current"``: today's capacities, so goods a country does not make (and what needs
      them as inputs) are unavailable to it.

    The LPs maximise the total; who bears a good's shortfall among its final buyers is
    set by proportional rationing: each buyer of good ``i`` (or product ``k`` under open
    trade) gets the same share ``d_i / y_i`` of its baseline purchases. Without a loss
    every share is 1; with a loss the total met is at least ``1 - loss`` in the fixed and
    trade regimes (scaling everything down is feasible) and at least as high under open
    trade as with today's sourcing (today's plan is feasible with pooled origins).

    Returns
    -------
    Shortage
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
    Y = np.clip(m.Y, 0.0, None)  # [good, country]; non-negative by construction
    y = Y.sum(axis=1)
    short: dict[str, np.ndarray] = {}  # [country, product] shortfall, million USD
    met: dict[str, float] = {}
    binding: dict[str, np.ndarray] = {}

    def _used_up(rows: np.ndarray, used: np.ndarray, cap_rows: np.ndarray,
                 need_rows: np.ndarray | None = None) -> np.ndarray:
        """Rows whose capacity is used up; most short of the need first (if given)."""
        hit = used >= cap_rows - 1e-9 * np.maximum(cap_rows, 1.0)
        if need_rows is None:
            return rows[hit]
        frac = np.divide(cap_rows, need_rows, out=np.zeros_like(cap_rows), where=need_rows > 0)
        return rows[hit][np.argsort(frac[hit], kind="stable")]

    # fixed sourcing: only the shocked rows of L can bind
    LE = m.lu.rows(E)
    capE = keep[E] * (LE @ y)
    sol = calc_max_final_demand(LE, y, capE)
    binding["fixed"] = _used_up(E, LE @ sol.d, capE) if loss > 0 else E[:0]
    rate = np.divide(sol.d, y, out=np.ones(n), where=y > 0)
    short["fixed"] = ((1.0 - rate)[:, None] * Y).reshape(R, S, R).sum(axis=0).T
    met["fixed"] = sol.met

    # open trade: pooled products
    Ak = m.A.reshape(R, S, n).sum(axis=0)  # [k, (n, j)]
    fk = Y.reshape(R, S, R).sum(axis=0)  # [k, r]
    pool = sp.csr_matrix((np.ones(n), (np.tile(np.arange(S), R), np.arange(n))), shape=(S, n))
    sol = calc_max_final_demand_pooled(Ak, pool, fk.sum(axis=1), m.x * keep)
    assert sol.x is not None
    binding["trade"] = _used_up(E, sol.x[E], (m.x * keep)[E]) if loss > 0 else E[:0]
    rate_k = np.divide(sol.d, fk.sum(axis=1), out=np.ones(S), where=fk.sum(axis=1) > 0)
    short["trade"] = ((1.0 - rate_k)[:, None] * fk).T
    met["trade"] = sol.met

    # autarky: each country's own pooled blocks, Leontief inverse per country
    blocks = np.transpose(Ak.reshape(S, R, S), (1, 0, 2))  # [n, k, j]
    eye = np.broadcast_to(np.eye(S), (R, S, S))
    Ln = np.linalg.solve(eye - blocks, eye)  # (R, S, S), the R inverses at once
    f_aut = fk.T.reshape(n)  # [(n, k)]
    need = np.einsum("rkj,rj->rk", Ln, fk.T).reshape(n)
    cap = (need if autarky_capacity == "sized" else m.x) * keep
    rows = np.flatnonzero(cap < need)
    cc, kk, jj = np.indices((R, S, S))
    Lbd = sp.csr_matrix((Ln.ravel(), ((cc * S + kk).ravel(), (cc * S + jj).ravel())),
                        shape=(n, n))
    sol = calc_max_final_demand(Lbd[rows], f_aut, cap[rows])
    binding["autarky"] = _used_up(rows, Lbd[rows] @ sol.d, cap[rows], need[rows])
    short["autarky"] = (f_aut - sol.d).reshape(R, S)
    met["autarky"] = sol.met

    fd = Y.sum(axis=0)
    cols: dict[str, np.ndarray] = {"final_demand": fd}
    for name in REGIMES:
        lost = short[name].sum(axis=1)
        cols[f"share_{name}"] = np.clip(
            np.divide(fd - lost, fd, out=np.ones(R), where=fd > 0), 0.0, 1.0) + 0.0
    for name in REGIMES:
        cols[f"shortfall_{name}"] = np.maximum(short[name].sum(axis=1), 0.0)
    table = pd.DataFrame(cols, index=pd.Index(m.regions, name="country"))
    goods = pd.DataFrame({"final_demand": fk.T.ravel(),
                          **{f"shortfall_{g}": np.maximum(short[g].ravel(), 0.0)
                             for g in REGIMES}}, index=m.index)
    tol = 1e-9 * max(float(y.sum()), 1.0)
    worst = goods[[f"shortfall_{g}" for g in REGIMES]].max(axis=1)
    goods = goods[worst > tol].assign(_w=worst[worst > tol]).sort_values(
        "_w", ascending=False).drop(columns="_w")
    shocked = tuple((m.regions[i // S], m.sectors[i % S]) for i in E)
    label = {g: tuple((m.regions[i // S], m.sectors[i % S]) for i in binding[g])
             for g in REGIMES}
    return Shortage(table=table, goods=goods, met=met, binding=label, shocked=shocked,
                    loss=float(loss),
                    autarky_capacity=autarky_capacity,
                    formulation=FORMULATION + f" Autarky capacity: '{autarky_capacity}'.")
