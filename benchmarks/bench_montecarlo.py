"""Monte Carlo of two-blocs on icio2023 2022 with IO links: batched draws, single solves,
today's engine against the engine of commit 470b513, in one run (issue 31, item 7).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_montecarlo.py [--draws 100] [--repeats 3] [--dask]

Cases, each ``--draws`` elasticity draws across the catalog sources (seed 0), timed in
turn (interleaved) ``--repeats`` times, medians of wall and CPU seconds:

* ``sweep``: ``ak.sweep(world, two-blocs, draws, chunk=8)`` serial (batched draws);
* ``singles``: one ``ak.solve(world, two-blocs, elasticities=row)`` per draw;
* the same two with the engine of commit 470b513 (``_baseline.py``; its sweep solved a
  chunk of 8 draws as one array program, no warm starts).

The 1,000-draw column extrapolates linearly from ``--draws`` (say so when quoting it).
``--dask``: the sweep once more on a LocalCluster with one worker per core.
``--thousand``: instead, one real 1,000-draw sweep, serial and (with ``--dask``) on the
LocalCluster, today's engine only: wall and CPU seconds and the bands of five countries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import baseline_solve_hat  # noqa: E402

import autarky as ak  # noqa: E402
import autarky.solve as solve_module  # noqa: E402
import autarky.sweep as sweep_module  # noqa: E402


def old_engine() -> Callable[[], None]:
    """Point autarky.solve at the old solve_hat (no warm starts, no lanes); returns undo."""
    old = baseline_solve_hat()
    new, lanes = solve_module.solve_hat, sweep_module.DRAW_LANES

    def patched(*args, start=None, **kwargs):  # type: ignore[no-untyped-def]
        return old(*args, **kwargs)

    solve_module.solve_hat = patched  # type: ignore[assignment]
    sweep_module.DRAW_LANES = None  # type: ignore[assignment]
    solve_module.DRAW_LANES = None  # type: ignore[assignment]

    def undo() -> None:
        solve_module.solve_hat = new
        sweep_module.DRAW_LANES = lanes
        solve_module.DRAW_LANES = lanes

    return undo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=8)
    ap.add_argument("--dask", action="store_true")
    ap.add_argument("--thousand", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    world = ak.load_world("icio2023", year=2022)
    scn = ak.presets.get("two-blocs")
    if args.thousand:
        for backend in ("serial", "dask") if args.dask else ("serial",):
            t, c = time.perf_counter(), time.process_time()
            sw = ak.sweep(world, scn, draws=1000, seed=0, chunk=args.chunk,
                          backend=backend)  # type: ignore[arg-type]
            print(f"{backend}: 1,000 draws in {time.perf_counter() - t:.1f} s wall, "
                  f"{time.process_time() - c:.1f} s CPU of this process; all converged "
                  f"{bool(sw.converged.all())}", flush=True)
            band = sw.summary().loc[["USA", "CHN", "RUS", "IND", "DEU"]]
            print("  median [90% band], %: " + "; ".join(
                f"{k} {r['median']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]"
                for k, r in band.iterrows()), flush=True)
        return
    D = args.draws
    thetas, _, _ = ak.draw_elasticities(world, D, seed=0)
    th = thetas.to_numpy()
    print(f"{world!r}, IO links: {world.has_io}; two-blocs (preset barrier); {D} draws; "
          f"chunk {args.chunk}; medians of {args.repeats}")

    out: dict[str, object] = {}

    def sweep() -> None:
        out["sweep"] = ak.sweep(world, scn, draws=D, seed=0, chunk=args.chunk)

    def singles() -> None:
        out["singles"] = np.stack([ak.solve(world, scn, elasticities=th[b]).welfare.to_numpy()
                                   for b in range(D)])

    cases = {"sweep (batched draws)": sweep, "singles (ak.solve per draw)": singles}
    times: dict[str, list[tuple[float, float]]] = {}
    results: dict[str, np.ndarray] = {}
    for _ in range(args.repeats):
        for engine in ("470b513", "today"):
            undo = old_engine() if engine == "470b513" else (lambda: None)
            try:
                for name, fn in cases.items():
                    t, c = time.perf_counter(), time.process_time()
                    fn()
                    times.setdefault(f"{engine} {name}", []).append(
                        (time.perf_counter() - t, time.process_time() - c))
                    key = f"{engine} {name}"
                    res = out["sweep"] if name.startswith("sweep") else out["singles"]
                    results[key] = (res.welfare.to_numpy()  # type: ignore[attr-defined]
                                    if name.startswith("sweep") else res)  # type: ignore[assignment]
            finally:
                undo()
    med = {k: (statistics.median(v[0] for v in vs), statistics.median(v[1] for v in vs))
           for k, vs in times.items()}
    print(f"{'case':<40} {'wall s':>8} {'cpu s':>8} {'ms/draw':>8} {'1,000 draws':>12}")
    for k, (w, c) in med.items():
        print(f"{k:<40} {w:8.2f} {c:8.2f} {1e3 * w / D:8.1f} {1000 * w / D:10.1f} s")
    for eng in ("470b513", "today"):
        s, g = med[f"{eng} sweep (batched draws)"], med[f"{eng} singles (ak.solve per draw)"]
        print(f"{eng}: batched / singles = {s[0] / g[0]:.2f} wall, {s[1] / g[1]:.2f} cpu")
    for name in cases:
        o, n = med[f"470b513 {name}"], med[f"today {name}"]
        print(f"{name}: 470b513 / today = {o[0] / n[0]:.2f}x wall, {o[1] / n[1]:.2f}x cpu")
    gap = float(np.max(np.abs(results["today sweep (batched draws)"]
                              - results["470b513 sweep (batched draws)"])))
    gap1 = float(np.max(np.abs(results["today sweep (batched draws)"]
                               - results["today singles (ak.solve per draw)"])))
    print(f"largest welfare gap, today vs 470b513: {gap:.1e} pp; batched vs singles: "
          f"{gap1:.1e} pp")
    if args.dask:
        t = time.perf_counter()
        dsk = ak.sweep(world, scn, draws=D, seed=0, chunk=args.chunk, backend="dask")
        wall = time.perf_counter() - t
        diff = float(np.max(np.abs(dsk.welfare.to_numpy()
                                   - results["today sweep (batched draws)"])))
        print(f"dask LocalCluster ({sweep_module.local_workers()} workers, start-up included): "
              f"{wall:.2f} s, {1e3 * wall / D:.1f} ms/draw, 1,000 draws ~{1000 * wall / D:.0f} s"
              f"; largest difference from serial {diff:.1e} pp")


if __name__ == "__main__":
    main()
