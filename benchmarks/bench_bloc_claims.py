"""`autarky run bloc-choice` (world194, icio2023) and `autarky claims`: CPU, wall, memory.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_bloc_claims.py [--repeats R] [--claims-repeats C]
        [--baseline /work/wt-base/src] [--only bloc|claims] [--cold]

Each command runs as a subprocess of the command line (``python -m autarky.cli ...``,
output discarded), once with ``PYTHONPATH`` set to the baseline's ``src`` and once to this
checkout's, interleaved. Per run: CPU seconds (user + system of the child, from
``resource.getrusage(RUSAGE_CHILDREN)`` before and after), wall seconds and the child's
maximum resident set size (``os.wait4``). Printed: medians over the repeats and the ratio
baseline / this checkout. One untimed run of each first fills the calibration cache (a
temporary ``AUTARKY_CACHE`` shared by both), as a user's second run would find it. With
``--cold`` there is no untimed run and every run gets an empty ``AUTARKY_CACHE`` of its
own: a user's first run, with only what the package ships (``embedded/``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"

COMMANDS = {
    "bloc-choice world194": ["run", "bloc-choice", "--world", "world194"],
    "bloc-choice icio2023": ["run", "bloc-choice", "--world", "icio2023"],
    "claims": ["claims"],
}


def _once(src: Path, args: list[str], cache: str) -> tuple[float, float, float]:
    """CPU s, wall s and max RSS (MiB) of one ``python -m autarky.cli ARGS``."""
    env = {**os.environ, "PYTHONPATH": str(src), "AUTARKY_CACHE": cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "autarky.cli", *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(args)} with PYTHONPATH={src}: exit {p.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, usage.ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="runs of each bloc-choice")
    ap.add_argument("--claims-repeats", type=int, default=1, help="runs of claims")
    ap.add_argument("--baseline", default="/work/wt-base/src")
    ap.add_argument("--only", choices=("bloc", "claims"))
    ap.add_argument("--cold", action="store_true",
                    help="every run with an empty cache of its own (a first run)")
    args = ap.parse_args()
    base = Path(args.baseline)
    todo = {k: v for k, v in COMMANDS.items()
            if args.only is None or k.startswith(args.only)}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          + ("every run with an empty cache (first runs)" if args.cold else
             "cache filled by one untimed run of each (second runs)"))
    print("| command | baseline CPU s | CPU s | CPU ratio | baseline wall s | wall s | "
          "baseline max RSS MiB | max RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as cache:
        for name, cmd in todo.items():
            reps = args.claims_repeats if name == "claims" else args.repeats
            if not args.cold:
                for src in (base, HERE):
                    _once(src, cmd, cache)  # untimed: fills the calibration cache
            runs: dict[Path, list[tuple[float, float, float]]] = {base: [], HERE: []}
            for _ in range(reps):
                for src in (base, HERE):
                    if args.cold:
                        with tempfile.TemporaryDirectory() as empty:
                            runs[src].append(_once(src, cmd, empty))
                    else:
                        runs[src].append(_once(src, cmd, cache))
            med = {s: [statistics.median(r[i] for r in runs[s]) for i in range(3)]
                   for s in runs}
            (bc, bw, bm), (c, w, m) = med[base], med[HERE]
            print(f"| `autarky {' '.join(cmd)}` | {bc:.2f} | {c:.2f} | {bc / c:.2f}x | "
                  f"{bw:.2f} | {w:.2f} | {bm:.0f} | {m:.0f} |", flush=True)


if __name__ == "__main__":
    main()
