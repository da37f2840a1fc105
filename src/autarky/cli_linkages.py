"""Command line: input-output linkages (``autarky deps``, ``autarky shortage``).

Registered in :mod:`autarky.cli`.
"""

from __future__ import annotations

import warnings
from typing import Annotated

import typer
from rich.table import Table

import autarky as ak
from autarky.cli_common import (
    _COUNTRY_HELP,
    _busy,
    catch_repairs,
    console,
    load_world_repairs,
    one_country,
    print_repairs,
)
from autarky.errors import RepairWarning


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _linkages_model(world: str, year: int | None) -> tuple[ak.World, ak.linkages.IOModel]:
    w, repairs = load_world_repairs(world, year)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RepairWarning)
            m = ak.linkages.leontief(w)  # refuses a World without IO links; notes its repairs
    finally:  # those of loading and those of the IO model: one line, as every command
        print_repairs([*repairs, *catch_repairs(caught)], w.name, w.year)
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


def deps(
    country: Annotated[str | None, typer.Option(help=_COUNTRY_HELP)] = None,
    iso: Annotated[str | None, typer.Argument(
        hidden=True, help="Deprecated: the country as an argument (use --country).")] = None,
    world: Annotated[str, typer.Option(help="Dataset with IO tables.")] = "wiod2013",
    year: Annotated[int | None, typer.Option(help="Base year (default: latest).")] = None,
    supplier: Annotated[str | None, typer.Option(help="Also show exposure to this supplier, "
                                                 "e.g. RUS.")] = None,
    top: Annotated[int, typer.Option(help="Sectors to show (0 or more).")] = 10,
) -> None:
    """How dependent a country is on others: foreign inputs, value added, missing goods."""
    iso = one_country(country, iso)
    import pandas as pd

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


def shortage(
    country: Annotated[str, typer.Option(help="Country whose supply is lost, e.g. RUS (any "
                                         "case).")],
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
    import pandas as pd

    _check_top(top)
    lk = ak.linkages
    w, m = _linkages_model(world, year)
    c = _country(w, country)
    with _busy("solving the supply LPs (today's sourcing, open trade, autarky)"):
        sh = lk.shortage(m, c, sector, loss,
                         autarky_capacity=autarky_capacity)  # type: ignore[arg-type]
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
