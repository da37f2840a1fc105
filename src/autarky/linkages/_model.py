"""The labelled Leontief model of a World, built from the World's own repaired data.

:func:`leontief` turns a World into an :class:`IOModel` (``A``, ``x``, ``Y``, ``v``, the LU
factorisation of ``I - A``). It is not cached: build it once and pass it to the other
functions of :mod:`autarky.linkages`, which accept a World or an IOModel.

How the table is built
----------------------
The World's data are used as the World repaired them (rules R1-R3 of
:mod:`autarky.world`: no negative flows, value-added shares of at least
``MIN_VALUE_ADDED_SHARE``, no good with intermediate use above its absorption); nothing is
repaired twice. With ``x`` the World's gross output, ``flows[n, i, k]`` its bilateral
sales and ``io[n, k, j]`` its input coefficients:

- user ``(n, j)`` buys ``io[n, k, j] x[n, j]`` of input ``k`` in all, split across origins
  ``i`` in the proportions of the published multi-regional table (``world.mrio``, negative
  cells read as zero) where it records purchases of ``k`` by ``(n, j)``, and otherwise in
  the proportions ``flows[n, i, k] / sum_i flows[n, i, k]`` in which country ``n`` buys
  ``k`` (the *proportionality assumption*; the whole table when there is no ``mrio``);
- rule L1 (announced with a :class:`~autarky.errors.RepairWarning` naming the cells):
  where the purchases of ``k`` from ``i`` by all users in ``n`` exceed the bilateral flow
  ``flows[n, i, k]`` (a flow that R1 cut to zero or that R2/R3 did not reach), they are
  scaled down to that flow; the users' value added rises by as much;
- final demand is the rest of each bilateral flow, ``Y[(i, k), n] = flows[n, i, k] -
  sum_j Z[(i, k), (n, j)] >= 0``.

So by construction ``x = Z 1 + Y 1`` (rows) and ``x' = 1' Z + v' diag(x)`` (columns):
``x = L y`` and ``x' = v' G`` hold to rounding, final demand is non-negative, and
extraction losses are non-negative. A World without input-output coefficients is refused.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from autarky.errors import DataError, RepairWarning
from autarky.linkages._iomath import LeontiefLU, _reciprocal, calc_A, calc_G
from autarky.linkages._proportional import ProportionalTable
from autarky.linkages._proportional import pick as _pick
from autarky.world import MRIO, ROUNDING_TOLERANCE, World

__all__ = ["IOModel", "leontief", "mrio_from_world", "proportional", "value_added_origins"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class IOModel:
    """A World's multi-regional Leontief model, factorised once.

    Build with :func:`leontief` and pass it to the other functions explicitly. Arrays are
    country-major over (region, sector).

    Attributes
    ----------
    regions, sectors : tuple of str
    A : ndarray (n, n)
        Technical coefficients, consistent with ``x`` and ``Y``: ``x = A x + Y 1``.
    x : ndarray (n,)
        Gross output.
    Y : ndarray (n, R)
        Final demand of each region, categories summed, non-negative.
    v : ndarray (n,)
        Value added per unit of output, ``v' = 1' (I - A)`` (zero where ``x = 0``).
    lu : LeontiefLU
        Factorisation of ``I - A``.
    sector_names : tuple of str
        Long names where the data have them, else the codes.
    source : str
        "mrio" (the published table) or "proportionality" (derived from flows and io).
    home : ndarray of bool (n,)
        Whether the country supplies the product to itself
        (:meth:`autarky.World.produces_at_home`, the one definition of "produces at home").
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
    home: np.ndarray

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


def _purchases(world: World, use_table: bool) -> tuple[np.ndarray, str]:
    """``Z[i, k, n, j]``: every user's purchases ``io x`` split across origins ``i``."""
    N, J = world.shape
    a = world.arrays()
    Fl = a["flows"]  # [n, i, k]
    U = Fl.sum(axis=1)  # [n, k]
    prop = np.divide(Fl, U[:, None, :], out=np.zeros_like(Fl), where=U[:, None, :] > 0)
    buys = np.transpose(a["io"] * a["gross_output"][:, None, :], (1, 0, 2))  # [k, n, j]
    mrio = world.mrio
    if not use_table or mrio is None or not _uses_table(world):
        # Z[i, k, n, j] = prop[n, i, k] buys[k, n, j]: one product per cell, written into
        # the one n x n array (einsum made a second one on the way)
        Z4 = np.empty((N, J, N, J))
        np.multiply(np.transpose(prop, (1, 2, 0))[..., None], buys[None], out=Z4)
        return Z4, "proportionality"
    Z4 = np.clip(mrio.Z, 0.0, None).reshape(N, J, N, J)  # [i, k, n, j], a copy
    tot = Z4.sum(axis=0)  # [k, n, j]
    Z4 *= np.divide(buys, tot, out=np.zeros_like(tot), where=tot > 0)[None]
    gap = (tot <= 0) & (buys > 0)  # purchases the table does not split: proportionality
    if gap.any():
        k, n, j = np.nonzero(gap)
        Z4[:, k, n, j] = prop[n, :, k].T * buys[k, n, j][None, :]
    return Z4, "mrio"


def _uses_table(world: World) -> bool:
    """Whether the World's published table (``world.mrio``) splits the purchases."""
    mrio = world.mrio
    return mrio is not None and (mrio.regions, mrio.sectors) == (world.countries,
                                                                  world.sectors)


def _rule_l1(world: World, sold: np.ndarray, flow: np.ndarray,
             stacklevel: int) -> np.ndarray | None:
    """Rule L1: ``flow / sold`` where purchases ``sold[i, k, n]`` exceed the flow, else None.

    Warns (one RepairWarning naming the first cell) when the excess is above rounding.
    """
    over = sold > flow
    if not over.any():
        return None
    tol = ROUNDING_TOLERANCE * max(float(flow.sum()), 1.0)
    big = sold - flow > tol
    if big.any():
        i, k, n = np.argwhere(big)[0]
        c, s = world.countries, world.sectors
        warnings.warn(
            f"{world.name}: {int(big.sum())} bilateral flows are smaller than the "
            f"intermediate purchases the table records from them (first: {c[n]} buying "
            f"{c[i]} {s[k]}, {sold[i, k, n]:.6g} > {flow[i, k, n]:.6g}); the purchases "
            "are scaled down to the flow and the users' value added rises (rule L1)",
            RepairWarning, stacklevel=stacklevel + 1)
    return np.divide(flow, sold, out=np.ones_like(sold), where=over)


def _table(world: World, use_table: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                          str]:
    """``Z (n, n)``, ``Y (n, R)``, ``x (n,)`` consistent with the World (module docstring)."""
    N, J = world.shape
    a = world.arrays()
    x = a["gross_output"].reshape(-1)
    Z4, source = _purchases(world, use_table)
    sold = Z4.sum(axis=3)  # [i, k, n]: intermediate sales of (i, k) to users in n
    flow = np.transpose(a["flows"], (1, 2, 0))  # [i, k, n]
    ratio = _rule_l1(world, sold, flow, stacklevel=4)
    if ratio is not None:
        Z4 *= ratio[..., None]
        sold = Z4.sum(axis=3)
    Y = np.clip(flow - sold, 0.0, None).reshape(N * J, N)
    return Z4.reshape(N * J, N * J), Y, x, source


def proportional(world: World) -> ProportionalTable:
    """The coefficients of a World's proportionality table, in their factored form.

    The table :func:`leontief` builds for a World without a published table (module
    docstring), ``A[(i, k), (n, j)] = P[n, i, k] C[n, k, j]``, as its two factors (rule
    L1 folded into ``P``, announced as there): products and solves without the ``n x n``
    matrix (:class:`~autarky.linkages._proportional.ProportionalTable`).
    """
    if not world.has_io:
        raise DataError(_no_io(world))
    a = world.arrays()
    Fl = a["flows"]  # [n, i, k]
    U = Fl.sum(axis=1)  # [n, k]
    prop = np.divide(Fl, U[:, None, :], out=np.zeros_like(Fl), where=U[:, None, :] > 0)
    out = a["gross_output"]  # [n, j]
    buys = a["io"] * out[:, None, :]  # [n, k, j]
    sold = np.transpose(prop, (1, 2, 0)) * buys.sum(axis=2).T[None]  # [i, k, n]
    ratio = _rule_l1(world, sold, np.transpose(Fl, (1, 2, 0)), stacklevel=3)
    if ratio is not None:
        prop *= np.transpose(ratio, (2, 0, 1))
    x = out.reshape(-1)
    C = buys * _reciprocal(out)[:, None, :]
    return ProportionalTable(P=prop, C=C, x=x, regions=world.countries, sectors=world.sectors)


def leontief(world: World | IOModel) -> IOModel:
    """The Leontief model of a World: ``A``, ``x``, ``Y``, ``v`` and the factorised ``I - A``.

    Built from the World's own repaired data (module docstring): ``x = L y`` and
    ``x' = v' G`` hold. Refuses a World without input-output links with a
    :class:`~autarky.errors.DataError`. Not cached: build it once and pass the IOModel to
    the other functions (an IOModel passed here is returned as it is).

    Examples
    --------
    >>> import autarky as ak
    >>> m = ak.linkages.leontief(ak.load_world("wiod2013"))  # doctest: +SKIP
    >>> ak.linkages.multipliers(m)  # doctest: +SKIP
    """
    if isinstance(world, IOModel):
        return world
    if not isinstance(world, World):
        raise DataError(f"linkages: expected a World, got {type(world).__name__}")
    if not world.has_io and world.mrio is None:
        raise DataError(_no_io(world))
    Z, Y, x, source = _table(world)
    if source == "proportionality":
        log.info("%s: multi-regional table derived from flows and io under proportionality",
                 world.name)
    A = calc_A(Z, x, overwrite=True)
    v = np.where(x != 0, 1.0 - A.sum(axis=0), 0.0)
    A.setflags(write=False)
    R, S = world.shape
    names = world.dataset.attrs.get("sector_names")
    sector_names = (tuple(str(s) for s in names) if names is not None and len(names) == S
                    else tuple(world.sectors))
    return IOModel(regions=world.countries, sectors=world.sectors, A=A, x=x, Y=Y, v=v,
                   lu=LeontiefLU(A), sector_names=sector_names, source=source,
                   home=world.produces_at_home().values.reshape(-1))


def value_added_origins(world: World, supplier: str,
                        countries: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Value added embodied in a unit of each (country, sector)'s output, by origin.

    Columns (per unit of output): ``value_added`` (``v' L``), ``domestic_value_added``
    (the part created in the producing country) and ``supplier_value_added`` (the part
    created in ``supplier``), with ``output`` (``x``) for weights: the ``value_added`` and
    ``domestic_value_added`` of :func:`~autarky.linkages.multipliers` and the
    ``value_added`` of :func:`~autarky.linkages.supplier_exposure`, from the same table
    (:func:`leontief`). Rows of ``countries`` only when given (default: every country);
    the domestic part costs one solve per country shown.

    No IOModel is built. A World without a published table (the proportionality table)
    never forms its ``n x n`` coefficients: the factored table (:func:`proportional`) is
    solved by block Jacobi iteration to a residual of ``TOL`` (1e-13) of the right-hand
    side, or a ConvergenceError. With a published table, ``I - A`` is factorised over the
    memory of ``A`` (one ``n x n`` array instead of two).
    """
    if not isinstance(world, World):
        raise DataError(f"linkages: expected a World, got {type(world).__name__}")
    if not world.has_io and world.mrio is None:
        raise DataError(_no_io(world))
    R, S = world.shape
    n = R * S
    rows = (np.asarray(_pick("country", world.countries, supplier))[:, None] * S
            + np.arange(S)[None, :]).ravel()
    shown = sorted(_pick("country", world.countries, countries))
    own = (np.asarray(shown)[:, None] * S + np.arange(S)[None, :]).ravel()  # their rows

    def rhs(v: np.ndarray) -> np.ndarray:
        W = np.zeros((n, 2 + len(shown)))
        W[:, 0] = v
        W[rows, 1] = v[rows]
        W[own, 2 + np.repeat(np.arange(len(shown)), S)] = v[own]
        return W

    if _uses_table(world):
        Z, _, x, _ = _table(world)
        A = calc_A(Z, x, overwrite=True)
        del Z
        v = np.where(x != 0, 1.0 - A.sum(axis=0), 0.0)
        lu = LeontiefLU(A, overwrite=True)  # A is gone from here on
        del A
        U = lu.solve_T(rhs(v))
    else:
        log.info("%s: multi-regional table derived from flows and io under proportionality",
                 world.name)
        t = proportional(world)
        x = t.x
        U = t.solve_T(rhs(t.v))
    index = pd.MultiIndex.from_product([[world.countries[r] for r in shown], world.sectors],
                                       names=["country", "sector"])
    return pd.DataFrame({"value_added": U[own, 0],
                         "domestic_value_added": U[own, 2 + np.repeat(np.arange(len(shown)),
                                                                      S)],
                         "supplier_value_added": U[own, 1], "output": x[own]}, index=index)


def mrio_from_world(world: World) -> MRIO:
    """A multi-regional table from a World's flows and io coefficients (proportionality).

    Each user ``(n, j)`` buys input ``k`` from origin ``i`` in the proportion in which
    country ``n`` as a whole buys ``k`` from ``i`` (the import-proportionality assumption
    behind most MRIOs built from national tables)::

        Z[(i, k), (n, j)] = flows[n, i, k] * io[n, k, j] * x[n, j] / U[n, k]
        Y[(i, k), n]      = flows[n, i, k] - sum_j Z[(i, k), (n, j)]

    with ``U[n, k] = sum_i flows[n, i, k]`` and ``x = gross_output``, so that row sums
    give back gross output. One final-demand category, "final".
    """
    if not world.has_io:
        raise DataError(_no_io(world))
    Z, Y, x, _ = _table(world, use_table=False)
    return MRIO(Z=Z, Y=Y, x=x, regions=world.countries, sectors=world.sectors,
                categories=("final",))


def _no_io(world: World) -> str:
    return (f"linkages: world {world.name!r} has no input-output links (no io coefficients "
            "and no MRIO table); use one with IO tables, e.g. 'wiod2013' or a pymrio system")
