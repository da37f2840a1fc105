"""The in-sample border regression: geography, dated membership, the estimate, its json, CLI."""

from __future__ import annotations

import collections
import itertools
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.data.geography import contiguity, country_geography, pair_geography
from autarky.data.gravity_eurasia import gravity_eurasia
from autarky.errors import DataError, RepairWarning
from autarky.gravity.border import USSR12, member_matrix

from .helpers import run_cli as _run
from .helpers import shared_path

warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyfixest")
TERMS = ["ln_DIST", "CNTG", "INTL_BRDR", "BRDR_USSR", "EAEU", "CIS_FTA", "EU"]


def _quiet(fn, *a, **k):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        return fn(*a, **k)


# ------------------------------------------------------------------ geography
def test_centroids_areas_and_internal_distance() -> None:
    g = country_geography(["DEU", "FRA", "USA", "LUX", "RUS"])
    # Germany's geographic centre is near Niederdorla (51.16 N, 10.45 E)
    assert abs(g.loc["DEU", "lat"] - 51.16) < 0.3 and abs(g.loc["DEU", "lon"] - 10.45) < 0.3
    # mainland rule: French Guiana and Reunion do not pull France's centroid off France
    assert 45 < g.loc["FRA", "lat"] < 48 and 0 < g.loc["FRA", "lon"] < 5
    assert 36 < g.loc["USA", "lat"] < 42 and -102 < g.loc["USA", "lon"] < -95
    # areas within 3% of the official figures (Luxembourg 2,586 km2, Russia 17.1 million)
    assert g.loc["LUX", "area_km2"] == pytest.approx(2586, rel=0.03)
    assert g.loc["RUS", "area_km2"] == pytest.approx(17.1e6, rel=0.03)
    assert g.loc["RUS", "internal_km"] == pytest.approx(
        0.67 * np.sqrt(g.loc["RUS", "area_km2"] / np.pi))
    with pytest.raises(DataError, match="ROW"):
        country_geography(["DEU", "ROW"])


def test_pair_distances_are_great_circle() -> None:
    p = pair_geography(["DEU", "FRA", "BLR"]).set_index(["exporter", "importer"])
    g = country_geography(["DEU", "FRA"])
    lat, lon = np.radians(g["lat"].to_numpy()), np.radians(g["lon"].to_numpy())
    cos = (np.sin(lat[0]) * np.sin(lat[1])
           + np.cos(lat[0]) * np.cos(lat[1]) * np.cos(lon[0] - lon[1]))
    assert p.loc[("DEU", "FRA"), "dist_km"] == pytest.approx(6371.0088 * np.arccos(cos))
    assert p.loc[("DEU", "FRA"), "dist_km"] == p.loc[("FRA", "DEU"), "dist_km"]
    assert p.loc[("DEU", "DEU"), "dist_km"] == pytest.approx(
        country_geography(["DEU"]).loc["DEU", "internal_km"])
    assert p.loc[("DEU", "FRA"), "contig"] == 1 and p.loc[("DEU", "BLR"), "contig"] == 0
    assert p.loc[("DEU", "DEU"), "contig"] == 0


def test_contiguity_equals_shared_arcs_of_the_natural_earth_topology() -> None:
    """Every pair of economies whose TopoJSON geometries use a common arc, and no other,
    except San Marino (an enclave whose hole in Italy the map conversion drops)."""
    topo = json.loads(shared_path("naturalearth", "world_50m.json").read_text())
    users: dict[int, set[str]] = collections.defaultdict(set)

    def walk(x, iso):  # type: ignore[no-untyped-def]
        if isinstance(x, int):
            users[x if x >= 0 else ~x].add(iso)
        else:
            for y in x:
                walk(y, iso)

    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("id") and geom["id"] not in ("ATA", "VAT"):
            walk(geom["arcs"], geom["id"])
    arcs = {p for s in users.values() for p in itertools.combinations(sorted(s), 2)}
    assert set(contiguity()) == arcs - {("ITA", "SMR")}
    assert {("BLR", "RUS"), ("KAZ", "RUS"), ("RUS", "UKR"), ("LTU", "RUS")} <= contiguity()


# ------------------------------------------------------------------ membership
@pytest.mark.parametrize(("group", "a", "b", "before", "after"), [
    ("EU", "HRV", "DEU", 2012, 2013),              # accession 1 July 2013
    ("EAEU", "ARM", "RUS", 2014, 2015),            # 2 January 2015
    ("EAEU", "KGZ", "KAZ", 2015, 2016),            # 12 August 2015: under half of 2015
    ("CIS_FTA", "BLR", "RUS", 2012, 2013),         # 20 September 2012
])
def test_membership_starts(group: str, a: str, b: str, before: int, after: int) -> None:
    assert member_matrix(group, [a, b], before)[0, 1] == 0
    assert member_matrix(group, [a, b], after)[0, 1] == member_matrix(
        group, [a, b], after)[1, 0] == 1


def test_membership_ends_and_ussr() -> None:
    assert member_matrix("EU", ["GBR", "FRA"], 2020)[0, 1] == 1     # transition period
    assert member_matrix("EU", ["GBR", "FRA"], 2021)[0, 1] == 0
    c = ["RUS", "UKR", "BLR"]
    assert member_matrix("CIS_FTA", c, 2015)[0, 1] == 1
    m = member_matrix("CIS_FTA", c, 2016)                            # Decree No. 628
    assert m[0, 1] == m[1, 0] == 0 and m[1, 2] == 1 and m[0, 2] == 1
    u = member_matrix("USSR", ["RUS", "EST", "GEO", "DEU"], 2020)
    assert u[0, 2] == 1 and u[0, 1] == 0 and u[0, 3] == 0 and np.trace(u) == 0
    assert len(USSR12) == 12 and "EST" not in USSR12
    with pytest.raises(DataError, match="unknown group"):
        member_matrix("NATO", c, 2020)


# ------------------------------------------------------------------ conversion
def test_iceberg_hats_goods_only() -> None:
    theta = pd.Series({"A01": 8.0, "C10T12": 4.0, "SERV": 5.0})
    h = ak.gravity.iceberg_hats(0.47, theta, goods=["A01", "C10T12"])
    assert h["A01"] == pytest.approx(np.exp(-0.47 / 8.0))
    assert h["C10T12"] == pytest.approx(np.exp(-0.47 / 4.0))
    assert h["SERV"] == 1.0
    # the hat reproduces the log-trade effect: -theta * ln(tau_hat) = b
    assert (-theta[["A01", "C10T12"]] * np.log(h[["A01", "C10T12"]])).tolist() == \
        pytest.approx([0.47, 0.47])
    with pytest.raises(DataError, match="SERV"):
        ak.gravity.iceberg_hats(0.47, {"A01": 8.0, "SERV": 0.0})
    with pytest.raises(DataError, match="X"):
        ak.gravity.iceberg_hats(0.47, theta, goods=["X"])


# ------------------------------------------------------------------ the panel and estimate
@pytest.fixture(scope="module")
def w2020() -> ak.World:
    return _quiet(ak.load_world, "world194", year=2020)


def test_panel_has_domestic_flows_and_goods(w2020: ak.World) -> None:
    p = ak.gravity.border_panel(w2020)
    # every economy with an outline in the shipped shapes (world194 also has four without)
    n = len(w2020.countries) - len(p.attrs["no_outline"])
    assert p.attrs["no_outline"] == ["GIB", "TUV", "VAT", "XKX"]
    assert len(p) == n * n and "ROW" not in set(p["exporter"])
    row = p[(p.exporter == "RUS") & (p.importer == "BLR")].iloc[0]
    assert row["trade"] == pytest.approx(
        float(w2020.flows.sel(importer="BLR", exporter="RUS").sum()))
    assert row[["INTL_BRDR", "USSR", "BRDR_USSR", "EAEU", "CIS_FTA", "CNTG"]].tolist() == \
        [1, 1, 1, 1, 1, 1]
    dom = p[p.exporter == p.importer]
    assert (dom["INTL_BRDR"] == 0).all() and (dom["BRDR_USSR"] == 0).all()


@pytest.mark.slow
def test_estimate_world194_2020_pinned(w2020: ak.World) -> None:
    """PPML on world194 2020 (one year), clustered by pair: coefficients and SEs pinned.

    world194 as rebuilt in round 3 (210 economies, accounts-based domestic sales, ship
    registries' trade bounded by rule W5; the 206 with an outline in the shipped shapes enter
    the panel)."""
    b = ak.gravity.estimate_border(w2020)
    assert b.estimate.nobs == 206 * 206 and b.years == (2020,)
    pinned = {  # estimate, std_error
        "ln_DIST": (-0.610914, 0.101612), "CNTG": (0.841637, 0.278565),
        "INTL_BRDR": (-3.575319, 0.301324), "BRDR_USSR": (-0.239436, 0.284683),
        "EAEU": (0.646664, 0.566752), "CIS_FTA": (0.686531, 0.352681),
        "EU": (0.604527, 0.119108)}
    for term, (coef, se) in pinned.items():
        assert b.coef[term] == pytest.approx(coef, abs=2e-5), term
        assert b.se[term] == pytest.approx(se, abs=2e-5), term
    d = b.derived()
    assert d.loc["border_ussr_eaeu", "estimate"] == pytest.approx(
        b.coef[["INTL_BRDR", "BRDR_USSR", "CIS_FTA", "EAEU"]].sum())
    # the standard error of a sum uses the clustered covariances, not the SEs alone
    assert d.loc["gap_eu_eaeu", "std_error"] != pytest.approx(
        np.hypot(b.se["EU"], b.se["EAEU"]), rel=1e-6)
    pe = ak.gravity.pair_effects(b.coef, ["RUS", "BLR", "DEU", "FRA"], 2020)
    assert pe.loc["BLR", "RUS"] == pytest.approx(d.loc["border_ussr_eaeu", "estimate"])
    assert pe.loc["FRA", "DEU"] == pytest.approx(d.loc["border_eu", "estimate"])
    assert pe.loc["DEU", "RUS"] == pytest.approx(b.coef["INTL_BRDR"])
    assert pe.loc["RUS", "RUS"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("dataset", ["world194", "icio2023"])
def test_stored_json_equals_a_fresh_estimate(dataset: str) -> None:
    fresh = _quiet(ak.gravity.estimate_border, dataset).to_dict()
    stored = gravity_eurasia()["estimates"][dataset]
    assert stored["years"] == fresh["years"] and stored["nobs"] == fresh["nobs"]
    assert stored["specification"] == fresh["specification"]
    for term in TERMS:
        # clustered standard errors sum many small products and move in the sixth
        # digit between BLAS builds and CPUs; point estimates are held tighter
        for k, rel in (("estimate", 1e-5), ("std_error", 1e-4)):
            assert stored["coefficients"][term][k] == pytest.approx(
                fresh["coefficients"][term][k], rel=rel, abs=1e-8), (term, k)
    for name, v in fresh["derived"].items():
        assert stored["derived"][name]["estimate"] == pytest.approx(v["estimate"], rel=1e-5)


def test_stored_record_keys() -> None:
    rec = gravity_eurasia()
    assert {"world194", "icio2023"} <= set(rec["estimates"])
    e = ak.gravity.stored_border("icio2023")
    assert e["years"] == list(range(2011, 2023)) and set(e["coefficients"]) == set(TERMS)
    assert {"border_average", "border_ussr", "border_ussr_eaeu", "border_eu", "gap_eu_eaeu",
            "gap_eu_eaeu_total", "djankov_freund_2002"} <= set(e["derived"])
    assert rec["membership"]["CIS_FTA"]["pair_end"] == {"RUS-UKR": "2016-01-01"}
    with pytest.raises(DataError, match="wiod2016"):
        ak.gravity.stored_border("wiod2016")


# ------------------------------------------------------------------ CLI
def test_cli_border_stored(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(monkeypatch, capsys, "gravity", "border", "--world", "icio2023",
                        "--stored")
    assert code == 0
    se = ak.gravity.stored_border("icio2023")["coefficients"]["BRDR_USSR"]["std_error"]
    assert "BRDR_USSR" in out and f"{se:.4f}" in out and "border_ussr_eaeu" in out
    assert "clustered by pair" in out


def test_cli_border_errors(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = _run(monkeypatch, capsys, "gravity", "border", "--world", "nope")
    assert code == 2 and "nope" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(monkeypatch, capsys, "gravity", "border", "--years", "20x")
    assert code == 2 and "--years" in err
    code, _, err = _run(monkeypatch, capsys, "gravity", "border", "--years", "1990")
    assert code == 2 and "1990" in err


def test_pair_cost_hats_remove_the_stored_border_among_members() -> None:
    w = _quiet(ak.load_world, "icio2023", year=2022)
    theta = ak.elasticities("icio2023")
    est = ak.gravity.stored_border("icio2023")
    change = -ak.gravity.pair_effects(est["coefficients"], w.countries, 2022)
    members = ["BLR", "KAZ", "RUS", "UKR"]
    hat = ak.gravity.pair_cost_hats(change, w, members, theta)
    assert hat.dims == ("importer", "exporter", "sector")
    eaeu = est["derived"]["border_ussr_eaeu"]["estimate"]
    ussr = est["derived"]["border_ussr"]["estimate"]       # RUS-UKR in 2022: FTA suspended
    for s in ("C10T12", "B05"):
        assert float(hat.sel(importer="BLR", exporter="RUS", sector=s)) == pytest.approx(
            np.exp(eaeu / theta[s]))
        assert float(hat.sel(importer="UKR", exporter="RUS", sector=s)) == pytest.approx(
            np.exp(ussr / theta[s]))
    assert float(hat.sel(sector=list(w.sector_classes["services"])).min()) == 1.0
    assert float(hat.sel(importer="DEU").min()) == 1.0 == float(hat.sel(
        importer="RUS", exporter="RUS").min())
    assert ak.Scenario.trade_cost(hat) is not None
    with pytest.raises(DataError, match="GEO"):
        ak.gravity.pair_cost_hats(0.47, w, ["RUS", "GEO"], theta)
