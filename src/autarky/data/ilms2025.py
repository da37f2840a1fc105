"""The baseline of Ignatenko, Lashkaripour, Macedoni and Simonovska (2025).

"Making America Great Again? The Economic Impacts of Liberation Day Tariffs" (JIE 157;
NBER w33771): 194 countries, one sector, 2023. Files (see ``../shared/data``):

* ``us-tariff-2025/trade_cepii.csv``: CEPII BACI HS22 V202501, 2023, thousand USD, rows =
  exporter, columns = importer (``export_ij1..194``), no domestic flows, empty = 0;
* ``us-tariff-2025/country_labels.csv``: ISO3 codes in the same order;
* ``us-tariff-2025/tariffs.csv``: the US "Liberation Day" rate on each partner (fraction);
* ``gdp-current/gdp.csv``: GDP in current USD (World Bank WDI), same row order.

Their baseline, reproduced here as stated in the paper and its replication package:

1. The roundabout share ``nu`` (share of sales that is not value added) takes two values,
   one for the US and one for every other country, chosen so that the share of
   intermediate inputs in gross output is 0.12 (rest of world, aggregated) and 0.26 (US),
   each a mix of the two nus weighted by the region's domestic and imported absorption.
2. Transfers (deficits) ``T_i = (1 - nu_i) (M_i - sum_j (1 - nu_j) X_ij)``, expenditure
   ``E_i = GDP_i / 1000 + T_i`` and domestic absorption ``X_ii = max(E_i - M_i, 0)``
   (7 re-export hubs with imports above GDP get 0: DJI, GMB, HKG, KGZ, LBR, MHL, TGO).
3. With the domestic flows, ``E_i`` is recomputed as total absorption, income as
   ``Y_i = sum_j (1 - nu_j) X_ij + nu_i E_i`` and ``T_i = E_i - Y_i``.
4. The US tariff on partner j is ``max(10%, tariffs.csv_j)``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize

from autarky.errors import DataError

__all__ = ["ILMS2025", "read_ilms2025"]

_N = 194
TARGET_INPUT_SHARE = {"ROW": 0.12, "USA": 0.26}
"""Intermediate-input share of gross output the two nus are calibrated to (ILMS 2025)."""


@dataclass(frozen=True, eq=False)
class ILMS2025:
    """The ILMS (2025) one-sector baseline in arrays (thousand USD).

    Attributes
    ----------
    countries : tuple of str
        ISO3 codes (194).
    X : ndarray (N, N)
        Trade ``X[j, i]``: exporter j, importer i, domestic flows on the diagonal.
    E, Y, T : ndarray (N,)
        Expenditure (total absorption), income (sales net of the roundabout share) and
        transfers ``E - Y``.
    nu : ndarray (N,)
        Roundabout share (US value, and one value for every other country).
    lam : ndarray (N, N)
        Trade shares ``X[j, i] / E_i``.
    us_tariff : ndarray (N,)
        The US Liberation Day tariff on each partner, ``max(10%, schedule)``; 0 on the US.
    us : int
        Index of the US.
    hubs : tuple of str
        Countries whose domestic absorption was set to 0 (imports above GDP).
    """

    countries: tuple[str, ...]
    X: np.ndarray
    E: np.ndarray
    Y: np.ndarray
    T: np.ndarray
    nu: np.ndarray
    lam: np.ndarray
    us_tariff: np.ndarray
    us: int
    hubs: tuple[str, ...]


def _csv_column(path: Path, rows: int, col: str) -> np.ndarray:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    with path.open(newline="") as fh:
        data = list(csv.DictReader(fh))
    if len(data) != rows or col not in data[0]:
        raise DataError(f"{path}: expected {rows} rows with a column {col!r}")
    try:
        return np.array([float(r[col]) for r in data])
    except ValueError as err:
        raise DataError(f"{path}: column {col!r}: {err}") from None


def _roundabout(X: np.ndarray, gdp: np.ndarray, us: int) -> tuple[float, float]:
    """Calibrate (nu_row, nu_us) on the two-region aggregate (rest of world, US)."""
    agg = np.zeros((2, len(gdp)))
    agg[0] = 1.0
    agg[0, us] = 0.0
    agg[1, us] = 1.0
    Xa, Ya = agg @ X @ agg.T, agg @ gdp

    def resid(nu: np.ndarray) -> np.ndarray:
        # expenditure of each region given the transfers that the nus imply
        E = Ya + (1 - nu) * (Xa.sum(axis=1) - ((1 - nu)[:, None] * Xa).sum(axis=1))
        r0 = (E[0] - Xa[1, 0]) / (E[0] - Xa[1, 0] + Xa[0, 1])
        r1 = (E[1] - Xa[0, 1]) / (E[1] - Xa[0, 1] + Xa[1, 0])
        return np.array([(1 - r0) * nu[1] + r0 * nu[0] - TARGET_INPUT_SHARE["ROW"],
                         r1 * nu[1] + (1 - r1) * nu[0] - TARGET_INPUT_SHARE["USA"]])

    sol = optimize.root(resid, np.array([0.1, 0.24]), tol=1e-14)
    if not sol.success:
        raise DataError("ilms2025: the roundabout shares (nu) could not be calibrated")
    nu = np.maximum(sol.x, 0.0)
    return float(nu[0]), float(nu[1])


def read_ilms2025(folder: str | Path, gdp_folder: str | Path | None = None) -> ILMS2025:
    """Read the ILMS (2025) baseline: trade, GDP and the US tariff schedule.

    Parameters
    ----------
    folder : str or Path
        The ``us-tariff-2025`` folder (``trade_cepii.csv``, ``country_labels.csv``,
        ``tariffs.csv``).
    gdp_folder : str or Path, optional
        The folder with ``gdp.csv`` (default: ``gdp-current`` next to ``folder``).

    Returns
    -------
    ILMS2025
        See the module docstring for every step.
    """
    f = Path(folder)
    g = Path(gdp_folder) if gdp_folder is not None else f.parent / "gdp-current"
    labels = f / "country_labels.csv"
    if not labels.exists():
        raise DataError(f"{labels}: file not found")
    with labels.open(newline="") as fh:
        countries = tuple(r["iso3"] for r in csv.DictReader(fh))
    if len(countries) != _N or "USA" not in countries:
        raise DataError(f"{labels}: expected {_N} countries including USA")
    trade = f / "trade_cepii.csv"
    if not trade.exists():
        raise DataError(f"{trade}: file not found")
    with trade.open(newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) != _N + 1 or any(len(r) != _N for r in rows):
        raise DataError(f"{trade}: expected a header and {_N} rows of {_N} columns")
    try:
        X = np.array([[float(v) if v.strip() else 0.0 for v in r] for r in rows[1:]])
    except ValueError as err:
        raise DataError(f"{trade}: {err}") from None
    if (X < 0).any() or not np.isfinite(X).all():
        raise DataError(f"{trade}: negative or non-finite flows")
    np.fill_diagonal(X, 0.0)
    gdp = _csv_column(g / "gdp.csv", _N, "gdp") / 1000.0  # thousand USD, like the trade
    rate = _csv_column(f / "tariffs.csv", _N, "applied_tariff")
    us = countries.index("USA")
    nu_row, nu_us = _roundabout(X, gdp, us)
    nu = np.full(_N, nu_row)
    nu[us] = nu_us
    imports = X.sum(axis=0)
    T = (1 - nu) * (imports - ((1 - nu)[None, :] * X).sum(axis=1))
    home = gdp + T - imports
    hubs = tuple(c for c, h in zip(countries, home, strict=True) if h < 0)
    np.fill_diagonal(X, np.maximum(home, 0.0))
    E = X.sum(axis=0)
    Y = ((1 - nu)[None, :] * X).sum(axis=1) + nu * E
    t = np.maximum(rate, 0.10)
    t[us] = 0.0
    return ILMS2025(countries=countries, X=X, E=E, Y=Y, T=E - Y, nu=nu, lam=X / E[None, :],
                    us_tariff=t, us=us, hubs=hubs)
