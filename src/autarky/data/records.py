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
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from autarky.errors import DataError

__all__ = ["atomic_folder", "check_out_file", "check_out_folder", "package_versions",
           "write_record", "write_table_record", "write_text"]

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


def check_out_folder(out: str | Path, overwrite: bool = False) -> None:
    """Refuse an output folder that cannot be written as asked: one line naming it."""
    _check_target(Path(out) if str(out).strip() else Path(""), overwrite)


def check_out_file(out: str | Path, overwrite: bool = False, option: str = "--out") -> None:
    """Refuse an output file that exists (unless ``overwrite``) or is a folder: one line.

    The file counterpart of :func:`check_out_folder`, for every command that writes one
    file (``report --out``, ``gravity simulate --out``), checked before any work.
    """
    p = Path(out) if str(out).strip() else Path("")
    if str(p).strip() in ("", "."):
        raise DataError(f"{option}: an output file name is required (got an empty path)")
    if p.is_dir():
        raise DataError(f"{p}: is a folder ({option} names a file)")
    if p.exists() and not overwrite:
        raise DataError(f"{p}: file exists (use --overwrite to replace it)")


def _check_target(folder: Path, overwrite: bool) -> None:
    if str(folder).strip() in ("", "."):
        raise DataError("--out: an output folder name is required (got an empty path)")
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise DataError(f"{folder}: folder exists and is not empty (use --overwrite to "
                        "replace it)")


def umask() -> int:
    """The process's umask (read from /proc where it can be, else set and restored)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


STALE_AFTER = 24 * 3600.0
"""Seconds after which a temporary file or folder left by a killed writer is removed."""


def remove_stale(folder: Path, patterns: list[str], age: float = STALE_AFTER) -> list[Path]:
    """Remove what matches ``patterns`` in ``folder`` and is older than ``age`` seconds.

    These are the temporaries of writers killed with SIGKILL or a power cut (a live
    writer's temporaries are fresh). Returns what was removed; failures are ignored.
    """
    import time

    removed = []
    now = time.time()
    for pattern in patterns:
        for p in folder.glob(pattern):
            try:
                if now - p.lstat().st_mtime < age:
                    continue
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
                removed.append(p)
            except OSError:
                continue
    return removed


def _block_interrupts() -> Any:
    """Block SIGINT and SIGTERM in this thread; the previous mask (None where unsupported)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _restore(mask: Any) -> None:
    import signal

    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _move_exclusive(tmp: Path, folder: Path) -> None:
    """Move the finished temporary folder to ``folder`` unless another run got there first.

    ``rename(2)`` of a folder onto an existing non-empty folder fails (ENOTEMPTY or EEXIST)
    and onto an empty one replaces it, in one atomic step: of two runs writing the same new
    folder at once, the second is refused here instead of silently replacing the first.
    """
    import errno

    try:
        os.rename(tmp, folder)
    except OSError as err:
        if err.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise DataError(f"{folder}: another run wrote this folder meanwhile (it exists "
                            "and is not empty); this run's files were not written (use "
                            "--overwrite to replace it)") from None
        raise


@contextmanager
def atomic_folder(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Write a folder all at once: into a temporary sibling, moved into place at the end.

    Every file is written inside a temporary folder beside ``out``. Only when the block
    finishes without error does the temporary folder replace ``out`` (an existing ``out``
    is first renamed aside, then removed). On any failure, including KeyboardInterrupt,
    the temporary folder is deleted and ``out`` is exactly as it was.

    Parameters
    ----------
    out : path
        Target folder. An empty path is refused; an existing non-empty folder is refused
        unless ``overwrite``.
    overwrite : bool
        Replace an existing non-empty folder.

    Raises
    ------
    DataError
        One line naming the path and the reason (disk full, permission, ...).
    """
    folder = Path(out)
    _check_target(folder, overwrite)
    parent = folder.absolute().parent
    # Ctrl-C or SIGTERM between creating the temporary folder and the block that removes it
    # on failure would leave it behind: the two signals wait until that block is entered
    mask = _block_interrupts()
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale(parent, [f".{folder.name}.*.tmp", f".{folder.name}.*.old"])
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as err:
        _restore(mask)
        raise DataError(f"{folder}: cannot create folder ({err.strerror or err})") from None
    try:
        _restore(mask)  # a pending signal is raised here, inside the cleanup below
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes 0700; a record follows the umask
        yield tmp
        if not overwrite:
            _move_exclusive(tmp, folder)
        elif folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=parent))
            os.replace(folder, old / "x")
            try:
                os.replace(tmp, folder)
            except OSError:
                os.replace(old / "x", folder)  # put the previous folder back
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
    except DataError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        reason = err.strerror or str(err)
        raise DataError(f"{folder}: cannot write ({reason}); the folder was left as it "
                        "was") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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


def _write_files(out: str | Path, overwrite: bool,
                 writers: dict[str, Callable[[Path], Any]]) -> dict[str, Path]:
    folder = Path(out)
    with atomic_folder(folder, overwrite) as tmp:
        for name, write in writers.items():
            try:
                write(tmp / name)
            except (OSError, RuntimeError, ValueError) as err:
                reason = getattr(err, "strerror", None) or str(err)
                raise DataError(f"{folder / name}: cannot write ({reason}); {folder} was left "
                                "as it was") from None
    return {name: folder / name for name in writers}


def write_table_record(out: str | Path, table: Any, scenario: Any,
                       meta: dict[str, Any], overwrite: bool = False,
                       extra: dict[str, Callable[[Path], Any]] | None = None,
                       ) -> dict[str, Path]:
    """Write a results table (e.g. bloc-choice) as Parquet and CSV, plus TOML and record.

    All files are written at once (see `atomic_folder`): on failure nothing changes.
    """
    names = sorted(["record.json", "results.csv", "results.parquet", "scenario.toml",
                    *(extra or {})])
    record = {**_base_record(scenario, meta), "versions": package_versions(), "files": names}
    return _write_files(out, overwrite, {**(extra or {}),
        "results.parquet": table.to_parquet,
        "results.csv": table.to_csv,
        "scenario.toml": lambda p: p.write_text(scenario.to_toml(), encoding="utf-8"),
        "record.json": lambda p: p.write_text(json.dumps(_jsonable(record), indent=1) + "\n",
                                              encoding="utf-8"),
    })


def write_record(out: str | Path, result: Any, scenario: Any,
                 meta: dict[str, Any], overwrite: bool = False,
                 extra: dict[str, Callable[[Path], Any]] | None = None) -> dict[str, Path]:
    """Write results (Parquet, netCDF), the scenario TOML and record.json to ``out``.

    Parameters
    ----------
    out : path
        Folder to create. An existing non-empty folder is refused unless ``overwrite``.
    result : Result
        A solved result (``to_frame``, ``to_netcdf``, ``converged``, ...).
    scenario : Scenario
        What was solved (written with ``to_toml``).
    meta : dict
        Extra fields for record.json (dataset, year, elasticities, options, ...).
    overwrite : bool
        Replace an existing non-empty folder.
    extra : dict, optional
        More files written in the same folder at once: name -> function writing that path.

    Returns
    -------
    dict
        Name -> path of each file written.

    Notes
    -----
    Every file is written into a temporary folder beside ``out`` that replaces ``out``
    only when all succeeded (`atomic_folder`); a failure (disk full, Ctrl-C) leaves
    ``out`` exactly as before and raises a DataError naming the path and the reason.
    """
    names = sorted(["record.json", "results.nc", "results.parquet", "scenario.toml",
                    *(extra or {})])
    record = {
        **_base_record(scenario, meta),
        "converged": bool(result.converged),
        "iterations": int(result.iterations),
        "residual": dict(result.residual) if isinstance(result.residual, dict)
        else float(result.residual),
        "seconds": float(result.seconds),
        "notes": list(getattr(result, "notes", ())),
        "versions": package_versions(),
        "files": names,
    }
    return _write_files(out, overwrite, {
        **(extra or {}),
        "results.parquet": lambda p: result.to_frame().to_parquet(p, index=False),
        "results.nc": result.to_netcdf,
        "scenario.toml": lambda p: p.write_text(scenario.to_toml(), encoding="utf-8"),
        "record.json": lambda p: p.write_text(json.dumps(_jsonable(record), indent=1) + "\n",
                                              encoding="utf-8"),
    })
