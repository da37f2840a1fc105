"""Command line over the public API: ``autarky --help``.

Exit codes: 0 on success, 2 on bad input (one line on stderr naming what is wrong),
1 on an internal error. A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

import autarky as ak
from autarky import run as run_
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
_REPAIRS: list[str] = []


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
    tariffs: Annotated[bool, typer.Option(
        "--tariffs", help="List implausible baseline tariffs (as published) and their "
        "repair (rule T1) instead.")] = False,
) -> None:
    """Size, totals, and each country's domestic share and top partners."""
    if tariffs:
        _tariff_report(world, year)
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

def _options(scn: ak.Scenario, deficits: str | None, unavailable: str | None) -> ak.SolveOptions:
    """Command-line flags over the scenario's own settings over the library's defaults."""
    return run_.options(scn, deficits=deficits, unavailable=unavailable)


def _print_assumptions(scn: ak.Scenario, notes: tuple[str, ...] | list[str]) -> None:
    console.print("[bold]assumptions[/]", highlight=False)
    for a in scn.assumptions:
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
    tab = ak.presets.table()
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


_WORLD = typer.Option(help="Embedded dataset name or a .csv/.parquet file.")
_YEAR = typer.Option(help="Base year (default: latest).")
_ELAST = typer.Option(help="Elasticity source (see autarky datasets) or one number.")
_DEFICITS = typer.Option(help="Trade deficits: fixed | zero | proportional (default: the "
                         "scenario's setting, else fixed).")
_UNAVAIL = typer.Option(help="Goods left without any supplier: floor (a small domestic "
                        "supply, noted in the results) | raise (default: the scenario's "
                        "setting, else the library's: raise).")


def _bloc_choice(w: ak.World, elasticities: str, opts: ak.SolveOptions,
                 out: str | None) -> None:
    with _busy("solving every state's options"):
        df = run_.bloc_choice(w, elasticities=run_.elasticities(elasticities), options=opts,
                              solve=run_.solve)
    console.print(f"[bold]bloc-choice on {w.name} {w.year or ''}[/]: welfare change, % "
                  "(bloc columns: baseline-income-weighted, original members; 'vs out': "
                  "difference from the state staying out, percentage points)",
                  highlight=False, soft_wrap=True)
    table = Table()
    for col in ("state", "option", "state's welfare", "West", "East", "world",
                "West vs out (pp)", "East vs out (pp)"):
        table.add_column(col, justify="left" if col in ("state", "option") else "right")
    for (state, option), r in df.iterrows():
        table.add_row(state, option, f"{r['welfare']:+.3f}", f"{r['West']:+.3f}",
                      f"{r['East']:+.3f}", f"{r['world']:+.3f}", f"{r['West vs out']:+.3f}",
                      f"{r['East vs out']:+.3f}")
    console.print(table)
    scn = ak.presets.get("bloc-choice")
    _print_assumptions(scn, tuple(df.attrs.get("notes", ())))
    if out:
        _print_written(run_.write(out, df, scn, _record_meta(w, elasticities, opts)))


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
    elasticities: Annotated[str, _ELAST] = "cp2015",
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    out: Annotated[str | None, typer.Option(help="Folder for a reproducible record.")] = None,
    top: Annotated[int, typer.Option(help="Rows to show (0: all countries).")] = 0,
    show: Annotated[str | None, _SHOW] = None,
    report: Annotated[bool, _REPORT] = False,
    excel: Annotated[str | None, _EXCEL] = None,
) -> None:
    """Solve a scenario and print welfare by country, bloc aggregates and assumptions.

    With no scenario it runs the two-blocs preset on the embedded icio2023 data.
    """
    if scenario in ("nash", "tariff-war-nash"):  # a game, not a scenario: see `autarky nash`
        if out or deficits or unavailable:
            raise typer.BadParameter("--out, --deficits and --unavailable do not apply to "
                                     "the Nash tariff war (balanced baseline, no files)")
        nash(world=world or "wiod2016", year=year, elasticities=elasticities, method="formula",
             top=top)
        return
    from autarky.liberation import PRESETS as ILMS_PRESETS

    if scenario in ILMS_PRESETS:  # the ILMS (2025) model on its own 194-country data
        if out or deficits or unavailable or year:
            raise typer.BadParameter("--out, --deficits, --unavailable and --year do not "
                                     "apply to the Liberation Day presets")
        _liberation(scenario, world or "icio2023", top)
        return
    scn = run_.scenario(scenario)
    opts = _options(scn, deficits, unavailable)
    world, why = _world_for(scn, world)
    w = load_world_cli(world, year)
    console.print(f"world: {w.name} {w.year or ''} ({why})", highlight=False, soft_wrap=True)
    if scn.name == "bloc-choice":
        _bloc_choice(w, elasticities, opts, out)
        return
    with _busy(f"solving {scn.name or scenario}"):
        res = run_.solve(w, scn, run_.elasticities(elasticities), opts)
    welfare = res.welfare.sort_values(ascending=False)
    shown = welfare if not top else welfare.head(top)
    console.print(f"[bold]{scn.name or scenario} on {w.name} {w.year or ''}[/]: "
                  f"{scn.summary()}", highlight=False, soft_wrap=True)
    table = Table(title="welfare, %")
    table.add_column("country")
    table.add_column("welfare %", justify="right")
    for c, v in shown.items():
        table.add_row(str(c), f"{v:+.3f}")
    console.print(table)
    agg = Table(title="bloc aggregates (baseline-income-weighted)")
    for col in ("group", "members in data", "welfare %"):
        agg.add_column(col, justify="left" if col == "group" else "right")
    for name, r in run_.aggregates(w, scn, res).iterrows():
        agg.add_row(str(name), str(int(r["members"])), f"{r['welfare']:+.3f}")
    console.print(agg)
    resid = max(res.residual.values()) if isinstance(res.residual, dict) else res.residual
    console.print(f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
                  f"iterations, {res.seconds:.2f} s, largest residual {resid:.1e}",
                  highlight=False)
    _print_assumptions(scn, tuple(res.notes))
    if out:
        _print_written(run_.write(out, res, scn, {**_record_meta(w, elasticities, opts),
                                                  "world_argument": world}))
    _run_extras(w, scn, res, scenario, _record_meta(w, elasticities, opts), show=show,
                report=report, excel=excel, out=out, top=top)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First preset or .toml file.")],
    b: Annotated[str, typer.Argument(help="Second preset or .toml file.")],
    world: Annotated[str, _WORLD] = "icio2023",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = "cp2015",
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    top: Annotated[int, typer.Option(help="Rows to show (0: all countries).")] = 0,
    out: Annotated[str | None, typer.Option(help="Folder for the comparison and each "
                                            "scenario's tables (CSV).")] = None,
) -> None:
    """Two scenarios side by side: welfare by country and the difference."""
    sa, sb = run_.scenario(a), run_.scenario(b)
    oa, ob = _options(sa, deficits, unavailable), _options(sb, deficits, unavailable)
    w = load_world_cli(world, year)
    theta = run_.elasticities(elasticities)
    with _progress() as prog:
        task = prog.add_task("solving", total=2)
        ra = run_.solve(w, sa, theta, oa)
        prog.advance(task)
        rb = run_.solve(w, sb, theta, ob)
        prog.advance(task)
    wa, wb = ra.welfare, rb.welfare
    order = (wb - wa).sort_values(ascending=False).index
    if top:
        order = order[:top]
    na, nb = sa.name or a, sb.name or b
    console.print(f"[bold]{na} vs {nb} on {w.name} {w.year or ''}[/]", highlight=False)
    table = Table(title="welfare, %")
    for col in ("country", na, nb, f"{nb} - {na} (pp)"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c in order:
        table.add_row(str(c), f"{wa[c]:+.3f}", f"{wb[c]:+.3f}", f"{wb[c] - wa[c]:+.3f}")
    console.print(table)
    for label, scn, res in ((na, sa, ra), (nb, sb, rb)):
        console.print(f"[bold]{label}[/]: {scn.summary()}", highlight=False, soft_wrap=True)
        _print_assumptions(scn, tuple(res.notes))
    if out:
        _compare_out(out, w, (na, sa, ra), (nb, sb, rb))


@app.command()
def nash(
    world: Annotated[str, _WORLD] = "wiod2016",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = "uniform4",
    method: Annotated[str, typer.Option(help="formula (Lashkaripour 2021, no IO links) or "
                                       "best-response (exact welfare, keeps IO links).")
                      ] = "formula",
    top: Annotated[int, typer.Option(help="Rows to show (0: all countries).")] = 0,
) -> None:
    """Nash tariff war: each country's optimal uniform tariff and its welfare change.

    Welfare is measured against the baseline with deficits removed (balanced trade).
    """
    from autarky.errors import DataError

    try:
        theta: Any = float(elasticities)
    except ValueError:
        theta = elasticities
    try:
        opts = ak.NashOptions(method=method)  # type: ignore[arg-type]
    except ValueError as err:
        raise DataError(f"--method {method!r}: {err}") from None
    w = load_world_cli(world, year)
    res = ak.nash(w, elasticities=theta, options=opts)
    frame = res.to_frame().sort_values("welfare_pct", ascending=False)
    shown = frame if not top else frame.head(top)
    table = Table(title=f"Nash tariff war on {w.name} {w.year or ''} ({method})")
    for col in ("country", "Nash tariff %", "welfare %"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c, row in shown.iterrows():
        table.add_row(str(c), f"{row['tariff_pct']:.2f}", f"{row['welfare_pct']:+.3f}")
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
    from pathlib import Path

    from autarky.liberation import PRESETS as ILMS_PRESETS
    from autarky.liberation import liberation_day

    if folder == "icio2023":  # run's default world: the ILMS data live next to the repo
        folder = str(Path("..") / "shared" / "data" / "us-tariff-2025")
    res = liberation_day(folder, ILMS_PRESETS[preset])
    frame = res.frame.sort_values("welfare", ascending=False)
    shown = frame if not top else frame.head(top)
    table = Table(title=f"{preset} (Ignatenko, Lashkaripour, Macedoni, Simonovska 2025)")
    for col in ("country", "welfare %", "employment %", "US tariff %", "tariff on US %"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c, row in shown.iterrows():
        table.add_row(str(c), f"{row['welfare']:+.3f}", f"{row['employment']:+.3f}",
                      f"{100 * row['us_tariff']:.1f}", f"{100 * row['tariff_on_us']:.1f}")
    console.print(table)
    console.print(f"USA welfare {res.welfare['USA']:+.3f}%; "
                  f"{'converged' if res.converged else 'NOT converged'}, residual "
                  f"{res.residual:.1e}, {res.seconds:.2f} s", highlight=False)
    console.print("[bold]assumptions[/]")
    for line in res.notes:
        console.print(f"  - {line}", highlight=False, soft_wrap=True)


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
    sys.exit(0)



# --- what a run reports beyond welfare: tables, exports, the HTML report, the app
_SHOW = typer.Option(help="Also print: gdp (real GDP, real wage, tariff revenue), trade "
                     "(by country and between blocs), sectors, diversion, or all (comma-"
                     "separated).")
_REPORT = typer.Option("--report", help="Write one self-contained HTML report (into --out, "
                       "else ./<scenario>-report.html).")
_EXCEL = typer.Option(help="Write every table to one .xlsx workbook (sheet per table, "
                      "assumptions first).")
_SHOW_KINDS = ("gdp", "trade", "sectors", "diversion")


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


def _show_kinds(show: str | None) -> list[str]:
    if not show:
        return []
    kinds = [k.strip().lower() for k in show.split(",") if k.strip()]
    bad = [k for k in kinds if k not in (*_SHOW_KINDS, "all")]
    if bad:
        raise ak.ScenarioError(f"--show {bad[0]!r}: expected one of "
                               f"{', '.join((*_SHOW_KINDS, 'all'))}")
    return list(_SHOW_KINDS) if "all" in kinds else kinds


def _df_table(df: Any, title: str, fmt: dict[str, str], rows: int = 0) -> Table:
    table = Table(title=title)
    d = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
    if rows:
        d = d.head(rows)
    for col in d.columns:
        table.add_column(str(col).replace("_pct", " %").replace("_", " ").replace("gdp", "GDP"),
                         overflow="fold",
                         justify="right" if col in fmt else "left")
    for r in d.itertuples(index=False):
        table.add_row(*(format(v, fmt[c]) if c in fmt and v == v else str(v)
                        for c, v in zip(d.columns, r, strict=True)))
    return table


def _print_show(kinds: list[str], world: ak.World, scn: ak.Scenario, res: ak.Result,
                top: int) -> None:
    from autarky import outcomes

    groups = scn.blocs(world)
    rows = top or 0
    if "gdp" in kinds:
        h = outcomes.headline(res).sort_values("welfare_pct")
        cols = ["welfare_pct", "real_gdp_pct", "real_wage_pct", "price_index_pct",
                "tariff_revenue_before", "tariff_revenue_after"]
        console.print(_df_table(h[cols], "welfare, real GDP (GDP at market prices over the "
                                "CPI), real wage, prices (%); tariff revenue (million USD)",
                                {c: "+.3f" for c in cols[:4]} | {c: ",.0f" for c in cols[4:]},
                                rows))
        console.print(_df_table(outcomes.bloc_aggregates(res, groups),
                                "blocs: welfare (income-weighted), real GDP (GDP-weighted)",
                                {"welfare_pct": "+.3f", "real_gdp_pct": "+.3f",
                                 "real_wage_pct": "+.3f", "exports_pct": "+.2f",
                                 "tariff_revenue_after": ",.0f"}))
    if "trade" in kinds:
        if groups:
            console.print(_df_table(outcomes.trade_between(res, groups),
                                    "trade between blocs (million USD, exporter -> importer)",
                                    {"before": ",.0f", "after": ",.0f", "change": "+,.0f",
                                     "change_pct": "+.1f"}))
        t = outcomes.trade_by_country(res).sort_values("exports_pct")
        cols = ["exports_before", "exports_after", "exports_pct", "imports_before",
                "imports_after", "imports_pct"]
        console.print(_df_table(t[cols], "international trade by country (million USD, %)",
                                {c: ("+.2f" if c.endswith("pct") else ",.0f") for c in cols},
                                rows))
        console.print(_df_table(outcomes.trade_by_sector(res), "world trade by sector "
                                "(million USD, %)", {"trade_before": ",.0f", "trade_after":
                                                     ",.0f", "change": "+,.0f",
                                                     "change_pct": "+.2f"}))
    if "sectors" in kinds:
        sec = outcomes.sector_reallocation(res)
        sec = sec.assign(change=sec["after"] - sec["before"])
        big = sec.reindex(sec["change"].abs().sort_values(ascending=False).index)
        console.print(_df_table(big[["before", "after", "change", "change_pct"]],
                                "largest output reallocations (country, sector; million USD)",
                                {"before": ",.0f", "after": ",.0f", "change": "+,.0f",
                                 "change_pct": "+.2f"}, rows or 20))
    if "diversion" in kinds:
        console.print(_df_table(outcomes.diversion(res, top=rows or 15),
                                "top trade diversions: largest bilateral gains (million USD)",
                                {"before": ",.0f", "after": ",.0f", "change": "+,.0f",
                                 "change_pct": "+.1f", "importer_lost": ",.0f",
                                 "replaces_pct": ".1f"}))


def _report_input(world: ak.World, scn: ak.Scenario, res: ak.Result, meta: dict[str, Any],
                  title: str) -> Any:
    from autarky.report import report_input

    shown: dict[str, Any] = {k: meta[k] for k in ("dataset", "year", "elasticities", "options",
                                  "dataset_source", "dataset_license", "command") if k in meta}
    return report_input(world, scn, res, shown, title=title,
                        notes=[f"data repair: {m}" for m in dict.fromkeys(_REPAIRS)])


def _run_extras(world: ak.World, scn: ak.Scenario, res: ak.Result, spec: str,
                meta: dict[str, Any], *, show: str | None, report: bool, excel: str | None,
                out: str | None, top: int) -> None:
    """--show, --out (CSV tables), --excel and --report for ``autarky run``."""
    from pathlib import Path

    kinds = _show_kinds(show)
    if kinds:
        _print_show(kinds, world, scn, res, top)
    if not (out or excel or report):
        return
    from autarky import outcomes
    from autarky.data.exports import write_csvs, write_excel

    tabs = outcomes.tables(res, scn.blocs(world))
    if out:
        paths = write_csvs(out, tabs)
        console.print(f"tables written: {len(paths)} CSV files in {out}", highlight=False)
    if excel:
        notes = {**{k: v for k, v in meta.items() if k != "command"},
                 **{f"assumption {k + 1}": a for k, a in enumerate(
                     list(scn.assumptions) + list(res.notes))}}
        console.print(f"workbook written: {write_excel(excel, tabs, notes)}", highlight=False)
    if report:
        from autarky.report import write_report

        name = scn.name or Path(spec).stem
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)
        path = Path(out) / "report.html" if out else Path(f"{safe}-report.html")
        with _busy("writing the report"):
            p = write_report(path, _report_input(world, scn, res, meta, name))
        console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline)",
                      highlight=False, soft_wrap=True)


def _compare_out(out: str, world: ak.World, *runs: tuple[str, ak.Scenario, ak.Result]) -> None:
    from pathlib import Path

    from autarky import outcomes
    from autarky.data.exports import write_csvs

    (na, _, ra), (nb, _, rb) = runs
    ha, hb = outcomes.headline(ra), outcomes.headline(rb)
    cmp = pd.DataFrame({f"welfare_{na}": ha["welfare_pct"], f"welfare_{nb}": hb["welfare_pct"],
                        "welfare_diff_pp": hb["welfare_pct"] - ha["welfare_pct"],
                        f"real_gdp_{na}": ha["real_gdp_pct"], f"real_gdp_{nb}": hb["real_gdp_pct"],
                        "real_gdp_diff_pp": hb["real_gdp_pct"] - ha["real_gdp_pct"]})
    n = len(write_csvs(out, {"comparison": cmp.reset_index()}))
    for label, scn, res in runs:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)
        n += len(write_csvs(Path(out) / safe, outcomes.tables(res, scn.blocs(world))))
    console.print(f"comparison written: {n} CSV files in {out} (comparison.csv and one "
                  "folder per scenario)", highlight=False, soft_wrap=True)


@app.command("report")
def report_cmd(
    folder: Annotated[str, typer.Argument(help="A folder written by 'autarky run --out'.")],
    output: Annotated[str, typer.Option("-o", "--output", help="HTML file to write.")]
    = "report.html",
    figures: Annotated[str | None, typer.Option(help="Also write static PNG and SVG figures "
                                                "into this folder (kaleido + Chromium).")]
    = None,
) -> None:
    """Write the self-contained HTML report of a recorded run (re-solved from its record).

    The record's scenario, dataset, year, elasticities and options are solved again and the
    welfare checked against the stored results.parquet before the report is written.
    """
    import json
    from pathlib import Path

    d = Path(folder)
    try:
        rec = json.loads((d / "record.json").read_text())
    except (OSError, ValueError) as err:
        raise ak.DataError(f"{d / 'record.json'}: cannot read the run's record ({err})") from None
    scn = ak.Scenario.from_toml(d / "scenario.toml")
    o = rec.get("options", {})
    opts = _options(scn, o.get("deficits"), o.get("unavailable"))
    w = load_world_cli(str(rec.get("world_argument") or rec["dataset"]), rec.get("year"))
    with _busy("solving the recorded scenario"):
        res = run_.solve(w, scn, run_.elasticities(str(rec["elasticities"])), opts)
    stored = pd.read_parquet(d / "results.parquet")
    sw = stored[stored["variable"] == "welfare"].set_index("country")["value"]
    gap = float((res.welfare.reindex(sw.index) - sw).abs().max())
    if not gap < 1e-6:
        raise ak.DataError(f"{d}: re-solving the record gives welfare {gap:.2e} pp away from "
                           "results.parquet (different data or package version?)")
    inp = _report_input(w, scn, res, rec, scn.name or d.name)
    from autarky.report import write_figures, write_report

    p = write_report(output, inp)
    console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline); "
                  f"welfare matches the record to {gap:.1e} pp", highlight=False, soft_wrap=True)
    if figures:
        with _busy("rendering figures"):
            files = write_figures(figures, inp)
        console.print(f"figures written: {', '.join(str(f) for f in files)}", highlight=False,
                      soft_wrap=True)


@app.command("app")
def app_cmd(
    host: Annotated[str, typer.Option(help="Address to bind (default: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8501,
) -> None:
    """Start the browser app (Streamlit) on http://127.0.0.1:8501."""
    import importlib.util
    import subprocess

    from autarky.app import streamlit_args

    if importlib.util.find_spec("streamlit") is None:
        raise ak.DataError("autarky app needs Streamlit: pip install 'autarky[app]'")
    console.print(f"autarky app on http://{host}:{port} (Ctrl-C to stop)", highlight=False)
    raise SystemExit(subprocess.call(streamlit_args(host, port)))


# --- linkages commands


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _linkages_model(world: str, year: int | None) -> tuple[ak.World, ak.linkages.IOModel]:
    w = load_world_cli(world, year)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        m = ak.linkages.leontief(w)  # refuses a World without IO links; notes its repairs
    _show_repairs(caught)
    return w, m


def _country(w: ak.World, iso: str) -> str:
    code = iso.strip().upper()
    if code not in w.countries:
        raise ak.DataError(f"country {iso!r} is not in {w.name} (countries: "
                           f"{', '.join(w.countries[:15])}, ...)")
    return code


def _check_top(top: int) -> None:
    if top < 0:
        raise ak.DataError(f"--top must be 0 or more, got {top}")


@app.command()
def deps(
    iso: Annotated[str, typer.Argument(help="Country code, e.g. DEU.")],
    world: Annotated[str, typer.Option(help="Dataset with IO tables.")] = "wiod2013",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
    supplier: Annotated[str | None, typer.Option(help="Also show exposure to this supplier, "
                                                 "e.g. RUS.")] = None,
    top: Annotated[int, typer.Option(help="Sectors to show (0 or more).")] = 10,
) -> None:
    """How dependent a country is on others: foreign inputs, value added, missing goods."""
    _check_top(top)
    lk = ak.linkages
    w, m = _linkages_model(world, year)
    c = _country(w, iso)
    names = dict(zip(m.sectors, m.sector_names, strict=True))
    d = lk.dependency(m).loc[c]
    ss = lk.self_sufficiency(m).loc[c]
    x = pd.Series(m.x, index=m.index).loc[c]
    wavg = (d.mul(x, axis=0).sum() / x.sum())
    fp = lk.footprints(m)[c]
    console.print(
        f"[bold]{c}[/] in {w.name} {w.year or ''}: per unit of output, imported inputs "
        f"{_pct(wavg['direct'])} directly and {_pct(wavg['total'])} through the whole domestic "
        f"chain; foreign value added {_pct(wavg['foreign_value_added'])}. Domestic value "
        f"added in its final demand: {_pct(fp[c] / fp.sum())}.", highlight=False)
    table = Table(title=f"{c}: most dependent sectors (share of output)")
    for col in ("sector", "name", "direct", "total", "foreign VA", "production / use"):
        table.add_column(col, justify="left" if col in ("sector", "name") else "right")
    for s, r in d.sort_values("total", ascending=False).head(top).iterrows():
        ratio = ss["ratio"].get(s, float("nan"))
        table.add_row(str(s), names[s], _pct(r["direct"]), _pct(r["total"]),
                      _pct(r["foreign_value_added"]), f"{ratio:.2f}")
    console.print(table)
    origins = fp.drop(c).sort_values(ascending=False).head(5)
    console.print("Largest foreign sources of value added in its final demand: " + ", ".join(
        f"{o} {v / fp.sum():.1%}" for o, v in origins.items()), highlight=False)
    miss = lk.missing_goods(m)
    miss = miss[miss["country"] == c]
    if len(miss):
        console.print("Goods it uses but does not supply to itself (cut off from trade, it "
                      "would have none): " + "; ".join(
                          f"{r.sector} {r.name} ({r.use:,.0f} million USD used"
                          + (f"; made only for export, {r.production:,.0f})"
                             if r.production > 0 else ")")
                          for r in miss.itertuples()), highlight=False)
    else:
        console.print("It supplies itself with every good it uses (domestic sales of each "
                      "are positive).")
    if supplier is not None:
        s_code = _country(w, supplier)
        if s_code == c:
            raise ak.DataError(f"--supplier {supplier!r} is the country itself")
        e = lk.supplier_exposure(m, s_code).loc[c]
        a = e.loc["ALL"]
        console.print(
            f"\nExposure of {c}'s output to {s_code}: inputs bought from {s_code} "
            f"{_pct(a['direct'])} of output directly; {s_code} output needed through all "
            f"rounds {_pct(a['total'])}; {s_code} value added embodied "
            f"{_pct(a['value_added'])}.", highlight=False)
        t2 = Table(title=f"{c} sectors most exposed to {s_code} (per unit of output)")
        for col in ("sector", "name", "direct", "total", f"{s_code} value added"):
            t2.add_column(col, justify="left" if col in ("sector", "name") else "right")
        for s, r in e.drop("ALL").sort_values("total", ascending=False).head(top).iterrows():
            t2.add_row(str(s), names[s], _pct(r["direct"]), _pct(r["total"]),
                       _pct(r["value_added"]))
        console.print(t2)


@app.command()
def shock(
    country: Annotated[str, typer.Option(help="Country whose supply is lost, e.g. RUS.")],
    sector: Annotated[str | None, typer.Option(help="Sector code (default: all its "
                                               "sectors).")] = None,
    loss: Annotated[float, typer.Option(help="Share of capacity lost, 0 to 1.")] = 0.5,
    world: Annotated[str, typer.Option(help="Dataset with IO tables.")] = "wiod2013",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
    autarky_capacity: Annotated[str, typer.Option(help="Autarky capacities: 'sized' to own "
                                                  "needs or 'current'.")] = "sized",
    top: Annotated[int, typer.Option(help="Countries and goods to show (0: all).")] = 12,
) -> None:
    """Shortages after a supply loss, with today's sourcing, with open trade and in autarky."""
    _check_top(top)
    lk = ak.linkages
    w, m = _linkages_model(world, year)
    c = _country(w, country)
    sh = lk.shortage(m, c, sector, loss, autarky_capacity=autarky_capacity)  # type: ignore[arg-type]
    what = sector if sector is not None else "all sectors"
    regimes = ("fixed", "trade", "autarky")
    console.print(
        f"[bold]{c} {what}[/]: {loss:.0%} of capacity lost ({w.name} {w.year or ''}). "
        "Most of the world's final demand that can still be met, inputs per unit fixed: "
        f"today's sourcing {_pct(sh.met['fixed'])}, any origin (open trade) "
        f"{_pct(sh.met['trade'])}, autarky {_pct(sh.met['autarky'])} (capacities "
        f"{sh.autarky_capacity}).", highlight=False)
    t = sh.table.copy()
    t["worst"] = t[[f"share_{g}" for g in regimes]].min(axis=1)
    t = t.sort_values(["worst", "final_demand"], ascending=[True, False])
    if top:
        t = pd.concat([t.loc[[c]], t.drop(c).head(max(top - 1, 0))])
    table = Table(title="Share of each country's final demand still met (shortfall, "
                        "million USD)")
    for col in ("country", "final demand", "today's sourcing", "open trade", "autarky"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for k, r in t.iterrows():
        table.add_row(str(k), f"{r['final_demand']:,.0f}", *(
            f"{r[f'share_{g}']:.1%} ({r[f'shortfall_{g}']:,.0f})" for g in regimes))
    console.print(table)
    goods = sh.goods.head(top) if top else sh.goods
    names = dict(zip(m.sectors, m.sector_names, strict=True))
    t3 = Table(title="Goods that fall short, where (shortfall in million USD, share of the "
                     "country's final demand for the good)")
    for col in ("country", "sector", "name", "today's sourcing", "open trade", "autarky"):
        t3.add_column(col, justify="left" if col in ("country", "sector", "name") else "right")
    for (k, s), r in goods.iterrows():
        fd = r["final_demand"]
        t3.add_row(str(k), str(s), names[str(s)][:40], *(
            f"{r[f'shortfall_{g}']:,.0f} ({r[f'shortfall_{g}'] / fd if fd > 0 else 0:.0%})"
            for g in regimes))
    console.print(t3)
    where = {"fixed": "today's sourcing", "trade": "open trade", "autarky": "autarky"}
    for g in regimes:
        cells = sh.binding[g]
        shown = cells[:top] if top else cells
        more = f" and {len(cells) - len(shown)} more" if len(shown) < len(cells) else ""
        console.print(f"Capacities that limit supply, {where[g]}: " + (", ".join(
            f"{k} {s}" for k, s in shown) + more if cells else "none"), highlight=False)
    console.print(f"LP: {sh.formulation}", highlight=False, style="dim")


# --- gravity commands (autarky gravity estimate|simulate)
from autarky.cli_gravity import gravity_app  # noqa: E402

app.add_typer(gravity_app, name="gravity")


if __name__ == "__main__":
    main()
