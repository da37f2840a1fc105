"""What ``autarky datasets``, ``presets`` and ``sectors`` list, read without loading anything.

The three commands print from ``embedded/listings.json`` instead of importing the
registries (the preset registry, the dataset loaders and a World need NumPy, pandas,
xarray and SciPy: about a second before the first line). ``scripts/build_listings.py``
writes the file from the live registries (:func:`autarky.cli_listings.live`): the rows of
:func:`autarky.datasets`, of :func:`autarky.presets.table`, and for every embedded dataset
and year its sector table (:func:`autarky.data.embedded_data.sector_table`) and the data
repairs made on loading it (rules and cells changed). ``tests/test_listings.py`` checks
that the file equals the registries; a dataset-year the file does not have (a file on
disk, a year out of range) is loaded as before. JSON only: importing this module loads no
other library.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Sectors", "datasets", "path", "presets", "sectors"]

Sectors = tuple[str, int, list[list[str]], list[str], int]
"""(dataset name, year, rows ``[code, name, classes]``, repair rules, cells repaired)."""


def path() -> Path:
    """The shipped listing file."""
    return Path(__file__).with_name("embedded") / "listings.json"


@cache
def _read() -> dict[str, Any]:
    return dict(json.loads(path().read_text(encoding="utf-8")))


def datasets() -> list[dict[str, Any]]:
    """One dict per embedded dataset: the columns of :func:`autarky.datasets`, with ``name``."""
    return list(_read()["datasets"])


def presets() -> list[dict[str, Any]]:
    """One dict per preset: the columns of :func:`autarky.presets.table`, with ``name``."""
    return list(_read()["presets"])


def sectors(world: str, year: int | None = None) -> Sectors | None:
    """The sector table of an embedded dataset-year and its data repairs, as listed.

    ``None`` when the listing does not have it (a file, an unknown name or year): the
    caller loads the World instead.
    """
    entry = _read()["sectors"].get(world.lower())
    if entry is None:
        return None
    y = str(entry["default_year"] if year is None else year)
    got = entry["years"].get(y)
    if got is None:
        return None
    return (str(entry["name"]), int(y), [list(r) for r in entry["tables"][got["table"]]],
            list(got["rules"]), int(got["cells"]))
