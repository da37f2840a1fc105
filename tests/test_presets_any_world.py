"""Every preset runs on any World with the sector classes it needs, or refuses in one line."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak

CODES = ["USA", "CHN", "RUS", "DEU", "FRA", "BLR", "KAZ", "IND", "BRA", "JPN", "TUR", "UKR",
         "ROW"]


@pytest.fixture(scope="module")
def one_sector() -> ak.World:
    rng = np.random.default_rng(0)
    n = len(CODES)
    flows = rng.uniform(1, 10, (n, n))
    flows[np.arange(n), np.arange(n)] += 200
    df = pd.DataFrame([(a, b, flows[i, k]) for i, a in enumerate(CODES)
                       for k, b in enumerate(CODES)], columns=["importer", "exporter", "value"])
    return ak.World.from_flows(df)


@pytest.mark.parametrize("name", [n.replace("ISO", "RUS") for n in ak.presets.listing()
                                  if ak.presets.kind(n) == "equilibrium"])
def test_every_preset_on_a_custom_one_sector_world(one_sector, name):
    assert one_sector.sector_classes == {"goods": ("total",)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.errors.ScenarioWarning)
        try:
            res = ak.solve(one_sector, ak.presets.get(name), elasticities=4.0)
        except ak.AutarkyError as err:
            # the only refusal: a preset naming a class this World does not have
            assert name == "no-tourism"
            assert "\n" not in str(err) and "no 'tourism' or 'services' sector class" in str(err)
            return
    assert res.converged and np.isfinite(res.welfare.to_numpy()).all()
    if name == "tariff-war":  # the single sector is 'goods': tariffs rose on it
        assert (res.tariffs_new[~np.eye(len(CODES), dtype=bool)] > 0).all()


def test_classes_come_from_the_manifest_and_survive_aggregation():
    w = ak.load_world("icio2023", year=2022)
    m = ak.data.manifest()["icio2023"]["sector_classes"]
    assert {k: list(v) for k, v in w.sector_classes.items()} == m
    agg = w.aggregate(sectors={"FOOD": ["A01", "A03", "C10T12"], "SERV": ["SERV"]})
    assert agg.sector_classes["food"] == ("FOOD",)
    assert agg.sector_classes["services"] == ("SERV", "TRAVEL")  # TRAVEL kept as it is
    assert "FOOD" in agg.sector_classes["goods"]
    with pytest.raises(ak.DataError, match="sector_classes: class 'services' names unknown"):
        ak.World.from_arrays(np.eye(2) + 1, ["A", "B"], sector_classes={"services": ["X"]})
