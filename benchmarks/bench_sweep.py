"""Sweeps: Monte Carlo draws, scenarios batched against one by one, Dask overhead, store.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_sweep.py [--quick] [--repeats R] [--no-dask]

Measures, in one process:

1. the headline: a 1,000-draw Monte Carlo of the two-blocs preset on icio2023 2022 (draws
   across the catalog sources), serial, median over repeats (target: at most 60 s on a
   2-core machine); then the same sweep into a fresh result store, and again (nothing
   solved the second time), with the store's bytes per draw;
2. throughput: the bloc of USA, CAN, MEX plus each other country, one at a time (77
   scenarios), solved batched (``ak.sweep_scenarios``, chunks of 1, 4, 8) and one by one
   (``ak.solve``), as scenarios per second and their ratio, and the largest gap between
   the two (percentage points); the same on wiod2013 (input-output links), with draws
   batched by 8 against one at a time;
3. Dask: the same draws on a LocalCluster of 2 worker processes (1 thread each) against the
   serial run (largest difference), and the per-task overhead: the wall time of 400
   trivial tasks divided by 400, and (dask wall x workers - serial wall) / tasks for the
   real sweep; plus the peak memory of one chunk (tracemalloc) for docs/scale.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

import autarky as ak
from autarky.data.store import ResultStore

CPU: list[float] = []  # CPU seconds of this process for each timed call


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, list[float], object]:
    times, out = [], None
    CPU.clear()
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        CPU.append(time.process_time() - c0)
    return statistics.median(times), times, out


def _noop(x: int) -> int:
    return x


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="200 draws, 1 repeat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--chunk", type=int, default=8)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    draws = 200 if args.quick else args.draws
    repeats = 1 if args.quick else args.repeats
    warnings.simplefilter("ignore")

    world = ak.load_world("icio2023", year=2022)
    scn = ak.presets.get("two-blocs")
    print(f"world: {world!r}; scenario two-blocs; {draws} draws; chunk {args.chunk}")

    # 1. headline
    med, times, serial = median_time(
        lambda: ak.sweep(world, scn, draws=draws, seed=0, chunk=args.chunk), repeats)
    assert isinstance(serial, ak.SweepResult)
    print(f"[1] Monte Carlo {draws} draws serial: median {med:.1f} s over {repeats} "
          f"({', '.join(f'{t:.1f}' for t in times)}); {draws / med:.1f} draws/s; all "
          f"converged: {bool(serial.converged.all())}; CPU time of this process median "
          f"{statistics.median(CPU):.1f} s (wall above CPU = other jobs on the machine)")
    s = serial.summary().loc[["USA", "CHN", "RUS", "IND", "DEU"]]
    print("    median [90% band], %: " + "; ".join(
        f"{c} {r['median']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]" for c, r in s.iterrows()))
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        first = ak.sweep(world, scn, draws=draws, seed=0, chunk=args.chunk, store=d)
        t1 = time.perf_counter()
        again = ak.sweep(world, scn, draws=draws, seed=0, chunk=args.chunk, store=d)
        t2 = time.perf_counter()
        size = sum(f.stat().st_size for f in Path(d).glob("part-*.parquet"))
        files = len(ResultStore(d).files())
    print(f"    with a fresh store: {t1 - t0:.1f} s ({first.solved} solved, {files} files, "
          f"{size / draws / 1024:.1f} KiB per draw of {len(world.countries)} countries); "
          f"rerun {t2 - t1:.2f} s ({again.solved} solved, {again.reused} reused)")

    # 2. scenarios batched vs one by one
    members = ["USA", "CAN", "MEX"]
    cands = [c for c in world.countries if c not in members and c != "ROW"]
    scns = {f"+{c}": ak.Scenario.bloc(members + [c]) for c in cands}
    med_1, _, single = median_time(
        lambda: np.stack([ak.solve(world, s).welfare.to_numpy() for s in scns.values()]),
        repeats)
    assert isinstance(single, np.ndarray)
    print(f"[2] {len(scns)} scenarios (bloc USA+CAN+MEX plus each other country): one by one "
          f"with ak.solve {len(scns) / med_1:.1f} scenarios/s (median {med_1:.2f} s)")
    for ch in (1, 4, 8):
        med_b, _, batched = median_time(
            lambda ch=ch: ak.sweep_scenarios(world, scns, chunk=ch), repeats)
        assert isinstance(batched, ak.SweepResult)
        gap = float(np.abs(batched.welfare.to_numpy() - single).max())
        print(f"    sweep_scenarios chunk {ch}: {len(scns) / med_b:.1f} scenarios/s (median "
              f"{med_b:.2f} s), {med_1 / med_b:.2f}x one by one; largest gap {gap:.1e} pp")

    # the same comparison with input-output links (wiod2013: 41 x 35, nested inner solves)
    wiod = ak.load_world("wiod2013")
    nafta = ak.Scenario.bloc(members)
    wscns = {f"+{c}": ak.Scenario.bloc(members + [c])
             for c in [c for c in wiod.countries if c not in members and c != "ROW"]}
    med_1, _, _ = median_time(lambda: [ak.solve(wiod, s) for s in wscns.values()], repeats)
    med_4, _, _ = median_time(lambda: ak.sweep_scenarios(wiod, wscns), repeats)
    d1, _, _ = median_time(lambda: ak.sweep(wiod, nafta, draws=64, chunk=1), repeats)
    d8, _, _ = median_time(lambda: ak.sweep(wiod, nafta, draws=64, chunk=8), repeats)
    print(f"    wiod2013 (IO links), {len(wscns)} scenarios: one by one "
          f"{len(wscns) / med_1:.1f}/s, sweep_scenarios chunk 4 {len(wscns) / med_4:.1f}/s "
          f"({med_1 / med_4:.2f}x); 64 NAFTA draws: chunk 1 {64 / d1:.1f}/s, chunk 8 "
          f"{64 / d8:.1f}/s ({d1 / d8:.2f}x)")

    # memory of one chunk (what a worker holds while it solves)
    from autarky.solve import Batch, economy, solve_arrays

    econ = economy(world)
    shock = scn.apply(world)
    th = serial.thetas.to_numpy()[:args.chunk]
    tracemalloc.start()
    solve_arrays(Batch(econ, shock.tariffs, shock.tau_hat, th, ak.SolveOptions()))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    base_mb = sum(a.nbytes for a in (econ.pi, econ.tariffs, econ.X, econ.va, econ.deficit,
                                      econ.gamma, econ.alpha)) / 2**20
    print(f"    one chunk of {args.chunk} draws: peak {peak / 2**20:.0f} MiB while solving; "
          f"baseline sent to workers {base_mb:.1f} MiB, shock "
          f"{(shock.tariffs.nbytes + shock.tau_hat.nbytes) / 2**20:.1f} MiB")

    if args.no_dask:
        return
    # 3. Dask
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        client.submit(_noop, 0).result()
        n = 400
        t0 = time.perf_counter()
        client.gather(client.map(_noop, range(n), pure=False))
        per_task = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        dsk = ak.sweep(world, scn, draws=draws, seed=0, chunk=args.chunk, backend="dask",
                       scheduler=client)
        wall = time.perf_counter() - t0
    diff = float(np.abs(dsk.welfare.to_numpy() - serial.welfare.to_numpy()).max())
    tasks = -(-draws // args.chunk)
    print(f"[3] Dask LocalCluster (2 processes x 1 thread): {draws} draws in {wall:.1f} s "
          f"({tasks} tasks) vs serial median {med:.1f} s; largest difference from serial "
          f"{diff:.1e} pp")
    print(f"    per-task overhead: {per_task * 1e3:.1f} ms (400 trivial tasks); in the sweep "
          f"{max(0.0, (2 * wall - med) / tasks) * 1e3:.0f} ms per task "
          f"((wall x 2 workers - serial) / tasks; includes contention for the 2 cores)")


if __name__ == "__main__":
    main()
