"""Gravity geography from the shipped country outlines: centroids, areas, distances, borders.

Computed from ``embedded/countries.geojson`` (Natural Earth 1:50m, simplified; see
``manifest()["country_shapes"]`` and :mod:`autarky.data.shapes`), so no file outside the
package is read:

* **centroid**: the centre of mass on the sphere of the economy's *largest* polygon (its
  mainland), so that outlying territories that Natural Earth draws as part of a country
  (French Guiana and Reunion for France, Alaska and Hawaii for the United States, the
  Canaries for Spain, Kaliningrad for Russia) do not move it; an archipelago is located at
  its largest island. Population-weighted centres (CEPII's ``distw``) would need
  population grids the package does not have.
* **area**: of all the economy's polygons (holes subtracted), on a sphere of radius
  6,371.0088 km (the IUGG mean Earth radius), computed in Lambert's cylindrical
  equal-area projection.
* **distance**: great-circle km between centroids (haversine); **internal distance**
  ``0.67 * sqrt(area / pi)`` (Head and Mayer 2002, "Illusory border effects", CEPII
  working paper 2002-01: the average distance between points of a disc of that area).
* **contiguity**: a land border, i.e. two outlines that share an edge. The TopoJSON the
  outlines come from encodes each border once, as an arc used by both neighbours, and the
  conversion keeps every arc's end points, so neighbours share at least two vertices;
  a single common vertex (a tripoint, such as Botswana-Zambia at the Kazungula
  quadripoint in Natural Earth) is not a border here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd

from autarky.data.shapes import country_shapes
from autarky.errors import DataError

__all__ = ["EARTH_RADIUS_KM", "contiguity", "country_geography", "pair_geography"]

EARTH_RADIUS_KM = 6371.0088


def _unit(ring: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(ring[:, 0]), np.radians(ring[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon),
                            np.sin(lat)])


def _closed(ring: np.ndarray) -> np.ndarray:
    return ring if (ring[0] == ring[-1]).all() else np.vstack([ring, ring[:1]])


def _area(ring: np.ndarray) -> float:
    """Area (km2) of a ring in Lambert's cylindrical equal-area projection (shoelace)."""
    lam = np.radians(ring[:, 0])
    z = np.sin(np.radians(ring[:, 1]))
    dl = np.diff(lam)
    dl = (dl + np.pi) % (2 * np.pi) - np.pi          # edges never cross the antimeridian
    return float(abs(np.sum(dl * (z[1:] + z[:-1]) / 2))) * EARTH_RADIUS_KM ** 2


def _moment(ring: np.ndarray) -> np.ndarray:
    """The integral of the position vector over a ring's spherical polygon (unit sphere).

    Half the sum of each great-circle edge's angle times its unit normal (Stokes' theorem),
    oriented outward: its direction is the polygon's centre of mass on the sphere.
    """
    v = _unit(ring)
    a, b = v[:-1], v[1:]
    c = np.cross(a, b)
    s = np.linalg.norm(c, axis=1)
    ok = s > 0
    th = np.arctan2(s[ok], np.sum(a[ok] * b[ok], axis=1))
    m = 0.5 * np.sum(th[:, None] * c[ok] / s[ok, None], axis=0)
    return -m if m @ v.mean(axis=0) < 0 else m


@cache
def _table() -> pd.DataFrame:
    rows = []
    for f in country_shapes()["features"]:
        area, best, best_area = 0.0, np.zeros(3), -1.0
        for poly in f["geometry"]["coordinates"]:
            rings = [_closed(np.asarray(r, dtype=float)) for r in poly]
            a = _area(rings[0]) - sum(_area(h) for h in rings[1:])
            area += a
            if a > best_area:
                best_area = a
                best = _moment(rings[0]) - sum((_moment(h) for h in rings[1:]), np.zeros(3))
        u = best / np.linalg.norm(best)
        rows.append((str(f["id"]), float(np.degrees(np.arcsin(u[2]))),
                     float(np.degrees(np.arctan2(u[1], u[0]))), area))
    t = pd.DataFrame(rows, columns=["country", "lat", "lon", "area_km2"]).set_index("country")
    t["internal_km"] = 0.67 * np.sqrt(t["area_km2"] / np.pi)
    return t


def country_geography(countries: Sequence[str] | None = None) -> pd.DataFrame:
    """Centroid (``lat``, ``lon``, degrees), ``area_km2`` and ``internal_km`` by ISO3 code.

    Raises
    ------
    DataError
        If a country has no outline in the shipped shapes.

    Examples
    --------
    >>> g = country_geography(["LUX"])
    >>> bool(2000 < g.loc["LUX", "area_km2"] < 3000)
    True
    """
    t = _table()
    if countries is None:
        return t.copy()
    missing = [c for c in countries if c not in t.index]
    if missing:
        raise DataError(f"country shapes: no outline for {', '.join(missing)} (Natural Earth "
                        "1:50m countries; a region such as ROW has no location)")
    return t.loc[list(countries)].copy()


@cache
def contiguity() -> frozenset[tuple[str, str]]:
    """Pairs ``(a, b)``, ``a < b``, of economies with a land border (two shared vertices)."""
    owners: dict[tuple[float, float], set[str]] = defaultdict(set)
    for f in country_shapes()["features"]:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                for p in ring:
                    owners[(p[0], p[1])].add(str(f["id"]))
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for ids in owners.values():
        if len(ids) > 1:
            for pair in combinations(sorted(ids), 2):
                shared[pair] += 1
    return frozenset(p for p, n in shared.items() if n >= 2)


def pair_geography(countries: Sequence[str]) -> pd.DataFrame:
    """Every ordered pair (domestic included): ``dist_km`` and ``contig`` (0/1).

    ``dist_km`` is the great-circle distance between centroids, and the internal distance
    for a country with itself; ``contig`` is 0 for a country with itself.
    """
    g = country_geography(countries)
    c = list(countries)
    n = len(c)
    lat, lon = np.radians(g["lat"].to_numpy()), np.radians(g["lon"].to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    np.fill_diagonal(d, g["internal_km"].to_numpy())
    border = contiguity()
    arr = np.asarray(c, dtype=object)
    ex, im = np.meshgrid(arr, arr, indexing="ij")
    cont = np.fromiter(((min(a, b), max(a, b)) in border
                        for a, b in zip(ex.ravel(), im.ravel(), strict=True)), bool, n * n)
    return pd.DataFrame({"exporter": ex.ravel(), "importer": im.ravel(),
                         "dist_km": d.ravel(), "contig": cont.astype(int)})
