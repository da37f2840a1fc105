"""The texts' claims, computed: one function per claim, each returning a :class:`Claim`.

The political writing this project was built from makes empirical claims about trade,
self-sufficiency and blocs. Each function here states one claim as a plain paraphrase,
says what the model computes to test it, gives the result with a band, the assumptions
and what the model cannot speak to. Every number comes from the same public functions a
user would call (the run service, :func:`autarky.service.run` and
:func:`autarky.solve`, with presets by name and the library's default elasticities;
:func:`autarky.sweep`, :mod:`autarky.linkages`), so it equals theirs; the tests check that.

>>> import autarky as ak
>>> from autarky.claims import COLUMNS
>>> COLUMNS[:3]
('id', 'claim', 'computation')
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autarky import linkages, presets, run
from autarky.claims_context import Context, dataset_years, release_memory
from autarky.data import datasets, elasticity_sources
from autarky.data.income import INCOME_GROUPS, income_groups
from autarky.errors import RepairWarning, ScenarioError, ScenarioWarning
from autarky.nash import nash, optimal_tariffs, without_io
from autarky.results import Result
from autarky.scenario import Scenario, Shock
from autarky.sensitivity import THEOREM, ilms_us_text
from autarky.service import RunSpec
from autarky.service import run as run_service
from autarky.sweep import sweep, sweep_scenarios
from autarky.world import World

__all__ = ["CKLT_SD", "COLUMNS", "Claim", "Context", "SHORTAGE_SHOCKS", "bloc_choice",
           "bloc_dependence", "claims", "compute", "dependency", "essentials",
           "eurasian_sovereignty", "income_gains", "no_tourism", "outside_model", "supply_shocks",
           "tariff_war", "world_autarky"]

COLUMNS = ("id", "claim", "computation", "result", "band_low", "band_high", "assumptions",
           "limits")
"""Columns of :func:`claims`."""

SHORTAGE_SHOCKS = (("CHN", "c14"), ("TWN", "c14"), ("DEU", "c15"), ("USA", "c9"),
                   ("RUS", "c2"), ("JPN", "c15"))
"""Sector-country supply losses of claim 3 on wiod2013 (electrical and optical equipment,
transport equipment, chemicals, mining): large exporters of goods that others use as
inputs. Each loses half of its capacity."""

SHORTAGE_LOSS = 0.5

CKLT_SD: float | None = None
"""Standard deviation of log sector productivity shocks in claim 3: None estimates it from
the data (:func:`shock_sd`)."""

CKLT_DRAWS = 24
THETA_HIGH = 100.0
ESSENTIAL_CLASSES = ("food", "energy", "pharmaceuticals")
LEADERS = {"eurasian-macro-state": "RUS", presets.BLOC_NAMES[0]: "USA",
           presets.BLOC_NAMES[1]: "CHN"}


@dataclass(frozen=True)
class Claim:
    """One claim and what the model says about it.

    Attributes
    ----------
    id : int
    claim : str
        A plain paraphrase of the claim (no quotation, no judgement).
    computation : str
        What the model computes to test it.
    result : str
        The numbers, in words.
    band_low, band_high : float
        The range of the headline number (its unit is said in ``result``); NaN where the
        model computes nothing.
    assumptions : str
    limits : str
        What the computation cannot speak to.
    tables : dict of str to DataFrame
        The tables behind the numbers (written by ``autarky claims --out``).
    """

    id: int
    claim: str
    computation: str
    result: str
    band_low: float
    band_high: float
    assumptions: str
    limits: str
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False,
                                               compare=False)

    def record(self) -> dict[str, Any]:
        """The row of :func:`claims`."""
        return {c: getattr(self, c) for c in COLUMNS}


def _world_welfare(world: World, res: Result) -> float:
    """Baseline-income-weighted world welfare change, as :func:`autarky.run.aggregates`."""
    return float(res.aggregate({"world": world.countries}, run.income(world))
                 .loc["world", "welfare"])


def _sweep_world(world: World, scn: Scenario, **kwargs: Any) -> pd.Series:
    """World welfare (income-weighted) under each catalog elasticity source."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        sw = sweep(world, scn, draws=None, **kwargs)
    w = run.income(world).reindex(list(world.countries)).to_numpy(float)
    vals = sw.welfare.to_numpy() @ (w / w.sum())
    return pd.Series(vals, index=pd.Index(sw.labels.to_numpy(), name="source"),
                     name="world_welfare")


def _notes(res: Result, starts: Sequence[str] = ("elasticities", "deficits", "model")) -> str:
    return "; ".join(n for n in res.notes if n.split(":")[0] in starts)


def _pct(x: float) -> str:
    return f"{x:+.2f}%"


def _not_on(world: World, cid: int, claim: str, needs: str) -> Claim:
    """A claim the chosen world cannot speak to: no sector class it needs."""
    return Claim(cid, claim, "Nothing computed on this world.",
                 f"{world.name} declares no sector class {needs} (its classes: "
                 f"{', '.join(world.sector_classes) or 'none'}); run it on icio2023 or "
                 "wiod2013.", float("nan"), float("nan"), "", "The world has no such sectors.")


# ------------------------------------------------------------------------ claim 1
def world_autarky(ctx: Context | None = None) -> Claim:
    """Claim 1: every nation would be richer if every nation were self-sufficient."""
    ctx = ctx or Context()
    scn = presets.get("world-autarky")
    if ctx.custom is not None:
        cw = ctx.custom
        solved = [(cw.name, cw.year, ctx.solve(cw, "world-autarky").welfare)]
    else:
        with ctx.icio194_on_icio2023():
            solved = [(n, y, ctx.autarky_welfare(n, y)) for n in datasets().index
                      for y in dataset_years(n)]
    worlds = solved
    frames = [pd.DataFrame({"dataset": n, "year": y, "country": list(wel.index),
                            "welfare": wel.to_numpy(float)}) for n, y, wel in solved]
    table = pd.concat(frames, ignore_index=True)
    hw = ctx.headline()
    res = ctx.solve(hw, "world-autarky")
    world0 = _world_welfare(hw, res)
    by_source = _sweep_world(hw, scn)
    noio = hw.without_io()
    res_noio = ctx.solve(noio, "world-autarky") if hw.has_io else res
    world_noio = _world_welfare(noio, res_noio)
    res_high = ctx.solve(hw, "world-autarky", elasticities=THETA_HIGH)
    band = np.r_[by_source.to_numpy(), world_noio, world0]
    gains = int((table["welfare"] > 0).sum())
    q = table["welfare"].quantile([0.05, 0.5, 0.95])
    ranges = pd.DataFrame({"source": by_source.index, "world_welfare": by_source.to_numpy()})
    result = (
        THEOREM +
        f"{gains} of {len(table)} economy-years (ROW included) gain ({len(worlds)} solves: "
        f"{table['dataset'].nunique()} datasets, every year). Welfare change across all "
        f"economy-years: median {_pct(q[0.5])}, 5th-95th percentile {_pct(q[0.05])} to "
        f"{_pct(q[0.95])}, largest loss {_pct(table['welfare'].min())}, smallest "
        f"{_pct(table['welfare'].max())}. On {hw.name} {hw.year}: world (income-weighted) "
        f"{_pct(world0)}; across elasticity sources {_pct(by_source.min())} to "
        f"{_pct(by_source.max())}; without input-output links {_pct(world_noio)}. At a "
        f"trade elasticity of {THETA_HIGH:g} in every sector the smallest loss is "
        f"{_pct(res_high.welfare.max())} and the world {_pct(_world_welfare(hw, res_high))}"
        + (": losses shrink as the elasticity grows, and in the closed form no nation gains "
           "at any finite value. " if gains == 0 and res_high.welfare.max() < 0 else ". ")
        + f"Band: world welfare change (%, income-weighted) on {hw.name} {hw.year} over the "
        f"{len(by_source)} catalog elasticity sources, the headline (median) elasticities "
        "and the solve without input-output links.")
    return Claim(
        1, "If every nation were self-sufficient, every nation would be richer.",
        "World autarky (preset world-autarky: prohibitive costs on all international trade) "
        "solved on every embedded dataset and year; the range across the elasticity catalog "
        "(ak.sweep, draws=None, one batched solve) and without input-output links "
        "(World.without_io); the same solve at a trade elasticity of 100.",
        result, float(band.min()), float(band.max()),
        _notes(res) + ". Closed form (Arkolakis-Costinot-Rodriguez-Clare 2012; Costinot-"
        "Rodriguez-Clare 2014): with balanced trade and no tariffs W^ = prod_j "
        "pi_nnj^(alpha_nj/theta_j) (times Leontief-inverse terms with IO links), below one "
        "whenever a country buys anything abroad; it tends to one only as theta grows "
        "without bound.",
        "A static model of one period: it does not cover growth, learning, the variety of "
        "goods, transition costs or non-economic aims of self-sufficiency; goods a country "
        "does not make get a small domestic supply (policy 'floor'), which understates "
        "their loss.",
        {"world_autarky": table, "world_autarky_sources": ranges,
         "world_autarky_band": pd.DataFrame({
             "source": [*by_source.index, "without input-output links",
                       "median elasticities (headline)"], "world_welfare": band})})


# ------------------------------------------------------------------------ claim 2
def income_gains(ctx: Context | None = None,
                 datasets: Sequence[str] = ("icio2023", "wiod2013")) -> Claim:
    """Claim 2: globalisation makes rich nations richer and poor nations poorer."""
    ctx = ctx or Context()
    groups = income_groups()
    rank = {g: k for k, g in enumerate(INCOME_GROUPS)}
    frames = []
    for name in datasets:
        for y in dataset_years(name):
            wel = ctx.autarky_welfare(name, y)
            frames.append(pd.DataFrame({"dataset": name, "year": y,
                                        "country": list(wel.index),
                                        "gain_from_trade": -wel.to_numpy(float)}))
    table = pd.concat(frames, ignore_index=True)
    table["income_group"] = table["country"].map(groups)
    table = table.dropna(subset=["income_group"])
    table["group_rank"] = table["income_group"].map(rank)
    corr = (table.groupby(["dataset", "year"])[["group_rank", "gain_from_trade"]]
            .corr(method="spearman").xs("group_rank", level=2)["gain_from_trade"]
            .rename("spearman").reset_index())
    med = (table.groupby(["dataset", "income_group"])["gain_from_trade"].median()
           .unstack().reindex(columns=[g for g in INCOME_GROUPS]))
    first_last = []
    for name in datasets:
        yrs = table.loc[table["dataset"] == name, "year"]
        for y in (yrs.min(), yrs.max()):
            m = (table[(table["dataset"] == name) & (table["year"] == y)]
                 .groupby("income_group")["gain_from_trade"].median())
            first_last.append({"dataset": name, "year": int(y), **m.to_dict()})
    fl = pd.DataFrame(first_last)
    head = corr[corr["dataset"] == datasets[0]].iloc[-1]
    counts = (table[table["dataset"] == datasets[0]].groupby("income_group")["country"]
              .nunique().reindex(INCOME_GROUPS).fillna(0).astype(int))

    def meds(name: str) -> str:
        return ", ".join(f"{g.replace(' income', '')} {v:.1f}%"
                         for g, v in med.loc[name].dropna().items())

    def moves(name: str) -> str:
        sub = fl[fl["dataset"] == name].set_index("year")
        a, b = sub.index.min(), sub.index.max()
        return ", ".join(f"{g.replace(' income', '')} {sub.loc[a, g]:.1f}->{sub.loc[b, g]:.1f}"
                         for g in INCOME_GROUPS if g in sub and sub[g].notna().all())

    result = (
        f"Gains from trade (the real-income loss from world autarky, %) against World Bank "
        f"income group: Spearman correlation {head['spearman']:+.2f} on {datasets[0]} "
        f"{int(head['year'])} (+1 = richer groups gain more); across every year of "
        f"{' and '.join(datasets)} from {corr['spearman'].min():+.2f} to "
        f"{corr['spearman'].max():+.2f}. Median gain by group, all years: "
        + "; ".join(f"{n}: {meds(n)}" for n in datasets)
        + ". First to last year: " + "; ".join(f"{n}: {moves(n)}" for n in datasets)
        + f". Economies per group on {datasets[0]}: "
        + ", ".join(f"{g.replace(' income', '')} {c}" for g, c in counts.items())
        + f". {int((table['gain_from_trade'] > 0).sum())} of {len(table)} economy-years "
        "gain from trade (lose under autarky). Band: the Spearman correlation of income group and "
        "the gain from trade (no unit, -1 to 1) over the dataset-years.")
    return Claim(
        2, "Globalisation makes rich nations richer and poor nations poorer.",
        "For each country and year of icio2023 (2011-2022) and wiod2013 (1995-2011): the "
        "gain from trade, measured as the loss of real income under world autarky (the "
        "solves of claim 1), set against the country's World Bank income group; rank "
        "correlation per year and median by group.",
        result, float(corr["spearman"].min()), float(corr["spearman"].max()),
        "Gains from trade are those of the static Caliendo-Parro model (claim 1's "
        "assumptions). Income groups: the World Bank classification in force at the WDI "
        "download of March 2025 (package file income_groups.csv, source in the manifest), "
        "one group per economy for every year; ROW has no group and is left out.",
        "The claim is about changes over time in a globalising world; the model compares "
        "today's trade with none, year by year, not the path of globalisation. It says "
        "nothing about inequality within countries, growth, or the composition of gains "
        "by household. Datasets cover mostly high and middle income economies (few low "
        "income economies are separate from ROW).",
        {"income_gains": table.drop(columns="group_rank"), "income_correlation": corr,
         "income_group_medians": med.reset_index()})


# ------------------------------------------------------------------------ claim 3
def _productivity_shocks(world: World, base: Shock, Z: np.ndarray) -> list[Shock]:
    """Shocks that raise unit costs of (exporter, sector) by Z to every buyer, home too.

    A Hicks-neutral productivity change A^ of country i in sector j divides i's unit cost
    by A^ for every destination, which in exact hat algebra is the iceberg change
    d^_nij = 1/A^_ij for every n, the domestic cell included; Z = 1/A^.
    """
    return [Shock(base.tariffs, base.tau_hat * z[None, :, :],
                  description="sector productivity draw") for z in Z]


def shock_sd(ctx: Context, dataset: str = "wiod2013") -> tuple[float, str]:
    """Sector shock size from a dataset's years (:func:`autarky.sensitivity.shock_sd`)."""
    from autarky.sensitivity import shock_sd as estimate

    return estimate([ctx.world(dataset, y) for y in dataset_years(dataset)], dataset)


def supply_shocks(ctx: Context | None = None, draws: int = CKLT_DRAWS, seed: int = 0,
                  sd: float | None = CKLT_SD) -> Claim:
    """Claim 3: a national economy can be planned precisely; a global one has shortages."""
    ctx = ctx or Context()
    w = ctx.world("wiod2013")
    if sd is None:
        sd, sd_text = shock_sd(ctx)
    else:
        sd_text = f"sd {sd:g} as given"
    m = linkages.leontief(w)
    rows = []
    for c, s in SHORTAGE_SHOCKS:
        sh = linkages.shortage(m, c, s, SHORTAGE_LOSS)
        own = sh.table.loc[c]
        rows.append({"country": c, "sector": s, "loss": SHORTAGE_LOSS,
                     **{f"world_met_{r}": 100 * v for r, v in sh.met.items()},
                     **{f"own_met_{r}": 100 * float(own[f"share_{r}"]) for r in sh.met}})
    short = pd.DataFrame(rows)
    # Caselli-Koren-Lisicky-Tenreyro (2020): variance of real income, open vs autarky
    N, J = w.shape
    rng = np.random.default_rng(seed)
    Z = np.exp(rng.normal(0.0, sd, size=(draws, N, J)))
    aut = presets.get("world-autarky")
    opts = run.options(aut)
    open_base = presets.get("status-quo").apply(w)
    aut_base = aut.apply(w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        sw_open = sweep_scenarios(w, _productivity_shocks(w, open_base, Z), options=opts)
        sw_aut = sweep_scenarios(w, _productivity_shocks(w, aut_base, Z), options=opts)
    lo = np.log1p(sw_open.welfare.to_numpy() / 100.0)
    la = np.log1p(sw_aut.welfare.to_numpy() / 100.0)
    var = pd.DataFrame({"sd_open": 100 * lo.std(axis=0, ddof=1),
                        "sd_autarky": 100 * la.std(axis=0, ddof=1)},
                       index=pd.Index(w.countries, name="country"))
    var["variance_ratio"] = (var["sd_open"] / var["sd_autarky"]) ** 2
    ratio = var["variance_ratio"]
    lower = int((ratio < 1).sum())
    meds = short[[c for c in short if c.startswith("world_met_")]].median()
    own = short[[c for c in short if c.startswith("own_met_")]].median()
    result = (
        f"Random sector productivity shocks ({draws} draws, log sd {sd:.3f}, see the "
        "assumptions): the variance of real income "
        f"with open trade relative to autarky has median {ratio.median():.2f} across the "
        f"{N} economies of wiod2013 {w.year} ({lower} of {N} less volatile with open "
        f"trade; ratio from {ratio.min():.2f} to {ratio.max():.2f}; band: 10th-90th "
        f"percentile of the variance ratio (no unit) over the {N} economies). Supply "
        "losses of half of a sector's capacity "
        f"({', '.join(f'{c} {s}' for c, s in SHORTAGE_SHOCKS)}): median share of world "
        f"final demand still met {meds['world_met_trade']:.2f}% with open trade (pooled "
        f"origins), {meds['world_met_fixed']:.2f}% with today's sourcing fixed, "
        f"{meds['world_met_autarky']:.2f}% in an autarkic world; in the shocked country "
        f"itself {own['own_met_trade']:.1f}% open, {own['own_met_fixed']:.1f}% fixed, "
        f"{own['own_met_autarky']:.1f}% autarkic.")
    return Claim(
        3, "A national economy can be planned precisely, but in a global economy "
        "shortages are inevitable.",
        "(a) The shortage linear programs of autarky.linkages.shortage for supply losses in "
        "single sector-countries of wiod2013, under open trade, today's sourcing and "
        "autarky (sized to own needs). (b) Following Caselli, Koren, Lisicky and Tenreyro "
        "(2020, QJE, 'Diversification through trade'): random sector productivity shocks "
        "solved in batches (ak.sweep_scenarios) with open trade and under world autarky; "
        "the variance of each country's log real income across draws.",
        result, float(ratio.quantile(0.1)), float(ratio.quantile(0.9)),
        f"Shocks: log unit-cost changes i.i.d. normal across countries and sectors, "
        f"{sd_text}; seed {seed}. Both "
        "regimes solved with the world-autarky preset's options (deficits removed, "
        "'floor' for goods without a supplier) and the library's default elasticities. "
        "Shortage LPs: fixed technology, no substitution, proportional rationing.",
        "Planning, inventories, stockpiles and the speed of adjustment are outside both "
        "computations; the equilibrium model compares long-run states, the LPs have no "
        "prices. Correlated shocks (common to a country or a sector) change the answer "
        "and are not drawn.",
        {"shortage": short, "cklt_variance": var.reset_index()})


# ------------------------------------------------------------------------ claim 4
def bloc_dependence(result: Result, members: Sequence[str], leader: str | None) -> pd.DataFrame:
    """Members' dependence on a bloc leader and on the outside world, before and after.

    From the trade flows of ``result.trade`` (importer, exporter, sector; before / after,
    million USD), summed over sectors: ``leader_before/after`` = share of the member's
    imports bought from ``leader`` (%); ``outside_before/after`` = share of its absorption
    (domestic purchases included) bought from countries outside ``members`` (%). Read
    from the Result's arrays (``result.trade``'s table of every cell is not built).
    """
    countries = list(result.countries)
    flows = {"before": (result.baseline.flows * result.baseline.scale).sum(axis=2),
             "after": result.flows_new.sum(axis=2)}  # [importer, exporter]
    rows = []
    out = ~np.isin(countries, list(members))
    lead = countries.index(leader) if leader in countries else None
    for n in members:
        if n not in countries:
            continue
        k = countries.index(n)
        foreign = np.arange(len(countries)) != k
        row: dict[str, Any] = {"country": n}
        for col in ("before", "after"):
            v = flows[col][k]
            if leader is not None and leader != n:
                bought = float(v[lead]) if lead is not None else 0.0
                row[f"leader_{col}"] = 100 * bought / float(v[foreign].sum())
            row[f"outside_{col}"] = 100 * float(v[out].sum()) / float(v.sum())
        row["welfare"] = float(result.welfare.loc[n])
        rows.append(row)
    return pd.DataFrame(rows).set_index("country")


def dependency(ctx: Context | None = None, suppliers: Sequence[str] = ("CHN", "USA", "DEU",
                                                                      "RUS")) -> Claim:
    """Claim 4: globalisation makes nations depend on one another."""
    ctx = ctx or Context()
    # the eurasian-macro-state preset on its default world (icio194) first: the largest
    # solve of the claim (claim 6 reads it again), made while the claim holds nothing else
    w194 = ctx.world(presets.default_world("eurasian-macro-state")[0] or "icio2023")
    release_memory()  # what the world's construction let go, before the solve allocates
    eur = presets.get("eurasian-macro-state")
    res_e = ctx.solve(w194, "eurasian-macro-state")
    (ename, emembers), = eur.blocs(w194).items()
    eur_dep = bloc_dependence(res_e, emembers, "RUS").assign(preset="eurasian-macro-state",
                                                             bloc=ename)
    del res_e
    release_memory()
    w = ctx.world("icio2023")
    # icio2023 has no published table: its proportionality table in factored form (the
    # IOModel's numbers to 1e-13, without the n x n coefficients and their factorisation)
    m = linkages.proportional(w) if w.mrio is None else linkages.leontief(w)
    dep = linkages.dependency(m)
    R, S = m.shape
    x = m.x.reshape(R, S)
    wt = x / x.sum(axis=1, keepdims=True)
    by_c = pd.DataFrame({c: (dep[c].to_numpy().reshape(R, S) * wt).sum(axis=1) * 100
                         for c in dep.columns}, index=pd.Index(m.regions, name="country"))
    exposures = []
    for s in suppliers:
        e = linkages.supplier_exposure(m, s).xs("ALL", level="sector")
        top = e["value_added"].nlargest(3)
        exposures.append(pd.DataFrame({"supplier": s, "country": top.index,
                                       "value_added_pct": 100 * top.to_numpy()}))
    expo = pd.concat(exposures, ignore_index=True)
    # presets: members' dependence on the leader and on the outside world
    blocs = presets.get("two-blocs").blocs(w)
    res2 = ctx.solve(w, "two-blocs")
    parts = []
    for name, members in blocs.items():
        d = bloc_dependence(res2, members, LEADERS.get(name))
        parts.append(d.assign(preset="two-blocs", bloc=name))
    parts.append(eur_dep)
    pres = pd.concat(parts).reset_index()
    t = by_c["total"]
    top_expo = expo.sort_values("value_added_pct", ascending=False).iloc[0]
    summ = (pres.groupby(["preset", "bloc"])[["leader_before", "leader_after",
                                               "outside_before", "outside_after"]].median())
    text = "; ".join(
        f"{b} ({p}): from leader {r.leader_before:.1f}%->{r.leader_after:.1f}% of imports, "
        f"from outside the bloc {r.outside_before:.1f}%->{r.outside_after:.1f}% of absorption"
        for (p, b), r in summ.iterrows())
    result = (
        f"Imported inputs used at every stage per unit of output (Hummels-Ishii-Yi, "
        f"output-weighted) on icio2023 {w.year}: median {t.median():.1f}% across "
        f"{len(t)} economies, from {t.min():.1f}% ({t.idxmin()}) to {t.max():.1f}% "
        f"({t.idxmax()}); foreign value added embodied: median "
        f"{by_c['foreign_value_added'].median():.1f}%. Largest exposure to one supplier: "
        f"{top_expo['country']} on {top_expo['supplier']} ({top_expo['value_added_pct']:.1f}% "
        f"of output is its value added). Member medians, before->after: {text}.")
    return Claim(
        4, "Globalisation makes nations depend on one another.",
        "Input-output dependency (autarky.linkages.dependency: direct and total imported "
        "inputs, foreign value added) and exposure to single suppliers "
        "(linkages.supplier_exposure) on icio2023; members' import share from the bloc "
        "leader and absorption share from outside the bloc, before and after the two-blocs "
        "preset (icio2023) and the eurasian-macro-state preset (its default world, icio194), "
        "from the "
        "solved trade flows.",
        result, float(t.min()), float(t.max()),
        "Input-output coefficients of icio2023 are those of 2020 for every year. Presets "
        "as defined in autarky.presets (leaders: USA, China, Russia), default elasticities; "
        + _notes(res2) + ".",
        "Dependence is measured in value and input shares; it says nothing about whether a "
        "dependence is a risk, about substitutability in the short run, or about political "
        "leverage. Band: total imported-input content across economies (%).",
        {"dependency_by_country": by_c.reset_index(), "supplier_exposure": expo,
         "bloc_dependence": pres})


# ------------------------------------------------------------------------ claim 5
def bloc_choice(ctx: Context | None = None) -> Claim:
    """Claim 5: small states must choose a great-power bloc or be torn apart."""
    ctx = ctx or Context()
    w = ctx.world("world194")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        df = run_service(RunSpec("bloc-choice", world=w, range=False)).table
    assert df is not None
    wel = df["welfare"].unstack("option")
    out_opt = presets.OPTIONS[2]
    joins = [o for o in presets.OPTIONS if o != out_opt]
    best = wel.idxmax(axis=1)
    gain = wel[joins].max(axis=1) - wel[out_opt]
    n = len(wel)
    counts = best.value_counts().reindex(presets.OPTIONS).fillna(0).astype(int)
    extra = [c for c in df.columns if "break" in c.lower()]
    extra_txt = ""
    if extra:
        col = df[extra[0]].groupby(level="state").first()
        extra_txt = (f" {extra[0]}: median {col.median():.3g} (from {col.min():.3g} to "
                     f"{col.max():.3g}).")
    result = (
        f"{n} swing states of world194 {w.year}: best own option "
        + ", ".join(f"{o} {c}" for o, c in counts.items())
        + f". Best bloc relative to staying out: median {gain.median():+.3f} pp, from "
        f"{gain.min():+.3f} ({gain.idxmin()}) to {gain.max():+.3f} ({gain.idxmax()}). "
        f"Staying out itself changes the states' welfare by a median "
        f"{wel[out_opt].median():+.3f}% (from {wel[out_opt].min():+.3f}% to "
        f"{wel[out_opt].max():+.3f}%)." + extra_txt
        + " Band: best bloc minus staying out across states (pp).")
    return Claim(
        5, "Small states must choose a great-power bloc or be torn apart.",
        "autarky.run.bloc_choice on world194: in the two-bloc world, each swing state's "
        "real income if it joins the West bloc, the East bloc, or stays out.",
        result, float(gain.min()), float(gain.max()),
        " ".join(presets.PRESETS["bloc-choice"].assumptions) + " "
        + " ".join(df.attrs.get("notes", ())[:3]),
        "One state moves at a time, with no retaliation, side payments, security or "
        "political costs; 'torn apart' has no counterpart in a trade model beyond the "
        "income changes shown. One sector (goods trade only).",
        {"bloc_choice": df.reset_index()})


# ------------------------------------------------------------------------ claim 6
def eurasian_sovereignty(ctx: Context | None = None) -> Claim:
    """Claim 6: a Eurasian macro-state would strengthen its members' sovereignty."""
    ctx = ctx or Context()
    # the preset's own default world (icio194: every member separate, 29 sectors, IO links)
    w = ctx.world(presets.default_world("eurasian-macro-state")[0] or "icio2023")
    scn = presets.get("eurasian-macro-state")
    res = ctx.solve(w, "eurasian-macro-state")
    (name, members), = scn.blocs(w).items()
    dep = bloc_dependence(res, members, "RUS")
    wi = w if w.has_io else ctx.world("icio2023")
    (_, mem_i), = scn.blocs(wi).items()
    welfare_i = ctx.solve(wi, "eurasian-macro-state").welfare.reindex(mem_i)
    notes = _notes(res)
    # no later claim reads these solves
    del res
    ctx.forget(w, "eurasian-macro-state")
    ctx.forget(wi, "eurasian-macro-state")
    # value added by origin in the members' output from wi's Leontief model
    # (linkages.multipliers and supplier_exposure's numbers; without n x n arrays when wi
    # has no published table)
    vo = linkages.value_added_origins(wi, "RUS", countries=mem_i)
    S = len(wi.sectors)
    shown = list(dict.fromkeys(vo.index.get_level_values("country")))
    x = vo["output"].to_numpy().reshape(-1, S)
    tot = x.sum(axis=1)

    def by_country(col: np.ndarray) -> pd.Series:  # output-weighted over sectors
        return pd.Series(np.divide((col.reshape(-1, S) * x).sum(axis=1), tot,
                                   out=np.zeros(len(shown)), where=tot > 0), index=shown)

    fva = vo["value_added"].to_numpy() - vo["domestic_value_added"].to_numpy()
    fva_c = pd.Series((fva.reshape(-1, S) * x).sum(axis=1) / tot, index=shown)
    rus = by_country(vo["supplier_value_added"].to_numpy()).drop(index="RUS", errors="ignore")
    va = pd.DataFrame({"rus_value_added": 100 * rus.reindex(mem_i),
                       "other_foreign_value_added": 100 * (fva_c.reindex(mem_i)
                                                           - rus.reindex(mem_i)),
                       "welfare_io_world": welfare_i})
    va = va.drop(index="RUS", errors="ignore")
    others = dep.drop(index="RUS", errors="ignore")
    wel = dep["welfare"]
    result = (
        f"{len(dep)} members on {w.name} {w.year}: welfare median {_pct(wel.median())} "
        f"(from {_pct(wel.min())} {wel.idxmin()} to {_pct(wel.max())} {wel.idxmax()}; "
        f"RUS {_pct(wel.get('RUS', np.nan))}). Members other than Russia: median share of "
        f"imports from Russia {others['leader_before'].median():.1f}% -> "
        f"{others['leader_after'].median():.1f}%; share of absorption from outside the "
        f"bloc {others['outside_before'].median():.1f}% -> "
        f"{others['outside_after'].median():.1f}%. Value added embodied in output "
        f"({wi.name} {wi.year}, baseline): from Russia "
        + ", ".join(f"{c} {v:.1f}%" for c, v in va["rus_value_added"].items())
        + "; from the rest of the world "
        + ", ".join(f"{c} {v:.1f}%" for c, v in va["other_foreign_value_added"].items())
        + f"; welfare on {wi.name} "
        + ", ".join(f"{c} {_pct(v)}" for c, v in va["welfare_io_world"].items())
        + f". Band: members' welfare change on {w.name} (%).")
    return Claim(
        6, "A Eurasian macro-state would strengthen its members' sovereignty.",
        "The eurasian-macro-state preset on its default world, icio194 (every post-Soviet "
        "economy separate, 29 sectors, input-output links): members' welfare, import share "
        "from Russia and absorption share from outside the bloc, before and after; "
        "value-added dependence on Russia and on the rest of the world from the same "
        "input-output table.",
        result, float(wel.min()), float(wel.max()),
        " ".join(scn.assumptions[:2]) + " " + notes + ".",
        "Sovereignty is a political notion; the model measures only trade and value-added "
        "shares and real income. Value-added dependence is the baseline only (the "
        "counterfactual input-output table is not built); icio194's rest-of-world members "
        "take the rest of the world's input-output coefficients and zero tariffs.",
        {"eurasian_members": dep.reset_index(), "eurasian_value_added": va.reset_index()})


# ------------------------------------------------------------------------ claim 7
def no_tourism(ctx: Context | None = None) -> Claim:
    """Claim 7: international tourism is superfluous."""
    ctx = ctx or Context()
    w = ctx.headline()
    scn = presets.get("no-tourism")
    tour = w.sector_classes.get("tourism", ())
    if not tour:
        return _not_on(w, 7, "International tourism is superfluous.", "tourism")
    res = ctx.solve(w, "no-tourism")
    F = w.flows.transpose("importer", "exporter", "sector")
    Fx = F.sel(sector=list(tour)).to_numpy().sum(axis=2)
    exports = Fx.sum(axis=0) - np.diag(Fx)
    inc = run.income(w).reindex(list(w.countries)).to_numpy(float)
    tab = pd.DataFrame({"travel_exports_share_of_income": 100 * exports / inc,
                        "welfare": res.welfare.to_numpy(float)},
                       index=pd.Index(w.countries, name="country"))
    world0 = _world_welfare(w, res)
    by_source = _sweep_world(w, scn)
    top = tab["travel_exports_share_of_income"].nlargest(5)
    worst = tab["welfare"].nsmallest(5)
    result = (
        f"On {w.name} {w.year} (closed: {', '.join(tour)}): world welfare {_pct(world0)} "
        f"(elasticity sources {_pct(by_source.min())} to {_pct(by_source.max())}); "
        f"{int((tab['welfare'] < 0).sum())} of {len(tab)} economies lose, "
        f"{int((tab['welfare'] > 0).sum())} gain. Largest losses: "
        + ", ".join(f"{c} {_pct(v)}" for c, v in worst.items())
        + ". Travel exports as a share of income are largest in "
        + ", ".join(f"{c} {v:.1f}% (welfare {_pct(tab.loc[c, 'welfare'])})"
                    for c, v in top.items())
        + ". Band: world welfare change (%, income-weighted) over the catalog's elasticity "
        "sources.")
    return Claim(
        7, "International tourism is superfluous.",
        "The no-tourism preset (prohibitive costs on the sectors of class 'tourism') on "
        "the headline world: welfare by country, the world total, and the range across the "
        "elasticity catalog (ak.sweep, draws=None).",
        result, float(by_source.min()), float(by_source.max()),
        " ".join(scn.assumptions[:1]) + " " + _notes(res) + ".",
        "Tourism's value to travellers beyond what they spend, and its social and "
        "environmental costs, are outside the model; tourists' spending in other sectors "
        "is not captured.",
        {"no_tourism": tab.reset_index(),
         "no_tourism_sources": by_source.rename_axis("source").reset_index()})


# ------------------------------------------------------------------------ claim 8
def essentials(ctx: Context | None = None) -> Claim:
    """Claim 8: nations must be fully self-sufficient in essential goods."""
    ctx = ctx or Context()
    w = ctx.headline()
    cls = w.sector_classes
    present = [c for c in ESSENTIAL_CLASSES if c in cls]
    missing_cls = [c for c in ESSENTIAL_CLASSES if c not in cls]
    if not present:
        return _not_on(w, 8, "Nations must be fully self-sufficient in essential goods.",
                       " or ".join(ESSENTIAL_CLASSES))
    sectors = sorted({s for c in present for s in cls[c]}, key=list(w.sectors).index)
    aut = presets.get("world-autarky")
    scn = Scenario.autarky("all", sectors=sectors).with_info(
        name="essentials-autarky", settings=aut.settings,
        description="Every nation self-sufficient in " + ", ".join(present))
    res = ctx.solve(w, scn, key="essentials-autarky")
    by_source = _sweep_world(w, scn)
    home = w.produces_at_home().sel(sector=sectors).to_pandas()
    absorb = (w.flows.sel(sector=sectors).sum("exporter").rename({"importer": "country"})
              .to_pandas() > 0)
    cannot = (~home) & absorb.reindex(index=home.index, columns=home.columns)
    lists = cannot.apply(lambda r: " ".join(r.index[r.to_numpy()]), axis=1)
    tab = pd.DataFrame({"welfare": res.welfare.to_numpy(float), "cannot_produce": lists},
                       index=pd.Index(w.countries, name="country"))
    world0 = _world_welfare(w, res)
    worst = tab["welfare"].nsmallest(5)
    n_cannot = int((tab["cannot_produce"] != "").sum())
    names = dict(zip(w.sectors, w.dataset.attrs.get("sector_names") or w.sectors,
                     strict=False))
    result = (
        f"On {w.name} {w.year}, autarky in {', '.join(present)} "
        f"({', '.join(sectors)}): world welfare {_pct(world0)} (elasticity sources "
        f"{_pct(by_source.min())} to {_pct(by_source.max())}); every economy's welfare "
        f"from {_pct(tab['welfare'].min())} to {_pct(tab['welfare'].max())}, median "
        f"{_pct(tab['welfare'].median())}. Largest losses: "
        + ", ".join(f"{c} {_pct(v)}" for c, v in worst.items())
        + f". {n_cannot} of {len(tab)} economies use an essential they do not make at "
        "home at all"
        + (": " + "; ".join(f"{c} {v}" for c, v in tab["cannot_produce"].items() if v)
           if n_cannot else "")
        + f". Band: world welfare change (%, income-weighted) over the {len(by_source)} "
        "catalog elasticity sources.")
    return Claim(
        8, "Nations must be fully self-sufficient in essential goods.",
        "Prohibitive costs on international trade in the dataset's essential sector "
        f"classes ({', '.join(present)}) for every nation, with the world-autarky "
        "preset's solver settings; welfare by country, the catalog range, and the "
        "essentials each country uses but does not produce at home "
        "(World.produces_at_home).",
        result, float(by_source.min()), float(by_source.max()),
        "Sector classes from the dataset manifest: "
        + "; ".join(f"{c}: {', '.join(f'{s} {names.get(s, s)}' for s in cls[c])}"
                    for c in present)
        + (f". No class {', '.join(missing_cls)} is declared for {w.name}, so it is not "
           "closed" if missing_cls else "")
        + ". Goods a country does not make get a latent domestic supply (policy 'floor', "
        f"rule '{run.options(scn).floor_rule}' of autarky.solve.floor_shares: the share of "
        "the country's smallest recorded supplier of the good, the largest home supply "
        "consistent with none being recorded), which understates their loss; the result's "
        "notes give the welfare with a tenth of that supply. " + _notes(res) + ".",
        "The claim is usually about security of supply in crises; the model compares "
        "long-run equilibria and has no crises, stocks or strategic value of supply.",
        {"essentials": tab.reset_index(),
         "essentials_sources": by_source.rename_axis("source").reset_index()})


# ------------------------------------------------------------------------ claim 9
_OUTSIDE = (
    ("Self-reliance makes a nation more inventive.",
     "Productivity is given in a static trade model; innovation, learning and the "
     "diffusion of ideas are not in it."),
    ("Integration on economic grounds alone stalls; it needs a political or cultural "
     "project.",
     "The model computes what integration does to incomes, not why governments pursue or "
     "abandon it."),
    ("Trade dependence is used as a means of political pressure.",
     "Bargaining and coercion are outside an equilibrium of prices and quantities; "
     "claims 4 and 6 give only the size of the dependences."),
    ("Open economies lose their cultural or national identity.",
     "Identity has no counterpart in prices, quantities or incomes."),
    ("A self-sufficient nation is safer from war and sanctions.",
     "Conflict and its probability are not modelled; sanctions can be computed as a "
     "scenario (preset sanctions) for their trade cost only."),
)


def outside_model(ctx: Context | None = None) -> Claim:
    """Claim 9: claims that a static trade model cannot test, one line each."""
    text = " ".join(f"({k}) {c} -- {why}" for k, (c, why) in enumerate(_OUTSIDE, start=1))
    return Claim(
        9, "Claims outside a static trade model (listed in the result).",
        "Nothing is computed.", text, float("nan"), float("nan"),
        "The model is a static general equilibrium of trade with fixed technology and "
        "labour.", "Each line says why the model cannot test that claim.",
        {"outside_model": pd.DataFrame(_OUTSIDE, columns=["claim", "why_not_testable"])})


# ------------------------------------------------------------------------ claim 10
def tariff_war(ctx: Context | None = None) -> Claim:
    """Claim 10: a country gains from a trade war (from raising its tariffs)."""
    ctx = ctx or Context()
    w = without_io(ctx.world("wiod2016", 2014))
    one = pd.DataFrame([(c, r.tariffs[c], r.welfare[c], _world_welfare(w, r.result))
                        for c, r in zip(w.countries, optimal_tariffs(w, elasticities=4.0),
                                        strict=True)],
                       columns=["country", "tariff", "welfare", "world_welfare"])
    war = nash(w, 4.0)
    wars = pd.Series({s: _world_welfare(w, nash(w, s).result)
                      for s in elasticity_sources().index}, name="world_welfare")
    lose, gain = int((war.welfare < 0).sum()), int((one["welfare"] > 0).sum())
    best, hurt = one.set_index("country")["welfare"], int((one["world_welfare"] < 0).sum())
    # 'autarky run us-tariffs-2025' on its world (icio2023, latest year): the run's solve
    # (Context.solve), without the run's extra tables, which the claim does not show
    us_world = ctx.world("icio2023")
    ilms = ilms_us_text(float(ctx.solve(us_world, "us-tariffs-2025").welfare["USA"]), us_world)
    result = (
        f"On wiod2016 2014 ({len(w.countries)} economies, elasticity 4): acting alone, with "
        f"every other tariff at its applied level and no retaliation, {gain} of "
        f"{len(one)} economies gain from their own optimal tariff "
        f"({100 * one['tariff'].min():.1f}-{100 * one['tariff'].max():.1f}%; gain median "
        f"{_pct(best.median())}, largest {best.idxmax()} {_pct(best.max())}), and world "
        f"welfare falls in {hurt} of these {len(one)} cases. When every economy sets its "
        f"optimal tariff (Nash tariff war, tariffs {100 * war.tariffs.min():.1f}-"
        f"{100 * war.tariffs.max():.1f}%), "
        f"{lose} of {len(war.tariffs)} lose (median {_pct(war.welfare.median())}, world "
        f"{_pct(_world_welfare(w, war.result))}; across the {len(wars)} elasticity sources "
        f"the world change is {_pct(wars.min())} to {_pct(wars.max())})." + ilms
        + f" Band: world welfare change (%, income-weighted) in the Nash tariff war over the "
        f"{len(wars)} catalog elasticity sources.")
    return Claim(
        10, "A country gains from a trade war: raising its tariffs makes it richer.",
        "Each economy's unilaterally optimal uniform tariff with no retaliation "
        "(autarky.nash.optimal_tariff) and the Nash tariff war in which every economy sets "
        "its optimal tariff (ak.nash, exact first-order conditions), on wiod2016 2014 without "
        "input-output links (the setting of Lashkaripour 2021); the war's world change "
        "under each catalog elasticity source; the 2025 US tariffs with and without "
        "retaliation in the model of Ignatenko et al. (2025).",
        result, float(wars.min()), float(wars.max()),
        "; ".join(war.notes[:4]) + "; tariffs in the Nash war are uniform across partners "
        "and sectors, one per country.",
        "The model compares long-run equilibria: it has no escalation path, negotiation, "
        "uncertainty or investment response, and it counts no aim of a tariff other than "
        "real income (revenue needs, industrial or security policy).",
        {"optimal_tariff": one, "nash": war.to_frame().reset_index(),
         "nash_by_source": wars.rename_axis("source").reset_index()})


# ------------------------------------------------------------------------ all
REPAIRS: list[str] = []
"""The data repairs (RepairWarning texts) made during the last :func:`compute`."""

LAST_READ = {"wiod2013": 3, "world194": 5, "icio194": 6}
"""The last claim that reads each dataset (other than icio2023, the headline): its worlds
and solves are let go after it (:meth:`Context.drop`), so the claims after it run without
them (wiod2013's panel: 17 years and the latest year's multi-regional table, ~50 MB;
icio194: ~35 MB). A dataset asked for again is loaded again: this decides memory, never
numbers."""

SHARED_SOLVES = {"eurasian-macro-state": 6}
"""Solves a later claim reads again (claim 4's eurasian-macro-state solves, read by claim
6), with the last claim that reads them: every other cached solve is let go after its
claim (:meth:`Context.keep_solves`; ~20 MB per Result on icio2023)."""

CLAIMS: tuple[Callable[[Context], Claim], ...] = (
    world_autarky, income_gains, supply_shocks, dependency, bloc_choice,
    eurasian_sovereignty, no_tourism, essentials, outside_model, tariff_war)
"""The claim functions, in order of their ids."""


def compute(world: str | World | None = None, ids: Sequence[int] | None = None,
            progress: Callable[[int, int], None] | None = None) -> list[Claim]:
    """Every claim (or those in ``ids``), sharing loaded worlds and solves.

    Parameters
    ----------
    world : str or World, optional
        The world of claims 1, 7 and 8 (default: every embedded dataset for claim 1,
        icio2023 for 7 and 8). The other claims run on the datasets they name.
    ids : sequence of int, optional
        Which claims (1-10); default all.
    progress : callable, optional
        Called as ``progress(done, total)`` after each claim.
    """
    want = list(range(1, len(CLAIMS) + 1)) if ids is None else [int(i) for i in ids]
    bad = [i for i in want if not 1 <= i <= len(CLAIMS)]
    if bad:
        raise ScenarioError(f"claims: --only {bad[0]}: no such claim (claims are 1 to "
                            f"{len(CLAIMS)})")
    ctx = Context(world)
    out = []
    # BLAS on one thread; solves from the shipped solutions of the same problems (verified)
    with warnings.catch_warnings(record=True) as caught, ctx.running():
        warnings.simplefilter("always", RepairWarning)
        warnings.simplefilter("ignore", ScenarioWarning)
        for k, i in enumerate(want):
            out.append(CLAIMS[i - 1](ctx))
            for name in [d for d, last in LAST_READ.items() if last <= i]:
                ctx.drop(name)
            ctx.keep_solves({k for k, last in SHARED_SOLVES.items() if last > i})
            release_memory()  # what the claim let go, before the next one allocates
            if progress:
                progress(k + 1, len(want))
    for m in caught:
        if issubclass(m.category, RepairWarning):
            text = str(m.message)
            if text not in ctx.repairs:
                ctx.repairs.append(text)
        else:
            warnings.showwarning(m.message, m.category, m.filename, m.lineno)
    REPAIRS[:] = ctx.repairs
    return out


def claims(world: str | World | None = None, ids: Sequence[int] | None = None) -> pd.DataFrame:
    """The texts' claims, computed: one row per claim.

    Parameters
    ----------
    world, ids
        As in :func:`compute`.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, claim, computation, result, band_low, band_high, assumptions,
        limits``.

    Examples
    --------
    >>> import autarky as ak
    >>> df = ak.claims(ids=[9])
    >>> list(df.columns) == list(COLUMNS)
    True
    """
    return frame(compute(world, ids))


def frame(items: Sequence[Claim]) -> pd.DataFrame:
    """Claims as the DataFrame of :func:`claims`."""
    return pd.DataFrame([c.record() for c in items], columns=list(COLUMNS))
