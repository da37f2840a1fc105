"""The commands users wait for, as they run them: one fresh process each (issue 31, 1-2).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_cli.py [--repeats R] [--baseline PATH ...]
                                                  [--commands NAME ...] [--floor]
                                                  [--no-bytecode]

Each command runs as ``python -c "from autarky.cli import main; main()" ARGS`` in a child
process (output to /dev/null), alternately with this checkout's ``src`` and with each
baseline's (``--baseline``, repeatable; default ``/work/wt-base/src``) on PYTHONPATH:
the median wall time and the median CPU time of the child (user + system, from
``resource.getrusage(RUSAGE_CHILDREN)``) over ``--repeats`` runs, and the ratio baseline /
this checkout, one table row per baseline.
``run-deficits-zero`` is ``autarky run --deficits zero``: its range (8 sources, each
recalibrated) is not among the rows shipped in ``embedded/solved.json``, so an empty cache
solves it. ``run-wiod2016`` is ``autarky run --world wiod2016 --year 2012``: no barrier is
shipped for that world, so the headline's and the range's root finds run (deficits
"fixed"). Every run of ``autarky run`` gets a fresh, empty ``$AUTARKY_CACHE``: only
the calibrations shipped in the package help, as for a new user. Compiled bytecode is
kept as an installed package keeps it (``PYTHONPYCACHEPREFIX``, a temporary folder: the
source trees are not written to; one untimed run of each command and side first);
``--no-bytecode`` compiles every module at every run instead (``PYTHONDONTWRITEBYTECODE``,
as the development machine's environment sets it). ``--floor`` also times
what no change to autarky can remove: the interpreter, ``import typer, rich`` (what
``--help`` needs), the same plus a typer command with an option (typer 0.29 coerces
options with pydantic; 0.25-0.28, the versions pinned, do not), and ``import numpy, pandas,
xarray`` (what a solve needs). A baseline run under another typer: put that typer first,
``--baseline /tmp/typer029:OTHER/src`` (``pip install --no-deps --target /tmp/typer029
typer==0.29.2``).

Targets: ``--help``, ``presets``, ``datasets``, ``sectors`` at most 0.3 s wall;
``run`` (two-blocs on icio2023 2022) at most 1.2 s CPU.
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

ROOT = Path(__file__).resolve().parents[1]
COMMANDS: dict[str, list[str]] = {
    "help": ["--help"],  # named 'help' on this script's command line
    "presets": ["presets"],
    "datasets": ["datasets"],
    "sectors": ["sectors"],
    "run": ["run"],
    "run-deficits-zero": ["run", "--deficits", "zero"],
    "run-wiod2016": ["run", "--world", "wiod2016", "--year", "2012"],
}
TARGETS = {"help": ("wall", 0.3), "presets": ("wall", 0.3), "datasets": ("wall", 0.3),
           "sectors": ("wall", 0.3), "run": ("cpu", 1.2)}
DEFAULT_COMMANDS = ["help", "presets", "datasets", "sectors", "run"]
_FLOOR_TYPER = """
import sys, typer
app = typer.Typer(add_completion=False)
@app.callback()
def root(debug: bool = typer.Option(False, "--debug")) -> None: pass
@app.command()
def hello(details: bool = typer.Option(False, "--details")) -> None:
    from rich.console import Console
    from rich.table import Table
    t = Table(title="t"); t.add_column("a"); t.add_row("b"); Console().print(t)
@app.command()
def other() -> None: pass
sys.argv = ["x", "hello"]; app()
"""
FLOOR = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import typer, rich.table": [sys.executable, "-c", "import typer, rich.table"],
    "typer command with an option": [sys.executable, "-c", _FLOOR_TYPER],
    "import numpy, pandas, xarray": [sys.executable, "-c", "import numpy, pandas, xarray"],
}


_BYTECODE: dict[str, str] = {}
"""Environment of the children for compiled bytecode (set in main)."""


def child(argv: list[str], src: str | None, env_extra: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({**_BYTECODE, **env_extra, "COLUMNS": "200"})
    if src is not None:
        env["PYTHONPATH"] = src
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} (PYTHONPATH={src}): exit {done.returncode}\n"
                         f"{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _shipped_rows() -> None:
    """Say whether the shipped solved rows are this code's (else ``run`` solves the range)."""
    from autarky.data.calibrations import shipped_solved

    rows, current, fingerprint = shipped_solved()
    print(f"embedded/solved.json: {rows} rows, {current} of this code's numerics fingerprint "
          f"{fingerprint}" + ("" if current else " (stale: autarky run solves the range; "
                              "re-run scripts/build_calibrations.py)"))


def cli_argv(args: list[str]) -> list[str]:
    return [sys.executable, "-c", "from autarky.cli import main; main()", *args]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--baseline", action="append",
                    help="a baseline's src (repeat for several; default /work/wt-base/src)")
    ap.add_argument("--commands", nargs="*", default=DEFAULT_COMMANDS, choices=list(COMMANDS))
    ap.add_argument("--floor", action="store_true")
    ap.add_argument("--no-bytecode", action="store_true")
    args = ap.parse_args()
    ours = str(ROOT / "src")
    baselines = args.baseline or ["/work/wt-base/src"]
    sides = {**{b: b for b in baselines}, "this checkout": ours}
    prefix = tempfile.TemporaryDirectory(prefix="bench-cli-pyc-")
    _BYTECODE.update({"PYTHONDONTWRITEBYTECODE": "1"} if args.no_bytecode else
                     {"PYTHONPYCACHEPREFIX": prefix.name})
    print(f"{args.repeats} runs each, alternating; "
          f"{'no bytecode kept' if args.no_bytecode else 'bytecode kept'}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start")
    _shipped_rows()
    rows = []
    for name in args.commands:
        got: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        if not args.no_bytecode:
            for src in sides.values():  # compile once, untimed
                with tempfile.TemporaryDirectory() as cache:
                    child(cli_argv(COMMANDS[name]), src, {"AUTARKY_CACHE": cache})
        for _ in range(args.repeats):
            for side, src in sides.items():
                with tempfile.TemporaryDirectory() as cache:  # a new user's empty cache
                    got[side].append(child(cli_argv(COMMANDS[name]), src,
                                           {"AUTARKY_CACHE": cache}))
        med = {side: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
               for side, v in got.items()}
        ow, oc = med["this checkout"]
        kind, limit = TARGETS.get(name, ("wall", float("inf")))
        value = ow if kind == "wall" else oc
        verdict = ("" if limit == float("inf") else
                   f"{kind} <= {limit:g} s: {'met' if value <= limit else 'NOT met'}")
        for b in baselines:
            bw, bc = med[b]
            rows.append((name, b, bw, bc, ow, oc, bw / ow, bc / oc, verdict))
    print("| command | baseline | baseline wall s | baseline CPU s | wall s | CPU s | "
          "ratio wall | ratio CPU | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, b, bw, bc, ow, oc, rw, rc, verdict in rows:
        shown = " ".join(COMMANDS[name])
        print(f"| autarky {shown} | {b} | {bw:.3f} | {bc:.3f} | {ow:.3f} | {oc:.3f} | "
              f"{rw:.2f}x | {rc:.2f}x | {verdict} |")
    if args.floor:
        print("\nfloor (what the command line cannot go below):")
        print("| process | wall s | CPU s |")
        print("|---|---|---|")
        for label, argv in FLOOR.items():
            runs = [child(argv, None, {}) for _ in range(args.repeats)]
            print(f"| {label} | {statistics.median(w for w, _ in runs):.3f} | "
                  f"{statistics.median(c for _, c in runs):.3f} |")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
