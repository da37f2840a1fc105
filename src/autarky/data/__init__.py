"""Data access: the only part of autarky that reads or writes files.

``load_world`` takes an embedded dataset name, a path to long-format data, or a pymrio
``IOSystem``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autarky.errors import DataError

if TYPE_CHECKING:
    from autarky.data.cp2015 import cp2015_nafta_shock, read_cp2015, read_cp2015_tariffs
    from autarky.data.embedded_data import (
        DATASETS,
        DEFAULT_SOURCE,
        DERIVED_SOURCES,
        datasets,
        elasticities,
        elasticity_sources,
        manifest,
    )
    from autarky.data.ilms2025 import ILMS2025, read_ilms2025
    from autarky.data.readers import from_pymrio, read_flows
    from autarky.data.yotov2016 import read_gravity_panel, read_yotov2016
    from autarky.world import World

# Names are imported on first use (module ``__getattr__``), so that importing a light
# submodule (``autarky.data.records``, ``autarky.data.calibrations``) or the command line's
# listings does not load pandas, xarray and every reader.
_LAZY = {
    **dict.fromkeys(("cp2015_nafta_shock", "read_cp2015", "read_cp2015_tariffs"),
                    "autarky.data.cp2015"),
    **dict.fromkeys(("DATASETS", "DEFAULT_SOURCE", "DERIVED_SOURCES", "datasets", "elasticities",
                     "elasticity_sources", "load_embedded", "manifest"),
                    "autarky.data.embedded_data"),
    **dict.fromkeys(("ILMS2025", "read_ilms2025"), "autarky.data.ilms2025"),
    **dict.fromkeys(("from_pymrio", "read_flows"), "autarky.data.readers"),
    **dict.fromkeys(("read_gravity_panel", "read_yotov2016"), "autarky.data.yotov2016"),
    "World": "autarky.world",
}


def __getattr__(name: str) -> Any:
    """Import a public name of the package on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autarky.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
        (default ``"exporter"``); ``base=`` (icio194) the icio2023 World of the year,
        already loaded, to build on.

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> w.shape
    (81, 29)
    """
    from autarky.data.embedded_data import DATASETS, load_embedded
    from autarky.data.readers import from_pymrio, read_flows
    from autarky.world import World

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
