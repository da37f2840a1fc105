"""icio2023 as an economist's default: IO links from ICIO 2020, repaired tariffs, travel."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.data.tariff_quality import TARIFF_BOUND, implausible_tariffs
from autarky.errors import RepairWarning, ScenarioWarning
from autarky.model.closed_form import crc_autarky
from autarky.solve import resolve_elasticities


@cache
def world(year: int = 2022, tariffs: str = "repaired") -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RepairWarning)
        return ak.load_world("icio2023", year=year, tariffs=tariffs)


def solve(w: ak.World, preset: str, **kw) -> ak.Result:
    scn = ak.presets.get(preset)
    opts = scn.solve_options(unavailable=dict(scn.settings).get("unavailable", "floor"), **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        warnings.simplefilter("ignore", RepairWarning)
        return ak.solve(w, scn, elasticities="cp2015", options=opts)


def world_change(w: ak.World, welfare: pd.Series) -> float:
    income = w.dataset["income"].to_series()
    return float(np.average(welfare.reindex(income.index), weights=income))


def test_icio2023_has_io_every_year_and_says_so():
    for year in (2011, 2016, 2022):
        w = world(year)
        assert w.has_io
        assert "2020" in w.dataset.attrs["io_note"]
        colsum = w.io.values.sum(axis=1)
        assert (colsum < 1).all() and (colsum > 0).all()
    assert not world().without_io().has_io
    assert bool(ak.datasets().loc["icio2023", "io_links"])
    assert "2011-2022" in ak.data.manifest()["icio2023"]["note"]


def test_icio2023_io_repairs_warn_by_rule():
    with pytest.warns(RepairWarning, match="rule R3"):
        ak.load_world("icio2023", year=2019)


def test_row_coefficients_for_countries_inside_icio_row():
    m = ak.data.manifest()["icio2023"]
    assert sorted(m["io_countries_with_row_coefficients"]) == ["AGO", "ARE", "COD", "STP"]


def test_closed_form_autarky_with_io_on_icio2023():
    """CRC (2014) with the Leontief inverse, no tariffs, balanced trade: to 1e-8."""
    w0 = world()
    a = w0.arrays()
    w = ak.World.from_arrays(a["flows"], w0.countries, w0.sectors, io=a["io"],
                             name=w0.name, year=w0.year)
    res = solve(w, "world-autarky", tol=1e-12)
    b = res.baseline
    theta, _ = resolve_elasticities(w, "cp2015")
    expect = crc_autarky(np.einsum("nnj->nj", b.pi), b.alpha, theta, b.io)
    np.testing.assert_allclose(1 + res.welfare.to_numpy() / 100, expect, rtol=0, atol=1e-8)


@pytest.mark.slow
def test_io_amplifies_world_autarky_losses():
    w = world()
    res_io, res_flat = solve(w, "world-autarky"), solve(w.without_io(), "world-autarky")
    g_io, g_flat = world_change(w, res_io.welfare), world_change(w, res_flat.welfare)
    assert g_io < 1.5 * g_flat < 0, (g_io, g_flat)
    assert any("2011-2022" in n for n in res_io.notes)
    assert any("without_io" in n for n in res_flat.notes)


def test_us_food_tariff_repaired_within_published_range():
    raw = world(tariffs="as-published")
    rep = world()
    us, food = raw.countries.index("USA"), raw.sectors.index("C10T12")
    assert raw.tariffs.values[us, :, food].max() > 0.9
    mfn = [raw.countries.index(c) for c in ("CHN", "DEU", "JPN", "FRA")]
    after = rep.tariffs.values[us, mfn, food]
    # published US averages for food and agricultural products: about 0.05 to 0.21
    assert ((0.05 <= after) & (after <= 0.21)).all(), after
    assert rep.tariffs.values[us, :, food].max() <= TARIFF_BOUND
    assert rep.tariffs.values.max() <= TARIFF_BOUND
    # cells at or below the bound are kept as published
    keep = raw.tariffs.values <= TARIFF_BOUND
    np.testing.assert_array_equal(rep.tariffs.values[keep], raw.tariffs.values[keep])


def test_tariff_repair_names_cells_and_listing_matches():
    with pytest.warns(RepairWarning, match=r"USA C10T12 \(43 partners, up to 0\.913"):
        ak.load_world("icio2023", year=2022)
    raw = world(tariffs="as-published")
    tab = implausible_tariffs(raw.tariffs.values, raw.flows.values, raw.countries,
                              raw.sectors)
    assert int(tab["partners"].sum()) == int((raw.tariffs.values > TARIFF_BOUND).sum())
    assert (tab["repaired_rate"] <= TARIFF_BOUND).all()


def test_unknown_tariff_mode_is_one_clear_error():
    with pytest.raises(ak.errors.DataError, match="tariffs = 'raw'"):
        ak.load_world("icio2023", year=2022, tariffs="raw")


def _world_trade(trade: pd.Series) -> float:
    imp = trade.index.get_level_values("importer")
    exp = trade.index.get_level_values("exporter")
    return float(trade[imp != exp].sum())


def test_travel_sector_size_and_split():
    w = world()
    assert w.sectors[-2:] == ("SERV", "TRAVEL")
    F = w.flows.values
    off = ~np.eye(len(w.countries), dtype=bool)
    share = F[:, :, -1][off].sum() / F[off].sum()
    # UN Tourism: international tourism (receipts + passenger transport) about 7% of world
    # exports of goods and services in 2018-2019; in 2022 world receipts were two thirds of
    # 2019's (rule V2) while world trade grew: about 4%
    assert 0.03 <= share <= 0.06, share
    assert (F >= 0).all()
    m = ak.data.manifest()["icio2023"]
    assert m["travel"]["2022"]["expenditures"]["wdi_year"] == 2019
    assert m["travel"]["2015"]["expenditures"]["wdi_year"] == 2015
    assert m["travel"]["2022"]["receipts"]["rule"].startswith("V1-V2")
    assert all(m["sector_classes"][c] == ["TRAVEL"] for c in ("travel", "tourism"))
    assert "TRAVEL" in m["sector_classes"]["services"]


@pytest.mark.slow
def test_no_tourism_closes_travel_only():
    w = world()
    res = solve(w, "no-tourism")
    assert res.converged
    cut = 1 - _world_trade(res.trade["after"]) / _world_trade(res.trade["before"])
    assert 0.03 <= cut <= 0.15, cut
    assert not any("does not separate tourism" in n for n in res.notes)


def test_sectors_command_lists_classes():
    from typer.testing import CliRunner

    from autarky.cli import app

    out = CliRunner().invoke(app, ["sectors", "wiod2013"])
    assert out.exit_code == 0, out.output
    assert "Hotels and restaurants" in out.output and "tourism" in out.output
    out = CliRunner().invoke(app, ["info", "icio2023", "--tariffs"])
    assert out.exit_code == 0, out.output
    assert "USA" in out.output and "0.913" in out.output
