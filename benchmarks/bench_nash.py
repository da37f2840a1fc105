"""Time the Nash tariff war against a plain scipy root on the tariffwar system, same run.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_nash.py [--quick] [--budget SECONDS]

Baseline (written once here, not part of the package): the system that Lashkaripour's
``tariffwar`` code hands to MATLAB's fsolve, 3N unknowns (wage changes, income changes,
tariff levels) and 3N residuals (wage income = sales net of tariffs, income = wages +
tariff revenue, tariff = optimal-tariff formula), solved by ``scipy.optimize.root``
(MINPACK hybrd, finite-difference Jacobian) from w^ = Y^ = 1 and a 25% tariff. The baseline
is given the balanced economy for free; ``ak.nash`` is timed end to end (deficit removal,
the Nash fixed point, the labelled Result with every equilibrium residual).

The exact Nash (``method="exact"``, the default) has no tariffwar counterpart; its baseline
in the same run is the numerical best-response Nash on the same world without IO links
(``method="best-response"``: finite differences of the engine's welfare), which finds the
same equilibrium; the gap column is then the largest |t_exact - t_best_response|.

Cases: formula and exact Nash on wiod2016 (44 x 16; elasticity 4 and the in-sample
elasticities; 2000, 2007, 2014) and icio2023 (81 x 28 without IO links; elasticity 4; 2018,
2022); numerical best-response Nash with input-output links on wiod2013 2011 (41 x 35).
Medians over repeats; the tariff gap is in percentage points.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _timing import median_time  # noqa: E402
from scipy import optimize

import autarky as ak
from autarky.model.economy import Economy
from autarky.nash import without_io


def root_nash(econ: Economy, theta: np.ndarray, budget: float) -> dict[str, object]:
    """The 3N tariffwar system by scipy.optimize.root (hybr, finite-difference Jacobian)."""
    N, J = econ.shape
    off = (1.0 - np.eye(N))[:, :, None]
    pi, t0, alpha = econ.pi, econ.tariffs, econ.alpha
    va, inc = econ.va, econ.income
    th = theta[None, None, :]
    start = time.perf_counter()

    class Budget(Exception):
        pass

    def system(x: np.ndarray) -> np.ndarray:
        if time.perf_counter() - start > budget:
            raise Budget
        w, yh, t = np.abs(x[:N]), np.abs(x[N:2 * N]), x[2 * N:]
        tn = t[:, None, None] * off  # importer n's tariff on every foreign good
        aux = pi * ((1.0 + tn) / (1.0 + t0) * w[None, :, None]) ** (-th)
        share = aux / aux.sum(axis=1, keepdims=True)
        spend = alpha * (yh * inc)[:, None]  # (n, j)
        sales = share * spend[:, None, :] / (1.0 + tn)
        err1 = sales.sum(axis=(0, 2)) - w * va
        err1[-1] = np.sum(va * (w - 1.0))
        err2 = (share * spend[:, None, :] * tn / (1.0 + tn)).sum(axis=(1, 2)) + w * va \
            - yh * inc
        foreign = sales * off
        elast = (th * foreign * (1.0 - share)).sum(axis=(0, 2)) / foreign.sum(axis=(0, 2))
        err3 = t - 1.0 / np.maximum(elast, 1.0)
        return np.concatenate([err1, err2, err3])

    x0 = np.concatenate([np.ones(2 * N), np.full(N, 0.25)])
    try:
        sol = optimize.root(system, x0, method="hybr", options={"xtol": 1e-10})
        x, ok = sol.x, bool(sol.success)
    except Budget:
        x, ok = x0, False
    return {"tariffs": x[2 * N:], "converged": ok}


def row(case: str, ours: float, base: float | None, gap: float | None, ok: bool,
        iters: int, what: str = "") -> None:
    b = "" if base is None else f"{'>' if not ok else ' '}{base:9.3f} s"
    r = "" if base is None else f"{'>' if not ok else ' '}{base / ours:7.1f}x"
    g = "" if gap is None or not ok else f"{gap:9.1e}"
    print(f"{case:<50} {ours:8.4f} s {b:>12} {r:>9} {g:>9} {iters:>5}  {what}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no best response")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="seconds the baseline gets per case (default 120)")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ak.RepairWarning)
    reps = 5 if args.quick else 15
    b_reps = 1 if args.quick else 3
    print(f"{'case':<50} {'ak.nash':>10} {'baseline':>12} {'ratio':>9} {'gap pp':>9} "
          f"{'iter':>5}  baseline")
    cases: list[tuple[str, int, str]] = [
        *[("wiod2016", y, s) for s in ("uniform4", "in-sample") for y in (2000, 2007, 2014)],
        *[("icio2023", y, "uniform4") for y in (2018, 2022)],
    ]
    for name, year, source in cases:
        world = ak.load_world(name, year=year)
        theta = ak.elasticities(name, source)
        label = f"{name} {year} {world.shape[0]}x{world.shape[1]} {source}"
        med, res = median_time(lambda w=world, th=theta: ak.nash(
            w, th, ak.NashOptions(method="formula")), reps)
        assert isinstance(res, ak.NashResult) and res.converged
        econ = res.result.baseline
        th = theta.to_numpy(float)
        b_med, sol = median_time(lambda e=econ, t=th: root_nash(e, t, args.budget),
                                 b_reps if name == "wiod2016" else 1)
        assert isinstance(sol, dict)
        gap = 100 * float(np.max(np.abs(np.asarray(sol["tariffs"]) - res.tariffs.to_numpy())))
        row(f"formula {label}", med, b_med, gap, bool(sol["converged"]), res.iterations,
            "scipy root, tariffwar system")
        med, ex = median_time(lambda w=world, th=theta: ak.nash(w, th), reps)
        assert isinstance(ex, ak.NashResult) and ex.converged
        if args.quick:
            row(f"exact {label}", med, None, None, True, ex.iterations)
            continue
        plain = without_io(world)
        b_med, br = median_time(lambda w=plain, th=theta: ak.nash(w, th, ak.NashOptions(
            method="best-response")), 1)
        assert isinstance(br, ak.NashResult) and br.converged
        gap = 100 * float((br.tariffs - ex.tariffs).abs().max())
        row(f"exact {label}", med, b_med, gap, True, ex.iterations,
            "best responses, no IO")
    if not args.quick:
        wiod = ak.load_world("wiod2013", year=2011)
        med, res = median_time(lambda: ak.nash(wiod, 4.0, ak.NashOptions(
            method="best-response")), 1)
        assert isinstance(res, ak.NashResult) and res.converged
        row("best response wiod2013 2011 41x35 IO, eps 4", med, None, None, True,
            res.iterations)


if __name__ == "__main__":
    main()
