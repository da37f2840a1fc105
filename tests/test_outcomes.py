"""What a run reports beyond welfare: real GDP, trade tables, diversion, blocs, exports."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky import outcomes
from autarky.data.exports import write_csvs, write_excel


@cache
def two_blocs() -> tuple[ak.World, ak.Scenario, ak.Result]:
    w = ak.load_world("icio2023", year=2022)
    s = ak.presets.get("two-blocs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return w, s, ak.solve(w, s)


def test_welfare_reconciles_with_real_gdp_terms():
    _, _, r = two_blocs()
    rec = outcomes.reconciliation(r)
    np.testing.assert_allclose(rec["sum_pp"], r.welfare.to_numpy(), atol=1e-9)
    # a bloc split raises prices in the East bloc: real GDP falls in China and Russia
    assert rec.loc["CHN", "real_gdp_pct"] < -0.3 and rec.loc["RUS", "real_gdp_pct"] < -0.3
    # real GDP and welfare differ by the deficit transfer (and revenue): with input-output
    # links (icio2023 since round 2) by at most a few points in a bloc split
    assert (rec["real_gdp_pct"] - rec["welfare_pct"]).abs().max() < 3.0


def test_real_gdp_equals_welfare_without_tariffs_and_deficits():
    """No tariffs and no deficit: GDP = income, so real GDP = welfare = real wage."""
    rng = np.random.default_rng(3)
    flows = rng.uniform(1, 10, (5, 5, 3)) + np.eye(5)[:, :, None] * 60
    g = rng.uniform(0, 1, (5, 3, 3))
    g = g / g.sum(axis=1, keepdims=True) * 0.4
    codes = ["USA", "CHN", "DEU", "JPN", "BRA"]
    w = ak.World.from_arrays(flows, codes, ["S0", "S1", "S2"], io=g)
    hat = np.ones((5, 5, 3))
    hat[0, 1:] = hat[1:, 0] = 1.4
    scn = ak.Scenario.trade_cost(hat, countries=codes, sector_codes=["S0", "S1", "S2"])
    r = ak.solve(w, scn, elasticities=5.0, options=ak.SolveOptions(deficits="zero"))
    h = outcomes.headline(r)
    np.testing.assert_allclose(h["real_gdp_pct"], h["welfare_pct"], atol=1e-8)
    np.testing.assert_allclose(h["real_wage_pct"], h["welfare_pct"], atol=1e-8)
    assert h.loc["USA", "welfare_pct"] < -0.1


def test_trade_tables_add_up():
    w, s, r = two_blocs()
    f0 = w.arrays()["flows"]
    intl = f0.sum() - np.einsum("nnj->", f0)
    t = outcomes.trade_by_country(r)
    assert t["exports_before"].sum() == pytest.approx(intl, rel=1e-9)
    assert t["exports_after"].sum() == pytest.approx(t["imports_after"].sum(), rel=1e-9)
    assert outcomes.trade_by_sector(r)["trade_before"].sum() == pytest.approx(intl, rel=1e-9)
    tb = outcomes.trade_between(r, s.blocs(w))
    assert tb["before"].sum() == pytest.approx(intl, rel=1e-9)
    assert tb["after"].sum() == pytest.approx(t["exports_after"].sum(), rel=1e-9)
    bp = outcomes.trade_by_partner(r)
    assert len(bp) == 81 * 80 and bp["before"].sum() == pytest.approx(intl, rel=1e-9)
    rus = outcomes.trade_by_partner(r, "RUS")
    assert len(rus) == 160
    to_chn = rus[(rus["exporter"] == "RUS") & (rus["importer"] == "CHN")]
    assert float(to_chn["change_pct"].iloc[0]) > 0  # same bloc: Russia sells China more
    assert float(rus["after"][rus["exporter"] == "RUS"].sum()) == pytest.approx(
        t.loc["RUS", "exports_after"], rel=1e-12)
    west, east = list(s.blocs(w))
    assert tb.loc[(west, east), "change_pct"] < -30  # a 25% cost rise cuts bloc-to-bloc trade
    assert tb.loc[(west, west), "change"] > 0  # and diverts it inside the blocs


def test_diversion_lists_gains_that_replace_lost_flows():
    _, _, r = two_blocs()
    d = outcomes.diversion(r, top=15)
    assert len(d) == 15 and (d["change"] > 0).all() and d["change"].is_monotonic_decreasing
    assert (d["importer"] != d["exporter"]).all()
    usa = d[d["importer"] == "USA"]
    assert len(usa) and (usa["importer_lost"] > 1e5).all()  # US imports from China fall
    np.testing.assert_allclose(d["after"] - d["before"], d["change"], rtol=1e-12)


def test_sector_reallocation_and_blocs():
    w, s, r = two_blocs()
    sec = outcomes.sector_reallocation(r)
    shares = sec["share_after"].groupby(level="country").sum()
    np.testing.assert_allclose(shares, 1.0, atol=1e-12)
    b = outcomes.bloc_aggregates(r, s.blocs(w))
    inc = r.income["before"]
    assert b.loc["world", "welfare_pct"] == pytest.approx(
        float((r.welfare * inc).sum() / inc.sum()), abs=1e-12)
    assert b.loc["world", "members"] == len(w.countries)


def test_exports_csv_and_excel_equal_the_parquet(tmp_path):
    w, s, r = two_blocs()
    tabs = outcomes.tables(r, s.blocs(w))
    r.to_frame().to_parquet(tmp_path / "results.parquet", index=False)
    paths = write_csvs(tmp_path, tabs)
    assert set(paths) == {f"{k}.csv" for k in tabs}
    xlsx = write_excel(tmp_path / "all.xlsx", tabs, {"dataset": "icio2023", "note": "x"})
    pq = pd.read_parquet(tmp_path / "results.parquet")
    csv = pd.read_csv(tmp_path / "results.csv", float_precision="round_trip")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert list(sheets)[0] == "assumptions" and set(tabs) <= set(sheets)
    for other in (csv, sheets["results"]):
        pd.testing.assert_frame_equal(other[pq.columns], pq, check_exact=False, rtol=1e-15)
    head = pd.read_csv(tmp_path / "headline.csv", float_precision="round_trip").set_index("country")
    pw = pq[pq["variable"] == "welfare"].set_index("country")["value"]
    np.testing.assert_array_equal(head.loc[pw.index, "welfare_pct"].to_numpy(), pw.to_numpy())


def test_excel_refuses_bad_path_and_leaves_nothing(tmp_path):
    with pytest.raises(ak.DataError, match=r"\.xlsx"):
        write_excel(tmp_path / "x.csv", {"a": pd.DataFrame({"v": [1.0]})})
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ak.DataError, match="cannot write"):
        write_excel(blocker / "sub" / "x.xlsx", {"a": pd.DataFrame({"v": [1.0]})})

    class Boom(pd.DataFrame):
        def to_excel(self, *a, **k):  # noqa: ANN002, ANN003
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_excel(tmp_path / "y.xlsx", {"a": pd.DataFrame({"v": [1.0]}), "b": Boom({"v": [1]})})
    assert list(tmp_path.iterdir()) == [blocker]  # no half-written workbook, no temp file
