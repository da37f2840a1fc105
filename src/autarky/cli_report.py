"""Command line: what a run reports beyond welfare (--show), exports, the report and the app.

The commands ``autarky report`` and ``autarky app`` and the helpers behind ``autarky run
--show`` and ``autarky compare --out`` (``--report``, ``--excel``, ``--figures`` and ``--out``
of a run are written by :mod:`autarky.report.outputs` from the run service's outcome);
registered in :mod:`autarky.cli`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

import autarky as ak
from autarky.cli_common import _OVERWRITE, _busy, console, deprecated, err_console

# pandas and the run helpers are imported inside the functions (``autarky --help`` loads
# neither: tests/test_cli_fast.py)

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
    import pandas as pd

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
                                                     "change_pct": "+.2f"}, rows))
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


def _compare_out(out: str, world: ak.World, *runs: tuple[str, ak.Scenario, ak.Result],
                 shown: str | None = None) -> None:
    from pathlib import Path

    import pandas as pd

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
    out: Annotated[str, typer.Option("--out", help="HTML file to write (an existing file is "
                                     "refused unless --overwrite).")] = "report.html",
    overwrite: Annotated[bool, _OVERWRITE] = False,
    figures: Annotated[str | None, typer.Option(help="Also write static PNG and SVG figures "
                                                "into this folder (kaleido + Chromium).")]
    = None,
    resolve: Annotated[bool, typer.Option(
        "--resolve", help="Solve the recorded run again (through the run service) and write "
        "its report, checking welfare against results.parquet; without it the report saved "
        "with the run is copied and nothing is solved.")] = False,
    output: Annotated[str | None, typer.Option("-o", "--output", hidden=True,
                                               help="Deprecated: --out.")] = None,
) -> None:
    """Write the HTML report of a recorded run: the saved one, or re-solved with --resolve.

    A run written with 'autarky run --out DIR --report' holds its report; this command
    copies it (nothing is solved). With --resolve the record's scenario, world, year,
    elasticities and options go through the run service again and the welfare is checked
    against the stored results.parquet before the report is written.
    """
    import json
    import shutil
    from pathlib import Path

    import pandas as pd

    from autarky import service
    from autarky.data.exports import _atomic
    from autarky.data.records import check_out_file
    from autarky.report import outputs

    if output is not None:
        deprecated("-o/--output is deprecated; use --out (the same on every command)")
        out = output
    check_out_file(out, overwrite)
    if figures and Path(figures).is_dir() and any(Path(figures).iterdir()) and not overwrite:
        raise ak.DataError(f"{figures}: folder exists and is not empty (use --overwrite to "
                           "write the figures into it)")
    d = Path(folder)
    try:
        rec = json.loads((d / "record.json").read_text())
    except (OSError, ValueError) as err:
        raise ak.DataError(f"{d / 'record.json'}: cannot read the run's record ({err})") from None
    saved = d / "report.html"
    if not resolve:
        if figures:
            raise ak.DataError("--figures needs the run's result: add --resolve, or write them "
                               "with the run ('autarky run ... --figures DIR')")
        if not saved.is_file():
            raise ak.DataError(f"{saved}: the run was recorded without --report; 'autarky "
                               f"report {folder} --resolve' solves it again to write one")
        def copy(tmp: Path) -> None:
            shutil.copyfile(saved, tmp)

        p = _atomic(Path(out), copy)
        console.print(f"report written: {p} (the report saved with the run; nothing solved)",
                      highlight=False, soft_wrap=True)
        return
    from autarky import run as run_

    scn = ak.Scenario.from_toml(d / "scenario.toml")
    o = rec.get("options", {})
    spec = ak.RunSpec(scn, world=str(rec.get("world_argument") or rec["dataset"]),
                      year=rec.get("year"), elasticities=run_.elasticities(
                          str(rec["elasticities"])), deficits=o.get("deficits"),
                      unavailable=o.get("unavailable"), command="autarky report --resolve")
    if spec.kind != "equilibrium":
        raise ak.DataError(f"{d}: a {spec.kind} record; 'autarky run {scn.name} --report' "
                           "writes its report")
    with _busy("solving the recorded scenario"):
        outcome = service.run(spec)
    if outcome.world is not None:
        from autarky.cli_common import print_repairs

        print_repairs(outcome.repairs, outcome.world.name, outcome.world.year)
    stored = pd.read_parquet(d / "results.parquet")
    sw = stored[stored["variable"] == "welfare"].set_index("country")["value"]
    gap = float((outcome.welfare.reindex(sw.index) - sw).abs().max())
    if not gap < 1e-6:
        raise ak.DataError(f"{d}: re-solving the record gives welfare {gap:.2e} pp away from "
                           "results.parquet (different data or package version?)")
    p = outputs.write_report(out, outcome)
    console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline); "
                  f"welfare matches the record to {gap:.1e} pp", highlight=False, soft_wrap=True)
    if figures:
        with _busy("rendering figures"):
            files = outputs.write_figures(figures, outcome)
        console.print(f"figures written: {', '.join(str(f) for f in files)}", highlight=False,
                      soft_wrap=True)


def _check_bind(host: str, port: int) -> None:
    """One line (exit 2 for a bad value, 4 for a port in use) before Streamlit starts."""
    import errno
    import socket

    if not 1 <= port <= 65535:
        raise ak.DataError(f"--port {port}: expected 1 to 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ak.DataError(f"--host {host!r}: not an address of this machine or a name "
                           "that resolves (e.g. 127.0.0.1, 0.0.0.0, localhost)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        try:
            sock.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise OSError(err.errno, f"port {port} on {host} is in use (another "
                              "autarky app? choose another with --port)") from None
            if err.errno == errno.EADDRNOTAVAIL:
                raise ak.DataError(f"--host {host!r}: not an address of this machine") \
                    from None
            raise


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
    _check_bind(host, port)
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
