"""Caliendo and Parro (2015) Table 2 on their replication data (needs ../shared/data)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autarky as ak
from autarky.data.cp2015 import cp2015_raw

from .helpers import SHARED

CP = SHARED / "cp2015"
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not (CP / "original_data" / "B.txt").exists() and
                       not (CP / "B.txt").exists(),
                       reason=f"CP (2015) reference data not found at {CP} "
                              "(set AUTARKY_SHARED to the shared data folder)"),
]

NAFTA = ["CAN", "MEX", "USA"]


@pytest.fixture(scope="module")
def cp_world():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return ak.data.read_cp2015(CP)


@pytest.fixture(scope="module")
def nafta():
    return ak.data.cp2015_nafta_shock(CP)


def test_reader_shape_and_conventions(cp_world):
    assert cp_world.shape == (31, 40)
    assert cp_world.countries[4] == "CAN" and cp_world.countries[-1] == "ROW"
    assert cp_world.has_io
    a = cp_world.arrays()
    # non-tradables: domestic flows only
    off = ~np.eye(31, dtype=bool)
    assert np.all(a["flows"][off][:, 20:] == 0.0)
    # CP final-demand shares (clipped at zero) are those of the World
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        raw = cp2015_raw(CP)
    np.testing.assert_allclose(a["final_share"], raw["alpha"], atol=1e-10)
    np.testing.assert_allclose(a["value_added_share"], raw["value_added_share"], atol=1e-6)  # IO rounding
    assert cp_world.theta.values[17] == 8.22 and cp_world.theta.attrs["source"] == "cp2015"
    t05 = ak.data.read_cp2015_tariffs(CP, 2005)
    assert t05.shape == (31, 31, 40) and t05[19, 29, :20].mean() < 0.01


@pytest.mark.parametrize("deficits, welfare", [
    ("zero", {"CAN": -0.06, "MEX": 1.31, "USA": 0.08}),
    ("fixed", {"CAN": -0.04, "MEX": 1.17, "USA": 0.08}),
])
def test_table2_welfare(cp_world, nafta, deficits, welfare):
    res = ak.solve(cp_world, nafta, elasticities="cp2015",
                   options=ak.SolveOptions(deficits=deficits))
    assert res.converged
    assert max(res.residual.values()) < 1e-8
    # CP (2015) Table 2 reports the sum of their terms-of-trade and volume-of-trade effects
    got = res.decomposition.loc[NAFTA, "total"]
    for c in NAFTA:
        assert abs(got[c] - welfare[c]) <= 0.01 + 1e-9, (c, got[c], welfare[c])


def test_table2_decomposition_zero_deficits(cp_world, nafta):
    res = ak.solve(cp_world, nafta, elasticities="cp2015",
                   options=ak.SolveOptions(deficits="zero"))
    d = res.decomposition.loc[NAFTA]
    expect = {"CAN": (-0.11, 0.04), "MEX": (-0.41, 1.72), "USA": (0.04, 0.04)}
    for c, (tot, vot) in expect.items():
        assert abs(d.loc[c, "terms_of_trade"] - tot) <= 0.01 + 1e-9
        assert abs(d.loc[c, "volume_of_trade"] - vot) <= 0.01 + 1e-9
    # sector detail adds up
    by_sector = res.decomposition_by_sector.groupby(level="country").sum()
    np.testing.assert_allclose(by_sector.loc[NAFTA, "terms_of_trade"],
                               d["terms_of_trade"], atol=1e-10)


def test_exact_welfare_is_small_and_finite(cp_world, nafta):
    res = ak.solve(cp_world, nafta, elasticities="cp2015",
                   options=ak.SolveOptions(deficits="zero"))
    w = res.welfare
    assert np.isfinite(w).all()
    # the exact real-income change is far smaller than CP's first-order total for Mexico
    assert abs(w["MEX"]) < 0.1 and abs(w["USA"] - 0.074) < 0.005


def test_exact_path_decomposition_adds_up(cp_world, nafta):
    res = ak.solve(cp_world, nafta, elasticities="cp2015",
                   options=ak.SolveOptions(deficits="zero"))
    d = res.decomposition_path(steps=32).loc[NAFTA]
    np.testing.assert_allclose(d["total"], d["log_welfare"], atol=1e-3)
    assert np.all(d["trade_costs"] == 0.0)
    # the exact split: Mexico's volume-of-trade gain is about offset by its terms of trade
    assert d.loc["MEX", "volume_of_trade"] > 0.5 and d.loc["MEX", "terms_of_trade"] < -0.5
