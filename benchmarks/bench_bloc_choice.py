"""bloc-choice with break-even penalties: run time, batched against one-by-one solves.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_bloc_choice.py [--repeats R] [--states K]

Measures in one process, medians over repeats:

1. ``ak.run.bloc_choice`` on world194 2019 for every swing state (calibration, the
   three options of each state batched with ``sweep_scenarios``, and the break-even
   penalty by false position over batches), and on icio2023 2022 (8 states);
2. the baseline: the join/stay-out options of the first K world194 states solved one by
   one with ``ak.run.solve_plain`` (no penalty), scaled per state, and the ratio of the
   two per state.
"""

from __future__ import annotations

import argparse

from _timing import median_time  # noqa: E402

import autarky as ak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--states", type=int, default=10)
    args = ap.parse_args()
    w = ak.run.load("world194", 2019).world
    states = ak.presets.swing_states(w)
    t_all = median_time(lambda: ak.run.bloc_choice(w), args.repeats)[0]
    print(f"world194 2019: bloc_choice, {len(states)} states with break-even penalties: "
          f"median {t_all:.2f} s ({t_all / len(states) * 1e3:.1f} ms per state)")
    few = states[:args.states]

    def one_by_one() -> None:
        for s in few:
            for scn in ak.presets.bloc_choice_scenarios(s).values():
                ak.run.solve_plain(w, scn)

    t_one = median_time(one_by_one, args.repeats)[0] / len(few)
    print(f"baseline: three options solved one by one, no penalty: {t_one * 1e3:.1f} ms per "
          f"state; ratio (batched with penalty / one by one without): "
          f"{t_all / len(states) / t_one:.2f}")
    wi = ak.run.load("icio2023", 2022).world
    t_icio = median_time(lambda: ak.run.bloc_choice(wi), max(1, args.repeats - 2))[0]
    print(f"icio2023 2022: bloc_choice, {len(ak.presets.swing_states(wi))} states: median "
          f"{t_icio:.2f} s")


if __name__ == "__main__":
    main()
