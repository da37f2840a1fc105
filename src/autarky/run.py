"""What the command line, the report and the app share: from a spec to a recorded result.

One place for the product logic above :func:`autarky.solve`:

* :func:`scenario` — a preset name (``two-blocs``, ``autarky:RUS``) or a TOML file;
* :func:`options` — solver settings layered once: explicit choices over the scenario's own
  ``[solve]`` settings over the library's defaults (:class:`~autarky.SolveOptions`);
* :func:`elasticities` — the ``--elasticities`` text parsed once (a number or a source);
* :func:`load` — a World, with the data repairs it needed as notes;
* :func:`solve` — a solve whose scenario warnings go to the notes only;
* :func:`aggregates` — welfare of the scenario's blocs and of the world
  (:meth:`Result.aggregate`, baseline-income-weighted);
* :func:`bloc_choice` — the swing-state table of the ``bloc-choice`` preset;
* :func:`source_range` / :func:`bloc_choice_range` — the low and high of welfare across the
  catalog's published elasticity sources, in one batched solve (printed with every
  headline table);
* :func:`record_meta` / :func:`write` — the reproducible record of a run;
* :func:`elasticity_table` — every catalog source's elasticities for a dataset's sectors;
* :func:`assumptions` — a scenario's assumptions as true of the options used;
* :func:`check_top` / :func:`extremes` — ``--top N``: the N largest and N smallest rows.

Nothing here prints: callers (cli, report, app) decide how to show it.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky import calibrate, presets
from autarky.data import DEFAULT_SOURCE, elasticity_sources, load_world, manifest
from autarky.data import elasticities as elasticity_catalog
from autarky.data.records import check_out_folder, write_record, write_table_record
from autarky.errors import DataError, RepairWarning, ScenarioError, ScenarioWarning
from autarky.model.options import SolveOptions
from autarky.results import Result
from autarky.scenario import Scenario
from autarky.solve import solve as solve_model
from autarky.world import World

__all__ = ["DEFAULT_ELASTICITIES", "PENALTY_MAX", "Loaded", "aggregates", "assumptions",
           "bloc_choice", "bloc_choice_range", "check_top", "compare_range", "dataset_meta",
           "elasticities", "elasticity_table", "extremes", "group_welfare", "income", "load",
           "options", "range_unavailable", "record_meta", "scenario", "solve", "solve_calibrated",
           "solve_plain",
           "source_range", "top_title", "write"]

DEFAULT_ELASTICITIES = DEFAULT_SOURCE
"""The elasticity source of every command and of the app unless one is named: ``"median"``
(per sector, the median of the catalog's 8 published sources; see the README)."""


def scenario(spec: str) -> Scenario:
    """A preset name (``two-blocs``, ``autarky:RUS``) or the path of a TOML file."""
    if spec.lower().endswith(".toml") or Path(spec).is_file():
        return Scenario.from_toml(spec)
    return presets.get(spec)


def options(scn: Scenario, **choices: Any) -> SolveOptions:
    """Solver settings: ``choices`` (None = not chosen) over the scenario's over the defaults.

    The defaults are the library's own (:class:`SolveOptions`); a bad value is a
    ScenarioError naming the setting.
    """
    try:
        return scn.solve_options(**choices)
    except ValueError as err:
        raise ScenarioError(str(err)) from None


def elasticities(text: str | float) -> str | float:
    """``--elasticities`` text as the solver takes it: a number, or a catalog source name."""
    if isinstance(text, (int, float)):
        return float(text)
    try:
        return float(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class Loaded:
    """A World and the data repairs made while loading it (one RepairWarning per rule)."""

    world: World
    warnings: tuple[RepairWarning, ...] = ()

    @property
    def repairs(self) -> tuple[str, ...]:
        """The repairs' texts (the notes of a run)."""
        return tuple(str(w) for w in self.warnings)


def load(world: str | World, year: int | None = None, **kwargs: Any) -> Loaded:
    """Load a World; repairs are returned as notes instead of warnings.

    The one place the package catches the RepairWarnings of loading (the command line, the
    run service, the claims and the app all load through it); other warnings are shown.
    ``kwargs`` go to :func:`autarky.data.load_world` (e.g. ``base=`` for icio194).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        w = load_world(world, year=year, **kwargs)
    repairs = []
    for m in caught:
        if isinstance(m.message, RepairWarning):
            repairs.append(m.message)
        else:
            warnings.showwarning(m.message, m.category, m.filename, m.lineno)
    return Loaded(w, tuple(repairs))


def solve(world: World, scn: Scenario, elasticities: Any = DEFAULT_ELASTICITIES,
          options: SolveOptions | None = None) -> Result:
    """Solve as ``autarky run``: calibrate a preset's target, convert gravity effects, solve.

    A preset with a calibration target (its record in :data:`autarky.presets.PRESETS`) is
    first calibrated on ``world`` with these elasticities and options; gravity effects are
    converted with the same elasticities; the notes say what was solved for and state the
    trade changes the result implies (between blocs, or within each named group).
    Scenario warnings go to the notes only. This is :func:`autarky.solve`.
    """
    return solve_calibrated(world, scn, elasticities, options)[0]


def solve_calibrated(world: World, scn: Scenario, elasticities: Any = DEFAULT_ELASTICITIES,
                     options: SolveOptions | None = None) -> tuple[Result, Scenario]:
    """:func:`solve` and the scenario as solved (calibrated barrier, conversions bound).

    A Shock (or any object with ``apply``) that is not a Scenario is solved as it is.
    """
    if not isinstance(scn, Scenario):
        return _solve_quiet(world, scn, elasticities, options), scn
    solved: dict[str, Result] = {}  # the calibration's last solves, by scenario

    def remember(w: World, s: Scenario, **kw: Any) -> Result:
        res = _solve_quiet(w, s, **kw)
        if len(solved) >= 2:
            solved.pop(next(iter(solved)))
        solved[repr(s)] = res
        return res

    scn, pre = calibrate.prepare(world, scn, remember, elasticities, options)
    # the calibration solved this very scenario (same world, elasticities and options) at
    # the barrier it found, or verified a remembered one with it: that solve is the headline
    res = solved.get(repr(scn)) or _solve_quiet(world, scn, elasticities=elasticities,
                                                 options=options)
    post = calibrate.trade_notes(world, scn, res)
    if pre or post:
        res = dataclasses.replace(res, notes=tuple(res.notes) + pre + post)
    return res, scn


def solve_plain(world: World, scn: Scenario, elasticities: Any = DEFAULT_ELASTICITIES,
                options: SolveOptions | None = None) -> Result:
    """Solve as :func:`autarky.solve` without calibration; scenario warnings go to notes."""
    return _solve_quiet(world, scn, elasticities, options)


def _solve_quiet(world: World, scn: Scenario, elasticities: Any = DEFAULT_ELASTICITIES,
                 options: SolveOptions | None = None) -> Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return solve_model(world, scn, elasticities=elasticities, options=options)


def aggregates(world: World, scn: Scenario, result: Result) -> pd.DataFrame:
    """Welfare of the scenario's named groups and of the world: the one group routine.

    :meth:`Result.aggregate` with its one weight, :attr:`Result.weights` (each economy's
    income as observed in the data); the report, workbook, app and claims use the same.
    """
    return result.aggregate({**scn.blocs(world), "world": world.countries})


def income(world: World) -> pd.Series:
    """Baseline income by country (million USD): the weights of bloc aggregates."""
    return world.income.to_series()


PENALTY_MAX = 3.0
"""Upper end of the break-even penalty search: trade costs x3 (a 200% rise)."""


def bloc_choice(world: World, elasticities: Any = DEFAULT_ELASTICITIES,
                options: SolveOptions | None = None,
                states: Sequence[str] | None = None,
                solve: Callable[..., Result] | None = None,
                progress: Callable[[int, int], None] | None = None,
                steps: int = 10, tol: float = 1e-4,
                integration: float | None = None) -> pd.DataFrame:
    """For each swing state in ``world``: welfare if it joins West, joins East, or stays out.

    Joining brings the barrier against the other bloc and the bloc's internal integration
    (``integration``: log-trade effect with every member, goods sectors; None: the
    in-sample EU-membership effect, :func:`autarky.presets_eurasia.eu_effect`; 0: the
    barrier alone); staying out brings neither.

    The between-bloc barrier is first calibrated on ``world`` to the ``bloc-choice``
    target (:data:`autarky.calibrate.BLOC_TARGETS`). Then, for every state, the
    break-even penalty: the iceberg trade-cost factor that both blocs would put on the
    state's trade with them (both directions, every sector) if it stays out, at which
    staying out is worth exactly as much to the state as joining the better bloc. It is
    found by false position (Illinois) on the log of the penalty, every state at once, each
    state's solve warm-started from its previous step (:mod:`autarky.blocsolve`: every row
    is the stay-out shock patched in the state's row and column, solved from one baseline;
    the same numbers as :func:`autarky.sweep.sweep_scenarios` of each scenario). The
    numbers after the calibration are kept as solved rows (:func:`autarky.blocsolve.kept_key`:
    world, barrier, elasticities, options, states, integration and code) and taken as they
    are by the next run with the same inputs and code; the default runs on world194 and
    icio2023 are shipped (``scripts/build_calibrations.py``).

    Parameters
    ----------
    world : World
        The baseline economy.
    elasticities, options
        Passed to the solver.
    states : sequence of str, optional
        Default :func:`autarky.presets.swing_states` of the world (every economy in
        neither bloc's core on a world without ROW, e.g. world194).
    solve : callable, optional
        ``solve(world, scenario, elasticities=..., options=...) -> Result`` used for the
        calibration (default :func:`autarky.solve`).
    progress : callable, optional
        ``progress(done, total)`` over the batched solves.
    steps : int
        Most root-finding steps after the bracket (each one batched solve of the states
        not yet within ``tol``).
    tol : float
        Welfare gap (percentage points) between staying out at the penalty and joining
        the better bloc at which a state's penalty is taken as found.
    integration : float, optional
        Log-trade effect of joining with every member of the bloc (goods sectors,
        converted with the run's elasticities); None: the in-sample EU-membership effect;
        0: the barrier alone.

    Returns
    -------
    pandas.DataFrame
        Index (state, option); columns ``welfare`` (the state's welfare change, %),
        ``West``, ``East`` (baseline-income-weighted welfare change of each bloc's original
        members, %), ``world`` (income-weighted, %), ``West vs out``, ``East vs out``
        (change in the bloc aggregate relative to the state staying out, percentage
        points) and ``break_even`` (the penalty factor, the same on the state's three
        rows: 1 means joining already beats staying out without any penalty; NaN means
        staying out beats joining even at :data:`PENALTY_MAX`). ``attrs`` hold ``notes``
        and ``cost_hat`` (the calibrated between-bloc barrier).
    """
    from autarky import blocsolve
    from autarky.presets_eurasia import accession_text
    from autarky.solve import resolve_elasticities

    solve_ = solve or _solve_quiet
    wanted = presets.swing_states(world) if states is None else tuple(states)
    present = [s for s in wanted if s in world.countries]
    if not present:
        raise ScenarioError(f"bloc-choice: none of the states {', '.join(wanted)} is in "
                            f"{world.name}")
    a_name, b_name = presets.BLOC_NAMES
    kw: dict[str, Any] = {"elasticities": elasticities}
    if options is not None:
        kw["options"] = options
    base = presets.get("bloc-choice")
    target, what = calibrate.BLOC_TARGETS["bloc-choice"]
    solved: dict[float, Result] = {}  # the calibration's solves by barrier (warm starts)

    def solve_kept(w: World, scn: Scenario, **k: Any) -> Result:
        res = solve_(w, scn, **k)
        solved[calibrate.bloc_cost(scn)] = res
        return res

    hat, got, _ = calibrate.calibrate_bloc_cost(world, base, target, solve_kept, **kw)
    start = blocsolve.start_of(solved.get(hat))  # wages, prices, spending only
    solved.clear()
    groups = base.blocs(world)
    groups = {"West": groups[a_name], "East": groups[b_name], "world": world.countries}
    weights = income(world).reindex(list(world.countries)).to_numpy(float)
    cidx = {c: k for k, c in enumerate(world.countries)}
    G = np.zeros((len(world.countries), len(groups)))
    for g, members in enumerate(groups.values()):
        G[[cidx[c] for c in members if c in cidx], g] = 1.0
    G *= weights[:, None]
    G /= G.sum(axis=0, keepdims=True)
    pos = np.array([cidx[s] for s in present])
    S = len(present)
    total = 2 * S + 1 + S * (steps + 1)
    opts = options or SolveOptions()
    theta = resolve_elasticities(world, elasticities)[0]
    # the numbers of an earlier run of this code on the same inputs (blocsolve.kept_key)
    from autarky.presets_eurasia import eu_effect
    from autarky.sweep import world_checksum

    key = blocsolve.kept_key(world_checksum(world), "table", blocsolve.barrier(hat),
                             blocsolve.theta_hash(theta),
                             opts, present, eu_effect() if integration is None else
                             integration, steps, tol, PENALTY_MAX)
    kept = blocsolve.lookup_kept([key], 10 * S + 3).get(key)
    if kept is None:
        own_w, own_e, out_at, agg_w, agg_e, agg_o, even = blocsolve.choice_rows(
            world, present, pos, hat, theta, integration, opts, G, steps, tol, progress,
            total, PENALTY_MAX, start)
        blocsolve.remember_kept({key: (hat, got, np.concatenate(
            [own_w, own_e, out_at, agg_w.ravel(), agg_e.ravel(), agg_o, even]))})
    else:
        own_w, own_e, out_at = kept[:S], kept[S:2 * S], kept[2 * S:3 * S]
        agg_w = kept[3 * S:6 * S].reshape(S, 3)
        agg_e = kept[6 * S:9 * S].reshape(S, 3)
        agg_o, even = kept[9 * S:9 * S + 3], kept[9 * S + 3:]
    if progress:
        progress(total, total)
    rows = []
    for k, s in enumerate(present):
        for opt, wv, ag in ((presets.OPTIONS[0], own_w[k], agg_w[k]),
                            (presets.OPTIONS[1], own_e[k], agg_e[k]),
                            (presets.OPTIONS[2], out_at[k], agg_o)):
            rows.append({"state": s, "option": opt, "welfare": float(wv),
                         **{g: float(ag[j]) for j, g in enumerate(groups)},
                         "break_even": float(even[k])})
    df = pd.DataFrame(rows).set_index(["state", "option"])
    out = df.xs(presets.OPTIONS[2], level="option")
    for bloc in ("West", "East"):
        df[f"{bloc} vs out"] = df[bloc] - out[bloc].reindex(
            df.index.get_level_values("state")).to_numpy()
    df = df[["welfare", "West", "East", "world", "West vs out", "East vs out", "break_even"]]
    df.attrs["cost_hat"] = hat
    joined = (accession_text() if integration is None else
              f"a log-trade effect of {integration:g} with every member (goods)"
              if integration else "nothing else")
    df.attrs["title"] = (
        f"bloc choice on {world.name} {world.year or ''}: each state's welfare change (%) if "
        f"it joins West or East - the between-bloc barrier x{hat:.4f} (calibrated) against "
        f"the other bloc plus {joined} - or stays out (neither); the break-even "
        "penalty on a state that stays out")
    df.attrs["integration"] = integration
    df.attrs["notes"] = (
        "joining a bloc brings the between-bloc barrier against the other bloc and the "
        f"bloc's internal integration: {joined}; staying out brings neither.",
        f"calibrated: between-bloc iceberg trade costs x{hat:.4f} so that trade between the "
        f"blocs changes by {target:+.1f}% on {world.name} {world.year or ''} ({what}); "
        f"model: {got:+.2f}%.",
        "break-even penalty: the factor on iceberg trade costs between a state that stays "
        "out and both blocs (both directions, every sector) at which staying out is worth "
        "exactly as much to the state as joining the better bloc. 1.000 means joining "
        "already pays with no penalty; above 1 it is the barrier both blocs would have to "
        f"put on a non-aligned state's trade for joining to win; 'none up to x{PENALTY_MAX:g}' "
        "means staying out wins even then.",
    )
    return df


# ---------------------------------------------------------------- range across sources
AGGREGATE_THETAS: tuple[tuple[str, float, str], ...] = (
    ("bajzik2020", 2.8,
     "Bajzik, J., Havranek, T., Irsova, Z. and Schwarz, J. (2020), Estimating the Armington "
     "elasticity: The importance of study design and publication bias, Journal of "
     "International Economics 127: Armington elasticity 'in the range 2.5-5.1 with a median "
     "of 3.8' (abstract); theta = 3.8 - 1, the relation of the simple model they state"),
    ("sw2014", 4.0,
     "Simonovska, I. and Waugh, M. E. (2014), The elasticity of trade: Estimates and "
     "evidence, Journal of International Economics 92(1), 34-50: 'a trade elasticity of "
     "roughly four' (abstract)"),
    ("hm2014", 5.0,
     "Head, K. and Mayer, T. (2014), Gravity equations: Workhorse, toolkit, and cookbook, "
     "Handbook of International Economics 4, 131-195: meta-analysis of 744 gravity "
     "estimates from 32 papers, preferred estimate 5 (as summarised by Bajzik et al. 2020, "
     "section 2)"),
    ("ek2002", 8.28,
     "Eaton, J. and Kortum, S. (2002), Technology, geography, and trade, Econometrica "
     "70(5), 1741-1779: theta = 8.28, the value of their counterfactuals (read in their "
     "program EQUILX.PRG, 'mytheta = 8.28')"),
)
"""Cited values of the aggregate trade elasticity: the range of a one-sector world
(label, theta, where the number was read)."""


def _one_sector(world: World) -> bool:
    m = manifest().get(str(world.name).lower()) or {}
    return m.get("elasticity_default") is not None or (
        len(world.sectors) == 1 and _has_catalog(world))


def _range_thetas(world: World) -> tuple[np.ndarray, list[str], str] | None:
    """The elasticity vectors of a range (rows) with their labels and what they are."""
    from autarky.sweep import draw_elasticities

    if _one_sector(world):
        th = np.array([[v] for _, v, _ in AGGREGATE_THETAS]) * np.ones(len(world.sectors))
        what = ("cited values of the aggregate trade elasticity (one-sector world): "
                + "; ".join(f"{k} theta = {v:g} ({c})" for k, v, c in AGGREGATE_THETAS))
        return th, [k for k, _, _ in AGGREGATE_THETAS], what
    if not _has_catalog(world):
        return None
    thetas, labels, _ = draw_elasticities(world, draws=None)
    names = [str(x) for x in labels]
    return (thetas.to_numpy(), names,
            f"the {len(names)} published elasticity sources of the catalog "
            f"({', '.join(names)}), each applied to every sector")


def range_unavailable(world: World) -> str | None:
    """Why the range across elasticity sources is not computed for ``world``, or None.

    A world whose data are not an embedded dataset has no catalog mapping. A one-sector
    world has a range over cited values of the aggregate trade elasticity
    (:data:`AGGREGATE_THETAS`).
    """
    if _one_sector(world):
        return None
    if not _has_catalog(world):
        return (f"range across elasticity sources: not computed ({world.name} is not an "
                "embedded dataset with a catalog mapping of its sectors)")
    return None


def _has_catalog(world: World) -> bool:
    from autarky.data import elasticities as catalog

    try:
        catalog(world.name, str(elasticity_sources().index[0]))
    except Exception:  # noqa: BLE001 - any failure means: no catalog for this world
        return False
    return True


def group_welfare(world: World, W: np.ndarray,
                  groups: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Welfare rows (R, countries) with a column per group (baseline-income-weighted) added.

    The same weights as :func:`aggregates` (:meth:`Result.aggregate`); a group whose name
    is a country code is not added twice.
    """
    countries = list(world.countries)
    frame = pd.DataFrame(np.asarray(W, float), columns=countries)
    inc = income(world).reindex(countries).to_numpy(float)
    names = [g for g in groups if g not in frame.columns]
    if not names:
        return frame
    member = np.zeros((len(countries), len(names)))
    pos = {c: k for k, c in enumerate(countries)}
    for j, g in enumerate(names):
        idx = [pos[c] for c in groups[g] if c in pos]
        member[idx, j] = inc[idx]
    tot = member.sum(axis=0)
    keep = tot > 0
    agg = frame.to_numpy() @ (member[:, keep] / tot[keep])
    return pd.concat([frame, pd.DataFrame(agg, columns=[n for n, k in zip(names, keep,
                                                                           strict=True) if k])],
                     axis=1)


def _range_text(names: Sequence[str], solved: int, seconds: float, bad: int,
                notes: Sequence[str] = (), what: str = "", kept: int = 0,
                how: str = "") -> str:
    what = what or (f"the {len(names)} published elasticity sources of the catalog "
                    f"({', '.join(names)}), each applied to every sector")
    return (f"low/high: the lowest and highest welfare change across {what} ({solved} "
            "equilibria, "
            + (how or ("solved by an earlier run of this code on the same data and kept "
                       "(calibration cache)" if kept and kept == solved else
                       (f"{kept} kept from an earlier run of this code on the same data, the "
                        "others in " if kept else "")
                       + ("one batched solve" if solved - kept <= 8
                          else "batched solves of 8 rows")))
            + f", {seconds:.2f} s"
            + (f"; {bad} source(s) did not converge and are left out" if bad else "")
            + "); the headline number itself uses the elasticities named in the assumptions"
            + "".join(f"; {n}" for n in notes))


def source_range(world: World, scn: Any, options: SolveOptions | None = None,
                 groups: dict[str, Sequence[str]] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 elasticities: Any = DEFAULT_ELASTICITIES) -> pd.DataFrame | None:
    """Welfare low and high across the catalog's 8 published elasticity sources.

    One batched solve of ``scn`` under every source (:func:`autarky.sweep` with
    ``draws=None``).

    Parameters
    ----------
    world : World
        The baseline economy (an embedded dataset: the catalog maps its sectors).
    scn : Scenario
        What changes.
    options : SolveOptions, optional
        As in :func:`autarky.solve`.
    groups : dict, optional
        Group name -> member codes whose baseline-income-weighted welfare is added
        (default: the scenario's blocs and "world").
    progress : callable, optional
        ``progress(done, total)`` after each batch.
    elasticities : optional
        The headline's elasticities: a preset with a calibration target
        (:mod:`autarky.calibrate`) is calibrated with them first, as :func:`solve` does,
        and the range is taken at that calibrated barrier.

    Returns
    -------
    pandas.DataFrame or None
        Indexed by country and group; columns ``low``, ``high`` and one column per source
        (percent); ``attrs["text"]`` says what the range is. None when the world has no
        range (:func:`range_unavailable`).
    """
    import time

    from autarky.sweep import solve_rows

    got = _range_thetas(world)
    if got is None:
        return None
    t0 = time.perf_counter()
    th, names, what = got
    opts = _return_unconverged(scn, options)
    # a recalibrated row's equilibrium is the one its calibration solved at the barrier it
    # found: its welfare comes with the calibration (one batched solve for both)
    W = np.full((len(th), len(world.countries)), np.nan)
    kept = np.zeros(len(th), dtype=bool)  # rows an earlier run of this code solved
    shocks, of_row, usable, notes = _source_shocks(world, scn, th, opts, welfare=W, kept=kept)
    if groups is None:
        base = scn if isinstance(scn, Scenario) else None
        groups = {**(base.blocs(world) if base is not None else {}),
                  "world": tuple(world.countries)}
    conv = usable & np.all(np.isfinite(W), axis=1)
    rows = np.flatnonzero(usable & ~conv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        if len(rows):
            W[rows], conv[rows], _, _ = solve_rows(world, shocks, of_row[rows], th[rows], opts,
                                                   notes=[], progress=progress)
    frame = group_welfare(world, W, groups)
    frame.index = names
    ok = frame.loc[list(np.asarray(names)[conv])]
    out = pd.concat([ok.min(axis=0).rename("low"), ok.max(axis=0).rename("high"), frame.T],
                    axis=1)
    out.attrs["text"] = _range_text(names, len(th), time.perf_counter() - t0,
                                    int((~conv).sum()), notes, what, int((kept & conv).sum()))
    out.attrs["sources"] = tuple(names)
    return out


def _source_shocks(world: World, scn: Any, thetas: np.ndarray, options: SolveOptions,
                   welfare: np.ndarray | None = None, kept: np.ndarray | None = None,
                   ) -> tuple[list[Any], np.ndarray, np.ndarray, tuple[str, ...]]:
    """The scenario as the preset defines it under each source (row of ``thetas``).

    A preset with a calibration target is recalibrated under each source (one vectorised
    root find, :func:`autarky.calibrate.prepare_sources`) and its gravity effects are
    converted with each source's elasticities: one shock per source. Otherwise one shock
    for every row. Returns (shocks, shock of each row, usable rows, notes); ``welfare``
    ((K, N), optional) receives the welfare of each recalibrated row's equilibrium and
    ``kept`` ((K,) bool, optional) marks the rows an earlier run of this code solved
    (:func:`autarky.calibrate.prepare_sources`).
    """
    from autarky.solve import to_shock

    K = len(thetas)
    if not isinstance(scn, Scenario):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            return [to_shock(world, scn)], np.zeros(K, dtype=int), np.ones(K, dtype=bool), ()
    with warnings.catch_warnings():  # the headline solve has said them
        warnings.simplefilter("ignore", ScenarioWarning)
        scns, notes = calibrate.prepare_sources(world, scn, thetas, options, welfare=welfare,
                                                reused=kept)
        if all(s is scn for s in scns):  # nothing depends on the elasticities
            return [to_shock(world, scn)], np.zeros(K, dtype=int), np.ones(K, dtype=bool), ()
        usable = np.array([s is not None for s in scns])
        # rows whose welfare came with the calibration need no shock
        need = usable if welfare is None else usable & ~np.all(np.isfinite(welfare), axis=1)
        shocks = [to_shock(world, s, th) if s is not None and n else None
                  for s, th, n in zip(scns, thetas, need, strict=True)]
    return ([x for x in shocks if x is not None], np.cumsum(need) - 1, usable,
            (*notes, "the range is the preset as defined under each source (recalibrated "
             "per source), not the headline's shock solved under other elasticities"))


def compare_range(world: World, a: Any, b: Any, options_a: SolveOptions | None = None,
                  options_b: SolveOptions | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  elasticities: Any = DEFAULT_ELASTICITIES) -> pd.DataFrame | None:
    """Low and high across the catalog's sources of ``b - a`` (pp) by country and world.

    Both scenarios under every published source in one batched solve (two when their
    solver options differ). Columns ``low``, ``high``; ``attrs["text"]``. None when the
    world has no range (:func:`range_unavailable`).
    """
    import time

    from autarky.sweep import solve_rows

    got = _range_thetas(world)
    if got is None:
        return None
    t0 = time.perf_counter()
    th, names, what = got
    K = len(th)
    oa, ob = _return_unconverged(a, options_a), _return_unconverged(b, options_b)
    # each preset as defined under each source: recalibrated, conversions per source
    sa, ra, ua, na = _source_shocks(world, a, th, oa)
    sb, rb, ub, nb = _source_shocks(world, b, th, ob)
    W = np.full((2 * K, len(world.countries)), np.nan)
    conv = np.zeros(2 * K, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        if oa == ob:
            rows = np.flatnonzero(np.concatenate([ua, ub]))
            of_row = np.concatenate([ra, rb + len(sa)])
            if len(rows):
                W[rows], conv[rows], _, _ = solve_rows(
                    world, [*sa, *sb], of_row[rows], np.tile(th, (2, 1))[rows], oa, notes=[],
                    progress=progress)
        else:
            for off, sh, r, u, o in ((0, sa, ra, ua, oa), (K, sb, rb, ub, ob)):
                rows = np.flatnonzero(u)
                if len(rows):
                    W[off + rows], conv[off + rows], _, _ = solve_rows(
                        world, sh, r[rows], th[rows], o, notes=[], progress=progress)
    G = group_welfare(world, W, {"world": tuple(world.countries)}).to_numpy()
    ok = conv[:K] & conv[K:]
    D = (G[K:] - G[:K])[ok]
    cols = [*world.countries, "world"]
    out = pd.DataFrame({"low": D.min(axis=0), "high": D.max(axis=0)}, index=cols)
    out.attrs["text"] = _range_text([str(x) for x in names], 2 * K, time.perf_counter() - t0,
                                    int((~ok).sum()), tuple(dict.fromkeys((*na, *nb))),
                                    what).replace(
        "lowest and highest welfare change", "lowest and highest difference of welfare changes")
    return out


def _return_unconverged(scn: Any, options: SolveOptions | None) -> SolveOptions:
    """The options of a range solve: a source that does not converge is left out, not fatal."""
    from dataclasses import replace

    base = options if options is not None else (
        scn.solve_options() if callable(getattr(scn, "solve_options", None))
        else SolveOptions())
    return replace(base, return_unconverged=True)


def bloc_choice_range(world: World, table: pd.DataFrame, options: SolveOptions | None = None,
                      progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Low and high across the catalog's sources of each row of a :func:`bloc_choice` table.

    Every (state, option) scenario under every published source, each source's rows from
    one baseline (:mod:`autarky.blocsolve`); a source's rows solved by an earlier run of the
    same code with the same inputs are kept (solved rows, :func:`autarky.blocsolve.kept_key`).
    Returns a frame with the table's index and columns ``low``/``high`` (the state's
    welfare, %), and ``West vs out low``/``high``, ``East vs out low``/``high`` (pp);
    ``attrs["text"]`` says what the range is. Empty (no rows) when the world has no range.
    """
    import time

    from autarky import blocsolve

    got = _range_thetas(world)
    if got is None:
        return pd.DataFrame(index=table.index)
    t0 = time.perf_counter()
    opts = _return_unconverged(presets.get("bloc-choice"), options)
    states = list(dict.fromkeys(table.index.get_level_values("state")))
    stay_out = presets.OPTIONS[2]
    labels = [("*", stay_out)] + [(s, opt) for s in states for opt in presets.OPTIONS[:2]]
    th, names, what = got
    S, K = len(labels), len(th)
    # the preset as defined under each source: its barrier recalibrated per source (one
    # vectorised root find), then each source's rows: the stay-out split and each state's
    # joins patched into it, solved from one baseline with warm starts (autarky.blocsolve)
    base = presets.get("bloc-choice")
    target, _ = calibrate.BLOC_TARGETS["bloc-choice"]
    solved: list[Any] = [None] * K  # each source's equilibrium at its barrier
    hats, changes, cal_ok, steps = calibrate.calibrate_bloc_costs(
        world, base, target, th, opts, equilibria=solved)
    integ = table.attrs.get("integration")
    present = [s for s in states if s in world.countries]
    P = len(present)
    a_name, b_name = presets.BLOC_NAMES
    blocs = presets.get("two-blocs").blocs(world)
    groups = {"West": blocs[a_name], "East": blocs[b_name]}
    cpos = {c: k for k, c in enumerate(world.countries)}
    at = {lab: n for n, lab in enumerate(labels)}
    # per source: each present state's welfare staying out (OUT), the labelled state's
    # welfare in its row (OWN), West and East in every row (AGG); NaN where not converged
    OUT, OWN = np.full((K, P), np.nan), np.full((K, S), np.nan)
    AGG, conv = np.full((K, S, 2), np.nan), np.zeros((K, S), dtype=bool)
    # numbers of an earlier run of this code on the same inputs (blocsolve.kept_key)
    from autarky.presets_eurasia import eu_effect
    from autarky.sweep import world_checksum

    size = P + 3 * S
    checksum = world_checksum(world)
    keys = {int(j): blocsolve.kept_key(checksum, "range", blocsolve.barrier(hats[j]),
                                       blocsolve.theta_hash(th[j]), opts, labels,
                                       eu_effect() if integ is None else integ)
            for j in np.flatnonzero(cal_ok)}
    kept = blocsolve.lookup_kept(list(keys.values()), size)
    fresh: dict[str, tuple[float, float, np.ndarray]] = {}
    checked = False
    near = None  # the previous source's rows: warm starts for this source's joins
    for j, key in keys.items():
        if key in kept:
            v = kept[key]
            OUT[j], OWN[j] = v[:P], v[P:P + S]
            AGG[j] = v[P + S:].reshape(S, 2)
            conv[j] = True
            near = None
            if progress:
                progress(int(j) + 1, K)
            continue
        # a joining state's integration is converted with this source's elasticities
        patches = blocsolve.Patches(world, present, float(hats[j]), th[j], integ)
        if not checked and not patches.verify():  # pragma: no cover
            raise ScenarioError("bloc-choice range: the patched shocks differ from the "
                                "scenarios' own; autarky.blocsolve needs updating")
        checked = True
        econ = blocsolve.baseline(world, patches, opts)
        out, west, east = near = blocsolve.solve_table(patches, econ, opts, near, solved[j])
        Wj = np.full((S, len(world.countries)), np.nan)
        Wj[0], conv[j, 0] = out.welfare[0], out.converged[0]
        for k, s in enumerate(present):
            for opt, r in zip(presets.OPTIONS[:2], (west, east), strict=True):
                Wj[at[(s, opt)]], conv[j, at[(s, opt)]] = r.welfare[k], r.converged[k]
        G = group_welfare(world, Wj, groups)
        AGG[j] = G[["West", "East"]].to_numpy()
        OUT[j] = Wj[0, [cpos[s] for s in present]]
        for (s, _opt), n in at.items():
            if n and s in cpos:
                OWN[j, n] = Wj[n, cpos[s]]
        if conv[j].all():
            fresh[key] = (float(hats[j]), float(changes[j]), np.concatenate(
                [OUT[j], OWN[j], AGG[j].ravel()]))
        else:
            AGG[j][~conv[j]] = np.nan
            OWN[j][~conv[j]] = np.nan
            OUT[j] = OUT[j] if conv[j, 0] else np.nan
        if progress:
            progress(int(j) + 1, K)
    blocsolve.remember_kept(fresh)
    pidx = {s: i for i, s in enumerate(present)}
    rows = []
    for (state, option) in table.index:
        k = 0 if option == stay_out else at[(state, option)]
        state_w = (np.full(K, np.nan) if state not in pidx else OUT[:, pidx[state]]
                   if k == 0 else OWN[:, k])
        row: dict[str, Any] = {"state": state, "option": option,
                               "low": np.nanmin(state_w), "high": np.nanmax(state_w)}
        for b, bloc in enumerate(("West", "East")):
            d = AGG[:, k, b] - AGG[:, 0, b]  # bloc vs the state staying out, per source
            row[f"{bloc} vs out low"], row[f"{bloc} vs out high"] = np.nanmin(d), np.nanmax(d)
        rows.append(row)
    out = pd.DataFrame(rows).set_index(["state", "option"])
    shown = ", ".join(f"{n} x{h:.4f}" for n, h in zip(names, hats, strict=True))
    out.attrs["text"] = _range_text(
        [str(x) for x in names], S * K, time.perf_counter() - t0,
        int((~conv).any(axis=1).sum()),
        (f"the between-bloc barrier recalibrated under each source ({shown}; one vectorised "
         f"root find, {steps} batched solves)",), what, kept=S * len(kept),
        how="" if len(kept) == len(keys) else
        (f"{len(kept)} sources' rows kept from an earlier run of this code on the same data, "
         "the others " if kept else "") + "each source's rows solved from one baseline, "
        "warm-started from its stay-out equilibrium")
    return out


def assumptions(scn: Scenario, opts: SolveOptions) -> tuple[str, ...]:
    """The scenario's assumptions as true of the options actually used.

    A preset's are built from its record (:meth:`autarky.presets.Preset.assumptions_for`):
    each solver setting it declares contributes its own sentence, replaced by a line
    naming the value used where a choice (a command-line flag) overrode it. A scenario
    that is not a preset keeps its own assumptions, plus such a line for each of its
    ``[solve]`` settings a choice overrode.
    """
    base = (scn.name or "").partition(":")[0]
    if base in presets.PRESETS:
        return presets.PRESETS[base].assumptions_for(opts)
    changed = [(k, v, str(getattr(opts, k))) for k, v in scn.settings
               if str(getattr(opts, k, v)) != v]
    return tuple(scn.assumptions) + tuple(
        f"solver setting {k} = '{new}' as chosen, instead of the scenario's own '{old}' "
        "(the notes describe the setting used)." for k, old, new in changed)


def elasticity_table(dataset: str) -> pd.DataFrame:
    """Every catalog source's trade elasticity for each sector of an embedded dataset.

    Returns
    -------
    pandas.DataFrame
        Index ``sector`` (the dataset's codes), one column per source of
        :func:`autarky.data.elasticity_sources` (e.g. ``cp2015``, ``uniform4``);
        ``attrs["citations"]`` maps each source to its citation.
    """
    sources = elasticity_sources()
    df = pd.DataFrame({s: elasticity_catalog(dataset, str(s)) for s in sources.index})
    df.index.name = "sector"
    df.attrs["citations"] = sources["citation"].to_dict()
    return df


def check_top(top: int, flag: str = "--top") -> int:
    """A number of rows to show: 0 (all) or more; a negative one is a DataError."""
    if int(top) != top or top < 0:
        raise DataError(f"{flag} {top}: must be 0 (all) or a positive number of rows")
    return int(top)


def extremes(values: pd.Series, top: int) -> pd.Series:
    """``values`` from largest to smallest; with ``top > 0`` the top and bottom ``top``.

    Each row once, so that the largest losses show beside the largest gains.
    """
    ordered = values.sort_values(ascending=False)
    if not check_top(top) or len(ordered) <= 2 * top:
        return ordered
    return pd.concat([ordered.head(top), ordered.tail(top)])


def top_title(title: str, top: int, total: int) -> str:
    """A table title saying which rows :func:`extremes` kept."""
    if not top or total <= 2 * top:
        return title
    return f"{title} ({top} largest and {top} smallest of {total})"


def dataset_meta(world: World) -> dict[str, Any]:
    """Which data the numbers come from: embedded file checksum, source and license."""
    m = manifest().get(world.name, {})
    return {"dataset": world.name, "year": world.year,
            "dataset_source": m.get("source", world.dataset.attrs.get("source", "")),
            "dataset_sha256": m.get("source_sha256"), "dataset_license": m.get("license")}


def record_meta(world: World, elasticities: Any, opts: SolveOptions,
                command: str = "") -> dict[str, Any]:
    """What a record says about how a result was made (dataset, elasticities, options)."""
    return {
        **dataset_meta(world), "elasticities": elasticities,
        "options": {"deficits": opts.deficits, "unavailable": opts.unavailable,
                    "tol": opts.tol, "method": opts.method},
        "command": command,
    }


def check_out(out: str | Path, overwrite: bool = False) -> None:
    """Refuse an output folder before any work: empty path, or non-empty without overwrite."""
    check_out_folder(out, overwrite)


def write(out: str | Path, result: Result | pd.DataFrame, scn: Scenario,
          meta: dict[str, Any], *, overwrite: bool = False,
          extra: dict[str, Callable[[Path], Any]] | None = None) -> dict[str, Path]:
    """Write the record of a run (a Result, or a table such as bloc-choice) to ``out``.

    All files, ``extra`` ones included (name -> writer of that path), are written into a
    temporary folder moved into place at the end: on any failure ``out`` is left as it was.
    """
    if isinstance(result, pd.DataFrame):
        return write_table_record(out, result, scn, meta, overwrite=overwrite, extra=extra)
    return write_record(out, result, scn, meta, overwrite=overwrite, extra=extra)
