"""icio194: icio2023 with its ROW split into the 114 economies it contains (issue 28)."""

from __future__ import annotations

import importlib
import sys
import warnings
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky import run
from autarky.errors import DataError, RepairWarning

from .helpers import REPO, cli, shared_path

REQUIRED = ("ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR",
            "UZB", "TWN")
PAIRS = (("RUS", "BLR"), ("RUS", "KAZ"), ("RUS", "ARM"), ("RUS", "KGZ"), ("RUS", "GEO"),
         ("RUS", "UZB"), ("KAZ", "UZB"), ("UKR", "MDA"))


@cache
def _world(name: str, year: int) -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        return ak.load_world(name, year=year)


def _members() -> list[str]:
    return list(ak.data.manifest()["icio194"]["members"])


def _store() -> dict[str, np.ndarray]:
    with np.load(str(resources.files("autarky.data") / "embedded" / "icio194.npz")) as d:
        return {k: d[k] for k in d.files}


def _reaggregated(year: int) -> ak.World:
    return _world("icio194", year).aggregate(countries={"ROW": _members()})


def test_icio194_shape_and_members() -> None:
    w = _world("icio194", 2019)
    assert len(w.countries) >= 190 and len(w.sectors) == 29 and w.has_io
    assert set(REQUIRED) <= set(w.countries)
    assert "ROW" not in w.countries
    icio = _world("icio2023", 2019)
    assert set(icio.countries) - {"ROW"} <= set(w.countries)
    assert set(w.countries) == (set(icio.countries) - {"ROW"}) | set(_members())
    assert "TWN" not in _members() and "ARM" in _members()


def test_icio194_year_outside_the_range_is_one_clear_error() -> None:
    with pytest.raises(DataError, match=r"icio194: year 2014 not available \(years 2015-2022\)"):
        ak.load_world("icio194", year=2014)


def test_icio194_info_exits_2_on_a_bad_year() -> None:
    proc = cli("info", "icio194", "--year", "2030")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == ["error: icio194: year 2030 not available (years 2015-2022)"]


def test_icio194_elasticities_are_icio2023s() -> None:
    a = ak.elasticities("icio194")
    b = ak.elasticities("icio2023")
    pd.testing.assert_series_equal(a, b)


@pytest.mark.parametrize("year", [2015, 2019, 2022])
def test_reaggregating_the_members_gives_back_icio2023(year: int) -> None:
    g = _reaggregated(year)
    b = _world("icio2023", year)
    order = [list(g.countries).index(c) for c in b.countries]
    A, B = g.arrays(), b.arrays()
    flows = A["flows"][np.ix_(order, order)]
    np.testing.assert_allclose(flows, B["flows"], rtol=1e-9, atol=1e-6)
    for key in ("gross_output", "tariff_revenue", "deficit"):
        np.testing.assert_allclose(A[key][order], B[key], rtol=1e-9, atol=1e-6, err_msg=key)
    # value added: exact but for rule S6c (2015: one sliver of Micronesian refining)
    va_gap = A["value_added"][order] - B["value_added"]
    s6c = 5.2 if year == 2015 else 1e-6
    assert np.abs(va_gap).max() <= s6c, (year, va_gap[np.argmax(np.abs(va_gap))])
    np.testing.assert_allclose(A["tariffs"][np.ix_(order, order)], B["tariffs"], atol=1e-12)
    if year != 2015:
        np.testing.assert_allclose(A["io"][order], B["io"], atol=1e-12)


@pytest.mark.parametrize("preset", ["two-blocs", "world-autarky"])
def test_presets_on_the_reaggregated_world_equal_icio2023(preset: str) -> None:
    scn = ak.presets.get(preset)
    a = run.solve_plain(_world("icio2023", 2019), scn).welfare
    b = run.solve_plain(_reaggregated(2019), scn).welfare.reindex(a.index)
    assert float(np.abs(a - b).max()) < 1e-9


def _phi(year: int) -> tuple[dict[str, float], dict[str, float], np.ndarray, list[str]]:
    """icio2023's goods flows over DOTS per exporter and importer (icio2023 economies)."""
    st = _store()
    G = st[f"dots_{min(year, 2020)}"].astype(float)
    codes = [str(c) for c in st["countries"]]
    b = _world("icio2023", year)
    ic = [c for c in b.countries if c != "ROW"]
    goods = list(b.sector_classes["goods"])
    gf = b.flows.sel(importer=ic, exporter=ic, sector=goods).sum("sector").values
    gf = gf * (1 - np.eye(len(ic)))
    ii = [codes.index(c) for c in ic]
    D = G[np.ix_(ii, ii)].T  # [importer, exporter]
    return (dict(zip(ic, gf.sum(axis=0) / D.sum(axis=0), strict=True)),
            dict(zip(ic, gf.sum(axis=1) / D.sum(axis=1), strict=True)), G, codes)


def _pair(year: int, x: str, z: str) -> tuple[float, float]:
    """(icio194 goods flow x -> z, DOTS x -> z times the f.o.b./basic-price ratio)."""
    w = _world("icio194", year)
    phi_x, phi_m, G, codes = _phi(year)
    goods = list(w.sector_classes["goods"])
    flow = float(w.flows.sel(importer=z, exporter=x, sector=goods).sum())
    ref = phi_x[x] if x in phi_x else phi_m[z]
    return flow, ref * float(G[codes.index(x), codes.index(z)])


@pytest.mark.parametrize("year", [2015, 2016, 2017, 2018, 2019, 2020])
def test_post_soviet_pairs_with_a_member_are_within_25_percent_of_dots(year: int) -> None:
    icio = set(_world("icio2023", year).countries)
    for a, b in PAIRS:
        if a in icio and b in icio:
            continue
        for x, z in ((a, b), (b, a)):
            flow, ref = _pair(year, x, z)
            assert 0.75 <= flow / ref <= 1.25, (year, x, z, flow, ref)


@pytest.mark.parametrize("year", [2019, 2020])
def test_post_soviet_pairs_of_icio2023_economies_within_25_percent_both_ways(
        year: int) -> None:
    # RUS-BLR and RUS-KAZ are icio2023's own numbers (rule S1); one direction alone can
    # be further from DOTS (KAZ -> RUS 2020: 0.73), the pair's two-way trade is within
    for a, b in (("RUS", "BLR"), ("RUS", "KAZ")):
        f1, r1 = _pair(year, a, b)
        f2, r2 = _pair(year, b, a)
        assert 0.75 <= (f1 + f2) / (r1 + r2) <= 1.25, (year, a, b)


def test_value_added_over_gdp_is_within_the_icio2023_range() -> None:
    year = 2019
    w = _world("icio194", year)
    b = _world("icio2023", year)
    st = _store()
    codes = [str(c) for c in st["countries"]]
    gdp = pd.Series(st[f"gdp_{year}"], index=codes)
    ratio = (w.value_added.to_series() / gdp).dropna()
    icio = [c for c in b.countries if c != "ROW" and c in ratio.index]
    lo, hi = ratio[icio].min(), ratio[icio].max()
    members = ratio[_members()]
    outliers = members[(members < lo) | (members > hi)]
    # the members whose domestic sales rule S5 floors (small islands with sales abroad far
    # above GDP) may sit above the range; every other member is inside it
    floored = {"FSM", "MHL", "SXM", "TON", "KIR"}
    assert set(outliers.index) <= floored, outliers.round(3).to_dict()
    assert ((members.drop(list(floored), errors="ignore") - 0.816).abs() < 0.2).mean() > 0.9


def test_treaty_pairs_by_date() -> None:
    st = _store()
    codes = [str(c) for c in st["countries"]]

    def free(year: int, a: str, b: str) -> bool:
        return bool(st[f"fta_{year}"][codes.index(a), codes.index(b)])

    assert free(2015, "RUS", "ARM") and free(2015, "KAZ", "KGZ") and free(2015, "UKR", "MDA")
    assert not free(2015, "RUS", "TJK") and free(2016, "RUS", "TJK")  # CIS FTA, 24 Dec 2015
    assert free(2019, "UZB", "KAZ")
    for other in ("GEO", "AZE", "TKM"):  # not parties to either agreement
        assert not any(free(y, "RUS", other) for y in range(2015, 2023))
    mask = st["fta_2019"]
    assert (mask == mask.T).all() and not np.diagonal(mask).any()


def _build_script() -> ModuleType:
    scripts = str(REPO / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module("build_icio194")


def test_membership_rule_of_the_build_gives_the_shipped_members() -> None:
    """Rule M1 of scripts/build_icio194.py, run on the shared DOTS list and the shipped
    world194 / icio2023, names exactly the 114 members icio194.npz and the manifest carry;
    world194's later additions from partners' records (its rule W4) are not members."""
    build = _build_script()
    emb = Path(str(resources.files("autarky.data") / "embedded"))
    icio = [c for c in _world("icio2023", 2019).countries if c != "ROW"]
    members = build.member_list(shared_path("imf-dots").parent, emb, icio)
    store = _store()
    assert members == [str(c) for c in store["members"]] == _members()
    assert len(members) == 114 and len(store["countries"]) == 194
    added = ak.data.manifest()["world194"]["coverage"]["2019"]["added_to_the_194_list"]
    assert {"CUB", "PRK", "PSE", "XKX"} <= set(added)
    assert not set(added) & set(members)
    assert set(added) - set(members) - set(icio) == set(
        "AIA ASM CUB FLK FRO GIB GUM MSR NRU PRK PSE SMR TUV VAT WSM XKX".split())


@pytest.mark.parametrize("year", [2019, 2020])
def test_ship_registries_trade_in_icio194_within_the_w5_bound(year: int) -> None:
    """Rule W5 in the icio194 build: Liberia's and the Marshall Islands' trade (stored DOTS
    and the composed world, all sectors) below their WDI GDP (gdp-current), each named in
    a RepairWarning of rule W5 with its own flows as cells; Panama's DOTS untouched."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = ak.load_world("icio194", year=year)
    w5 = [c.message for c in caught if isinstance(c.message, RepairWarning)
          and c.message.rule == "W5"]
    assert {str(m).split(": ")[1] for m in w5} == {"LBR", "MHL"}
    for m in w5:
        assert len(m.cells) > 50 and all(c.split()[0] in str(m) for c in m.cells)
    gdp_tab = pd.read_excel(shared_path("gdp-current", "GDP_wdi_raw.xls"),
                            sheet_name="Data_stata").set_index("Country Code")
    store = _store()
    codes = [str(c) for c in store["countries"]]
    dots = store[f"dots_{year}"].astype(float)
    f = w.arrays()["flows"].sum(axis=2)
    off = f - np.diag(np.diag(f))
    for c in ("LBR", "MHL"):
        gdp = float(gdp_tab.loc[c, f"gdp{year}"]) / 1e6
        k, i = codes.index(c), w.countries.index(c)
        assert 0.1 < dots[:, k].sum() / gdp < 1.0, (c, dots[:, k].sum(), gdp)
        assert dots[k].sum() / gdp < 1.0, (c, dots[k].sum(), gdp)
        assert 0.1 < off[i].sum() / gdp < 1.0, (c, off[i].sum(), gdp)  # imports
        assert off[:, i].sum() / gdp < 1.0, (c, off[:, i].sum(), gdp)  # exports
    # Panama (recorded imports below its GDP) keeps the DOTS record
    x = pd.read_csv(shared_path("imf-dots", f"dots{year}_X_fob_194.csv"), index_col=0)
    assert dots[codes.index("PAN"), codes.index("USA")] == pytest.approx(
        max(float(x.loc["PAN", "USA"]), 0.0), rel=1e-6)


def test_icio194_built_on_an_icio2023_world_already_loaded_is_the_same() -> None:
    """Issue 31 item 5 (claim 1): icio194 of a year built on the icio2023 World of that
    year loaded before (``base=``) is the plain load's World; its own repairs are the
    plain load's less the icio2023 ones (reported with the base); a wrong base is refused."""
    base = run.load("icio2023", 2018)
    plain = run.load("icio194", 2018)
    built = run.load("icio194", 2018, base=base.world)
    assert built.world.dataset.identical(plain.world.dataset)
    assert built.repairs == tuple(r for r in plain.repairs if r not in base.repairs)
    assert set(plain.repairs) == set(base.repairs) | set(built.repairs)
    with pytest.raises(DataError, match="not icio2023 2019"):
        ak.data.load_embedded("icio194", 2019, base=base.world)
    with pytest.raises(DataError, match="icio194"):
        ak.data.load_embedded("icio2023", 2018, base=base.world)
