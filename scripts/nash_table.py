"""Per-country Nash tariffs and welfare by all three methods, as a Markdown table.

Run from the repository root::

    PYTHONPATH=src python scripts/nash_table.py [--world wiod2016] [--year 2014]
        [--elasticities 4]

Columns: the exact Nash (``method="exact"``), the numerical best responses on the same
world without input-output links (``method="best-response"``) and Lashkaripour's (2021)
formula (``method="formula"``); tariffs in percent, welfare in percent against the
balanced baseline. The last rows give the largest gaps in percentage points.
"""

from __future__ import annotations

import argparse
import warnings

import pandas as pd

import autarky as ak
from autarky.nash import without_io


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", default="wiod2016")
    ap.add_argument("--year", type=int, default=2014)
    ap.add_argument("--elasticities", default="4")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ak.RepairWarning)
    try:
        theta: object = float(args.elasticities)
    except ValueError:
        theta = args.elasticities
    world = without_io(ak.load_world(args.world, year=args.year))
    runs = {m: ak.nash(world, theta, ak.NashOptions(method=m))  # type: ignore[arg-type]
            for m in ("exact", "best-response", "formula")}
    cols = {}
    for m, r in runs.items():
        cols[(m, "tariff %")] = 100 * r.tariffs
        cols[(m, "welfare %")] = r.welfare
    frame = pd.DataFrame(cols)
    print(f"Nash tariff war on {world.name} {world.year}, elasticities {args.elasticities}, "
          "no input-output links, welfare against the balanced baseline\n")
    print("| country | exact tariff % | exact welfare % | best-response tariff % | "
          "best-response welfare % | formula tariff % | formula welfare % |")
    print("|---|" + "---:|" * 6)
    for c, row in frame.iterrows():
        print(f"| {c} | " + " | ".join(
            f"{row[(m, 'tariff %')]:.3f} | {row[(m, 'welfare %')]:+.3f}"
            for m in runs) + " |")
    ex, br, fo = (runs[m] for m in ("exact", "best-response", "formula"))
    print()
    print(f"exact vs best responses: tariffs {100 * (ex.tariffs - br.tariffs).abs().max():.1e} "
          f"pp, welfare {(ex.welfare - br.welfare).abs().max():.1e} pp (largest gaps)")
    gap = 100 * (ex.tariffs - fo.tariffs)
    print(f"exact minus formula: tariffs {gap.min():+.3f} to {gap.max():+.3f} pp "
          f"(largest {gap.idxmax()}), welfare {(ex.welfare - fo.welfare).min():+.3f} to "
          f"{(ex.welfare - fo.welfare).max():+.3f} pp")
    for m, r in runs.items():
        print(f"{m}: converged {r.converged}, {r.iterations} iterations, {r.seconds:.3f} s, "
              f"largest residual {max(r.residual.values()):.1e}")


if __name__ == "__main__":
    main()
