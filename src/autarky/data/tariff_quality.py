"""Baseline tariff quality: list implausible rates and repair them by a documented rule.

The trade cubes (icio2023, wiod2016) carry applied tariffs from the Teti Global Tariff
Database as *simple averages of tariff lines* within each sector, with specific duties and
the out-of-quota rates of tariff-rate quotas converted to ad-valorem equivalents. A few
lines with equivalents of several hundred percent can then dominate a sector: icio2023
gives the US a 91.3% tariff on food products (C10T12) from every partner without a
preference in 2022, while the published US averages are an order of magnitude lower.

Facts the rule rests on
-----------------------
* WTO, ITC and UNCTAD, *World Tariff Profiles* (annual), United States: simple-average MFN
  applied tariff on agricultural products about 5% (5.3% for 2018 in the 2019 edition; the
  figure has stayed near 5% since), on non-agricultural products about 3%.
* US applied tariffs by GTAP sector in 2004 (ad-valorem equivalents included): other food
  products 5.0%, beverages and tobacco 12.5%, sugar 16.2%, dairy 20.7% (the highest food
  group); Table A.19, "Past and present applied tariff rates in the United States",
  reproduced at https://corpapers.com/1475-page65.
  So published averages of US food and agricultural tariffs lie between about 0.05 and 0.21.
* The largest economies' simple-average MFN applied tariffs on agricultural products in the
  World Tariff Profiles are below 30% with few exceptions (India, Korea, a few others);
  ``TARIFF_BOUND = 0.30`` is therefore a generous ceiling for a sector's *average paid*
  rate, not a ceiling on tariff lines. It is a choice, stated with every repair.

Rule T1 (applied at load time with a RepairWarning naming the cells)
--------------------------------------------------------------------
A baseline rate above ``TARIFF_BOUND`` is replaced by the importer's own lower tier in that
sector and year: the trade-weighted mean of its rates, in the same sector, on the partners
it taxes at a rate from ``TIER_FLOOR`` (1%; lower rates are remnants of phased-out
preferences) up to the bound (e.g. the rates the data give to partners
with GSP-type preferences). Where the importer has no such partner, the rate is capped at
``TARIFF_BOUND``. ``load_world(name, tariffs="as-published")`` keeps the raw rates.

The replacement is bounded from below by the importer's trade-weighted applied rate in the
sector over all its partners (preferential zeros included), every rate capped at
``TARIFF_BOUND`` first: a lower tier made of a few small preferential partners must not put a
sector's rate below what the importer's own schedule charges on average once its
implausible lines are capped (without the floor, Malaysia's food rate would go from 0.918
to 0.029, Egypt's from 0.555 to 0.023).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from autarky.errors import DataError, RepairWarning

__all__ = ["TARIFF_BOUND", "TARIFF_MODES", "implausible_tariffs", "repair_tariffs",
           "tariff_rates"]

TARIFF_BOUND = 0.30
"""Ceiling on a sector's baseline average tariff (rule T1); see the module docstring."""

TIER_FLOOR = 0.01
"""Rates below this (remnants of phased-out preferences) do not form a lower tier."""

TARIFF_MODES = ("repaired", "as-published")


def implausible_tariffs(tariffs: np.ndarray, flows: np.ndarray, countries: Sequence[str],
                        sectors: Sequence[str], bound: float = TARIFF_BOUND,
                        lower: np.ndarray | None = None) -> pd.DataFrame:
    """One row per (importer, sector) with rates above ``bound``.

    Columns: importer, sector, partners (cells above the bound), max_rate, flow (million
    USD of imports in those cells), repaired_rate (what rule T1 puts in their place;
    ``lower``: those rates by (importer, sector) where the caller has them already).
    """
    if lower is None:
        _, lower = _lower_tier(tariffs, flows, bound)
    over = tariffs > bound
    n_idx, j_idx = np.nonzero(over.any(axis=1))
    cells = over.sum(axis=1)[n_idx, j_idx]
    mx = np.where(over, tariffs, 0.0).max(axis=1)[n_idx, j_idx]
    fl = np.where(over, flows, 0.0).sum(axis=1)[n_idx, j_idx]
    return pd.DataFrame({
        "importer": [countries[int(n)] for n in n_idx],
        "sector": [sectors[int(j)] for j in j_idx],
        "partners": cells.astype(int),
        "max_rate": mx,
        "flow": fl,
        "repaired_rate": lower[n_idx, j_idx],
    })


def _lower_tier(tariffs: np.ndarray, flows: np.ndarray, bound: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """(repaired tariffs, replacement rate per (importer, sector))."""
    N = tariffs.shape[0]
    off = ~np.eye(N, dtype=bool)[:, :, None]
    tier = off & (tariffs >= TIER_FLOOR) & (tariffs <= bound)
    w = np.where(tier, flows, 0.0)
    wsum = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_w = np.where(wsum > 0, (w * tariffs).sum(axis=1) / np.where(wsum > 0, wsum, 1.0),
                          np.nan)
    cnt = tier.sum(axis=1)
    mean_s = np.where(cnt > 0, np.where(tier, tariffs, 0.0).sum(axis=1) / np.maximum(cnt, 1),
                      np.nan)
    lower = np.where(np.isfinite(mean_w), mean_w, mean_s)
    lower = np.where(np.isfinite(lower), lower, bound)
    lower = np.maximum(lower, _schedule_floor(tariffs, flows, bound))
    fixed = np.where(tariffs > bound, lower[:, None, :], tariffs)
    return fixed, lower


def _schedule_floor(tariffs: np.ndarray, flows: np.ndarray, bound: float) -> np.ndarray:
    """The importer's trade-weighted rate by sector over all partners, each capped at ``bound``."""
    N = tariffs.shape[0]
    off = ~np.eye(N, dtype=bool)[:, :, None]
    w = np.where(off, flows, 0.0)
    wsum = w.sum(axis=1)
    mean = (w * np.minimum(tariffs, bound)).sum(axis=1) / np.where(wsum > 0, wsum, 1.0)
    return np.where(wsum > 0, mean, 0.0)


def repair_tariffs(tariffs: np.ndarray, flows: np.ndarray, countries: Sequence[str],
                   sectors: Sequence[str], name: str = "",
                   bound: float = TARIFF_BOUND) -> np.ndarray:
    """Apply rule T1 with one RepairWarning naming the repaired cells (by importer, sector)."""
    over = tariffs > bound
    if not over.any():
        return tariffs
    fixed, lower = _lower_tier(tariffs, flows, bound)
    tab = implausible_tariffs(tariffs, flows, countries, sectors, bound, lower)
    tab = tab.sort_values("flow", ascending=False)
    listing = "; ".join(
        f"{r.importer} {r.sector} ({r.partners} partners, up to {r.max_rate:.3f} -> "
        f"{r.repaired_rate:.3f})" for r in tab.itertuples())
    n_idx, i_idx, j_idx = np.nonzero(over)
    cells = [f"{countries[int(n)]} {sectors[int(j)]} from {countries[int(i)]} "
             f"{tariffs[n, i, j]:.3f} -> {fixed[n, i, j]:.3f}"
             for n, i, j in zip(n_idx, i_idx, j_idx, strict=True)]
    warnings.warn(RepairWarning(
        f"{name}: {int(over.sum())} baseline tariffs above {bound:g} (simple averages of "
        f"tariff lines dominated by specific duties and out-of-quota rates) replaced by the "
        f"importer's lower-tier trade-weighted rate in the sector (not below its "
        f"trade-weighted rate over all partners), or capped at {bound:g} "
        f"(rule T1, autarky.data.tariff_quality): {listing}", "T1", cells), stacklevel=4)
    return fixed


def tariff_rates(name: str, year: int, tariffs: np.ndarray, flows: np.ndarray,
                 countries: Sequence[str], sectors: Sequence[str], mode: str) -> np.ndarray:
    """The baseline tariffs of a dataset: repaired by rule T1, or as published."""
    if mode not in TARIFF_MODES:
        raise DataError(f"tariffs = {mode!r}: expected one of {', '.join(TARIFF_MODES)}")
    t = np.asarray(tariffs, dtype=float)
    if mode == "as-published":
        return t
    return repair_tariffs(t, np.asarray(flows, dtype=float), countries, sectors,
                          f"{name} {year}")
