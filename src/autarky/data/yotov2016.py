"""Reader for the Yotov, Piermartini, Monteiro and Larch (2016) chapter 2 application files.

"An Advanced Guide to Trade Policy Analysis: The Structural Gravity Model" (WTO/UNCTAD),
chapter 2 ("General equilibrium trade policy analysis with structural gravity"). The folder
holds the Stata files of the guide's two applications (as redistributed in the CRAN package
``tradepolicy``, CC BY 4.0):

* ``1_TradeWithoutBorder.dta``: 2006 cross-section, 69 x 69 countries including
  intra-national flows; ``trade`` (million USD, manufacturing), ``DIST``, ``CNTG``,
  ``LANG``, ``CLNY``, ``INTL_BRDR``;
* ``Chapter2Application2.dta``: the 1986-2006 panel of the NAFTA application, with ``RTA``
  and the undirected ``pair_id``;
* ``*_FULL_PROD.results.dta`` / ``*_FULL_CONS.results.dta``: the guide's Stata results of
  the two experiments (removing international borders; removing NAFTA), by country.

Code rules (documented, no data value changes): the guide renames Germany, its reference
country, to ``ZZZ``; it is ``DEU`` here. Romania's pre-2002 UN code ``ROM`` is ``ROU``
(ISO 3166 alpha-3), so that the data can feed a :class:`~autarky.World`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from autarky.errors import DataError

__all__ = ["CODE_RULES", "Yotov2016", "read_gravity_panel", "read_yotov2016"]

CODE_RULES: dict[str, str] = {"ZZZ": "DEU", "ROM": "ROU"}

_FILES = {
    "borders": "1_TradeWithoutBorder.dta",
    "rta_panel": "Chapter2Application2.dta",
    "borders_prod": "1_TradeWithoutBorder_FULL_PROD.results.dta",
    "borders_cons": "1_TradeWithoutBorder_FULL_CONS.results.dta",
    "nafta_prod": "2_RTAsEffects_FULL_PROD.results.dta",
    "nafta_cons": "2_RTAsEffects_FULL_CONS.results.dta",
}


@dataclass(frozen=True, eq=False)
class Yotov2016:
    """The chapter 2 application data and the guide's Stata results.

    Attributes
    ----------
    borders : pandas.DataFrame
        2006 cross-section: exporter, importer, year, trade, DIST, ln_DIST, CNTG, LANG,
        CLNY, INTL_BRDR (one row per ordered pair, domestic flows included).
    rta_panel : pandas.DataFrame
        1986-2006 panel: exporter, importer, pair_id (undirected), year, trade, DIST,
        ln_DIST, CNTG, LANG, CLNY, RTA.
    results : dict of str to pandas.DataFrame
        ``"borders"`` and ``"nafta"``: the Stata results by country (production and
        consumption files joined), indexed by ISO3 country.
    folder : pathlib.Path
    """

    borders: pd.DataFrame
    rta_panel: pd.DataFrame
    results: dict[str, pd.DataFrame]
    folder: Path


def _codes(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    for c in cols:
        df[c] = df[c].astype(str).replace(CODE_RULES)
    return df


def _read_dta(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found (Yotov et al. 2016 chapter 2 files)")
    try:
        return pd.read_stata(path)
    except (ValueError, OSError) as err:
        raise DataError(f"{path}: not a readable Stata file ({err})") from err


def read_yotov2016(folder: str | Path) -> Yotov2016:
    """Read the Yotov et al. (2016) chapter 2 datasets and results files.

    Parameters
    ----------
    folder : str or Path
        The folder with the ``.dta`` files (see the module docstring).

    Returns
    -------
    Yotov2016
    """
    folder = Path(folder)
    raw = {k: _read_dta(folder / f) for k, f in _FILES.items()}
    b = raw["borders"][["exporter", "importer", "year", "trade", "DIST", "CNTG", "LANG",
                        "CLNY", "INTL_BRDR"]].copy()
    b = _codes(b, ("exporter", "importer"))
    b["year"] = b["year"].astype(int)
    b["ln_DIST"] = np.log(b["DIST"].astype(float))
    p = raw["rta_panel"].copy()
    p = _codes(p, ("exporter", "importer"))
    p["year"] = p["year"].astype(int)
    p["pair_id"] = p["pair_id"].astype(int)
    p["ln_DIST"] = np.log(p["DIST"].astype(float))
    results = {}
    for name in ("borders", "nafta"):
        prod = _codes(raw[f"{name}_prod"].copy(), ("country",)).set_index("country")
        cons = _codes(raw[f"{name}_cons"].copy(), ("country",)).set_index("country")
        results[name] = prod.join(cons, how="inner").sort_index()
    return Yotov2016(borders=b.reset_index(drop=True), rta_panel=p.reset_index(drop=True),
                     results=results, folder=folder)


def read_gravity_panel(path: str | Path, required: tuple[str, ...] = (),
                       numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a gravity panel (CSV or Parquet), one row per (exporter, importer[, year]).

    Parameters
    ----------
    path : str or Path
        The table.
    required : tuple of str
        Columns that must be present.
    numeric : tuple of str
        Columns that must hold numbers: the first offending row is named.

    Raises
    ------
    DataError
        One line naming the file, column and row (1-based data row) that is wrong.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            df = pd.read_csv(path)
    except Exception as err:  # noqa: BLE001 - any parser failure is bad input
        raise DataError(f"{path}: not a readable CSV/Parquet table ({err})") from err
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"{path}: column {missing[0]!r} missing (columns: "
                        f"{', '.join(map(str, df.columns))})")
    for c in numeric:
        if c not in df.columns:
            continue
        vals = pd.to_numeric(df[c], errors="coerce")
        bad = vals.isna() & df[c].notna() | ~np.isfinite(vals.fillna(0.0))
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{path}: column {c!r} row {k + 1}: {df[c].iloc[k]!r} is not a "
                            "finite number")
        df[c] = vals
    return df
