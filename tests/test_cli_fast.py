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
