"""Command line: print a :class:`autarky.service.RunOutcome` of any kind, and write its files.

``autarky run`` and ``autarky nash`` build a :class:`~autarky.service.RunSpec`, call the
run service and hand the outcome here; nothing here solves anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

import autarky as ak
from autarky import run as run_
from autarky.cli_common import _busy, console

__all__ = ["show", "write_outputs"]


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


def range_line(w: ak.World, rng: pd.DataFrame | None) -> None:
    """The sentence saying what the low/high columns are (or why there are none)."""
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


def print_assumptions(lines: Any, notes: Any = (), sources: Any = ()) -> None:
    """Assumptions, then the run's notes, then the sources."""
    console.print("[bold]assumptions[/]", highlight=False)
    for a in (*lines, *notes):
        console.print(f"  - {a}", highlight=False, soft_wrap=True, markup=False)
    if sources:
        console.print("[bold]sources[/]", highlight=False)
        for s in sources:
            console.print(f"  - {s}", highlight=False, soft_wrap=True, markup=False)


def _equilibrium(o: Any, top: int) -> None:
    res, w, rng, band = o.result, o.world, o.range, o.band
    shown = run_.extremes(res.welfare, top)
    console.print(f"[bold]{o.name} on {w.name} {w.year or ''}[/]", highlight=False)
    console.print(o.scenario.summary(), highlight=False, soft_wrap=True, markup=False)
    table = Table(title=run_.top_title("welfare, %", top, len(res.welfare)))
    table.add_column("country")
    table.add_column("welfare %", justify="right")
    _range_columns(table, rng)
    _band_columns(table, band)
    for c, v in shown.items():
        table.add_row(str(c), f"{v:+.3f}", *_range_cells(rng, str(c)), *_band_cells(band, str(c)))
    console.print(table)
    agg = Table(title="group welfare, % (members' mean weighted by income as observed in the "
                      "data)")
    for col in ("group", "members in data", "welfare %"):
        agg.add_column(col, justify="left" if col == "group" else "right")
    _range_columns(agg, rng)
    _band_columns(agg, band)
    for name, r in o.aggregates.iterrows():
        agg.add_row(str(name), str(int(r["members"])), f"{r['welfare']:+.3f}",
                    *_range_cells(rng, str(name)), *_band_cells(band, str(name)))
    console.print(agg)
    if o.spec.range:
        range_line(w, rng)
    if band is not None:
        console.print(band.attrs["text"], highlight=False, soft_wrap=True, style="dim")
    resid = max(res.residual.values()) if isinstance(res.residual, dict) else res.residual
    console.print(f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
                  f"iterations, {res.seconds:.2f} s, largest residual {resid:.1e}",
                  highlight=False)


def _bloc_choice(o: Any) -> None:
    df, rng, w = o.table, o.range, o.world
    console.print(f"[bold]bloc-choice on {w.name} {w.year or ''}[/]: welfare change, % "
                  "(bloc columns: income-weighted, original members; 'vs out': difference "
                  "from the state staying out, percentage points; break-even: the trade-cost "
                  "factor both blocs would have to put on the state's trade if it stays out "
                  "for joining the better bloc to match staying out)",
                  highlight=False, soft_wrap=True)
    table = Table()
    ranged = rng is not None and len(rng.columns) > 0
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
    if o.spec.range:
        range_line(w, rng if ranged else None)


def _nash(o: Any, top: int) -> None:
    frame, res, w = o.table, o.detail, o.world
    country = o.spec.country
    shown = frame.loc[run_.extremes(frame["welfare_pct"], top).index]
    what = (f"{country.upper()}'s optimal tariff, no retaliation," if country is not None
            else "Nash tariff war")
    table = Table(title=run_.top_title(f"{what} on {w.name} {w.year or ''}"
                                       + ("" if country else f" ({o.spec.method or 'exact'})"),
                                       top, len(frame)))
    for col in ("country", "tariff %" if country else "Nash tariff %", "welfare %"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c, row in shown.iterrows():
        rate = "" if pd.isna(row["tariff_pct"]) else f"{row['tariff_pct']:.2f}"
        table.add_row(str(c), rate, f"{row['welfare_pct']:+.3f}")
    console.print(table)
    console.print(f"world (income-weighted): {o.aggregates.loc['world', 'welfare']:+.3f}%",
                  highlight=False)
    resid = max(res.residual.values())
    console.print(f"{'converged' if res.converged else 'NOT converged'} in {res.iterations} "
                  f"iterations, {res.seconds:.3f} s, largest residual {resid:.1e}",
                  highlight=False)


def _ilms(o: Any, top: int) -> None:
    frame, res = o.table, o.detail
    shown = frame.loc[run_.extremes(frame["welfare"], top).index]
    table = Table(title=run_.top_title(
        f"{o.name} (Ignatenko, Lashkaripour, Macedoni, Simonovska 2025)", top, len(frame)))
    for col in ("country", "welfare %", "employment %", "US tariff %", "tariff on US %"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c, row in shown.iterrows():
        table.add_row(str(c), f"{row['welfare']:+.3f}", f"{row['employment']:+.3f}",
                      f"{100 * row['us_tariff']:.1f}", f"{100 * row['tariff_on_us']:.1f}")
    console.print(table)
    console.print("the paper's rows (EU and non-US: absorption-weighted means): " + "; ".join(
        f"{r} welfare {v['welfare']:+.2f}%" for r, v in o.aggregates.iterrows()),
        highlight=False, soft_wrap=True)
    console.print(f"USA welfare {res.welfare['USA']:+.3f}%; "
                  f"{'converged' if res.converged else 'NOT converged'}, residual "
                  f"{res.residual:.1e}, {res.seconds:.2f} s", highlight=False)


def show(o: Any, top: int = 0) -> None:
    """Print an outcome of any kind: its table, the group numbers, assumptions and notes."""
    if o.world is not None:
        console.print(f"world: {o.world.name} {o.world.year or ''} ({o.world_reason})",
                      highlight=False, soft_wrap=True)
        if o.repairs:  # one line on stderr; the cells: autarky info WORLD --repairs
            import re

            from autarky.cli_common import err_console

            rules = list(dict.fromkeys(m for r in o.repairs
                                       for m in re.findall(r"rule ([A-Z]+\d*)", r)))
            year = f" --year {o.world.year}" if o.world.year is not None else ""
            err_console.print(
                f"[yellow]note:[/] {o.world.name}{' ' + str(o.world.year) if year else ''}: "
                f"{len(o.repairs)} data repair{'s' if len(o.repairs) != 1 else ''}"
                + (f" (rules {', '.join(rules)})" if rules else "")
                + f"; autarky info {o.world.name}{year} --repairs lists them",
                highlight=False, soft_wrap=True)
    {"equilibrium": lambda: _equilibrium(o, top), "bloc-choice": lambda: _bloc_choice(o),
     "nash": lambda: _nash(o, top), "ilms": lambda: _ilms(o, top)}[o.kind]()
    for name, df in o.extras.items():
        extra_table(name, df)
    print_assumptions(o.assumptions, o.notes, o.sources)


def extra_table(name: str, df: pd.DataFrame) -> None:
    """One of the outcome's extra tables, with its title and the sentence on what it is."""
    d = df.reset_index() if df.index.name or isinstance(df.index, pd.MultiIndex) else df
    table = Table(title=str(df.attrs.get("title", name.replace("_", " "))))
    for col in d.columns:
        table.add_column(str(col), justify="right" if pd.api.types.is_numeric_dtype(d[col])
                         else "left")
    for r in d.itertuples(index=False):
        table.add_row(*(f"{v:+.3f}" if isinstance(v, float) else str(v) for v in r))
    console.print(table)
    if df.attrs.get("text"):
        console.print(str(df.attrs["text"]), highlight=False, soft_wrap=True, style="dim",
                      markup=False)


def write_outputs(o: Any, *, out: str | None, overwrite: bool, report: bool,
                  excel: str | None, figures: str | None) -> None:
    """Write what the flags asked for (every kind writes every one; see service.OUTPUTS)."""
    from autarky.report import outputs

    if out is not None:
        paths = outputs.write_out(out, o, overwrite=overwrite, report=report)
        console.print(f"record written: {', '.join(str(p) for p in paths.values())}",
                      highlight=False, soft_wrap=True)
    elif report:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in o.name)
        with _busy("writing the report"):
            p = outputs.write_report(Path(f"{safe}-report.html"), o)
        console.print(f"report written: {p} ({p.stat().st_size / 1e6:.1f} MB, opens offline)",
                      highlight=False, soft_wrap=True)
    if excel:
        console.print(f"workbook written: {outputs.write_excel(excel, o)}", highlight=False)
    if figures:
        with _busy("rendering figures"):
            files = outputs.write_figures(figures, o)
        console.print(f"figures written: {', '.join(str(f) for f in files)}",
                      highlight=False, soft_wrap=True)
