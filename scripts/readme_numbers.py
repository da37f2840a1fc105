"""Regenerate the README's numbers that come from running the code; ``--check`` finds stale ones.

Each number this script owns sits in the README between two HTML comments::

    <!-- readme_numbers: NAME -->...<!-- /readme_numbers -->

and is produced by the function registered here under NAME, by running the package (the run
service, the library, the stored estimates), never written in. Usage, from the repository
root::

    PYTHONPATH=src python scripts/readme_numbers.py            # rewrite the blocks in place
    PYTHONPATH=src python scripts/readme_numbers.py --check    # exit 1 naming each stale number
    PYTHONPATH=src python scripts/readme_numbers.py --only doors-two-blocs --check

A block whose reference data (../shared/data) is absent is skipped and said so; ``--check``
then checks the others. Benchmark timings are not here: they are machine-dependent, come
from ``benchmarks/`` and are marked ``<!-- benchmark output ... -->`` in the README.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SHARED = Path(os.environ.get("AUTARKY_SHARED", REPO.parent / "shared" / "data"))

BLOCK = re.compile(r"<!-- readme_numbers: (?P<name>[a-z0-9-]+) -->(?P<body>.*?)"
                   r"<!-- /readme_numbers -->", re.S)
NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?")


class Absent(Exception):
    """The reference data a block needs are not on this machine."""


BLOCKS: dict[str, Callable[[], str]] = {}


def block(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        BLOCKS[name] = fn
        return fn

    return register


def shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        raise Absent(f"reference data not found at {p}")
    return p


# ------------------------------------------------------------------ runs, each done once
@cache
def ak() -> Any:
    warnings.simplefilter("ignore")
    import autarky

    return autarky


@cache
def world(name: str, year: int | None = None) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ak().load_world(name, year=year)


@cache
def run(preset: str, name: str = "icio2023", year: int | None = 2022) -> Any:
    a = ak()
    return a.service.run(a.RunSpec(preset, world=world(name, year), range=False))


def signed(v: float, digits: int = 3) -> str:
    return f"{v:+.{digits}f}"


def welfare(o: Any, codes: tuple[str, ...], digits: int = 3, pct: str = "") -> str:
    return ", ".join(f"{c} {signed(float(o.result.welfare[c]), digits)}{pct}" for c in codes)


def mutual_trade(o: Any) -> str:
    for n in (*o.notes, *o.result.notes):
        m = re.search(r"members' mutual trade \(all sectors, both directions\) ([+-][\d.]+)%",
                      str(n))
        if m:
            return f"{m.group(1)}%"
    raise RuntimeError(f"{o.name}: no note on the members' mutual trade")


# ------------------------------------------------ "One question, one answer": the doors
@block("doors-two-blocs")
def _doors_two_blocs() -> str:
    return welfare(run("two-blocs"), ("CHN", "USA"))


@block("doors-union-state")
def _doors_union_state() -> str:
    return welfare(run("union-state"), ("BLR",))


@block("doors-macro-state")
def _doors_macro_state() -> str:
    return welfare(run("eurasian-macro-state"), ("BLR", "KAZ"))


# ----------------------------------------------------------- calibrated Eurasian presets
@block("bloc-choice-counts")
def _bloc_choice_counts() -> str:
    parts = []
    for name, year in (("icio2023", 2022), ("world194", 2020)):
        o = run("bloc-choice", name, year)
        best = o.table["welfare"].unstack().idxmax(axis=1)
        n = len(best)
        counts = best.value_counts()
        opts = ak().presets.OPTIONS
        shown = [f"{opt} {int(counts.get(opt, 0))}" for opt in opts
                 if int(counts.get(opt, 0)) or opt == opts[2]]
        if len(shown) == 1:
            shown = [f"{shown[0]} of {n}"]
        else:
            shown[-1] += f" of {n}"
        parts.append(f"{name} {year} " + ", ".join(shown))
    return "; ".join(parts)


@block("macro-state")
def _macro_state() -> str:
    o = run("eurasian-macro-state")
    return (f"mutual trade {mutual_trade(o)}, "
            + welfare(o, ("BLR", "KAZ", "RUS", "UKR"), 1, "%"))


@block("macro-state-upper")
def _macro_state_upper() -> str:
    o = run("eurasian-macro-state-upper")
    return f"{welfare(o, ('BLR',), 1, '%')}, mutual {mutual_trade(o)}"


@block("macro-state-lower")
def _macro_state_lower() -> str:
    o = run("eurasian-macro-state-lower")
    return f"{welfare(o, ('BLR',), 1, '%')}, mutual {mutual_trade(o)}"


@block("eaeu-dissolution")
def _dissolution() -> str:
    return welfare(run("eaeu-dissolution"), ("BLR", "KAZ", "RUS"), 1, "%")


def _stored(name: str) -> Any:
    return ak().gravity.stored_border(name)


@block("border-table")
def _border_table() -> str:
    recs = {w: _stored(w) for w in ("world194", "icio2023")}
    head = " | ".join(f"{w} {min(r['years'])}-{max(r['years'])}" for w, r in recs.items())
    rows = [f"| term | {head} |", "|---|---|---|"]

    def cell(d: dict[str, Any]) -> str:
        return f"{float(d['estimate']):.3f} ({float(d['std_error']):.3f})"

    for term in recs["icio2023"]["coefficients"]:
        rows.append(f"| {term} | " + " | ".join(cell(recs[w]["coefficients"][term])
                                                for w in recs) + " |")
    for term, label in (("border_ussr_eaeu", "border between two EAEU members"),
                        ("border_eu", "border between two EU members")):
        rows.append(f"| {label} | " + " | ".join(cell(recs[w]["derived"][term])
                                                 for w in recs) + " |")
    rows.append("| N (economies) | " + " | ".join(
        f"{int(recs[w]['nobs']):,} ({int(recs[w]['countries'])})" for w in recs) + " |")
    return "\n" + "\n".join(rows) + "\n\n"


def _coef(world_name: str, term: str) -> float:
    return float(_stored(world_name)["coefficients"][term]["estimate"])


def _derived(world_name: str, term: str) -> float:
    return float(_stored(world_name)["derived"][term]["estimate"])


@block("bloc-eu-effect")
def _bloc_eu_effect() -> str:
    return f"{_coef('icio2023', 'EU'):+.3f}"


@block("macro-state-borders")
def _macro_state_borders() -> str:
    return (f"EAEU pairs {-_derived('icio2023', 'border_ussr_eaeu'):.3f}, CIS FTA pairs "
            f"{-_derived('icio2023', 'border_ussr_cis_fta'):.3f}, pairs in no agreement "
            f"{-_derived('icio2023', 'border_ussr'):.3f}")


@block("eaeu-gap")
def _eaeu_gap() -> str:
    return f"{_derived('icio2023', 'gap_eu_eaeu_total'):.3f}"


@block("dissolution-effect")
def _dissolution_effect() -> str:
    return f"{_coef('icio2023', 'EAEU') + _coef('icio2023', 'CIS_FTA'):.3f}"


# --------------------------------------------------------- world autarky with and without IO
def _world_welfare(o: Any) -> float:
    return float(o.aggregates.loc["world", "welfare"])


@block("world-autarky-io")
def _world_autarky_io() -> str:
    a = ak()
    with_io = _world_welfare(run("world-autarky"))
    flat = a.service.run(a.RunSpec("world-autarky", world=world("icio2023", 2022).without_io(),
                                   range=False))
    wiod = _world_welfare(run("world-autarky", "wiod2013", 2011))
    return (f"{with_io:+.3f}% with IO as `autarky run world-autarky` prints it, "
            f"{_world_welfare(flat):+.3f}% with\n  `world.without_io()`; wiod2013 2011: "
            f"{wiod:+.1f}%")


@block("floor-rule")
def _floor_rule() -> str:
    import dataclasses

    a = ak()
    o = run("world-autarky")
    t = o.extras["rule_intervals"]
    former = a.run.solve(world("icio2023", 2022), o.scenario,
                         options=dataclasses.replace(o.options, floor_rule="median"))
    return (f"CHL {t.at['CHL', 'headline']:.1f}% and {t.at['CHL', 'supply low']:.1f}%, PRT "
            f"{t.at['PRT', 'headline']:.1f}% and {t.at['PRT', 'supply low']:.1f}%; under the "
            f"former default CHL\n{float(former.welfare['CHL']):.1f}%, PRT "
            f"{float(former.welfare['PRT']):.1f}%")


# ------------------------------------------------------------------------- tariff wars
@block("nash-usa-eps4")
def _nash_usa() -> str:
    from autarky.nash import optimal_tariff

    res = optimal_tariff(world("wiod2016", 2014), "USA", elasticities=4.0)
    return (f"{100 * float(res.tariffs['USA']):.2f}%, USA welfare "
            f"{float(res.welfare['USA']):+.3f}%")


@block("exact-vs-formula")
def _exact_vs_formula() -> str:
    a = ak()
    w = world("wiod2016", 2014)
    x = a.nash(w, 4.0)
    f = a.nash(w, 4.0, a.NashOptions(method="formula"))
    gap = 100 * (x.tariffs - f.tariffs.reindex(x.tariffs.index))
    top = gap.sort_values(ascending=False).head(4)
    dw = (f.welfare - x.welfare.reindex(f.welfare.index)).sort_values(ascending=False)
    return (f"{gap.min():.3f} to {gap.max():.3f} pp above the formula ("
            + ", ".join(f"{c} {v:.2f}" for c, v in top.items())
            + f") and welfare is lower by at most {dw.iloc[0]:.3f} pp ({dw.index[0]})")


@cache
def _formula_gap(elasticities: Any) -> float:
    """Largest |exact - formula| Nash tariff on wiod2016 2014, percentage points."""
    a = ak()
    w = world("wiod2016", 2014)
    x = a.nash(w, elasticities)
    f = a.nash(w, elasticities, a.NashOptions(method="formula"))
    return float((100 * (x.tariffs - f.tariffs.reindex(x.tariffs.index))).abs().max())


@block("nash-formula-gap")
def _nash_formula_gap() -> str:
    return (f"{_formula_gap(4.0):.2f} pp at elasticity 4 and {_formula_gap('in-sample'):.1f} "
            "pp with the wiod2016 in-sample elasticities")


@block("nash-formula-gap-in-sample")
def _nash_formula_gap_in_sample() -> str:
    return f"{_formula_gap('in-sample'):.1f} pp"


# ------------------------------------------------------------- Liberation Day (ILMS 2025)
_LIB_ROWS = [("no retaliation", "none", "income-tax", ("USA", "non-US (average)")),
             ("lump-sum rebate", "none", "lump-sum", ("USA", "non-US (average)")),
             ("reciprocal", "reciprocal", "income-tax", ("USA", "CHN", "EU",
                                                         "non-US (average)")),
             ("optimal retaliation", "optimal", "income-tax", ("USA", "CHN", "EU",
                                                               "non-US (average)"))]
# Ignatenko, Lashkaripour, Macedoni, Simonovska (2025), JIE 157, 104138, Tables 1-2 (cases
# 1-2): welfare / employment / prices, %, as printed (the published column, not computed)
_LIB_PUBLISHED = {
    ("none", "income-tax", "USA"): "+1.13 / +0.32 / +12.8",
    ("none", "income-tax", "non-US (average)"): "-0.58 / -0.14 / -4.7",
    ("none", "lump-sum", "USA"): "-0.01 / -0.41 / +13.1",
    ("none", "lump-sum", "non-US (average)"): "-0.57 / -0.14 / -4.8",
    ("reciprocal", "income-tax", "USA"): "-0.36 / -0.18 / +7.5",
    ("reciprocal", "income-tax", "CHN"): "-0.82 / -0.16 / -3.7",
    ("reciprocal", "income-tax", "EU"): "-0.22 / -0.09 / -2.6",
    ("reciprocal", "income-tax", "non-US (average)"): "-0.46 / -0.13 / -2.7",
    ("optimal", "income-tax", "USA"): "-0.75 / -0.32 / +6.0",
    ("optimal", "income-tax", "CHN"): "-0.65 / -0.13 / -3.3",
    ("optimal", "income-tax", "EU"): "-0.23 / -0.09 / -2.1",
    ("optimal", "income-tax", "non-US (average)"): "-0.43 / -0.13 / -2.2",
}


@cache
def _ilms() -> Any:
    from autarky.data import read_ilms2025

    return read_ilms2025(shared("us-tariff-2025"))


@cache
def _liberation(retaliation: str, rebate: str) -> Any:
    from autarky.liberation import liberation_day, summary
    from autarky.model.ilms import ILMSParams

    data = _ilms()
    return summary(liberation_day(data, retaliation, ILMSParams(rebate=rebate)), data)


@block("liberation-table")
def _liberation_table() -> str:
    rows = ["| Table 1-2 (JIE 157, 104138) | published welfare / employment / prices, % "
            "| autarky |", "|---|---|---|"]
    for label, ret, rebate, regions in _LIB_ROWS:
        got = _liberation(ret, rebate)
        for r in regions:
            v = got.loc[r]
            name = "non-US" if r.startswith("non-US") else r
            rows.append(f"| {label}, {name} | {_LIB_PUBLISHED[(ret, rebate, r)]} | "
                        f"{v['welfare']:+.3f} / {v['employment']:+.3f} / {v['cpi']:+.2f} |")
    return "\n" + "\n".join(rows) + "\n\n"


@block("liberation-commands")
def _liberation_commands() -> str:
    usa = {ret: float(_liberation(ret, "income-tax").loc["USA", "welfare"])
           for ret in ("none", "reciprocal", "optimal")}
    folder = "../shared/data/us-tariff-2025"
    return ("\n```bash\n"
            f"autarky run liberation-day --world {folder}        # USA welfare "
            f"{usa['none']:+.2f}%\n"
            f"autarky run liberation-day-reciprocal --world {folder}          # "
            f"{usa['reciprocal']:+.2f}%\n"
            f"autarky run liberation-day-optimal-retaliation --world {folder}  # "
            f"{usa['optimal']:+.2f}%\n```\n")


# ------------------------------------------------------------------ gravity, data, catalog
@block("gravity-sample")
def _gravity_sample() -> str:
    import pandas as pd

    a = ak()
    panel = pd.read_csv(shared("gegravity-sample", "sample_data_set.dlm"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = a.gravity.estimate(
            panel, "trade ~ pta + contiguity + common_language + lndist + international",
            year=None)
        ge = a.gravity.simulate_change(est, panel, {"pta": 1}, between=["CAN", "JPN"],
                                       sigma=7, reference="USA")
    b = est.table.loc["pta"]
    gdp = ge.summary()["rGDP_FULL"]
    return (f"pta = {b['estimate']:.3f} (s.e. {b['std_error']:.3f});\nreal GDP "
            f"{gdp['CAN']:+.2f}% in Canada, {gdp['JPN']:+.2f}% in Japan")


@block("median-sectors")
def _median_sectors() -> str:
    a = ak()
    med = a.elasticities("icio2023", "median")
    cp = a.elasticities("icio2023", "cp2015")
    return (f"petroleum (C19) {med['C19']:.1f} instead of {cp['C19']:.2f} and motor\n"
            f"vehicles (C29) {med['C29']:.1f} instead of {cp['C29']:.2f}")


@block("no-home-production")
def _no_home_production() -> str:
    return f"{int((~world('icio2023', 2022).produces_at_home()).sum())} country-sector pairs"


@cache
def _us_food() -> Any:
    from autarky.data.tariff_quality import implausible_tariffs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak().load_world("icio2023", year=2022, tariffs="as-published")
    tab = implausible_tariffs(w.tariffs.values, w.flows.values, w.countries, w.sectors)
    return tab[(tab["importer"] == "USA") & (tab["sector"] == "C10T12")].iloc[0]


@block("us-food-published")
def _us_food_published() -> str:
    return f"US\n  food {float(_us_food()['max_rate']):.3f}"


@block("us-food-repaired")
def _us_food_repaired() -> str:
    return f"US food 2022: {float(_us_food()['repaired_rate']):.3f}"


@block("travel-share")
def _travel_share() -> str:
    import numpy as np

    f = world("icio2023", 2022).arrays()["flows"]
    intl = f.sum(axis=(0, 1)) - np.einsum("nnj->j", f)
    j = list(world("icio2023", 2022).sectors).index("TRAVEL")
    return f"{100 * intl[j] / intl.sum():.1f}%"


# --------------------------------------------------------------------------- the driver
def _value(token: str) -> float:
    return float(token.replace(",", ""))


def _digit(token: str) -> float:
    """One unit of the last digit a number is printed with (0.001 for '-0.137')."""
    mantissa = token.replace(",", "").lower().split("e")[0]
    return 10.0 ** -len(mantissa.split(".")[1]) if "." in mantissa else 1.0


def same(old: str, new: str) -> bool:
    """The same text with the same numbers, each within one unit of its last printed digit.

    A value that sits on a rounding boundary can print one digit apart on another machine
    (another BLAS): that is not a stale number.
    """
    if NUMBER.sub("#", old) != NUMBER.sub("#", new):
        return False
    a, b = NUMBER.findall(old), NUMBER.findall(new)
    return all(abs(_value(x) - _value(y)) <= 1.0001 * _digit(x) for x, y in zip(a, b,
                                                                               strict=True))


def stale_numbers(old: str, new: str) -> list[str]:
    """Each number of ``old`` that ``new`` replaces: 'OLD -> NEW' (or the changed text)."""
    a, b = NUMBER.findall(old), NUMBER.findall(new)
    if len(a) == len(b) and NUMBER.sub("#", old) == NUMBER.sub("#", new):  # number by number
        return [f"{x} -> {y}" for x, y in zip(a, b, strict=True) if not same(x, y)]
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"{' '.join(a[i1:i2]) or '(none)'} -> {' '.join(b[j1:j2]) or '(none)'}")
    return out or ["text differs (no number changed): " + new.strip()[:80]]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="Change nothing; exit 1 naming each "
                   "stale number.")
    p.add_argument("--only", action="append", help="Only this block (repeatable).")
    p.add_argument("--readme", default=str(README))
    args = p.parse_args(argv)
    path = Path(args.readme)
    text = path.read_text(encoding="utf-8")
    found = [m["name"] for m in BLOCK.finditer(text)]
    unknown = sorted(set(found) - set(BLOCKS))
    unused = sorted(set(BLOCKS) - set(found))
    if unknown or unused:
        for n in unknown:
            print(f"{path.name}: block {n!r} has no function in {Path(__file__).name}")
        for n in unused:
            print(f"{path.name}: no block marked for {n!r}")
        return 1
    todo = set(args.only or found)
    values: dict[str, str] = {}
    stale: list[str] = []
    for name in dict.fromkeys(found):
        if name not in todo:
            continue
        try:
            values[name] = BLOCKS[name]()
        except Absent as why:
            print(f"{name}: skipped ({why})")

    def replace(m: re.Match[str]) -> str:
        name = m["name"]
        if name not in values:
            return m.group(0)
        if not same(m["body"], values[name]):
            stale.extend(f"{name}: {s}" for s in stale_numbers(m["body"], values[name]))
        return f"<!-- readme_numbers: {name} -->{values[name]}<!-- /readme_numbers -->"

    new = BLOCK.sub(replace, text)
    if args.check:
        for s in stale:
            print(f"stale: {s}")
        print(f"{len(values)} blocks checked, {len(stale)} stale numbers")
        return 1 if stale else 0
    if new != text:
        path.write_text(new, encoding="utf-8")
    print(f"{len(values)} blocks regenerated, {len(stale)} numbers changed"
          + "".join(f"\n  {s}" for s in stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
