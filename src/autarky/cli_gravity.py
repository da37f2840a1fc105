"""``autarky gravity``: estimate a gravity panel by PPML and simulate a cost change.

A typer sub-app registered by :mod:`autarky.cli`; bad input raises
:class:`~autarky.errors.DataError`, which the entry point prints as one line (exit 2).
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

import autarky as ak
from autarky.cli_common import _OVERWRITE, console
from autarky.data.records import check_out_file
from autarky.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

# NumPy, pandas and the readers are imported inside the commands (``autarky --help`` loads
# none of them: tests/test_cli_fast.py)

gravity_app = typer.Typer(
    name="gravity", no_args_is_help=True,
    help="Structural gravity: PPML estimation (pyfixest) and the general equilibrium of a "
    "change in an estimated trade cost.")

Formula = Annotated[str, typer.Option("--formula", "-f",
                                      help="e.g. 'trade ~ ln_DIST + CNTG + INTL_BRDR'")]
Exporter = Annotated[str, typer.Option(help="Exporter column.")]
Importer = Annotated[str, typer.Option(help="Importer column.")]
Year = Annotated[str, typer.Option("--year-column", help="Year column of the panel ('none': "
                                   "a cross-section).")]
OldYear = Annotated[str | None, typer.Option("--year", hidden=True,
                                             help="Former name of --year-column.")]
PairFE = Annotated[bool, typer.Option("--pair-fe", help="Add pair fixed effects.")]
Pair = Annotated[str | None, typer.Option(help="Pair id column (default: unordered pair).")]
Vcov = Annotated[str, typer.Option(help="pair (clustered, default) | hetero | iid")]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _check_formula(formula: str) -> None:
    """One line for a formula that is not 'FLOW ~ VAR + VAR [| FIXED EFFECTS]'."""
    lhs, tilde, rhs = formula.partition("~")
    names = [lhs.strip(), *(t.strip() for t in rhs.split("|")[0].split("+"))]
    bad = [n for n in names if not _NAME.fullmatch(n)]
    if not tilde or bad:
        what = "no '~'" if not tilde else f"{bad[0]!r} is not a column name"
        raise DataError(f"--formula {formula!r}: {what}; expected 'FLOW ~ VAR + VAR', e.g. "
                        "'trade ~ ln_DIST + CNTG + INTL_BRDR'")


def _year_column(year: str, old: str | None) -> str:
    """--year-column; ``--year`` (a column name here, a base year everywhere else) refused."""
    if old is not None:
        raise DataError(f"--year {old!r}: in 'autarky gravity' the panel's year column is "
                        f"--year-column (--year is a base year in every other command); "
                        f"use --year-column {old}")
    return year


def _load(path: Path, formula: str, exporter: str, importer: str,
          year: str) -> tuple[pd.DataFrame, str | None]:
    import numpy as np

    from autarky.data.yotov2016 import read_gravity_panel

    _check_formula(formula)
    lhs, _, rhs = formula.partition("~")
    terms = [t.strip() for t in rhs.split("|")[0].split("+") if t.strip()]
    yr = None if year.lower() == "none" else year
    numeric = tuple([lhs.strip(), *terms] + ([yr] if yr else []))
    df = read_gravity_panel(path, required=(exporter, importer, *numeric), numeric=numeric)
    for c in (exporter, importer):
        bad = df[c].isna()
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{path}: column {c!r} row {k + 1}: missing country code")
        df[c] = df[c].astype(str)
    flow = lhs.strip()
    if not (df[flow] > 0).any():
        raise DataError(f"{path}: column {flow!r}: every flow is zero (nothing to estimate)")
    return df, yr


def _estimate(df: pd.DataFrame, formula: str, exporter: str, importer: str, yr: str | None,
              pair_fe: bool, pair: str | None, vcov: str) -> ak.gravity.Estimate:
    if vcov not in ("pair", "hetero", "iid"):
        raise DataError(f"--vcov {vcov!r}: expected pair, hetero or iid")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return ak.gravity.estimate(df, formula, exporter=exporter, importer=importer,
                                   year=yr, pair_fe=pair_fe, pair=pair, vcov=vcov)


def _print_estimate(est: ak.gravity.Estimate) -> None:
    table = Table(title=f"PPML: {est.formula}")
    for col in ("term", "estimate", "std. error", "z", "p", "95% CI"):
        table.add_column(col, justify="left" if col == "term" else "right")
    for term, r in est.table.iterrows():
        table.add_row(str(term), f"{r['estimate']:.6g}", f"{r['std_error']:.6g}",
                      f"{r['z']:.2f}", f"{r['p_value']:.3g}",
                      f"[{r['ci_low']:.4g}, {r['ci_high']:.4g}]")
    console.print(table)
    console.print(f"observations: {est.nobs}; standard errors: {est.vcov}", highlight=False)
    for _, r in est.dropped.iterrows():
        console.print(f"dropped {int(r['observations'])} observations: {r['reason']}",
                      highlight=False)
    for a in est.assumptions:
        console.print(f"[dim]assumption: {a}[/]", highlight=False)


@gravity_app.command("estimate")
def estimate_cmd(panel: Annotated[Path, typer.Argument(help="CSV or Parquet panel.")],
                 formula: Formula, exporter: Exporter = "exporter",
                 importer: Importer = "importer", year: Year = "year",
                 pair_fe: PairFE = False, pair: Pair = None, vcov: Vcov = "pair",
                 old_year: OldYear = None) -> None:
    """Estimate a gravity equation by PPML and print the coefficient table."""
    year = _year_column(year, old_year)
    df, yr = _load(panel, formula, exporter, importer, year)
    _print_estimate(_estimate(df, formula, exporter, importer,
                              yr if yr in df.columns else None, pair_fe, pair, vcov))


def _parse_set(items: list[str]) -> dict[str, float]:
    out = {}
    for it in items:
        name, eq, val = it.partition("=")
        try:
            out[name.strip()] = float(val)
        except ValueError:
            raise DataError(f"--set {it!r}: expected VARIABLE=NUMBER, e.g. RTA=0") from None
        if not eq:
            raise DataError(f"--set {it!r}: expected VARIABLE=NUMBER, e.g. RTA=0")
    return out


@gravity_app.command("simulate")
def simulate_cmd(
    panel: Annotated[Path, typer.Argument(help="CSV or Parquet panel.")],
    formula: Formula,
    set_: Annotated[list[str], typer.Option("--set", help="VARIABLE=VALUE, repeatable.")],
    between: Annotated[str | None, typer.Option(
        help="Apply the change only between these countries (comma-separated ISO3).")] = None,
    at: Annotated[int | None, typer.Option("--at", help="Year simulated (default latest).")]
    = None,
    sigma: Annotated[float, typer.Option(help="Elasticity of substitution.")] = 7.0,
    reference: Annotated[str | None, typer.Option(
        help="Numeraire country (inward resistance 1).")] = None,
    baseline: Annotated[str, typer.Option(help="fitted | observed")] = "fitted",
    method: Annotated[str, typer.Option(help="engine | yotov2016")] = "engine",
    out: Annotated[Path | None, typer.Option(help="Write the table to this CSV (an existing "
                                            "file is refused unless --overwrite).")] = None,
    overwrite: Annotated[bool, _OVERWRITE] = False,
    exporter: Exporter = "exporter", importer: Importer = "importer", year: Year = "year",
    pair_fe: PairFE = False, pair: Pair = None, vcov: Vcov = "pair",
    old_year: OldYear = None,
) -> None:
    """Estimate, then solve the conditional and full GE of a change in a cost variable."""
    year = _year_column(year, old_year)
    if out is not None:  # refused before any work
        check_out_file(out, overwrite)
    if baseline not in ("fitted", "observed"):
        raise DataError(f"--baseline {baseline!r}: expected fitted or observed")
    if method not in ("engine", "yotov2016"):
        raise DataError(f"--method {method!r}: expected engine or yotov2016")
    if not (math.isfinite(sigma) and sigma > 1):
        raise DataError(f"--sigma {sigma:g}: the elasticity of substitution must be above 1 "
                        "(trade costs enter as t ** (1 - sigma))")
    change = _parse_set(set_)
    df, yr = _load(panel, formula, exporter, importer, year)
    if reference is not None:
        known = set(df[exporter]) | set(df[importer])
        if reference not in known:
            raise DataError(f"--reference {reference!r}: not a country of {panel} "
                            f"({len(known)} countries, e.g. {', '.join(sorted(known)[:5])})")
    yr = yr if yr in df.columns else None
    est = _estimate(df, formula, exporter, importer, yr, pair_fe, pair, vcov)
    _print_estimate(est)
    members = [c.strip() for c in between.split(",") if c.strip()] if between else None
    ge = ak.gravity.simulate_change(
        est, df, change, between=members, year=yr, at=at, exporter=exporter,
        importer=importer, pair_effects=pair_fe, sigma=sigma, reference=reference,
        baseline=baseline, method=method)
    s = ge.summary()
    table = Table(title="percent changes: full GE; CDL = conditional GE (fixed incomes)")
    table.add_column("country")
    for col in ("real GDP", "price", "exports CDL", "exports", "IMR CDL", "IMR",
                "OMR CDL", "OMR"):
        table.add_column(col, justify="right")
    for k, r in s.iterrows():
        table.add_row(str(k), *(f"{v:.2f}" for v in r))
    console.print(table)
    for note in ge.notes:
        console.print(f"[dim]assumption: {note}[/]", highlight=False)
    if out is not None:  # a temporary sibling moved into place: whole or as it was
        from autarky.data.exports import _atomic

        text = ge.table.to_csv()

        def write(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        _atomic(out, write)
        console.print(f"written: {out}", highlight=False)


@gravity_app.command("border")
def border_cmd(
    world: Annotated[str, typer.Option(
        "--world", help="Embedded dataset whose goods flows are pooled over its years.")]
    = "world194",
    years: Annotated[str | None, typer.Option(
        help="Years pooled, e.g. 2019,2020 or 2011-2022 (default: every year).")] = None,
    stored: Annotated[bool, typer.Option(
        "--stored", help="Print the estimates stored in the package (gravity_eurasia.json) "
        "instead of re-estimating.")] = False,
) -> None:
    """The international border, its former-USSR interaction, EAEU, CIS FTA and EU effects.

    PPML on the World's goods flows with exporter-year and importer-year fixed effects,
    standard errors clustered by country pair (autarky.gravity.estimate_border).
    """
    import numpy as np
    import pandas as pd

    if stored:
        rec = ak.gravity.stored_border(world)
        coef = pd.DataFrame(rec["coefficients"]).T
        derived = pd.DataFrame(rec["derived"]).T
        title = f"PPML (stored): {rec['formula']} | exporter^year + importer^year"
        nobs, vcov, notes = rec["nobs"], rec["vcov"], rec["notes"]
    else:
        ys = _parse_years(years)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ak.RepairWarning)
            est = ak.gravity.estimate_border(world, ys)
        coef = est.estimate.table[["estimate", "std_error"]]
        derived = est.derived()
        title = f"PPML: {est.estimate.formula}"
        nobs, vcov, notes = est.estimate.nobs, est.estimate.vcov, list(est.notes())
        from autarky.cli_common import catch_repairs, print_repairs

        print_repairs(catch_repairs(caught), world)
    table = Table(title=title)
    for col in ("term", "estimate", "std. error", "z", "exp(estimate)"):
        table.add_column(col, justify="left" if col == "term" else "right")
    for term, r in coef.iterrows():
        b, s = float(r["estimate"]), float(r["std_error"])
        table.add_row(str(term), f"{b:.4f}", f"{s:.4f}", f"{b / s:.2f}", f"{np.exp(b):.4g}")
    console.print(table)
    console.print(f"observations: {nobs}; standard errors: {vcov}", highlight=False)
    dt = Table(title="borders by kind of pair (log trade vs domestic) and EU-EAEU gaps")
    for col in ("quantity", "estimate", "std. error", "trade ratio"):
        dt.add_column(col, justify="left" if col == "quantity" else "right")
    for term, r in derived.iterrows():
        s = r["std_error"]
        se = "" if s is None or not np.isfinite(float(s)) else f"{float(s):.4f}"
        b = float(r["estimate"])
        dt.add_row(str(term), f"{b:.4f}", se, f"{np.exp(b):.4g}")
    console.print(dt)
    for term, r in derived.iterrows():
        console.print(f"{term}: {r['description']}", highlight=False)
    for n in notes:
        console.print(f"[dim]assumption: {n}[/]", highlight=False)


def _parse_years(text: str | None) -> list[int] | None:
    if text is None or not text.strip():
        return None
    out: list[int] = []
    for part in text.split(","):
        a, dash, b = part.strip().partition("-")
        try:
            out.extend(range(int(a), int(b) + 1) if dash else [int(a)])
        except ValueError:
            raise DataError(f"--years {text!r}: expected e.g. 2019,2020 or 2011-2022") from None
    return out
