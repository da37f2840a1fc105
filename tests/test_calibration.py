"""Issue 17 items 1-3 and 6: presets calibrated to cited targets by running the model."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

import autarky as ak
from autarky import calibrate, outcomes
from autarky.scenario.integration import sector_theta


@cache
def w194() -> ak.World:
    return ak.run.load("world194", 2019).world


@pytest.mark.parametrize("name", ["two-blocs", "two-blocs-low", "two-blocs-high"])
def test_bloc_presets_hit_their_target_on_world194(name):
    w = w194()
    scn = ak.presets.get(name)
    res = ak.run.solve(w, scn)
    target = calibrate.BLOC_TARGETS[name][0]
    got = calibrate.between_bloc_change(res, scn.blocs(w))
    assert got == pytest.approx(target, abs=0.05)
    assert -57.0 - 0.05 <= got <= -22.0 + 0.05
    assert any(n.startswith("calibrated: between-bloc iceberg trade costs x") for n in res.notes)
    assert any(n.startswith("trade between the blocs:") for n in res.notes)
    assert any(n.startswith("non-aligned") and "IND" in n for n in res.notes)
    # the old uncalibrated 25% rise lands elsewhere: the root find matters
    uncal = ak.run.solve_plain(w, scn)
    assert abs(calibrate.between_bloc_change(uncal, scn.blocs(w)) - got) > 1.0
    # the engine without calibration says so in its notes; ak.solve is the run's solve
    unc = "not calibrated on this world"
    assert any(unc in n for n in uncal.notes) and not any(unc in n for n in res.notes)
    lib = ak.solve(w, scn)
    assert not any(unc in n for n in lib.notes)
    np.testing.assert_allclose(lib.welfare, res.welfare, atol=1e-12)


def test_two_blocs_on_icio2023_is_inside_the_cited_range():
    w = ak.run.load("icio2023", 2022).world
    res = ak.run.solve(w, ak.presets.get("two-blocs"))
    got = calibrate.between_bloc_change(res, ak.presets.get("two-blocs").blocs(w))
    assert got == pytest.approx(-39.5, abs=0.05)


def test_east_bloc_follows_the_es_11_3_vote_on_every_economy():
    w = w194()
    member = ak.presets.bloc_membership(w)
    against = {"DZA", "BLR", "BOL", "BDI", "VNM", "GAB", "ZWE", "IRN", "KAZ", "KGZ", "CHN",
               "PRK", "CUB", "LAO", "MLI", "NIC", "COG", "RUS", "SYR", "TJK", "UZB", "CAF",
               "ERI", "ETH"}
    east = set(member[member == ak.presets.BLOC_NAMES[1]].index)
    assert east == ({c for c in against | {"HKG", "MAC"} if c in w.countries})
    assert member["USA"] == ak.presets.BLOC_NAMES[0]
    assert member["IND"] == member["BRA"] == "non-aligned"
    assert len(member) == len(w.countries)


def test_break_even_penalty_makes_staying_out_match_joining():
    w = w194()
    # the barrier alone (integration 0): staying out wins unpenalised, so a penalty exists
    df = ak.run.bloc_choice(w, states=("ARM", "IND"), steps=12, integration=0.0)
    hat = df.attrs["cost_hat"]
    for s in ("ARM", "IND"):
        rows = df.xs(s, level="state")
        best = max(rows.loc["join West", "welfare"], rows.loc["join East", "welfare"])
        assert rows.loc["stay out", "welfare"] > best  # staying out wins unpenalised
        p = rows.loc["stay out", "break_even"]
        assert 1.0 < p < ak.run.PENALTY_MAX
        scn = ak.Scenario((
            ak.scenario.BlocSplit(((ak.presets.BLOC_A,), (ak.presets.BLOC_B,)), hat),
            ak.scenario.BlocSplit(((s,), (ak.presets.BLOC_A, ak.presets.BLOC_B)), p)))
        out = float(ak.run.solve_plain(w, scn).welfare[s])
        assert out == pytest.approx(best, abs=0.01)


def test_deep_integration_converts_the_gravity_effect_with_theta():
    w = w194()
    # an FTA-sized effect (ln 2) between Russia and Belarus; the presets' own in-sample
    # effects are tested in tests/test_eurasia.py
    scn = ak.Scenario((ak.scenario.DeepIntegration(("UNION-STATE",), math.log(2),
                                                   name="Union State"),))
    i, n = w.countries.index("BLR"), w.countries.index("RUS")
    for source in ("cp2015", "median", 8.0):  # the run's elasticities, bound by the solve
        theta = sector_theta(w, source)
        res = ak.solve(w, scn, elasticities=source)
        tau = np.asarray(res.tau_hat)
        assert tau[n, i, 0] == pytest.approx(math.exp(-math.log(2) / theta[0]))
        assert tau[i, n, 0] == pytest.approx(math.exp(-math.log(2) / theta[0]))
    # outside a solve, the library's default elasticities
    tau = np.asarray(scn.apply(w).tau_hat)
    assert tau[n, i, 0] == pytest.approx(math.exp(-math.log(2) / sector_theta(w, "median")[0]))


@pytest.mark.parametrize("name,sign", [("union-state", 0), ("eaeu-deep-integration", 0),
                                       ("union-state-dissolution", -1),
                                       ("eaeu-dissolution", -1)])
def test_eurasian_presets_move_members_mutual_trade_towards_the_gravity_estimate(name, sign):
    # in sample (icio2023 estimate) EAEU pairs already trade more than EU pairs: deep
    # integration to the EU level changes no trade cost (world194 has no tariffs); the
    # dissolutions remove the estimated EAEU + CIS FTA effect (1.06 log points, goods)
    w = w194()
    scn = ak.presets.get(name)
    res = ak.run.solve(w, scn)
    (g, members), = scn.blocs(w).items()
    change = outcomes.trade_between(res, {g: members}).loc[(g, g), "change_pct"]
    # general equilibrium: the same sign as the partial doubling (or halving), smaller
    if sign == 0:
        assert abs(change) < 1e-6
        assert any("already trade at or above the EU level" in a for a in scn.assumptions)
    else:  # general equilibrium: the same sign as the partial change, smaller
        b = ak.presets_eurasia.dissolution_effect()
        assert -100 * (1 - math.exp(-b)) < change < 0
    assert any("members' mutual trade" in n for n in res.notes)


def test_eurasian_macro_state_upper_removes_the_border_at_the_gravity_estimate():
    # upper bound: members' internal costs fall by exp(-b / theta), b the Yotov et al.
    # (2016) border coefficient; in general equilibrium members' mutual trade rises, by less
    # than the partial-equilibrium factor exp(b) = 11.9, and every member gains
    w = w194()
    scn = ak.presets.get("eurasian-macro-state-upper")
    res = ak.run.solve(w, scn)
    (g, members), = scn.blocs(w).items()
    theta = float(res.theta.iloc[0])
    i, n = w.countries.index("KAZ"), w.countries.index("RUS")
    tau = np.asarray(ak.solve(w, scn).tau_hat)
    assert tau[n, i, 0] == pytest.approx(math.exp(-2.47445 / theta))
    change = outcomes.trade_between(res, {g: members}).loc[(g, g), "change_pct"]
    assert 100 < change < 100 * (math.exp(2.47445) - 1)
    assert (res.welfare[list(members)] > 0).all()
    assert any("Yotov" in s for s in scn.sources)


def test_world_autarky_states_why_row_loss_is_understated():
    text = " ".join(ak.presets.PRESETS["world-autarky"].assumptions)
    assert "ROW's loss is understated" in text


def test_a_remembered_barrier_is_verified_never_trusted(tmp_path, monkeypatch):
    """A barrier kept from an earlier run costs one solve; a wrong one is found again."""
    from autarky.data import calibrations

    monkeypatch.setenv("AUTARKY_CACHE", str(tmp_path))
    monkeypatch.setattr(calibrate, "_CACHE", {})
    w = w194()
    scn = ak.presets.get("two-blocs")
    target = calibrate.BLOC_TARGETS["two-blocs"][0]
    hat, got, n = calibrate.calibrate_bloc_cost(w, scn, target, ak.run.solve_plain,
                                                elasticities="median")
    assert n > 3 and abs(got - target) < 5e-3
    (path,) = tmp_path.glob("calibrations.json")
    # the next run (a new process: the in-process cache is empty) verifies it with one solve
    monkeypatch.setattr(calibrate, "_CACHE", {})
    hat2, got2, n2 = calibrate.calibrate_bloc_cost(w, scn, target, ak.run.solve_plain,
                                                   elasticities="median")
    assert n2 == 1 and hat2 == hat and got2 == pytest.approx(got)
    # a wrong remembered barrier (data or code changed since) is not used
    import json

    data = json.loads(path.read_text())
    (k,) = data
    calibrations.remember(k, hat * 1.5)
    monkeypatch.setattr(calibrate, "_CACHE", {})
    hat3, got3, n3 = calibrate.calibrate_bloc_cost(w, scn, target, ak.run.solve_plain,
                                                   elasticities="median")
    assert n3 > 1 and abs(got3 - target) < 5e-3 and hat3 == pytest.approx(hat, rel=1e-4)


@pytest.mark.slow
def test_shipped_barriers_are_what_this_code_finds(tmp_path, monkeypatch):
    """The barriers shipped in embedded/calibrations.json are those a fresh calibration
    with this code finds, to the last bits: a shipped barrier of an older engine (equal
    only to the solver's tolerance) would make the doors that find it and the doors that
    calibrate afresh differ at 1e-12 (``scripts/build_calibrations.py`` rebuilds it)."""
    import json
    import warnings

    from autarky.data import calibrations

    shipped = json.loads(calibrations.shipped_path().read_text(encoding="utf-8"))
    monkeypatch.setenv("AUTARKY_CACHE", str(tmp_path))
    monkeypatch.setattr(calibrations, "shipped_path", lambda: tmp_path / "none.json")
    monkeypatch.setattr(calibrate, "_CACHE", {})  # nor one found earlier in this process
    w = ak.load_world("icio2023", year=2022)
    scn = ak.presets.get("two-blocs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ak.solve(w, scn)  # as `autarky run two-blocs` solves it
    assert any("Brent root find" in n for n in res.notes), res.notes
    found = json.loads((tmp_path / "calibrations.json").read_text(encoding="utf-8"))
    common = sorted(set(found) & set(shipped))
    assert common, "the package ships no barrier for two-blocs on icio2023 2022"
    for k in common:
        assert found[k] == pytest.approx(shipped[k], rel=1e-14, abs=0), k
