"""Issue 17 (items 1, 2, 3, 6): the calibrated presets on icio2023 2022 and world194 2019,
next to the literature numbers they are calibrated to or compared with.

Run from the repository root::

    PYTHONPATH=src python scripts/issue17_results.py [--quick]

``--quick`` limits bloc-choice on world194 to a few states (the full table covers every
economy in neither bloc's core and takes about a minute).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import autarky as ak
from autarky import calibrate, outcomes

WORLDS = (("icio2023", 2022), ("world194", 2019))
LIT_BLOCS = ("Campos et al. (2023): between-bloc trade -22% to -57% (most extreme "
             "scenarios, quoted from the source)")
LIT_DEEP = ("Baier and Bergstrand (2007): an FTA about doubles members' trade (partial "
            "effect, +100%; beta = ln 2)")


def blocs(w: ak.World) -> None:
    member = ak.presets.bloc_membership(w)
    counts = member.value_counts()
    print(f"  membership: {dict(counts)}")
    for name in ("two-blocs-low", "two-blocs", "two-blocs-high", "three-blocs"):
        scn = ak.presets.get(name)
        res = ak.run.solve(w, scn)
        hat = next(n for n in res.notes if n.startswith("calibrated"))
        hat = hat.split(" x", 1)[1].split(" ", 1)[0]
        got = calibrate.between_bloc_change(res, scn.blocs(w))
        agg = ak.run.aggregates(w, scn, res)["welfare"]
        print(f"  {name:15s} cost x{hat}  between-bloc trade {got:+6.1f}% (target "
              f"{calibrate.BLOC_TARGETS[name][0]:+.1f}%)  welfare: "
              + ", ".join(f"{k} {v:+.2f}%" for k, v in agg.items()))
    print(f"  literature: {LIT_BLOCS}; Campos et al.: median Eastern-bloc welfare loss up "
          "to 3.4%")


def bloc_choice(w: ak.World, quick: bool) -> None:
    states = None
    if quick or "ROW" in w.countries:
        states = [s for s in ("IND", "TUR", "BRA", "MEX", "UKR", "ARM", "GEO", "AZE", "MDA",
                              "SAU", "ZAF", "IDN")
                  if s in ak.presets.swing_states(w)]
    t0 = time.perf_counter()
    df = ak.run.bloc_choice(w, states=states)
    secs = time.perf_counter() - t0
    out = df.xs("stay out", level="option")
    best = np.maximum(df.xs("join West", level="option")["welfare"],
                      df.xs("join East", level="option")["welfare"])
    print(f"  bloc-choice: {len(out)} states in {secs:.1f} s (barrier x"
          f"{df.attrs['cost_hat']:.4f}); staying out beats joining for "
          f"{int((out['welfare'] > best).sum())}; break-even penalty median x"
          f"{np.nanmedian(out['break_even']):.3f}, range x{np.nanmin(out['break_even']):.3f}"
          f" to x{np.nanmax(out['break_even']):.3f}")
    for s in [x for x in ("IND", "TUR", "BRA", "MEX", "UKR", "ARM", "GEO") if x in out.index]:
        print(f"    {s}: join West {df.loc[(s, 'join West'), 'welfare']:+.2f}%, join East "
              f"{df.loc[(s, 'join East'), 'welfare']:+.2f}%, stay out "
              f"{out.loc[s, 'welfare']:+.2f}%, break-even penalty x{out.loc[s, 'break_even']:.3f}")


def eurasian(w: ak.World) -> None:
    for name in ("union-state", "union-state-dissolution", "eaeu-deep-integration",
                 "eaeu-dissolution", "eaeu-customs-union", "cis-fta"):
        scn = ak.presets.get(name)
        res = ak.run.solve(w, scn)
        groups = scn.blocs(w)
        g, members = next(iter(groups.items()))
        tb = outcomes.trade_between(res, {g: members})
        mutual = tb.loc[(g, g), "change_pct"]
        wel = ", ".join(f"{c} {res.welfare[c]:+.2f}%" for c in members if c in w.countries)
        print(f"  {name:24s} members' mutual trade {mutual:+6.1f}%  welfare: {wel}")
    print(f"  literature: {LIT_DEEP}")


def row_autarky() -> None:
    for y in (2019, 2020):
        wi = ak.run.load("icio2023", y).world
        wb = ak.run.load("world194", y).world
        row = [c for c in wb.countries if c not in wi.countries]
        scn = ak.presets.get("world-autarky")
        opts = ak.run.options(scn)
        one = ak.run.solve(wb.aggregate(countries={"ROW": row}), scn, options=opts)
        each = ak.run.solve(wb, scn, options=opts)
        inc = ak.run.income(wb).reindex(row)
        sep = float((each.welfare.reindex(row) * inc).sum() / inc.sum())
        on_icio = ak.run.solve(wi, scn, options=opts).welfare["ROW"]
        print(f"  {y}: the {len(row)} economies icio2023 folds into ROW, on world194: as "
              f"one ROW {one.welfare['ROW']:+.2f}%, each closed {sep:+.2f}% (income-weighted)"
              f"; understatement {one.welfare['ROW'] - sep:+.2f} pp. (ROW on icio2023, "
              f"29 sectors with IO links: {on_icio:+.2f}%)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    for name, year in WORLDS:
        w = ak.run.load(name, year).world
        print(f"== {name} {year}")
        blocs(w)
        bloc_choice(w, args.quick)
        eurasian(w)
    print("== world-autarky: ROW's internal trade")
    row_autarky()
    print(f"(beta = ln 2 = {math.log(2):.4f}; elasticities cp2015 throughout)")


if __name__ == "__main__":
    main()
