"""Issue 14, items 7-9: shortage LP, Leontief/Ghosh identities, one "produces at home"."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import autarky as ak
from autarky import linkages as lk
from autarky.cli import app, main
from autarky.world import MRIO, World

runner = CliRunner()
WIOD_YEARS = json.loads(
    (Path(ak.__file__).parent / "data" / "embedded" / "manifest.json").read_text()
)["wiod2013"]["years"]


def _wiod(year: int | None = None) -> World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ak.load_world("wiod2013", year=year)


@pytest.fixture(scope="module")
def wiod_model() -> lk.IOModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lk.leontief(_wiod())


# ------------------------------------------------------------------ 7. shortage LP
def _hand_world() -> World:
    """Two countries AAA, BBB; sectors e (energy) and g (goods).

    Goods (country-major): 1 = AAA e, 2 = AAA g, 3 = BBB e, 4 = BBB g. The only input
    links: AAA g needs 0.5 of AAA e per unit, BBB g needs 0.25 of AAA e per unit.
    Final demand: AAA buys 10 of good 1 and 20 of good 2, BBB 30 of good 3 and 40 of
    good 4. Output x = L y = (10 + 0.5*20 + 0.25*40, 20, 30, 40) = (30, 20, 30, 40).
    """
    Z = np.zeros((4, 4))
    Z[0, 1] = 0.5 * 20.0
    Z[0, 3] = 0.25 * 40.0
    Y = np.array([[10.0, 0.0], [20.0, 0.0], [0.0, 30.0], [0.0, 40.0]])
    x = Z.sum(axis=1) + Y.sum(axis=1)
    return World.from_mrio(MRIO(Z=Z, Y=Y, x=x, regions=("AAA", "BBB"), sectors=("e", "g"),
                                categories=("final",)), name="hand")


def test_shortage_hand_solvable_two_countries_two_sectors():
    # AAA e loses half its capacity: 15 of 30 left.
    sh = lk.shortage(_hand_world(), "AAA", "e", loss=0.5)
    # fixed sourcing: AAA e needed per dollar of final demand: good 1 -> 1, good 2 -> 0.5,
    # good 3 -> 0, good 4 -> 0.25. Keep the least intensive first: good 3 (30, needs 0),
    # good 4 (40, needs 10), then good 2 with the 5 left (10 of 20), good 1 gets nothing.
    # Met 0 + 10 + 30 + 40 = 80 of 100: AAA 10/30, BBB 70/70.
    assert sh.met["fixed"] == pytest.approx(0.80, abs=1e-9)
    np.testing.assert_allclose(sh.table["share_fixed"], [10 / 30, 1.0], atol=1e-9)
    assert sh.goods.loc[("AAA", "e"), "shortfall_fixed"] == pytest.approx(10.0)
    assert sh.goods.loc[("AAA", "g"), "shortfall_fixed"] == pytest.approx(10.0)
    # open trade: product e from AAA (15) or BBB (30 of capacity), 45 in all, for
    # 40 s_e of final demand plus 0.5 x_AAAg + 0.25 x_BBBg of inputs. A dollar of g costs
    # at most 0.5 of e, a dollar of e costs 1: keep all 60 of g (inputs 10 + 10 = 20),
    # leaving 25 of e for 40 of final demand: s_e = 0.625. Met 25 + 60 = 85 of 100;
    # AAA (6.25 + 20)/30, BBB (18.75 + 40)/70.
    assert sh.met["trade"] == pytest.approx(0.85, abs=1e-9)
    np.testing.assert_allclose(sh.table["share_trade"], [26.25 / 30, 58.75 / 70], atol=1e-9)
    # autarky, capacities sized to own needs: AAA needs e = 10 + 0.5*20 = 20, keeps 10:
    # g (20, needs 10) kept, e's final demand gets nothing: AAA 20/30. BBB is not hit.
    assert sh.met["autarky"] == pytest.approx(0.90, abs=1e-9)
    np.testing.assert_allclose(sh.table["share_autarky"], [20 / 30, 1.0], atol=1e-9)
    # autarky with today's capacities: AAA e has 15: g (needs 10) then 5 of e: 25/30.
    # BBB e has 30: g (40, needs 10) then 20 of its 30 of e: 60/70.
    cur = lk.shortage(_hand_world(), "AAA", "e", loss=0.5, autarky_capacity="current")
    assert cur.met["autarky"] == pytest.approx(0.85, abs=1e-9)
    np.testing.assert_allclose(cur.table["share_autarky"], [25 / 30, 60 / 70], atol=1e-9)
    # what limits supply: AAA e everywhere; in autarky-current BBB e too (30 for 40 needed)
    assert sh.binding["fixed"] == sh.binding["trade"] == (("AAA", "e"),)
    assert cur.binding["autarky"] == (("AAA", "e"), ("BBB", "e"))


def test_shortage_a_small_loss_stays_small(wiod_model):
    # old LP: every country touching MLT c1 got exactly 1 - loss (USA short of $14 trillion)
    sh = lk.shortage(wiod_model, "MLT", "c1", loss=0.9)
    usa = sh.table.loc["USA"]
    for g in lk.REGIMES:
        assert usa[f"shortfall_{g}"] < 1e-4 * usa["final_demand"]
    assert sh.met["fixed"] > 0.9999
    # the loss is felt where MLT c1 goes: Malta's own final demand
    assert sh.table.loc["MLT", "share_fixed"] < 1.0


def test_shortage_is_not_one_scale_per_country(wiod_model):
    # old LP: 50.0% in every country under today's sourcing, -0.0% everywhere in autarky
    sh = lk.shortage(wiod_model, "RUS", "c2", loss=0.5)
    fixed = sh.table["share_fixed"]
    assert fixed.nunique() > 10 and fixed.min() < fixed.max()
    assert sh.met["fixed"] >= 0.5 and sh.met["trade"] >= sh.met["fixed"]
    cur = lk.shortage(wiod_model, "RUS", "c2", loss=0.5, autarky_capacity="current")
    aut = cur.table["share_autarky"]
    assert (aut > 0.01).any()
    assert not np.signbit(cur.table.filter(like="share_").to_numpy()).any()
    assert {"shortfall_fixed", "shortfall_trade", "shortfall_autarky"} <= set(cur.goods)


# ------------------------------------------------------------------ 8. identities
@pytest.mark.slow
@pytest.mark.parametrize("year", WIOD_YEARS)
def test_leontief_and_ghosh_identities_every_wiod_year(year):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = lk.leontief(_wiod(year))
    y = m.Y.sum(axis=1)
    assert (m.Y >= 0).all()
    np.testing.assert_allclose(m.lu.solve(y), m.x, rtol=1e-9, atol=1e-6)  # x = L y
    np.testing.assert_allclose(m.ghosh(m.v * m.x).to_numpy(), m.x, rtol=1e-9,
                               atol=1e-6)  # x' = v' G
    assert (m.v[m.x > 0] >= ak.world.MIN_VALUE_ADDED_SHARE - 1e-12).all()
    ex = lk.extract(m, countries=["RUS"])
    losses = ex[["loss_demand", "loss_supply"]].to_numpy()
    assert (losses >= 0).all() and (losses <= 1).all()


def test_extraction_losses_are_not_negative(wiod_model):
    # old code: 429 of 1,435 rows negative (SVN c8 -4.51), baseline L y != x
    ex = lk.extract(wiod_model, countries=["RUS"])
    assert (ex[["loss_demand", "loss_supply"]].to_numpy() >= 0).all()
    np.testing.assert_allclose(ex["baseline"], wiod_model.x)
    assert ex.loc[("SVN", "c8"), "baseline"] == pytest.approx(
        float(_wiod().gross_output.sel(country="SVN", sector="c8")))
    rus = ex.loc["RUS"]
    rus = rus[rus["baseline"] > 0]  # (RUS c35, private households, has no output)
    assert (rus[["loss_demand", "loss_supply"]].to_numpy() == 1).all()


def test_extraction_losses_match_the_difference_of_solves(wiod_model):
    m = wiod_model
    E = m.region_rows("DEU", ["c12", "c15"])
    y = m.Y.sum(axis=1)
    back, fwd = lk.calc_extraction_losses(m.lu, m.A, m.x, E)
    keep = np.setdiff1d(np.arange(m.x.size), E)
    np.testing.assert_allclose((m.x - lk.extract_demand(m.lu, y, E))[keep], back[keep],
                               rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose((m.x - lk.extract_supply(m.lu, m.v * m.x, m.x, E))[keep],
                               fwd[keep], rtol=1e-7, atol=1e-6)


# ------------------------------------------------------------------ 9. produces at home
def test_one_definition_of_produces_at_home(wiod_model):
    w = _wiod()
    home = w.produces_at_home()
    assert not bool(home.sel(country="DEU", sector="c5"))  # exports 4,231, sells 0 at home
    miss = lk.missing_goods(wiod_model)
    deu = miss[miss["country"] == "DEU"].set_index("sector")
    assert "c5" in deu.index and deu.loc["c5", "production"] > 4000
    ss = lk.self_sufficiency(wiod_model)
    np.testing.assert_array_equal(
        ss["produced"].to_numpy(),
        home.to_series().reindex(ss.index.set_names(["country", "sector"])).to_numpy())
    # the goods used but not supplied at home are exactly those the engine finds without
    # a supplier in world autarky (X > 0 and no domestic flow)
    absorbed = w.flows.sum("exporter").values > 0
    engine = absorbed & ~home.values
    assert len(miss) == int(engine.sum())


@pytest.mark.slow
def test_world_autarky_floors_the_missing_goods():
    w = _wiod()
    res = ak.solve(w, ak.Scenario.autarky("all"), elasticities=4.0,
                   options=ak.SolveOptions(unavailable="floor", deficits="zero"))
    note = next(n for n in res.notes if n.startswith("unavailable goods:"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        miss = lk.missing_goods(w)
    assert f"{len(miss)} country-sector pairs" in note


def test_deps_names_goods_made_only_for_export():
    res = runner.invoke(app, ["deps", "--country", "DEU", "--top", "2"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "It produces every good it uses" not in out
    assert "c5 Leather" in out and "made only for export, 4,231" in out


@pytest.mark.parametrize("argv", [["deps", "--country", "DEU", "--top", "-1"],
                                  ["shortage", "--country", "RUS", "--top", "-5"]])
def test_negative_top_is_refused(monkeypatch, capsys, argv):
    monkeypatch.setattr(sys, "argv", ["autarky", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "--top must be 0 or more" in err[0]
