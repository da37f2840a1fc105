"""Build the inputs of the embedded dataset ``icio194`` (icio2023 with its ROW split).

Run from the repository root (``scripts/build_data.py`` calls :func:`build_icio194`; this
module also runs alone and then updates only the ``icio194`` entry of the manifest)::

    python scripts/build_icio194.py [--shared ../shared/data]

What it writes (``src/autarky/data/embedded/icio194.npz``, a few hundred KB): the inputs
of the split, not the split world itself. The loader (``autarky.data.icio194``) composes
the 194-economy world at load time from icio2023 of the same year and these inputs, by
the rules written in that module's docstring, so that icio194 always agrees with the
icio2023 shipped beside it (and 194 x 194 x 29 float arrays for eight years need not be
stored: about 70 MB raw).

* ``countries``: the 194 economies (icio2023's 80 and the 114 members), sorted;
  ``members``: those 114, by rule M1.

Rule M1 (members): the economies of the 194-economy list of Ignatenko, Lashkaripour,
Macedoni and Simonovska (2025) (the rows of ``imf-dots/dots2019_X_fob_194.csv``) that
world194 keeps (DOTS records their trade: the Cayman Islands and Turks and Caicos, with no
record at all, are dropped there by its rule W0) and that icio2023 does not have (it has
Taiwan and Sao Tome and Principe, which are not in the list). This was world194's own
economy list when icio194 was first built. The 16 economies world194 added later from their
partners' records (its rule W4: AIA ASM CUB FLK FRO GIB GUM MSR NRU PRK PSE SMR TUV VAT WSM
XKX; 0.2% of world goods trade in 2019) are not members: their trade stays inside
icio2023's ROW totals, which the split distributes over the 114 members.
* ``dots_{Y}`` (Y = 2015 ... 2020): goods trade [exporter, importer] among the 194, million
  USD, float32, from the IMF DOTS long file as world194 reads its matrices: the exporter's
  record (exports f.o.b.), or where the exporter reports nothing the importer's record
  (imports c.i.f.) / 1.10. Taiwan and Sao Tome and Principe, which are not DOTS reporters,
  appear through their partners' records.
* ``gdp_{Y}`` (Y = 2015 ... 2022): WDI NY.GDP.MKTP.CD, million USD, for all 194 (NaN where
  WDI has no value for an icio2023 economy); a member without a same-year value is
  repaired (rule G1 below) and the repair stored in ``repairs_{Y}`` as a sentence the
  loader raises as a RepairWarning.
* ``fta_{Y}``: 1 where both economies of a pair are parties in year Y to the EAEU customs
  union or to the CIS free-trade area (:data:`AGREEMENTS`, membership by date).

Rule W5 (ship registries, as in world194: ``scripts/ship_registries.py``): in each DOTS
year, Liberia's and the Marshall Islands' recorded imports (and the Marshall Islands'
exports), which carry ships flagged there that never enter them, are scaled with every
partner to the median ratio to GDP of the economies of comparable size, before the split;
the sentences are stored in ``repairs_{Y}`` and every changed flow in ``repair_cells_{Y}``
(2021 and 2022 repeat 2020's, whose DOTS they use). Rule G1 below reads the DOTS record
before W5 (so W5 changes nothing but the registries' flows).

Rule G1 (missing GDP): a member without WDI GDP for the year takes its DOTS goods trade
(exports + imports) that year times the median ratio of GDP to goods trade of the members
with both; WDI values of earlier years are not used (Venezuela's last, 2014, is several
times its later size).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
from ship_registries import ship_registries

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "autarky" / "data" / "embedded"

DOTS_YEARS = list(range(2015, 2021))
YEARS = list(range(2015, 2023))
MEMBER_LIST = "dots2019_X_fob_194.csv"
"""The 194-economy list of Ignatenko, Lashkaripour, Macedoni and Simonovska (2025), as the
rows of this IMF DOTS extract (rule M1)."""
CIF_FOB = 1.10
"""IMF DOTS convention: imports c.i.f. = 1.10 x exports f.o.b. (as in world194)."""

GDP_GROUPS = {"FRA": ["FRA", "MCO"], "CHE": ["CHE", "LIE"], "USA": ["USA", "PRI", "VIR"]}
"""WDI GDP summed as world194 sums it (DOTS folds these territories in too)."""

# Membership by date. A party counts from the first calendar year in which the agreement
# is in force for it on 1 July (annual data: in force for at least half the year).
AGREEMENTS: dict[str, dict[str, object]] = {
    "EAEU": {
        "name": "Eurasian Economic Union customs union (internal tariffs zero)",
        "parties": {"RUS": 2015, "BLR": 2015, "KAZ": 2015, "ARM": 2015, "KGZ": 2016},
        "source": "Treaty on the Eurasian Economic Union, Astana, 29 May 2014, in force 1 "
                  "January 2015 (Belarus, Kazakhstan, Russia: customs union since 2010); "
                  "Treaty on Armenia's accession, 10 October 2014, in force 2 January 2015; "
                  "Treaty on Kyrgyzstan's accession, 23 December 2014, in force 12 August "
                  "2015 (so from 2016 here); member list as kept by the Eurasian Economic "
                  "Commission (eec.eaeunion.org).",
    },
    "CIS-FTA": {
        "name": "CIS free-trade area (tariffs among parties zero)",
        "parties": {"RUS": 2013, "BLR": 2013, "UKR": 2013, "ARM": 2013, "KAZ": 2013,
                    "MDA": 2013, "KGZ": 2014, "UZB": 2015, "TJK": 2016},
        "source": "Treaty on a Free Trade Area, St Petersburg, 18 October 2011: in force for "
                  "Russia, Belarus and Ukraine from 20 September 2012, Armenia 17 October "
                  "2012, Kazakhstan 8 December 2012, Moldova 9 December 2012, Kyrgyzstan 13 "
                  "December 2013, Tajikistan 24 December 2015 (so from 2016 here); "
                  "Uzbekistan by the Protocol of 31 May 2013 (in force before 2015). "
                  "Russia suspended the treaty for Ukraine from 1 January 2016 (Decree No. "
                  "628 of 16 December 2015); both are icio2023 economies, whose mutual "
                  "tariffs icio194 keeps as icio2023 has them. Not modelled: Russia's "
                  "duties on 19 groups of Moldovan goods from 2014 (Government Resolution "
                  "No. 736 of 21 July 2014), a partial exception.",
    },
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dots_matrices(shared: Path, codes: list[str]) -> dict[int, np.ndarray]:
    """Goods trade [exporter, importer] among ``codes`` per DOTS year, million USD."""
    dots = shared / "imf-dots"
    names = pd.read_csv(dots / "dots_name_iso3.csv").dropna()
    iso = dict(zip(names["dots_name"], names["iso3"], strict=True))
    d = pd.read_csv(dots / "dots_long_2015_2020.csv.gz", dtype={"flag": str})
    d["i"] = d["reporter"].map(iso)
    d["j"] = d["partner"].map(iso)
    idx = {c: k for k, c in enumerate(codes)}
    d = d[d["i"].isin(idx) & d["j"].isin(idx) & (d["i"] != d["j"])]
    out = {}
    N = len(codes)
    for year in DOTS_YEARS:
        s = d[d["year"] == year]
        x = np.zeros((N, N))
        m = np.zeros((N, N))
        xf = s[s["flow"] == "X_FOB"]
        np.add.at(x, (xf["i"].map(idx).to_numpy(), xf["j"].map(idx).to_numpy()),
                  xf["usd_millions"].to_numpy(float))
        mc = s[s["flow"] == "M_CIF"]  # reporter imports from partner: flow partner -> reporter
        np.add.at(m, (mc["j"].map(idx).to_numpy(), mc["i"].map(idx).to_numpy()),
                  mc["usd_millions"].to_numpy(float))
        trade = np.where((x <= 0) & (m > 0), m / CIF_FOB, np.maximum(x, 0.0))
        np.fill_diagonal(trade, 0.0)
        out[year] = trade
    return out


def gdp_table(shared: Path, codes: list[str]) -> pd.DataFrame:
    """WDI GDP (million USD) [code, year] for 2015-2022, territories summed as world194."""
    wdi = pd.read_excel(shared / "gdp-current" / "GDP_wdi_raw.xls",
                        sheet_name="Data_stata").set_index("Country Code")
    rows = {}
    for c in codes:
        vals = []
        for y in YEARS:
            col = f"gdp{y}"
            if c in wdi.index and np.isfinite(wdi.loc[c, col]):
                vals.append(sum(float(wdi.loc[g, col]) for g in GDP_GROUPS.get(c, [c])
                                if g in wdi.index and np.isfinite(wdi.loc[g, col])) / 1e6)
            else:
                vals.append(np.nan)
        rows[c] = vals
    return pd.DataFrame.from_dict(rows, orient="index", columns=YEARS)


def ship_registry_repairs(codes: list[str], trade: np.ndarray, gdp: np.ndarray, tag: str
                          ) -> tuple[np.ndarray, list[str], list[str]]:
    """World194's rule W5 (``scripts/ship_registries.py``) on one DOTS matrix, before the
    split: returns the matrix with only the scaled flows changed (to thousand USD, as in
    world194; every other flow exactly as read), the sentences and the cells."""
    repaired, repairs, cells = ship_registries(codes, trade, gdp, tag)
    changed = repaired != np.round(trade, 3)
    return np.where(changed, repaired, trade), repairs, cells


def fta_mask(codes: list[str], year: int) -> np.ndarray:
    """1 where both economies are parties to one of :data:`AGREEMENTS` in ``year``."""
    N = len(codes)
    mask = np.zeros((N, N), dtype=np.uint8)
    for agr in AGREEMENTS.values():
        parties = agr["parties"]
        assert isinstance(parties, dict)
        on = np.array([c in parties and parties[c] <= year for c in codes])
        mask |= (on[:, None] & on[None, :]).astype(np.uint8)
    np.fill_diagonal(mask, 0)
    return mask


def member_list(shared: Path, out_dir: Path, icio: list[str]) -> list[str]:
    """The members by rule M1 (module docstring): the economies of the 194-economy list
    (the index of ``imf-dots/dots2019_X_fob_194.csv``) that world194 keeps (DOTS records
    their trade) and icio2023 does not have."""
    import pandas as pd

    listed = list(pd.read_csv(shared / "imf-dots" / MEMBER_LIST, index_col=0).index)
    with np.load(out_dir / "world194.npz") as w:
        w194 = {str(c) for c in w["countries"]}
    return sorted(c for c in listed if c in w194 and c not in icio)


def build_icio194(shared: Path, out_dir: Path = OUT) -> dict:
    """Write icio194.npz; return its manifest entry."""
    from autarky.data.icio194 import __doc__ as compose_rules

    with np.load(out_dir / "icio2023.npz") as d:
        icio = [str(c) for c in d["countries"] if str(c) != "ROW"]
    members = member_list(shared, out_dir, icio)
    codes = sorted(set(icio) | set(members))
    dots = dots_matrices(shared, codes)
    gdp = gdp_table(shared, codes)
    ships = {y: ship_registry_repairs(codes, dots[y], gdp[y].to_numpy(float), f"icio194 {y}")
             for y in DOTS_YEARS}
    recorded = dict(dots)  # rule G1 reads the DOTS record as read (before W5)
    for y in DOTS_YEARS:
        dots[y] = ships[y][0]
    out: dict[str, np.ndarray] = {
        "countries": np.array(codes), "members": np.array(members),
        "years": np.array(YEARS), "dots_years": np.array(DOTS_YEARS),
    }
    is_member = np.array([c in set(members) for c in codes])
    repairs_all: dict[str, list[str]] = {}
    ship_all: dict[str, list[str]] = {}
    for y in DOTS_YEARS:
        out[f"dots_{y}"] = dots[y].astype(np.float32)
    for y in YEARS:
        g = gdp[y].to_numpy(float)
        t = recorded[min(y, DOTS_YEARS[-1])]
        trade = t.sum(axis=0) + t.sum(axis=1)
        ok = is_member & np.isfinite(g) & (trade > 0)
        ratio = float(np.median(g[ok] / trade[ok]))
        repairs = []
        for k in np.flatnonzero(is_member & ~np.isfinite(g)):
            g[k] = ratio * trade[k]
            repairs.append(
                f"icio194 {y}: {codes[k]}: WDI has no GDP in current USD for {y}; GDP set to "
                f"its DOTS goods trade ({trade[k]:,.0f} million USD) times the members' "
                f"median ratio of GDP to goods trade ({ratio:.3f}): {g[k]:,.0f} million USD "
                "(rule G1)")
        dy = min(y, DOTS_YEARS[-1])
        w5, cells = ships[dy][1], ships[dy][2]
        if dy != y:
            w5 = [r.replace(f"icio194 {dy}:", f"icio194 {y} (DOTS {dy}):", 1) for r in w5]
        out[f"gdp_{y}"] = g
        out[f"repairs_{y}"] = np.array(w5 + repairs, dtype=str)
        out[f"repair_cells_{y}"] = np.array(cells, dtype=str)
        out[f"fta_{y}"] = fta_mask(codes, y)
        repairs_all[str(y)] = repairs
        ship_all[str(y)] = w5
    path = out_dir / "icio194.npz"
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **out)
    tmp.replace(path)
    return {
        "file": path.name,
        "source_sha256": sha256(shared / "imf-dots" / "dots_long_2015_2020.csv.gz"),
        "years": YEARS, "countries": len(codes), "sectors": 29, "has_io": True,
        "elasticity_dataset": "icio2023",
        "members": members,
        "title": "icio2023 with its rest of the world split into the 114 economies it "
                 "contains: 194 economies x 29 sectors with tariffs and input-output links, "
                 "2015-2022",
        "source": "icio2023 of the same year (OECD ICIO 2023 extended; Teti GTD tariffs; "
                  "compiled by A. Lashkaripour; IO links from OECD ICIO 2023 for 2020) with "
                  "ROW split by IMF Direction of Trade Statistics goods trade 2015-2020 "
                  "(per-reporter extracts as collected in github.com/SamLeBlanc/"
                  "Direction-of-Trade-Map, commit a0b40af; 2021-2022 take 2020's) and World "
                  "Bank WDI GDP (NY.GDP.MKTP.CD, current USD)",
        "license": "OECD ICIO: CC BY 4.0 (OECD terms, attribution); Teti GTD and the tariffwar "
                   "compilation: no license stated; IMF DOTS: free to use with citation (IMF "
                   "terms); WDI: CC BY 4.0",
        "citation": "OECD (2023), Inter-Country Input-Output Database, http://oe.cd/icio; "
                    "Teti, F. (2024), Missing tariffs, CESifo Working Paper 11590; "
                    "International Monetary Fund, Direction of Trade Statistics (DOTS); World "
                    "Bank, World Development Indicators, NY.GDP.MKTP.CD.",
        "agreements": AGREEMENTS,
        "gdp_repairs": repairs_all,
        "ship_registry_repairs": ship_all,
        "build_rules": __doc__,
        "rules": compose_rules,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    entry = build_icio194(args.shared)
    mpath = OUT / "manifest.json"
    manifest = json.loads(mpath.read_text())
    manifest["icio194"] = entry
    tmp = mpath.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n")
    tmp.replace(mpath)
    print(f"{entry['file']}: {(OUT / entry['file']).stat().st_size / 1e6:.2f} MB, "
          f"{entry['countries']} economies, years {YEARS[0]}-{YEARS[-1]}")


if __name__ == "__main__":
    main()
