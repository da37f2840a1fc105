"""Reproducible records of a run: results, the exact scenario, data and package versions.

``write_record(out, result, scenario, meta)`` writes to the folder ``out``:

================  ===========================================================
``results.parquet``  the result's tidy table (``Result.to_frame()``)
``results.nc``       the labelled result (``Result.to_netcdf``)
``scenario.toml``    the exact scenario, readable by ``Scenario.from_toml``
``record.json``      dataset name and year, package versions, elasticity source,
                     solver options and diagnostics, notes, UTC timestamp
================  ===========================================================
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from autarky.errors import DataError

__all__ = ["package_versions", "write_record", "write_table_record", "write_text"]

_PACKAGES = ("autarky", "numpy", "scipy", "pandas", "xarray", "country_converter")


def package_versions() -> dict[str, str]:
    """Versions of autarky and the packages its numbers depend on."""
    out = {"python": platform.python_version()}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p.replace("_", "-"))
        except metadata.PackageNotFoundError:
            try:
                mod = __import__(p)
                out[p] = str(getattr(mod, "__version__", "unknown"))
            except ImportError:
                out[p] = "not installed"
    return out


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text, creating the folder; a DataError naming the file on failure."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    except OSError as err:
        raise DataError(f"{p}: cannot write ({err})") from None
    return p


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and callable(x.item):
        return x.item()
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)


def _base_record(scenario: Any, meta: dict[str, Any]) -> dict[str, Any]:
    return {"created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "scenario": scenario.name, **meta}


def write_table_record(out: str | Path, table: Any, scenario: Any,
                       meta: dict[str, Any]) -> dict[str, Path]:
    """Write a results table (e.g. bloc-choice) as Parquet and CSV, plus TOML and record."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(f"{folder}: cannot create folder ({err})") from None
    paths = {"results.parquet": folder / "results.parquet",
             "results.csv": folder / "results.csv",
             "scenario.toml": folder / "scenario.toml",
             "record.json": folder / "record.json"}
    table.to_parquet(paths["results.parquet"])
    table.to_csv(paths["results.csv"])
    write_text(paths["scenario.toml"], scenario.to_toml())
    record = {**_base_record(scenario, meta), "versions": package_versions(),
              "files": sorted(paths)}
    write_text(paths["record.json"], json.dumps(_jsonable(record), indent=1) + "\n")
    return paths


def write_record(out: str | Path, result: Any, scenario: Any,
                 meta: dict[str, Any]) -> dict[str, Path]:
    """Write results (Parquet, netCDF), the scenario TOML and record.json to ``out``.

    Parameters
    ----------
    out : path
        Folder, created if needed.
    result : Result
        A solved result (``to_frame``, ``to_netcdf``, ``converged``, ...).
    scenario : Scenario
        What was solved (written with ``to_toml``).
    meta : dict
        Extra fields for record.json (dataset, year, elasticities, options, ...).

    Returns
    -------
    dict
        Name -> path of each file written.
    """
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(f"{folder}: cannot create folder ({err})") from None
    paths = {
        "results.parquet": folder / "results.parquet",
        "results.nc": folder / "results.nc",
        "scenario.toml": folder / "scenario.toml",
        "record.json": folder / "record.json",
    }
    result.to_frame().to_parquet(paths["results.parquet"], index=False)
    result.to_netcdf(paths["results.nc"])
    write_text(paths["scenario.toml"], scenario.to_toml())
    record = {
        **_base_record(scenario, meta),
        "converged": bool(result.converged),
        "iterations": int(result.iterations),
        "residual": dict(result.residual) if isinstance(result.residual, dict)
        else float(result.residual),
        "seconds": float(result.seconds),
        "notes": list(getattr(result, "notes", ())),
        "versions": package_versions(),
        "files": sorted(paths),
    }
    write_text(paths["record.json"], json.dumps(_jsonable(record), indent=1) + "\n")
    return paths
