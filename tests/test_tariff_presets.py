"""Observed tariff presets, deficit rules and the unavailable-goods floor (issue 17,
items 5 and 7)."""

from __future__ import annotations

import numpy as np
import pytest

import autarky as ak
from autarky.data.scenario_data import us_tariffs_2025
from autarky.presets import PRESETS, US_CHINA_2018_19, deficit_rule
from autarky.solve import floor_shares
from tests.helpers import random_world


def test_schedule_follows_annex_one():
    df = us_tariffs_2025()
    assert df.loc["TWN", "rate"] == pytest.approx(0.32)
    assert df.loc["CHN", "rate"] == pytest.approx(0.34)
    assert df.loc["CAN", "rate"] == 0.0 and df.loc["MEX", "rate"] == 0.0
    assert df.loc["VNM", "rate"] == pytest.approx(0.46)
    assert df.loc["DEU", "rate"] == pytest.approx(0.20)
    for iso in ("TWN", "CHN", "CAN", "MEX", "BLR"):
        assert df.loc[iso, "correction"], iso
    outside = {"CAN", "MEX", "RUS", "BLR", "USA"}
    assert set(df.index[df["rate"] < 0.10]) == outside  # 10% for every other partner


@pytest.fixture(scope="module")
def icio():
    return ak.load_world("icio2023", year=2022)


def test_us_tariffs_exempt_sectors_and_partners(icio):
    shock = ak.presets.get("us-tariffs-2025").apply(icio)
    c, s = list(icio.countries), list(icio.sectors)
    add = shock.tariffs - icio.tariffs.values
    usa = c.index("USA")
    for code in ("B05", "B06", "C19", "C21", "C24A", "C24B", "C26", "C29", "SERV", "TRAVEL"):
        assert np.abs(add[usa, :, s.index(code)]).max() == 0.0, code
    for partner, rate in (("CHN", 0.34), ("TWN", 0.32), ("VNM", 0.46), ("JPN", 0.24)):
        assert add[usa, c.index(partner), s.index("C10T12")] == pytest.approx(rate)
    for partner in ("CAN", "MEX"):
        assert np.abs(add[usa, c.index(partner)]).max() == 0.0
    # only the US changes its tariffs
    assert np.abs(np.delete(add, usa, axis=0)).max() == 0.0


def test_us_china_rates_and_result(icio):
    scn = ak.presets.get("us-china-2018-19")
    shock = scn.apply(icio)
    c, s = list(icio.countries), list(icio.sectors)
    add = shock.tariffs - icio.tariffs.values
    usa, chn = c.index("USA"), c.index("CHN")
    goods = [s.index(x) for x in icio.sector_classes["goods"]]
    np.testing.assert_allclose(add[usa, chn, goods], US_CHINA_2018_19[0])
    np.testing.assert_allclose(add[chn, usa, goods], US_CHINA_2018_19[1])
    assert add[usa, chn, s.index("SERV")] == 0.0
    mask = np.ones_like(add, bool)
    mask[usa, chn], mask[chn, usa] = False, False
    assert np.abs(add[mask]).max() == 0.0
    res = ak.solve(icio, scn)
    assert scn.solve_options().deficits == "zero"
    assert res.welfare["CHN"] < 0
    assert any("Bown" in x for x in scn.sources)


def test_one_sector_world_charges_all_goods_and_says_so():
    w = ak.load_world("world194")
    res = ak.solve(w, ak.presets.get("us-tariffs-2025"))
    assert any("overstates the tariff's coverage" in n for n in res.notes)


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items()
                                  if p.kind in ("equilibrium", "bloc-choice")])
def test_every_preset_states_its_deficit_rule(name):
    scn = ak.presets.get(name if PRESETS[name].parameter is None else f"{name}:RUS")
    rule = scn.solve_options().deficits
    text = " ".join(scn.assumptions)
    if rule == "zero" and name in ("world-autarky", "autarky"):
        assert "deficits removed first" in text
    else:
        assert f"Deficit rule '{rule}'" in text, (name, rule)
    assert "Calibration target" in text or name not in (
        "tariff-war", "us-tariffs-2025", "us-china-2018-19")
    assert deficit_rule(name) == () or deficit_rule(name)[0] in text


def _world_missing_a_good() -> ak.World:
    w = random_world(11, 4, 3, io=False, tariffs=False)
    F = w.flows.values.copy()
    F[0, 0, 1] = 0.0  # the first country makes none of s1
    F[0, 1:, 1] = [0.5, 0.05, 2.0]
    return ak.World.from_arrays(F, ["FRA", "DEU", "ITA", "ESP"], w.sectors)


def test_floor_rule_median_and_smallest_supplier():
    w = _world_missing_a_good()
    mask = np.zeros(w.shape, bool)
    mask[0, 1] = True
    X = w.flows.values[0, :, 1].sum()
    med = floor_shares(w, mask, rule="median")
    small = floor_shares(w, mask)  # the default: inside the bound the data set
    assert med[0, 1] == pytest.approx(0.5 / X)
    assert small[0, 1] == pytest.approx(0.05 / X)
    assert floor_shares(w, mask, rule="tenth")[0, 1] == pytest.approx(0.005 / X)
    assert med[~mask].max() == 0.0
    assert floor_shares(w, mask, 0.01)[0, 1] == 0.01


@pytest.mark.parametrize("rule", ["smallest", "tenth", "median"])
def test_floor_shares_of_the_masked_pairs_equal_the_whole_cube_rule(rule: str) -> None:
    # floor_shares reads only the floored pairs; the rule over the whole cube, as written
    # before (issue 31), gives the same numbers bit for bit
    w = random_world(12, 9, 4, io=False, tariffs=False)
    F = w.flows.values.copy()
    F[F < np.quantile(F, 0.3)] = 0.0
    np.einsum("nnj->nj", F)[...] += 1.0
    F[2, :, 1] = 0.0  # a good nobody supplies to country 2 (the placeholder)
    F[3, 3, 2] = 0.0  # a good country 3 only imports
    w = ak.World.from_arrays(F, w.countries, w.sectors)
    mask = np.random.default_rng(1).random(w.shape) < 0.4
    mask[2, 1] = mask[3, 2] = True
    X = F.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = np.where(F > 0, F / np.where(X[:, None, :] > 0, X[:, None, :], 1.0), np.nan)
    filled = np.where(~np.all(np.isnan(pi), axis=1)[:, None, :], pi, 1e-6)
    pick = np.nanmedian(filled, axis=1) if rule == "median" else np.nanmin(filled, axis=1)
    want = np.where(mask, np.clip(pick / (10.0 if rule == "tenth" else 1.0), 1e-12, 0.49), 0.0)
    np.testing.assert_array_equal(floor_shares(w, mask, rule=rule), want)


def test_autarky_with_a_missing_good_prints_the_floor_sensitivity():
    w = _world_missing_a_good()
    res = ak.solve(w, ak.Scenario.autarky(["FRA"]), elasticities=4.0,
                   options=ak.SolveOptions(unavailable="floor", deficits="zero"))
    note = next(n for n in res.notes if n.startswith("unavailable goods sensitivity"))
    assert "FRA" in note and "rule 'tenth'" in note
    lo = float(note.split("FRA ")[1].split("% -> ")[1].split("%")[0])
    assert lo < res.welfare["FRA"]  # the smaller latent supply gives the larger loss
    assert any("rule 'smallest'" in n for n in res.notes)


def test_claim_ten_names_the_folder_it_looked_for_when_the_ilms_data_are_absent(
        tmp_path, monkeypatch):
    from autarky.sensitivity import ilms_us_text

    monkeypatch.chdir(tmp_path)  # ../shared/data is not beside this folder
    text = ilms_us_text(-0.06, None)
    looked = (tmp_path / "../shared/data/us-tariff-2025").resolve()
    assert f"absent: looked for {looked}, which is ../shared/data/us-tariff-2025" in text
    assert "USA -0.06%" in text
