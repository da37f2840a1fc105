"""Long tables (one row per flow) to labelled (N, N, J) arrays, with one-line errors.

Pure pandas/numpy parsing (no file access): :meth:`autarky.World.from_flows` uses it for
DataFrames, and :func:`autarky.data.read_flows` for the files it reads.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autarky.errors import DataError

__all__ = ["MAX_CELLS", "MAX_INPUT_BYTES", "FrameArrays", "check_size", "code_column",
           "frame_to_arrays", "long_to_cube", "numeric_column"]


def _limit(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip().isdigit() else default


MAX_CELLS = _limit("AUTARKY_MAX_CELLS", 50_000_000)
"""Largest array a world may need, in cells: countries x countries x sectors (flows,
tariffs) and countries x sectors x sectors (input-output coefficients). 50 million cells
are 400 MB per float array (icio2023 needs 190,000; a 4,000-sector table of 16 countries
would need 256 million). Set ``$AUTARKY_MAX_CELLS`` to raise it."""
MAX_INPUT_BYTES = _limit("AUTARKY_MAX_INPUT_BYTES", 256 << 20)
"""Largest input table read, in bytes after decompression (256 MiB, about 800 MB of memory
in pandas; the long table of EXIOBASE with its IO block is about 60 MB; set
``$AUTARKY_MAX_INPUT_BYTES`` to raise it): a few-MB ``.csv.gz`` that inflates to gigabytes is
refused while it is read."""
MAX_CODE_LENGTH = 64
"""Longest country or sector code accepted."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_size(countries: int, sectors: int, where: str = "") -> None:
    """Refuse, before allocating, a world whose arrays would exceed :data:`MAX_CELLS`."""
    cells = countries * sectors * max(countries, sectors)
    if cells > MAX_CELLS:
        raise DataError(f"{where}{countries} countries x {sectors} sectors need arrays of up "
                        f"to {cells:,} cells ({cells * 8 / 2**30:.2f} GiB each), above the limit "
                        f"of {MAX_CELLS:,} (set AUTARKY_MAX_CELLS to raise it)")


@dataclass
class FrameArrays:
    """Arrays parsed from long tables, with their labels."""

    flows: np.ndarray
    countries: list[str]
    sectors: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


def _row_label(df: pd.DataFrame, pos: int, is_file: bool) -> str:
    # CSV line numbers: header is line 1, first data row line 2
    return f"line {pos + 2}" if is_file else f"row {df.index[pos]!r}"


def numeric_column(df: pd.DataFrame, col: str, where: str, is_file: bool,
                   lo: float | None = 0.0, what: str = "value") -> np.ndarray:
    """Column ``col`` as finite floats (>= ``lo``); one error line naming row and field."""
    if col not in df.columns:
        cols = ", ".join(map(str, df.columns))
        raise DataError(f"{where}missing column {col!r} (columns: {cols})")
    vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(vals)
    if bad.any():
        pos = int(np.argmax(bad))
        raw = df[col].iloc[pos]
        problem = (f"missing {what}" if pd.isna(raw) or str(raw).strip() == ""
                   else f"{what} {str(raw)!r} is not a finite number")
        raise DataError(f"{where}{_row_label(df, pos, is_file)}: field {col!r}: {problem}")
    if lo is not None and (vals < lo).any():
        pos = int(np.argmax(vals < lo))
        raise DataError(f"{where}{_row_label(df, pos, is_file)}: field {col!r}: "
                        f"negative {what} {vals[pos]:g}")
    return vals


def code_column(df: pd.DataFrame, col: str, where: str, is_file: bool,
                allowed: Sequence[str] | frozenset[str] | None, kind: str) -> np.ndarray:
    """Column ``col`` as stripped codes, each in ``allowed`` when given."""
    if col not in df.columns:
        cols = ", ".join(map(str, df.columns))
        raise DataError(f"{where}missing column {col!r} (columns: {cols})")
    raw = df[col]
    missing = raw.isna().to_numpy()
    if missing.any():
        pos = int(np.argmax(missing))
        raise DataError(f"{where}{_row_label(df, pos, is_file)}: field {col!r}: missing {kind}")
    vals = raw.astype(str).str.strip().to_numpy()
    bad = np.array([bool(_CONTROL.search(v)) or len(v) > MAX_CODE_LENGTH for v in set(vals)])
    if bad.any():
        culprit = [v for v in set(vals)][int(np.argmax(bad))]
        pos = int(np.argmax(vals == culprit))
        problem = ("a control character" if _CONTROL.search(culprit)
                   else f"more than {MAX_CODE_LENGTH} characters")
        raise DataError(f"{where}{_row_label(df, pos, is_file)}: field {col!r}: {kind} "
                        f"{culprit[:40]!r} contains {problem}")
    if is_file and kind == "country code":
        # codes in a file in any case, as on the command line and in TOML ('deu' is 'DEU'),
        # unless the allowed codes themselves are not upper case
        upper = np.char.upper(vals.astype(str)).astype(object)
        if allowed is None or set(upper) <= set(allowed):
            vals = upper
    if allowed is not None:
        allowed_set = set(allowed)
        unknown = np.array([v not in allowed_set for v in vals])
        if unknown.any():
            pos = int(np.argmax(unknown))
            raise DataError(f"{where}{_row_label(df, pos, is_file)}: field {col!r}: "
                            f"unknown {kind} {vals[pos]!r}")
    return vals


def frame_to_arrays(
    df: pd.DataFrame,
    countries: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    source_file: str | None = None,
    tariffs: pd.DataFrame | None = None,
    is_file: bool = False,
    known: frozenset[str] | None = None,
) -> FrameArrays:
    """Parse a long flows table (and optional long tariffs) into (N, N, J) arrays.

    Country codes are checked against ``countries`` when given, else against ``known``
    (e.g. the ISO 3166 codes, which :func:`autarky.data.read_flows` passes), else taken as
    they are.
    """
    where = f"{source_file}: " if source_file else ""
    is_file = is_file or source_file is not None
    allowed_c: Sequence[str] | frozenset[str] | None = (
        list(countries) if countries is not None else known
    )
    imp = code_column(df, "importer", where, is_file, allowed_c, "country code")
    exp = code_column(df, "exporter", where, is_file, allowed_c, "country code")
    if "sector" in df.columns:
        sec = code_column(df, "sector", where, is_file,
                           list(sectors) if sectors is not None else None, "sector code")
    else:
        sec = np.full(len(df), "total" if sectors is None else str(list(sectors)[0]))
    val = numeric_column(df, "value", where, is_file, what="flow")
    key = pd.DataFrame({"i": imp, "e": exp, "s": sec})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        first = np.flatnonzero(dup)[:2]
        rows = " and ".join(_row_label(df, int(p), is_file) for p in first)
        raise DataError(f"{where}{rows}: duplicate flow (importer {imp[first[0]]!r}, "
                        f"exporter {exp[first[0]]!r}, sector {sec[first[0]]!r})")
    clist = list(countries) if countries is not None else sorted(set(imp) | set(exp))
    slist = (list(sectors) if sectors is not None
             else list(dict.fromkeys(sec)) if "sector" in df.columns else ["total"])
    cidx = {c: k for k, c in enumerate(clist)}
    sidx = {s: k for k, s in enumerate(slist)}
    ii = np.array([cidx[c] for c in imp], dtype=int)
    ee = np.array([cidx[c] for c in exp], dtype=int)
    ss = np.array([sidx[s] for s in sec], dtype=int)
    N, J = len(clist), len(slist)
    check_size(N, J, where)
    F = np.zeros((N, N, J))
    F[ii, ee, ss] = val
    home = np.einsum("nnj->n", F)
    if (home <= 0).any():
        c = clist[int(np.argmax(home <= 0))]
        raise DataError(f"{where}field 'value': country {c!r} has no domestic flow "
                        f"(no positive row with importer == exporter == {c!r}); "
                        "the model needs home production")
    extra: dict[str, Any] = {}
    if tariffs is not None:
        extra["tariffs"] = long_to_cube(tariffs, "tariff", clist, slist, "tariffs", is_file)
    return FrameArrays(F, clist, slist, extra)


def long_to_cube(df: pd.DataFrame, col: str, clist: list[str], slist: list[str],
                 name: str, is_file: bool) -> np.ndarray:
    """A long table (importer, exporter[, sector], ``col``) as an (N, N, J) cube."""
    where = f"{name}: "
    imp = code_column(df, "importer", where, is_file, clist, "country code")
    exp = code_column(df, "exporter", where, is_file, clist, "country code")
    if "sector" in df.columns:
        sec = code_column(df, "sector", where, is_file, slist, "sector code")
    else:
        sec = np.full(len(df), slist[0])
    val = numeric_column(df, col, where, is_file, what=col)
    cidx = {c: k for k, c in enumerate(clist)}
    sidx = {s: k for k, s in enumerate(slist)}
    out = np.zeros((len(clist), len(clist), len(slist)))
    if "sector" in df.columns:
        out[[cidx[c] for c in imp], [cidx[c] for c in exp], [sidx[s] for s in sec]] = val
    else:  # one rate for every sector
        out[[cidx[c] for c in imp], [cidx[c] for c in exp], :] = val[:, None]
    return out
