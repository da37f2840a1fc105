"""Labelled input-output tables of a World: multipliers, footprints, dependency, extraction.

Each function takes a World or, better, the :class:`~autarky.linkages.IOModel` that
:func:`~autarky.linkages.leontief` returns (the model is built once and passed explicitly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from autarky.errors import DataError
from autarky.linkages._iomath import (
    calc_accounts,
    calc_extraction_losses,
    calc_M,
    calc_S,
    exposure_to,
    import_content,
    value_added_in_trade,
)
from autarky.linkages._model import IOModel, leontief
from autarky.linkages._proportional import ProportionalTable
from autarky.world import World

__all__ = [
    "multipliers",
    "Accounts",
    "accounts",
    "footprints",
    "dependency",
    "supplier_exposure",
    "self_sufficiency",
    "missing_goods",
    "extract",
]


def _lean(world: World | IOModel | ProportionalTable) -> IOModel | ProportionalTable:
    """An IOModel or a ProportionalTable as it is; a World's :func:`leontief` model."""
    return world if isinstance(world, ProportionalTable) else leontief(world)


def _solve_T(m: IOModel | ProportionalTable, W: np.ndarray) -> np.ndarray:
    """``L' W`` from the model's factorisation or the factored table's iteration."""
    return m.solve_T(W) if isinstance(m, ProportionalTable) else m.lu.solve_T(W)


def multipliers(world: World | IOModel | ProportionalTable) -> pd.DataFrame:
    """Output and value-added multipliers by (country, sector).

    ``output = 1' L`` (Miller-Blair ch. 6): output in all sectors per unit of final
    demand; ``value_added = v' L``: value added per unit of final demand (1 when value
    added closes every column); ``domestic_value_added``: the part of it created in the
    country of the final good.

    Accepts a :class:`~autarky.linkages.ProportionalTable`
    (:func:`~autarky.linkages.proportional`) too: the same numbers to the iteration's
    tolerance, without ``n x n`` arrays.
    """
    m = _lean(world)
    R, S = m.shape
    n = R * S
    W = np.zeros((n, 2 + R))
    W[:, 0] = 1.0
    W[:, 1] = m.v
    W[np.arange(n), 2 + np.repeat(np.arange(R), S)] = m.v
    U = _solve_T(m, W)  # (n, 2 + R)
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


def dependency(world: World | IOModel | ProportionalTable) -> pd.DataFrame:
    """Foreign dependency of each country and sector.

    Columns (all per unit of the sector's output, between 0 and 1 when value added is
    non-negative):

    - ``direct``: imported intermediate inputs (:func:`import_content`);
    - ``total``: imported inputs used at every stage of the domestic supply chain,
      ``m' (I - A_rr)^-1`` (Hummels-Ishii-Yi), ``>= direct``;
    - ``foreign_value_added``: foreign value added embodied through all global chains,
      ``1 - (domestic value-added multiplier)`` (Leontief inverse of the full table).

    Accepts a :class:`~autarky.linkages.ProportionalTable` as :func:`multipliers` does.
    """
    m = _lean(world)
    direct, total = (m.import_content() if isinstance(m, ProportionalTable)
                     else import_content(m.A, len(m.regions)))
    mult = multipliers(m)
    fva = mult["value_added"].to_numpy() - mult["domestic_value_added"].to_numpy()
    return pd.DataFrame({"direct": direct, "total": total, "foreign_value_added": fva},
                        index=m.index)


def supplier_exposure(world: World | IOModel | ProportionalTable,
                      supplier: str) -> pd.DataFrame:
    """Exposure of every other country's output to one supplier country.

    Per (country, sector): ``direct`` inputs bought from ``supplier`` per unit of output,
    ``total`` the supplier's output required through all rounds (``(L - I)`` rows of the
    supplier, ``>= direct``), ``value_added`` the supplier's value added embodied
    (:func:`exposure_to`). Rows ``(country, "ALL")`` give output-weighted country totals:
    e.g. the share of DEU's output paid directly to RUS for inputs, and the RUS output its
    production needs per unit, directly and indirectly. The supplier's own rows are left
    out. Accepts a :class:`~autarky.linkages.ProportionalTable` as :func:`multipliers` does.
    """
    m = _lean(world)
    rows = m.region_rows(supplier)
    d, t, va = (m.exposure_to(rows) if isinstance(m, ProportionalTable)
                else exposure_to(m.A, m.lu, m.v, rows))
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
    - ``home_supply``: what the country sells of the product to itself (intermediate plus
      final), million USD;
    - ``domestic_content``: share of the country's final demand for the product (from
      all origins) that is value added at home, through all supply chains
      (``v_r' L y_rj / 1' y_rj``, between 0 and 1);
    - ``produced``: whether the country supplies the product to itself,
      :meth:`autarky.World.produces_at_home` (the definition the equilibrium model's
      unavailable-goods check uses): a product made only for export is not.

    Products neither produced nor used in a country are left out.
    """
    m = leontief(world)
    R, S = m.shape
    n = R * S
    x3 = m.x.reshape(R, S)
    Z4 = m.A.reshape(R, S, R, S) * x3[None, None]  # [a, k, n, j]
    Zuse = Z4.sum(axis=(0, 3)).T  # [n, k]: intermediate use of k in n, all origins
    Y3 = m.Y.reshape(R, S, R)  # [a, j, r]
    use = Zuse + Y3.sum(axis=0).T  # [n, k]
    idx = np.arange(R)
    own = np.einsum("nknj->nk", Z4) + Y3[idx, :, idx]  # [n, k]: sold to itself
    ratio = np.full_like(x3, np.inf)
    np.divide(x3, use, out=ratio, where=use > 0)
    # domestic value added in r's final demand for product j: v masked to region r, then L
    W = np.zeros((n, R))
    W[np.arange(n), np.repeat(idx, S)] = m.v
    U = m.lu.solve_T(W).reshape(R, S, R)  # [a, j, r] = (v_r' L)_(a, j)
    dva = np.einsum("ajr,ajr->rj", U, Y3)
    fd = Y3.sum(axis=0).T  # [r, j]
    content = np.zeros_like(dva)
    np.divide(dva, fd, out=content, where=fd != 0)
    out = pd.DataFrame({"production": x3.ravel(), "use": use.ravel(), "ratio": ratio.ravel(),
                        "home_supply": own.ravel(), "domestic_content": content.ravel(),
                        "produced": m.home}, index=m.index)
    return out[(out["production"] > 0) | (out["use"] > 0)]


def missing_goods(world: World | IOModel) -> pd.DataFrame:
    """The goods each country uses but does not supply to itself, listed by name.

    "Supplies to itself" is :meth:`autarky.World.produces_at_home`, the definition the
    equilibrium model uses when it looks for goods left without a supplier (a country
    cut off from trade loses exactly these goods).

    Returns
    -------
    DataFrame
        Columns ``country, sector, name, use`` (million USD, domestic use from all
        origins) and ``production`` (million USD: positive for a good made only for
        export), largest use first within each country.
    """
    m = leontief(world)
    ss = self_sufficiency(m)
    miss = ss[~ss["produced"] & (ss["use"] > 0)].reset_index()
    names = dict(zip(m.sectors, m.sector_names, strict=True))
    miss["name"] = [names[s] for s in miss["sector"]]
    return (miss[["country", "sector", "name", "use", "production"]]
            .sort_values(["country", "use"], ascending=[True, False]).reset_index(drop=True))


def extract(world: World | IOModel, countries: Sequence[str] | str | None = None,
            sectors: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Hypothetical extraction: the output that depends on the extracted supply.

    The (country, sector) pairs ``E = countries x sectors`` (all sectors when ``sectors``
    is None; all countries when ``countries`` is None) are removed from the economy
    (Miller-Blair ch. 12; Dietzenbacher, van der Linden and Steenge 1993):

    - ``demand_driven``: ``x_bar = (I - A_{-E,-E})^-1 y_{-E}`` (:func:`extract_demand`),
      the output the rest of the world still produces for its final demand without
      buying from or selling to the extracted sectors (backward linkages);
    - ``supply_driven``: ``x_bar' = v_{-E}' (I - B_{-E,-E})^-1`` (:func:`extract_supply`),
      the output the rest can still produce with its primary inputs once the extracted
      sectors deliver nothing downstream (forward linkages, Ghosh).

    The baseline is gross output ``x``, which equals both ``L y`` and ``v' G`` (the model
    is built so that the identities hold), and the losses ``x - x_bar`` are computed
    directly (:func:`calc_extraction_losses`) as products of non-negative matrices: they
    are never negative.

    Returns
    -------
    DataFrame by (country, sector)
        ``baseline`` (``x``), ``demand_driven``, ``supply_driven`` (million USD), and the
        losses ``loss_demand``, ``loss_supply`` as fractions of the baseline (0 to 1).
    """
    if countries is None and sectors is None:
        raise DataError("extract: name countries= and/or sectors= to extract")
    m = leontief(world)
    E = m.region_rows(countries, sectors)
    back, fwd = calc_extraction_losses(m.lu, m.A, m.x, E)
    back = np.minimum(back, m.x)
    fwd = np.minimum(fwd, m.x)

    def _share(loss: np.ndarray) -> np.ndarray:
        out = np.zeros_like(loss)
        np.divide(loss, m.x, out=out, where=m.x > 0)
        return out

    return pd.DataFrame({"baseline": m.x, "demand_driven": m.x - back,
                         "supply_driven": m.x - fwd, "loss_demand": _share(back),
                         "loss_supply": _share(fwd)}, index=m.index)
