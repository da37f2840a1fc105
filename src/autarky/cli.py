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
            # data repairs are part of the assumptions of a result: printed with the output,
            # so that stderr carries only errors
            console.print(f"[yellow]note:[/] {w.message}", highlight=False)
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


# --- scenario commands

def _scenario(spec: str) -> ak.Scenario:
    """A preset name (``two-blocs``, ``autarky:RUS``) or a TOML file."""
    from pathlib import Path

    if spec.lower().endswith(".toml") or Path(spec).is_file():
        return ak.Scenario.from_toml(spec)
    return ak.presets.get(spec)


def _options(scn: ak.Scenario, deficits: str | None, unavailable: str | None) -> ak.SolveOptions:
    """Command-line flags over the scenario's own settings over the defaults."""
    unavailable = unavailable or dict(scn.solve).get("unavailable", "floor")
    try:
        return scn.solve_options(deficits=deficits, unavailable=unavailable)  # type: ignore[no-any-return,unused-ignore]
    except ValueError as err:
        raise ak.ScenarioError(str(err)) from None


def _solve(world: ak.World, scn: ak.Scenario, elasticities: str,
           opts: ak.SolveOptions) -> ak.Result:
    from autarky.errors import ScenarioWarning

    theta: str | float = elasticities
    try:
        theta = float(elasticities)
    except ValueError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)  # the notes carry them
        return ak.solve(world, scn, elasticities=theta, options=opts)


def _income(world: ak.World) -> dict[str, float]:
    return dict(zip(world.countries, np.asarray(world.arrays()["income"], float), strict=True))


def _aggregates(world: ak.World, scn: ak.Scenario,
                welfare: Any) -> list[tuple[str, float, int]]:
    inc = _income(world)
    groups = {**scn.blocs(world), "world": tuple(world.countries)}
    out = []
    for name, members in groups.items():
        m = [c for c in members if c in welfare.index]
        if m:
            w = np.array([inc[c] for c in m])
            out.append((name, float(np.dot(welfare.loc[m].to_numpy(float), w) / w.sum()), len(m)))
    return out


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
                        "setting, else floor).")


def _dataset_meta(w: ak.World) -> dict[str, object]:
    """Which data the numbers come from: embedded file checksum, source and license."""
    m = ak.data.manifest().get(w.name, {})
    return {"dataset": w.name, "year": w.year, "dataset_source": m.get("source", w.dataset.attrs
            .get("source", "")), "dataset_sha256": m.get("source_sha256"),
            "dataset_license": m.get("license")}


def _bloc_choice(w: ak.World, elasticities: str, opts: ak.SolveOptions,
                 out: str | None, overwrite: bool = False) -> None:
    theta: str | float = elasticities
    try:
        theta = float(elasticities)
    except ValueError:
        pass

    def solve(world: ak.World, scn: ak.Scenario, **kw: Any) -> ak.Result:
        return _solve(world, scn, str(kw["elasticities"]), kw["options"])

    df = ak.presets.bloc_choice(w, elasticities=theta, options=opts, solve=solve)
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
    if out is not None:
        from autarky.data.records import write_table_record

        paths = write_table_record(out, df, scn, _record_meta(w, elasticities, opts),
                                   overwrite=overwrite)
        _print_written(paths)


def _check_out(out: str, overwrite: bool) -> None:
    """Refuse a bad --out before solving (empty path, non-empty folder without --overwrite)."""
    from autarky.data.records import check_out_folder

    check_out_folder(out, overwrite)


def _record_meta(w: ak.World, elasticities: str, opts: Any) -> dict[str, Any]:
    """What a record says about how a result was made (dataset, elasticities, options)."""
    return {
        **_dataset_meta(w), "elasticities": elasticities,
        "options": {"deficits": opts.deficits, "unavailable": opts.unavailable,
                    "tol": opts.tol, "method": opts.method},
        "command": "autarky " + " ".join(sys.argv[1:]),
    }


def _print_written(paths: Any) -> None:
    console.print(f"record written: {', '.join(str(p) for p in paths.values())}",
                  highlight=False, soft_wrap=True)


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Preset name (autarky presets) or a .toml "
                                            "scenario file.")] = ak.presets.DEFAULT,
    world: Annotated[str, _WORLD] = "icio2023",
    year: Annotated[int | None, _YEAR] = None,
    elasticities: Annotated[str, _ELAST] = "cp2015",
    deficits: Annotated[str | None, _DEFICITS] = None,
    unavailable: Annotated[str | None, _UNAVAIL] = None,
    out: Annotated[str | None, typer.Option(help="Folder for a reproducible record.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace a non-empty --out folder.")] = False,
    top: Annotated[int, typer.Option(help="Rows to show (0: all countries).")] = 0,
) -> None:
    """Solve a scenario and print welfare by country, bloc aggregates and assumptions.

    With no scenario it runs the two-blocs preset on the embedded icio2023 data.
    """
    if out is not None:
        _check_out(out, overwrite)
    scn = _scenario(scenario)
    opts = _options(scn, deficits, unavailable)
    w = load_world_cli(world, year)
    if scn.name == "bloc-choice":
        _bloc_choice(w, elasticities, opts, out, overwrite)
        return
    res = _solve(w, scn, elasticities, opts)
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
    for name, v, k in _aggregates(w, scn, res.welfare):
        agg.add_row(name, str(k), f"{v:+.3f}")
    console.print(agg)
    resid = max(res.residual.values()) if isinstance(res.residual, dict) else res.residual
    console.print(f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
                  f"iterations, {res.seconds:.2f} s, largest residual {resid:.1e}",
                  highlight=False)
    _print_assumptions(scn, tuple(res.notes))
    if out is not None:
        from autarky.data.records import write_record

        paths = write_record(out, res, scn, {**_record_meta(w, elasticities, opts),
                                             "world_argument": world}, overwrite=overwrite)
        _print_written(paths)


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
) -> None:
    """Two scenarios side by side: welfare by country and the difference."""
    sa, sb = _scenario(a), _scenario(b)
    oa, ob = _options(sa, deficits, unavailable), _options(sb, deficits, unavailable)
    w = load_world_cli(world, year)
    ra, rb = _solve(w, sa, elasticities, oa), _solve(w, sb, elasticities, ob)
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


def main() -> None:
    """Entry point: run the app, turning user errors into one stderr line and exit code 2."""
    debug = "--debug" in sys.argv
    try:
        code = app(standalone_mode=False)
    except AutarkyError as err:
        if debug:
            raise
        err_console.print(f"error: {err}", highlight=False, soft_wrap=True)
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



# --- linkages commands
import pandas as pd  # noqa: E402  (kept with the commands it serves)


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _linkages_world(world: str, year: int | None) -> ak.World:
    w = load_world_cli(world, year)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        ak.linkages.leontief(w)  # refuses a World without IO links; notes its repairs
    _show_repairs(caught)
    return w


def _country(w: ak.World, iso: str) -> str:
    code = iso.strip().upper()
    if code not in w.countries:
        raise ak.DataError(f"country {iso!r} is not in {w.name} (countries: "
                           f"{', '.join(w.countries[:15])}, ...)")
    return code


@app.command()
def deps(
    iso: Annotated[str, typer.Argument(help="Country code, e.g. DEU.")],
    world: Annotated[str, typer.Option(help="Dataset with IO tables.")] = "wiod2013",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
    supplier: Annotated[str | None, typer.Option(help="Also show exposure to this supplier, "
                                                 "e.g. RUS.")] = None,
    top: Annotated[int, typer.Option(help="Sectors to show.")] = 10,
) -> None:
    """How dependent a country is on others: foreign inputs, value added, missing goods."""
    lk = ak.linkages
    w = _linkages_world(world, year)
    c = _country(w, iso)
    m = lk.leontief(w)
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
        console.print("Goods it uses but does not produce at all: " + "; ".join(
            f"{r.sector} {r.name} ({r.use:,.0f} million USD)" for r in miss.itertuples()),
            highlight=False)
    else:
        console.print("It produces every good it uses.")
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
    top: Annotated[int, typer.Option(help="Countries to show (0: all).")] = 12,
) -> None:
    """Shortages after a supply loss, with today's sourcing, with open trade and in autarky."""
    lk = ak.linkages
    w = _linkages_world(world, year)
    c = _country(w, country)
    sh = lk.shortage(w, c, sector, loss, autarky_capacity=autarky_capacity)  # type: ignore[arg-type]
    what = sector if sector is not None else "all sectors"
    console.print(
        f"[bold]{c} {what}[/]: {loss:.0%} of capacity lost ({w.name} {w.year or ''}). "
        "Largest share of every country's final demand that can still be met: "
        f"today's sourcing {_pct(sh.uniform['fixed'])}, any origin (open trade) "
        f"{_pct(sh.uniform['trade'])}, autarky {_pct(sh.uniform['autarky'])}.",
        highlight=False)
    t = sh.table.copy()
    t["worst"] = t[["share_fixed", "share_trade", "share_autarky"]].min(axis=1)
    t = t.sort_values(["worst", "final_demand"], ascending=[True, False])
    if top:
        t = pd.concat([t.loc[[c]], t.drop(c).head(max(top - 1, 0))])
    table = Table(title="Share of final demand that can still be met (shortfall, million USD)")
    for col in ("country", "final demand", "today's sourcing", "open trade", "autarky"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for k, r in t.iterrows():
        table.add_row(str(k), f"{r['final_demand']:,.0f}", *(
            f"{r[f'share_{g}']:.1%} ({r[f'shortfall_{g}']:,.0f})"
            for g in ("fixed", "trade", "autarky")))
    console.print(table)
    console.print(f"LP: {sh.formulation}", highlight=False, style="dim")


if __name__ == "__main__":
    main()
