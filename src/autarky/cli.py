"""Command line over the public API: ``autarky --help``.

Exit codes: 0 on success, 2 on bad input (one line on stderr naming what is wrong),
3 when an equilibrium did not converge (one line naming the equation furthest from
holding), 130 when interrupted, 1 on an internal error. A traceback is shown only with
``--debug``.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table

import autarky as ak
from autarky import run as run_
from autarky.cli_claims import claims_cmd
from autarky.cli_common import (
    _DEFICITS,
    _ELAST,
    _EXTREME,
    _STATE,
    _STORE,
    _UNAVAIL,
    _WORLD,
    _YEAR,
    _busy,
    _options,
    _progress,
    console,
    err_console,
    load_world_cli,
)
from autarky.cli_gravity import gravity_app
from autarky.cli_linkages import deps, shock
from autarky.cli_report import (
    _EXCEL,
    _REPORT,
    _SHOW,
    _compare_out,
    _out_files,
    _run_extras,
    app_cmd,
    report_cmd,
)
from autarky.data.embedded_data import MIN_ESTIMATES, PLACEHOLDER_SOURCES
from autarky.errors import AutarkyError, ConvergenceError, RepairWarning

EXIT_NOT_CONVERGED = 3
"""Exit code of a solve that did not converge (bad input is 2, an internal error 1)."""

app = typer.Typer(
    name="autarky",
    help="What happens when the world trades less: general-equilibrium trade scenarios and "
    "input-output linkages on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """autarky: what happens when the world trades less."""
    _STATE["debug"] = debug
    if debug:
        logging.basicConfig(level=logging.DEBUG)


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
def elasticities(
    world: Annotated[str, typer.Argument(help="Embedded dataset name.")] = "icio2023",
) -> None:
    """The trade-elasticity sources of the catalog, with citations and per-sector values.

    Any source name, or one number, is a value of --elasticities for run, compare and nash.
    """
    tab = run_.elasticity_table(world.lower())
    table = Table(title=f"Trade elasticities (theta) by sector on {world.lower()} "
                        "(sector names: autarky sectors WORLD)")
    table.add_column("sector")
    for col in tab.columns:
        table.add_column(str(col), justify="right")
    med, count = _median_counts(world.lower(), list(tab.index))
    if count is not None and "median" not in tab.columns:
        table.add_column("median", justify="right")
    if count is not None:
        table.add_column("estimates", justify="right")
    for code, r in tab.iterrows():
        extra = () if count is None else (
            *(() if "median" in tab.columns else (f"{med[code]:.3g}",)), str(int(count[code])))
        table.add_row(str(code), *(f"{v:g}" for v in r), *extra)
    console.print(table)
    if count is not None:
        few = [f"{c} ({int(n)})" for c, n in count.items() if n < MIN_ESTIMATES]
        console.print(f"estimates: how many published sectoral estimates the median rests on "
                      f"(placeholders left out: {', '.join(PLACEHOLDER_SOURCES)}, 4.00 gap "
                      "fills); fewer than "
                      f"{MIN_ESTIMATES}: {', '.join(few) if few else 'none'} (none: theta = 4, "
                      "Simonovska and Waugh 2014)", highlight=False, soft_wrap=True)
    console.print("[bold]sources[/]", highlight=False)
    for name, cite in tab.attrs["citations"].items():
        console.print(f"  - [bold]{name}[/]: {cite}", highlight=False, soft_wrap=True)
    lo, hi = ak.model.options.ELASTICITY_RANGE
    console.print(f"Plausible range accepted by the solver: {lo:g} to {hi:g} (outside it only "
                  "with --extreme-elasticities, noted in the results).", highlight=False)


@app.command()
def info(
    world: Annotated[str, typer.Argument(help="Embedded dataset name or a .csv/.parquet file.")]
    = "icio2023",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
    top: Annotated[int, typer.Option(help="Rows to show (0: all countries).")] = 0,
    tariffs: Annotated[bool, typer.Option(
        "--tariffs", help="List implausible baseline tariffs (as published) and their "
        "repair (rule T1) instead.")] = False,
    repairs: Annotated[bool, typer.Option(
        "--repairs", help="List every data repair made on loading, rule by rule, with "
        "every cell it changed, instead.")] = False,
) -> None:
    """Size, totals, and each country's domestic share and top partners."""
    run_.check_top(top)
    if tariffs:
        _tariff_report(world, year)
        return
    if repairs:
        _repairs_report(world, year)
        return
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


def _median_counts(world: str, sectors: list[str]) -> tuple[Any, Any]:
    """The default median by sector and the number of published estimates behind each.

    (None, None) for a world without a sectoral catalog.
    """
    try:
        med = ak.data.elasticities(world, "median")
    except ak.DataError:
        return None, None
    count = med.attrs.get("count")
    if count is None:
        return None, None
    return med.reindex(sectors), count.reindex(sectors).fillna(0)


def _repairs_report(world: str, year: int | None) -> None:
    """Every repair rule applied on loading: its sentence, then each cell it changed."""
    from autarky.cli_common import load_world_repairs, repair_summary

    w, found = load_world_repairs(world, year)
    if not found:
        console.print(f"{w.name} {w.year if w.year is not None else ''}: no data repairs",
                      highlight=False)
        return
    console.print(repair_summary(world, w, found).split(";")[0], highlight=False)
    for r in found:
        console.print(f"\n[bold]rule {r.rule}[/] ({len(r.cells):,} cells): {r}",
                      highlight=False, soft_wrap=True)
        for cell in r.cells:
            if cell != str(r):
                console.print(f"  {r.rule}  {cell}", highlight=False, soft_wrap=True)


def _tariff_report(world: str, year: int | None) -> None:
    from autarky.data.tariff_quality import TARIFF_BOUND, implausible_tariffs

    if world.lower() in ak.data.DATASETS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RepairWarning)  # IO repairs: not this report
            w = ak.load_world(world, year=year, tariffs="as-published")
    else:  # a file: its tariffs are as given
        w = load_world_cli(world, year)
    tab = implausible_tariffs(w.tariffs.values, w.flows.values, w.countries, w.sectors)
    console.print(f"[bold]{w.name}[/] {w.year if w.year is not None else ''}: "
                  f"{int(tab['partners'].sum()) if len(tab) else 0} baseline tariffs above "
                  f"{TARIFF_BOUND:g} in {len(tab)} importer-sectors (rule T1 of "
                  "autarky.data.tariff_quality repairs them at load time)", highlight=False)
    table = Table(title="Implausible baseline tariffs (as published)")
    for col in ("importer", "sector", "partners", "max rate", "imports (million USD)",
                "repaired rate"):
        table.add_column(col, justify="left" if col in ("importer", "sector") else "right")
    for r in tab.sort_values("flow", ascending=False).itertuples():
        table.add_row(r.importer, r.sector, str(r.partners), f"{r.max_rate:.3f}",
                      f"{r.flow:,.0f}", f"{r.repaired_rate:.3f}")
    console.print(table)


@app.command()
def sectors(
    world: Annotated[str, typer.Argument(help="Embedded dataset name or a .csv/.parquet file.")]
    = "icio2023",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
) -> None:
    """Each sector's code, name and classes (goods, services, travel, energy, food, ...)."""
    from autarky.data.embedded_data import sector_table

    tab = sector_table(load_world_cli(world, year))
    table = Table(title="Sectors")
    for col in ("code", "name", "classes"):
        table.add_column(col)
    for code, r in tab.iterrows():
        table.add_row(str(code), str(r["name"]), str(r["classes"]))
    console.print(table)


# --- scenario commands

def _print_assumptions(scn: ak.Scenario, notes: tuple[str, ...] | list[str],
                       opts: ak.SolveOptions | None = None) -> None:
    console.print("[bold]assumptions[/]", highlight=False)
    for a in (scn.assumptions if opts is None else run_.assumptions(scn, opts)):
        console.print(f"  - {a}", highlight=False, soft_wrap=True)
    for n in notes:
        console.print(f"  - {n}", highlight=False, soft_wrap=True)
    if scn.sources:
        console.print("[bold]sources[/]", highlight=False)
        for s in scn.sources:
            console.print(f"  - {s}", highlight=False, soft_wrap=True)


@app.command()
def presets(
    details: Annotated[bool, typer.Option("--details", help="Also assumptions and sources.")]
    = False,
) -> None:
    """List the named scenarios (presets) with what each models."""
    from autarky.liberation import table as ilms_table

    # the Liberation Day presets solve the ILMS (2025) model, not an engine Scenario: they
    # are listed here but live in autarky.liberation, outside the Scenario registry
    tab = pd.concat([ak.presets.table(), ilms_table()])
    table = Table(title="Presets (autarky run NAME)", show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("what it models", overflow="fold")
    if details:
        table.add_column("assumptions and sources", overflow="fold")
    for name, row in tab.iterrows():
        cells = [str(name), row["description"]]
        if details:
            cells.append(f"{row['assumptions']}\n[dim]{row['sources']}[/]")
        table.add_row(*cells)
    console.print(table)


_RANGE = typer.Option("--range/--no-range", help="Show the low and high of welfare across "
                      "the catalog's 8 elasticity sources (one batched solve; default on).")


def _bloc_choice(w: ak.World, elasticities: str, opts: ak.SolveOptions,
                 out: str | None, overwrite: bool = False, with_range: bool = True) -> None:
    with _progress() as prog:
        task = prog.add_task("bloc-choice: calibrating, then every state's options and "
                             "break-even penalty", total=None)

        def step(done: int, total: int) -> None:
            prog.update(task, completed=done, total=total)

        df = run_.bloc_choice(w, elasticities=run_.elasticities(elasticities), options=opts,
                              solve=run_.solve_plain, progress=step)
        rtask = prog.add_task("range across elasticity sources", total=None)
        rng = run_.bloc_choice_range(w, df, opts, progress=lambda done, total: prog.update(
            rtask, completed=done, total=total)) if with_range else pd.DataFrame(index=df.index)
    console.print(f"[bold]bloc-choice on {w.name} {w.year or ''}[/]: welfare change, % "
                  "(bloc columns: baseline-income-weighted, original members; 'vs out': "
                  "difference from the state staying out, percentage points; break-even: "
                  "the trade-cost factor both blocs would have to put on the state's trade "
                  "if it stays out for joining the better bloc to match staying out)",
                  highlight=False, soft_wrap=True)
    table = Table()
    ranged = len(rng.columns) > 0
    for col in ("state", "option", "state's welfare", *(("low", "high") if ranged else ()),
                "West", "East", "world", "West vs out (pp)", "East vs out (pp)",
                *(("West vs out low", "high", "East vs out low", "high") if ranged else ()),
                "break-even penalty"):
        table.add_column(col, justify="left" if col in ("state", "option") else "right")
    for (state, option), r in df.iterrows():
        lo_hi = ([f"{rng.loc[(state, option), c]:+.3f}" for c in ("low", "high")]
                 if ranged else [])
        vs = ([f"{rng.loc[(state, option), f'{b} vs out {e}']:+.3f}"
               for b in ("West", "East") for e in ("low", "high")] if ranged else [])
        be = r["break_even"]
        be_txt = ("" if option != ak.presets.OPTIONS[2] else
                  f"none up to x{run_.PENALTY_MAX:g}" if be != be else f"x{be:.3f}")
        table.add_row(state, option, f"{r['welfare']:+.3f}", *lo_hi, f"{r['West']:+.3f}",
                      f"{r['East']:+.3f}", f"{r['world']:+.3f}", f"{r['West vs out']:+.3f}",
                      f"{r['East vs out']:+.3f}", *vs, be_txt)
    console.print(table)
    if with_range:
        _range_line(w, rng if ranged else None)
    scn = ak.presets.get("bloc-choice")
    _print_assumptions(scn, tuple(df.attrs.get("notes", ())))
    if out is not None:
        _print_written(run_.write(out, df, scn, _record_meta(w, elasticities, opts),
                                  overwrite=overwrite))


def _record_meta(w: ak.World, elasticities: str, opts: ak.SolveOptions) -> dict[str, Any]:
    return run_.record_meta(w, elasticities, opts, "autarky " + " ".join(sys.argv[1:]))


def _print_written(paths: Any) -> None:
    console.print(f"record written: {', '.join(str(p) for p in paths.values())}",
                  highlight=False, soft_wrap=True)


def _world_for(scn: ak.Scenario, world: str | None) -> tuple[str, str]:
    """The world a run uses and why: --world, else the preset's own, else icio2023."""
    if world is not None:
        return world, "named with --world"
    own, why = ak.presets.default_world(scn.name or "")
    if own is not None:
        return own, f"the preset's default world: {why}; --world overrides"
    return "icio2023", "the default world; --world overrides"


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Preset name (autarky presets) or a .toml "
                                            "scenario file.")] = ak.presets.DEFAULT,
    world: Annotated[str | None, typer.Option(
        help="Embedded dataset name or a .csv/.parquet file (default: the preset's own "
        "world if it names one, else icio2023).")] = None,
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = run_.DEFAULT_ELASTICITIES,
    extreme_elasticities: Annotated[bool, _EXTREME] = False,
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    out: Annotated[str | None, typer.Option(help="Folder for a reproducible record.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace a non-empty --out folder.")] = False,
    top: Annotated[int, typer.Option(help="Rows to show: the N largest and the N smallest "
                                     "(0: all countries).")] = 0,
    show: Annotated[str | None, _SHOW] = None,
    report: Annotated[bool, _REPORT] = False,
    excel: Annotated[str | None, _EXCEL] = None,
    draws: Annotated[int, typer.Option(help="Elasticity draws for an uncertainty band beside "
                                       "each number (0: none).")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed of the draws.")] = 0,
    store: Annotated[str | None, _STORE] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT for "
                                                  "the draws (default: this process).")]
    = None,
    source_range: Annotated[bool, _RANGE] = True,
) -> None:
    """Solve a scenario and print welfare by country, bloc aggregates and assumptions.

    With no scenario it runs the two-blocs preset on the embedded icio2023 data. With
    --draws N the welfare of each country and group also shows the median and 90% band
    over N elasticity draws (stored in the result store and reused when run again).
    """
    if scenario in ("nash", "tariff-war-nash"):  # a game, not a scenario: see `autarky nash`
        if out or deficits or unavailable:
            raise typer.BadParameter("--out, --deficits and --unavailable do not apply to "
                                     "the Nash tariff war (balanced baseline, no files)")
        nash(world=world or "wiod2016", year=year, elasticities=elasticities, method="exact",
             top=top)
        return
    from autarky.liberation import PRESETS as ILMS_PRESETS

    if scenario in ILMS_PRESETS:  # the ILMS (2025) model on its own 194-country data
        if out or deficits or unavailable or year:
            raise typer.BadParameter("--out, --deficits, --unavailable and --year do not "
                                     "apply to the Liberation Day presets")
        _liberation(scenario, world or "icio2023", top)
        return
    run_.check_top(top)
    if out is not None:
        run_.check_out(out, overwrite)
    scn = run_.scenario(scenario)
    opts = _options(scn, deficits, unavailable, extreme_elasticities)
    # assumptions true of the options used, in the output, the record, report and workbook
    scn = scn.with_info(assumptions=run_.assumptions(scn, opts))
    world, why = _world_for(scn, world)
    w = load_world_cli(world, year)
    console.print(f"world: {w.name} {w.year or ''} ({why})", highlight=False, soft_wrap=True)
    if scn.name == "bloc-choice":
        _bloc_choice(w, elasticities, opts, out, overwrite, source_range)
        return
    with _busy(f"solving {scn.name or scenario}"):
        res = run_.solve(w, scn, run_.elasticities(elasticities), opts)
    band = _draws_band(w, scn, opts, draws, seed, store, scheduler) if draws else None
    rng = (_source_range(w, scn, opts, run_.elasticities(elasticities)) if source_range
           else None)
    shown = run_.extremes(res.welfare, top)
    console.print(f"[bold]{scn.name or scenario} on {w.name} {w.year or ''}[/]: "
                  f"{scn.summary()}", highlight=False, soft_wrap=True)
    table = Table(title=run_.top_title("welfare, %", top, len(res.welfare)))
    table.add_column("country")
    table.add_column("welfare %", justify="right")
    _range_columns(table, rng)
    _band_columns(table, band)
    for c, v in shown.items():
        table.add_row(str(c), f"{v:+.3f}", *_range_cells(rng, str(c)), *_band_cells(band, str(c)))
    console.print(table)
    agg = Table(title="bloc aggregates (baseline-income-weighted)")
    for col in ("group", "members in data", "welfare %"):
        agg.add_column(col, justify="left" if col == "group" else "right")
    _range_columns(agg, rng)
    _band_columns(agg, band)
    for name, r in run_.aggregates(w, scn, res).iterrows():
        agg.add_row(str(name), str(int(r["members"])), f"{r['welfare']:+.3f}",
                    *_range_cells(rng, str(name)), *_band_cells(band, str(name)))
    console.print(agg)
    _range_line(w, rng)
    if band is not None:
        console.print(band.attrs["text"], highlight=False, soft_wrap=True, style="dim")
    resid = max(res.residual.values()) if isinstance(res.residual, dict) else res.residual
    console.print(f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
                  f"iterations, {res.seconds:.2f} s, largest residual {resid:.1e}",
                  highlight=False)
    _print_assumptions(scn, tuple(res.notes))
    meta = _record_meta(w, elasticities, opts)
    if out is not None:
        files = _out_files(w, scn, res, scenario, meta, report=report, rng=rng, band=band)
        _print_written(run_.write(out, res, scn, {**meta, "world_argument": world},
                                  overwrite=overwrite, extra=files))
    _run_extras(w, scn, res, scenario, meta, show=show, report=report and out is None,
                excel=excel, top=top, rng=rng, band=band)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First preset or .toml file.")],
    b: Annotated[str, typer.Argument(help="Second preset or .toml file.")],
    world: Annotated[str, _WORLD] = "icio2023",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = run_.DEFAULT_ELASTICITIES,
    extreme_elasticities: Annotated[bool, _EXTREME] = False,
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    top: Annotated[int, typer.Option(help="Rows to show: the N largest and the N smallest "
                                     "(0: all countries).")] = 0,
    out: Annotated[str | None, typer.Option(help="Folder for the comparison and each "
                                            "scenario's tables (CSV).")] = None,
    source_range: Annotated[bool, _RANGE] = True,
) -> None:
    """Two scenarios side by side: welfare by country and the difference."""
    run_.check_top(top)
    sa, sb = run_.scenario(a), run_.scenario(b)
    oa = _options(sa, deficits, unavailable, extreme_elasticities)
    ob = _options(sb, deficits, unavailable, extreme_elasticities)
    w = load_world_cli(world, year)
    theta = run_.elasticities(elasticities)
    with _progress() as prog:
        task = prog.add_task("solving", total=2)
        ra = run_.solve(w, sa, theta, oa)
        prog.advance(task)
        rb = run_.solve(w, sb, theta, ob)
        prog.advance(task)
        rtask = prog.add_task("range across elasticity sources", total=None)
        rng = run_.compare_range(w, sa, sb, oa, ob, elasticities=theta,
                                 progress=lambda done, total: prog.update(
            rtask, completed=done, total=total)) if source_range else None
    wa, wb = ra.welfare, rb.welfare
    order = run_.extremes(wb - wa, top).index
    na, nb = sa.name or a, sb.name or b
    console.print(f"[bold]{na} vs {nb} on {w.name} {w.year or ''}[/]", highlight=False)
    table = Table(title=run_.top_title("welfare, %", top, len(wa)))
    for col in ("country", na, nb, f"{nb} - {na} (pp)"):
        table.add_column(col, justify="left" if col == "country" else "right")
    _range_columns(table, rng)
    for c in order:
        table.add_row(str(c), f"{wa[c]:+.3f}", f"{wb[c]:+.3f}", f"{wb[c] - wa[c]:+.3f}",
                      *_range_cells(rng, str(c)))
    console.print(table)
    _range_line(w, rng)
    for label, scn, res, opt in ((na, sa, ra, oa), (nb, sb, rb, ob)):
        console.print(f"[bold]{label}[/]: {scn.summary()}", highlight=False, soft_wrap=True)
        _print_assumptions(scn, tuple(res.notes), opt)
    if out:
        _compare_out(out, w, (na, sa, ra), (nb, sb, rb))


@app.command()
def nash(
    world: Annotated[str, _WORLD] = "wiod2016",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = "uniform4",
    method: Annotated[str, typer.Option(help="exact (exact first-order conditions, no IO "
                                       "links), formula (Lashkaripour 2021's approximation, "
                                       "no IO links) or best-response (exact welfare by "
                                       "finite differences, keeps IO links).")
                      ] = "exact",
    top: Annotated[int, typer.Option(help="Rows to show: the N largest and the N smallest "
                                     "(0: all countries).")] = 0,
    country: Annotated[str | None, typer.Option(
        help="Only this country sets its unilaterally optimal tariff, every other tariff "
             "at its applied level (best responses, IO links kept); no war.")] = None,
) -> None:
    """Nash tariff war: each country's optimal uniform tariff and its welfare change.

    Welfare is measured against the baseline with deficits removed (balanced trade).
    """
    from autarky.errors import DataError

    run_.check_top(top)
    try:
        theta: Any = float(elasticities)
    except ValueError:
        theta = elasticities
    try:
        opts = ak.NashOptions(method=method)  # type: ignore[arg-type]
    except ValueError as err:
        raise DataError(f"--method {method!r}: {err}") from None
    w = load_world_cli(world, year)
    if country is not None:
        from autarky.nash import optimal_tariff

        with _busy(f"solving {country}'s optimal tariff"):
            res = optimal_tariff(w, country, elasticities=theta)
        method = "optimal tariff of " + country
    elif method == "best-response":  # a bar on a terminal, quiet otherwise
        import math

        with _progress() as bar:
            task = bar.add_task("best responses", total=None)

            def step(rounds: int, move: float) -> None:
                # the largest tariff step falls towards the tolerance (1e-8): show the decades
                done = min(max(-math.log10(max(move, 1e-12)), 0.0), 8.0)
                bar.update(task, total=8.0, completed=done,
                           description=f"best-response round {rounds}: step {move:.1e}")

            res = ak.nash(w, elasticities=theta, options=opts, progress=step)
    else:
        with _busy(f"solving the Nash tariff war ({method})"):
            res = ak.nash(w, elasticities=theta, options=opts)
    frame = res.to_frame()
    shown = frame.loc[run_.extremes(frame["welfare_pct"], top).index]
    what = (f"{country}'s optimal tariff, no retaliation," if country is not None
            else "Nash tariff war")
    table = Table(title=run_.top_title(f"{what} on {w.name} {w.year or ''}"
                                       + ("" if country else f" ({method})"), top, len(frame)))
    for col in ("country", "tariff %" if country else "Nash tariff %", "welfare %"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c, row in shown.iterrows():
        rate = "" if pd.isna(row["tariff_pct"]) else f"{row['tariff_pct']:.2f}"
        table.add_row(str(c), rate, f"{row['welfare_pct']:+.3f}")
    console.print(table)
    resid = max(res.residual.values())
    console.print(f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
                  f"iterations, {res.seconds:.3f} s, largest residual {resid:.1e}",
                  highlight=False)
    console.print("[bold]assumptions[/]")
    for line in (*res.notes, f"method: {res.method}"):
        console.print(f"  - {line}", highlight=False, soft_wrap=True)


def _liberation(preset: str, folder: str, top: int) -> None:
    """Print one Liberation Day preset (ILMS 2025) solved on the data in ``folder``."""
    from autarky.data import read_ilms2025
    from autarky.liberation import DATA_FOLDER, liberation_day, summary
    from autarky.liberation import PRESETS as ILMS_PRESETS

    if folder == "icio2023":  # run's default world: the ILMS data live next to the repo
        folder = DATA_FOLDER
    run_.check_top(top)
    data = read_ilms2025(folder)
    res = liberation_day(data, ILMS_PRESETS[preset])
    frame = res.frame
    shown = frame.loc[run_.extremes(frame["welfare"], top).index]
    table = Table(title=run_.top_title(
        f"{preset} (Ignatenko, Lashkaripour, Macedoni, Simonovska 2025)", top, len(frame)))
    for col in ("country", "welfare %", "employment %", "US tariff %", "tariff on US %"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c, row in shown.iterrows():
        table.add_row(str(c), f"{row['welfare']:+.3f}", f"{row['employment']:+.3f}",
                      f"{100 * row['us_tariff']:.1f}", f"{100 * row['tariff_on_us']:.1f}")
    console.print(table)
    rows = summary(res, data)
    console.print("the paper's rows (EU and non-US: absorption-weighted means): " + "; ".join(
        f"{r} welfare {v['welfare']:+.2f}%, employment {v['employment']:+.2f}%, prices "
        f"{v['cpi']:+.1f}%" for r, v in rows.iterrows()), highlight=False, soft_wrap=True)
    console.print(f"USA welfare {res.welfare['USA']:+.3f}%; "
                  f"{'converged' if res.converged else 'NOT converged'}, residual "
                  f"{res.residual:.1e}, {res.seconds:.2f} s", highlight=False)
    console.print("[bold]assumptions[/]")
    for line in res.notes:
        console.print(f"  - {line}", highlight=False, soft_wrap=True)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="DuckDB SQL over the view 'results' (one row per "
                                       "solved draw or scenario and country).")],
    store: Annotated[str | None, _STORE] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
) -> None:
    """Query the result store of sweeps with DuckDB SQL."""
    from autarky.data.store import ResultStore, default_store_path

    st = ResultStore(store or default_store_path())
    if not st.files():
        raise ak.DataError(f"result store {st.path}: no results stored yet (run a sweep, e.g. "
                           "autarky run --draws 100, or pass --store)")
    df = st.query(sql)
    if csv:
        sys.stdout.write(df.to_csv(index=False))
        return
    table = Table(title=f"{len(df)} rows")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)


def _draws_band(world: ak.World, scn: ak.Scenario, opts: ak.SolveOptions, draws: int,
                seed: int, store: str | None, scheduler: str | None) -> pd.DataFrame:
    """Median and 90% band per country and group over elasticity draws (a progress bar).

    The draws take each sector's theta among the catalog's published values; solved rows
    go to the result store and are reused. Returns a frame indexed by country and group
    names with ``median``, ``low``, ``high``; ``attrs["text"]`` says what the band is.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from autarky.data.store import default_store_path
    from autarky.errors import ScenarioWarning

    if draws < 1:
        raise ak.DataError(f"--draws {draws}: must be a positive whole number")
    with Progress("draws", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True,
                  disable=not err_console.is_terminal) as bar:
        task = bar.add_task("draws", total=draws)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            sw = ak.sweep(world, scn, draws=draws, seed=seed, options=opts,
                          backend="dask" if scheduler else "serial", scheduler=scheduler,
                          store=store or default_store_path(),
                          progress=lambda done, total: bar.update(task, completed=done))
    W = pd.DataFrame(sw.welfare.to_numpy(), columns=list(world.countries))
    inc = run_.income(world)
    groups = {**scn.blocs(world), "world": tuple(world.countries)}
    for name, members in groups.items():
        m = [c for c in members if c in W.columns]
        if m and name not in W.columns:
            wt = np.array([inc[c] for c in m])
            W[name] = W[m].to_numpy() @ wt / wt.sum()
    q = np.quantile(W.to_numpy(), [0.5, 0.05, 0.95], axis=0)
    band = pd.DataFrame({"median": q[0], "low": q[1], "high": q[2]}, index=W.columns)
    band.attrs["text"] = (
        f"band: median and 90% interval over {draws} elasticity draws (seed {seed}; each "
        "sector's theta drawn among the published values of the catalog sources, see "
        f"'autarky elasticities'); {sw.solved} solved, {sw.reused} reused from the result "
        f"store, {sw.seconds:.1f} s")
    return band


def _source_range(w: ak.World, scn: ak.Scenario, opts: ak.SolveOptions,
                  elasticities: Any) -> pd.DataFrame | None:
    """Welfare low/high across the catalog's elasticity sources (one batched solve)."""
    with _progress() as prog:
        task = prog.add_task("range across elasticity sources", total=None)
        return run_.source_range(w, scn, opts, progress=lambda done, total: prog.update(
            task, completed=done, total=total), elasticities=elasticities)


def _range_columns(table: Table, rng: pd.DataFrame | None) -> None:
    if rng is not None:
        table.add_column("low", justify="right")
        table.add_column("high", justify="right")


def _range_cells(rng: pd.DataFrame | None, name: str) -> list[str]:
    if rng is None:
        return []
    if name not in rng.index:
        return ["", ""]
    return [f"{rng.at[name, 'low']:+.3f}", f"{rng.at[name, 'high']:+.3f}"]


def _range_line(w: ak.World, rng: pd.DataFrame | None) -> None:
    text = rng.attrs["text"] if rng is not None else run_.range_unavailable(w)
    if text:
        console.print(text, highlight=False, soft_wrap=True, style="dim")


def _band_columns(table: Table, band: pd.DataFrame | None) -> None:
    if band is not None:
        table.add_column("median (draws)", justify="right")
        table.add_column("90% band", justify="right")


def _band_cells(band: pd.DataFrame | None, name: str) -> list[str]:
    if band is None:
        return []
    if name not in band.index:
        return ["", ""]
    r = band.loc[name]
    return [f"{r['median']:+.3f}", f"[{r['low']:+.3f}, {r['high']:+.3f}]"]


def main() -> None:
    """Entry point: run the app, turning user errors into one stderr line and exit code 2."""
    debug = "--debug" in sys.argv
    try:
        code = app(standalone_mode=False)
    except ConvergenceError as err:
        if debug:
            raise
        err_console.print(f"error: {err}", highlight=False, soft_wrap=True, markup=False)
        sys.exit(EXIT_NOT_CONVERGED)
    except AutarkyError as err:
        if debug:
            raise
        err_console.print(f"error: {err}", highlight=False, soft_wrap=True, markup=False)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt) as err:
        if isinstance(err.__cause__, EOFError):  # click turns EOFError into Abort
            err_console.print(f"error: unexpected end of input ({err.__cause__})",
                              highlight=False, soft_wrap=True)
            sys.exit(2)
        err_console.print("interrupted", highlight=False)
        sys.exit(130)
    except SystemExit:
        raise
    except typer.TyperException as err:  # usage errors: unknown command, bad option value
        if debug:
            raise
        fmt = getattr(err, "format_message", None)
        text = (fmt() if callable(fmt) else str(err)).rstrip(".")
        err_console.print(f"error: {text}; see 'autarky --help'",
                          highlight=False, soft_wrap=True)
        sys.exit(int(getattr(err, "exit_code", 2)) or 2)
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        err_console.print(f"internal error: {type(err).__name__}: {err} (run with --debug "
                          "for a traceback)", highlight=False, soft_wrap=True)
        sys.exit(1)
    if code == 130:  # typer turns KeyboardInterrupt into Exit(130), returned here
        err_console.print("interrupted", highlight=False)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)



# --- what a run reports beyond welfare: tables, exports, the HTML report, the app
# --- commands in their own modules: linkages, report and app, gravity
app.command()(deps)
app.command()(shock)
app.command("report")(report_cmd)
app.command("app")(app_cmd)
app.add_typer(gravity_app, name="gravity")
app.command("claims")(claims_cmd)


if __name__ == "__main__":
    main()
