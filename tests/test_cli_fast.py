"""The listing commands answer without the numerical stack (issue 31, target 1).

``autarky --help``, ``presets``, ``datasets`` and ``sectors`` (an embedded dataset) import
none of pandas, SciPy, xarray, plotly, pyfixest, Dask or DuckDB: the command modules import
them inside the commands that need them, and the listings come from
``embedded/listings.json`` (tests/test_listings.py). Speed itself is measured in
benchmarks/bench_cli.py, not here.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import REPO

HEAVY = ("pandas", "scipy", "xarray", "plotly", "pyfixest", "dask", "duckdb")


def _loaded_by(*argv: str) -> tuple[int, str, set[str]]:
    """Run the command line in a fresh process; its exit code, stdout and modules loaded."""
    code = ("import sys\nsys.argv = ['autarky', *sys.argv[1:]]\nfrom autarky.cli import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    rc = e.code or 0\nelse:\n    rc = 0\n"
            "print('MODULES', rc, ' '.join(sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(REPO / "src"),
                                           "COLUMNS": "200"})
    line = [x for x in out.stderr.splitlines() if x.startswith("MODULES ")][-1].split()
    return int(line[1]), out.stdout, set(line[2:])


def _heavy(modules: set[str]) -> list[str]:
    return [m for m in HEAVY if m in modules or any(k.startswith(m + ".") for k in modules)]


@pytest.mark.parametrize("argv", [["--help"], ["presets"], ["presets", "--details"],
                                  ["datasets"], ["sectors"], ["sectors", "wiod2013"],
                                  ["run", "--help"], ["gravity", "--help"]])
def test_listing_commands_load_no_heavy_dependency(argv: list[str]) -> None:
    rc, out, modules = _loaded_by(*argv)
    assert rc == 0, out
    assert out.strip()
    assert _heavy(modules) == [], (argv, _heavy(modules))
    assert "numpy" not in modules, argv


def test_a_command_that_computes_still_loads_what_it_needs() -> None:
    """The check above can fail: ``sectors`` on a year the listing lacks loads the World."""
    rc, _, modules = _loaded_by("sectors", "icio2023", "--year", "1990")
    assert rc == 2  # one line: the year is not available
    assert "pandas" in modules and "xarray" in modules


def test_defaults_written_out_equal_the_registry() -> None:
    import autarky as ak
    from autarky import cli_common
    from autarky import run as run_

    assert cli_common.DEFAULT_PRESET == ak.presets.DEFAULT
    assert cli_common.DEFAULT_ELASTICITIES == run_.DEFAULT_ELASTICITIES


def _run_code(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    return out.stdout


def test_labelled_arrays_do_not_import_dask_array() -> None:
    """xarray asks of every new array whether it is dask's; autarky.xrlazy answers without
    importing dask.array (0.4 s of CPU, and SciPy with it) while nothing has imported it."""
    out = _run_code(
        "import sys, numpy as np, autarky as ak\n"
        "w = ak.World.from_arrays(np.array([[80.0, 20.0], [10.0, 90.0]]), ['A', 'B'])\n"
        "res = ak.solve(w, ak.Shock.none(2, 1), elasticities=4.0)\n"
        "print(float(res.welfare.abs().max()) < 1e-8, 'dask.array' in sys.modules, "
        "'dask' in sys.modules)")
    assert out.split() == ["True", "False", "False"]


def test_dask_arrays_are_still_dask_arrays_to_xarray() -> None:
    """Once dask.array is imported, xarray sees its arrays as before (chunked, lazy)."""
    out = _run_code(
        "import autarky.world, xarray as xr, dask.array as da\n"
        "from xarray.namedarray.pycompat import array_type, is_chunked_array\n"
        "from xarray.namedarray.utils import is_dask_collection, is_duck_dask_array\n"
        "a = xr.DataArray(da.zeros((4, 4), chunks=2), dims=('x', 'y'))\n"
        "print(a.chunks is not None, is_chunked_array(a.data), is_duck_dask_array(a.data), "
        "is_dask_collection(a), array_type('dask') == (da.Array,), "
        "float((a + 1).sum().compute()))")
    assert out.split() == ["True", "True", "True", "True", "True", "16.0"]
