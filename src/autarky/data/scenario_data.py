"""Package data that scenarios use: country groups, country codes, the US 2025 schedule.

Groups come from ``country_converter`` where it has them (EU27, OECD, G7, G20, BRIC,
APEC, EEA, EURO, BASIC, ...) and otherwise from ``embedded/groups.csv`` (one row per
group and member, with the source of the membership list). A group in ``groups.csv``
takes precedence over a ``country_converter`` group of the same name; its source says why.

What is read from ``country_converter`` (its ISO3 codes, short names and the members of
:data:`COCO_GROUPS`) is also shipped as ``embedded/country_codes.json``
(:func:`coco_extract`, written by ``scripts/build_listings.py``) and read from there when
the installed ``country_converter`` is the version it was taken from: the same answers
without building a ``CountryConverter`` (about 0.06 s of CPU on every run);
``tests/test_listings.py`` checks that it equals the library's.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from autarky.errors import DataError

__all__ = [
    "coco_extract",
    "country_groups",
    "country_name",
    "group_members",
    "group_source",
    "iso3_codes",
    "read_text",
    "us_tariffs_2025",
]

COCO_GROUPS = ("EU27", "EU28", "EU", "EURO", "EEA", "OECD", "G7", "G20", "BRIC", "BASIC",
               "APEC", "CIS", "UN")
"""Groups taken from country_converter (unless ``groups.csv`` defines the same name)."""


def _embedded() -> Path:
    return Path(str(resources.files("autarky.data") / "embedded"))


@cache
def _coco() -> Any:
    import country_converter as coco

    return coco.CountryConverter()


def coco_extract() -> dict[str, Any]:
    """What autarky reads from country_converter, from the library itself.

    ``version``, ``iso3`` (every ISO3 code), ``names`` (ISO3 -> short name) and ``groups``
    (each of :data:`COCO_GROUPS` -> its ISO3 members, sorted).
    """
    d = _coco().data[["ISO3", "name_short"]]
    return {"version": _coco_version(),
            "iso3": sorted(str(c) for c in d["ISO3"].dropna()),
            "names": {str(a): str(b) for a, b in zip(d.dropna()["ISO3"], d.dropna()["name_short"],
                                                     strict=True)},
            "groups": {g: sorted(str(m) for m in getattr(_coco(), f"{g}as")("ISO3")["ISO3"])
                       for g in COCO_GROUPS}}


@cache
def _shipped_coco() -> dict[str, Any] | None:
    """``embedded/country_codes.json`` if it is of the installed country_converter, else None."""
    try:
        data = json.loads((_embedded() / "country_codes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == _coco_version() else None


@cache
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166 alpha-3 code country_converter knows."""
    shipped = _shipped_coco()
    if shipped is not None:
        return frozenset(shipped["iso3"])
    return frozenset(str(c) for c in _coco().data["ISO3"].dropna())


@cache
def _names() -> dict[str, str]:
    shipped = _shipped_coco()
    if shipped is not None:
        return dict(shipped["names"])
    d = _coco().data[["ISO3", "name_short"]].dropna()
    return {str(a): str(b) for a, b in zip(d["ISO3"], d["name_short"], strict=True)}


def country_name(code: str) -> str:
    """Short name of an ISO3 code ('ROW': rest of the world)."""
    if code == "ROW":
        return "rest of the world"
    return _names().get(code, code)


@cache
def _package_groups() -> pd.DataFrame:
    return pd.read_csv(_embedded() / "groups.csv", dtype=str)


@cache
def country_groups() -> pd.DataFrame:
    """One row per group: name, members (space-separated, group names not expanded), source."""
    rows = []
    pkg = _package_groups()
    for g, sub in pkg.groupby("group", sort=False):
        rows.append({"group": g, "members": " ".join(sub["member"]),
                     "source": sub["source"].iloc[0]})
    shipped = _shipped_coco()
    for g in COCO_GROUPS:
        if g in set(pkg["group"]):
            continue
        members = (shipped["groups"][g] if shipped is not None else
                   getattr(_coco(), f"{g}as")("ISO3")["ISO3"])
        rows.append({"group": g, "members": " ".join(sorted(str(m) for m in members)),
                     "source": f"country_converter {_coco_version()}, classification '{g}'"})
    return pd.DataFrame(rows).set_index("group")


@cache
def _coco_version() -> str:
    import country_converter as coco

    return str(getattr(coco, "__version__", "?"))


def group_members(name: str) -> tuple[str, ...] | None:
    """Members of a group (case-insensitive name), nested groups expanded; None if unknown."""
    table = country_groups()
    key = name.upper()
    if key not in table.index:
        return None
    out: list[str] = []
    for m in str(table.loc[key, "members"]).split():
        sub = group_members(m) if m.upper() in table.index else None
        for c in (sub if sub is not None else (m,)):
            if c not in out:
                out.append(c)
    return tuple(out)


def group_source(name: str) -> str:
    """Where a group's membership list comes from."""
    return str(country_groups().loc[name.upper(), "source"])


@cache
def us_tariffs_2025() -> pd.DataFrame:
    """US 'reciprocal' tariffs of April 2025 by partner, indexed by ISO3.

    Columns: ``name``, ``rate`` (fraction), ``us_imports_kusd`` (US imports from the
    partner, CEPII BACI, thousand USD; used as weights).
    """
    path = _embedded() / "us_tariffs_2025.csv"
    if not path.exists():
        raise DataError(f"embedded file {path} is missing; run scripts/build_data.py")
    df = pd.read_csv(path, dtype={"iso3": str, "name": str, "rate": float,
                                  "us_imports_kusd": float}, keep_default_na=False)
    return df.set_index("iso3")


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file, as a DataError naming the file when it cannot be read."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"{p}: cannot read ({err})") from None
