"""Compare icio194 with icio2023 and world194 (issue 28, item 5).

Run from the repository root::

    PYTHONPATH=src python scripts/consistency_icio194.py [--year 2019] [--top 10]

1. For world-autarky and two-blocs (``autarky.run.solve``: two-blocs calibrated on each
   world to its 39.5% cut in inter-bloc trade), over the 80 economies both icio194 and
   icio2023 separate: same sign, Spearman rank correlation, and the largest differences
   with each economy's share of absorption bought from ROW (icio2023) / from the 114
   members (icio194) and its share of exports sold to them.
2. Every post-Soviet economy's welfare change (%) for the Eurasian presets on icio194,
   icio2023 (where it is separate) and world194, side by side.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import autarky as ak
from autarky import run

EURASIAN = ("eurasian-macro-state", "union-state", "eaeu-deep-integration", "cis-fta",
            "eaeu-customs-union")
POST_SOVIET = ("ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LTU", "LVA", "MDA", "RUS",
               "TJK", "TKM", "UKR", "UZB")


def _load(name: str, year: int) -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return ak.load_world(name, year=year)


def _solve(w: ak.World, preset: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run.solve(w, ak.presets.get(preset)).welfare


def _exposure(w: ak.World, others: list[str]) -> pd.DataFrame:
    f = w.flows.sum("sector").to_pandas()  # importer x exporter
    absorption = f.sum(axis=1)
    sales = f.sum(axis=0)
    return pd.DataFrame({"buy_from_row": f[others].sum(axis=1) / absorption,
                         "sell_to_row": f.loc[others].sum(axis=0) / sales})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    w194 = _load("icio194", args.year)
    icio = _load("icio2023", args.year)
    one = _load("world194", args.year)
    members = list(ak.data.manifest()["icio194"]["members"])
    shared = [c for c in icio.countries if c != "ROW"]
    expo = _exposure(w194, members).loc[shared].join(
        _exposure(icio, ["ROW"]).loc[shared], lsuffix="_194", rsuffix="_2023")
    print(f"icio194 {args.year}: {len(w194.countries)} economies x {len(w194.sectors)} "
          f"sectors; icio2023: {len(icio.countries)} regions; shared: {len(shared)}")
    for preset in ("world-autarky", "two-blocs"):
        t0 = time.perf_counter()
        ra = _solve(w194, preset).loc[shared]
        rb = _solve(icio, preset).loc[shared]
        same = int((np.sign(ra) == np.sign(rb)).sum())
        rho = float(spearmanr(ra, rb).statistic)
        print(f"\n{preset}: same sign {same}/{len(shared)}; Spearman {rho:.3f}; mean welfare % "
              f"icio194 {ra.mean():+.3f}, icio2023 {rb.mean():+.3f}; ROW on icio2023 "
              f"{float(_solve(icio, preset)['ROW']):+.3f} ({time.perf_counter() - t0:.0f} s)")
        diff = pd.DataFrame({"icio194": ra, "icio2023": rb, "diff": ra - rb}).join(expo)
        diff = diff.reindex(diff["diff"].abs().sort_values(ascending=False).index)
        with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format):
            print(diff.head(args.top).to_string())
    rows = []
    for preset in EURASIAN:
        res = {name: _solve(w, preset) for name, w in
               (("icio194", w194), ("icio2023", icio), ("world194", one))}
        for c in POST_SOVIET:
            rows.append({"preset": preset, "country": c,
                         **{k: float(v[c]) if c in v.index else np.nan
                            for k, v in res.items()}})
    tab = pd.DataFrame(rows).set_index(["preset", "country"])
    with pd.option_context("display.width", 160, "display.float_format", "{:+.3f}".format,
                           "display.max_rows", 200):
        print("\nwelfare % by preset (NaN: not separate in that world)")
        print(tab.to_string())


if __name__ == "__main__":
    main()
