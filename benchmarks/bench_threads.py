"""BLAS threads: small solves and the Nash fixed point at 1 and 2 threads (issue 31, item 3).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_threads.py [--repeats 5]

For each case, the process's BLAS pool is set to 1 and then 2 threads (``threadpoolctl``)
and the case is timed twice: with the engine's own limit switched off
(``autarky.model.threads.ENGINE_THREADS = None``: the pool as the process has it, i.e. the
engine before this change) and on (the default: one BLAS thread inside every solve and
the Nash games). Medians of CPU seconds (all threads of the process) and wall seconds.
"Nothing gets slower with more cores" reads: with the limit on, the 2-thread row is no
slower than the 1-thread row. Cases: ``ak.nash`` on wiod2016 2014 (exact, elasticity 4),
one two-bloc solve on icio2023 2022 (IO links, barrier x1.4 fixed), a random 194 x 50 world
with IO links, and a batch of 8 elasticity draws of the two-bloc solve.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import bloc_shock, random_io_world, random_shock  # noqa: E402

import autarky as ak  # noqa: E402
from autarky.model import threads  # noqa: E402
from autarky.model.solver import solve_hat  # noqa: E402
from autarky.solve import economy, resolve_elasticities  # noqa: E402


def timed(fn, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    cpu, wall = [], []
    fn()
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    wiod = ak.load_world("wiod2016", year=2014)
    icio = ak.load_world("icio2023", year=2022)
    east = ["CHN", "RUS", "IRN", "BLR", "KAZ", "PRK", "MMR", "LAO", "KHM", "VNM", "SAU"]
    sh = bloc_shock(icio, east, 1.4)
    e_icio = economy(icio)
    th, _ = resolve_elasticities(icio, "cp2015")
    draws = th * np.exp(np.random.default_rng(0).normal(0.0, 0.2, (8, th.size)))
    rand = random_io_world(194, 50)
    e_rand, sh_rand = economy(rand), random_shock(rand)
    cases = {
        "ak.nash wiod2016 2014 (exact, theta 4)": lambda: ak.nash(wiod, 4.0),
        "solve icio2023 two blocs (IO)": lambda: solve_hat(e_icio, sh.tariffs, sh.tau_hat, th),
        "solve icio2023 two blocs, 8 draws": lambda: solve_hat(e_icio, sh.tariffs,
                                                                sh.tau_hat, draws),
        "solve random 194x50 (IO)": lambda: solve_hat(e_rand, sh_rand.tariffs,
                                                      sh_rand.tau_hat, np.full(50, 5.0)),
    }
    print(f"{'case':<40} {'BLAS':>4} {'no limit cpu':>12} {'wall':>7} {'limit cpu':>10} "
          f"{'wall':>7} {'ratio cpu':>9}")
    for name, fn in cases.items():
        for n in (1, 2):
            with threadpool_limits(n, "blas"):
                threads.ENGINE_THREADS = None
                c0, w0 = timed(fn, args.repeats)
                threads.ENGINE_THREADS = 1
                c1, w1 = timed(fn, args.repeats)
            print(f"{name:<40} {n:>4} {c0:12.3f} {w0:7.3f} {c1:10.3f} {w1:7.3f} "
                  f"{c0 / c1:8.2f}x", flush=True)


if __name__ == "__main__":
    main()
