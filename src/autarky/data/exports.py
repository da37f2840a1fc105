"""Tables people open in a spreadsheet: one CSV per table, or one Excel workbook.

Both writers are atomic: the file is written to a temporary name beside its destination
and moved into place only when complete, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from autarky.data.records import umask
from autarky.errors import DataError

__all__ = ["write_csvs", "write_excel"]

_SHEET_MAX = 31  # Excel's limit on sheet names


def _refuse_special(path: Path) -> None:
    """Refuse to replace what is not a regular file (a device such as /dev/full, a FIFO).

    As root, write-to-temp-then-rename would replace the device node itself.
    """
    import stat

    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise DataError(f"{path}: cannot write ({err.strerror or err})") from None
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):  # a symlink is replaced, not written through
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a socket"
            if stat.S_ISSOCK(mode) else "not a regular file")
    raise DataError(f"{path}: is {kind}, not a regular file; refusing to replace it (name a "
                    "new file or an existing regular file)")


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    _refuse_special(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix,
                                   dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise DataError(f"{path}: cannot write ({err})") from None
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; an export follows the umask
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise DataError(f"{path}: cannot write ({err})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csvs(folder: str | Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, Path]:
    """Write each table to ``folder/<name>.csv`` (UTF-8, full float precision).

    Returns
    -------
    dict
        ``<name>.csv`` -> path of each file written.
    """
    out = {}
    for name, df in tables.items():
        p = Path(folder) / f"{name}.csv"
        out[p.name] = _atomic(p, lambda t, df=df: df.to_csv(t, index=False,  # type: ignore[misc]
                                                            float_format="%.17g"))
    return out


def write_excel(path: str | Path, tables: Mapping[str, pd.DataFrame],
                assumptions: Sequence[str] | Mapping[str, object] = ()) -> Path:
    """One workbook: a sheet per table, and a sheet ``assumptions`` first.

    Parameters
    ----------
    path : path
        The ``.xlsx`` file to write (openpyxl).
    tables : mapping of str to DataFrame
        Sheet name -> table (names cut to Excel's 31 characters).
    assumptions : sequence of str or mapping
        Lines (or key -> value pairs) written to the ``assumptions`` sheet.
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise DataError(f"{p}: the Excel file must end in .xlsx")
    if isinstance(assumptions, Mapping):
        a = pd.DataFrame({"item": [str(k) for k in assumptions],
                          "value": [str(v) for v in assumptions.values()]})
    else:
        a = pd.DataFrame({"assumption": [str(s) for s in assumptions]})

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            a.to_excel(xw, sheet_name="assumptions", index=False)
            for name, df in tables.items():
                df.to_excel(xw, sheet_name=name[:_SHEET_MAX], index=False)

    return _atomic(p, write)
