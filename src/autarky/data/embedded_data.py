"""The datasets shipped inside the package, in a registry looked up by name.

The files in ``embedded/`` are made by ``scripts/build_data.py`` from the reference data;
``embedded/manifest.json`` records source, license and citation of each.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky.errors import DataError
from autarky.world import MRIO, World

__all__ = ["DATASETS", "datasets", "elasticities", "elasticity_sources", "load_embedded",
           "manifest"]


def _embedded() -> Path:
    return Path(str(resources.files("autarky.data") / "embedded"))


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """Source, license, citation and coverage of every embedded file."""
    return dict(json.loads((_embedded() / "manifest.json").read_text()))


def _npz(name: str) -> Any:
    path = _embedded() / f"{name}.npz"
    if not path.exists():
        raise DataError(f"embedded dataset file {path} is missing; "
                        "run scripts/build_data.py from the repository root")
    return np.load(path, allow_pickle=False)


def _check_year(name: str, year: int | None, years: list[int]) -> int:
    if year is None:
        return int(years[-1])
    if int(year) not in years:
        raise DataError(f"{name}: year {year} not available (years {years[0]}-{years[-1]})")
    return int(year)


def _load_tradecube(name: str, year: int | None) -> World:
    meta = manifest()[name]
    y = _check_year(name, year, meta["years"])
    with _npz(name) as d:
        return World.from_arrays(
            d[f"flows_{y}"], [str(c) for c in d["countries"]], [str(s) for s in d["sectors"]],
            tariffs=d[f"tariffs_{y}"], name=name, year=y, source=meta["source"],
            sector_names=[str(s) for s in d["sector_names"]],
            attrs={"license": meta["license"], "citation": meta["citation"]},
        )


def _load_wiod2013(name: str, year: int | None) -> World:
    meta = manifest()[name]
    y = _check_year(name, year, meta["years"])
    with _npz(name) as d:
        mrio = MRIO(
            Z=d[f"Z_{y}"].astype(float),
            Y=d[f"F_{y}"].astype(float),
            x=d[f"x_{y}"].astype(float),
            regions=tuple(str(c) for c in d["countries"]),
            sectors=tuple(str(s) for s in d["sectors"]),
            categories=tuple(str(c) for c in d["categories"]),
        )
        names = [str(s) for s in d["sector_names"]]
    return World.from_mrio(mrio, name=name, year=y, source=meta["source"], sector_names=names,
                           attrs={"license": meta["license"], "citation": meta["citation"]})


DATASETS: dict[str, Callable[[str, int | None], World]] = {
    "icio2023": _load_tradecube,
    "wiod2013": _load_wiod2013,
    "wiod2016": _load_tradecube,
}
"""Registry: dataset name -> loader(name, year)."""


def load_embedded(name: str, year: int | None = None) -> World:
    """Load an embedded dataset by name (default year: the latest)."""
    key = name.lower()
    if key not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; available: {', '.join(DATASETS)}")
    return DATASETS[key](key, year)


def datasets() -> pd.DataFrame:
    """One row per embedded dataset: name, years, countries, sectors, IO links, source, license.

    Examples
    --------
    >>> import autarky as ak
    >>> int(ak.datasets().loc["icio2023", "countries"])
    81
    """
    rows = []
    for name in DATASETS:
        m = manifest()[name]
        rows.append({
            "name": name,
            "years": f"{m['years'][0]}-{m['years'][-1]}",
            "countries": m["countries"],
            "sectors": m["sectors"],
            "io_links": bool(m["has_io"]),
            "title": m["title"],
            "source": m["source"],
            "license": m["license"],
            "citation": m["citation"],
        })
    return pd.DataFrame(rows).set_index("name")


@cache
def _elasticity_table() -> pd.DataFrame:
    return pd.read_csv(_embedded() / "elasticities.csv")


def elasticity_sources() -> pd.DataFrame:
    """The published sources in the elasticity catalog, with citations."""
    return pd.read_csv(_embedded() / "elasticity_sources.csv").set_index("source")


def elasticities(dataset: str, source: str = "cp2015") -> pd.Series:
    """Sectoral trade elasticities (theta) from a published source, mapped to a dataset.

    Parameters
    ----------
    dataset : str
        An embedded dataset name ('icio2023', 'wiod2013', 'wiod2016').
    source : str
        One of ``elasticity_sources().index``: 'cp2015', 'uniform4', 'shapiro2016',
        'bsy2021', 'gyy2021', 'fgo2022', 'll2023', 'in-sample'.

    Returns
    -------
    pandas.Series
        Indexed by the dataset's sector codes, named ``theta``.

    Examples
    --------
    >>> import autarky as ak
    >>> float(ak.elasticities("icio2023", "uniform4").max())
    4.0
    """
    tab = _elasticity_table()
    ds = dataset.lower()
    if ds not in set(tab["dataset"]):
        raise DataError(f"elasticities: no catalog for dataset {dataset!r}; "
                        f"available: {', '.join(sorted(set(tab['dataset'])))}")
    sub = tab[tab["dataset"] == ds]
    if source not in set(sub["source"]):
        raise DataError(f"elasticities: unknown source {source!r}; "
                        f"available: {', '.join(sorted(set(sub['source'])))}")
    s = sub[sub["source"] == source].set_index("sector")["theta"].astype(float)
    s.index.name = "sector"
    s.name = "theta"
    s.attrs["source"] = source
    s.attrs["dataset"] = ds
    if "se" in sub.columns:  # published standard errors, where the catalog carries them
        se = sub[sub["source"] == source].set_index("sector")["se"].astype(float)
        if se.notna().all():
            se.index.name = "sector"
            s.attrs["se"] = se.rename("se")
    return s
