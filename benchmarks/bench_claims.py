"""``autarky claims``: the whole computation, median over repeats (target: under 60 s).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_claims.py [--repeats R] [--no-baseline]

Measures, in one process:

1. the headline: :func:`autarky.claims.compute` (all ten claims, one shared Context of
   loaded worlds and solves), median wall time over ``--repeats`` runs, with CPU time and
   the machine's load average (the 2-core machine is shared: wall time above CPU time is
   waiting);
2. the time of each claim within one run (claims after the first reuse its solves);
3. the baseline: every claim with a Context of its own (no shared worlds or solves), and
   the ratio baseline / shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

from autarky.claims import CLAIMS, Context, compute


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    compute(ids=[9])  # imports and caches of the package itself
    walls, cpus = [], []
    for _ in range(args.repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        compute()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    med = statistics.median(walls)
    print(f"claims (all, shared solves): median {med:.1f} s wall over {args.repeats} "
          f"runs {[round(t, 1) for t in walls]}, CPU {statistics.median(cpus):.1f} s; load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; target < 60 s: "
          f"{'met' if med < 60 else 'NOT met'}")
    ctx = Context()
    for k, fn in enumerate(CLAIMS, start=1):
        t0 = time.perf_counter()
        fn(ctx)
        print(f"  claim {k}: {time.perf_counter() - t0:.1f} s (shared context)")
    if args.no_baseline:
        return
    t0 = time.perf_counter()
    for fn in CLAIMS:
        fn(Context())
    base = time.perf_counter() - t0
    print(f"baseline (a context per claim): {base:.1f} s; ratio baseline / shared "
          f"{base / med:.2f}")


if __name__ == "__main__":
    main()
