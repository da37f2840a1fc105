"""Scenario components, composition, country groups and TOML: no solver needed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autarky as ak
from autarky.errors import ScenarioError, ScenarioWarning
from autarky.scenario import (
    Autarky,
    BlocSplit,
    CustomsUnion,
    FreeTradeArea,
    Sanction,
    Scenario,
    TariffChange,
    TariffSchedule,
    TradeCostCells,
    TradeCostChange,
    TradeCostCube,
)

C = ("RUS", "BLR", "KAZ", "USA", "CHN", "DEU", "ROW")
S = ("AGR", "MAN", "SERV")


@pytest.fixture(scope="module")
def world() -> ak.World:
    rng = np.random.default_rng(0)
    n, j = len(C), len(S)
    flows = rng.uniform(1, 10, (n, n, j))
    flows[np.arange(n), np.arange(n), :] += 100
    tariffs = rng.uniform(0.0, 0.2, (n, n, j))
    tariffs[np.arange(n), np.arange(n), :] = 0
    tariffs[:, :, 2] = 0
    return ak.World.from_arrays(flows, C, S, tariffs=tariffs, name="toy")


def ix(*codes: str) -> list[int]:
    return [C.index(c) for c in codes]


def quiet(scn: Scenario, w: ak.World) -> ak.Shock:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return scn.apply(w)


def test_status_quo_keeps_baseline(world):
    sh = Scenario.status_quo().apply(world)
    np.testing.assert_array_equal(sh.tariffs, world.arrays()["tariffs"])
    assert (sh.tau_hat == 1).all()


def test_autarky_one_country_all_international_pairs(world):
    sh = Scenario.autarky(["RUS"]).apply(world)
    r = C.index("RUS")
    inf = np.isinf(sh.tau_hat)
    assert inf[r, :, :].sum() == (len(C) - 1) * len(S)
    assert inf[:, r, :].sum() == (len(C) - 1) * len(S)
    assert not inf[r, r, :].any()
    assert inf.sum() == 2 * (len(C) - 1) * len(S)


def test_world_autarky_every_international_cell(world):
    sh = Scenario.autarky("all").apply(world)
    off = ~np.eye(len(C), dtype=bool)
    assert np.isinf(sh.tau_hat[off]).all()
    assert np.isfinite(np.einsum("nnj->nj", sh.tau_hat)).all()


def test_autarky_some_sectors(world):
    sh = Scenario.autarky("all", sectors=["services"]).apply(world)
    assert np.isinf(sh.tau_hat[0, 1, 2]) and sh.tau_hat[0, 1, 0] == 1


def test_bloc_internal_tariffs_zero_and_external_kept(world):
    sh = Scenario.bloc(["RUS", "BLR", "KAZ"]).apply(world)
    t0 = world.arrays()["tariffs"]
    m = ix("RUS", "BLR", "KAZ")
    inner = sh.tariffs[np.ix_(m, m)]
    assert (inner == 0).all()
    out = ix("USA", "CHN", "DEU", "ROW")
    np.testing.assert_array_equal(sh.tariffs[np.ix_(m, out)], t0[np.ix_(m, out)])
    assert (sh.tau_hat == 1).all()


def test_customs_union_common_external_tariff(world):
    sh = Scenario.customs_union(["RUS", "BLR", "KAZ"]).apply(world)
    a = world.arrays()
    m, out = ix("RUS", "BLR", "KAZ"), ix("USA", "CHN", "DEU", "ROW")
    for j in range(len(S)):
        block = sh.tariffs[np.ix_(m, out, [j])]
        assert np.allclose(block, block.flat[0])  # common
        w = a["flows"][np.ix_(m, out, [j])]
        expected = (w * a["tariffs"][np.ix_(m, out, [j])]).sum() / w.sum()
        assert block.flat[0] == pytest.approx(expected)
    assert (sh.tariffs[np.ix_(m, m)] == 0).all()
    given = Scenario.bloc(["RUS", "BLR"], external_tariff=0.1).apply(world)
    assert np.allclose(given.tariffs[np.ix_(ix("RUS"), ix("USA"))], 0.1)


def test_sanction_embargo_both_directions(world):
    sh = Scenario.sanction(imposers=["USA", "DEU"], target="RUS").apply(world)
    r, co = C.index("RUS"), ix("USA", "DEU")
    assert np.isinf(sh.tau_hat[co, r, :]).all() and np.isinf(sh.tau_hat[r, co, :]).all()
    assert np.isinf(sh.tau_hat).sum() == 2 * 2 * len(S)
    imp = Scenario.sanction(["USA"], "RUS", direction="imports").apply(world)
    assert np.isinf(imp.tau_hat[C.index("USA"), r]).all()
    assert not np.isinf(imp.tau_hat[r, C.index("USA")]).any()
    tar = Scenario.sanction(["USA"], "RUS", tariff=0.35, sectors=["MAN"]).apply(world)
    assert tar.tariffs[C.index("USA"), r, 1] == 0.35
    assert tar.tariffs[r, C.index("USA"), 1] == 0.35  # 'both': the target answers
    assert not np.isinf(tar.tau_hat).any()


def test_tariff_set_and_add(world):
    t0 = world.arrays()["tariffs"]
    sh = Scenario.tariff(["USA"], ["CHN"], 0.5, sectors=["MAN"]).apply(world)
    u, c = C.index("USA"), C.index("CHN")
    assert sh.tariffs[u, c, 1] == 0.5 and sh.tariffs[u, c, 0] == t0[u, c, 0]
    add = Scenario.tariff("all", "all", 0.1, mode="add").apply(world)
    off = ~np.eye(len(C), dtype=bool)
    np.testing.assert_allclose(add.tariffs[off], t0[off] + 0.1)
    np.testing.assert_array_equal(np.einsum("nnj->nj", add.tariffs), 0)
    cut = Scenario.tariff("all", "all", -1.0, mode="add").apply(world)
    assert (cut.tariffs == 0).all()


def test_tariff_schedule_and_row_rate(world):
    scn = Scenario.tariff_schedule("USA", {"CHN": 0.34, "DEU": 0.2, "ARM": 0.1, "GEO": 0.3},
                                   sectors=["goods"])
    sh = quiet(scn, world)
    t0 = world.arrays()["tariffs"]
    u = C.index("USA")
    assert sh.tariffs[u, C.index("CHN"), 0] == pytest.approx(t0[u, C.index("CHN"), 0] + 0.34)
    assert sh.tariffs[u, C.index("CHN"), 2] == t0[u, C.index("CHN"), 2]  # services untouched
    assert sh.tariffs[u, C.index("ROW"), 1] == pytest.approx(t0[u, C.index("ROW"), 1] + 0.2)
    assert any("mean (unweighted" in n for n in sh.notes)
    assert any("no rate for" in n for n in sh.notes)
    weighted = Scenario.tariff_schedule("USA", {"CHN": 0.34, "ARM": 0.1, "GEO": 0.3},
                                        weights={"ARM": 3.0, "GEO": 1.0})
    sh2 = quiet(weighted, world)
    expect = t0[u, C.index("ROW"), 1] + (3 * 0.1 + 1 * 0.3) / 4
    assert sh2.tariffs[u, C.index("ROW"), 1] == pytest.approx(expect)
    assert Scenario.from_toml(text=weighted.to_toml()) == weighted


def test_trade_cost_forms(world):
    sh = Scenario.trade_cost(1.2, ["RUS"], ["CHN"], both_ways=True).apply(world)
    r, c = C.index("RUS"), C.index("CHN")
    assert (sh.tau_hat[r, c] == 1.2).all() and (sh.tau_hat[c, r] == 1.2).all()
    assert (sh.tau_hat == 1.2).sum() == 2 * len(S)
    import pandas as pd

    ser = pd.Series([0.9, 1.5], index=pd.MultiIndex.from_tuples(
        [("RUS", "BLR", "MAN"), ("USA", "CHN", "AGR")], names=["importer", "exporter", "sector"]))
    sh2 = Scenario.trade_cost(ser).apply(world)
    assert sh2.tau_hat[r, C.index("BLR"), 1] == 0.9
    assert sh2.tau_hat[C.index("USA"), c, 0] == 1.5
    assert ((sh2.tau_hat != 1).sum()) == 2
    arr = np.ones((len(C), len(C)))
    arr[0, 1] = 2.0
    sh3 = Scenario.trade_cost(arr, countries=C).apply(world)
    assert (sh3.tau_hat[0, 1] == 2.0).all()
    with pytest.raises(ScenarioError, match="countries="):
        Scenario.trade_cost(arr)


def test_trade_cost_cube_every_cell(world):
    import xarray as xr

    rng = np.random.default_rng(3)
    hat = rng.uniform(0.8, 1.25, (len(C), len(C), len(S)))
    hat[np.arange(len(C)), np.arange(len(C)), :] = 1.0
    da = xr.DataArray(hat, dims=("importer", "exporter", "sector"),
                      coords={"importer": list(C), "exporter": list(C), "sector": list(S)})
    scn = Scenario.trade_cost(da)
    np.testing.assert_array_equal(scn.apply(world).tau_hat, hat)
    # the same cells as a Series (any order), and back from TOML
    ser = da.to_series().sample(frac=1.0, random_state=0)
    np.testing.assert_array_equal(Scenario.trade_cost(ser).apply(world).tau_hat, hat)
    assert Scenario.from_toml(text=scn.to_toml()) == scn
    # a later component wins over the cube where both set a cell
    both = quiet(scn + Scenario.autarky(["RUS"]), world)
    r = C.index("RUS")
    assert np.isinf(both.tau_hat[r, C.index("CHN")]).all()
    assert both.tau_hat[C.index("USA"), C.index("CHN"), 0] == hat[C.index("USA"), C.index("CHN"), 0]
    bad = hat.copy()
    bad[0, 0, 0] = 2.0
    with pytest.raises(ScenarioError, match="domestic trade costs cannot change"):
        TradeCostCube(C, C, S, bad)


def test_bloc_split_between_blocs_only(world):
    sh = Scenario.split([["USA", "DEU"], ["CHN", "RUS"]], cost_hat=1.5).apply(world)
    west, east, out = ix("USA", "DEU"), ix("CHN", "RUS"), ix("KAZ", "ROW")
    assert (sh.tau_hat[np.ix_(west, east)] == 1.5).all()
    assert (sh.tau_hat[np.ix_(east, west)] == 1.5).all()
    assert (sh.tau_hat[np.ix_(west, west)] == 1).all()
    assert (sh.tau_hat[np.ix_(out, west + east)] == 1).all()
    with pytest.raises(ScenarioError, match="in both"):
        Scenario.split([["USA", "RUS"], ["RUS"]]).apply(world)


def test_composition_later_wins_and_conflict_explained(world):
    scn = Scenario.tariff(["RUS"], ["BLR"], 0.3) + Scenario.bloc(["UNION-STATE"])
    sh = scn.apply(world)
    assert (sh.tariffs[C.index("RUS"), C.index("BLR")] == 0).all()
    assert "conflict" in sh.description and "the later component wins" in sh.description
    assert any(n.startswith("conflict") for n in sh.notes)
    rev = Scenario.bloc(["UNION-STATE"]) + Scenario.tariff(["RUS"], ["BLR"], 0.3)
    assert (rev.apply(world).tariffs[C.index("RUS"), C.index("BLR")] == 0.3).all()
    # additive components compose without a conflict
    add = Scenario.bloc(["RUS", "BLR"]) + Scenario.tariff("all", "all", 0.1, mode="add")
    sh3 = add.apply(world)
    assert (sh3.tariffs[C.index("RUS"), C.index("BLR")] == pytest.approx(0.1))
    assert not any(n.startswith("conflict") for n in sh3.notes)
    # embargo after a free-trade area: no tau conflict (the FTA sets tariffs only)
    emb = (Scenario.bloc(["RUS", "BLR"]) + Scenario.sanction(["BLR"], "RUS")).apply(world)
    assert np.isinf(emb.tau_hat[C.index("BLR"), C.index("RUS")]).all()


def test_composition_keeps_order_and_info():
    a = Scenario.autarky(["RUS"]).with_info(name="a", assumptions=("x",))
    b = Scenario.bloc(["EAEU"]).with_info(name="b", assumptions=("x", "y"))
    c = a + b
    assert [k.kind for k in c.components] == ["autarky", "free-trade-area"]
    assert c.name == "a + b" and c.assumptions == ("x", "y")
    assert Scenario.status_quo() + b == b or (Scenario.status_quo() + b).components == (
        b.components)


def test_groups_fold_into_row_warn_and_note(world):
    with pytest.warns(ScenarioWarning, match="ARM"):
        sh = Scenario.bloc(["EAEU"]).apply(world)
    assert any("ARM (Armenia)" in n and "KGZ" in n and "ROW" in n for n in sh.notes)
    m = ix("RUS", "BLR", "KAZ")
    assert (sh.tariffs[np.ix_(m, m)] == 0).all()
    assert sh.tariffs[C.index("ROW"), C.index("RUS"), 0] == world.arrays()["tariffs"][
        C.index("ROW"), C.index("RUS"), 0]


def test_real_data_folding_icio_and_wiod():
    icio = ak.load_world("icio2023", year=2022)
    with pytest.warns(ScenarioWarning) as rec:
        sh = ak.presets.get("cis-fta").apply(icio)
    msg = " ".join(str(r.message) for r in rec)
    for code in ("ARM", "KGZ", "MDA", "TJK", "UZB"):
        assert code in msg and any(code in n for n in sh.notes)
    for code in ("RUS", "BLR", "KAZ", "UKR"):
        assert code not in sh.notes[0].split("economy")[0].split(":")[1]


def test_unknown_sector_and_country(world):
    with pytest.raises(ScenarioError, match="unknown sector 'XYZ'"):
        Scenario.autarky("all", sectors=["XYZ"]).apply(world)
    with pytest.raises(ScenarioError, match="'XXQ': unknown country or group"):
        Scenario.autarky(["XXQ"])
    with pytest.raises(ScenarioError, match="out of range"):
        Scenario.tariff("all", "all", 11.0)
    with pytest.raises(ScenarioError, match="hat"):
        Scenario.trade_cost(0.0)


def test_groups_from_country_converter_and_package():
    from autarky.data.scenario_data import country_groups, group_members

    assert len(group_members("EU27")) == 27
    assert "KGZ" in group_members("CIS")  # package list, not country_converter's
    assert set(group_members("EAEU")) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert "DEU" in group_members("BLOC-WEST") and "UKR" not in group_members("BLOC-WEST")
    assert group_members("nope") is None
    tab = country_groups()
    assert tab["source"].str.len().min() > 10
    assert {"OECD", "G7", "G20", "BRICS", "CIS", "EAEU"} <= set(tab.index)
    west, east, swing = (set(group_members(g)) for g in ("BLOC-WEST", "BLOC-EAST", "SWING"))
    assert not (west & east) and not (swing & (west | east))


# ------------------------------------------------------------------ TOML

def test_toml_round_trip_examples(tmp_path):
    scn = (Scenario.customs_union("EAEU", 0.05, internal_cost_hat=0.9)
           + Scenario.sanction(["EU27", "USA"], "RUS", sectors=["goods"], tariff=0.35)
           + Scenario.autarky("all", sectors=["tourism"])
           + Scenario.tariff_schedule("USA", {"CHN": 0.34, "VNM": 0.46})
           + Scenario.trade_cost(float("inf"), ["RUS"], ["UKR"])
           + Scenario.split([["BLOC-WEST"], ["BLOC-EAST"]], 1.3, names=["W", "E"]))
    scn = scn.with_info(name="mix", description="d", assumptions=("a1",), sources=("s1",))
    text = scn.to_toml()
    assert Scenario.from_toml(text=text) == scn
    p = tmp_path / "s.toml"
    p.write_text(text)
    assert Scenario.from_toml(p) == scn


def test_every_preset_round_trips():
    for name in ak.presets.names():
        scn = ak.presets.get(name.replace("ISO", "RUS"))
        assert Scenario.from_toml(text=scn.to_toml()) == scn, name


codes = st.sampled_from(["RUS", "BLR", "KAZ", "USA", "CHN", "DEU", "ROW", "EAEU", "EU27"])
code_lists = st.lists(codes, min_size=1, max_size=4, unique=True).map(tuple)
bloc_lists = st.lists(codes, min_size=2, max_size=4, unique=True).map(tuple)  # 2+ members
# a sanction's imposers and target never overlap (a country cannot sanction itself)
imposer_lists = st.lists(st.sampled_from(["USA", "CHN", "DEU", "EU27", "ROW"]), min_size=1,
                         max_size=3, unique=True).map(tuple)
target_lists = st.lists(st.sampled_from(["RUS", "BLR", "KAZ", "EAEU"]), min_size=1,
                        max_size=3, unique=True).map(tuple)
sector_specs = st.one_of(st.none(), st.lists(st.sampled_from(["AGR", "MAN", "goods",
                                                              "services"]),
                                             min_size=1, max_size=2, unique=True).map(tuple))
rates = st.floats(0, 10, allow_nan=False)
hats = st.one_of(st.floats(0.01, 100, allow_nan=False), st.just(float("inf")))

components = st.one_of(
    st.builds(Autarky, code_lists, sector_specs),
    st.builds(FreeTradeArea, bloc_lists, sector_specs, st.floats(0.1, 2)),
    st.builds(CustomsUnion, bloc_lists, sector_specs, st.floats(0.1, 2), st.just(""),
              st.one_of(st.none(), rates), hats),
    st.builds(Sanction, imposer_lists, target_lists, sector_specs, st.one_of(st.none(), rates),
              st.sampled_from(["both", "imports", "exports"])),
    st.builds(TariffChange, code_lists, code_lists, rates, sector_specs,
              st.just("set")),
    st.builds(TradeCostChange, hats, code_lists, code_lists, sector_specs, st.booleans()),
    st.builds(TradeCostCells, st.lists(st.tuples(st.sampled_from(["RUS", "USA"]),
                                                 st.sampled_from(["CHN", "DEU"]),
                                                 st.sampled_from(["*", "MAN"]), hats),
                                       min_size=1, max_size=3).map(tuple)),
    st.builds(TariffSchedule, st.just("USA"),
              st.dictionaries(st.sampled_from(["CHN", "DEU", "ARM"]), rates, min_size=1)
              .map(lambda d: tuple(d.items())), sector_specs),
    st.builds(BlocSplit, st.just((("USA",), ("CHN",))), hats),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(components, min_size=0, max_size=4),
       st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20))
def test_toml_round_trip_property(comps, name):
    scn = Scenario(tuple(comps), name=name)
    assert Scenario.from_toml(text=scn.to_toml()) == scn


def test_applied_shock_is_valid_property(world):
    @settings(max_examples=40, deadline=None)
    @given(st.lists(components, min_size=1, max_size=4))
    def check(comps):
        try:
            sh = quiet(Scenario(tuple(comps)), world)
        except ScenarioError as err:  # a country in two blocs is the only expected refusal
            assert "in both" in str(err)
            return
        assert sh.tariffs.shape == (len(C), len(C), len(S))
        assert np.isfinite(np.einsum("nnj->nj", sh.tau_hat)).all()
        assert (np.einsum("nnj->nj", sh.tau_hat) == 1).all()

    check()


BROKEN = """
name = "broken"
colour = "blue"

[[shock]]
kind = "tariff"
importers = ["USA"]
exporters = ["XXQ"]
rate = 0.1

[[shock]]
kind = "tariff"
importers = ["USA"]
exporters = ["CHN"]
rate = 1.5e3

[[shock]]
kind = "sanction"
imposers = ["EU27"]
target = "RUS"
tarif = 0.3

[[shock]]
kind = "embargo"
"""


def test_broken_toml_one_line_per_problem(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text(BROKEN)
    with pytest.raises(ScenarioError) as ei:
        Scenario.from_toml(p)
    lines = str(ei.value).splitlines()
    assert len(lines) == 5, lines
    assert all(line.startswith(str(p)) for line in lines)
    text = str(ei.value)
    assert "unknown key 'colour' = 'blue'" in text
    assert "shock[0] (tariff): exporters = 'XXQ': unknown country or group" in text
    assert "shock[1] (tariff): rate = 1500.0: out of range [0, 10]" in text
    assert "shock[2] (sanction): unknown key 'tarif' = 0.3" in text
    assert "shock[3]: kind = 'embargo': unknown" in text


def test_toml_syntax_error_and_missing_key(tmp_path):
    with pytest.raises(ScenarioError, match="not valid TOML"):
        Scenario.from_toml(text="[[shock]\n")
    with pytest.raises(ScenarioError, match="missing key 'rate'"):
        Scenario.from_toml(text='[[shock]]\nkind = "tariff"\nimporters = ["USA"]\n')
    with pytest.raises(ak.DataError, match="no such file"):
        Scenario.from_toml(tmp_path / "missing.toml")


def test_solve_settings_round_trip_and_validation():
    scn = ak.presets.get("world-autarky")
    assert dict(scn.settings) == {"deficits": "zero", "unavailable": "floor"}
    assert Scenario.from_toml(text=scn.to_toml()).settings == scn.settings
    assert "[solve]" in scn.to_toml()
    opts = scn.solve_options(deficits="proportional")
    assert opts.deficits == "proportional" and opts.unavailable == "floor"
    combined = Scenario.autarky(["RUS"]) + Scenario.bloc(["EAEU"])
    assert dict(combined.settings)["deficits"] == "zero"
    with pytest.raises(ScenarioError, match=r"solve.deficits = 'none': expected one of"):
        Scenario.from_toml(text='[solve]\ndeficits = "none"\n')
    with pytest.raises(ScenarioError, match=r"solve.tol = 0.1: unknown setting"):
        Scenario.from_toml(text='[solve]\ntol = 0.1\n')


def test_example_files_load_and_apply():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
    files = sorted(folder.glob("*.toml"))
    assert files
    w = ak.load_world("icio2023", year=2022)
    for f in files:
        scn = Scenario.from_toml(f)
        assert scn.name == f.stem
        quiet(scn, w)


def test_shock_keeps_its_own_arrays_without_copying_frozen_ones(world):
    """Issue 31 item 5: a Shock copies arrays it could share with their owner, and keeps
    without a copy the read-only arrays that own their data (an applied scenario's,
    another Shock's); the checks are the same."""
    n, j = world.shape
    t = np.zeros((n, n, j))
    d = np.ones((n, n, j))
    sh = ak.Shock(t, d)
    t[0, 1, 0] = 0.5
    assert sh.tariffs[0, 1, 0] == 0.0 and not sh.tariffs.flags.writeable
    applied = ak.presets.get("world-autarky").apply(world)
    again = ak.Shock(applied.tariffs, applied.tau_hat)
    assert again.tariffs is applied.tariffs and again.tau_hat is applied.tau_hat
    view = applied.tau_hat[:1]  # read-only, not owning its data: copied
    assert ak.Shock(applied.tariffs[:1, :1], view[:, :1]).tau_hat is not view
    for bad_t, bad_d, msg in ((np.inf, 1.0, "finite fractions"), (-0.1, 1.0, "finite"),
                              (np.nan, 1.0, "finite"), (0.0, np.nan, "must be > 0"),
                              (0.0, 0.0, "must be > 0"), (0.0, -1.0, "must be > 0")):
        tt, dd = np.zeros((n, n, j)), np.ones((n, n, j))
        tt[0, 1, 0], dd[0, 1, 0] = bad_t, bad_d
        with pytest.raises(ak.ScenarioError, match=msg):
            ak.Shock(tt, dd)
