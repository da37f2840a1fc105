"""Eurasian diagnostics and the macro-state's accession path (issue 29).

Tables set beside a Eurasian result through :data:`autarky.service.EXTRAS`, so that every
door (CLI, ``--out``/``--excel``, the app) shows them:

* :func:`macro_state_tables`: for the members of a macro-state run, the Head-Ries (2001)
  integration index of each member pair before and after, beside benchmark pairs
  (CZE-SVK, DEU-AUT and the median EU pair, where the world has them), and each member's
  domestic expenditure share before and after;
* :func:`comparator_tables`: Knobel et al. (2019) and Djankov and Freund (2002) beside the
  run's own numbers for every Eurasian preset;
* :func:`path_tables`: with ``RunSpec(path=True)``, :func:`accession_path`: members added
  one at a time in the stated order (:data:`autarky.presets_eurasia.MACRO_STAGES`), every
  stage solved in one batch, each member's welfare at each stage;
* :func:`bloc_counts`: the count of states choosing each bloc-choice option.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from autarky import literature, presets, presets_eurasia
from autarky.errors import ScenarioError, ScenarioWarning
from autarky.gravity.border import member_matrix
from autarky.results import Result
from autarky.scenario import Scenario
from autarky.scenario.integration import bind_theta
from autarky.world import World

__all__ = ["EU_BENCHMARKS", "accession_path", "bloc_counts", "comparator_tables",
           "domestic_shares", "integration_index", "macro_state_tables", "path_order",
           "path_tables"]

EU_BENCHMARKS = (("CZE", "SVK"), ("DEU", "AUT"))
"""Benchmark pairs of the integration table: two EU neighbours that were once one country
or share a language, plus the median EU pair (computed)."""

_EURASIAN = ("union-state", "union-state-dissolution", "eaeu-deep-integration",
             "eaeu-dissolution", *presets_eurasia.MACRO_STATE)


def _base(name: str) -> str:
    return (name or "").partition(":")[0]


def _totals(result: Result) -> tuple[np.ndarray, np.ndarray]:
    """Flows summed over sectors (importer, exporter), before and after, million USD."""
    before = result.baseline.flows.sum(axis=2) * result.baseline.scale
    return before, result.flows_new.sum(axis=2)


def integration_index(flows: np.ndarray) -> np.ndarray:
    """Head and Ries (2001) index ``sqrt(X_ij X_ji / (X_ii X_jj))`` of every pair (all sectors).

    ``flows`` is (importer, exporter); 1 for two regions with no border effect and equal
    costs, 0 for no trade.
    """
    d = np.diag(flows)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.sqrt(flows * flows.T / np.outer(d, d))
    return np.where(np.isfinite(out), out, 0.0)


def domestic_shares(flows: np.ndarray) -> np.ndarray:
    """Each economy's domestic expenditure share (all sectors): ``X_ii / sum_k X_ik``."""
    return np.diag(flows) / flows.sum(axis=1)


def _members(outcome: Any) -> list[str]:
    world = outcome.world
    out: list[str] = []
    for g in outcome.groups.values():
        out += [c for c in g if c in world.countries and c not in out]
    return out


def macro_state_tables(outcome: Any) -> dict[str, pd.DataFrame]:
    """Integration index and domestic shares of a Eurasian run (else no table)."""
    if outcome.result is None or _base(outcome.name) not in _EURASIAN:
        return {}
    world, res = outcome.world, outcome.result
    members = _members(outcome)
    if len(members) < 2:
        return {}
    ix = {c: k for k, c in enumerate(world.countries)}
    before, after = _totals(res)
    hb, ha = integration_index(before), integration_index(after)
    rows = [{"pair": f"{a}-{b}", "kind": "member pair", "before": hb[ix[a], ix[b]],
             "after": ha[ix[a], ix[b]]}
            for n, a in enumerate(members) for b in members[n + 1:]]
    for a, b in EU_BENCHMARKS:
        if a in ix and b in ix:
            rows.append({"pair": f"{a}-{b}", "kind": "benchmark (EU)",
                         "before": hb[ix[a], ix[b]], "after": ha[ix[a], ix[b]]})
    eu = member_matrix("EU", list(world.countries), int(world.year or 2022)) > 0
    iu = np.triu(eu, 1)
    if iu.any():
        vb, va = hb[iu], ha[iu]
        k = int(np.argsort(vb)[len(vb) // 2])
        i, j = (int(x[k]) for x in np.nonzero(iu))
        rows.append({"pair": f"median EU pair ({world.countries[i]}-{world.countries[j]})",
                     "kind": f"benchmark (median of {len(vb)} EU pairs)",
                     "before": float(np.median(vb)), "after": float(np.median(va))})
    hr = pd.DataFrame(rows).set_index("pair")
    hr.attrs["title"] = ("Head-Ries integration index sqrt(X_ij X_ji / (X_ii X_jj)), all "
                         "sectors, before and after")
    hr.attrs["text"] = ("1 means a pair trades as two regions with no border and equal "
                        "costs would; members beside EU benchmark pairs of the same world "
                        f"({world.name} {world.year or ''}), so a reader sees whether the "
                        "counterfactual is plausible.")
    db, da = domestic_shares(before), domestic_shares(after)
    pos = [ix[c] for c in members]
    ds = pd.DataFrame({"domestic share before %": 100 * db[pos],
                       "domestic share after %": 100 * da[pos],
                       "welfare %": res.welfare.reindex(members).to_numpy(float)},
                      index=pd.Index(members, name="member"))
    ds.attrs["title"] = "Members' domestic expenditure share (all sectors), before and after"
    ds.attrs["text"] = ("share of each member's spending (final and intermediate, all "
                        "sectors) bought from its own producers, baseline and counterfactual.")
    return {"integration_index": hr, "domestic_share": ds}


def comparator_tables(outcome: Any) -> dict[str, pd.DataFrame]:
    """Published numbers beside a Eurasian run's own (Knobel et al. 2019; Djankov-Freund)."""
    base = _base(outcome.name)
    if outcome.result is None or base not in _EURASIAN:
        return {}
    lit = "eurasian-macro-state" if base in presets_eurasia.MACRO_STATE else base
    comps = literature.comparators(lit)
    if not comps:
        return {}
    w = outcome.result.welfare
    rows = []
    for c in comps:
        econ = c.economies[0]
        rows.append({"source": c.short, "economy": econ,
                     "published": c.number() + " " + c.unit,
                     "this run, welfare %": float(w[econ]) if econ in w.index else np.nan})
    df = pd.DataFrame(rows)
    df.attrs["title"] = f"Published comparators for {base} (their numbers, as stated)"
    if lit == "eurasian-macro-state":
        why = {"Djankov and Freund (2002)": "a trade-flow fact (Russian regions traded about "
               "60% more with each other than with other former republics in 1994-96), the "
               "border the -lower variant removes, not a welfare number",
               "Knobel et al. (2019)": "deep integration among EAEU members (time in trade, "
               "non-tariff and services barriers) in a CGE model; the macro-state removes "
               "each member pair's whole estimated goods border among all members the data "
               "separate, a larger shock"}
    else:
        why = {}
    df.attrs["text"] = " ".join(dict.fromkeys(
        f"{c.short} ({c.measure}): {why.get(c.short, c.why)}." for c in comps))
    return {"comparators": df}


def path_order(world: World) -> list[str]:
    """The members of :data:`MACRO_STAGES` that ``world`` separates, in the stated order."""
    return [c for _, g in presets_eurasia.MACRO_STAGES for c in g if c in world.countries]


def _stage(scn: Scenario, members: Sequence[str]) -> Scenario:
    comps = tuple(dataclasses.replace(c, members=tuple(members))  # type: ignore[type-var]
                  if hasattr(c, "members") else c for c in scn.components)
    return Scenario(comps).with_info(name=scn.name, description=scn.description)


def accession_path(world: World, scenario: Scenario, theta: np.ndarray,
                   options: Any = None, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Each stage of a macro-state built one member at a time: every member's welfare.

    Stage k makes the first k+1 economies of ``order`` (default :func:`path_order`) the
    members of ``scenario``'s components; stages are solved in one batch
    (:func:`autarky.sweep.sweep_scenarios`), gravity effects converted with ``theta`` (the
    run's elasticities, one per sector). Returns stage x economy welfare changes (%) with
    columns for every economy on the path (a non-member's column shows what the bloc's
    growth does to it) and ``added``.
    """
    from autarky.sweep import sweep_scenarios

    seq = path_order(world) if order is None else [c for c in order if c in world.countries]
    if len(seq) < 2:
        raise ScenarioError(f"accession path: {world.name} separates fewer than two members "
                            f"({', '.join(seq) or 'none'})")
    scns = [bind_theta(_stage(scenario, seq[:k + 1]), theta) for k in range(1, len(seq))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        sw = sweep_scenarios(world, scns, np.asarray(theta, float), options=options)
    if not np.all(sw.converged):
        raise ScenarioError(f"accession path on {world.name}: {int((~sw.converged).sum())} "
                            "stages did not converge")
    W = pd.DataFrame(np.asarray(sw.welfare.values, float), columns=list(world.countries))
    out = W[seq].copy()
    out.insert(0, "added", seq[1:])
    out.index = pd.Index(range(2, len(seq) + 1), name="members")
    return out


def path_tables(outcome: Any) -> dict[str, pd.DataFrame]:
    """The accession path of a run asked with ``path=True``."""
    if not getattr(outcome.spec, "path", False) or outcome.result is None:
        return {}
    theta = np.asarray(outcome.result.theta, float)
    df = accession_path(outcome.world, outcome.scenario, theta, outcome.options)
    stages = "; ".join(f"{what}: {', '.join(g)}" for what, g in presets_eurasia.MACRO_STAGES)
    df.attrs["title"] = (f"Accession path of {outcome.name}: welfare change %, each economy "
                         "(columns) at each stage (rows: number of members, the one added)")
    df.attrs["text"] = (f"Members are added one at a time in the stated order ({stages}), "
                        f"those {outcome.world.name} separates; the first stage is "
                        f"{df.columns[1]}-{df['added'].iloc[0]}. A column before its "
                        "economy joins shows the effect on it as an outsider. Each stage is "
                        "the full preset with those members, solved in one batch with the "
                        "run's elasticities; the last stage is the preset itself.")
    return {"accession_path": df}


def bloc_counts(outcome: Any) -> dict[str, pd.DataFrame]:
    """How many states choose each bloc-choice option (the best of the three)."""
    if outcome.kind != "bloc-choice" or outcome.table is None:
        return {}
    w = outcome.table["welfare"].unstack("option")
    best = w.idxmax(axis=1)
    counts = best.value_counts().reindex(list(presets.OPTIONS), fill_value=0)
    gap = (w[presets.OPTIONS[2]] - w[list(presets.OPTIONS[:2])].max(axis=1))
    df = pd.DataFrame({"states": counts.astype(int)})
    df.index.name = "best option"
    df.attrs["title"] = str(outcome.table.attrs.get(
        "title", "bloc choice: count of states by best option"))
    df.attrs["text"] = (f"{len(w)} states; staying out minus the better bloc, percentage "
                        f"points: median {gap.median():+.3f}, min {gap.min():+.3f}, max "
                        f"{gap.max():+.3f}.")
    return {"bloc_counts": df}
