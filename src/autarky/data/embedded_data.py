"""The datasets shipped inside the package, in a registry looked up by name.

The files in ``embedded/`` are made by ``scripts/build_data.py`` from the reference data;
``embedded/manifest.json`` records source, license and citation of each.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autarky.data.icio194 import __doc__ as _icio194_rules
from autarky.data.icio194 import compose as _icio194_compose
from autarky.data.tariff_quality import tariff_rates
from autarky.errors import DataError, RepairWarning
from autarky.world import MRIO, World, _repair_io

__all__ = ["DATASETS", "DEFAULT_SOURCE", "DERIVED_SOURCES", "datasets", "elasticities",
           "elasticity_sources", "load_embedded", "manifest", "sector_classes", "sector_table"]


def _embedded() -> Path:
    return Path(str(resources.files("autarky.data") / "embedded"))


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """Source, license, citation and coverage of every embedded file."""
    return dict(json.loads((_embedded() / "manifest.json").read_text()))


def _npz(name: str) -> Any:
    path = _embedded() / f"{name}.npz"
    if not path.exists():
        raise DataError(f"embedded dataset file {path} is missing; "
                        "run scripts/build_data.py from the repository root")
    return np.load(path, allow_pickle=False)


@cache
def _gdp_table() -> pd.DataFrame:
    return pd.read_csv(_embedded() / "gdp_current.csv").set_index(["country", "year"])


def gdp_current(countries: list[str], year: int) -> np.ndarray:
    """WDI GDP in current USD (million) of each country in ``year``.

    NaN where WDI has none (Taiwan, ROW). The input of repair rule R4 (:mod:`autarky.world`).
    """
    tab = _gdp_table()["gdp_musd"]
    keys = pd.MultiIndex.from_arrays([countries, [int(year)] * len(countries)])
    return tab.reindex(keys).to_numpy(dtype=float)


def _check_year(name: str, year: int | None, years: list[int]) -> int:
    if year is None:
        return int(years[-1])
    if int(year) not in years:
        raise DataError(f"{name}: year {year} not available (years {years[0]}-{years[-1]})")
    return int(year)


def _load_tradecube(name: str, year: int | None, tariffs: str = "repaired") -> World:
    meta = manifest()[name]
    y = _check_year(name, year, meta["years"])
    attrs = {"license": meta["license"], "citation": meta["citation"]}
    with _npz(name) as d:
        countries = [str(c) for c in d["countries"]]
        sectors = [str(s) for s in d["sectors"]]
        flows = d[f"flows_{y}"]
        rates = tariff_rates(name, y, d[f"tariffs_{y}"], flows, countries, sectors, tariffs)
        _travel_repairs(meta, name, y)
        io = None
        if f"io_{y}" in d.files:
            io = d[f"io_{y}"]
            io = _repair_io(io, flows, flows.sum(axis=0), countries, sectors, f"{name} {y}",
                            gdp=gdp_current(countries, y), io_year=meta.get("io_year"),
                            year=y)
            attrs["io_note"] = meta.get("io_note", "")
        return World.from_arrays(
            flows, countries, sectors, tariffs=rates, io=io, name=name, year=y,
            source=meta["source"], sector_names=[str(s) for s in d["sector_names"]],
            attrs=attrs,
            sector_classes=meta.get("sector_classes"),
        )


def _travel_repairs(meta: dict[str, Any], name: str, year: int) -> None:
    """Raise rule V1 (travel receipts filled at build time) as one RepairWarning.

    The receipts the WDI extract does not report for the year are filled by the rules of
    scripts/travel_receipts.py and listed in the manifest (``travel[year].receipts.filled``).
    """
    filled = meta.get("travel", {}).get(str(year), {}).get("receipts", {}).get("filled")
    if not filled:
        return
    cells = [f"{c} TRAVEL exports: {how}" for c, how in filled.items()]
    warnings.warn(RepairWarning(
        f"{name} {year}: travel exports (TRAVEL) of {len(filled)} economies not reported "
        f"by WDI for {year} filled (rule V1: arrivals x own or world receipts per arrival, "
        "world growth, 2021-2022 as 2019 x UN Tourism's world receipts relative to 2019)",
        "V1", tuple(cells)), stacklevel=5)


def _load_wiod2013(name: str, year: int | None) -> World:
    meta = manifest()[name]
    y = _check_year(name, year, meta["years"])
    with _npz(name) as d:
        mrio = MRIO(
            Z=d[f"Z_{y}"].astype(float),
            Y=d[f"F_{y}"].astype(float),
            x=d[f"x_{y}"].astype(float),
            regions=tuple(str(c) for c in d["countries"]),
            sectors=tuple(str(s) for s in d["sectors"]),
            categories=tuple(str(c) for c in d["categories"]),
        )
        names = [str(s) for s in d["sector_names"]]
    attrs = {"license": meta["license"], "citation": meta["citation"]}
    if meta.get("sector_classes"):
        attrs["sector_classes"] = meta["sector_classes"]
    return World.from_mrio(mrio, name=name, year=y, source=meta["source"], sector_names=names,
                           attrs=attrs)


WORLD194_RECORDS = ("exporter", "importer")
"""Whose record a world194 flow comes from first (the other where the first has none)."""


def _load_world194(name: str, year: int | None, flows: str = "exporter") -> World:
    """The one-sector world of every economy in IMF DOTS; repairs as RepairWarnings.

    ``flows="exporter"`` (default): exports f.o.b. as the exporter records them, the
    importer's record (c.i.f. / 1.10) where the exporter has none; ``flows="importer"``: the
    other way round (a sensitivity: the records disagree most for re-export hubs and for
    trade one side's customs does not see).
    """
    if flows not in WORLD194_RECORDS:
        raise DataError(f"{name}: flows = {flows!r}: expected one of "
                        f"{', '.join(WORLD194_RECORDS)}")
    meta = manifest()[name]
    y = _check_year(name, year, meta["years"])
    key = "" if flows == "exporter" else "_importer"
    with _npz(name) as d:
        arr = d[f"flows{key}_{y}"]
        countries = [str(c) for c in d["countries"]]
        repairs = [str(r) for r in d[f"repairs{key}_{y}"]]
        cells = [str(c) for c in d[f"repair_cells{key}_{y}"]]
        sectors = [str(s) for s in d["sectors"]]
        names = [str(s) for s in d["sector_names"]]
    by_rule: dict[str, list[str]] = {}
    for c in cells:
        rule, _, label = c.partition("|")
        by_rule.setdefault(rule, []).append(label)
    for r in repairs:
        rule = _world194_rule(r)
        own = by_rule.get(rule, [])
        if rule in ("W1", "W2", "W5"):  # one sentence per economy: its own cells
            own = [c for c in own if c.split()[0] in r]
        warnings.warn(RepairWarning(r, rule, own), stacklevel=4)
    return World.from_arrays(
        arr, countries, sectors, name=name, year=y, source=meta["source"],
        sector_names=names,
        attrs={"license": meta["license"], "citation": meta["citation"],
               "repairs": "; ".join(repairs), "note": meta["note"], "flows": flows},
    )


def _load_icio194(name: str, year: int | None, tariffs: str = "repaired",
                  base: World | None = None) -> World:
    """icio2023 of the year with ROW split into its economies (rules: autarky.data.icio194).

    ``base``: that icio2023 World, already loaded with the same ``tariffs`` (its repairs
    were reported when it was loaded, and are not again); default: loaded here.
    """
    meta = manifest()[name]
    y = _check_year(name, year, meta["years"])
    if base is None:
        base = _load_tradecube("icio2023", y, tariffs)
    elif base.name != "icio2023" or base.year != y:
        raise DataError(f"{name} {y}: base= is {base.name} {base.year}, not icio2023 {y}")
    with _npz(name) as d:
        dy = min(y, int(d["dots_years"][-1]))
        store = {"countries": d["countries"], "members": d["members"],
                 "dots": d[f"dots_{dy}"], "gdp": d[f"gdp_{y}"], "fta": d[f"fta_{y}"]}
        repairs = [str(r) for r in d[f"repairs_{y}"]]
        cells = [str(c) for c in d[f"repair_cells_{y}"]] if f"repair_cells_{y}" in d else []
    arr, more, _ = _icio194_compose(base.arrays(), list(base.countries), store, list(base.sectors),
                           np.isin(base.sectors, base.sector_classes["services"]))
    for r in repairs:
        rule = _world194_rule(r)
        own = [c.partition("|")[2] for c in cells if c.startswith(f"{rule}|")]
        own = [c for c in own if c.split()[0] in r]  # W5: one sentence per economy
        warnings.warn(RepairWarning(r, rule if rule != "W" else "", own), stacklevel=4)
    for r in more:
        warnings.warn(r, RepairWarning, stacklevel=4)
    attrs = {k: base.dataset.attrs[k] for k in ("license", "io_note") if k in base.dataset.attrs}
    rule_text = re.sub(r"\n +", " ", (_icio194_rules or "").split("Rules\n-----\n")[-1].strip())
    return World.from_arrays(
        arr["flows"], [str(c) for c in store["countries"]], base.sectors,
        tariffs=arr["tariffs"], io=arr["io"], name=name, year=y,
        source=f"{meta['source']}. DOTS year {dy}. Rules:\n{rule_text}",
        sector_names=list(base.dataset.attrs.get("sector_names", base.sectors)),
        attrs={**attrs, "license": meta["license"], "citation": meta["citation"],
               "repairs": "; ".join(repairs + more)},
        sector_classes=base.sector_classes)


def _world194_rule(text: str) -> str:
    """The rule label of a stored world194 repair sentence ("(rule W1)" where it says so)."""
    import re

    found = re.search(r"\(rule ([A-Z]+\d+)", text)
    return found.group(1) if found else "W"


DATASETS: dict[str, Callable[[str, int | None], World]] = {
    "icio2023": _load_tradecube,
    "icio194": _load_icio194,
    "wiod2013": _load_wiod2013,
    "wiod2016": _load_tradecube,
    "world194": _load_world194,
}
"""Registry: dataset name -> loader(name, year)."""


def load_embedded(name: str, year: int | None = None, tariffs: str = "repaired",
                  flows: str = "exporter", base: World | None = None) -> World:
    """Load an embedded dataset by name (default year: the latest).

    ``tariffs="as-published"`` keeps the baseline tariffs of the trade cubes as compiled;
    the default applies the tariff repair rule of :mod:`autarky.data.tariff_quality`.
    ``flows="importer"`` (world194): the importer's record of each flow first.
    ``base`` (icio194): the icio2023 World of the year, loaded before with the same
    ``tariffs``, instead of loading it again (claim 1 loads both datasets' years).
    """
    key = name.lower()
    if key not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; available: {', '.join(DATASETS)}")
    if flows != "exporter" and DATASETS[key] is not _load_world194:
        raise DataError(f"{name}: flows = {flows!r}: only world194 offers a choice of record")
    if base is not None:
        if DATASETS[key] is not _load_icio194:
            raise DataError(f"{name}: base= is for icio194 (its icio2023 year) only")
        return _load_icio194(key, year, tariffs, base)
    if DATASETS[key] in (_load_tradecube, _load_icio194):
        return DATASETS[key](key, year, tariffs)  # type: ignore[call-arg]
    if DATASETS[key] is _load_world194:
        return _load_world194(key, year, flows)
    return DATASETS[key](key, year)


def datasets() -> pd.DataFrame:
    """One row per embedded dataset: name, years, countries, sectors, IO links, source, license.

    Examples
    --------
    >>> import autarky as ak
    >>> int(ak.datasets().loc["icio2023", "countries"])
    81
    """
    rows = []
    for name in DATASETS:
        m = manifest()[name]
        rows.append({
            "name": name,
            "years": f"{m['years'][0]}-{m['years'][-1]}",
            "countries": m["countries"],
            "sectors": m["sectors"],
            "io_links": bool(m["has_io"]),
            "title": m["title"],
            "source": m["source"],
            "license": m["license"],
            "citation": m["citation"],
        })
    return pd.DataFrame(rows).set_index("name")


def sector_classes(name: str) -> dict[str, list[str]]:
    """Sector classes of an embedded dataset (``{class: [codes]}``), from the manifest.

    Classes: goods, services, travel, tourism, energy, food, ... (empty for other worlds;
    a World's own declaration is :attr:`autarky.World.sector_classes`).
    """
    return dict(manifest().get(name.lower(), {}).get("sector_classes", {}))


def sector_table(world: World) -> pd.DataFrame:
    """One row per sector of a World: name and classes (comma-separated), indexed by code."""
    names = list(world.dataset.attrs.get("sector_names", world.sectors))
    by_sector: dict[str, list[str]] = {s: [] for s in world.sectors}
    for cls, members in world.sector_classes.items():
        for s in members:
            by_sector[s].append(cls)
    return pd.DataFrame(
        {"name": names, "classes": [", ".join(by_sector[s]) for s in world.sectors]},
        index=pd.Index(world.sectors, name="code"))



@cache
def _elasticity_table() -> pd.DataFrame:
    return pd.read_csv(_embedded() / "elasticities.csv")


def elasticity_sources() -> pd.DataFrame:
    """The published sources in the elasticity catalog, with citations."""
    return pd.read_csv(_embedded() / "elasticity_sources.csv").set_index("source")


DEFAULT_SOURCE = "median"
"""The default elasticity source: per sector, the median of the published estimates.

Why: the published sources disagree most where an estimate is imprecise (Caliendo-Parro
2015 Table 1: petroleum 64.85, autos 1.12), and one imprecise sector can decide the sign of
a result. The median is not moved by one outlying estimate, lies inside the published range
for every sector, and needs no hand-picked cap."""

PLACEHOLDER_SOURCES = ("uniform4", "in-sample")
"""Catalog sources that are not published sectoral estimates: one aggregate number for
every sector (uniform4, Simonovska and Waugh 2014), and the in-sample vector (estimated on
the same data by the tariffwar package, with 4.00 where its estimator has no value)."""

GAP_FILL = 4.0
"""The value the tariffwar compilation puts where a source has no estimate for a sector
(e.g. Giri et al. 2021 and Caliendo-Parro 2015 for services): no published table in the
catalog has an estimate of exactly 4.00 (imf-dots of the reference data:
elasticities_native_from_sources.csv), so a 4.00 counts as a gap, not an estimate."""

NOT_ONE_TO_ONE = {("fgo2022", 8.35)}
"""Mapped values (source, value) that do not stand for the sectors they are mapped to:
Fontagne et al. (2022) Table 8 gives 8.35 for 'Other community, social, personal
services', a product-level (goods, tariff-based) estimate for the goods of that TiVA group,
which the compilation maps to every services sector (icio2023 SERV and TRAVEL, wiod2016
SERV, wiod2013 c17-c35)."""

MIN_ESTIMATES = 3
"""A sector whose median rests on fewer published estimates is named in the notes."""

DERIVED_SOURCES = {
    "median": "per sector, the median of the published sectoral estimates in the catalog "
              "(cp2015, shapiro2016, bsy2021, gyy2021, fgo2022, ll2023; placeholders left "
              "out: uniform4, in-sample, 4.00 gap fills, Fontagne et al.'s services value), "
              "computed at load; a sector without any published estimate takes the "
              "aggregate theta = 4 (Simonovska and Waugh 2014); attrs['count'] gives the "
              "number of estimates per sector.",
}
"""Sources computed from the published ones (not published themselves): name -> rule."""


def published_estimates(sub: pd.DataFrame) -> pd.DataFrame:
    """One dataset's catalog rows that are published sectoral estimates.

    Left out: :data:`PLACEHOLDER_SOURCES`, :data:`GAP_FILL`, :data:`NOT_ONE_TO_ONE`.
    """
    keep = ~sub["source"].isin(PLACEHOLDER_SOURCES) & (sub["theta"] != GAP_FILL)
    pairs = list(zip(sub["source"], sub["theta"].round(2), strict=True))
    keep &= ~pd.Series([p in NOT_ONE_TO_ONE for p in pairs], index=sub.index)
    return sub[keep]


def _derived(sub: pd.DataFrame, source: str) -> pd.Series:
    """A derived source (:data:`DERIVED_SOURCES`) from one dataset's catalog rows.

    The number of estimates behind each sector's value is in ``attrs['count']``.
    """
    sectors = list(dict.fromkeys(sub["sector"]))
    pub = published_estimates(sub)
    med = pub.groupby("sector")["theta"].median().reindex(sectors)
    count = pub.groupby("sector")["theta"].size().reindex(sectors).fillna(0).astype(int)
    out = med.fillna(ONE_SECTOR_THETA["uniform4"]).astype(float)
    out.attrs["count"] = count.rename("estimates")
    few = count[count < MIN_ESTIMATES]
    if len(few):
        out.attrs["note"] = (
            "per sector, the median of the published sectoral estimates (cp2015, "
            "shapiro2016, bsy2021, gyy2021, fgo2022, ll2023; placeholders left out); "
            f"{len(few)} sectors rest on fewer than {MIN_ESTIMATES}: "
            + ", ".join(f"{k} {v}" for k, v in few.items())
            + "; a sector with none takes the aggregate theta = 4 (Simonovska and Waugh 2014)")
    return out


def elasticities(dataset: str, source: str = DEFAULT_SOURCE) -> pd.Series:
    """Sectoral trade elasticities (theta) from a published source, mapped to a dataset.

    Parameters
    ----------
    dataset : str
        An embedded dataset name ('icio2023', 'wiod2013', 'wiod2016').
    source : str
        One of ``elasticity_sources().index``: 'cp2015', 'uniform4', 'shapiro2016',
        'bsy2021', 'gyy2021', 'fgo2022', 'll2023', 'in-sample', or a derived source of
        :data:`DERIVED_SOURCES` ('median', the default: per sector, the median of the
        published estimates among them, their number in ``attrs['count']``).

    Returns
    -------
    pandas.Series
        Indexed by the dataset's sector codes, named ``theta``.

    Examples
    --------
    >>> import autarky as ak
    >>> float(ak.elasticities("icio2023", "uniform4").max())
    4.0
    """
    tab = _elasticity_table()
    key = (dataset.lower(), source)
    hit = _ELASTICITIES.get(key)
    if hit is None or hit[0] is not tab:
        hit = _ELASTICITIES[key] = (tab, _elasticities(tab, dataset, source))
    return hit[1].copy(deep=True)  # attrs (count, se, note) are copied too


_ELASTICITIES: dict[tuple[str, str], tuple[pd.DataFrame, pd.Series]] = {}
"""Computed :func:`elasticities` by (dataset, source), each with the catalog table it came
from: a Series is reused only while :func:`_elasticity_table` returns that same table (a
test or a caller that swaps the table gets its own numbers); callers get a copy."""


def _elasticities(tab: pd.DataFrame, dataset: str, source: str) -> pd.Series:
    """:func:`elasticities` from the catalog table ``tab``."""
    ds = dataset.lower()
    ds = str(manifest().get(ds, {}).get("elasticity_dataset", ds))  # icio194: icio2023's
    one = manifest().get(ds, {}).get("elasticity_default")
    if one is not None:
        return _one_sector_elasticity(ds, source, str(one))
    if ds not in set(tab["dataset"]):
        raise DataError(f"elasticities: no catalog for dataset {dataset!r}; "
                        f"available: {', '.join(sorted(set(tab['dataset'])))}")
    sub = tab[tab["dataset"] == ds]
    if source in DERIVED_SOURCES:
        s = _derived(sub, source)
        s.name = "theta"
        s.index.name = "sector"
        s.attrs.update(source=source, dataset=ds, rule=DERIVED_SOURCES[source])
        return s
    if source not in set(sub["source"]):
        raise DataError(f"elasticities: unknown source {source!r}; available: "
                        f"{', '.join(sorted(set(sub['source']) | set(DERIVED_SOURCES)))}")
    s = sub[sub["source"] == source].set_index("sector")["theta"].astype(float)
    s.index.name = "sector"
    s.name = "theta"
    s.attrs["source"] = source
    s.attrs["dataset"] = ds
    if "se" in sub.columns:  # published standard errors, where the catalog carries them
        se = sub[sub["source"] == source].set_index("sector")["se"].astype(float)
        if se.notna().all():
            se.index.name = "sector"
            s.attrs["se"] = se.rename("se")
    return s


ONE_SECTOR_THETA = {"uniform4": 4.0}
"""Aggregate trade elasticities for a one-sector world: theta = 4, Simonovska and Waugh
(2014), The elasticity of trade: Estimates and evidence, Journal of International Economics
92(1) (their preferred estimate)."""


def _one_sector_elasticity(ds: str, source: str, default: str) -> pd.Series:
    """A one-sector world has no sectors to map sectoral estimates to: one aggregate theta.

    Sectoral sources (cp2015, ...) estimate elasticities of sector-level trade, not of a
    whole economy's; asked for one of them, the world's aggregate default is used and the
    Series says so (``attrs['note']``, printed with results).
    """
    sources = set(_elasticity_table()["source"]) | set(DERIVED_SOURCES)
    if source not in sources and source not in ONE_SECTOR_THETA:
        raise DataError(f"elasticities: unknown source {source!r}; available: "
                        f"{', '.join(sorted(sources | set(ONE_SECTOR_THETA)))}")
    used = source if source in ONE_SECTOR_THETA else default
    with _npz(ds) as d:
        sectors = [str(s) for s in d["sectors"]]
    s = pd.Series(ONE_SECTOR_THETA[used], index=pd.Index(sectors, name="sector"), name="theta")
    s.attrs["source"] = used
    s.attrs["dataset"] = ds
    s.attrs["note"] = (
        f"{ds} has one aggregate sector: theta = {ONE_SECTOR_THETA[used]:g} "
        "(Simonovska and Waugh 2014)"
        + ("" if used == source else
           f", the aggregate default used in place of the sectoral source {source!r}"))
    return s
