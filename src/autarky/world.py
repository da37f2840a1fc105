"""The baseline economy: an immutable, validated, labelled World.

A :class:`World` holds everything the equilibrium model and the input-output analysis
need about one year of the world economy, labelled by name (xarray inside):

=====================  ===============================  ===========================================
variable               dimensions                       meaning
=====================  ===============================  ===========================================
``flows``              importer, exporter, sector       sales of exporter's sector to importer,
                                                        million USD at producer prices (tariffs
                                                        excluded); domestic sales on the diagonal
``tariffs``            importer, exporter, sector       applied ad-valorem tariff, fraction
``expenditure``        country, sector                  absorption X_nj = sum_i flows (1 + t)
``trade_shares``       importer, exporter, sector       pi_nij = flows (1 + t) / X_nj
``gross_output``       country, sector                  Y_ij = sum_n flows_nij
``value_added_share``  country, sector                  gamma_nj, share of value added in output
``io``                 country, sector_in, sector       gamma_n^{kj}: input k per unit of output j
``final_share``        country, sector                  alpha_nj, share of final spending
``value_added``        country                          w_n L_n = sum_j gamma_nj Y_nj
``tariff_revenue``     country                          R_n = sum_ij t_nij flows_nij
``deficit``            country                          D_n = imports - exports
``income``             country                          I_n = w_n L_n + R_n + D_n
=====================  ===============================  ===========================================

Consistency by construction
---------------------------
The final-demand shares are derived as the residual of the goods-market identity
(Caliendo and Parro 2015, eq. 9 at the baseline)::

    X_nj = sum_k gamma_n^{jk} Y_nk + alpha_nj I_n

so a baseline World is an exact equilibrium of the model: a zero shock returns hats of one.

Repair rules (each applied with a :class:`~autarky.errors.RepairWarning`, never silently)
------------------------------------------------------------------------------------------
R1. A negative bilateral flow in an input-output table (inventory draw-downs in final
    demand) is set to zero.
R2. A sector whose intermediate inputs add up to more than ``1 - MIN_VALUE_ADDED_SHARE``
    of its output (rounding in published tables) has its input coefficients scaled down
    so that its value-added share is ``MIN_VALUE_ADDED_SHARE``.
R3. A good whose intermediate use implied by the coefficients exceeds its absorption
    (so that final demand would be negative) has the coefficients of that input in that
    country scaled down until its final demand is zero; the using sectors' value-added
    shares rise by the same amount.
R4. Value added far from GDP (embedded worlds with IO links): see :mod:`autarky.repairs`.
Negative values smaller than ``ROUNDING_TOLERANCE`` times the table total are treated as
rounding and set to zero with the same warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from autarky.errors import DataError
from autarky.frames import frame_to_arrays
from autarky.mrio import MRIO, _readonly, _sum_groups
from autarky.repairs import (
    MIN_VALUE_ADDED_SHARE,
    ROUNDING_TOLERANCE,
    _cell_labels,
    _repair_io,
    _repair_warn,
)
from autarky.xrlazy import defer_dask_check

defer_dask_check()  # xarray would import dask.array (0.4 s) to ask if our arrays are dask's

__all__ = ["World", "MRIO", "MIN_VALUE_ADDED_SHARE", "ROUNDING_TOLERANCE"]

def _check_codes(kind: str, codes: Sequence[Any]) -> tuple[str, ...]:
    out = tuple(str(c) for c in codes)
    if len(out) == 0:
        raise DataError(f"{kind}: no {kind} given")
    seen: set[str] = set()
    for c in out:
        if not c or c.strip() != c:
            raise DataError(f"{kind}: invalid code {c!r}")
        if c in seen:
            raise DataError(f"{kind}: duplicate code {c!r}")
        seen.add(c)
    return out


def _first_bad(mask: np.ndarray, labels: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Describe the first True cell of ``mask`` by its labels: ``importer 'FRA', sector 'A01'``."""
    idx = np.argwhere(mask)[0]
    return ", ".join(f"{dim} {names[i]!r}" for (dim, names), i in zip(labels, idx, strict=True))


MAX_FLOW = 1e9
"""Largest accepted flow, million USD (1e15 USD: about ten times world GDP); larger values
are refused as unit errors (e.g. USD where million USD is meant) before they overflow."""

MAX_TARIFF = 10.0
"""Largest accepted ad-valorem tariff (1,000%). Published applied rates stay below this
(the largest applied rates in the embedded datasets are about 1.27); larger values are
refused as unit errors (percent given where a fraction is meant) that would make even the
baseline fail to solve."""


def _validate_array(name: str, a: Any, shape: tuple[int, ...],
                    labels: Sequence[tuple[str, Sequence[str]]],
                    lo: float | None = 0.0, hi: float | None = None) -> np.ndarray:
    arr = np.asarray(a, dtype=float)
    if arr.shape != shape:
        dims = ", ".join(d for d, _ in labels)
        raise DataError(f"{name}: shape {arr.shape} does not match ({dims}) = {shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise DataError(f"{name}: non-finite value {arr[bad][0]} at {_first_bad(bad, labels)}")
    if lo is not None and (arr < lo).any():
        bad = arr < lo
        raise DataError(
            f"{name}: value {arr[bad][0]:.6g} below {lo:g} at {_first_bad(bad, labels)}"
        )
    if hi is not None and (arr > hi).any():
        bad = arr > hi
        raise DataError(
            f"{name}: value {arr[bad][0]:.6g} above {hi:g} at {_first_bad(bad, labels)}"
        )
    return arr


class World:
    """An immutable, validated baseline economy of ``N`` countries and ``J`` sectors.

    Build one with :func:`autarky.load_world`, :meth:`World.from_flows`,
    :meth:`World.from_arrays` or :meth:`World.from_mrio`; do not mutate it (its arrays are
    read-only). See the module docstring for the variables and repair rules.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset made by one of the constructors. Not for direct use.
    mrio : MRIO, optional
        The full input-output table the World was derived from, where there is one.
    """

    __slots__ = ("_ds", "_mrio", "__dict__")

    def __init__(self, ds: xr.Dataset, mrio: MRIO | None = None) -> None:
        self._ds = ds
        self._mrio = mrio

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(
        cls,
        flows: Any,
        countries: Sequence[str],
        sectors: Sequence[str] | None = None,
        *,
        tariffs: Any = None,
        io: Any = None,
        value_added_share: Any = None,
        name: str = "custom",
        year: int | None = None,
        source: str = "user data",
        sector_names: Sequence[str] | None = None,
        mrio: MRIO | None = None,
        attrs: Mapping[str, Any] | None = None,
        source_file: str | None = None,
        sector_classes: Mapping[str, Sequence[str]] | None = None,
        theta: Any = None,
        theta_source: str = "",
    ) -> World:
        """Build a World from arrays.

        Parameters
        ----------
        flows : array_like, shape (N, N, J) or (N, N)
            ``flows[n, i, j]``: sales of exporter ``i``'s sector ``j`` to importer ``n``,
            million USD, tariffs excluded. Domestic sales on the diagonal.
        countries : sequence of str
            Country codes (ISO 3166 alpha-3, or 'ROW'), in the order of the axes.
        sectors : sequence of str, optional
            Sector codes; default ``("total",)`` for two-dimensional flows.
        tariffs : array_like, shape (N, N, J), optional
            Ad-valorem tariffs as fractions; default zero.
        io : array_like, shape (N, J, J), optional
            ``io[n, k, j]``: input of sector ``k`` per unit of output of sector ``j`` in
            country ``n``. Default: no input-output links.
        value_added_share : array_like, shape (N, J), optional
            Default ``1 - io.sum(axis=1)``.
        name, year, source : optional
            Metadata kept in ``attrs``.
        sector_names : sequence of str, optional
            Full sector names, kept in ``attrs``.
        mrio : MRIO, optional
            The full input-output table the flows come from.
        attrs : mapping, optional
            Further metadata (license, citation).
        source_file : str, optional
            File name used in error messages.
        sector_classes : mapping of str to sequence of str, optional
            Sector classes (``goods``, ``services``, ``tourism``, ``energy``, ``food``, ...)
            -> sector codes, as embedded datasets declare them in their manifest entry;
            see :attr:`sector_classes` for the default.
        theta : array_like, shape (J,), optional
            Trade elasticities that come with the data (e.g. the CP 2015 replication
            files), used by ``ak.solve(..., elasticities=theta_source)``; see :attr:`theta`.
        theta_source : str
            Name of those elasticities.
        """
        where = f"{source_file}: " if source_file else ""
        if sector_classes is not None:
            attrs = {**(attrs or {}), "sector_classes": {
                str(k): [str(c) for c in v] for k, v in sector_classes.items()}}
        try:
            w = cls._build(flows, countries, sectors, tariffs=tariffs, io=io,
                           value_added_share=value_added_share, name=name, year=year,
                           source=source, sector_names=sector_names, mrio=mrio, attrs=attrs)
            if theta is None:
                return w
            th = _validate_array("theta", theta, (len(w.sectors),), [("sector", w.sectors)])
            if (th <= 0).any():
                raise DataError("theta: every trade elasticity must be > 0")
            ds = w.dataset.assign(theta=("sector", _readonly(th), {"source": theta_source}))
            return cls(ds, mrio)
        except DataError as err:
            if where and not str(err).startswith(where):
                raise DataError(where + str(err)) from None
            raise

    @classmethod
    def _build(cls, flows: Any, countries: Sequence[str], sectors: Sequence[str] | None, *,
               tariffs: Any, io: Any, value_added_share: Any, name: str, year: int | None,
               source: str, sector_names: Sequence[str] | None, mrio: MRIO | None,
               attrs: Mapping[str, Any] | None) -> World:
        countries_t = _check_codes("countries", countries)
        F = np.asarray(flows, dtype=float)
        if F.ndim == 2:
            F = F[:, :, None]
        if sectors is None:
            sectors = ("total",) if F.shape[2] == 1 else tuple(f"s{j}" for j in range(F.shape[2]))
        sectors_t = _check_codes("sectors", sectors)
        N, J = len(countries_t), len(sectors_t)
        flow_lab = [("importer", countries_t), ("exporter", countries_t), ("sector", sectors_t)]
        F = _validate_array("flows", F, (N, N, J), flow_lab, 0.0, MAX_FLOW)
        home = np.einsum("nnj->n", F)
        if (home <= 0).any():
            c = countries_t[int(np.argmax(home <= 0))]
            raise DataError(
                f"flows: country {c!r} has no domestic flow (importer == exporter == {c!r}); "
                "the model needs home production"
            )
        T = (np.zeros_like(F) if tariffs is None
             else _validate_array("tariffs", tariffs, (N, N, J), flow_lab, 0.0, MAX_TARIFF))
        dom_t = np.einsum("nnj->nj", T)
        # a region made by World.aggregate keeps its members' tariffs on each other as the
        # flow-weighted tariff on its internal trade (tariff revenue is conserved); any
        # other World refuses a tariff on a country's own sales
        if (dom_t != 0).any() and not (attrs or {}).get("aggregated"):
            n, j = np.unravel_index(int(np.argmax(dom_t != 0)), dom_t.shape)
            raise DataError(f"tariffs: domestic tariff {dom_t[n, j]:.6g} at importer == "
                            f"exporter {countries_t[n]!r}, sector {sectors_t[j]!r}; a country "
                            "does not levy tariffs on its own sales (must be 0)")
        cs_lab = [("country", countries_t), ("sector", sectors_t)]
        io_lab = [("country", countries_t), ("sector_in", sectors_t), ("sector", sectors_t)]
        if io is None:
            coef = np.zeros((N, J, J))
            if value_added_share is not None:
                va = _validate_array("value_added_share", value_added_share, (N, J), cs_lab,
                                     0.0, 1.0)
                if not np.allclose(va, 1.0):
                    raise DataError("value_added_share: given without io coefficients; "
                                    "shares below 1 need the io table that makes up the rest")
            has_io = False
        else:
            coef = _validate_array("io", io, (N, J, J), io_lab, 0.0, 1.0)
            colsum = coef.sum(axis=1)
            if (colsum >= 1.0).any():
                raise DataError(
                    f"io: input coefficients add up to {colsum[colsum >= 1][0]:.6g} >= 1 at "
                    f"{_first_bad(colsum >= 1, cs_lab)}"
                )
            if value_added_share is not None:
                va = _validate_array("value_added_share", value_added_share, (N, J), cs_lab,
                                     0.0, 1.0)
                gap = np.abs(va + colsum - 1.0)
                if (gap > 1e-6).any():
                    raise DataError(
                        f"value_added_share: value added plus inputs add up to "
                        f"{(va + colsum)[gap > 1e-6][0]:.6g}, not 1, at "
                        f"{_first_bad(gap > 1e-6, cs_lab)}"
                    )
            has_io = bool(coef.any())
        ds = _derive(F, T, coef, countries_t, sectors_t)
        ds.attrs.update(
            name=name,
            year=-1 if year is None else int(year),
            source=source,
            units="million USD",
            has_io=int(has_io),
        )
        if sector_names is not None:
            ds.attrs["sector_names"] = list(map(str, sector_names))
        if attrs:
            ds.attrs.update(attrs)
        for cls_name, members in dict(ds.attrs.get("sector_classes", {})).items():
            unknown = [m for m in members if m not in sectors_t]
            if unknown:
                raise DataError(f"sector_classes: class {cls_name!r} names unknown sector "
                                f"{unknown[0]!r}")
        return cls(ds, mrio)

    @classmethod
    def from_flows(
        cls,
        flows: pd.DataFrame | np.ndarray | xr.DataArray,
        countries: Sequence[str] | None = None,
        sectors: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> World:
        """Build a World from bilateral flows.

        Parameters
        ----------
        flows : DataFrame, DataArray or ndarray
            A long DataFrame with columns ``importer, exporter, value`` and optionally
            ``sector`` (absent: one sector), one row per flow, million USD, domestic flows
            as rows with ``importer == exporter``; or a DataArray with dims
            (importer, exporter[, sector]); or an array with ``countries`` (and ``sectors``).
        countries, sectors : sequence of str, optional
            Codes in array order (arrays), or the full set and order (DataFrames; by default
            the sorted codes found).
        **kwargs
            Passed to :meth:`from_arrays` (``tariffs``, ``io``, ``value_added_share``, ...).
            With a DataFrame, ``tariffs`` may be a long DataFrame with a ``tariff`` column.

        Examples
        --------
        >>> import pandas as pd, autarky as ak
        >>> df = pd.DataFrame({"importer": ["FRA", "FRA", "DEU", "DEU"],
        ...                    "exporter": ["FRA", "DEU", "FRA", "DEU"],
        ...                    "value": [80.0, 20.0, 10.0, 90.0]})
        >>> w = ak.World.from_flows(df)
        >>> w.countries, w.sectors
        (('DEU', 'FRA'), ('total',))
        """
        if isinstance(flows, xr.DataArray):
            da = flows
            if "sector" not in da.dims:
                da = da.expand_dims(sector=["total"], axis=-1)
            da = da.transpose("importer", "exporter", "sector")
            if list(da.importer.values) != list(da.exporter.values):
                raise DataError("flows: importer and exporter coordinates differ")
            return cls.from_arrays(da.values, [str(c) for c in da.importer.values],
                                   [str(s) for s in da.sector.values], **kwargs)
        if isinstance(flows, pd.DataFrame):
            arrays = frame_to_arrays(flows, countries=countries, sectors=sectors,
                                     source_file=kwargs.get("source_file"),
                                     tariffs=kwargs.pop("tariffs", None))
            kwargs.update(arrays.extra)
            return cls.from_arrays(arrays.flows, arrays.countries, arrays.sectors, **kwargs)
        if countries is None:
            raise DataError("flows: an array needs countries= (and sectors=) to label its axes")
        return cls.from_arrays(flows, countries, sectors, **kwargs)

    @classmethod
    def from_mrio(cls, mrio: MRIO, *, name: str = "mrio", year: int | None = None,
                  source: str = "", sector_names: Sequence[str] | None = None,
                  attrs: Mapping[str, Any] | None = None) -> World:
        """Derive a World from a full multi-regional input-output table (repair rules R1-R3).

        Bilateral flows by sector are intermediate plus final sales; input coefficients are
        a country's purchases of each input (from all origins) per unit of output, with
        output measured as total sales so that the baseline is an exact equilibrium.
        """
        R, S = len(mrio.regions), len(mrio.sectors)
        Fc = len(mrio.categories)
        Z4 = mrio.Z.reshape(R, S, R, S)  # [i, k, n, j]
        Y3 = mrio.Y.reshape(R, S, R, Fc).sum(axis=3)  # [i, j, n]
        total = float(np.abs(mrio.Z).sum() + np.abs(mrio.Y).sum()) or 1.0
        if (Z4 < 0).any():
            neg = Z4 < 0
            _repair_warn(f"{name}: {int(neg.sum())} negative intermediate-use cells "
                         f"(sum {Z4[neg].sum():.6g}) set to zero (rule R1)", "R1",
                         _cell_labels(neg, mrio.regions, mrio.sectors, mrio.regions,
                                      mrio.sectors, values=Z4))
            Z4 = np.where(neg, 0.0, Z4)
        # flows[n, i, j] = sum_k Z[i, j, n, k] + sum_f Y[i, j, n, f]
        flows = np.einsum("ijnk->nij", Z4) + np.transpose(Y3, (2, 0, 1))
        neg = flows < 0
        if neg.any():
            big = flows < -ROUNDING_TOLERANCE * total
            if big.any():
                _repair_warn(f"{name}: {int(neg.sum())} negative bilateral flows (final demand "
                             f"with inventory draw-downs; sum {flows[neg].sum():.6g}) set to "
                             "zero (rule R1)", "R1",
                             _cell_labels(neg, mrio.regions, mrio.regions, mrio.sectors,
                                          values=flows))
            flows = np.where(neg, 0.0, flows)
        output = flows.sum(axis=0)  # [i, j]
        inputs = Z4.sum(axis=0)  # [k, n, j] -> purchases of k by (n, j)
        inputs = np.transpose(inputs, (1, 0, 2))  # [n, k, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            io = np.where(output[:, None, :] > 0, inputs / output[:, None, :], 0.0)
        io = _repair_io(io, flows, output, mrio.regions, mrio.sectors, name)
        return cls.from_arrays(flows, mrio.regions, mrio.sectors, io=io, name=name, year=year,
                               source=source, sector_names=sector_names, mrio=mrio,
                               attrs=attrs)

    # ------------------------------------------------------------------ accessors
    @property
    def dataset(self) -> xr.Dataset:
        """The labelled data (read-only arrays)."""
        return self._ds

    @property
    def mrio(self) -> MRIO | None:
        """The full input-output table, where the World was built from one."""
        return self._mrio

    @cached_property
    def countries(self) -> tuple[str, ...]:
        """Country codes (ISO 3166 alpha-3 plus 'ROW')."""
        return tuple(str(c) for c in self._ds.country.values)

    @cached_property
    def sectors(self) -> tuple[str, ...]:
        """Sector codes."""
        return tuple(str(s) for s in self._ds.sector.values)

    @property
    def name(self) -> str:
        """Dataset name."""
        return str(self._ds.attrs.get("name", "custom"))

    @property
    def year(self) -> int | None:
        """Base year, if known."""
        y = int(self._ds.attrs.get("year", -1))
        return None if y < 0 else y

    @property
    def sector_classes(self) -> dict[str, tuple[str, ...]]:
        """Sector classes -> sector codes, for scenarios that name a class ('goods', ...).

        As declared by the data (embedded datasets: their manifest entry; custom data:
        ``from_arrays(sector_classes=...)``). Without a declaration: a one-sector World's
        sector is ``goods``; otherwise sectors whose code starts with ``SERV`` are
        ``services`` and the others ``goods`` where there are such codes, and there are
        no classes where there are none.
        """
        decl = self._ds.attrs.get("sector_classes")
        if decl:
            return {str(k): tuple(v) for k, v in dict(decl).items()}
        if len(self.sectors) == 1:
            return {"goods": self.sectors}
        serv = tuple(s for s in self.sectors if s.upper().startswith("SERV"))
        if not serv:
            return {}
        return {"goods": tuple(s for s in self.sectors if s not in serv), "services": serv}

    @property
    def has_io(self) -> bool:
        """True when the World has input-output links (some io coefficient > 0)."""
        return bool(self._ds.attrs.get("has_io", 0))

    @property
    def shape(self) -> tuple[int, int]:
        """(number of countries, number of sectors)."""
        return len(self.countries), len(self.sectors)

    # Names from DESIGN.md, spelled out for readers and type checkers.
    @property
    def flows(self) -> xr.DataArray:
        """Bilateral flows (importer, exporter, sector), million USD, tariffs excluded."""
        return self._ds["flows"]

    @property
    def tariffs(self) -> xr.DataArray:
        """Applied ad-valorem tariffs (importer, exporter, sector), fractions."""
        return self._ds["tariffs"]

    @property
    def io(self) -> xr.DataArray:
        """Input-output coefficients (country, sector_in, sector)."""
        return self._ds["io"]

    @property
    def value_added(self) -> xr.DataArray:
        """Value added by country, million USD."""
        return self._ds["value_added"]

    @property
    def trade_shares(self) -> xr.DataArray:
        """Expenditure shares pi_nij = flows (1 + t) / X_nj (importer, exporter, sector)."""
        return self._ds["trade_shares"]

    @property
    def expenditure(self) -> xr.DataArray:
        """Absorption X_nj including tariffs (country, sector), million USD."""
        return self._ds["expenditure"]

    @property
    def gross_output(self) -> xr.DataArray:
        """Gross output Y_ij = sum_n flows (country, sector), million USD."""
        return self._ds["gross_output"]

    @property
    def value_added_share(self) -> xr.DataArray:
        """Value-added share of gross output (country, sector): 1 - sum of io coefficients.

        The one name of this share: ``gamma`` in the model's CP (2015) notation
        (:class:`autarky.model.Economy`).
        """
        return self._ds["value_added_share"]

    @property
    def final_share(self) -> xr.DataArray:
        """Final-demand shares alpha_nj (country, sector), summing to 1 by country."""
        return self._ds["final_share"]

    @property
    def tariff_revenue(self) -> xr.DataArray:
        """Tariff revenue by country, million USD."""
        return self._ds["tariff_revenue"]

    @property
    def deficit(self) -> xr.DataArray:
        """Trade deficit D_n = imports - exports by country, million USD."""
        return self._ds["deficit"]

    @property
    def income(self) -> xr.DataArray:
        """Income I_n = value added + tariff revenue + deficit by country, million USD."""
        return self._ds["income"]

    @property
    def theta(self) -> xr.DataArray | None:
        """Trade elasticities that came with the data (attrs ``source``), or None."""
        return self._ds["theta"] if "theta" in self._ds else None

    def produces_at_home(self) -> xr.DataArray:
        """Whether each country supplies each good to itself: ``flows[n, n, j] > 0``.

        The one definition of "produces at home" that the input-output analysis
        (:func:`autarky.linkages.missing_goods`, ``autarky deps``) and the equilibrium
        model's unavailable-goods check share. A country that makes a good only for
        export (domestic flow 0, exports > 0) does not supply it to itself: in exact hat
        algebra a zero trade share stays zero, so once its imports of the good are cut it
        has no supplier.

        Returns
        -------
        xarray.DataArray of bool, dims (country, sector)
        """
        home = np.einsum("nnj->nj", self._ds["flows"].values) > 0
        return xr.DataArray(home, dims=("country", "sector"),
                            coords={"country": list(self.countries),
                                    "sector": list(self.sectors)},
                            name="produces_at_home")

    def arrays(self) -> dict[str, np.ndarray]:
        """Plain NumPy views of every variable, for the numerical core (read-only)."""
        # the Variables' arrays: no DataArray is built per variable (20x faster per call)
        return {str(k): v.values for k, v in self._ds.data_vars.variables.items()}

    def __repr__(self) -> str:
        n, j = self.shape
        yr = f" {self.year}" if self.year is not None else ""
        io = "with" if self.has_io else "without"
        total = float(self._ds["flows"].sum())
        return (f"<World {self.name}{yr}: {n} countries x {j} sectors, {io} input-output "
                f"links, flows {total:,.0f} million USD>")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, World) and self._ds.identical(other._ds)

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ transforms
    def aggregate(
        self,
        countries: Mapping[str, Any] | Sequence[str] | None = None,
        sectors: Mapping[str, Any] | Sequence[str] | None = None,
    ) -> World:
        """Merge countries and/or sectors, conserving every total.

        Parameters
        ----------
        countries, sectors : mapping or sequence, optional
            Either ``{new_code: [old codes]}``, ``{old_code: new_code}``, or a sequence of
            new codes, one per current code. Codes not mentioned keep their own group.

        Returns
        -------
        World
            Flows, output, value added, final demand, deficits and tariff revenue sum
            exactly; tariffs become flow-weighted averages; input coefficients are
            recomputed from summed input purchases.
        """
        cmap, cnew = _group_map("countries", self.countries, countries)
        smap, snew = _group_map("sectors", self.sectors, sectors)
        a = self.arrays()
        N2, J2 = len(cnew), len(snew)
        Cm = np.zeros((len(self.countries), N2))
        Cm[np.arange(len(self.countries)), cmap] = 1.0
        Sm = np.zeros((len(self.sectors), J2))
        Sm[np.arange(len(self.sectors)), smap] = 1.0
        cube = ((0, Cm), (1, Cm), (2, Sm))
        F = _sum_groups(a["flows"], cube)
        Rv = _sum_groups(a["flows"] * a["tariffs"], cube)
        with np.errstate(divide="ignore", invalid="ignore"):
            T_simple = _sum_groups(a["tariffs"], cube)
            size_c, size_s = Cm.sum(axis=0), Sm.sum(axis=0)
            cnt = size_c[:, None, None] * size_c[None, :, None] * size_s[None, None, :]
            T = np.where(F > 0, Rv / F, T_simple / cnt)
        io = None
        if self.has_io:
            M = a["io"] * a["gross_output"][:, None, :]  # [n, k, j] input purchases
            M2 = _sum_groups(M, ((0, Cm), (1, Sm), (2, Sm)))
            Y2 = _sum_groups(a["gross_output"], ((0, Cm), (1, Sm)))
            # where a merged country-sector has no output, the members' mean coefficients
            # (a one-member group keeps its own): they matter once it has to produce
            mean = _sum_groups(a["io"], ((0, Cm), (1, Sm), (2, Sm))) / (
                Cm.sum(axis=0)[:, None, None] * Sm.sum(axis=0)[None, None, :])
            with np.errstate(divide="ignore", invalid="ignore"):
                io = np.where(Y2[:, None, :] > 0, M2 / Y2[:, None, :], mean)
        mrio = (self._mrio.aggregate(cmap, smap, cnew, snew) if self._mrio is not None
                and self._mrio.regions == self.countries and self._mrio.sectors == self.sectors
                else None)
        meta = self.metadata()
        meta["attrs"]["aggregated"] = 1
        if len(snew) != len(self.sectors):  # elasticities belong to the old sectors
            meta.pop("theta", None)
            meta.pop("theta_source", None)
        decl = meta["attrs"].pop("sector_classes", None)
        if decl:  # a merged sector keeps a class when all its parts had it
            meta["sector_classes"] = {
                k: [snew[g] for g in range(len(snew))
                    if all(self.sectors[j] in v for j in np.flatnonzero(smap == g))]
                for k, v in dict(decl).items()}
        return World.from_arrays(F, cnew, snew, tariffs=T, io=io, mrio=mrio, **meta)

    def without_io(self) -> World:
        """The same flows and tariffs without input-output links (value added = output).

        The model then is the multi-sector model without IO (CRC 2014); the World's name,
        year and sources are kept, and ``attrs["io_removed"] = 1`` says what was done.

        Examples
        --------
        >>> import autarky as ak, warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     w = ak.load_world("icio2023", year=2022)
        >>> w.has_io, w.without_io().has_io
        (True, False)
        """
        if not self.has_io:
            return self
        meta = self.metadata()
        meta["attrs"] = {k: v for k, v in meta["attrs"].items() if k != "io_note"}
        meta["attrs"]["io_removed"] = 1
        a = self.arrays()
        return World.from_arrays(a["flows"], self.countries, self.sectors, tariffs=a["tariffs"],
                                 sector_names=self._ds.attrs.get("sector_names"), **meta)

    def metadata(self) -> dict[str, Any]:
        """Name, year, source and further attrs, as keywords of :meth:`from_arrays`.

        For rebuilding a World from changed arrays without losing its description
        (sector names are left out: they belong to the sector codes).
        """
        derived = ("name", "year", "source", "units", "has_io", "sector_names")
        out: dict[str, Any] = {
            "name": self.name,
            "year": self.year,
            "source": str(self._ds.attrs.get("source", "")),
            "attrs": {k: v for k, v in self._ds.attrs.items() if k not in derived},
        }
        if self.theta is not None:
            out.update(theta=self.theta.values, theta_source=self.theta.attrs.get("source", ""))
        return out

    def summary(self, partners: int = 3) -> pd.DataFrame:
        """One row per country: output, value added, deficit, domestic share, top suppliers.

        Parameters
        ----------
        partners : int
            How many top foreign suppliers to list (by share of the country's absorption).
        """
        a = self.arrays()
        spend = (a["flows"] * (1 + a["tariffs"])).sum(axis=2)  # [n, i]
        total = spend.sum(axis=1)
        dom = np.diag(spend) / total
        foreign = spend / total[:, None]
        np.fill_diagonal(foreign, -np.inf)
        k = min(partners, len(self.countries) - 1)
        top = np.argsort(-foreign, axis=1)[:, :k]
        shares = np.take_along_axis(foreign, top, axis=1)
        cs = self.countries
        return pd.DataFrame(
            {
                "gross_output": a["gross_output"].sum(axis=1),
                "value_added": a["value_added"],
                "absorption": total,
                "deficit": a["deficit"],
                "domestic_share": dom,
                "top_supplier": [cs[t[0]] if k else "" for t in top],
                "top_supplier_share": shares[:, 0] if k else np.zeros(len(cs)),
                "top_suppliers": [", ".join(f"{cs[i]} {v:.1%}" for i, v in zip(t, sh, strict=True))
                                  for t, sh in zip(top, shares, strict=True)],
            },
            index=pd.Index(cs, name="country"),
        )


def _group_map(kind: str, codes: tuple[str, ...],
               spec: Mapping[str, Any] | Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    """Return (old index -> new index, new codes) for an aggregation spec."""
    if spec is None:
        return np.arange(len(codes)), list(codes)
    one = {"countries": "country", "sectors": "sector"}[kind]
    target: dict[str, str] = {}
    if isinstance(spec, Mapping):
        for key, val in spec.items():
            if isinstance(val, str):
                if key not in codes:
                    raise DataError(f"aggregate: unknown {one} {key!r}")
                target[str(key)] = val
            else:
                for old in val:
                    if old not in codes:
                        raise DataError(f"aggregate: unknown {one} {old!r} in group {key!r}")
                    if old in target:
                        raise DataError(f"aggregate: {one} {old!r} is in two groups")
                    target[str(old)] = str(key)
    else:
        seq = list(spec)
        if len(seq) != len(codes):
            raise DataError(f"aggregate: {len(seq)} new {kind} codes for {len(codes)} {kind}")
        target = {c: str(n) for c, n in zip(codes, seq, strict=True)}
    new_codes: list[str] = []
    idx = np.empty(len(codes), dtype=int)
    for i, c in enumerate(codes):
        g = target.get(c, c)
        if g not in new_codes:
            new_codes.append(g)
        idx[i] = new_codes.index(g)
    return idx, new_codes


def _derive(F: np.ndarray, T: np.ndarray, coef: np.ndarray,
            countries: tuple[str, ...], sectors: tuple[str, ...]) -> xr.Dataset:
    """Compute every derived variable once; all arrays read-only."""
    spend = F * (1.0 + T)
    X = spend.sum(axis=1)  # [n, j]
    N = len(countries)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = np.where(X[:, None, :] > 0, spend / X[:, None, :], 0.0)
    # a good nobody absorbs: by convention it would be bought at home
    none = X <= 0
    if none.any():
        n_idx, j_idx = np.nonzero(none)
        pi[n_idx, n_idx, j_idx] = 1.0
    Y = F.sum(axis=0)  # [i, j]
    va_share = 1.0 - coef.sum(axis=1)  # [n, j] value-added share
    VA = (va_share * Y).sum(axis=1)
    R = (F * T).sum(axis=(1, 2))
    imports = F.sum(axis=(1, 2))
    exports = F.sum(axis=(0, 2))
    D = imports - exports
    income = VA + R + D
    final = X - np.einsum("nkj,nj->nk", coef, Y)
    scale = max(float(X.sum()), 1.0)
    tiny = (final < 0) & (final >= -ROUNDING_TOLERANCE * scale)
    final = np.where(tiny, 0.0, final)
    if (final < 0).any():
        bad = final < 0
        lab = _first_bad(bad, [("country", countries), ("sector", sectors)])
        raise DataError(f"io: intermediate use exceeds absorption at {lab} "
                        "(final demand would be negative)")
    if (income <= 0).any():
        who = countries[int(np.argmax(income <= 0))]
        raise DataError(f"flows: country {who!r} has no positive income "
                        "(value added + tariff revenue + deficit <= 0)")
    alpha = final / final.sum(axis=1, keepdims=True)
    c, s = list(countries), list(sectors)
    dims3 = ("importer", "exporter", "sector")
    ds = xr.Dataset(
        {
            "flows": (dims3, _readonly(F), {"units": "million USD", "long_name":
                      "bilateral sales at producer prices, tariffs excluded"}),
            "tariffs": (dims3, _readonly(T), {"units": "fraction"}),
            "trade_shares": (dims3, _readonly(pi), {"units": "fraction"}),
            "expenditure": (("country", "sector"), _readonly(X), {"units": "million USD"}),
            "gross_output": (("country", "sector"), _readonly(Y), {"units": "million USD"}),
            "value_added_share": (("country", "sector"), _readonly(va_share),
                                  {"units": "fraction"}),
            "io": (("country", "sector_in", "sector"), _readonly(coef), {"units": "fraction"}),
            "final_share": (("country", "sector"), _readonly(alpha), {"units": "fraction"}),
            "value_added": (("country",), _readonly(VA), {"units": "million USD"}),
            "tariff_revenue": (("country",), _readonly(R), {"units": "million USD"}),
            "deficit": (("country",), _readonly(D), {"units": "million USD"}),
            "income": (("country",), _readonly(income), {"units": "million USD"}),
        },
        coords={"importer": c, "exporter": c, "country": c, "sector": s, "sector_in": s},
    )
    assert ds.sizes["country"] == N
    return ds
