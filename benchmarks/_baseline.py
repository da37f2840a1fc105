"""Today's engine as the baseline of a benchmark: ``src/autarky/model`` at a fixed commit.

``baseline_model(commit)`` writes the model package of that commit (read with ``git show``
from this repository's history) into a temporary folder as the package ``_base_model``
(its ``autarky.model`` imports re-pointed there) and imports it, so that a benchmark times
the old engine and the current one in the same process on the same arrays.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import numpy as np

BASELINE = "470b513"
"""The commit before the engine work of issue 31 (item 6)."""

_FILES = ("__init__.py", "economy.py", "equations.py", "options.py", "shock.py", "solver.py",
          "closed_form.py")


def baseline_model(commit: str = BASELINE) -> ModuleType:
    """The ``autarky.model`` package of ``commit`` imported as ``_base_model``."""
    if "_base_model" in sys.modules:
        return sys.modules["_base_model"]
    root = Path(__file__).resolve().parents[1]
    tmp = Path(tempfile.mkdtemp(prefix="autarky-baseline-"))
    pkg = tmp / "_base_model"
    pkg.mkdir()
    for name in _FILES:
        text = subprocess.run(["git", "show", f"{commit}:src/autarky/model/{name}"],
                              cwd=root, capture_output=True, text=True, check=True).stdout
        text = text.replace("from autarky.model import", "from _base_model import")
        text = text.replace("from autarky.model.", "from _base_model.")
        (pkg / name).write_text(text)
    sys.path.insert(0, str(tmp))
    return importlib.import_module("_base_model")


def baseline_economy(econ: object, commit: str = BASELINE) -> object:
    """The same baseline arrays as the old package's ``Economy``."""
    mod = baseline_model(commit)
    fields = ("pi", "tariffs", "X", "va", "deficit", "gamma", "alpha", "io", "scale")
    return mod.Economy(*(getattr(econ, f) for f in fields))


def baseline_solve_hat(commit: str = BASELINE) -> object:
    """``solve_hat`` of ``commit``."""
    baseline_model(commit)
    return importlib.import_module("_base_model.solver").solve_hat


__all__ = ["BASELINE", "baseline_economy", "baseline_model", "baseline_solve_hat", "np"]
