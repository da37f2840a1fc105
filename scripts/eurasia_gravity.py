"""Estimate the border regression on the embedded datasets and store it in the package.

Writes ``src/autarky/data/embedded/gravity_eurasia.json`` (through a temporary file):
coefficients with clustered standard errors, N, dataset, years, the specification in words,
the derived borders (former-USSR pairs, EAEU pairs, EU pairs) and the EU-EAEU gaps, for every
dataset in which the former-USSR terms are identified (world194 2019-2020, icio2023
2011-2022, and icio194 where the package has it), so that presets use the estimates
without re-estimating at run time.

Run from the repository root: ``PYTHONPATH=src python scripts/eurasia_gravity.py``.
"""

from __future__ import annotations

import argparse
import warnings

import autarky as ak
from autarky.data.gravity_eurasia import write_gravity_eurasia
from autarky.errors import RepairWarning

DATASETS = ("world194", "icio2023", "icio194")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(DATASETS),
                    help="comma-separated embedded datasets (absent ones are skipped)")
    args = ap.parse_args()
    have = set(ak.datasets().index)
    out = []
    for name in (d.strip() for d in args.datasets.split(",") if d.strip()):
        if name not in have:
            print(f"{name}: not an embedded dataset here, skipped")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RepairWarning)  # printed by load_world users
            est = ak.gravity.estimate_border(name)
        print(est.summary(), "\n")
        out.append(est)
    path = write_gravity_eurasia(ak.gravity.border_record(out))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
