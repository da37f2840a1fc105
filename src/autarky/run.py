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
* :func:`record_meta` / :func:`write` — the reproducible record of a run;
* :func:`elasticity_table` — every catalog source's elasticities for a dataset's sectors;
* :func:`assumptions` — a scenario's assumptions as true of the options used;
* :func:`check_top` / :func:`extremes` — ``--top N``: the N largest and N smallest rows.

Nothing here prints: callers (cli, report, app) decide how to show it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky import presets
from autarky.data import elasticities as elasticity_catalog
from autarky.data import elasticity_sources, load_world, manifest
from autarky.data.records import check_out_folder, write_record, write_table_record
from autarky.errors import DataError, RepairWarning, ScenarioError, ScenarioWarning
from autarky.model.options import SolveOptions
from autarky.results import Result
from autarky.scenario import Scenario
from autarky.solve import solve as solve_model
from autarky.world import World

__all__ = ["Loaded", "aggregates", "assumptions", "bloc_choice", "check_top", "dataset_meta",
           "elasticities", "elasticity_table", "extremes", "income", "load", "options",
           "record_meta", "scenario", "solve", "top_title", "write"]


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
    """A World and the data repairs made while loading it (RepairWarning texts)."""

    world: World
    repairs: tuple[str, ...]


def load(world: str | World, year: int | None = None) -> Loaded:
    """Load a World; repairs are returned as notes instead of warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        w = load_world(world, year=year)
    repairs = []
    for m in caught:
        if issubclass(m.category, RepairWarning):
            repairs.append(str(m.message))
        else:
            warnings.showwarning(m.message, m.category, m.filename, m.lineno)
    return Loaded(w, tuple(repairs))


def solve(world: World, scn: Scenario, elasticities: Any = "cp2015",
          options: SolveOptions | None = None) -> Result:
    """Solve as :func:`autarky.solve`; scenario warnings stay in the result's notes only."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return solve_model(world, scn, elasticities=elasticities, options=options)


def aggregates(world: World, scn: Scenario, result: Result) -> pd.DataFrame:
    """Welfare of the scenario's named blocs and of the world, baseline-income-weighted."""
    return result.aggregate({**scn.blocs(world), "world": world.countries}, income(world))


def income(world: World) -> pd.Series:
    """Baseline income by country (million USD): the weights of bloc aggregates."""
    return world.income.to_series()


def bloc_choice(world: World, elasticities: Any = "cp2015", options: SolveOptions | None = None,
                states: Sequence[str] | None = None,
                solve: Callable[..., Result] | None = None) -> pd.DataFrame:
    """For each swing state in ``world``: welfare if it joins West, joins East, or stays out.

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
        ``solve(world, scenario, elasticities=..., options=...) -> Result`` (default
        :func:`autarky.solve`).

    Returns
    -------
    pandas.DataFrame
        Index (state, option); columns ``welfare`` (the state's welfare change, %),
        ``West``, ``East`` (baseline-income-weighted welfare change of each bloc's original
        members, %), ``world`` (income-weighted, %), and ``West vs out``, ``East vs out``
        (change in the bloc aggregate relative to the state staying out, percentage
        points).
    """
    solve_ = solve or solve_model
    wanted = presets.swing_states(world) if states is None else tuple(states)
    present = [s for s in wanted if s in world.countries]
    if not present:
        raise ScenarioError(f"bloc-choice: none of the states {', '.join(wanted)} is in "
                            f"{world.name}")
    a_name, b_name = presets.BLOC_NAMES
    groups = presets.get("two-blocs").blocs(world)
    groups = {"West": groups[a_name], "East": groups[b_name], "world": world.countries}
    weights = income(world)
    kw: dict[str, Any] = {"elasticities": elasticities}
    if options is not None:
        kw["options"] = options
    stay_out = presets.OPTIONS[2]
    out_res = solve_(world, presets.bloc_choice_scenarios(present[0])[stay_out], **kw)
    rows = []
    for s in present:
        scns = presets.bloc_choice_scenarios(s)
        for opt in presets.OPTIONS:
            res = out_res if opt == stay_out else solve_(world, scns[opt], **kw)
            agg = res.aggregate(groups, weights)["welfare"]
            rows.append({"state": s, "option": opt, "welfare": float(res.welfare.loc[s]),
                         **{g: float(agg.get(g, np.nan)) for g in groups}})
    df = pd.DataFrame(rows).set_index(["state", "option"])
    df.attrs["notes"] = tuple(out_res.notes)
    out = df.xs(stay_out, level="option")
    for bloc in ("West", "East"):
        df[f"{bloc} vs out"] = df[bloc] - out[bloc].reindex(
            df.index.get_level_values("state")).to_numpy()
    return df


# the words by which a scenario's assumption describes one of its own [solve] settings
_SETTING_PHRASES = {"deficits": ("deficits removed first", "deficits are removed"),
                    "unavailable": ("policy 'floor'", "policy \"floor\"")}


def assumptions(scn: Scenario, opts: SolveOptions) -> tuple[str, ...]:
    """The scenario's assumptions as true of the options actually used.

    Where a choice (a command-line flag) overrode one of the scenario's own ``[solve]``
    settings, an assumption that describes that setting (e.g. "Solved with trade
    deficits removed first" of the autarky presets, under ``--deficits fixed``) is
    replaced by a line naming the setting used instead of the scenario's.
    """
    changed = {k: (v, str(getattr(opts, k))) for k, v in scn.settings
               if str(getattr(opts, k, v)) != v}
    if not changed:
        return scn.assumptions
    phrases = [p for k in changed for p in _SETTING_PHRASES.get(k, ())]
    kept = [a for a in scn.assumptions if not any(p in a for p in phrases)]
    kept += [f"solver setting {k} = '{new}' as chosen, instead of the scenario's own "
             f"'{old}' (the notes below describe the setting used)"
             for k, (old, new) in changed.items()]
    return tuple(kept)


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
