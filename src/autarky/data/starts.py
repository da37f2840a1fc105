"""Equilibria shipped as starting points of the claims' solves: verified, never trusted.

``autarky claims`` solves the same equilibria at every run: the deficit removal (CP 2015's
balanced baseline) of every embedded dataset-year of claim 1, the scenarios' floored
baselines, each elasticity source of a sweep, claim 3's draws. Their solutions (wages,
log sector prices and expenditure in changes, float64) are shipped in
``embedded/starts.npz``, computed by this package's own solver
(``scripts/build_starts.py``, run by ``scripts/build_calibrations.py``; no outside data),
and each claims run's solve of the same problem starts there
(:func:`autarky.model.kept.kept_solutions`). Every run, first or later, reads the same
file and nothing is written at run time, so two runs give the same numbers bit for bit.

A start changes the solver's path, not its fixed point: the solve still iterates until the
labour-market residual is below the tolerance and checks every equation of the equilibrium
at the end, as from no change; a start that fails to converge is followed by the cold
solve. A stale or damaged entry (other data, other code) therefore costs iterations only
and can never change a result beyond the solver's tolerance; a key that is not in the file
(:func:`autarky.model.kept.key` holds the shape, the elasticities, the baseline and the
shock) means the solve without a start.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from autarky.model.kept import FIELDS

__all__ = ["FIELDS", "opened", "read", "recording", "shipped_path"]

_UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # every member's time: the same solutions, the same bytes


def shipped_path() -> Path:
    """``embedded/starts.npz`` in the package."""
    return Path(__file__).with_name("embedded") / "starts.npz"


def read(path: Path | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Every start by key (``{key: {field: array}}``); empty if none or unreadable.

    An entry without all of :data:`FIELDS`, or with a non-finite value, is left out.
    """
    out: dict[str, dict[str, np.ndarray]] = {}
    try:
        with np.load(path or shipped_path(), allow_pickle=False) as d:
            order = [str(k) for k in d["keys"]] if "keys" in d.files else []
            for k in order:
                entry = {f: np.asarray(d[f"{k}.{f}"], dtype=float) for f in FIELDS
                         if f"{k}.{f}" in d.files}
                if len(entry) == len(FIELDS) and all(np.isfinite(a).all()
                                                     for a in entry.values()):
                    out[k] = entry
    except _UNREADABLE:
        return {}
    return out


class _Kept(Mapping[str, Mapping[str, np.ndarray]]):
    """The entries of an open file, each read when it is asked for (not held in memory)."""

    def __init__(self, d: Any) -> None:
        self._d = d
        try:
            self._keys = ([str(k) for k in d["keys"]] if d is not None and "keys" in d.files
                          else [])
        except _UNREADABLE:
            self._keys = []
        self._known = set(self._keys)

    def __getitem__(self, k: str) -> Mapping[str, np.ndarray]:
        if k not in self._known:
            raise KeyError(k)
        try:
            return {f: np.asarray(self._d[f"{k}.{f}"], dtype=float) for f in FIELDS}
        except _UNREADABLE:
            raise KeyError(k) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@contextlib.contextmanager
def opened(path: Path | None = None) -> Iterator[Mapping[str, Mapping[str, np.ndarray]]]:
    """The starts (default: the shipped file) as a mapping read entry by entry.

    A missing or unreadable file gives an empty mapping (the solves start as without it);
    an entry that cannot be read is absent. The file is only read.
    """
    try:
        d = np.load(path or shipped_path(), allow_pickle=False)
    except _UNREADABLE:
        d = None
    try:
        yield _Kept(d)
    finally:
        if d is not None:
            d.close()


def _member(zf: zipfile.ZipFile, name: str, a: np.ndarray) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as out:
        np.lib.format.write_array(out, a, allow_pickle=False)


class _Recorder(dict[str, Any]):
    """The block's new solutions, each written to the open file as it comes (not held)."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        super().__init__()
        self._zf = zf

    def __setitem__(self, k: str, v: Any) -> None:
        if k in self:  # the same problem solved twice in a run: its first solution
            return
        for f in FIELDS:
            _member(self._zf, f"{k}.{f}.npy", np.ascontiguousarray(v[f], dtype=np.float64))
        super().__setitem__(k, None)


@contextlib.contextmanager
def recording(path: Path) -> Iterator[dict[str, Any]]:
    """A mapping whose entries (``{key: {field: array}}``) become ``path``'s when the block ends.

    For ``scripts/build_starts.py`` (the claims never write starts). Each entry is written
    (float64, deflated, fixed member times: the same solutions give the same bytes) to a
    temporary file beside ``path`` as it is set (memory holds its key only); when the block
    ends without an error the file is moved into place, else ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".starts.", suffix=".npz", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            rec = _Recorder(zf)
            yield rec
            _member(zf, "keys.npy", np.array(list(rec), dtype=str))
        os.chmod(tmp, 0o644)  # a package file, readable by all (mkstemp made it 0600)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
