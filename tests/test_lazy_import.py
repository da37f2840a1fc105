"""The package is lazy: importing it loads no heavy dependency (issue 31, item 1)."""

from __future__ import annotations

import subprocess
import sys
import types

import numpy as np
import pytest

import autarky as ak
from tests.helpers import REPO

HEAVY = ("scipy", "xarray", "plotly", "pyfixest", "dask", "duckdb")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=120,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"})
    return set(out.stdout.split())


def test_import_autarky_loads_no_heavy_dependency() -> None:
    loaded = _modules_after("import autarky")
    assert "autarky" in loaded
    assert not [m for m in HEAVY if m in loaded or any(k.startswith(m + ".") for k in loaded)]


@pytest.mark.slow
def test_a_public_name_loads_what_it_needs_only_then() -> None:
    loaded = _modules_after("import autarky\nautarky.World")
    assert "xarray" in loaded and "autarky.world" in loaded
    assert "dask" not in loaded and "plotly" not in loaded


def test_sweep_is_the_module_and_callable_as_its_function() -> None:
    import autarky.sweep as sweep_module

    assert isinstance(ak.sweep, types.ModuleType) and ak.sweep is sweep_module
    assert callable(ak.sweep) and callable(ak.solve)
    w = ak.World.from_arrays(np.array([[80.0, 20.0], [10.0, 90.0]]), ["A", "B"])
    res = ak.solve(w, ak.Shock.none(2, 1), elasticities=4.0)
    assert np.allclose(res.welfare.to_numpy(), 0.0, atol=1e-8)
    assert ak.solve.solve(w, ak.Shock.none(2, 1), elasticities=4.0).converged
    import inspect

    assert inspect.signature(ak.sweep) == inspect.signature(sweep_module.sweep)


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        ak.no_such_name  # noqa: B018
    except AttributeError as err:
        assert "no_such_name" in str(err)
    else:
        raise AssertionError("expected AttributeError")
