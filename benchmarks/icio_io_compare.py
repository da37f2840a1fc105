"""World-autarky and two-blocs on icio2023 with and without input-output links, and wiod2013.

Run from the repository root::

    python benchmarks/icio_io_compare.py [--year 2022] [--top 20]

Prints, for each preset, the world's income-weighted real-income change with and without
IO links on icio2023 (the ratio is the IO amplification), then by country: icio2023 with
IO, without IO, and wiod2013 2011 (with its own IO table) for the countries both datasets
separate. Elasticities: Caliendo-Parro (2015); solver defaults as the command line.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

import autarky as ak
from autarky.errors import RepairWarning, ScenarioWarning


def _solve(world: ak.World, preset: str) -> pd.Series:
    scn = ak.presets.get(preset)
    opts = scn.solve_options(unavailable=dict(scn.solve).get("unavailable", "floor"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        warnings.simplefilter("ignore", RepairWarning)
        res = ak.solve(world, scn, elasticities="cp2015", options=opts)
    assert res.converged, (preset, res.residual)
    return res.welfare


def world_change(world: ak.World, welfare: pd.Series) -> float:
    """Baseline-income-weighted mean of the countries' real-income changes (%)."""
    income = world.dataset["income"].to_series()
    return float(np.average(welfare.reindex(income.index), weights=income))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2022)
    ap.add_argument("--top", type=int, default=0, help="countries to show (0: all)")
    args = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        icio = ak.load_world("icio2023", year=args.year)
        wiod = ak.load_world("wiod2013", year=2011)
    flat = icio.without_io()
    pd.set_option("display.width", 160)
    for preset in ("world-autarky", "two-blocs"):
        io_w, no_w, wd_w = _solve(icio, preset), _solve(flat, preset), _solve(wiod, preset)
        g_io, g_no = world_change(icio, io_w), world_change(flat, no_w)
        g_wd = world_change(wiod, wd_w)
        print(f"\n== {preset}: world (income-weighted) icio2023 {args.year} with IO "
              f"{g_io:.2f}%, without IO {g_no:.2f}%, ratio {g_io / g_no:.2f}; "
              f"wiod2013 2011 (IO) {g_wd:.2f}%")
        tab = pd.DataFrame({"icio_io": io_w, "icio_no_io": no_w})
        tab["ratio"] = tab["icio_io"] / tab["icio_no_io"]
        tab["wiod2013_2011"] = wd_w.reindex(tab.index)
        tab = tab.sort_values("icio_io")
        both = tab.dropna(subset=["wiod2013_2011"])
        both = both.drop(index="ROW", errors="ignore")
        print(f"median ratio IO / no IO over countries: {tab['ratio'].median():.2f}; "
              f"countries in both datasets: {len(both)}, correlation icio(IO) vs wiod2013 "
              f"{np.corrcoef(both['icio_io'], both['wiod2013_2011'])[0, 1]:.2f}")
        shown = tab if not args.top else tab.head(args.top)
        print(shown.round(2).to_string())


if __name__ == "__main__":
    main()
