"""What each door gives for three presets on icio2023 2022 (README, "One question, one answer").

Run with ``PYTHONPATH=src`` from a checkout. It prints, for two-blocs, union-state and
eurasian-macro-state, the library call (``ak.solve``), the command line's solve
(``autarky.run.solve``) and the run service every door uses, each with the world number of
the table the report, workbook and app show. On a checkout before round 3 (commit 470b513)
the first two differed; now the three agree.
"""

import warnings

import autarky as ak
from autarky import outcomes

warnings.simplefilter("ignore")
COLS = ["CHN", "USA", "BLR", "KAZ", "RUS"]


def row(res: ak.Result) -> str:
    return " ".join(f"{c} {res.welfare[c]:+.3f}" for c in COLS if c in res.welfare.index)


w = ak.load_world("icio2023", year=2022)
for name in ("two-blocs", "union-state", "eurasian-macro-state"):
    scn = ak.presets.get(name)
    lib = ak.solve(w, scn)
    lib_world = outcomes.bloc_aggregates(lib, scn.blocs(w)).loc["world", "welfare_pct"]
    cli = ak.run.solve(w, scn, options=ak.run.options(scn))
    cli_world = ak.run.aggregates(w, scn, cli).loc["world", "welfare"]
    print(f"{name}: ak.solve: {row(lib)}; world {lib_world:+.3f} (report/workbook/app table)")
    print(f"{name}: autarky run: {row(cli)}; world {cli_world:+.3f} (CLI table)")
    if hasattr(ak, "service"):
        o = ak.service.run(ak.RunSpec(name, world=w, range=False))
        svc_world = o.aggregates.loc["world", "welfare"]
        print(f"{name}: run service (every door): {row(o.result)}; world {svc_world:+.3f}")
