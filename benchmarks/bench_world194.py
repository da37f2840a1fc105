"""Time every preset on world194 (192 economies, one sector), issue 16.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_world194.py [--year 2019] [--repeats 7]

Each preset is solved with ``ak.solve`` defaults (its own solver settings, the world's
one-sector elasticity theta = 4); parameterised presets with a representative parameter
(``autarky:RUS``). Reports the median wall time over repeats, its ratio to the status-quo
solve in the same process (the cost of one baseline pass), iterations, the largest
equilibrium residual, and whether the median is under the 0.1 s target.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import autarky as ak

TARGET = 0.1
PARAMS = {"autarky": "RUS"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2019)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        w = ak.load_world("world194", year=args.year)
    rows = []
    refused = []
    for name in ak.presets.PRESETS:
        spec = f"{name}:{PARAMS[name]}" if name in PARAMS else name
        scn = ak.presets.get(spec)
        times = []
        res = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ak.solve(w, scn)  # warm-up
            except ak.ScenarioError as err:  # e.g. no-tourism: world194 has no services
                refused.append((spec, str(err)))
                continue
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                res = ak.solve(w, scn)
                times.append(time.perf_counter() - t0)
        assert res is not None and res.converged, spec
        resid = max(res.residual.values()) if isinstance(res.residual, dict) else res.residual
        rows.append((spec, statistics.median(times), res.iterations, float(resid)))
    base = rows[0][1] if rows[0][0] == "status-quo" else min(r[1] for r in rows)
    print(f"world194 {args.year}: {w.shape[0]} economies x {w.shape[1]} sector; median of "
          f"{args.repeats} solves after one warm-up; ratio to status-quo in this process")
    print(f"{'preset':24s} {'median s':>9s} {'ratio':>7s} {'iters':>6s} {'residual':>9s}  "
          f"< {TARGET} s")
    for spec, t, it, r in rows:
        print(f"{spec:24s} {t:9.4f} {t / base:7.1f} {it:6d} {r:9.1e}  "
              f"{'yes' if t < TARGET else 'NO'}")
    for spec, why in refused:
        print(f"{spec:24s} refused in one line: {why}")


if __name__ == "__main__":
    main()
