"""Command line over the public API: ``autarky --help``.

Exit codes: 0 on success, 2 on bad input (one line on stderr naming what is wrong),
1 on an internal error. A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

import autarky as ak
from autarky.errors import AutarkyError, RepairWarning

app = typer.Typer(
    name="autarky",
    help="What happens when the world trades less: general-equilibrium trade scenarios and "
    "input-output linkages on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

_STATE = {"debug": False}


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """autarky: what happens when the world trades less."""
    _STATE["debug"] = debug
    if debug:
        logging.basicConfig(level=logging.DEBUG)


def _show_repairs(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        if issubclass(w.category, RepairWarning):
            err_console.print(f"[yellow]note:[/] {w.message}", highlight=False)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def load_world_cli(world: str, year: int | None) -> ak.World:
    """Load a World for a command, printing repair notes as one line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        w = ak.load_world(world, year=year)
    _show_repairs(caught)
    return w


@app.command()
def datasets() -> None:
    """List the embedded datasets with their coverage, source and license."""
    df = ak.datasets()
    table = Table(title="Embedded datasets")
    for col in ("name", "years", "countries", "sectors", "IO links", "what"):
        table.add_column(col, overflow="fold")
    for name, row in df.iterrows():
        table.add_row(str(name), row["years"], str(row["countries"]), str(row["sectors"]),
                      "yes" if row["io_links"] else "no", row["title"])
    console.print(table)
    for name, row in df.iterrows():
        console.print(f"[bold]{name}[/]: source: {row['source'].rstrip('.')}. License: "
                      f"{row['license'].rstrip('.')}. Cite: {row['citation']}", highlight=False)


@app.command()
def info(
    world: Annotated[str, typer.Argument(help="Embedded dataset name or a .csv/.parquet file.")]
    = "icio2023",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
    top: Annotated[int, typer.Option(help="Rows to show (0: all countries).")] = 0,
) -> None:
    """Size, totals, and each country's domestic share and top partners."""
    w = load_world_cli(world, year)
    n, j = w.shape
    a = w.arrays()
    console.print(
        f"[bold]{w.name}[/] {w.year if w.year is not None else ''}: {n} countries x {j} sectors, "
        f"{'with' if w.has_io else 'without'} input-output links\n"
        f"total flows {a['flows'].sum():,.0f} million USD, of which international "
        f"{a['flows'].sum() - np.einsum('nnj->', a['flows']):,.0f}; "
        f"value added {a['value_added'].sum():,.0f}; tariff revenue "
        f"{a['tariff_revenue'].sum():,.0f}"
        + ("" if w.has_io else " (no IO links: the model counts gross output as value added)")
        + f"\nsource: {w.dataset.attrs.get('source', '')}",
        highlight=False,
    )
    summ = w.summary().sort_values("absorption", ascending=False)
    if top:
        summ = summ.head(top)
    table = Table(title="Countries (million USD)")
    for col in ("country", "absorption", "value added", "deficit", "domestic share",
                "top foreign suppliers (share of absorption)"):
        table.add_column(col, justify="left" if col.startswith(("country", "top")) else "right")
    for c, r in summ.iterrows():
        table.add_row(str(c), f"{r['absorption']:,.0f}", f"{r['value_added']:,.0f}",
                      f"{r['deficit']:,.0f}", f"{r['domestic_share']:.1%}", r["top_suppliers"])
    console.print(table)


def main() -> None:
    """Entry point: run the app, turning user errors into one stderr line and exit code 2."""
    debug = "--debug" in sys.argv
    try:
        app(standalone_mode=False)
    except AutarkyError as err:
        if debug:
            raise
        err_console.print(f"error: {err}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as err:  # noqa: BLE001 - the last line of defence
        import click

        if isinstance(err, click.ClickException):
            err.show()
            sys.exit(err.exit_code)
        if debug:
            raise
        err_console.print(f"internal error: {type(err).__name__}: {err} (run with --debug "
                          "for a traceback)", highlight=False, soft_wrap=True)
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
