"""Readers for user data: long-format CSV / Parquet tables and pymrio IO systems.

Long format (one row per flow)
------------------------------
``flows`` (required), CSV or Parquet:

==========  ======================================================================
column      meaning
==========  ======================================================================
importer    ISO 3166 alpha-3 code of the buying country, or 'ROW'
exporter    ISO 3166 alpha-3 code of the selling country, or 'ROW'
sector      sector code (optional column: without it the data have one sector)
value       million USD at producer prices, tariffs excluded, >= 0; domestic sales
            are rows with importer == exporter; pairs not listed are zero
==========  ======================================================================

Companion tables, all optional:

- ``tariffs``: ``importer, exporter[, sector], tariff`` (ad-valorem fraction, >= 0;
  pairs not listed are zero);
- ``io``: ``country, sector_in, sector, coefficient`` (input of ``sector_in`` per unit
  of output of ``sector``; columns must add up to less than 1);
- ``value_added``: ``country, sector, share`` (must equal 1 minus the io column sum).

Every problem is reported on one line naming the file, the row (as the line number in
a CSV file, header = line 1) and the field.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky.data import scenario_data
from autarky.errors import DataError
from autarky.frames import (
    MAX_INPUT_BYTES,
    code_column,
    frame_to_arrays,
    long_to_cube,
    numeric_column,
)
from autarky.world import MRIO, World

__all__ = ["read_flows", "frame_to_arrays", "from_pymrio", "iso3_codes"]


@cache
def iso3_codes() -> frozenset[str]:
    """ISO 3166 alpha-3 codes known to country_converter, plus 'ROW'."""
    return scenario_data.iso3_codes() | {"ROW"}


class _Bounded(io.RawIOBase):
    """A binary stream that raises a DataError once more than ``limit`` bytes were read.

    Decompression is streamed, so a small archive that inflates to gigabytes stops at the
    limit instead of filling the memory.
    """

    def __init__(self, raw: Any, limit: int, path: Path) -> None:
        self._raw, self._left, self._path, self._limit = raw, limit, path, limit
        self._lines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(min(len(b), self._left + 1))
        if len(data) > self._left:
            raise DataError(f"{self._path}: more than {self._limit:,} bytes of data (after "
                            "decompression); set AUTARKY_MAX_INPUT_BYTES to raise the limit")
        nul = data.find(b"\0")
        if nul >= 0:  # pandas would silently cut the field there ('F\0RA' read as 'F')
            offset = self._limit - self._left + nul
            line = self._lines + data.count(b"\n", 0, nul) + 1
            raise DataError(f"{self._path}: a NUL byte at byte {offset:,} (line {line}); a "
                            "CSV file holds text only")
        self._lines += data.count(b"\n")
        self._left -= len(data)
        b[:len(data)] = data
        return len(data)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise DataError(f"{path}: more than {MAX_INPUT_BYTES:,} bytes; set "
                                "AUTARKY_MAX_INPUT_BYTES to raise the limit")
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt", ".gz"):
            opener = gzip.open if suffix == ".gz" else open
            with opener(path, "rb") as raw:
                stream = io.BufferedReader(_Bounded(raw, MAX_INPUT_BYTES, path))
                return pd.read_csv(stream, keep_default_na=True)
    except DataError:
        raise
    except (ValueError, OSError, EOFError, zlib.error) as err:
        first = (str(err).splitlines() or [type(err).__name__])[0]
        raise DataError(f"{path}: cannot be read ({first or type(err).__name__}; "
                        "truncated or corrupt file?)") from None
    raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv or .parquet)")


def read_flows(
    path: str | Path,
    *,
    tariffs: str | Path | None = None,
    io: str | Path | None = None,
    value_added: str | Path | None = None,
    countries: Sequence[str] | None = None,
    name: str | None = None,
    year: int | None = None,
) -> World:
    """Read a World from long-format CSV or Parquet files (schema in the module docstring).

    Parameters
    ----------
    path : str or Path
        The flows table.
    tariffs, io, value_added : str or Path, optional
        Companion tables.
    countries : sequence of str, optional
        The allowed country codes (default: ISO 3166 alpha-3 plus 'ROW').
    name : str, optional
        Dataset name (default: the file's stem).
    year : int, optional
        Base year, kept as metadata.
    """
    p = Path(path)
    df = _read_table(p)
    arr = frame_to_arrays(df, countries=countries, source_file=str(p), is_file=True,
                          known=None if countries is not None else iso3_codes())
    kwargs: dict[str, Any] = {}
    if tariffs is not None:
        tp = Path(tariffs)
        kwargs["tariffs"] = long_to_cube(_read_table(tp), "tariff", arr.countries,
                                          arr.sectors, str(tp), True)
    if io is not None:
        ip = Path(io)
        kwargs["io"] = _long_io(_read_table(ip), arr.countries, arr.sectors, str(ip))
    if value_added is not None:
        vp = Path(value_added)
        vdf = _read_table(vp)
        where = f"{vp}: "
        c = code_column(vdf, "country", where, True, arr.countries, "country code")
        s = code_column(vdf, "sector", where, True, arr.sectors, "sector code")
        v = numeric_column(vdf, "share", where, True, what="share")
        va = np.ones((len(arr.countries), len(arr.sectors)))
        va[[arr.countries.index(x) for x in c], [arr.sectors.index(x) for x in s]] = v
        kwargs["value_added_share"] = va
    return World.from_arrays(arr.flows, arr.countries, arr.sectors, name=name or p.stem,
                             year=year, source=str(p), source_file=str(p), **kwargs)


def _long_io(df: pd.DataFrame, clist: list[str], slist: list[str], name: str) -> np.ndarray:
    where = f"{name}: "
    c = code_column(df, "country", where, True, clist, "country code")
    k = code_column(df, "sector_in", where, True, slist, "sector code")
    j = code_column(df, "sector", where, True, slist, "sector code")
    v = numeric_column(df, "coefficient", where, True, what="coefficient")
    out = np.zeros((len(clist), len(slist), len(slist)))
    out[[clist.index(x) for x in c], [slist.index(x) for x in k], [slist.index(x) for x in j]] = v
    return out


def _region_codes(regions: Sequence[str]) -> list[str]:
    """ISO 3166 alpha-3 for regions given as alpha-3 or alpha-2 codes; others kept as given.

    EXIOBASE's rest-of-world regions (WA, WE, ...) and synthetic names stay unchanged; if
    the conversion would merge two regions the original codes are kept.
    """
    data = scenario_data._coco().data
    iso3 = iso3_codes()
    iso2_to_3 = dict(zip(data["ISO2"].astype(str), data["ISO3"].astype(str), strict=True))
    out = []
    for r in map(str, regions):
        code = r.upper()
        out.append(code if code in iso3 else iso2_to_3.get(code, r))
    return out if len(set(out)) == len(out) else [str(r) for r in regions]


def from_pymrio(iosystem: Any, *, name: str | None = None, year: int | None = None,
                convert_codes: bool = True) -> World:
    """Convert a pymrio ``IOSystem`` (EXIOBASE, OECD ICIO, WIOD, Eora26, GLORIA, ...) to a World.

    Uses the system's ``Z`` and ``Y`` (computing ``x`` where pymrio has not); country
    codes become ISO 3166 alpha-3 where country_converter recognises them.
    """
    Z = getattr(iosystem, "Z", None)
    Y = getattr(iosystem, "Y", None)
    if Z is None or Y is None:
        raise DataError("pymrio IOSystem: needs Z and Y (call calc_all() or load them first)")
    regions = list(dict.fromkeys(Z.index.get_level_values(0)))
    sectors = list(dict.fromkeys(Z.index.get_level_values(1)))
    categories = list(dict.fromkeys(Y.columns.get_level_values(1)))
    idx = pd.MultiIndex.from_product([regions, sectors])
    cols = pd.MultiIndex.from_product([regions, categories])
    try:
        Zv = Z.reindex(index=idx, columns=idx).to_numpy(dtype=float)
        Yv = Y.reindex(index=idx, columns=cols).fillna(0.0).to_numpy(dtype=float)
    except (KeyError, ValueError) as err:
        raise DataError(f"pymrio IOSystem: unexpected Z/Y labels ({err})") from None
    if np.isnan(Zv).any():
        raise DataError("pymrio IOSystem: Z is not a full (region, sector) square table")
    x_attr = getattr(iosystem, "x", None)
    x = (x_attr.reindex(idx).to_numpy(dtype=float).ravel() if x_attr is not None
         else Zv.sum(axis=1) + Yv.sum(axis=1))
    codes = _region_codes(regions) if convert_codes else [str(r) for r in regions]
    mrio = MRIO(Z=Zv, Y=Yv, x=x, regions=tuple(codes), sectors=tuple(map(str, sectors)),
                categories=tuple(map(str, categories)))
    label = name or str(getattr(iosystem, "name", "pymrio") or "pymrio")
    yr = year if year is not None else _maybe_int(getattr(iosystem, "year", None))
    return World.from_mrio(mrio, name=label, year=yr, source="pymrio IOSystem")


def _maybe_int(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None
