"""The default elasticity source ('median') and the range of welfare across the catalog."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky import run
from autarky.errors import ScenarioWarning
from autarky.report import html as rhtml

from .helpers import random_world

SOURCES = ("cp2015", "uniform4", "shapiro2016", "bsy2021", "gyy2021", "fgo2022", "ll2023",
           "in-sample")


@pytest.fixture(scope="module")
def icio() -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return ak.load_world("icio2023", year=2022)


@pytest.fixture(scope="module")
def nafta() -> ak.Scenario:
    return ak.Scenario.bloc(["USA", "CAN", "MEX"], external_tariff=0.1, name="NAFTA")


def _solve(world: ak.World, scn: ak.Scenario, theta: str) -> ak.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return ak.solve(world, scn, elasticities=theta)


def test_median_source_is_the_per_sector_median_of_the_published_estimates() -> None:
    # issue 27: the median over published estimates only (placeholders left out; the
    # count and the rule are tested in test_baselines.py)
    assert set(SOURCES) == set(ak.data.elasticity_sources().index)  # median is not published
    for ds in ("icio2023", "wiod2016", "wiod2013"):
        tab = pd.DataFrame({s: ak.elasticities(ds, s) for s in SOURCES})
        med = ak.elasticities(ds)  # the default source
        assert med.attrs["source"] == "median"
        assert (med.attrs["count"] <= 6).all()
        assert (med.reindex(tab.index) <= tab.max(axis=1)).all()
        assert (med.reindex(tab.index) >= tab.min(axis=1)).all()
    # the CP 2015 petroleum outlier no longer sets the default
    icio = ak.elasticities("icio2023")
    assert ak.elasticities("icio2023", "cp2015")["C19"] == pytest.approx(64.85)
    assert 3.5 < icio["C19"] < 9.0


def test_median_is_the_default_everywhere() -> None:
    for fn in (ak.solve, run.solve, run.bloc_choice, ak.sweep_scenarios, ak.bloc_entry,
               ak.bloc_subsets, ak.elasticities):
        params = inspect.signature(fn).parameters
        key = "elasticities" if "elasticities" in params else "source"
        assert params[key].default == "median", fn.__name__
    assert run.DEFAULT_ELASTICITIES == "median"


def test_one_sector_and_custom_worlds_have_no_range(small_world: ak.World) -> None:
    text = run.range_unavailable(small_world)
    assert text is not None and "not computed" in text
    assert run.source_range(small_world, ak.Scenario.autarky("all")) is None
    assert ak.elasticities("world194", "median").attrs["source"] == "uniform4"


def test_source_range_equals_one_solve_per_source(icio: ak.World, nafta: ak.Scenario) -> None:
    rng = run.source_range(icio, nafta)
    assert rng is not None and rng.attrs["sources"] == SOURCES
    for src in ("cp2015", "ll2023"):
        res = _solve(icio, nafta, src)
        np.testing.assert_allclose(rng[src].reindex(icio.countries), res.welfare, atol=1e-6)
        agg = run.aggregates(icio, nafta, res)["welfare"]
        for g in agg.index:
            assert rng.at[g, src] == pytest.approx(agg[g], abs=1e-6)
    per = rng[list(SOURCES)].to_numpy()
    np.testing.assert_array_equal(rng["low"], per.min(axis=1))
    np.testing.assert_array_equal(rng["high"], per.max(axis=1))
    assert rng.at["MEX", "high"] > rng.at["MEX", "low"]  # the sources disagree
    assert "8 published elasticity sources" in rng.attrs["text"]


def test_group_welfare_equals_result_aggregate(icio: ak.World, nafta: ak.Scenario) -> None:
    res = _solve(icio, nafta, "uniform4")
    groups = {**nafta.blocs(icio), "world": icio.countries}
    g = run.group_welfare(icio, res.welfare.to_numpy()[None], groups)
    agg = res.aggregate(groups, run.income(icio))["welfare"]
    for name in agg.index:
        assert g.at[0, name] == pytest.approx(agg[name], abs=1e-10)


@pytest.mark.slow
def test_compare_range_brackets_each_source(icio: ak.World, nafta: ak.Scenario) -> None:
    other = ak.Scenario.bloc(["USA", "CAN"], external_tariff=0.1, name="US-Canada")
    rng = run.compare_range(icio, nafta, other)
    assert rng is not None
    for src in ("cp2015", "fgo2022"):
        d = _solve(icio, other, src).welfare - _solve(icio, nafta, src).welfare
        assert (d <= rng["high"].reindex(d.index) + 1e-6).all()
        assert (d >= rng["low"].reindex(d.index) - 1e-6).all()


@pytest.mark.slow
def test_bloc_choice_range(icio: ak.World) -> None:
    from autarky.scenario import BlocSplit

    df = run.bloc_choice(icio, states=["IND"], solve=run.solve_plain)
    rng = run.bloc_choice_range(icio, df)
    assert list(rng.index) == list(df.index)
    assert (rng["low"] <= rng["high"]).all()
    # the range is over the barrier recalibrated under each source: cp2015, solved directly
    from autarky import calibrate

    target = calibrate.BLOC_TARGETS["bloc-choice"][0]
    hat = calibrate.calibrate_bloc_cost(icio, ak.presets.get("bloc-choice"), target,
                                        run.solve_plain, elasticities="cp2015")[0]
    # joining brings the bloc's integration, converted with that source's elasticities
    join_west = ak.presets.bloc_choice_scenarios("IND", hat, df.attrs.get("integration"))[
        ak.presets.OPTIONS[0]]
    assert any(isinstance(c, BlocSplit) for c in join_west.components)
    w = run.solve_plain(icio, join_west, elasticities="cp2015").welfare["IND"]
    idx = ("IND", ak.presets.OPTIONS[0])
    assert rng.at[idx, "low"] - 1e-4 <= w <= rng.at[idx, "high"] + 1e-4


def test_report_shows_range_and_band(icio: ak.World, nafta: ak.Scenario) -> None:
    res = _solve(icio, nafta, "median")
    rng = run.source_range(icio, nafta)
    band = pd.DataFrame({"median": res.welfare, "low": res.welfare - 0.1,
                         "high": res.welfare + 0.1})
    band.attrs["text"] = "band: a test band"
    inp = rhtml.ReportInput(result=res, title="NAFTA", groups=nafta.blocs(icio),
                            welfare_range=rng, welfare_band=band)
    tab = rhtml.uncertainty_table(inp)
    assert tab is not None
    assert {"welfare", "low (sources)", "high (sources)", "median (draws)"} <= set(tab.columns)
    assert tab.at["MEX", "low (sources)"] == rng.at["MEX", "low"]
    assert "NAFTA" in tab.index  # the bloc aggregate, with its range
    bars = rhtml.figures(inp)["bars"]
    assert all(t.error_y.array is not None for t in bars.data)
    doc = rhtml.build_report(inp)
    assert "range across elasticity sources" in doc and "band: a test band" in doc
    assert rng.attrs["text"].split("(")[0] in doc


def test_random_world_range_unavailable_message() -> None:
    w = random_world(1)
    assert "not an embedded dataset" in (run.range_unavailable(w) or "")
