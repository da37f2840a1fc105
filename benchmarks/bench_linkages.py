"""Benchmark: autarky.linkages against pymrio's IOSystem.calc_all() on one synthetic table.

    python benchmarks/bench_linkages.py                 # 9,800 x 9,800, 343 final-demand columns
    python benchmarks/bench_linkages.py --size 1960     # a quick run (49 regions x 40 sectors)

The table (49 regions by default, ``size / regions`` sectors, 7 final-demand categories per
region, about two thirds of the intermediate cells zero, column sums of A between 0.3 and
0.7, an extension of ``--stressors`` rows) is generated once, seeded, into a work folder.
Each side then runs in its own subprocess, alternating, ``--repeats`` times: it loads the
same .npy files, computes, and reports its own wall time for the computation (the load
excluded on both sides). Peak memory is the child's maximum resident set size as the
operating system reports it (``os.wait4``), measured the same way for both sides and
including the loaded table. Medians are reported with their ratios, and the two sides'
results are compared.

pymrio side: ``IOSystem(Z, Y) + Extension(F)``, ``calc_all()``: x, A, L = inv(I - A), and for
the extension S, M = S L, D_cba, D_pba, D_imp, D_exp and their regional sums.

autarky side: the same quantities from ``autarky.linkages``: x, A, the LU factorisation
of I - A (L is not formed), output multipliers 1'L, S, M = S L, D_cba, D_pba, D_imp,
D_exp and their regional sums. Z and A are kept in memory, as pymrio keeps them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


# ----------------------------------------------------------------------------- table
def make_table(folder: Path, size: int, regions: int, categories: int, stressors: int,
               seed: int) -> dict:
    """Write a seeded synthetic MRIO (Z, Y, F) with EXIOBASE-like sparsity to ``folder``."""
    from scipy.linalg import lu_factor, lu_solve

    if size % regions:
        raise SystemExit(f"--size {size} is not a multiple of --regions {regions}")
    S = size // regions
    n = size
    rng = np.random.default_rng(seed)
    # coefficients: one third of the cells non-zero, domestic blocks denser and larger
    A = np.zeros((n, n))
    block = np.arange(n) // S
    for start in range(0, n, 1000):  # row chunks keep the generator's memory small
        rows = slice(start, min(start + 1000, n))
        dom = block[rows, None] == block[None, :]
        p = np.where(dom, 0.9, 0.32)
        nz = rng.random((rows.stop - rows.start, n)) < p
        vals = rng.lognormal(mean=0.0, sigma=1.5, size=nz.shape) * np.where(dom, 30.0, 1.0)
        A[rows] = np.where(nz, vals, 0.0)
    A *= rng.uniform(0.3, 0.7, n)[None, :] / A.sum(axis=0)[None, :]
    # final demand: households, government, investment, ... per region; domestic bias
    Fc = regions * categories
    home = (block[:, None] == (np.arange(Fc) // categories)[None, :])
    Y = rng.lognormal(mean=2.0, sigma=1.5, size=(n, Fc)) * np.where(home, 50.0, 1.0)
    Y *= rng.random((n, Fc)) < 0.8
    M = np.negative(A, order="F")
    M.flat[:: n + 1] += 1.0
    x = lu_solve(lu_factor(M, overwrite_a=True, check_finite=False), Y.sum(axis=1))
    del M
    Z = np.multiply(A, x[None, :], out=A)
    del A
    F = rng.lognormal(mean=0.0, sigma=1.0, size=(stressors, n)) * x[None, :]
    F[0] = x - Z.sum(axis=0)  # the first stressor: value added
    np.save(folder / "Z.npy", Z)
    np.save(folder / "Y.npy", Y)
    np.save(folder / "F.npy", F)
    meta = {"size": size, "regions": regions, "sectors": S, "categories": categories,
            "stressors": stressors, "seed": seed,
            "zero_share": float((Z == 0).mean())}
    (folder / "meta.json").write_text(json.dumps(meta))
    return meta


# ----------------------------------------------------------------------------- workers
def _labels(meta: dict):
    import pandas as pd

    regs = [f"r{i:02d}" for i in range(meta["regions"])]
    secs = [f"s{j:03d}" for j in range(meta["sectors"])]
    cats = [f"c{j}" for j in range(meta["categories"])]
    idx = pd.MultiIndex.from_product([regs, secs], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([regs, cats], names=["region", "category"])
    return idx, cols


def worker_pymrio(folder: Path, meta: dict) -> dict:
    import pandas as pd
    import pymrio

    Z = np.load(folder / "Z.npy")
    Y = np.load(folder / "Y.npy")
    F = np.load(folder / "F.npy")
    idx, cols = _labels(meta)
    io = pymrio.IOSystem(Z=pd.DataFrame(Z, index=idx, columns=idx),
                         Y=pd.DataFrame(Y, index=idx, columns=cols), name="synthetic")
    io.ext = pymrio.Extension(name="ext", F=pd.DataFrame(
        F, index=[f"f{i}" for i in range(F.shape[0])], columns=idx))
    del Z, Y, F
    t0 = time.perf_counter()
    io.calc_all()
    seconds = time.perf_counter() - t0
    np.save(folder / "out_pymrio.npy", np.concatenate([
        io.ext.D_cba_reg.to_numpy().ravel(), io.ext.D_pba_reg.to_numpy().ravel(),
        io.ext.D_imp_reg.to_numpy().ravel(), io.ext.D_exp_reg.to_numpy().ravel(),
        io.ext.M.to_numpy()[:, :50].ravel(), io.L.to_numpy().sum(axis=0)[:50]]))
    return {"seconds": seconds,
            "computed": "x, A, L=inv(I-A); extension S, M=SL, D_cba, D_pba, D_imp, D_exp, *_reg"}


def worker_autarky(folder: Path, meta: dict) -> dict:
    sys.path.insert(0, str(SRC))
    from autarky import linkages as lk

    Z = np.load(folder / "Z.npy")
    Y = np.load(folder / "Y.npy")
    F = np.load(folder / "F.npy")
    R, nS = meta["regions"], meta["sectors"]
    t0 = time.perf_counter()
    x = Z.sum(axis=1) + Y.sum(axis=1)
    A = lk.calc_A(Z, x)
    lu = lk.LeontiefLU(A)
    out_mult = lu.output_multipliers()
    Y_agg = Y.reshape(Y.shape[0], R, -1).sum(axis=2)
    S = lk.calc_S(F, x)
    M = lk.calc_M(S, lu)
    D_cba, D_pba, D_imp, D_exp = lk.calc_accounts(S, lu, Y_agg, nS)
    k = S.shape[0]
    regional = [D.reshape(k, R, nS).sum(axis=2) for D in (D_cba, D_pba, D_imp, D_exp)]
    seconds = time.perf_counter() - t0
    np.save(folder / "out_autarky.npy", np.concatenate(
        [r.ravel() for r in regional] + [M[:, :50].ravel(), out_mult[:50]]))
    return {"seconds": seconds,
            "computed": "x, A, LU of I-A (L not formed), output multipliers 1'L; extension "
                        "S, M=SL, D_cba, D_pba, D_imp, D_exp, *_reg"}


# ----------------------------------------------------------------------------- driver
def run_child(side: str, folder: Path) -> dict:
    """Run one side in a fresh interpreter; return its report and peak RSS (MiB)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", side,
           "--workdir", str(folder)]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{side} worker failed with exit code {proc.returncode}")
    report = json.loads(text.strip().splitlines()[-1])
    report["peak_mib"] = usage.ru_maxrss / 1024.0  # Linux: kilobytes
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=9800)
    ap.add_argument("--regions", type=int, default=49)
    ap.add_argument("--categories", type=int, default=7)
    ap.add_argument("--stressors", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--worker", choices=["pymrio", "autarky"], default=None)
    args = ap.parse_args(argv)

    if args.worker:
        meta = json.loads((args.workdir / "meta.json").read_text())
        rep = (worker_pymrio if args.worker == "pymrio" else worker_autarky)(args.workdir, meta)
        print(json.dumps(rep))
        return 0

    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench_linkages_")
        folder = Path(tmp.name)
    else:
        folder = args.workdir
        folder.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        meta = make_table(folder, args.size, args.regions, args.categories, args.stressors,
                          args.seed)
        print(f"table: {meta['size']} x {meta['size']} ({meta['regions']} regions x "
              f"{meta['sectors']} sectors), {meta['regions'] * meta['categories']} final-demand "
              f"columns, {meta['stressors']} stressors, {meta['zero_share']:.1%} zeros in Z, "
              f"seed {meta['seed']} (generated in {time.perf_counter() - t0:.1f} s)")
        print(f"BLAS threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
              f"cpus {os.cpu_count()}")
        runs: dict[str, list[dict]] = {"pymrio": [], "autarky": []}
        for rep in range(args.repeats):
            for side in ("pymrio", "autarky"):
                r = run_child(side, folder)
                runs[side].append(r)
                print(f"  run {rep + 1} {side:8s} {r['seconds']:8.2f} s  "
                      f"peak {r['peak_mib']:9.1f} MiB", flush=True)
        ref = np.load(folder / "out_pymrio.npy")
        ours = np.load(folder / "out_autarky.npy")
        err = float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))
        med = {s: (statistics.median(r["seconds"] for r in v),
                   statistics.median(r["peak_mib"] for r in v)) for s, v in runs.items()}
        print()
        for side in ("pymrio", "autarky"):
            print(f"{side:8s} computed: {runs[side][0]['computed']}")
        print()
        print(f"{'side':8s} {'median time (s)':>16s} {'median peak RSS (MiB)':>22s}")
        for side in ("pymrio", "autarky"):
            print(f"{side:8s} {med[side][0]:16.2f} {med[side][1]:22.1f}")
        speed = med["pymrio"][0] / med["autarky"][0]
        mem = med["autarky"][1] / med["pymrio"][1]
        print(f"\nspeed-up: {speed:.2f}x (target >= 3x)   memory: {mem:.0%} of pymrio's peak "
              f"(target <= 60%)   results: max relative difference {err:.2e}")
        ok = speed >= 3.0 and mem <= 0.60 and err < 1e-8
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
