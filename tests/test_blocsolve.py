"""Issue 31 item 4: bloc choice's fast path (patched shocks, one baseline, warm starts)
gives the numbers of the plain path (every scenario turned into its own shock and solved
by ``sweep_scenarios``), to the solver's tolerance."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest

import autarky as ak
from autarky import blocsolve, calibrate, presets, run
from autarky.scenario import BlocSplit, Scenario
from autarky.scenario.integration import bind_theta
from autarky.solve import resolve_elasticities, to_shock
from autarky.sweep import sweep_scenarios

TOL_PP = 1e-7
"""Welfare gap (pp) allowed between fast and plain: the solver's tolerance is 1e-10
relative in wages; warm starts end elsewhere within it (about 1e-9 pp seen)."""


@cache
def w194() -> ak.World:
    return run.load("world194", 2019).world


def _plain(world: ak.World, scns: list[Scenario], theta: np.ndarray,
           options: ak.SolveOptions | None = None) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sw = sweep_scenarios(world, [bind_theta(s, theta) for s in scns], theta,
                             options=options)
    assert sw.converged.all()
    return np.asarray(sw.welfare.values, float)


@pytest.mark.parametrize("integration", [None, 0.0, 0.3])
def test_patched_shocks_equal_the_scenarios_own_for_every_state(integration):
    w = w194()
    states = presets.swing_states(w)
    theta = resolve_elasticities(w, "cp2015")[0]
    p = blocsolve.Patches(w, states, 1.17, theta, integration)
    every = list(range(0, len(states), 7)) + [len(states) - 1]
    assert p.verify(every)
    # the check can fail: a template with the wrong barrier is caught
    q = blocsolve.Patches(w, states, 1.17, theta, integration)
    q.templates = [t ** 1.01 for t in q.templates]
    assert not q.verify()


def test_bloc_choice_equals_the_plain_solves_with_penalties():
    w = w194()
    states = ("ARM", "IND", "BRA", "ABW")
    # integration 0 (the barrier alone): staying out wins unpenalised for some states,
    # so the break-even penalty's warm-started path is exercised
    df = run.bloc_choice(w, states=states, integration=0.0, steps=12)
    hat = df.attrs["cost_hat"]
    theta = resolve_elasticities(w, "median")[0]
    scns = [presets.bloc_choice_scenarios(s, hat, 0.0)[o] for s in states
            for o in presets.OPTIONS]
    W = _plain(w, scns, theta)
    pos = [w.countries.index(s) for s in states]
    got = df["welfare"].to_numpy().reshape(len(states), 3)
    want = W.reshape(len(states), 3, -1)[np.arange(len(states)), :, pos]
    assert np.max(np.abs(got - want)) < TOL_PP
    world = df["world"].to_numpy().reshape(len(states), 3)
    inc = run.income(w).reindex(list(w.countries)).to_numpy(float)
    assert np.max(np.abs(world - (W @ (inc / inc.sum())).reshape(len(states), 3))) < TOL_PP
    penalised = 0
    for k, s in enumerate(states):
        even = df.at[(s, presets.OPTIONS[2]), "break_even"]
        best = max(want[k, 0], want[k, 1])
        if want[k, 2] <= best:
            assert even == 1.0
            continue
        penalised += 1
        assert 1.0 < even < run.PENALTY_MAX
        # the plain solve at the break-even penalty: staying out matches the best join
        scn = Scenario((BlocSplit(((presets.BLOC_A,), (presets.BLOC_B,)), hat,
                                  names=presets.BLOC_NAMES),
                        BlocSplit(((s,), (presets.BLOC_A, presets.BLOC_B)), even)))
        out = _plain(w, [scn], theta)[0, pos[k]]
        assert abs(out - best) < 1e-4 + TOL_PP  # the root find's tolerance (pp)
    assert penalised >= 2


def test_bloc_choice_range_equals_the_plain_solves_per_source():
    w = w194()
    states = ("ARM", "BRA")
    df = run.bloc_choice(w, states=states)
    opts = run.options(presets.get("bloc-choice"))
    rng = run.bloc_choice_range(w, df, opts)
    th, _, _ = run._range_thetas(w)
    target = calibrate.BLOC_TARGETS["bloc-choice"][0]
    o = run._return_unconverged(presets.get("bloc-choice"), opts)
    hats, _, ok, _ = calibrate.calibrate_bloc_costs(w, presets.get("bloc-choice"), target,
                                                    th, o)
    assert ok.all()
    warnings.simplefilter("ignore")  # members absent from world194 (pytest resets filters)
    for s in states:
        k = w.countries.index(s)
        for opt in presets.OPTIONS:
            vals = [_plain(w, [presets.bloc_choice_scenarios(s, float(h), None)[opt]], t,
                           o)[0, k] for h, t in zip(hats, th, strict=True)]
            assert rng.at[(s, opt), "low"] == pytest.approx(min(vals), abs=TOL_PP)
            assert rng.at[(s, opt), "high"] == pytest.approx(max(vals), abs=TOL_PP)
    # the patched shocks carry each source's own conversion of the integration effect
    p = blocsolve.Patches(w, list(states), float(hats[0]), th[0], None)
    own = to_shock(w, presets.bloc_choice_scenarios("BRA", float(hats[0]))["join West"],
                   th[0])
    assert np.array_equal(own.tau_hat, p.join(0, np.array([1])).dense()[0])


def test_bloc_choice_with_deficits_removed_equals_the_plain_solves():
    # deficits "zero": rows go through solve_arrays (deficits removed first), cold starts
    w = w194()
    opts = ak.SolveOptions(deficits="zero")
    df = run.bloc_choice(w, states=("ARM",), options=opts)
    theta = resolve_elasticities(w, "median")[0]
    scns = [presets.bloc_choice_scenarios("ARM", df.attrs["cost_hat"])[o]
            for o in presets.OPTIONS]
    want = _plain(w, scns, theta, opts)[:, w.countries.index("ARM")]
    assert np.max(np.abs(df["welfare"].to_numpy() - want)) < TOL_PP


def test_bloc_choice_numbers_kept_by_code_and_inputs(tmp_path, monkeypatch):
    # an earlier run's numbers (same world, barrier, elasticities, options, states,
    # integration and code) are used as they are; other inputs are solved again
    import json

    import pandas as pd

    from autarky.data import calibrations

    monkeypatch.setenv("AUTARKY_CACHE", str(tmp_path))
    monkeypatch.setattr(calibrations, "_solved_paths",
                        lambda: (tmp_path / "solved.json", tmp_path / "none.json"))
    tables = []
    real = blocsolve.solve_table

    def counted(*a, **k):
        tables.append(1)
        return real(*a, **k)

    monkeypatch.setattr(blocsolve, "solve_table", counted)
    w = w194()
    opts = run.options(presets.get("bloc-choice"))
    df1 = run.bloc_choice(w, states=("ARM",), options=opts)
    r1 = run.bloc_choice_range(w, df1, opts)
    solved = len(tables)
    assert solved == 1 + 4 and "solved from one baseline" in r1.attrs["text"]
    rows = json.loads((tmp_path / "solved.json").read_text())
    df2 = run.bloc_choice(w, states=("ARM",), options=opts)
    r2 = run.bloc_choice_range(w, df2, opts)
    assert len(tables) == solved  # nothing solved again
    assert "kept" in r2.attrs["text"]
    assert json.loads((tmp_path / "solved.json").read_text()) == rows
    pd.testing.assert_frame_equal(df1, df2, check_exact=True)
    pd.testing.assert_frame_equal(r1, r2, check_exact=True)
    # another integration effect, or another state: solved, not taken from those rows
    df3 = run.bloc_choice(w, states=("ARM",), options=opts, integration=0.3)
    assert len(tables) == solved + 1
    assert not np.allclose(df3["welfare"], df1["welfare"])
    run.bloc_choice(w, states=("BRA",), options=opts)
    assert len(tables) == solved + 2


@pytest.mark.slow
def test_bloc_choice_range_with_io_links_equals_the_plain_solves_per_source(tmp_path,
                                                                           monkeypatch):
    # with input-output links (icio2023): the table and each source's rows (the joins
    # warm-started from the previous source's) give the plain solves' numbers
    from autarky.data import calibrations

    monkeypatch.setattr(calibrations, "_solved_paths",
                        lambda: (tmp_path / "solved.json", tmp_path / "none.json"))
    w = run.load("icio2023", 2022).world
    opts = run.options(presets.get("bloc-choice"))
    df = run.bloc_choice(w, states=("TUR", "IND"), options=opts)
    rng = run.bloc_choice_range(w, df, opts)
    th, _, _ = run._range_thetas(w)
    o = run._return_unconverged(presets.get("bloc-choice"), opts)
    target = calibrate.BLOC_TARGETS["bloc-choice"][0]
    hats, _, ok, _ = calibrate.calibrate_bloc_costs(w, presets.get("bloc-choice"), target,
                                                    th, o)
    assert ok.all()
    warnings.simplefilter("ignore")
    theta = resolve_elasticities(w, "median")[0]
    for s in ("TUR", "IND"):
        k = w.countries.index(s)
        head = _plain(w, [presets.bloc_choice_scenarios(s, df.attrs["cost_hat"])[opt]
                          for opt in presets.OPTIONS], theta, o)[:, k]
        assert np.max(np.abs(df.xs(s, level="state")["welfare"].to_numpy() - head)) < TOL_PP
        vals = np.array([_plain(w, [presets.bloc_choice_scenarios(s, float(h), None)[opt]
                                    for opt in presets.OPTIONS], t, o)[:, k]
                         for h, t in zip(hats, th, strict=True)])  # (sources, options)
        for i, opt in enumerate(presets.OPTIONS):
            assert rng.at[(s, opt), "low"] == pytest.approx(vals[:, i].min(), abs=TOL_PP)
            assert rng.at[(s, opt), "high"] == pytest.approx(vals[:, i].max(), abs=TOL_PP)


def test_table_starts_from_the_calibrations_equilibrium(tmp_path, monkeypatch):
    # the headline barrier's solve starts the table: one program for the stay-out row and
    # both joins (the stay-out row converges at once); the same numbers as without it
    from autarky.data import calibrations

    monkeypatch.setattr(calibrations, "_solved_paths",
                        lambda: (tmp_path / "solved.json", tmp_path / "none.json"))
    monkeypatch.setattr(calibrate, "_CACHE", {})  # the calibration solves in this process
    programs = []
    real = blocsolve.solve_rows
    monkeypatch.setattr(blocsolve, "solve_rows",
                        lambda *a, **k: (programs.append(a[3]), real(*a, **k))[1])
    w = w194()
    opts = run.options(presets.get("bloc-choice"))
    df = run.bloc_choice(w, states=("ARM",), options=opts, integration=0.3)
    assert programs[0] == 3  # stay out, join West, join East: one program
    monkeypatch.setattr(blocsolve, "start_of", lambda result: None)
    (tmp_path / "solved.json").unlink()  # the table's numbers were kept: solve them again
    programs.clear()
    plain = run.bloc_choice(w, states=("ARM",), options=opts, integration=0.3)
    assert programs[:2] == [1, 2]  # the stay-out row first, then the joins from it
    assert np.max(np.abs(df["welfare"].to_numpy() - plain["welfare"].to_numpy())) < TOL_PP
    assert blocsolve.start_of(None) is None
