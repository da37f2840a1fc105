"""Cost of the range across elasticity sources printed with every headline table.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_range.py [--repeats R]

Measures, in one process, medians over ``R`` repeats on icio2023 2022 (the default world):

1. the headline solve of ``autarky run`` (two-blocs, default 'median' elasticities) —
   the baseline;
2. :func:`autarky.run.source_range`: the same scenario under the catalog's 8 published
   sources in one batched solve, and its ratio to the baseline;
3. for comparison, the 8 sources solved one by one with :func:`autarky.solve`;
4. :func:`autarky.run.compare_range` (two-blocs vs three-blocs, 16 rows in one batch).
"""

from __future__ import annotations

import argparse
import warnings

from _timing import median_time  # noqa: E402

import autarky as ak
from autarky import run
from autarky.errors import ScenarioWarning


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore", ak.RepairWarning)
    warnings.simplefilter("ignore", ScenarioWarning)
    w = ak.load_world("icio2023", year=2022)
    scn, other = run.scenario("two-blocs"), run.scenario("three-blocs")
    opts = run.options(scn)
    run.solve(w, scn, options=opts)  # warm-up (imports, caches)
    run.source_range(w, scn, opts)
    base = median_time(lambda: run.solve(w, scn, options=opts), args.repeats)[0]
    rng = median_time(lambda: run.source_range(w, scn, opts), args.repeats)[0]
    sources = list(ak.data.elasticity_sources().index)
    one_by_one = median_time(lambda: [run.solve(w, scn, s, opts) for s in sources],
                             args.repeats)[0]
    cmp = median_time(lambda: run.compare_range(w, scn, other), args.repeats)[0]
    print(f"icio2023 2022, two-blocs, medians over {args.repeats} repeats")
    print(f"  headline solve (median elasticities)      {base:7.3f} s")
    print(f"  range across 8 sources, one batched solve {rng:7.3f} s "
          f"({rng / base:.1f}x the headline solve)")
    print(f"  the 8 sources solved one by one           {one_by_one:7.3f} s "
          f"(batched / one by one: {rng / one_by_one:.2f})")
    print(f"  compare range (2 scenarios x 8 sources)   {cmp:7.3f} s")


if __name__ == "__main__":
    main()
