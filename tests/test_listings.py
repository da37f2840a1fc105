"""``embedded/listings.json`` equals the live registries (``scripts/build_listings.py``).

``autarky datasets``, ``presets`` and ``sectors`` print from that file
(:mod:`autarky.data.listings`); when a preset, a dataset, a sector class or a repair rule
changes, these tests fail until the file is written again.
"""

from __future__ import annotations

import pytest

from autarky.cli_listings import live
from autarky.data import listings

REBUILD = "stale: run PYTHONPATH=src python scripts/build_listings.py"


def test_datasets_and_presets_equal_the_registries() -> None:
    got = live(datasets=("wiod2016",))
    assert listings.datasets() == got["datasets"], REBUILD
    assert listings.presets() == got["presets"], REBUILD
    names = [p["name"] for p in listings.presets()]
    assert len(names) == len(set(names))  # each preset once (the ILMS ones were listed twice)


def test_sectors_of_one_dataset_equal_the_loaded_worlds() -> None:
    got = live(datasets=("wiod2016",))
    assert listings._read()["sectors"]["wiod2016"] == got["sectors"]["wiod2016"], REBUILD
    name, year, rows, rules, cells = listings.sectors("WIOD2016")
    entry = got["sectors"]["wiod2016"]
    assert (name, year) == (entry["name"], entry["default_year"])
    assert rows and all(len(r) == 3 for r in rows)
    assert rules == entry["years"][str(year)]["rules"] and cells > 0


def test_what_the_listing_lacks_is_loaded() -> None:
    assert listings.sectors("icio2023", 1990) is None
    assert listings.sectors("flows.csv") is None


@pytest.mark.slow
def test_every_dataset_year_equals_the_loaded_world() -> None:
    got = live()
    assert listings._read() == got, REBUILD


def test_country_codes_equal_country_converter(monkeypatch) -> None:
    """embedded/country_codes.json is what autarky would read from country_converter."""
    import json

    from autarky.data import scenario_data

    live = scenario_data.coco_extract()
    shipped = json.loads(listings.path().with_name("country_codes.json").read_text())
    assert shipped == live, REBUILD
    # another country_converter version: the library is asked, not the file
    monkeypatch.setattr(scenario_data, "_coco_version", lambda: "0.0-other")
    scenario_data._shipped_coco.cache_clear()
    try:
        assert scenario_data._shipped_coco() is None
    finally:
        scenario_data._shipped_coco.cache_clear()
