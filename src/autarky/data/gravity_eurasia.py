"""The stored border regressions (``embedded/gravity_eurasia.json``).

Written by ``scripts/eurasia_gravity.py`` from :func:`autarky.gravity.estimate_border` on
the embedded datasets, so that presets use the estimates without re-estimating at run time;
``tests/test_gravity_border.py`` checks that the file equals a fresh estimate.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from autarky.errors import DataError

__all__ = ["gravity_eurasia", "gravity_eurasia_path", "write_gravity_eurasia"]


def gravity_eurasia_path() -> Path:
    """Where the stored estimates live in the package."""
    return Path(str(resources.files("autarky.data") / "embedded" / "gravity_eurasia.json"))


@cache
def _read() -> dict[str, Any]:
    path = gravity_eurasia_path()
    if not path.exists():
        raise DataError(f"{path} is missing; run scripts/eurasia_gravity.py from the "
                        "repository root")
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: not valid JSON ({err})") from None


def gravity_eurasia() -> dict[str, Any]:
    """The stored record: ``{"estimates": {dataset: {...}}, "membership": ..., ...}``."""
    return json.loads(json.dumps(_read()))


def write_gravity_eurasia(record: dict[str, Any], path: str | Path | None = None) -> Path:
    """Write the record as JSON through a temporary file in the same folder, then move it."""
    target = Path(path) if path is not None else gravity_eurasia_path()
    text = json.dumps(record, indent=1, sort_keys=False) + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as err:
        raise DataError(f"{target}: cannot write ({err})") from None
    _read.cache_clear()
    return target
