"""Time structural-gravity estimation and the GE of an agreement (README example).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_gravity.py [--repeats N]

Cases (need ../shared/data or $AUTARKY_SHARED):

* the README example: a CAN-JPN agreement from the estimated ``pta`` coefficient on the
  gegravity sample (30 countries, 2006): PPML estimation once, then the conditional and
  full GE (engine) - median over repeats;
* the guide's border removal (69 countries, 2006): the engine against the guide's own
  iterative procedure (Yotov et al. 2016, stopped at 0.01 as in the guide, and run to
  1e-10), same process; ratio = guide / engine.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import pandas as pd
from _timing import median_time  # noqa: E402

import autarky as ak
from autarky.data.yotov2016 import read_yotov2016
from autarky.gravity import cost_term, simulate, to_matrix

warnings.filterwarnings("ignore", category=DeprecationWarning)


def shared() -> Path:
    env = os.environ.get("AUTARKY_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    panel = pd.read_csv(shared() / "gegravity-sample" / "sample_data_set.dlm")
    f = "trade ~ pta + contiguity + common_language + lndist + international"
    t_est = median_time(lambda: ak.gravity.estimate(panel, f, year=None), 3)[0]
    est = ak.gravity.estimate(panel, f, year=None)

    def agreement() -> object:
        return ak.gravity.simulate_change(est, panel, {"pta": 1}, between=["CAN", "JPN"],
                                          sigma=7, reference="USA")

    agreement()  # warm-up
    t_ge = median_time(agreement, args.repeats)[0]
    print(f"README example (30 countries): PPML estimate median {t_est:.3f} s; "
          f"agreement GE (conditional + full, engine) median {t_ge:.3f} s")

    y = read_yotov2016(shared() / "yotov2016")
    d = y.borders
    e = ak.gravity.estimate(d, "trade ~ ln_DIST + CNTG + INTL_BRDR", year=None)
    c = tuple(sorted(d.exporter.unique()))
    X = to_matrix(d, "trade", c)
    t0 = to_matrix(d, cost_term(e, d), c)
    t1 = to_matrix(d, cost_term(e, d, {"INTL_BRDR": 0.0}), c)
    runs = {
        "engine": lambda: simulate(X, t0, t1, c, reference="DEU"),
        "guide (tol 0.01)": lambda: simulate(X, t0, t1, c, reference="DEU",
                                             method="yotov2016"),
        "guide (tol 1e-10)": lambda: simulate(X, t0, t1, c, reference="DEU",
                                              method="yotov2016", tol=1e-10),
    }
    base = None
    for name, fn in runs.items():
        fn()
        t = median_time(fn, args.repeats)[0]
        base = base or t
        print(f"borders removed (69 countries), {name}: median {t:.4f} s, "
              f"ratio to engine {t / base:.2f}")


if __name__ == "__main__":
    main()
