"""Compare world194 with icio2023 aggregated to one sector (issue 16, item 4).

Run from the repository root::

    PYTHONPATH=src python scripts/consistency_world194.py [--year 2019] [--top 10]

For world-autarky and two-blocs it solves both worlds with the same one-sector elasticity
(theta = 4, Simonovska-Waugh 2014) and prints, over the economies both worlds separate:
how many welfare changes have the same sign, the Spearman rank correlation, and the
largest differences with each world's domestic share of absorption and deficit share,
the two numbers that drive a one-sector result (Arkolakis-Costinot-Rodriguez-Clare 2012).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import autarky as ak

THETA = 4.0


def _profile(w: ak.World) -> pd.DataFrame:
    a = w.arrays()
    f = a["flows"].sum(axis=2)
    absorption = f.sum(axis=1)  # importer rows: spending on every origin
    dom = np.diagonal(f)
    return pd.DataFrame({"dom_share": dom / absorption,
                         "deficit_share": (absorption - f.sum(axis=0)) / absorption},
                        index=w.countries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        w194 = ak.load_world("world194", year=args.year)
    icio = ak.load_world("icio2023", year=args.year)
    icio1 = icio.aggregate(sectors={"TOT": list(icio.sectors)})
    shared = [c for c in icio1.countries if c in w194.countries]
    print(f"world194 {args.year}: {len(w194.countries)} economies, one sector (goods traded, "
          f"zero tariffs); icio2023 {args.year} aggregated to one sector: "
          f"{len(icio1.countries)} regions (services traded, Teti tariffs); shared: "
          f"{len(shared)}; theta = {THETA:g} in both")
    prof = _profile(w194).loc[shared].join(_profile(icio1).loc[shared], lsuffix="_w194",
                                           rsuffix="_icio")
    for preset in ("world-autarky", "two-blocs"):
        scn = ak.presets.get(preset)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ra = ak.solve(w194, scn, elasticities=THETA).welfare.loc[shared]
            rb = ak.solve(icio1, scn, elasticities=THETA).welfare.loc[shared]
        same = int((np.sign(ra) == np.sign(rb)).sum())
        rho = float(spearmanr(ra, rb).statistic)
        print(f"\n{preset}: same sign {same}/{len(shared)}; Spearman rank correlation "
              f"{rho:.3f}; mean welfare % world194 {ra.mean():+.3f}, icio2023 {rb.mean():+.3f}")
        diff = pd.DataFrame({"world194": ra, "icio2023": rb, "diff": ra - rb}).join(prof)
        diff = diff.reindex(diff["diff"].abs().sort_values(ascending=False).index)
        with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format):
            print("largest differences (welfare %, and each world's domestic share of "
                  "absorption and deficit / absorption):")
            print(diff.head(args.top).to_string())
            flip = diff[np.sign(diff["world194"]) != np.sign(diff["icio2023"])]
            if len(flip):
                print("opposite signs:")
                print(flip.to_string())


if __name__ == "__main__":
    main()
