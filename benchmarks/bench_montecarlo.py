"""Monte Carlo of two-blocs on icio2023 2022 with IO links: batched draws against single
solves, this checkout against a baseline checkout, in one run (issue 31, item 7).

Run from the repository root (``nice`` it on a shared machine)::

    PYTHONPATH=src python benchmarks/bench_montecarlo.py [--draws 100] [--repeats 3]
        [--baseline /work/wt-base/src] [--thousand] [--dask]

Every case runs in a fresh child process with ``PYTHONPATH`` set to the checkout's
``src`` (today's code, or ``--baseline``: main as it was before this work), cases
interleaved, ``--repeats`` times; medians of wall and CPU seconds. The elasticity draws
are across the catalog sources (seed 0); the scenario is the ``two-blocs`` preset at its
preset barrier (x1.25 between the blocs, as ``ak.sweep(world, preset)`` takes it):

* ``sweep``: ``ak.sweep(world, two-blocs, draws=D)`` with its default chunks, serial;
* ``singles``: one ``autarky.solve.solve(world, two-blocs, elasticities=row)`` per draw
  (the engine's solve of the same shock; ``ak.solve`` would also calibrate the barrier).

Beside wall and CPU each case reports what the process waited for (``getrusage``):
involuntary context switches (preempted: waiting for a core the machine's other jobs
hold), voluntary ones (sleeping: I/O, locks, worker threads), blocks read, and the load
average before and after. ``--thousand``: one real 1,000-draw sweep per checkout, serial;
with ``--dask`` also on a LocalCluster (one worker process per core, start-up included;
the workers' CPU is the ``children`` column).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() \
        else "?"


def child(case: str, draws: int, out: str) -> None:
    """Run one case in this process and print its measurements as one JSON line."""
    t0 = time.perf_counter()
    warnings.simplefilter("ignore")
    import autarky as ak
    from autarky.solve import solve

    world = ak.load_world("icio2023", year=2022)
    scn = ak.presets.get("two-blocs")
    startup = time.perf_counter() - t0
    load0 = _load()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    if case == "singles":
        th = ak.draw_elasticities(world, draws, seed=0)[0].to_numpy()
        W = np.stack([solve(world, scn, elasticities=th[b]).welfare.to_numpy()
                      for b in range(draws)])
        converged = True  # solve raises otherwise
    else:
        backend = "dask" if case == "dask" else "serial"
        sw = ak.sweep(world, scn, draws=draws, seed=0, backend=backend)  # type: ignore[arg-type]
        W, converged = sw.welfare.to_numpy(), bool(sw.converged.all())
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    np.save(out, W)
    print(json.dumps({
        "wall": wall, "startup": startup,
        "cpu": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime),
        "children": (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime),
        "preempted": r1.ru_nivcsw - r0.ru_nivcsw, "slept": r1.ru_nvcsw - r0.ru_nvcsw,
        "blocks_read": r1.ru_inblock - r0.ru_inblock, "load": f"{load0}->{_load()}",
        "converged": converged, "threads": len(os.listdir("/proc/self/task"))
        if Path("/proc/self/task").exists() else -1}))


def run(src: str, case: str, draws: int, out: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": src}
    p = subprocess.run([sys.executable, __file__, "--child", case, "--draws", str(draws),
                        "--out", out], env=env, capture_output=True, text=True, cwd=ROOT)
    if p.returncode:
        raise SystemExit(f"{case} with {src} failed:\n{p.stderr[-2000:]}")
    result: dict[str, object] = json.loads(p.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", default="/work/wt-base/src")
    ap.add_argument("--thousand", action="store_true")
    ap.add_argument("--dask", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.draws, args.out)
        return
    engines = {"baseline": args.baseline, "today": str(ROOT / "src")}
    tmp = Path(tempfile.mkdtemp(prefix="bench-mc-"))
    print(f"load average at start: {_load()} (2 cores, shared); {os.cpu_count()} CPUs")
    if args.thousand:
        cases = [("sweep", e) for e in engines] + ([("dask", "today")] if args.dask else [])
        for case, eng in cases:
            r = run(engines[eng], case, 1000, str(tmp / f"{eng}-{case}.npy"))
            print(f"{eng:8} {case:6} 1,000 draws: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU"
                  f" (+{r['children']:.1f} s in worker processes); start-up (import, world) "
                  f"{r['startup']:.1f} s; preempted {r['preempted']}, slept {r['slept']}, "
                  f"blocks read {r['blocks_read']}; load {r['load']}; threads {r['threads']};"
                  f" all converged {r['converged']}", flush=True)
        W = {k: np.load(tmp / f"{k}.npy") for k in
             [f"{e}-{c}" for c, e in cases]}
        gap = float(np.max(np.abs(W["today-sweep"] - W["baseline-sweep"])))
        print(f"largest welfare gap, today vs baseline: {gap:.1e} pp")
        if args.dask:
            gap = float(np.max(np.abs(W["today-sweep"] - W["today-dask"])))
            print(f"largest welfare gap, Dask vs serial: {gap:.1e} pp")
        return
    D = args.draws
    times: dict[str, list[dict[str, object]]] = {}
    for _ in range(args.repeats):
        for eng, src in engines.items():
            for case in ("sweep", "singles"):
                key = f"{eng} {case}"
                times.setdefault(key, []).append(run(src, case, D, str(tmp / f"{eng}-{case}.npy")))
    print(f"icio2023 2022 with IO links, two-blocs (preset barrier), {D} draws; medians of "
          f"{args.repeats}, each case a fresh process, interleaved")
    print(f"{'case':<18} {'wall s':>7} {'cpu s':>7} {'ms/draw cpu':>11} {'preempted':>9} "
          f"{'slept':>6} {'start-up s':>10}  load")
    med: dict[str, tuple[float, float]] = {}
    for k, rs in times.items():
        w = statistics.median(float(r["wall"]) for r in rs)  # type: ignore[arg-type]
        c = statistics.median(float(r["cpu"]) for r in rs)  # type: ignore[arg-type]
        med[k] = (w, c)
        pre = statistics.median(int(r["preempted"]) for r in rs)  # type: ignore[call-overload]
        sl = statistics.median(int(r["slept"]) for r in rs)  # type: ignore[call-overload]
        st = statistics.median(float(r["startup"]) for r in rs)  # type: ignore[arg-type]
        print(f"{k:<18} {w:7.2f} {c:7.2f} {1e3 * c / D:11.1f} {pre:9.0f} {sl:6.0f} {st:10.1f}"
              f"  {', '.join(str(r['load']) for r in rs)}")
    for eng in engines:
        s, g = med[f"{eng} sweep"], med[f"{eng} singles"]
        print(f"{eng}: batched / singles = {s[0] / g[0]:.2f} wall, {s[1] / g[1]:.2f} cpu")
    for case in ("sweep", "singles"):
        o, n = med[f"baseline {case}"], med[f"today {case}"]
        print(f"{case}: baseline / today = {o[0] / n[0]:.2f}x wall, {o[1] / n[1]:.2f}x cpu")
    W = {k: np.load(tmp / f"{k}.npy") for k in
         ("baseline-sweep", "today-sweep", "today-singles", "baseline-singles")}
    print(f"largest welfare gap, today vs baseline sweep: "
          f"{np.max(np.abs(W['today-sweep'] - W['baseline-sweep'])):.1e} pp; today batched vs "
          f"today singles: {np.max(np.abs(W['today-sweep'] - W['today-singles'])):.1e} pp")


if __name__ == "__main__":
    main()
