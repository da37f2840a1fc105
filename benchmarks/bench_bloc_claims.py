"""`autarky run bloc-choice` (world194, icio2023) and `autarky claims`: CPU, wall, memory.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_bloc_claims.py [--repeats R] [--claims-repeats C]
        [--baseline /work/wt-base/src] [--only bloc|claims] [--cold] [--no-bytecode]

Each command runs as a subprocess of the command line (``python -m autarky.cli ...``,
output discarded), once with ``PYTHONPATH`` set to the baseline's ``src`` and once to this
checkout's, interleaved. Per run: CPU seconds (user + system of the child, from
``resource.getrusage(RUSAGE_CHILDREN)`` before and after), wall seconds and the child's
maximum resident set size (``os.wait4``). Printed: medians over the repeats and the ratio
baseline / this checkout. One untimed run of each first fills the calibration cache (a
temporary ``AUTARKY_CACHE`` shared by both), as a user's second run would find it. With
``--cold`` there is no untimed run and every run gets an empty ``AUTARKY_CACHE`` of its
own, in two settings (``--first shipped|none|both``, default both):

* ``shipped``: a user's first run, with what the package ships (``embedded/``: the
  calibrated barriers, the default runs' solved rows, the claims' starting points);
* ``none``: nothing kept at all: each ``src`` is copied to a temporary folder with an
  empty ``embedded/solved.json`` and no ``embedded/starts.npz`` (as after a change to the
  numerics, before ``scripts/build_calibrations.py`` is re-run), so every row is solved
  and every claims solve starts cold. The
  shipped barriers (``embedded/calibrations.json``) stay: they are starting points that
  every run verifies with a solve.

Compiled bytecode is kept as an installed package keeps it (``PYTHONPYCACHEPREFIX``, a
temporary folder; one untimed run of each command and side first compiles it; the source
trees are not written to); ``--no-bytecode`` compiles every module at every run instead
(``PYTHONDONTWRITEBYTECODE``, as the development machine's environment sets it).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
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


_BYTECODE: dict[str, str] = {}
"""Environment of the children for compiled bytecode (set in main)."""


def _once(src: Path, args: list[str], cache: str) -> tuple[float, float, float]:
    """CPU s, wall s and max RSS (MiB) of one ``python -m autarky.cli ARGS``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({**_BYTECODE, "PYTHONPATH": str(src), "AUTARKY_CACHE": cache})
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


def _nothing_kept(src: Path, into: Path) -> Path:
    """A copy of ``src`` that ships no solved rows (``embedded/solved.json`` empty) and no
    claims' starting points (no ``embedded/starts.npz``)."""
    dst = into / src.resolve().parent.name / "src"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dst / "autarky" / "data" / "embedded" / "solved.json").write_text("{}\n")
    (dst / "autarky" / "data" / "embedded" / "starts.npz").unlink(missing_ok=True)
    return dst


def _table(todo: dict[str, list[str]], pairs: list[tuple[str, Path, Path]], reps: int,
           claims_reps: int, cold: bool, cache: str) -> None:
    """Run every command under every (label, baseline, this checkout) pair; print rows."""
    for name, cmd in todo.items():
        for label, base, mine in pairs:
            n = claims_reps if name == "claims" else reps
            for src in (base, mine):
                if not cold:
                    _once(src, cmd, cache)  # untimed: fills the calibration cache
                elif "PYTHONPYCACHEPREFIX" in _BYTECODE:
                    with tempfile.TemporaryDirectory() as empty:
                        _once(src, cmd, empty)  # untimed: compiles the bytecode only
            runs: dict[Path, list[tuple[float, float, float]]] = {base: [], mine: []}
            for _ in range(n):
                for src in (base, mine):
                    if cold:
                        with tempfile.TemporaryDirectory() as empty:
                            runs[src].append(_once(src, cmd, empty))
                    else:
                        runs[src].append(_once(src, cmd, cache))
            med = {s: [statistics.median(r[i] for r in runs[s]) for i in range(3)]
                   for s in runs}
            (bc, bw, bm), (c, w, m) = med[base], med[mine]
            print(f"| `autarky {' '.join(cmd)}`{label} | {bc:.2f} | {c:.2f} | {bc / c:.2f}x | "
                  f"{bw:.2f} | {w:.2f} | {bm:.0f} | {m:.0f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="runs of each bloc-choice")
    ap.add_argument("--claims-repeats", type=int, default=1, help="runs of claims")
    ap.add_argument("--baseline", default="/work/wt-base/src")
    ap.add_argument("--only", choices=("bloc", "claims"))
    ap.add_argument("--cold", action="store_true",
                    help="every run with an empty cache of its own (a first run)")
    ap.add_argument("--first", choices=("shipped", "none", "both"), default="both",
                    help="with --cold: the package's shipped solved rows, none, or both")
    ap.add_argument("--no-bytecode", action="store_true",
                    help="compile every module at every run (no bytecode kept)")
    args = ap.parse_args()
    base = Path(args.baseline)
    prefix = tempfile.TemporaryDirectory(prefix="bench-bloc-pyc-")
    _BYTECODE.update({"PYTHONDONTWRITEBYTECODE": "1"} if args.no_bytecode else
                     {"PYTHONPYCACHEPREFIX": prefix.name})
    todo = {k: v for k, v in COMMANDS.items()
            if args.only is None or k.startswith(args.only)}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          + ("every run with an empty cache (first runs)" if args.cold else
             "cache filled by one untimed run of each (second runs)")
          + ("; no bytecode kept" if args.no_bytecode else "; bytecode kept"))
    print("| command | baseline CPU s | CPU s | CPU ratio | baseline wall s | wall s | "
          "baseline max RSS MiB | max RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as copies:
        pairs = [("", base, HERE)]
        if args.cold:
            pairs = []
            if args.first in ("shipped", "both"):
                pairs.append((" (shipped rows)", base, HERE))
            if args.first in ("none", "both"):
                pairs.append((" (nothing kept)", _nothing_kept(base, Path(copies) / "base"),
                              _nothing_kept(HERE, Path(copies) / "mine")))
        _table(todo, pairs, args.repeats, args.claims_repeats, args.cold, cache)


if __name__ == "__main__":
    main()
