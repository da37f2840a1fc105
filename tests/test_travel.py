"""icio2023's travel sector by year (issue 27, item 5): receipts in USD where WDI reports
them, filled by stated rules (V1) where not, 2021-2022 scaled by UN Tourism's world series."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.errors import RepairWarning

from .helpers import shared_path


def _travel_exports(year: int) -> tuple[pd.Series, float, list[RepairWarning]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = ak.load_world("icio2023", year=year)
    f = w.flows.to_numpy()
    off = f * (1.0 - np.eye(len(w.countries)))[:, :, None]
    t = w.sectors.index("TRAVEL")
    exports = pd.Series(off[:, :, t].sum(axis=0), index=w.countries)
    reps = [c.message for c in caught if isinstance(c.message, RepairWarning)
            and c.message.rule == "V1"]
    return exports, float(off.sum()), reps


def _wdi() -> pd.DataFrame:
    return pd.read_csv(shared_path("wdi-tourism", "world_tourism_economy_data.csv"))


def test_travel_follows_world_receipts_after_2019() -> None:
    x19, trade19, _ = _travel_exports(2019)
    x20, _, _ = _travel_exports(2020)
    x21, _, _ = _travel_exports(2021)
    x22, trade22, _ = _travel_exports(2022)
    # UN Tourism: 2021 at 41% of 2019, 2022 at about two thirds (USD 1.0 of 1.5 trillion);
    # the cap on travel's share of services trade moves the totals by a few percent
    assert x21.sum() / x19.sum() == pytest.approx(0.41, rel=0.06)
    assert x22.sum() / x19.sum() == pytest.approx(2 / 3, rel=0.06)
    assert x20.sum() < x21.sum() < x22.sum() < x19.sum()
    assert x22.sum() / trade22 < 0.8 * x19.sum() / trade19  # 7.0% of world trade before
    # 2019: UN Tourism's 1.7 trillion USD of exports from international tourism (2018)
    assert 1.4e6 < x19.sum() < 1.9e6


def test_travel_receipts_in_usd_where_reported_and_filled_by_rule() -> None:
    wdi = _wdi()
    R = wdi.pivot_table(index="country_code", columns="year", values="tourism_receipts")
    A = wdi.pivot_table(index="country_code", columns="year", values="tourism_arrivals")
    x, _, reps = _travel_exports(2019)
    # Hong Kong: its WDI receipts (32.7 bn), not a ratio times re-export-free exports (5.7)
    assert x["HKG"] == pytest.approx(R.at["HKG", 2019] / 1e6, rel=1e-3)
    assert x["USA"] == pytest.approx(R.at["USA", 2019] / 1e6, rel=1e-3)
    # China: last receipts 2004; 2019 arrivals x its own 2004 receipts per arrival
    china = A.at["CHN", 2019] * R.at["CHN", 2004] / A.at["CHN", 2004] / 1e6
    assert x["CHN"] == pytest.approx(china, rel=1e-3)
    assert 30e3 < x["CHN"] < 60e3  # not the 108.7 bn of the 2004 share of exports
    # Spain and the United Kingdom (never in the extract): world receipts per arrival
    per = R.at["WLD", 2019] / A.at["WLD", 2019]
    for c in ("ESP", "GBR"):
        assert x[c] == pytest.approx(A.at[c, 2019] * per / 1e6, rel=1e-3), c
    assert x["ESP"] > 2.5 * 35.4e3 / 1.2  # was 35.4 bn under the world share of exports
    # one V1 warning naming every filled economy with its rule and value
    (rep,) = reps
    named = {c.split()[0] for c in rep.cells}
    assert {"CHN", "ESP", "GBR", "TWN", "ROW", "CAN", "SWE"} <= named
    assert "HKG" not in named and "USA" not in named
    assert all("million USD" in c for c in rep.cells)


def test_2022_lists_every_economy_scaled() -> None:
    x22, _, reps = _travel_exports(2022)
    x19, _, _ = _travel_exports(2019)
    (rep,) = reps
    assert {c.split()[0] for c in rep.cells} == set(x22.index)
    assert "reported 2019 x 0.667" in next(c for c in rep.cells if c.startswith("USA "))
    # an economy well inside the cap moves with the world index
    assert x22["USA"] / x19["USA"] == pytest.approx(2 / 3, rel=1e-3)
