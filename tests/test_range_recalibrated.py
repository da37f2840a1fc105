"""The range of a preset is the preset as defined under each elasticity source (issue 30).

A calibrated preset (two-blocs: the between-bloc barrier solved for so that trade between
the blocs falls by the target) is recalibrated under every source in one vectorised root
find; a gravity preset (union-state) converts its effect with each source's elasticities.
Each source's column must equal the preset prepared and solved under that source alone
(``calibrate.prepare`` then a solve), to the calibration's tolerance.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

import autarky as ak
from autarky import calibrate, presets, run
from autarky.sweep import draw_elasticities


@pytest.fixture(scope="module")
def wiod() -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return ak.load_world("wiod2016")


def _alone(world: ak.World, name: str, source: str | float) -> tuple[ak.Scenario, ak.Result]:
    scn = presets.get(name)
    opts = run.options(scn)
    cal, _ = calibrate.prepare(world, scn, run.solve_plain, source, opts)
    return cal, run.solve_plain(world, cal, source, opts)


def test_gravity_preset_range_is_the_preset_under_each_source(wiod: ak.World) -> None:
    scn = presets.get("union-state")
    rng = run.source_range(wiod, scn, run.options(scn))
    assert rng is not None
    for src in ("cp2015", "ll2023", "uniform4"):
        res = _alone(wiod, "union-state", src)[1]
        np.testing.assert_allclose(rng[src].reindex(wiod.countries), res.welfare, atol=1e-8)
    assert "each source's own elasticities" in rng.attrs["text"]


@pytest.mark.slow
def test_calibrated_preset_range_is_the_preset_recalibrated_under_each_source(
        wiod: ak.World) -> None:
    scn = presets.get("two-blocs")
    opts = run.options(scn)
    rng = run.source_range(wiod, scn, opts)
    assert rng is not None
    target = calibrate.BLOC_TARGETS["two-blocs"][0]
    thetas, names, _ = draw_elasticities(wiod, draws=None)
    hats, got, ok, steps = calibrate.calibrate_bloc_costs(wiod, scn, target,
                                                          thetas.to_numpy(), opts)
    assert ok.all() and steps <= 15
    np.testing.assert_allclose(got, target, atol=1e-5)  # every source hits the target
    for k, src in enumerate(names):
        cal, res = _alone(wiod, "two-blocs", str(src))
        alone = float(cal.components[0].cost_hat)  # type: ignore[attr-defined]
        # Brent's xtol is 1e-5 in log cost: the two root finds agree to that
        assert hats[k] == pytest.approx(alone, rel=2e-5)
        np.testing.assert_allclose(rng[str(src)].reindex(wiod.countries), res.welfare,
                                   atol=1e-4)
        # the preset under this source cuts trade between the blocs by the target
        change = calibrate.between_bloc_change(res, cal.blocs(wiod))
        assert change == pytest.approx(target, abs=1e-3)
    # the sources need different barriers: a range at one barrier is not this range
    assert hats.max() / hats.min() > 1.05


def test_one_sector_world_range_over_cited_aggregate_thetas() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        w = ak.load_world("world194")
    scn = presets.get("eurasian-macro-state-lower")
    rng = run.source_range(w, scn, run.options(scn))
    assert rng is not None
    labels = [k for k, _, _ in run.AGGREGATE_THETAS]
    assert rng.attrs["sources"] == tuple(labels)
    for k, theta, _ in run.AGGREGATE_THETAS:
        res = _alone(w, "eurasian-macro-state-lower", theta)[1]  # type: ignore[arg-type]
        np.testing.assert_allclose(rng[k].reindex(w.countries), res.welfare, atol=1e-8)
    # a lower theta means larger gains from the same trade-cost cut
    assert rng.at["BLR", "bajzik2020"] > rng.at["BLR", "ek2002"] > 0
    assert "Simonovska" in rng.attrs["text"] and "8.28" in rng.attrs["text"]


def test_deficit_free_baselines_are_removed_once_per_source_with_the_same_numbers(
        wiod: ak.World, monkeypatch: pytest.MonkeyPatch) -> None:
    # deficits "zero": the root find's batches reuse each elasticity vector's balanced
    # baseline (it does not depend on the barrier) instead of removing the deficits again at
    # every step; the calibration is the same to the last bit as with a removal per step
    from autarky.data import calibrations
    from autarky.model import balance, solver

    monkeypatch.setattr(calibrations, "lookup", lambda k: None)  # nothing remembered
    monkeypatch.setattr(calibrations, "lookup_solved", lambda keys: {})
    monkeypatch.setattr(calibrations, "remember_many", lambda items, path=None: None)
    monkeypatch.setattr(calibrations, "remember_solved", lambda items, path=None: None)
    removals = []
    solve_hat = solver.solve_hat

    def counted(econ: object, t: np.ndarray, h: object, *a: object, **k: object) -> object:
        if k.get("deficits") == "zero" and isinstance(h, np.ndarray) and np.all(h == 1.0):
            removals.append(1)
        return solve_hat(econ, t, h, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(solver, "solve_hat", counted)
    monkeypatch.setattr(balance, "solve_hat", counted)  # the removals go through balance()
    scn = presets.get("two-blocs")
    opts = dataclasses.replace(run.options(scn), deficits="zero")
    target = calibrate.BLOC_TARGETS["two-blocs"][0]
    J = len(wiod.sectors)
    thetas = np.stack([np.full(J, 4.0), np.full(J, 6.0)])
    hats, got, ok, steps = calibrate.calibrate_bloc_costs(wiod, scn, target, thetas, opts)
    assert ok.all() and steps > 2
    assert len(removals) == 2  # one per elasticity vector, not per step
    between = calibrate._between_batch
    monkeypatch.setattr(calibrate, "_between_batch",  # the removal at every step
                        lambda *a, **k: between(*a[:6], None, *a[7:]))
    removals.clear()
    again = calibrate.calibrate_bloc_costs(wiod, scn, target, thetas, opts)
    assert len(removals) >= 2 * steps - 1
    for x, y in zip((hats, got, ok, steps), again, strict=True):
        np.testing.assert_array_equal(x, y)


def _root_find_solves(wiod: ak.World, monkeypatch: pytest.MonkeyPatch, deficits: str,
                      thetas: np.ndarray, cold: bool) -> tuple[tuple[np.ndarray, ...], list]:
    """The vectorised root find on ``wiod``, nothing remembered, and its scenario solves
    (deficit removals left out) as (started?, outer iterations, converged); ``cold``: every
    solve from no change (the starts dropped), the reference the warm starts must match."""
    from autarky.data import calibrations
    from autarky.model import solver

    monkeypatch.setattr(calibrations, "lookup", lambda k: None)
    monkeypatch.setattr(calibrations, "lookup_solved", lambda keys: {})
    monkeypatch.setattr(calibrations, "remember_many", lambda items, path=None: None)
    monkeypatch.setattr(calibrations, "remember_solved", lambda items, path=None: None)
    solves: list[tuple[bool, int, bool]] = []
    solve_hat = solver.solve_hat

    def counted(econ: object, t: np.ndarray, h: object, *a: object, **k: object) -> object:
        if cold:
            k["start"] = None
        sol = solve_hat(econ, t, h, *a, **k)  # type: ignore[arg-type]
        solves.append((k.get("start") is not None, sol.iterations, bool(sol.converged.all())))
        return sol

    monkeypatch.setattr(solver, "solve_hat", counted)  # balance() keeps its own: not counted
    scn = presets.get("two-blocs")
    opts = dataclasses.replace(run.options(scn), deficits=deficits)
    target = calibrate.BLOC_TARGETS["two-blocs"][0]
    W = np.full((len(thetas), len(wiod.countries)), np.nan)
    out = calibrate.calibrate_bloc_costs(wiod, scn, target, thetas, opts, welfare=W)
    monkeypatch.undo()
    return (*out, W), solves


def _warm_and_cold(wiod: ak.World, monkeypatch: pytest.MonkeyPatch, deficits: str,
                   thetas: np.ndarray) -> tuple[int, int, list, list]:
    """The root find with its starts and with every solve cold: both converge to the same
    barriers, trade change and welfare (the solver's and the root find's tolerances).
    Returns (steps, cold steps, warm solves, cold solves)."""
    (hats, got, ok, steps, W), warm = _root_find_solves(wiod, monkeypatch, deficits, thetas,
                                                        cold=False)
    (hats0, got0, ok0, steps0, W0), cold = _root_find_solves(wiod, monkeypatch, deficits,
                                                             thetas, cold=True)
    assert ok.all() and ok0.all() and steps > 3
    np.testing.assert_allclose(hats, hats0, rtol=1e-8)
    np.testing.assert_allclose(got, got0, atol=1e-6)
    np.testing.assert_allclose(W, W0, atol=1e-6)
    return steps, steps0, warm, cold


def test_root_find_steps_start_from_each_rows_earlier_equilibria(
        wiod: ak.World, monkeypatch: pytest.MonkeyPatch) -> None:
    # deficits "zero": every elasticity vector has its own deficit-free baseline, so each
    # row is solved on its own; from the second step on, each row starts from its own
    # equilibria at its earlier barriers (the old code started every one from no change)
    J = len(wiod.sectors)
    thetas = np.stack([np.full(J, 4.0), np.full(J, 6.0), np.full(J, 8.0)])
    steps, steps0, warm, cold = _warm_and_cold(wiod, monkeypatch, "zero", thetas)
    assert steps == steps0
    # one solve per row and step, while the row is not done; the same path both ways
    assert len(warm) == len(cold) > 3 * len(thetas)
    assert [s for s, _, _ in warm] == [False] * len(thetas) + [True] * (len(warm) - 3)
    assert all(c for _, _, c in warm)  # no start failed (a failure re-solves cold)
    its, its0 = sum(i for _, i, _ in warm), sum(i for _, i, _ in cold)
    assert its < 0.6 * its0, (its, its0)  # measured: 407 against 948 on all 8 sources


def test_warm_started_root_find_gives_the_cold_barriers_in_one_batched_program(
        wiod: ak.World, monkeypatch: pytest.MonkeyPatch) -> None:
    # deficits "fixed": the rows share the baseline and are solved as one program with one
    # batched start (a start per row, stacked); the barriers are the cold root find's
    J = len(wiod.sectors)
    thetas = np.stack([np.full(J, 3.0), np.full(J, 5.0), np.full(J, 9.0)])
    _, _, warm, cold = _warm_and_cold(wiod, monkeypatch, "fixed", thetas)
    assert warm[0][0] is False and all(s for s, _, _ in warm[1:])
    assert sum(i for _, i, _ in warm) < 0.7 * sum(i for _, i, _ in cold)
