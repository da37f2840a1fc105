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

TRADECUBE_LICENSE = (
    "Derived from OECD ICIO / WIOD tables (CC BY 4.0) and the Teti Global Tariff Database "
    "as compiled by A. Lashkaripour (github.com/ahmadlp/tariffwar, commit 9863698); the "
    "compilation carries no license of its own."
)


# Sector classes per dataset, by sector code (ISIC Rev. 4 for icio2023 / wiod2016, NACE
# Rev. 1.1 for wiod2013, as in the sector names). Scenarios and presets name a class
# ('goods', 'services', ...) and each World resolves it from its manifest entry. 'goods'
# are the sectors not in 'services'; 'tourism' only where hotels, restaurants, air
# transport and travel agencies are separate sectors; 'energy': coal, crude oil and gas,
# refined petroleum (and electricity and gas supply where separate); 'food': agriculture
# (and fishing) and food products.
SECTOR_CLASSES = {
    "icio2023": {
        "services": ["SERV"],
        "energy": ["B05", "B06", "C19"],
        "food": ["A01", "A03", "C10T12"],
    },
    "wiod2016": {
        "services": ["SERV"],
        "energy": ["C19"],
        "food": ["A", "C10T12"],
    },
    "wiod2013": {
        "services": [f"c{k}" for k in range(17, 36)],
        "tourism": ["c22", "c25", "c26"],
        "energy": ["c8", "c17"],
        "food": ["c1", "c3"],
    },
}


def sector_classes(name: str, sectors: list[str]) -> dict[str, list[str]]:
    """The manifest's 'sector_classes' of a dataset: 'goods' spelled out, in data order."""
    decl = SECTOR_CLASSES[name]
    out = {"goods": [s for s in sectors if s not in decl["services"]]}
    for cls, codes in decl.items():
        missing = [c for c in codes if c not in sectors]
        if missing:
            raise SystemExit(f"{name}: sector class {cls!r} names unknown sectors {missing}")
        out[cls] = [s for s in sectors if s in codes]
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


def build_elasticities(shared: Path, wiod13_codes: list[str]) -> dict:
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
    for key, by_sector in tables["wiod2016"].items():
        for code in wiod13_codes:
            groups = WIOD13_TO_WIOD16[code]
            val = float(np.mean([by_sector[g] for g in groups]))
            rows.append({"dataset": "wiod2013", "source": key, "sector": code, "theta": val})
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
    return {"file": path.name, "rows": len(rows),
            "wiod2013_mapping": {k: v for k, v in WIOD13_TO_WIOD16.items()}}


def build_us_tariffs(shared: Path) -> dict:
    """US 'reciprocal' tariffs of April 2025 by partner: iso3, name, rate (fraction)."""
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
    us_imports = [matrix[k][us] for k in range(len(labels))]
    path = OUT / "us_tariffs_2025.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["iso3", "name", "rate", "us_imports_kusd"])
        for lab, rate, imp in zip(labels, rates, us_imports, strict=True):
            w.writerow([lab["iso3"], lab["CountryName"], f"{rate:g}", f"{imp:.0f}"])
    return {
        "file": path.name,
        "source_sha256": sha256(src / "tariffs.csv"),
        "partners": len(rates),
        "title": "US 'reciprocal' tariff rates announced in April 2025, by trading partner",
        "source": "github.com/ahmadlp/us-tariff (commit 2b79aa1), "
                  "data/reciprocal_tariffs/tariffs.csv and country_labels.csv; US imports by "
                  "partner from trade_cepii.csv (CEPII BACI, thousand USD, year not documented "
                  "upstream)",
        "license": "The compiled CSVs carry no license; the rates are public policy facts "
                   "(Executive Order 14257 of 2 April 2025, Annex I)",
        "citation": "Executive Order 14257, Regulating Imports with a Reciprocal Tariff, "
                    "2 April 2025; as compiled by A. Lashkaripour, github.com/ahmadlp/us-tariff",
        "note": "rate = applied_tariff (fraction); us_imports_kusd = the partner's exports to "
                "the US in trade_cepii.csv (row = exporter), used only as weights.",
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
        "sector_classes": sector_classes("icio2023", list(ICIO_SECTORS)),
    }
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
        "sector_classes": sector_classes("wiod2013", list(WIOD13_SECTORS)),
    }
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
