"""Benchmark: ``autarky shock --country RUS --sector c2 --loss 0.5`` on wiod2013, end to end.

    python benchmarks/bench_shock.py                          # this checkout only
    python benchmarks/bench_shock.py --baseline ../main/src   # and a baseline checkout

Each run is a fresh ``python -m autarky.cli shock ...`` subprocess (import, load, Leontief
model, three LPs, printing), timed by wall clock; with ``--baseline`` the two sides
alternate so that a busy machine slows both alike. Prints the medians of wall time and of
CPU time (user + system, which a machine shared with other jobs inflates less) and their
ratios.
A second part times the library call alone (``ak.linkages.shortage`` on a built model) in
this process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
ARGS = ["shock", "--country", "RUS", "--sector", "c2", "--loss", "0.5"]


def _run(src: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one CLI run in a child process."""
    env = dict(os.environ, PYTHONPATH=str(src))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "autarky.cli", *ARGS], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"autarky shock failed under {src} (exit {proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    """Run the benchmark and print medians."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--baseline", type=Path, default=None,
                   help="src folder of a baseline checkout (e.g. ../main/src)")
    a = p.parse_args()
    sides = {"this": SRC} | ({"baseline": a.baseline.resolve()} if a.baseline else {})
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
    for _ in range(a.repeats):
        for k, src in sides.items():
            times[k].append(_run(src))
    med = {k: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v))
           for k, v in times.items()}
    for k, v in times.items():
        print(f"{k:9s} autarky shock: median wall {med[k][0]:.2f} s, CPU {med[k][1]:.2f} s "
              f"over {len(v)} runs (wall: {', '.join(f'{t[0]:.2f}' for t in v)})")
    if "baseline" in med:
        print(f"ratio baseline / this: wall {med['baseline'][0] / med['this'][0]:.1f}x, "
              f"CPU {med['baseline'][1] / med['this'][1]:.1f}x")

    sys.path.insert(0, str(SRC))
    import autarky as ak

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("wiod2013")
        t0 = time.perf_counter()
        m = ak.linkages.leontief(w)
        t_model = time.perf_counter() - t0
    lp = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        ak.linkages.shortage(m, "RUS", "c2", 0.5)
        lp.append(time.perf_counter() - t0)
    print(f"in process: leontief(wiod2013) {t_model:.2f} s; shortage (three LPs) median "
          f"{statistics.median(lp):.2f} s")


if __name__ == "__main__":
    main()
