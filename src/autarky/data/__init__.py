"""Data access: the only part of autarky that reads or writes files.

``load_world`` takes an embedded dataset name, a path to long-format data, or a pymrio
``IOSystem``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autarky.data.cp2015 import cp2015_nafta_shock, read_cp2015, read_cp2015_tariffs
from autarky.data.embedded_data import (
    DATASETS,
    DEFAULT_SOURCE,
    DERIVED_SOURCES,
    datasets,
    elasticities,
    elasticity_sources,
    load_embedded,
    manifest,
)
from autarky.data.ilms2025 import ILMS2025, read_ilms2025
from autarky.data.readers import from_pymrio, read_flows
from autarky.data.yotov2016 import read_gravity_panel, read_yotov2016
from autarky.errors import DataError
from autarky.world import World

__all__ = [
    "DATASETS",
    "DEFAULT_SOURCE",
    "DERIVED_SOURCES",
    "ILMS2025",
    "cp2015_nafta_shock",
    "datasets",
    "elasticities",
    "elasticity_sources",
    "from_pymrio",
    "load_world",
    "manifest",
    "read_cp2015",
    "read_cp2015_tariffs",
    "read_flows",
    "read_gravity_panel",
    "read_yotov2016",
    "read_ilms2025",
]


def load_world(source: Any = "icio2023", year: int | None = None, **kwargs: Any) -> World:
    """Load a baseline World.

    Parameters
    ----------
    source : str, Path or pymrio.IOSystem
        An embedded dataset name (see :func:`datasets`), a path to a long-format CSV or
        Parquet flows file, or a pymrio ``IOSystem``.
    year : int, optional
        Base year (embedded datasets; default the latest).
    **kwargs
        Passed to :func:`read_flows` for paths (``tariffs=``, ``io=``, ``value_added=``).
        For an embedded dataset: ``tariffs="as-published"`` keeps the raw baseline tariffs
        (default ``"repaired"``: rule T1 of :mod:`autarky.data.tariff_quality`);
        ``flows="importer"`` (world194) takes each flow from the importer's record first
        (default ``"exporter"``).

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> w.shape
    (81, 29)
    """
    if isinstance(source, World):
        return source
    if hasattr(source, "Z") and hasattr(source, "Y") and not isinstance(source, (str, Path)):
        return from_pymrio(source, year=year)
    if isinstance(source, str) and source.lower() in DATASETS:
        return load_embedded(source, year, **kwargs)
    path = Path(source)
    if path.suffix.lower() in (".csv", ".parquet", ".pq", ".gz", ".txt"):
        return read_flows(path, year=year, **kwargs)
    raise DataError(f"unknown world {str(source)!r}: not an embedded dataset "
                    f"({', '.join(DATASETS)}) nor a .csv/.parquet file")
