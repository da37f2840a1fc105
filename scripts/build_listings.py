"""Write what ``autarky datasets``, ``presets`` and ``sectors`` print without loading anything.

Writes ``src/autarky/data/embedded/listings.json`` (:mod:`autarky.data.listings`) from the
live registries (:func:`autarky.cli_listings.live`: every embedded dataset-year is loaded
once), and ``embedded/country_codes.json``, what autarky reads from country_converter
(:func:`autarky.data.scenario_data.coco_extract`). Re-run after a preset, a dataset, a
sector class, a repair rule or country_converter's version changes;
``tests/test_listings.py`` fails until then::

    PYTHONPATH=src python scripts/build_listings.py
"""

import json

from autarky.cli_listings import live
from autarky.data import listings
from autarky.data.scenario_data import coco_extract

out = listings.path()
data = live()
tmp = out.with_suffix(".tmp")
tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
tmp.replace(out)
print(f"written: {out} ({out.stat().st_size:,} bytes; {len(data['presets'])} presets, "
      f"{len(data['datasets'])} datasets, "
      f"{sum(len(s['years']) for s in data['sectors'].values())} dataset-years)")
codes = listings.path().with_name("country_codes.json")
extract = coco_extract()
tmp = codes.with_suffix(".tmp")
tmp.write_text(json.dumps(extract, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
tmp.replace(codes)
print(f"written: {codes} ({codes.stat().st_size:,} bytes; country_converter "
      f"{extract['version']})")
