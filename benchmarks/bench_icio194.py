"""icio194 (194 economies x 29 sectors, IO links): load time and one two-blocs solve.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_icio194.py [--repeats R] [--year Y]

Measures in one process, medians over repeats, with icio2023 (81 x 29, the world icio194
is composed from at load time) as the baseline in the same run:

1. ``ak.load_world("icio194", year)`` (targets: <= 0.5 s), and icio2023's load;
2. one solve of the ``two-blocs`` preset's scenario at its fixed (uncalibrated) barrier
   with IO links (``ak.run.solve_plain``; target <= 0.5 s), and the same on icio2023.
The size of the world (economies x sectors, IO) and of the stored file are printed.
"""

from __future__ import annotations

import argparse
import warnings
from importlib import resources
from pathlib import Path

from _timing import median_time  # noqa: E402

import autarky as ak
from autarky.errors import RepairWarning


def _load(name: str, year: int) -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        return ak.load_world(name, year=year)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--year", type=int, default=2019)
    args = ap.parse_args()
    path = Path(str(resources.files("autarky.data") / "embedded" / "icio194.npz"))
    _load("icio194", args.year)  # warm-up: imports, manifest
    t194, w = median_time(lambda: _load("icio194", args.year), args.repeats)
    t23, b = median_time(lambda: _load("icio2023", args.year), args.repeats)
    n, j = w.shape
    print(f"icio194 {args.year}: {n} economies x {j} sectors, IO links {w.has_io}; stored "
          f"inputs {path.stat().st_size / 1e6:.2f} MB")
    print(f"load: icio194 median {t194:.3f} s; icio2023 median {t23:.3f} s; ratio "
          f"{t194 / t23:.2f}")
    scn = ak.presets.get("two-blocs")
    ak.run.solve_plain(w, scn)  # warm-up
    s194, r = median_time(lambda: ak.run.solve_plain(w, scn), args.repeats)
    s23, _ = median_time(lambda: ak.run.solve_plain(b, scn), args.repeats)
    print(f"two-blocs (fixed barrier, IO links): icio194 median {s194:.3f} s; icio2023 "
          f"median {s23:.3f} s; ratio {s194 / s23:.2f}")
    print(f"  world welfare change on icio194: "
          f"{float((r.welfare * w.value_added.to_series()).sum() / w.value_added.sum()):.3f}%")


if __name__ == "__main__":
    main()
