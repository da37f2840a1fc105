"""Time the equilibrium engine against the textbook yardstick in the same run.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_engine.py [--quick] [--budget SECONDS]

Cases: CP (2015) NAFTA (31 x 40 with IO; needs the CP files under $AUTARKY_SHARED or
../shared/data), world autarky and a two-bloc split on icio2023 2022 (81 x 28), a bloc on
wiod2013 2011 (41 x 35 with IO), and 100 elasticity draws of the NAFTA scenario batched.
Reports medians over repeats, the yardstick's time, their ratio and the largest welfare gap
between the two solutions (percentage points). A yardstick that hits its time budget is
shown with ">" (a lower bound on its time and on the ratio; its gap is then not meaningful).

First, the engine against today's engine before issue 31 (``solve_hat`` of commit
``470b513``, imported from git history by ``_baseline.py``) on the same arrays in the same
process, calls interleaved: icio2023 2022 two blocs at a fixed barrier (x1.4 across) and a
random 194 x 50 world with IO links and a random shock; medians of CPU and wall seconds,
their ratio and the largest gap in wages between the two solutions. ``--baseline-only``
stops after that table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import baseline_economy, baseline_solve_hat  # noqa: E402
from _timing import median_time  # noqa: E402
from yardstick import yardstick_solve, yardstick_welfare  # noqa: E402

import autarky as ak  # noqa: E402
from autarky.solve import solve_batch  # noqa: E402


def shared() -> Path:
    env = os.environ.get("AUTARKY_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def bloc_shock(world: ak.World, members: list[str], hat: float) -> ak.Shock:
    n, j = world.shape
    inside = np.array([c in members for c in world.countries])
    tau = np.ones((n, n, j))
    tau[inside[:, None] != inside[None, :]] = hat
    t = world.tariffs.values.copy()
    t[np.ix_(inside, inside)] = 0.0
    return ak.Shock(t, tau, f"bloc of {len(members)} (free inside, iceberg x{hat} across)")


def autarky_shock(world: ak.World) -> ak.Shock:
    n, j = world.shape
    tau = np.full((n, n, j), np.inf)
    tau[np.arange(n), np.arange(n), :] = 1.0
    return ak.Shock(np.zeros((n, n, j)), tau, "world autarky")


def random_io_world(n: int, j: int, seed: int = 1) -> ak.World:
    """A random consistent world with IO links (as tests/helpers.py random_world)."""
    rng = np.random.default_rng(seed)
    flows = rng.uniform(0.2, 2.0, size=(n, n, j))
    flows[np.arange(n), np.arange(n), :] += rng.uniform(3.0, 8.0, size=(n, j))
    t = rng.uniform(0.0, 0.2, size=(n, n, j))
    t[np.arange(n), np.arange(n), :] = 0.0
    coef = rng.uniform(0.0, 1.0, size=(n, j, j))
    coef = coef / coef.sum(axis=1, keepdims=True) * rng.uniform(0.1, 0.5, size=(n, 1, j))
    return ak.World.from_arrays(flows, [f"C{k}" for k in range(n)],
                                [f"s{k}" for k in range(j)], tariffs=t, io=coef)


def random_shock(world: ak.World, seed: int = 2) -> ak.Shock:
    rng = np.random.default_rng(seed)
    n, j = world.shape
    tau = rng.uniform(0.7, 1.4, size=(n, n, j))
    tau[np.arange(n), np.arange(n), :] = 1.0
    t = rng.uniform(0.0, 0.3, size=(n, n, j))
    t[np.arange(n), np.arange(n), :] = 0.0
    return ak.Shock(t, tau, "random")


def against_baseline(repeats: int) -> None:
    """Today's engine (solve_hat) against the one of commit 470b513, interleaved."""
    from autarky.model.solver import solve_hat
    from autarky.solve import economy, resolve_elasticities

    old = baseline_solve_hat()
    icio = ak.load_world("icio2023", year=2022)
    east = ["CHN", "RUS", "IRN", "BLR", "KAZ", "PRK", "MMR", "LAO", "KHM", "VNM", "SAU"]
    th_icio, _ = resolve_elasticities(icio, "cp2015")
    rand = random_io_world(194, 50)
    cases = [("icio2023 2022 two blocs (x1.4 fixed)", economy(icio),
              bloc_shock(icio, east, 1.4), th_icio),
             ("random 194x50 IO, random shock", economy(rand), random_shock(rand),
              np.full(50, 5.0))]
    print(f"{'engine vs 470b513 (median of ' + str(repeats) + ')':<40} {'old cpu':>8} "
          f"{'new cpu':>8} {'ratio':>6} {'old wall':>9} {'new wall':>9} {'ratio':>6} "
          f"{'|dw|':>8} {'iter':>7}")
    for name, econ, shock, th in cases:
        oe = baseline_economy(econ)
        args = (shock.tariffs, shock.tau_hat, th)
        old(oe, *args)  # warm-up of both
        solve_hat(econ, *args)
        c0, c1, w0, w1 = [], [], [], []
        so = sn = None
        for _ in range(repeats):
            for fn, e, cs, ws in ((old, oe, c0, w0), (solve_hat, econ, c1, w1)):
                t, c = time.perf_counter(), time.process_time()
                out = fn(e, *args)
                cs.append(time.process_time() - c)
                ws.append(time.perf_counter() - t)
                if fn is old:
                    so = out
                else:
                    sn = out
        assert so is not None and sn is not None and bool(sn.converged.all())
        m = [statistics.median(x) for x in (c0, c1, w0, w1)]
        gap = float(np.max(np.abs(so.w_hat - sn.w_hat)))
        print(f"{name:<40} {m[0]:8.4f} {m[1]:8.4f} {m[0] / m[1]:5.2f}x {m[2]:9.4f} "
              f"{m[3]:9.4f} {m[2] / m[3]:5.2f}x {gap:8.1e} {so.iterations:>3}/{sn.iterations:<3}",
              flush=True)


def run_case(name: str, world: ak.World, shock: ak.Shock, elasticities: object,
             options: ak.SolveOptions, repeats: int, y_repeats: int, budget: float,
             rows: list[dict[str, object]], y_step: float = 0.5) -> float:
    med, res = median_time(lambda: ak.solve(world, shock, elasticities, options), repeats)
    assert isinstance(res, ak.Result)
    row: dict[str, object] = {"case": name, "engine_s": med, "iterations": res.iterations,
                              "residual": max(res.residual.values())}
    if y_repeats > 0:
        econ = res.baseline
        theta = res.theta.to_numpy()
        y_med, sol = median_time(lambda: yardstick_solve(econ, shock.tariffs, shock.tau_hat,
                                                         theta, budget=budget,
                                                         deficit_new=res.deficit_new,
                                                         step=y_step),
                                 y_repeats)
        assert isinstance(sol, dict)
        row["yardstick_s"] = y_med
        row["yardstick_converged"] = sol["converged"]
        row["ratio"] = y_med / med
        gap = np.max(np.abs(yardstick_welfare(econ, sol) - res.welfare.to_numpy()))
        row["welfare_gap_pp"] = float(gap)
    rows.append(row)
    print_row(row)
    return med


def print_row(r: dict[str, object]) -> None:
    y = r.get("yardstick_s")
    ys = "" if y is None else f"{y:10.3f} s"
    if y is not None and not r.get("yardstick_converged", True):
        ys = f">{y:9.3f} s"
    ratio = r.get("ratio")
    rs = "" if ratio is None else f"{'>' if not r.get('yardstick_converged', True) else ' '}" \
        f"{ratio:7.1f}x"
    gap = r.get("welfare_gap_pp")
    gs = "" if gap is None else f"{gap:9.2e}"
    print(f"{r['case']:<46} {r['engine_s']:8.4f} s {ys:>12} {rs:>9} {gs:>9} "
          f"{r.get('iterations', ''):>5}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, yardstick on CP only")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="seconds the yardstick gets per large case (default 120)")
    ap.add_argument("--baseline-only", action="store_true",
                    help="only the table against the engine of commit 470b513")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ak.RepairWarning)
    against_baseline(5 if args.quick else 9)
    if args.baseline_only:
        return
    reps = 3 if args.quick else 7
    y_small = 1 if args.quick else 3
    y_large = 0 if args.quick else 1
    rows: list[dict[str, object]] = []
    print(f"{'case':<46} {'engine':>10} {'yardstick':>12} {'ratio':>9} {'gap pp':>9} "
          f"{'iter':>5}")
    cp = shared() / "cp2015"
    if (cp / "original_data" / "B.txt").exists() or (cp / "B.txt").exists():
        w = ak.data.read_cp2015(cp)
        nafta = ak.data.cp2015_nafta_shock(cp)
        t_single = run_case("cp2015 NAFTA 31x40 IO (deficits fixed)", w, nafta, "cp2015",
                            ak.SolveOptions(), reps, y_small, args.budget, rows)
        run_case("cp2015 NAFTA 31x40 IO (deficits zero, 2 solves)", w, nafta, "cp2015",
                 ak.SolveOptions(deficits="zero"), reps, 0, args.budget, rows)
        theta = np.asarray(w.theta.values)
        draws = theta * np.exp(np.random.default_rng(0).normal(0.0, 0.3, (100, theta.size)))
        # draws around CP (2015) (log-normal, sd 0.3) reach past 100 for petroleum (64.85)
        wide = ak.SolveOptions(extreme_elasticities=True)
        med, b = median_time(lambda: solve_batch(w, nafta, draws, options=wide),
                             max(1, reps // 2))
        row = {"case": "cp2015 NAFTA, 100 theta draws batched", "engine_s": med,
               "iterations": getattr(b, "iterations", "")}
        if rows and "yardstick_s" in rows[0]:
            row["yardstick_s"] = 100 * float(rows[0]["yardstick_s"])  # type: ignore[arg-type]
            row["ratio"] = row["yardstick_s"] / med
        rows.append(row)
        print_row(row)
        print(f"  (batched draws: {med / 100:.4f} s per draw vs {t_single:.4f} s single; "
              "yardstick column = 100 x its single NAFTA time)")
    else:
        print(f"CP (2015) files not found under {cp}: NAFTA cases skipped "
              "(set AUTARKY_SHARED)")
    icio = ak.load_world("icio2023", year=2022)
    run_case("icio2023 2022 81x29 IO world autarky (floor)", icio, autarky_shock(icio), "cp2015",
             ak.SolveOptions(unavailable="floor"), reps, y_large, args.budget, rows)
    east = ["CHN", "RUS", "IRN", "BLR", "KAZ", "PRK", "MMR", "LAO", "KHM", "VNM", "SAU"]
    # the yardstick's textbook step 0.5 diverges here; 0.2 creeps (lower bound when cut)
    run_case("icio2023 2022 81x29 IO two blocs (x1.4 across)", icio,
             bloc_shock(icio, east, 1.4), "cp2015", ak.SolveOptions(), reps, y_large,
             args.budget, rows, y_step=0.2)
    wiod = ak.load_world("wiod2013", year=2011)
    run_case("wiod2013 2011 41x35 IO bloc (BRIC, x1.3)", wiod,
             bloc_shock(wiod, ["BRA", "RUS", "IND", "CHN"], 1.3), "cp2015", ak.SolveOptions(),
             reps, y_large, args.budget, rows)


if __name__ == "__main__":
    main()
