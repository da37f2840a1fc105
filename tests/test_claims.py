"""autarky claims: each number equals the one the presets, run and linkages functions give."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky import run
from autarky.claims import (
    COLUMNS,
    SHORTAGE_LOSS,
    SHORTAGE_SHOCKS,
    Claim,
    Context,
    _productivity_shocks,
    compute,
    frame,
)
from autarky.data.income import INCOME_GROUPS, income_groups
from autarky.errors import ScenarioError
from autarky.report import claims_section
from tests.helpers import cli


def _quiet_solve(world: ak.World, scn: ak.Scenario, **kw: object) -> ak.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ak.solve(world, scn, **kw)


def _load(name: str, year: int | None = None) -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ak.load_world(name, year=year)


@pytest.fixture(scope="module")
def items() -> dict[int, Claim]:
    return {c.id: c for c in compute()}


# ------------------------------------------------------------------------ fast
def test_outside_model_row_and_columns() -> None:
    df = ak.claims(ids=[9])
    assert list(df.columns) == list(COLUMNS)
    assert df.loc[0, "id"] == 9 and np.isnan(df.loc[0, "band_low"])
    assert "inventive" in df.loc[0, "result"]


def test_unknown_claim_refused() -> None:
    # a user error (exit 2 on the command line), not an internal one
    with pytest.raises(ScenarioError, match="--only 11: no such claim"):
        compute(ids=[11])


def test_income_groups_shipped() -> None:
    g = income_groups()
    assert set(g.unique()) == set(INCOME_GROUPS)
    assert g["USA"] == "High income" and g["IND"] == "Lower middle income"
    assert "source" in ak.data.manifest()["income_groups"]


def test_report_section_escapes_text() -> None:
    df = frame([Claim(1, "<script>alert(1)</script>", "a & b", "r", -1.0, 2.0, "x", "y"),
                Claim(2, "c", "d", "e", float("nan"), float("nan"), "f", "g")])
    html = claims_section(df)
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
    assert "no number computed" in html and "-1 to 2" in html


def test_productivity_shock_scales_every_unit_cost() -> None:
    # a cost rise z of every producer in every sector, home included, raises every price
    # by z at unchanged wages (world GDP is the numeraire): real income falls to 1/z
    # (without IO links; with them the fall compounds through intermediate inputs)
    w = _load("wiod2013", 2011).without_io()
    aut = ak.presets.get("world-autarky")
    opts = run.options(aut)
    z = 1.1
    N, J = w.shape
    base = ak.presets.get("status-quo").apply(w)
    (shock,) = _productivity_shocks(w, base, np.full((1, N, J), z))
    res = _quiet_solve(w, shock, options=opts)
    np.testing.assert_allclose(res.welfare.to_numpy(), 100 * (1 / z - 1), atol=1e-6)


def test_cli_claims_one_block_and_bad_option() -> None:
    p = cli("claims", "--only", "9")
    assert p.returncode == 0, p.stderr
    assert "9. Claims outside a static trade model" in p.stdout
    assert "limits:" in p.stdout and "band: no number computed" in p.stdout
    p = cli("claims", "--only", "9", "--report")
    assert p.returncode == 2 and "--report" in p.stderr


# ------------------------------------------------------------------------ slow
@pytest.mark.slow
def test_cli_claims_out_and_report(tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "c"
    p = cli("claims", "--only", "7", "--only", "9", "--out", str(out), "--report")
    assert p.returncode == 0, p.stderr
    df = pd.read_csv(out / "claims.csv")
    assert df["id"].tolist() == [7, 9]
    assert "The texts' claims, computed" in (out / "claims.html").read_text()
    assert (out / "claim7_no_tourism.csv").exists()


@pytest.mark.slow
def test_all_ten_blocks(items: dict[int, Claim]) -> None:
    df = frame(list(items.values()))
    assert df["id"].tolist() == list(range(1, 11))
    computed = df["id"] != 9  # claim 9 lists what the model cannot test
    assert df.loc[computed, ["band_low", "band_high"]].notna().all().all()
    assert (df.loc[computed, "band_low"] <= df.loc[computed, "band_high"]).all()
    assert not df[["claim", "computation", "result", "assumptions", "limits"]].eq("").any().any()


@pytest.mark.slow
def test_claim10_equals_the_nash_functions(items: dict[int, Claim]) -> None:
    from autarky.nash import optimal_tariff, without_io

    c = items[10]
    w = without_io(_load("wiod2016", 2014))
    war = ak.nash(w, 4.0)
    t = c.tables["nash"].set_index("country")
    np.testing.assert_allclose(t["welfare_pct"], war.welfare.reindex(t.index))
    one = c.tables["optimal_tariff"].set_index("country")
    usa = optimal_tariff(w, "USA", elasticities=4.0)
    assert one.loc["USA", "tariff"] == pytest.approx(usa.tariffs["USA"])
    assert one.loc["USA", "welfare"] == pytest.approx(usa.welfare["USA"])
    src = c.tables["nash_by_source"]
    assert len(src) == 8 and c.band_low == pytest.approx(src["world_welfare"].min())
    assert "44 of 44 lose" in c.result


@pytest.mark.slow
def test_claim1_equals_world_autarky_solves(items: dict[int, Claim]) -> None:
    c = items[1]
    t = c.tables["world_autarky"]
    scn = ak.presets.get("world-autarky")
    for name, year in (("icio2023", 2022), ("wiod2013", 1995), ("world194", 2019)):
        w = _load(name, year)
        want = _quiet_solve(w, scn).welfare
        got = t[(t["dataset"] == name) & (t["year"] == year)].set_index("country")["welfare"]
        pd.testing.assert_series_equal(got, want.rename("welfare"), check_names=False,
                                       check_index_type=False)
    assert (t["welfare"] < 0).all() and "0 of" in c.result
    # the band: world welfare across the catalog (one batched sweep) and without IO links
    w = _load("icio2023")
    sw = ak.sweep(w, scn, draws=None)
    inc = run.income(w).to_numpy()
    by_source = sw.welfare.to_numpy() @ (inc / inc.sum())
    noio = _quiet_solve(w.without_io(), scn)
    noio_world = run.aggregates(w.without_io(), scn, noio).loc["world", "welfare"]
    assert c.band_low == pytest.approx(min(by_source.min(), noio_world))
    assert c.band_high == pytest.approx(max(by_source.max(), noio_world,
                                            run.aggregates(w, scn, _quiet_solve(w, scn))
                                            .loc["world", "welfare"]))


@pytest.mark.slow
def test_claim2_groups_and_correlation(items: dict[int, Claim]) -> None:
    t = items[2].tables["income_gains"]
    c1 = items[1].tables["world_autarky"]
    m = t.merge(c1, on=["dataset", "year", "country"])
    np.testing.assert_allclose(m["gain_from_trade"], -m["welfare"])
    assert "ROW" not in set(t["country"])
    corr = items[2].tables["income_correlation"]
    sub = t[(t["dataset"] == "icio2023") & (t["year"] == 2022)]
    rank = sub["income_group"].map({g: k for k, g in enumerate(INCOME_GROUPS)})
    rho = rank.corr(sub["gain_from_trade"], method="spearman")
    got = corr[(corr["dataset"] == "icio2023") & (corr["year"] == 2022)]["spearman"].item()
    assert got == pytest.approx(rho)
    assert items[2].band_low == pytest.approx(corr["spearman"].min())


@pytest.mark.slow
def test_claim3_shortage_equals_linkages(items: dict[int, Claim]) -> None:
    t = items[3].tables["shortage"]
    w = _load("wiod2013")
    c, s = SHORTAGE_SHOCKS[0]
    sh = ak.linkages.shortage(w, c, s, SHORTAGE_LOSS)
    row = t[(t["country"] == c) & (t["sector"] == s)].iloc[0]
    for regime, v in sh.met.items():
        assert row[f"world_met_{regime}"] == pytest.approx(100 * v)
    v = items[3].tables["cklt_variance"]
    assert (v["sd_open"] > 0).all() and (v["sd_autarky"] > 0).all()
    assert items[3].band_low <= v["variance_ratio"].median() <= items[3].band_high


@pytest.mark.slow
def test_claim4_dependency_equals_linkages(items: dict[int, Claim]) -> None:
    w = _load("icio2023")
    m = ak.linkages.leontief(w)
    dep = ak.linkages.dependency(m)
    by_c = items[4].tables["dependency_by_country"].set_index("country")
    x = m.x.reshape(m.shape)
    want = (dep["total"].to_numpy().reshape(m.shape) * x).sum(axis=1) / x.sum(axis=1)
    np.testing.assert_allclose(by_c["total"].to_numpy(), 100 * want)
    e = ak.linkages.supplier_exposure(m, "RUS").xs("ALL", level="sector")
    ex = items[4].tables["supplier_exposure"]
    top = ex[ex["supplier"] == "RUS"].iloc[0]
    assert top["value_added_pct"] == pytest.approx(100 * e["value_added"].max())
    # preset dependence from the solved trade flows of the two-blocs preset
    res = _quiet_solve(w, ak.presets.get("two-blocs"))
    tr = res.trade.groupby(level=["importer", "exporter"])[["before", "after"]].sum()
    b = items[4].tables["bloc_dependence"]
    row = b[(b["preset"] == "two-blocs") & (b["country"] == "DEU")].iloc[0]
    deu = tr.xs("DEU", level="importer")
    imports = deu["after"].drop("DEU").sum()
    assert row["leader_after"] == pytest.approx(100 * deu.loc["USA", "after"] / imports)
    assert row["welfare"] == pytest.approx(res.welfare["DEU"])


@pytest.mark.slow
def test_claim5_equals_run_bloc_choice(items: dict[int, Claim]) -> None:
    w = _load("world194")
    want = run.bloc_choice(w)
    got = items[5].tables["bloc_choice"].set_index(["state", "option"])
    pd.testing.assert_frame_equal(got, want, check_like=True)


@pytest.mark.slow
def test_claim6_7_8_equal_preset_solves(items: dict[int, Claim]) -> None:
    w194 = _load("icio194")  # the preset's default world
    res = _quiet_solve(w194, ak.presets.get("eurasian-macro-state"))
    mem = items[6].tables["eurasian_members"].set_index("country")
    np.testing.assert_allclose(mem["welfare"], res.welfare.reindex(mem.index))
    assert items[6].band_low == pytest.approx(mem["welfare"].min())
    w = _load("icio2023")
    scn = ak.presets.get("no-tourism")
    res7 = _quiet_solve(w, scn)
    t7 = items[7].tables["no_tourism"].set_index("country")
    np.testing.assert_allclose(t7["welfare"], res7.welfare)
    world7 = run.aggregates(w, scn, res7).loc["world", "welfare"]
    assert f"world welfare {world7:+.2f}%" in items[7].result
    t8 = items[8].tables["essentials"].set_index("country")
    home = w.produces_at_home()
    for c, listed in t8["cannot_produce"].items():
        for s in str(listed).split():
            assert not bool(home.sel(country=c, sector=s))
    assert not t8["welfare"].gt(0).all()


@pytest.mark.slow
def test_context_caches_solves() -> None:
    ctx = Context()
    w = ctx.world("wiod2016")
    assert ctx.world("wiod2016") is w
    a = ctx.solve(w, "world-autarky")
    assert ctx.solve(w, "world-autarky") is a


def test_world_without_the_sector_class_says_so() -> None:
    df = ak.claims(world="world194", ids=[7, 8])
    assert df["band_low"].isna().all()
    assert df["result"].str.contains("declares no sector class").all()


def test_claims_report_chart_and_csv_from_the_claims_tables() -> None:
    from autarky.report.claims import chart_data, claim_csv_text, claims_report

    src = pd.DataFrame({"source": ["a", "b<script>"], "world_welfare": [-1.5, -0.25]})
    c7 = Claim(7, "<b>tourism</b>", "x", "r", -1.5, -0.25, "y", "z",
               {"no_tourism_sources": src})
    c9 = Claim(9, "outside", "nothing", "r", float("nan"), float("nan"), "y", "z")
    data = chart_data(c7)
    assert data is not None and data["value"].tolist() == [-1.5, -0.25]
    assert chart_data(c9) is None and claim_csv_text(c9) == ""
    text = claim_csv_text(c7, "icio2023")
    assert text.startswith("# Claim 7: <b>tourism</b>\n# claim 7; world: icio2023 ")
    assert "# band (lowest to highest value): -1.5 to -0.25 (%)" in text
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert back["value"].tolist() == [-1.5, -0.25] and set(back["unit"]) == {"%"}
    page = claims_report([c7, c9], "icio2023", ["a repair"])
    assert "name='viewport'" in page and "id=\"claim-9\"" in page
    assert "<b>tourism</b>" not in page.split("<body>")[1].split("fig-claim7")[0]
    assert "fig-claim7" in page and "fig-claim9" not in page and "a repair" in page
    assert "http://" not in page.split("</head>")[1] and "https://" not in page.split(
        "</head>")[1]
