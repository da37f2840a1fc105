"""Command line: what a run reports beyond welfare (--show), exports, the report and the app.

The commands ``autarky report`` and ``autarky app`` and the helpers behind ``autarky run
--show/--report/--excel`` and ``autarky compare --out``; registered in :mod:`autarky.cli`.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

import autarky as ak
from autarky import run as run_
from autarky.cli_common import _REPAIRS, _busy, _options, console, err_console, load_world_cli

_SHOW = typer.Option(help="Also print: gdp (real GDP, real wage, tariff revenue), trade "
                     "(by country and between blocs), sectors, diversion, or all (comma-"
                     "separated).")
_REPORT = typer.Option("--report", help="Write one self-contained HTML report (into --out, "
                       "else ./<scenario>-report.html).")
_EXCEL = typer.Option(help="Write every table to one .xlsx workbook (sheet per table, "
                      "assumptions first).")
_SHOW_KINDS = ("gdp", "trade", "sectors", "diversion")


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
                  title: str, rng: Any = None, band: Any = None) -> Any:
    from autarky.report import report_input

    shown: dict[str, Any] = {k: meta[k] for k in ("dataset", "year", "elasticities", "options",
                                  "dataset_source", "dataset_license", "command") if k in meta}
    return report_input(world, scn, res, shown, title=title,
                        notes=[f"data repair: {m}" for m in dict.fromkeys(_REPAIRS)],
                        welfare_range=rng, welfare_band=band)


def _out_files(world: ak.World, scn: ak.Scenario, res: ak.Result, spec: str,
               meta: dict[str, Any], *, report: bool, rng: Any = None,
               band: Any = None) -> dict[str, Any]:
    """The files ``--out`` adds to the record: every table as CSV, and the report.

    Returned as name -> writer, so that the record folder is written all at once
    (:func:`autarky.data.records.atomic_folder`).
    """
    from pathlib import Path

    from autarky import outcomes
    from autarky.data.exports import write_csvs

    tabs = outcomes.tables(res, scn.blocs(world))
    files: dict[str, Any] = {
        f"{name}.csv": (lambda p, name=name, df=df: write_csvs(Path(p).parent, {name: df}))
        for name, df in tabs.items()}
    if report:
        from autarky.report import write_report

        name = scn.name or Path(spec).stem
        files["report.html"] = lambda p: write_report(
            p, _report_input(world, scn, res, meta, name, rng, band))
    return files


def _run_extras(world: ak.World, scn: ak.Scenario, res: ak.Result, spec: str,
                meta: dict[str, Any], *, show: str | None, report: bool, excel: str | None,
                top: int, rng: Any = None, band: Any = None) -> None:
    """--show, --excel and --report (without --out) for ``autarky run``."""
    from pathlib import Path

    kinds = _show_kinds(show)
    if kinds:
        _print_show(kinds, world, scn, res, top)
    if not (excel or report):
        return
    from autarky import outcomes
    from autarky.data.exports import write_excel

    tabs = outcomes.tables(res, scn.blocs(world))
    if excel:
        notes = {**{k: v for k, v in meta.items() if k != "command"},
                 **{f"assumption {k + 1}": a for k, a in enumerate(
                     list(scn.assumptions) + list(res.notes))}}
        console.print(f"workbook written: {write_excel(excel, tabs, notes)}", highlight=False)
    if report:
        from autarky.report import write_report

        name = scn.name or Path(spec).stem
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)
        path = Path(f"{safe}-report.html")
        with _busy("writing the report"):
            p = write_report(path, _report_input(world, scn, res, meta, name, rng, band))
        console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline)",
                      highlight=False, soft_wrap=True)


def _compare_out(out: str, world: ak.World, *runs: tuple[str, ak.Scenario, ak.Result],
                 shown: str | None = None) -> None:
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
    console.print(f"comparison written: {n} CSV files in {shown or out} (comparison.csv and one "
                  "folder per scenario)", highlight=False, soft_wrap=True)


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
    with _busy("range across elasticity sources"):
        rng = run_.source_range(w, scn, opts,
                                elasticities=run_.elasticities(str(rec["elasticities"])))
    inp = _report_input(w, scn, res, rec, scn.name or d.name, rng)
    from autarky.report import write_figures, write_report

    p = write_report(output, inp)
    console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline); "
                  f"welfare matches the record to {gap:.1e} pp", highlight=False, soft_wrap=True)
    if figures:
        with _busy("rendering figures"):
            files = write_figures(figures, inp)
        console.print(f"figures written: {', '.join(str(f) for f in files)}", highlight=False,
                      soft_wrap=True)


def app_cmd(
    host: Annotated[str, typer.Option(help="Address to bind (default: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8501,
) -> None:
    """Start the browser app (Streamlit) on http://127.0.0.1:8501."""
    import importlib.util

    from autarky.app import streamlit_args

    if importlib.util.find_spec("streamlit") is None:
        raise ak.DataError("autarky app needs Streamlit: pip install 'autarky[app]'")
    console.print(f"autarky app on http://{host}:{port} (Ctrl-C to stop)", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"warning: bound to {host}: anyone who can reach this address can "
                          "use the app (no login, no encryption)", highlight=False)
    raise SystemExit(serve(streamlit_args(host, port)))


def serve(args: list[str]) -> int:
    """Run the server as a child and end it when this process is stopped.

    SIGTERM, SIGINT and SIGHUP sent to this process are forwarded to the server, which is
    then waited for (killed after 10 s), so that stopping ``autarky app`` by its process id
    leaves no server behind.
    """
    import signal
    import subprocess

    proc = subprocess.Popen(args)
    stop = {"sig": 0}

    def forward(sig: int, _frame: Any) -> None:
        stop["sig"] = sig
        if proc.poll() is None:
            proc.send_signal(sig)

    sigs = [s for s in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, s)]
    old = {s: signal.signal(getattr(signal, s), forward) for s in sigs}
    try:
        while True:
            try:
                code = proc.wait(timeout=10 if stop["sig"] else None)
                break
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        for s, h in old.items():
            signal.signal(getattr(signal, s), h)
    return 128 + stop["sig"] if stop["sig"] else code
