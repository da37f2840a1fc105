"""Sweeps: elasticity draws, catalog ranges, scenario batches, bloc sweeps, Dask backend."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.errors import DataError


@pytest.fixture(scope="module")
def world() -> ak.World:
    return ak.load_world("icio2023", year=2022)


@pytest.fixture(scope="module")
def nafta() -> ak.Scenario:
    return ak.Scenario.bloc(["USA", "CAN", "MEX"], name="nafta-fta")


@pytest.fixture(scope="module")
def two_blocs() -> ak.Scenario:
    return ak.presets.get("two-blocs")


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def test_catalog_range_equals_one_solve_per_source(world, two_blocs):
    sw = _quiet(ak.sweep, world, two_blocs, draws=None)
    sources = list(ak.data.elasticity_sources().index)
    assert sw.labels.tolist() == sources
    assert sw.welfare.dims == ("draw", "country")
    ref = np.stack([_quiet(ak.run.solve_plain, world, two_blocs, elasticities=s)
                    .welfare.to_numpy()
                    for s in sources])
    np.testing.assert_allclose(sw.welfare.to_numpy(), ref, atol=1e-7, rtol=0)
    assert sw.converged.all() and sw.solved == len(sources) and sw.reused == 0
    # the sources disagree: the range is not a point
    assert (sw.summary()["max"] - sw.summary()["min"]).max() > 0.05


def test_draws_reproducible_by_seed_and_summary(world, nafta):
    a = ak.sweep(world, nafta, draws=12, seed=5, chunk=5)
    b = ak.sweep(world, nafta, draws=12, seed=5, chunk=12)
    c = ak.sweep(world, nafta, draws=12, seed=6)
    pd.testing.assert_frame_equal(a.thetas, b.thetas)
    # other chunks iterate differently: equal to the solver's tolerance (1e-10 relative,
    # 1e-8 in percent)
    np.testing.assert_allclose(a.welfare, b.welfare, atol=1e-8, rtol=0)
    assert not np.allclose(a.thetas, c.thetas)
    # every drawn theta is one of the published values for its sector
    S = np.stack([ak.elasticities("icio2023", s).reindex(list(world.sectors)).to_numpy()
                  for s in ak.data.elasticity_sources().index])
    assert np.all((a.thetas.to_numpy()[:, None, :] == S[None]).any(axis=1))
    f = a.to_frame()
    assert len(f) == 12 * len(world.countries)
    assert list(f.columns) == ["draw", "label", "country", "welfare", "converged"]
    s = a.summary()
    W = a.welfare.to_numpy()
    np.testing.assert_allclose(s["median"], np.median(W, axis=0))
    assert (s["low"] <= s["median"]).all() and (s["median"] <= s["high"]).all()
    np.testing.assert_allclose(s["low"], np.quantile(W, 0.05, axis=0))
    # one draw checked against an independent single solve
    th = pd.Series(a.thetas.iloc[3].to_numpy(), index=list(world.sectors))
    ref = ak.solve(world, nafta, elasticities=th).welfare.to_numpy()
    np.testing.assert_allclose(W[3], ref, atol=1e-7, rtol=0)


def test_standard_error_draws(world, nafta):
    with pytest.raises(DataError, match="no standard errors"):
        ak.sweep(world, nafta, draws=5, source="cp2015")
    centre = ak.elasticities("icio2023", "cp2015")
    se = 0.2 * centre
    th, labels, desc = ak.draw_elasticities(world, draws=4000, seed=0, source="cp2015", se=se)
    assert (th.to_numpy() > 0).all() and "standard errors" in desc
    # mean within 4 standard errors of the mean (truncation at 0 is negligible at 5 sd)
    c = centre.reindex(list(world.sectors)).to_numpy()
    assert np.all(np.abs(th.mean().to_numpy() - c) < 4 * 0.2 * c / np.sqrt(4000))
    np.testing.assert_allclose(th.std().to_numpy(), 0.2 * c, rtol=0.08)
    with pytest.raises(DataError, match="draws"):
        ak.sweep(world, nafta, draws=0)


def test_scenarios_batched_equal_one_by_one(world):
    scns = {c: ak.Scenario.bloc(["USA", "CAN", "MEX", c]) for c in ["DEU", "CHN", "JPN"]}
    scns["eaeu"] = ak.Scenario.bloc(["RUS", "KAZ", "BLR"], external_tariff=0.1)
    scns["sanction"] = ak.Scenario.sanction(["USA", "DEU"], "RUS")
    sw = _quiet(ak.sweep_scenarios, world, scns, chunk=3, block=2)
    assert sw.dim == "scenario" and sw.labels.tolist() == list(scns)
    for k, s in enumerate(scns.values()):
        ref = _quiet(ak.solve, world, s).welfare.to_numpy()
        np.testing.assert_allclose(sw.welfare.to_numpy()[k], ref, atol=1e-7, rtol=0)


def test_zero_deficits_and_floor_rows_match_solve(world):
    scn = ak.Scenario.autarky(["RUS"])  # carries deficits="zero", unavailable="floor"
    sw = _quiet(ak.sweep, world, scn, draws=None, source=["cp2015", "uniform4"])
    for k, src in enumerate(["cp2015", "uniform4"]):
        ref = _quiet(ak.solve, world, scn, elasticities=src).welfare.to_numpy()
        np.testing.assert_allclose(sw.welfare.to_numpy()[k], ref, atol=1e-7, rtol=0)
    assert any("floor" in n for n in sw.notes)


def test_bloc_entry_and_subsets(world):
    members = ["RUS", "KAZ", "BLR"]
    tab = _quiet(ak.bloc_entry, world, members, ["ARM" if "ARM" in world.countries
                                                 else "UKR", "CHN", "IND"])
    base = _quiet(ak.solve, world, ak.Scenario.bloc(members)).welfare
    np.testing.assert_allclose(tab.attrs["base"], base, atol=1e-7)
    with_chn = _quiet(ak.solve, world, ak.Scenario.bloc(members + ["CHN"])).welfare
    expect = 100 * ((1 + with_chn / 100) / (1 + base / 100) - 1)
    np.testing.assert_allclose(tab.loc["CHN"], expect, atol=1e-7)
    assert tab.shape == (3, len(world.countries))

    sw = ak.bloc_subsets(world, ["RUS", "KAZ", "BLR", "ARM" if "ARM" in world.countries
                                 else "UKR"], k=2)
    assert len(sw.labels) == 4 + 6
    with pytest.raises(ValueError, match="limit"):
        ak.bloc_subsets(world, list(world.countries[:30]), k=3, limit=100)


@pytest.mark.slow
def test_dask_local_cluster_equals_serial(world, two_blocs):
    from distributed import Client, LocalCluster

    serial = _quiet(ak.sweep, world, two_blocs, draws=16, seed=2, chunk=4)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        via_addr = _quiet(ak.sweep, world, two_blocs, draws=16, seed=2, chunk=4,
                          backend="dask", scheduler=cluster.scheduler_address)
        via_client = _quiet(ak.sweep_scenarios, world, {"a": two_blocs,
                                                        "b": ak.Scenario.bloc(["USA", "CAN"])},
                            backend="dask", scheduler=client)
    assert np.abs(via_addr.welfare.to_numpy() - serial.welfare.to_numpy()).max() <= 1e-9
    ref = _quiet(ak.sweep_scenarios, world, {"a": two_blocs,
                                             "b": ak.Scenario.bloc(["USA", "CAN"])})
    assert np.abs(via_client.welfare.to_numpy() - ref.welfare.to_numpy()).max() <= 1e-9


def test_catalog_standard_errors_are_used_when_present(world, nafta, monkeypatch):
    import autarky.data.embedded_data as ed

    tab = ed._elasticity_table().copy()
    tab["se"] = 0.1 * tab["theta"]  # a catalog that carries standard errors
    monkeypatch.setattr(ed, "_elasticity_table", lambda: tab)
    th, _, desc = ak.draw_elasticities(world, draws=500, seed=1, source="cp2015")
    c = ak.elasticities("icio2023", "cp2015").reindex(list(world.sectors)).to_numpy()
    assert "standard errors" in desc
    np.testing.assert_allclose(th.std().to_numpy(), 0.1 * c, rtol=0.15)
    sw = ak.sweep(world, nafta, draws=4, seed=1, source="cp2015")
    assert sw.converged.all()


def _autarky_draws(seed: int) -> tuple[ak.World, list[Any], ak.SolveOptions]:
    """wiod2016 2014, three productivity draws (sd 0.05) of world autarky, its options."""
    from autarky import run
    from autarky.model.shock import Shock

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("wiod2016", year=2014)
    aut = ak.presets.get("world-autarky")
    base = aut.apply(w)
    rng = np.random.default_rng(seed)
    Z = np.exp(rng.normal(0.0, 0.05, size=(3, *w.shape)))
    shocks = [Shock(base.tariffs, base.tau_hat * z[None, :, :]) for z in Z]
    return w, shocks, run.options(aut)


def test_floored_shocks_closing_the_same_routes_share_one_baseline() -> None:
    """Issue 31 item 5 (claim 3): draws of one autarky scenario close the same routes, so
    they share one floored baseline and are solved in chunks together; each row equals
    the same shock solved on its own, and every draw still carries the floor note."""
    w, shocks, opts = _autarky_draws(seed=3)
    together = _quiet(ak.sweep_scenarios, w, shocks, options=opts)
    alone = [_quiet(ak.sweep_scenarios, w, [s], options=opts) for s in shocks]
    assert together.converged.all()
    for r, one in enumerate(alone):
        np.testing.assert_allclose(together.welfare.to_numpy()[r], one.welfare.to_numpy()[0],
                                   rtol=0, atol=1e-7)
    assert any(n.startswith("unavailable goods: ") for n in together.notes)
    def kept(notes: tuple[str, ...]) -> set[str]:
        return {n for n in notes if not n.startswith("scenarios:")}

    assert kept(together.notes) == {n for one in alone for n in kept(one.notes)}


def test_chunks_on_one_baseline_remove_its_deficits_once(monkeypatch) -> None:
    """Issue 31 item 5 (claim 3): with deficits "zero", chunks of a sweep on one baseline
    and one theta share the balanced baseline, computed once (autarky.model.balance); every
    row is bit for bit what its chunk computes alone."""
    import autarky.model.balance as mb

    w, shocks, opts = _autarky_draws(seed=5)
    alone = [_quiet(ak.sweep_scenarios, w, [s], options=opts, chunk=1) for s in shocks]
    removals = []
    real = mb.solve_hat

    def counted(*args, **kwargs):
        removals.append(kwargs.get("deficits"))
        return real(*args, **kwargs)

    monkeypatch.setattr(mb, "solve_hat", counted)
    together = _quiet(ak.sweep_scenarios, w, shocks, options=opts, chunk=1)
    assert removals == ["zero"]  # three chunks, one removal
    assert together.converged.all()
    for r, one in enumerate(alone):
        np.testing.assert_array_equal(together.welfare.to_numpy()[r],
                                      one.welfare.to_numpy()[0])
        assert together.iterations[r] == one.iterations[0]
    # no sharing where the rule is not "zero", nor for a chunk alone
    assert mb.shared_balances([], [(0, np.ones((2, 3)))], opts) == [None]
    fixed = ak.SolveOptions(deficits="fixed")
    assert mb.shared_balances([], [(0, np.ones((1, 3))), (0, np.ones((1, 3)))],
                              fixed) == [None, None]
