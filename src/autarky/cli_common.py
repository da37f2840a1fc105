"""What the command-line modules share: consoles, loading with repair notes, options.

``autarky.cli`` builds the app from the commands in ``cli.py``, ``cli_linkages.py``,
``cli_report.py`` and ``cli_gravity.py``; all of them print through the consoles here.
"""

from __future__ import annotations

import warnings
from typing import Any

import typer
from rich.console import Console

import autarky as ak
from autarky import run as run_
from autarky.errors import RepairWarning


def _wide(stderr: bool = False) -> Console:
    """A console, wide when not a terminal.

    In a pipe or a file no table cell is cut to an ellipsis and no line is wrapped (plain
    columns for other tools).
    """
    c = Console(stderr=stderr)
    return c if c.is_terminal else Console(stderr=stderr, width=max(c.width, 400))


console = _wide()
err_console = _wide(stderr=True)

_STATE = {"debug": False}
_REPAIRS: list[str] = []


def _show_repairs(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        if issubclass(w.category, RepairWarning):
            # data repairs are part of the assumptions of a result: printed with the output,
            # so that stderr carries only errors
            console.print(f"[yellow]note:[/] {w.message}", highlight=False)
            _REPAIRS.append(str(w.message))  # and listed in the report's assumptions
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def load_world_cli(world: str, year: int | None) -> ak.World:
    """Load a World for a command, printing repair notes as one line each."""
    loaded = run_.load(world, year)
    for text in loaded.repairs:
        # data repairs are part of the assumptions of a result: printed with the output,
        # so that stderr carries only errors
        console.print(f"[yellow]note:[/] {text}", highlight=False)
    return loaded.world


def _options(scn: ak.Scenario, deficits: str | None, unavailable: str | None,
             extreme: bool = False) -> ak.SolveOptions:
    """Command-line flags over the scenario's own settings over the library's defaults."""
    return run_.options(scn, deficits=deficits, unavailable=unavailable,
                        extreme_elasticities=extreme or None)


def _progress() -> Any:
    """A rich progress bar, silent when the console is not a terminal."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True, disable=not err_console.is_terminal)


def _busy(message: str) -> Any:
    """A spinner on a terminal; nothing otherwise."""
    import contextlib

    if not err_console.is_terminal:
        return contextlib.nullcontext()
    return err_console.status(message)


_WORLD = typer.Option(help="Embedded dataset name or a .csv/.parquet file.")
_YEAR = typer.Option(help="Base year (default: latest).")
_ELAST = typer.Option(help="Elasticity source (see autarky elasticities) or one number "
                      "(plausible range 0.1 to 100).")
_EXTREME = typer.Option("--extreme-elasticities",
                        help="Accept elasticities outside 0.1 to 100 (a warning in the notes).")
_DEFICITS = typer.Option(help="Trade deficits: fixed | zero | proportional (default: the "
                         "scenario's setting, else fixed).")
_STORE = typer.Option(help="Result store folder (default: $AUTARKY_STORE or "
                      "~/.cache/autarky/results).")
_UNAVAIL = typer.Option(help="Goods left without any supplier: floor (a small domestic "
                        "supply, noted in the results) | raise (default: the scenario's "
                        "setting, else the library's: raise).")
