"""``autarky claims``: the texts' claims, computed, one block per claim.

A command registered by :mod:`autarky.cli`; the numbers come from :mod:`autarky.claims`,
the HTML from :func:`autarky.report.claims_page`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from autarky.cli_common import _OVERWRITE, _busy, console, print_repairs
from autarky.errors import DataError

if TYPE_CHECKING:
    from autarky.claims import Claim

# the claims (every solve behind them) are imported when the command runs, not by
# ``autarky --help`` (tests/test_cli_fast.py)

World = Annotated[str | None, typer.Option(
    help="World of claims 1, 7 and 8 (default: every embedded dataset for claim 1, "
    "icio2023 for 7 and 8); the other claims use the datasets they name.")]
Out = Annotated[Path | None, typer.Option(help="Folder for claims.csv, claims.json, the "
                                          "tables behind each claim and each chart's CSV.")]
Report = Annotated[bool, typer.Option("--report", help="Also write claims.html into --out: "
                                      "an offline page with a chart per claim (its values "
                                      "and band).")]
Only = Annotated[list[int] | None, typer.Option("--only", help="Only these claims (1-10); "
                                                "repeat the option for several.")]
Overwrite = Annotated[bool, _OVERWRITE]


def _band(c: Claim) -> str:
    if math.isnan(c.band_low) or math.isnan(c.band_high):
        return "no number computed"
    return f"{c.band_low:.3g} to {c.band_high:.3g}"


def _block(c: Claim) -> None:
    console.print(f"[bold]{c.id}. {c.claim}[/bold]", highlight=False, soft_wrap=True)
    for label, text in (("computed", c.computation), ("result", c.result),
                        ("band", _band(c)), ("assumptions", c.assumptions),
                        ("limits", c.limits)):
        console.print(f"  [italic]{label}:[/italic] {text}", highlight=False,
                      soft_wrap=True, markup=True)
    console.print()


def claims_cmd(world: World = None, out: Out = None, report: Report = False,
               only: Only = None, overwrite: Overwrite = False) -> None:
    """The texts' claims, computed: paraphrase, computation, result and band, limits."""
    from autarky.claims import COLUMNS, REPAIRS, compute, frame
    from autarky.data.records import atomic_folder, check_out_folder, write_text

    if report and out is None:
        raise DataError("--report: needs --out DIR (the folder claims.html is written to)")
    if out is not None:
        check_out_folder(out, overwrite)
    with _busy("computing the claims"):
        items = compute(world, only)
    for c in items:
        _block(c)
    print_repairs(REPAIRS, None)  # several datasets: one line, each with --verbose
    if out is None:
        return
    df = frame(items)
    with atomic_folder(out, overwrite) as tmp:
        write_text(tmp / "claims.csv", df.to_csv(index=False))
        write_text(tmp / "repairs.txt", "".join(f"{r}\n" for r in REPAIRS))
        write_text(tmp / "claims.json", json.dumps(
            [{k: (None if isinstance(v, float) and math.isnan(v) else v)
              for k, v in zip(COLUMNS, row, strict=True)}
             for row in df.itertuples(index=False)], indent=1, default=str) + "\n")
        from autarky.report.claims import claim_csv_text

        for c in items:
            for name, table in c.tables.items():
                write_text(tmp / f"claim{c.id}_{name}.csv", table.to_csv(index=False))
            chart = claim_csv_text(c, world)
            if chart:  # the numbers of the claim's chart in the report
                write_text(tmp / f"claim{c.id}_chart.csv", chart)
        if report:
            from autarky.report import claims_report

            write_text(tmp / "claims.html", claims_report(items, world, REPAIRS))
    console.print(f"written: {out}", highlight=False)
