"""Command line over the public API: ``autarky --help``.

Exit codes: 0 on success, 2 on bad input (one line on stderr naming what is wrong),
3 when an equilibrium did not converge (one line naming the equation furthest from
holding), 130 when interrupted, 1 on an internal error. A traceback is shown only with
``--debug``.

One convention for every command: a file or folder is written with ``--out`` (an existing
one is refused in one line, exit 2, unless ``--overwrite``; written beside, then moved into
place); one country is ``--country`` in any case (``deu`` is ``DEU``, as in CSV files and
TOML); ``--year`` is always a base year; ``--top N`` cuts every table (the N largest and N
smallest, or the first N of a ranked list); the elasticities default to the catalog's
median everywhere, ``nash`` included; flags take no value.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Annotated, Any

import typer
from rich.table import Table

import autarky as ak
from autarky.cli_claims import claims_cmd
from autarky.cli_common import (
    _DEFICITS,
    _ELAST,
    _EXTREME,
    _OVERWRITE,
    _STATE,
    _STORE,
    _UNAVAIL,
    _WORLD,
    _YEAR,
    DEFAULT_ELASTICITIES,
    DEFAULT_PRESET,
    _progress,
    console,
    err_console,
    load_world_cli,
    print_repairs,
)
from autarky.cli_gravity import gravity_app
from autarky.cli_linkages import deps, shortage
from autarky.cli_report import (
    _EXCEL,
    _REPORT,
    _SHOW,
    _compare_out,
    _print_show,
    _show_kinds,
    app_cmd,
    report_cmd,
)
from autarky.errors import RepairWarning

# Every module imported above is light (typer, rich, autarky's errors and the command
# modules): NumPy, pandas, xarray, SciPy and the model load inside the commands that need
# them, so that --help, presets, datasets and sectors answer at once (tests/test_cli_fast.py).

EXIT_NOT_CONVERGED = 3
"""Exit code of a solve that did not converge (bad input is 2, an internal error 1)."""

app = typer.Typer(
    name="autarky",
    help="What happens when the world trades less: general-equilibrium trade scenarios and "
    "input-output linkages on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help: flags without a '<bool>' metavar (typer's rich help prints one for
    # every flag with this click), readable in any terminal width and when piped
    rich_markup_mode=None,
)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", help="Also print each data repair (by default one summary line on "
        "stderr; 'autarky info WORLD --repairs' lists every cell).")] = False,
) -> None:
    """autarky: what happens when the world trades less."""
    _STATE["debug"] = debug
    _STATE["verbose"] = verbose
    if debug:
        logging.basicConfig(level=logging.DEBUG)


@app.command()
def datasets() -> None:
    """List the embedded datasets with their coverage, source and license."""
    from autarky.data import listings

    rows = listings.datasets()  # ak.datasets(), as shipped (tests/test_listings.py)
    table = Table(title="Embedded datasets")
    for col in ("name", "years", "countries", "sectors", "IO links", "what"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(str(row["name"]), row["years"], str(row["countries"]),
                      str(row["sectors"]), "yes" if row["io_links"] else "no", row["title"])
    console.print(table)
    for row in rows:
        name = row["name"]
        console.print(f"[bold]{name}[/]: source: {row['source'].rstrip('.')}. License: "
                      f"{row['license'].rstrip('.')}. Cite: {row['citation']}", highlight=False)


@app.command()
def elasticities(
    world: Annotated[str, typer.Argument(help="Embedded dataset name.")] = "icio2023",
) -> None:
    """The trade-elasticity sources of the catalog, with citations and per-sector values.

    Any source name, or one number, is a value of --elasticities for run, compare and nash.
    """
    from autarky import run as run_
    from autarky.data.embedded_data import MIN_ESTIMATES, PLACEHOLDER_SOURCES

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
    import numpy as np

    from autarky import run as run_

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
    from autarky.cli_common import load_world_repairs

    w, found = load_world_repairs(world, year)
    where = f"{w.name} {w.year if w.year is not None else ''}".strip()
    if not found:
        console.print(f"{where}: no data repairs", highlight=False)
        return
    rules = list(dict.fromkeys(r.rule for r in found))
    cells = sum(len(r.cells) for r in found)
    console.print(f"{where}: {len(found)} data repairs, rules {', '.join(rules)}, "
                  f"{cells:,} cells changed", highlight=False)
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
    from autarky.data import listings

    # an embedded dataset-year: as shipped (sector_table and the repairs of loading it,
    # tests/test_listings.py); a file or a year the listing lacks: loaded
    listed = listings.sectors(world, year)
    if listed is None:
        from autarky.data.embedded_data import sector_table

        tab = sector_table(load_world_cli(world, year))
        rows = [[str(code), str(r["name"]), str(r["classes"])] for code, r in tab.iterrows()]
    else:
        name, listed_year, rows, rules, cells = listed
        print_repairs(rules, world, listed_year)
    table = Table(title="Sectors")
    for col in ("code", "name", "classes"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)


# --- scenario commands

@app.command()
def presets(
    details: Annotated[bool, typer.Option("--details", help="Also assumptions and sources.")]
    = False,
) -> None:
    """List the named scenarios (presets) with what each models."""
    from autarky.data import listings

    # ak.presets.table() as shipped (tests/test_listings.py); the registry holds every
    # kind, the Liberation Day presets (ILMS 2025 model) included
    table = Table(title="Presets (autarky run NAME)", show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("what it models", overflow="fold")
    if details:
        table.add_column("assumptions and sources", overflow="fold")
    for row in listings.presets():
        cells = [str(row["name"]), row["description"]]
        if details:
            cells.append(f"{row['assumptions']}\n[dim]{row['sources']}[/]")
        table.add_row(*cells)
    console.print(table)


_RANGE = typer.Option("--range/--no-range", help="Show the low and high of welfare across "
                      "the catalog's 8 elasticity sources (one batched solve; default on).")
_FIGURES = typer.Option(help="Also write static PNG and SVG figures into this folder "
                        "(kaleido + Chromium), for every kind of run.")


_FORMAT = typer.Option("--format", help="How the main table is printed: table (plain columns "
                       "when piped), csv, json or markdown (the table only, on stdout; "
                       "notes on stderr).")
_DETAILS = typer.Option("--details", help="Print every assumption, the sources and the data "
                        "repairs (default: the assumptions that decide the result).")


def _command() -> str:
    return "autarky " + " ".join(sys.argv[1:])


def _check_files(overwrite: bool, excel: str | None = None, figures: str | None = None,
                 report: str | None = None) -> None:
    """Every other file or folder a command writes follows --out's rule, before any work.

    An existing ``--excel`` file or report file, or a non-empty ``--figures`` folder, is
    refused in one line unless ``--overwrite``.
    """
    from pathlib import Path

    from autarky.data.records import check_out_file

    for option, path in (("--excel", excel), ("--report", report)):
        if path:
            check_out_file(path, overwrite, option)
    if figures and Path(figures).is_dir() and any(Path(figures).iterdir()) and not overwrite:
        raise ak.DataError(f"{figures}: folder exists and is not empty (use --overwrite to "
                           "write the figures into it)")


def _run_spec(spec: ak.RunSpec, top: int, **outputs: Any) -> ak.RunOutcome:
    """Check the flags, run the spec through the one service, print and write the outcome."""
    from autarky import run as run_
    from autarky import service
    from autarky.cli_show import FORMATS, show, write_outputs

    run_.check_top(top)
    service.check_outputs(spec.kind, **spec.chosen(), draws=spec.draws,
                          **{k: v for k, v in outputs.items()
                             if k not in ("overwrite", "fmt", "details")})
    if outputs.get("out") is not None:
        run_.check_out(outputs["out"], bool(outputs.get("overwrite")))
    _check_files(bool(outputs.get("overwrite")), excel=outputs.get("excel"),
                 figures=outputs.get("figures"))
    fmt = str(outputs.get("fmt") or "table").lower()
    if fmt not in FORMATS:
        raise ak.DataError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    show_kinds = _show_kinds(outputs.get("show"))
    with _progress() as prog:
        label = spec.scenario if isinstance(spec.scenario, str) else "scenario"
        task = prog.add_task(f"running {label}", total=None)
        try:
            outcome = service.run(spec, progress=lambda done, total: prog.update(
                task, completed=done, total=total))
        except ak.DataError as err:
            if "no catalog for dataset" not in str(err):
                raise
            raise ak.DataError(f"{err}; own data have no catalog of sectoral elasticities: "
                               "give one number for every sector, e.g. --elasticities 4 "
                               "(Simonovska and Waugh 2014's aggregate estimate)") from None
    show(outcome, top, fmt=fmt, details=bool(outputs.get("details")))
    if show_kinds and outcome.world is not None and outcome.result is not None:
        _print_show(show_kinds, outcome.world, outcome.scenario, outcome.result, top)
    write_outputs(outcome, out=outputs.get("out"), overwrite=bool(outputs.get("overwrite")),
                  report=bool(outputs.get("report")), excel=outputs.get("excel"),
                  figures=outputs.get("figures"))
    return outcome


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Preset name (autarky presets) or a .toml "
                                            "scenario file.")] = DEFAULT_PRESET,
    world: Annotated[str | None, typer.Option(
        help="Embedded dataset name or a .csv/.parquet file (default: the preset's own "
        "world if it names one, else icio2023).")] = None,
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = DEFAULT_ELASTICITIES,
    extreme_elasticities: Annotated[bool, _EXTREME] = False,
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    out: Annotated[str | None, typer.Option(help="Folder for a reproducible record.")] = None,
    overwrite: Annotated[bool, _OVERWRITE] = False,
    top: Annotated[int, typer.Option(help="Rows to show: the N largest and the N smallest "
                                     "(0: all countries).")] = 0,
    show: Annotated[str | None, _SHOW] = None,
    report: Annotated[bool, _REPORT] = False,
    excel: Annotated[str | None, _EXCEL] = None,
    figures: Annotated[str | None, _FIGURES] = None,
    draws: Annotated[int, typer.Option(help="Elasticity draws for an uncertainty band beside "
                                       "each number (0: none).")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed of the draws.")] = 0,
    store: Annotated[str | None, _STORE] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT for "
                                                  "the draws (default: this process).")]
    = None,
    source_range: Annotated[bool, _RANGE] = True,
    path: Annotated[bool, typer.Option(help="Macro-state presets: also add the members one "
                                       "at a time in the stated order and print each "
                                       "member's welfare at each stage.")] = False,
    fmt: Annotated[str, _FORMAT] = "table",
    details: Annotated[bool, _DETAILS] = False,
) -> None:
    """Run a preset or scenario of any kind and print its result, groups and assumptions.

    With no scenario it runs the two-blocs preset on the embedded icio2023 data. Every
    kind (an equilibrium scenario, bloc-choice, nash, the liberation-day presets) goes
    through the one run service and writes --out, --report, --excel and --figures; a flag
    a kind cannot honour is refused in one line before anything is solved. With --draws N
    the welfare of each country and group also shows the median and 90% band over N
    elasticity draws (stored in the result store and reused when run again).
    """
    from autarky import run as run_

    spec = ak.RunSpec(scenario, world=world, year=year,
                      elasticities=run_.elasticities(elasticities), deficits=deficits,
                      unavailable=unavailable, extreme_elasticities=extreme_elasticities,
                      range=source_range, draws=draws, seed=seed, store=store,
                      scheduler=scheduler, command=_command(), path=path)
    _run_spec(spec, top, out=out, overwrite=overwrite, show=show, report=report, excel=excel,
              figures=figures, fmt=fmt, details=details)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First preset or .toml file.")],
    b: Annotated[str, typer.Argument(help="Second preset or .toml file.")],
    world: Annotated[str, _WORLD] = "icio2023",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = DEFAULT_ELASTICITIES,
    extreme_elasticities: Annotated[bool, _EXTREME] = False,
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    top: Annotated[int, typer.Option(help="Rows to show: the N largest and the N smallest "
                                     "(0: all countries).")] = 0,
    out: Annotated[str | None, typer.Option(help="Folder for the comparison and each "
                                            "scenario's tables (CSV).")] = None,
    overwrite: Annotated[bool, _OVERWRITE] = False,
    report: Annotated[bool, typer.Option("--report", help="Write one self-contained HTML "
                                         "report: the difference map, both maps, the table "
                                         "(into --out, else ./A-vs-B-report.html).")] = False,
    source_range: Annotated[bool, _RANGE] = True,
) -> None:
    """Two scenarios side by side: welfare by country and the difference.

    Each is the same run as 'autarky run NAME --world WORLD' (one service); the range is of
    the difference B - A across the catalog's elasticity sources.
    """
    from autarky import run as run_
    from autarky import service
    from autarky.cli_show import _range_cells, _range_columns, print_assumptions, range_line

    run_.check_top(top)
    if out is not None:  # the same convention as run --out: refused before any work
        run_.check_out(out, overwrite)
    w = load_world_cli(world, year)
    theta = run_.elasticities(elasticities)
    specs = [ak.RunSpec(x, world=w, elasticities=theta, deficits=deficits,
                        unavailable=unavailable, extreme_elasticities=extreme_elasticities,
                        range=False, command=_command()) for x in (a, b)]
    for spec in specs:
        if spec.kind != "equilibrium":
            raise ak.ScenarioError(f"compare: {spec.scenario} is not one equilibrium "
                                   f"({spec.kind}); 'autarky run {spec.scenario}' runs it")
    with _progress() as prog:
        task = prog.add_task("solving", total=2)
        oa = service.run(specs[0])
        prog.advance(task)
        ob = service.run(specs[1])
        prog.advance(task)
        rtask = prog.add_task("range across elasticity sources", total=None)
        rng = run_.compare_range(w, oa.scenario, ob.scenario, oa.options, ob.options,
                                 elasticities=theta,
                                 progress=lambda done, total: prog.update(
            rtask, completed=done, total=total)) if source_range else None
    ra, rb = oa.result, ob.result
    assert ra is not None and rb is not None and oa.aggregates is not None \
        and ob.aggregates is not None
    wa, wb = ra.welfare, rb.welfare
    order = run_.extremes(wb - wa, top).index
    na, nb = oa.name, ob.name
    console.print(f"[bold]{na} vs {nb} on {w.name} {w.year or ''}[/]", highlight=False)
    table = Table(title=run_.top_title("welfare, %", top, len(wa)))
    for col in ("country", na, nb, f"{nb} - {na} (pp)"):
        table.add_column(col, justify="left" if col == "country" else "right")
    _range_columns(table, rng)
    for c in order:
        table.add_row(str(c), f"{wa[c]:+.3f}", f"{wb[c]:+.3f}", f"{wb[c] - wa[c]:+.3f}",
                      *_range_cells(rng, str(c)))
    console.print(table)
    ga, gb = oa.aggregates["welfare"], ob.aggregates["welfare"]
    console.print(f"world (income-weighted): {na} {ga['world']:+.3f}%, {nb} {gb['world']:+.3f}%,"
                  f" difference {gb['world'] - ga['world']:+.3f} pp", highlight=False)
    if source_range:
        range_line(w, rng)
    for o in (oa, ob):
        console.print(f"[bold]{o.name}[/]: {o.scenario.summary()}", highlight=False,
                      soft_wrap=True)
        print_assumptions(o.assumptions, o.notes, o.sources)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in f"{na}-vs-{nb}")
    if report and not out:
        _check_files(overwrite, report=f"{safe}-report.html")
    if out:  # written beside, then moved into place: --out is whole or as it was
        import shutil
        import tempfile
        from pathlib import Path

        final = Path(out)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        try:
            _compare_out(str(tmp), w, (na, oa.scenario, ra), (nb, ob.scenario, rb),
                         shown=str(final))
            if final.exists():
                shutil.rmtree(final)
            tmp.rename(final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    if report:
        from pathlib import Path

        from autarky.report import outputs as report_outputs

        path = Path(out) / "report.html" if out else Path(f"{safe}-report.html")
        p = report_outputs.write_compare_report(path, oa, ob)
        console.print(f"report written: {p} (opens offline)", highlight=False)


@app.command()
def nash(
    world: Annotated[str, _WORLD] = "wiod2016",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = DEFAULT_ELASTICITIES,
    method: Annotated[str, typer.Option(help="exact (exact first-order conditions, no IO "
                                       "links), formula (Lashkaripour 2021's approximation, "
                                       "no IO links) or best-response (exact welfare by "
                                       "finite differences, keeps IO links).")
                      ] = "exact",
    top: Annotated[int, typer.Option(help="Rows to show: the N largest and the N smallest "
                                     "(0: all countries).")] = 0,
    country: Annotated[str | None, typer.Option(
        help="Only this country (code, any case) sets its unilaterally optimal tariff, "
             "every other tariff at its applied level (best responses, IO links kept); no "
             "war.")] = None,
    out: Annotated[str | None, typer.Option(help="Folder for a reproducible record.")] = None,
    overwrite: Annotated[bool, _OVERWRITE] = False,
    report: Annotated[bool, _REPORT] = False,
    excel: Annotated[str | None, _EXCEL] = None,
    figures: Annotated[str | None, _FIGURES] = None,
    fmt: Annotated[str, _FORMAT] = "table",
    details: Annotated[bool, _DETAILS] = False,
) -> None:
    """Nash tariff war: each country's optimal uniform tariff and its welfare change.

    The same run as 'autarky run nash' (one service). Welfare is measured against the
    baseline with deficits removed (balanced trade).
    """
    from autarky import run as run_

    spec = ak.RunSpec("nash", world=world, year=year,
                      elasticities=run_.elasticities(elasticities), method=method,
                      country=country.strip().upper() if country else None,
                      command=_command())
    _run_spec(spec, top, out=out, overwrite=overwrite, report=report, excel=excel,
              figures=figures, fmt=fmt, details=details)


QUERY_LIMIT = 50
"""Rows ``autarky query`` prints as a table unless ``--limit`` says otherwise."""


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="DuckDB SQL over the view 'results' (one row per "
                                       "solved draw or scenario and country).")],
    store: Annotated[str | None, _STORE] = None,
    limit: Annotated[int, typer.Option(help="Rows to print as a table (0: all); --out and "
                                       "--format csv|json always give every row.")]
    = QUERY_LIMIT,
    fmt: Annotated[str, typer.Option("--format", help="table (the first --limit rows), or "
                                     "csv or json: every row on stdout.")] = "table",
    out: Annotated[str | None, typer.Option(help="Write every row to this CSV file (an "
                                            "existing file is refused unless --overwrite).")]
    = None,
    overwrite: Annotated[bool, _OVERWRITE] = False,
    csv: Annotated[bool, typer.Option("--csv", hidden=True, help="--format csv.")] = False,
) -> None:
    """Query the result store of sweeps with DuckDB SQL.

    A table shows the first 50 rows (--limit; a line on stderr says how many there are);
    --format csv|json prints every row, --out FILE writes every row as CSV.
    """
    from autarky.data.store import ResultStore, default_store_path, numerics_fingerprint

    fmt = "csv" if csv else fmt.lower()
    if fmt not in ("table", "csv", "json"):
        raise ak.DataError(f"--format {fmt}: expected table, csv or json")
    if limit < 0:
        raise ak.DataError(f"--limit must be 0 (all rows) or more, got {limit}")
    if out is not None:
        from autarky.data.records import check_out_file

        check_out_file(out, overwrite)
    st = ResultStore(store or default_store_path())
    if not st.files():
        raise ak.DataError(f"result store {st.path}: no results stored yet (run a sweep, e.g. "
                           "autarky run --draws 100, or pass --store)")
    df = st.query(sql)
    fingerprint = (f"numerics fingerprint of this code: {numerics_fingerprint()} (column "
                   "'numerics'; rows of another fingerprint are never reused)")
    if out is not None:
        from pathlib import Path

        from autarky.data.exports import _atomic

        text = df.to_csv(index=False)

        def write(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        _atomic(Path(out), write)
        err_console.print(f"written: {out} ({len(df):,} rows)", highlight=False,
                          markup=False)
        return
    if fmt == "csv":
        sys.stdout.write(df.to_csv(index=False))
        return
    if fmt == "json":
        sys.stdout.write(df.to_json(orient="records", indent=1) + "\n")
        return
    shown = df.head(limit) if limit else df
    table = Table(title=f"{len(df):,} rows" if len(shown) == len(df) else
                  f"first {len(shown):,} of {len(df):,} rows")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in shown.itertuples(index=False):
        table.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)
    if len(shown) < len(df):
        err_console.print(f"showing {len(shown):,} of {len(df):,} rows (--limit 0: all; "
                          "--out FILE or --format csv: every row)", highlight=False,
                          markup=False)
    err_console.print(fingerprint, highlight=False, style="dim", markup=False)


def main() -> None:
    """Entry point: every error one stderr line and its documented exit code.

    2 input, 3 not converged, 4 environment, 130 Ctrl-C, 143 SIGTERM, 1 a bug
    (``autarky.cli_common.exit_code``).
    """
    from autarky.cli_common import run_main

    run_main(app)



# --- what a run reports beyond welfare: tables, exports, the HTML report, the app
# --- commands in their own modules: linkages, report and app, gravity
app.command()(deps)
app.command()(shortage)
# the former name, kept so existing scripts run; "shock" now means only the numeric cube
app.command("shock", hidden=True, deprecated=True)(shortage)
app.command("report")(report_cmd)
app.command("app")(app_cmd)
app.add_typer(gravity_app, name="gravity")
app.command("claims")(claims_cmd)
from autarky.cli_store import store_app  # noqa: E402  (issue 33: autarky store ...)

app.add_typer(store_app, name="store")


if __name__ == "__main__":
    main()
