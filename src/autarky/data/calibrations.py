"""Calibrated barriers kept between runs: starting points that a run verifies, never trusts.

A bloc preset's between-bloc barrier is the root of "trade between the blocs changes by
the target" (:mod:`autarky.calibrate`), about ten full equilibria. The barrier found for a
(world checksum, scenario, target, elasticities, options) key is kept here and, on the next
run with the same key, is checked by one solve: if that solve hits the target within the
calibration tolerance the barrier is used; otherwise the root find starts again from it.
A stale entry (data or code changed) therefore costs one solve and can never change a
result. Entries live in ``$AUTARKY_CACHE`` or ``~/.cache/autarky/calibrations.json``;
the package ships the embedded worlds' default-year entries in
``embedded/calibrations.json`` (``scripts/build_calibrations.py``).

Solved rows (``solved.json`` beside it, and ``embedded/solved.json``): a row of a
vectorised calibration (one elasticity vector: a source of the range, or the headline's
under the other deficit rule) whose key also holds the numerics fingerprint of the code
(:func:`autarky.data.store.numerics_fingerprint`: the model, solver, scenarios, solve,
calibration and NumPy/SciPy versions), with the barrier, the trade change it gives and
the welfare of its equilibrium. The same world, scenario, target, options, elasticities
and code compute the same numbers, so such a row is used as it is, as the result store
of sweeps reuses its rows (:mod:`autarky.data.store`); any change to that code changes
the fingerprint, and the row is solved again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["cache_path", "key", "lookup", "lookup_solved", "remember", "remember_many",
           "remember_solved", "shipped_path", "shipped_solved", "solved_key"]

_MAX = 2000
"""Entries kept in the user's file (oldest dropped first)."""


def cache_path() -> Path:
    """``$AUTARKY_CACHE/calibrations.json``, else ``~/.cache/autarky/calibrations.json``."""
    env = os.environ.get("AUTARKY_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "autarky"
    return base / "calibrations.json"


def shipped_path() -> Path:
    """The entries shipped with the package for the embedded worlds' default years."""
    return Path(__file__).with_name("embedded") / "calibrations.json"


def key(*parts: str) -> str:
    """A short stable key from its parts."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _read(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # absent or unreadable: no starting points, nothing else changes
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items()
            if isinstance(v, (int, float)) and 1.0 <= float(v) <= 100.0}


def lookup(k: str) -> float | None:
    """A remembered barrier for key ``k`` (the user's file first, then the shipped one)."""
    for path in (cache_path(), shipped_path()):
        got = _read(path).get(k)
        if got is not None:
            return got
    return None


def remember_many(items: dict[str, float], path: Path | None = None) -> None:
    """:func:`remember` for several keys in one write."""
    if items:
        _merge_write(path or cache_path(), _read,
                     {k: float(v) for k, v in items.items()}, _MAX, ".calibrations.")


def remember(k: str, value: float, path: Path | None = None) -> None:
    """Keep ``value`` for key ``k`` (written to a temporary file, then moved into place).

    A cache that cannot be written (read-only home, full disk) is skipped silently: it only
    saves time.
    """
    remember_many({k: value}, path)


def _merge_write(path: Path, read: Callable[[Path], Mapping[str, Any]],
                 items: Mapping[str, Any], limit: int, prefix: str) -> None:
    """Put ``items`` last in the JSON table at ``path``, keep its newest ``limit`` rows.

    The table is read with ``read`` and written through a temporary file moved into place.
    A cache that cannot be written is skipped (it only saves time) and leaves no temporary
    file.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = dict(read(path))
        for k, v in items.items():
            data.pop(k, None)
            data[k] = v
        if len(data) > limit:
            data = dict(list(data.items())[-limit:])
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=0)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


# ------------------------------------------------------------ solved rows (see the module)
_MAX_SOLVED = 400
"""Solved rows kept in the user's file (oldest dropped first)."""


def _solved_paths() -> tuple[Path, Path]:
    return (cache_path().with_name("solved.json"),
            shipped_path().with_name("solved.json"))


def solved_key(calibration_key: str) -> str:
    """The key of a solved row: its calibration key and this code's numerics fingerprint."""
    from autarky.data.store import numerics_fingerprint

    return key(calibration_key, "solved", numerics_fingerprint())


def _read_solved(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    out = {}
    for k, v in data.items():
        try:
            hat, change = float(v["hat"]), float(v["change"])
            welfare = [float(x) for x in v["welfare"]]
        except (TypeError, KeyError, ValueError):
            continue  # a damaged row: solved again
        if 1.0 <= hat <= 100.0 and welfare:
            out[str(k)] = {"hat": hat, "change": change, "welfare": welfare,
                           "numerics": str(v.get("numerics", ""))}
    return out


def lookup_solved(keys: list[str]) -> dict[str, dict[str, object]]:
    """Solved rows for :func:`solved_key` keys: ``hat``, ``change`` (%), ``welfare`` (%).

    The user's file first, then the shipped one; keys without a row are left out.
    """
    out: dict[str, dict[str, object]] = {}
    for path in _solved_paths():
        table = _read_solved(path)
        out.update({k: table[k] for k in keys if k in table and k not in out})
    return out


def shipped_solved() -> tuple[int, int, str]:
    """Rows in ``embedded/solved.json``, how many are this code's, and its fingerprint.

    Rows of another numerics fingerprint are never used (``autarky run`` then solves the
    range): re-run ``scripts/build_calibrations.py`` after such a change (it writes the
    shipped barriers too, which a fresh calibration must find to the last bits).
    """
    from autarky.data.store import numerics_fingerprint

    rows = _read_solved(_solved_paths()[1])
    mine = numerics_fingerprint()
    return len(rows), sum(r["numerics"] == mine for r in rows.values()), mine


def remember_solved(items: dict[str, dict[str, object]], path: Path | None = None) -> None:
    """Keep solved rows (temporary file, then moved into place); skipped if not writable."""
    from autarky.data.store import numerics_fingerprint

    items = {k: {**v, "numerics": numerics_fingerprint()} for k, v in items.items()}
    _merge_write(path or _solved_paths()[0], _read_solved, items, _MAX_SOLVED, ".solved.")
