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
* :func:`record_meta` / :func:`write` — the reproducible record of a run.

Nothing here prints: callers (cli, report, app) decide how to show it.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky import calibrate, presets
from autarky.data import load_world, manifest
from autarky.data.records import check_out_folder, write_record, write_table_record
from autarky.errors import RepairWarning, ScenarioError, ScenarioWarning
from autarky.model.options import SolveOptions
from autarky.results import Result
from autarky.scenario import Scenario
from autarky.solve import solve as solve_model
from autarky.world import World

__all__ = ["Loaded", "aggregates", "bloc_choice", "dataset_meta", "elasticities", "income", "load",
           "options", "record_meta", "scenario", "solve", "write"]


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
    """Solve as :func:`autarky.solve`; scenario warnings stay in the result's notes only.

    A preset with a calibration target (:mod:`autarky.calibrate`) is first calibrated on
    ``world`` with these elasticities; the notes say what was solved for and state the
    trade changes the result implies (between blocs, or within each named group).
    """
    scn, pre = calibrate.prepare(world, scn, _solve_quiet, elasticities, options)
    res = _solve_quiet(world, scn, elasticities=elasticities, options=options)
    post = calibrate.trade_notes(world, scn, res)
    if not pre and not post:
        return res
    return dataclasses.replace(res, notes=tuple(res.notes) + pre + post)


def _solve_quiet(world: World, scn: Scenario, elasticities: Any = "cp2015",
                 options: SolveOptions | None = None) -> Result:
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
