"""The run service: every door asks a :class:`RunSpec` and gets a :class:`RunOutcome`.

``autarky run``, ``compare`` and ``report``, the browser app, the claims and
:func:`autarky.solve` build a spec and display or store the outcome; none of them
calibrates, converts a gravity effect, aggregates a group or writes an assumption on its
own, so the same question gives the same number through every door
(``tests/test_doors.py`` checks it to 1e-9).

>>> from autarky.service import RunSpec
>>> RunSpec("two-blocs").kind
'equilibrium'
>>> RunSpec("nash").kind
'nash'
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autarky import calibrate, eurasia, presets, presets_eurasia
from autarky import run as run_
from autarky.errors import DataError, ScenarioError, ScenarioWarning
from autarky.model.options import SolveOptions
from autarky.results import Result
from autarky.scenario import Scenario
from autarky.world import World

__all__ = ["EXTRAS", "OUTPUTS", "RunOutcome", "RunSpec", "check_outputs", "run", "solve"]

Progress = Callable[[int, int], None] | None

OUTPUTS: dict[str, tuple[str, ...]] = {
    "equilibrium": ("out", "report", "excel", "figures", "show", "draws"),
    "bloc-choice": ("out", "report", "excel", "figures"),
    "nash": ("out", "report", "excel", "figures"),
    "ilms": ("out", "report", "excel", "figures"),
}
"""What each kind of run can write or add (flags of ``autarky run``); any other flag is
refused in one line by :func:`check_outputs` before anything is solved."""

_OPTIONS_OF: dict[str, tuple[str, ...]] = {
    "equilibrium": ("deficits", "unavailable", "year", "path"),
    "bloc-choice": ("deficits", "unavailable", "year"),
    "nash": ("year", "method", "country"),
    "ilms": (),
}


@dataclass(frozen=True)
class RunSpec:
    """One question: what to run, on which world, with which elasticities and options.

    Parameters
    ----------
    scenario : str or Scenario
        A preset name (``two-blocs``, ``autarky:RUS``, ``nash``, ``liberation-day``), the
        path of a TOML scenario file, or a Scenario.
    world : str or World, optional
        A dataset name, a file, a World, or (ILMS presets) the folder of their data.
        Default: the preset's own world, else icio2023.
    year : int, optional
        Base year (default: the latest).
    elasticities : str or float
        A catalog source, ``"median"`` (default) or one number.
    deficits, unavailable : str, optional
        Solver settings over the preset's own (None: not chosen).
    extreme_elasticities : bool
        Accept elasticities outside the plausible range.
    method, country : str, optional
        Nash runs: the method (``exact``, ``formula``, ``best-response``) and, for one
        country's unilaterally optimal tariff instead of a war, its code.
    range : bool
        Also compute the low and high across the catalog's elasticity sources.
    draws, seed, store, scheduler
        An elasticity Monte Carlo band (equilibrium runs).
    command : str
        The command line that asked, for the record.
    path : bool
        Macro-state presets only: also the accession path (members added one at a time in
        the stated order, each member's welfare at each stage; :mod:`autarky.eurasia`).
    """

    scenario: str | Scenario = presets.DEFAULT
    world: str | World | None = None
    year: int | None = None
    elasticities: str | float = run_.DEFAULT_ELASTICITIES
    deficits: str | None = None
    unavailable: str | None = None
    extreme_elasticities: bool = False
    method: str | None = None
    country: str | None = None
    range: bool = True
    draws: int = 0
    seed: int = 0
    store: str | None = None
    scheduler: str | None = None
    command: str = ""
    path: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.scenario, (str, Scenario)):
            raise ScenarioError(f"scenario = {self.scenario!r}: expected a preset name, a "
                                "TOML path or a Scenario")
        if int(self.draws) != self.draws or self.draws < 0:
            raise DataError(f"--draws {self.draws}: must be 0 or a positive whole number")
        if int(self.seed) != self.seed or self.seed < 0:
            raise DataError(f"--seed {self.seed}: must be 0 or a positive whole number")

    @property
    def kind(self) -> str:
        """What the run computes (:data:`autarky.presets.KINDS`)."""
        if isinstance(self.scenario, Scenario):
            return presets.kind(self.scenario.name)
        if _is_file(self.scenario):
            return "equilibrium"
        return presets.record(self.scenario).kind

    def chosen(self) -> dict[str, Any]:
        """The options set away from their defaults (for the flag checks)."""
        out = {"deficits": self.deficits, "unavailable": self.unavailable,
               "year": self.year, "method": self.method, "country": self.country,
               "path": self.path or None}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True, eq=False)
class RunOutcome:
    """Everything one run computed, for any door to display, write or compare.

    Attributes
    ----------
    spec : RunSpec
    kind : str
    name : str
        The preset or scenario name.
    world : World or None
        The world solved (None for the ILMS presets, which run on their own data).
    world_reason : str
        Why that world (named, the preset's own, the default).
    repairs : tuple of str
        Data repairs made while loading it.
    scenario : Scenario
        As solved: calibrated barrier and gravity conversions bound.
    options : SolveOptions or None
    result : Result or None
        The equilibrium (kind ``equilibrium``).
    table : DataFrame or None
        The kind's table: bloc choice (state, option), Nash tariffs and welfare, ILMS.
    detail : object
        The kind's own result object (NashResult, LiberationResult), or None.
    range, band : DataFrame or None
        Low/high across elasticity sources; median and 90% band over draws.
    aggregates : DataFrame or None
        Group welfare (index group; columns ``welfare``, ``members``), one routine for
        every door (:meth:`Result.aggregate`, weights :attr:`Result.weights`).
    assumptions : tuple of str
        True of the options used (declared by the preset's record).
    notes : tuple of str
        What the run did: calibration, conversions, solver notes.
    meta : dict
        The record: dataset and checksum, elasticities, options, command.
    extras : dict of str to DataFrame
        Further tables a preset or feature adds beside the headline (each with
        ``attrs["title"]`` and, where it has one, ``attrs["text"]``): printed by the CLI,
        written with ``--out``/``--excel``, shown in the report and the app. Filled by the
        functions of :data:`EXTRAS`.
    """

    spec: RunSpec
    kind: str
    name: str
    world: World | None
    world_reason: str
    repairs: tuple[str, ...]
    scenario: Scenario
    options: SolveOptions | None
    result: Result | None = None
    table: pd.DataFrame | None = None
    detail: Any = None
    range: pd.DataFrame | None = None
    band: pd.DataFrame | None = None
    aggregates: pd.DataFrame | None = None
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def welfare(self) -> pd.Series:
        """Welfare change by country, % (bloc choice: by (state, option))."""
        if self.result is not None:
            return self.result.welfare
        assert self.table is not None
        col = "welfare_pct" if "welfare_pct" in self.table.columns else "welfare"
        return self.table[col]

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """The scenario's named groups in the world solved."""
        if self.world is None:
            return {}
        return {k: tuple(v) for k, v in self.scenario.blocs(self.world).items()}

    @property
    def sources(self) -> tuple[str, ...]:
        """The preset's or scenario's sources."""
        return tuple(self.scenario.sources)


def _is_file(text: str) -> bool:
    from pathlib import Path

    return text.lower().endswith(".toml") or Path(text).is_file()


def check_outputs(kind: str, **flags: Any) -> None:
    """Refuse, in one line, an output flag or option a kind of run cannot honour.

    ``flags``: name -> value (None, False, 0 and "" mean not given). Called before
    anything is solved, so that a flag either acts or is refused, never silently ignored.
    """
    allowed = OUTPUTS[kind] + _OPTIONS_OF[kind]
    what = {"equilibrium": "an equilibrium scenario", "bloc-choice": "bloc choice",
            "nash": "a Nash tariff war", "ilms": "a Liberation Day preset (ILMS 2025 model)"}
    for name, value in flags.items():
        if value in (None, False, 0, "") or name in allowed:
            continue
        raise ScenarioError(f"--{name.replace('_', '-')} does not apply to {what[kind]}; "
                            f"it takes: {', '.join('--' + a for a in allowed) or 'no options'}")


Extra = Callable[["RunOutcome"], dict[str, pd.DataFrame]]

EXTRAS: list[Extra] = [eurasia.macro_state_tables, eurasia.comparator_tables,
                       eurasia.path_tables, eurasia.bloc_counts]
"""Functions ``f(outcome) -> {name: table}`` run on every outcome; each returns the tables
it has for that outcome (usually none). A feature adds its tables here (e.g. the Eurasian
integration diagnostics, literature comparators, sensitivities) instead of each door
computing them."""


def _with_extras(outcome: RunOutcome) -> RunOutcome:
    extras: dict[str, pd.DataFrame] = {}
    for f in EXTRAS:
        extras.update(f(outcome))
    return dataclasses.replace(outcome, extras=extras) if extras else outcome


def _scenario(spec: RunSpec) -> Scenario:
    if isinstance(spec.scenario, Scenario):
        return spec.scenario
    return run_.scenario(spec.scenario)


def _world(spec: RunSpec, scn: Scenario) -> tuple[World, str, tuple[str, ...]]:
    if isinstance(spec.world, World):
        return spec.world, "given", ()
    if spec.world is not None:
        why = "named with --world"
        name: str = spec.world
    else:
        own, reason = presets.default_world(scn.name or "")
        if own is not None:
            name, why = own, f"the preset's default world: {reason}; --world overrides"
        else:
            name, why = "icio2023", "the default world; --world overrides"
    loaded = run_.load(name, spec.year)
    return loaded.world, why, loaded.repairs


def solve(world: World, scenario: Any, elasticities: Any = run_.DEFAULT_ELASTICITIES,
          options: SolveOptions | None = None) -> Result:
    """Solve a scenario as ``autarky run`` does: the library's :func:`autarky.solve`.

    A preset with a calibration target is calibrated on ``world`` with these elasticities
    and options first; gravity effects are converted with the same elasticities; the
    notes say what was solved for and the trade changes it implies. A preset that is not
    one equilibrium (bloc choice, a Nash tariff war, the ILMS presets) is refused in one
    line naming the call that runs it.

    Parameters
    ----------
    world : World
        The baseline economy.
    scenario : Scenario, Shock or str
        What changes; a string is a preset name (``"two-blocs"``, ``"autarky:RUS"``),
        resolved with :func:`autarky.presets.get` as ``autarky run NAME`` resolves it.
    elasticities : str, float or per-sector values, default "median"
        A catalog source, one number or one value per sector.
    options : SolveOptions, optional
        Default: the scenario's own settings, else the library's.

    Returns
    -------
    Result
    """
    if isinstance(scenario, str):
        presets.record(scenario)  # an unknown name: one line listing the presets
        if presets.kind(scenario) == "equilibrium":
            scenario = presets.get(scenario)
    name = scenario if isinstance(scenario, str) else getattr(scenario, "name", "") or ""
    kind = presets.kind(name) if isinstance(scenario, (Scenario, str)) else "equilibrium"
    if kind != "equilibrium":
        raise ScenarioError(
            f"preset {name!r} is {'a table of equilibria, not' if kind == 'bloc-choice' else 'not'}"
            f" one equilibrium ({kind}): run it with autarky.service.run(RunSpec({name!r})) "
            f"or 'autarky run {name}'")
    return run_.solve(world, scenario, elasticities, options)


def run(spec: RunSpec | str, progress: Progress = None) -> RunOutcome:
    """Run one question through the one service.

    Parameters
    ----------
    spec : RunSpec or str
        The question (a preset name is ``RunSpec(name)``).
    progress : callable, optional
        ``progress(done, total)`` of long batched steps (bloc choice, ranges, draws).

    Returns
    -------
    RunOutcome
    """
    if isinstance(spec, str):
        spec = RunSpec(spec)
    return _with_extras(_run(spec, progress))


def _run(spec: RunSpec, progress: Progress) -> RunOutcome:
    kind = spec.kind
    check_outputs(kind, **spec.chosen(), draws=spec.draws)
    if spec.path:
        _check_path(spec)
    if kind == "ilms":
        return _run_ilms(spec)
    scn = _scenario(spec)
    world, why, repairs = _world(spec, scn)
    if kind == "nash":
        return _run_nash(spec, scn, world, why, repairs)
    opts = run_.options(scn, deficits=spec.deficits, unavailable=spec.unavailable,
                        extreme_elasticities=spec.extreme_elasticities or None)
    theta = run_.elasticities(spec.elasticities)
    assumptions = run_.assumptions(scn, opts)
    meta = run_.record_meta(world, spec.elasticities, opts, spec.command)
    base: dict[str, Any] = dict(
        spec=spec, kind=kind, name=scn.name or str(spec.scenario), world=world,
        world_reason=why, repairs=repairs, options=opts, assumptions=assumptions, meta=meta)
    if kind == "bloc-choice":
        df = run_.bloc_choice(world, elasticities=theta, options=opts,
                              solve=run_.solve_plain, progress=progress)
        rng = run_.bloc_choice_range(world, df, opts, progress=progress) if spec.range \
            else None
        cal = calibrate.with_cost(scn, float(df.attrs["cost_hat"]))
        return RunOutcome(scenario=cal, table=df, range=rng,
                          notes=tuple(df.attrs.get("notes", ())), **base)
    res, cal = run_.solve_calibrated(world, scn, theta, opts)
    rng = run_.source_range(world, scn, opts, progress=progress, elasticities=theta) \
        if spec.range else None
    band = _band(world, cal, opts, spec, progress) if spec.draws else None
    return RunOutcome(scenario=cal, result=res, range=rng, band=band,
                      aggregates=run_.aggregates(world, cal, res), notes=tuple(res.notes),
                      **base)


def _check_path(spec: RunSpec) -> None:
    name = spec.scenario.name if isinstance(spec.scenario, Scenario) else str(spec.scenario)
    if name.partition(":")[0] not in presets_eurasia.MACRO_STATE:
        raise ScenarioError(f"--path applies to the macro-state presets only "
                            f"({', '.join(presets_eurasia.MACRO_STATE)}), not {name!r}")


def _run_nash(spec: RunSpec, scn: Scenario, world: World, why: str,
              repairs: tuple[str, ...]) -> RunOutcome:
    from autarky.nash import NashOptions, nash, optimal_tariff

    theta = run_.elasticities(spec.elasticities)
    method = spec.method or "exact"
    try:
        nopts = NashOptions(method=method)  # type: ignore[arg-type]
    except ValueError as err:
        raise DataError(f"--method {method!r}: {err}") from None
    if spec.country is not None:
        res: Any = optimal_tariff(world, spec.country.upper(), elasticities=theta)
        what = f"optimal tariff of {spec.country.upper()}"
    else:
        res = nash(world, elasticities=theta, options=nopts)
        what = f"Nash tariff war ({method})"
    frame = res.to_frame()
    rec = presets.record("nash")
    meta = {**run_.dataset_meta(world), "elasticities": spec.elasticities,
            "options": {"method": method, "country": spec.country}, "command": spec.command}
    w = frame["welfare_pct"].to_numpy(float)
    inc = np.asarray(world.income.reindex(country=list(frame.index)).values, float)
    agg = pd.DataFrame({"welfare": [float(w @ inc / inc.sum())], "members": [len(w)]},
                       index=pd.Index(["world"], name="group"))
    return RunOutcome(spec=spec, kind="nash", name=what, world=world, world_reason=why,
                      repairs=repairs, scenario=scn, options=None, table=frame, detail=res,
                      aggregates=agg, assumptions=rec.assumptions_for(),
                      notes=tuple(res.notes) + (f"method: {res.method}",), meta=meta)


def _run_ilms(spec: RunSpec) -> RunOutcome:
    from autarky.data import read_ilms2025
    from autarky.liberation import DATA_FOLDER, liberation_day, summary

    assert isinstance(spec.scenario, str)
    rec = presets.record(spec.scenario)
    folder = spec.world if isinstance(spec.world, str) else DATA_FOLDER
    data = read_ilms2025(folder)
    res = liberation_day(data, dict(rec.params)["retaliation"])
    rows = summary(res, data)
    agg = rows[["welfare"]].assign(members=[1, 1, 27, len(res.frame) - 1])
    agg.index.name = "group"
    meta = {"dataset": "ilms2025", "year": 2023, "dataset_source": rec.sources[0],
            "data_folder": str(folder), "elasticities": 4.0,
            "options": {"retaliation": dict(rec.params)["retaliation"]},
            "command": spec.command}
    return RunOutcome(spec=spec, kind="ilms", name=rec.name, world=None,
                      world_reason=f"the data of Ignatenko et al. (2025) in {folder}",
                      repairs=(), scenario=presets.get(rec.name), options=None,
                      table=res.frame, detail=res, aggregates=agg,
                      assumptions=rec.assumptions_for(), notes=tuple(res.notes), meta=meta)


def _band(world: World, scn: Scenario, opts: SolveOptions, spec: RunSpec,
          progress: Progress) -> pd.DataFrame:
    """Median and 90% band per country and group over elasticity draws (result store)."""
    from autarky.data.store import default_store_path
    from autarky.sweep import sweep

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        sw = sweep(world, scn, draws=spec.draws, seed=spec.seed, options=opts,
                   backend="dask" if spec.scheduler else "serial", scheduler=spec.scheduler,
                   store=spec.store or default_store_path(), progress=progress)
    groups = {**scn.blocs(world), "world": tuple(world.countries)}
    W = run_.group_welfare(world, sw.welfare.to_numpy(), groups)
    q = np.quantile(W.to_numpy(), [0.5, 0.05, 0.95], axis=0)
    band = pd.DataFrame({"median": q[0], "low": q[1], "high": q[2]}, index=W.columns)
    band.attrs["text"] = (
        f"band: median and 90% interval over {spec.draws} elasticity draws (seed {spec.seed};"
        " each sector's theta drawn among the published values of the catalog sources, see "
        f"'autarky elasticities'); {sw.solved} solved, {sw.reused} reused from the result "
        f"store, {sw.seconds:.1f} s")
    return band


def replace(spec: RunSpec, **changes: Any) -> RunSpec:
    """A copy of ``spec`` with fields changed (``dataclasses.replace``)."""
    return dataclasses.replace(spec, **changes)


# ------------------------------------------------- extras of issue 30: rules, literature
def _rule_intervals(outcome: RunOutcome) -> dict[str, pd.DataFrame]:
    """The deficit- and supply-rule intervals beside an equilibrium headline."""
    from autarky.sensitivity import rule_intervals

    if outcome.kind != "equilibrium" or outcome.world is None or outcome.options is None:
        return {}
    out = rule_intervals(outcome.world, _scenario(outcome.spec), outcome.result,
                         run_.elasticities(outcome.spec.elasticities), outcome.options,
                         groups={**outcome.groups, "world": tuple(outcome.world.countries)})
    return {} if out is None else {"rule_intervals": out}


def _literature(outcome: RunOutcome) -> dict[str, pd.DataFrame]:
    """The published numbers of the preset, under every result."""
    from autarky.sensitivity import literature_table

    spec = outcome.spec.scenario
    name = spec if isinstance(spec, str) and not _is_file(spec) else (outcome.scenario.name
                                                                       or "")
    out = literature_table(name, outcome.world)
    return {} if out is None else {"literature": out}


def _policy_pair(outcome: RunOutcome) -> dict[str, pd.DataFrame]:
    """us-tariffs-2025 beside liberation-day (cheap: the ILMS model)."""
    from autarky.sensitivity import policy_pair

    if outcome.kind != "equilibrium" or outcome.options is None:
        return {}
    out = policy_pair(outcome.scenario.name or "", outcome.result, outcome.world,
                      outcome.options.deficits)
    return {} if out is None else {"same_policy": out}


def _record_sensitivity(outcome: RunOutcome) -> dict[str, pd.DataFrame]:
    """On world194: the same question on the importers' record of trade (issue 27 item 4).

    world194 takes each flow from the exporter's record first; the importer's record
    (c.i.f. / 1.10) gives another baseline. The preset is solved on it as defined (its
    calibration and conversions redone there) and the economies it moves most are listed.
    """
    w = outcome.world
    if (outcome.kind != "equilibrium" or w is None or w.name != "world194"
            or w.dataset.attrs.get("flows") == "importer" or outcome.options is None):
        return {}
    import warnings as _w

    from autarky.data import load_world
    from autarky.errors import RepairWarning

    with _w.catch_warnings():
        _w.simplefilter("ignore", RepairWarning)
        alt = load_world("world194", year=w.year, flows="importer")
    res = run_.solve(alt, _scenario(outcome.spec), run_.elasticities(outcome.spec.elasticities),
                     outcome.options)
    head = outcome.welfare
    other_w = res.welfare.reindex(head.index)
    groups = {**outcome.groups, "world": tuple(w.countries)}
    g_head = run_.group_welfare(w, head.to_numpy()[None, :], groups).iloc[0]
    g_alt = run_.group_welfare(alt, res.welfare.reindex(list(alt.countries)).to_numpy()[None, :],
                               groups).iloc[0]
    diff = (other_w - head).abs().sort_values(ascending=False)
    if not diff.iloc[0] >= 1e-3:  # the records agree on what this scenario moves
        return {}
    rows = list(diff.index[:8]) + [g for g in groups if g in g_head.index]
    df = pd.DataFrame({"exporters' record (headline), %": [
        float(head[r]) if r in head.index else float(g_head[r]) for r in rows],
        "importers' record, %": [float(other_w[r]) if r in other_w.index else float(g_alt[r])
                                 for r in rows]}, index=pd.Index(rows, name="economy or group"))
    df.attrs["title"] = "Whose record of trade: world194 on the importers' records"
    df.attrs["text"] = ("world194 takes each flow from the exporter's f.o.b. record first; "
                        "the same preset on the importers' c.i.f. records / 1.10 "
                        "(ak.load_world('world194', flows='importer'), calibration and "
                        "conversions redone there): the 8 economies it moves most and the "
                        "groups.")
    return {"record_sensitivity": df}


EXTRAS.extend([_rule_intervals, _policy_pair, _literature, _record_sensitivity])
