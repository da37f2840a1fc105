"""``autarky store check|repair|compact``: look after the result store of sweeps.

A typer sub-app registered by :mod:`autarky.cli`. ``check`` lists unreadable part files
(truncated, zero bytes) and exits 2 when there are any; ``repair`` moves them to the
store's ``quarantine`` folder (what they held is solved again by the next sweep);
``compact`` merges every part into one file (a sweep does it by itself past
:data:`autarky.data.store.COMPACT_AFTER` parts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from autarky.cli_common import _STORE, console, text
from autarky.errors import DataError

if TYPE_CHECKING:
    from autarky.data.store import ResultStore

store_app = typer.Typer(name="store", no_args_is_help=True,
                        help="The result store of sweeps: check, repair (quarantine "
                        "unreadable parts), compact.")


def _open(store: str | None) -> ResultStore:
    from autarky.data.store import ResultStore, default_store_path  # pandas: not for --help

    st = ResultStore(store or default_store_path())
    if not st.path.is_dir():
        raise DataError(f"result store {st.path}: no such folder (run a sweep, e.g. autarky "
                        "run --draws 100, or pass --store)")
    return st


@store_app.command("check")
def check_cmd(store: Annotated[str | None, _STORE] = None) -> None:
    """List unreadable part files (exit 2 when there is any); change nothing."""
    st = _open(store)
    files = st.files()
    bad = st.check()
    for f, why in bad:
        console.print(f"unreadable: {text(f.name)} ({text(why)})", highlight=False, soft_wrap=True)
    console.print(f"result store {text(st.path)}: {len(files)} part files, {len(bad)} "
                  "unreadable", highlight=False, soft_wrap=True)
    if bad:
        raise DataError(f"result store {st.path}: {len(bad)} unreadable part file(s); "
                        "'autarky store repair' moves them to the quarantine folder")


@store_app.command("repair")
def repair_cmd(store: Annotated[str | None, _STORE] = None) -> None:
    """Move unreadable part files to the store's quarantine folder."""
    import warnings

    from autarky.data.store import StoreWarning

    st = _open(store)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StoreWarning)
        moved = st.repair()
    for f in moved:
        console.print(f"moved to quarantine: {text(f)}", highlight=False, soft_wrap=True)
    console.print(f"result store {text(st.path)}: {len(moved)} part file(s) quarantined, "
                  f"{len(st.files())} readable", highlight=False, soft_wrap=True)


@store_app.command("compact")
def compact_cmd(store: Annotated[str | None, _STORE] = None) -> None:
    """Merge every part file into one (duplicates dropped; unreadable parts quarantined)."""
    st = _open(store)
    before = len(st.files())
    merged = st.compact()
    console.print(f"result store {text(st.path)}: {before} part file(s) -> "
                  f"{len(st.files())}{'' if merged else ' (nothing to do)'}",
                  highlight=False, soft_wrap=True)
