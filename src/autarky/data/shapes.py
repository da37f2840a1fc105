"""Country outlines shipped in the package, for offline maps.

``embedded/countries.geojson`` is made once by ``scripts/build_data.py`` from Natural Earth
(see ``manifest()["country_shapes"]`` for source, license and the conversion).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from autarky.errors import DataError

__all__ = ["country_shapes"]


@cache
def _text() -> str:
    path = Path(str(resources.files("autarky.data") / "embedded" / "countries.geojson"))
    if not path.exists():
        raise DataError(f"{path} is missing; run scripts/build_data.py from the repository root")
    return path.read_text(encoding="utf-8")


def country_shapes() -> dict[str, Any]:
    """GeoJSON FeatureCollection of country outlines, feature ``id`` = ISO3 code.

    Examples
    --------
    >>> shapes = country_shapes()
    >>> "RUS" in {f["id"] for f in shapes["features"]}
    True
    """
    return dict(json.loads(_text()))
