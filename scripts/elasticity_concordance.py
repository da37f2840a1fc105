"""Concordance of the WIOD sectors to each elasticity source's own sectors (issue 27).

Used by ``scripts/build_data.py``. For wiod2013 (35 WIOD 2013 sectors) and wiod2016 (16
WIOD 2016 groups) every goods sector is mapped to the sectors of each published source in
that source's own classification (the labels of ``elasticities_native_from_sources.csv`` in
../shared/data/elasticities, which carries the table and page of each value):

* one label: the source has our sector (or the one sector containing it): its value;
* several labels: our sector spans those of the source's sectors: their mean, every label
  weighted equally (stated in the table's ``weights`` column), e.g. wiod2016 C16T18 (wood
  and paper) = mean of a source's wood and paper; wiod2013 c6 (wood) and c7 (paper) take
  wood and paper separately;
* no entry: the source has no estimate for the sector (Giri et al. 2021 cover
  manufacturing only; no source estimates services): the compiled 4.00 gap fill stays and
  is left out of the median (``autarky.data.embedded_data.GAP_FILL``).

Bagwell-Staiger-Yurukoglu (2021) estimate by SITC Rev. 2 groups; a group is assigned to the
ISIC sector that makes its products (SITC 0-09 food except live animals, cereals, fruit and
vegetables, coffee and fish, which are agriculture and fishing; SITC 24 cork and wood and
63 wood manufactures to wood; 68,69 non-ferrous metals and manufactures of metal to basic
and fabricated metals; 75,76 office and telecommunications machines and 87,88 instruments
to computer, electronic and optical; 81-82, 89 to other manufacturing). The written table
is ``embedded/elasticity_concordance.csv`` (dataset, sector, source, labels, weights,
theta, table).
"""

from __future__ import annotations

L = tuple[str, ...]

# Each source's labels for one WIOD 2013 goods sector (c1-c16). Sources: cp2015 (Caliendo
# and Parro 2015, Table 1), fgo2022, gyy2021, ll2023, shapiro2016, bsy2021.
WIOD13: dict[str, dict[str, L]] = {
    "c1": {"cp2015": ("Agriculture",),
           "fgo2022": ("Agriculture, hunting, forestry, fishing",),
           "ll2023": ("Agriculture and Mining",),
           "shapiro2016": ("Agriculture, forestry",),
           "bsy2021": ("Live animals (SITC 0)", "Cereals (SITC 4)",
                       "Vegetables and fruit (SITC 5,22)", "Coffee, tea, spices (SITC 7)",
                       "Seafood (SITC 3)", "Textile fibers (SITC 26)",
                       "Crude rubber (SITC 23)", "Crude materials n.e.s. (SITC 29)")},
    "c2": {"cp2015": ("Mining",), "fgo2022": ("Mining and quarrying",),
           "ll2023": ("Agriculture and Mining",), "shapiro2016": ("Mining",),
           "bsy2021": ("Coal (SITC 32)", "Petroleum (SITC 33,34)", "Metal ores (SITC 28)")},
    "c3": {"cp2015": ("Food",), "fgo2022": ("Food products, beverages, tobacco",),
           "gyy2021": ("Food products", "Beverages and Tobacco"), "ll2023": ("Food",),
           "shapiro2016": ("Food, beverages, tobacco",),
           "bsy2021": ("Meat (SITC 1)", "Dairy (SITC 2)", "Sugar (SITC 6)",
                       "Feeding stuff (SITC 8)", "Misc. edible (SITC 9)", "Beverages (SITC 11)",
                       "Tobacco (SITC 12)", "Animal oils and fats (SITC 41,42,43)")},
    "c4": {"cp2015": ("Textiles",), "fgo2022": ("Textiles, leather, footwear",),
           "gyy2021": ("Textiles", "Wearing apparel"),
           "ll2023": ("Textiles, Leather, Footwear",),
           "shapiro2016": ("Textiles", "Apparel, leather"),
           "bsy2021": ("Fabrics (SITC 65)", "Travel goods and bags (SITC 83,84)")},
    "c5": {"cp2015": ("Textiles",), "fgo2022": ("Textiles, leather, footwear",),
           "gyy2021": ("Leather products", "Footwear"),
           "ll2023": ("Textiles, Leather, Footwear",), "shapiro2016": ("Apparel, leather",),
           "bsy2021": ("Hides and skins (SITC 21,61)", "Footwear (SITC 85)")},
    "c6": {"cp2015": ("Wood",), "fgo2022": ("Wood and products of wood/cork",),
           "gyy2021": ("Wood products",), "ll2023": ("Wood",), "shapiro2016": ("Wood",),
           "bsy2021": ("Cork and wood (SITC 24)", "Wood manufactures (SITC 63)")},
    "c7": {"cp2015": ("Paper",), "fgo2022": ("Pulp, paper, printing, publishing",),
           "gyy2021": ("Paper and printing",), "ll2023": ("Paper",),
           "shapiro2016": ("Paper, printing",),
           "bsy2021": ("Pulp and waste paper (SITC 25)", "Paper manufactures (SITC 64)")},
    "c8": {"cp2015": ("Petroleum",), "fgo2022": ("Coke, refined petroleum, nuclear fuel",),
           "ll2023": ("Petroleum",), "shapiro2016": ("Petroleum, coal, minerals",),
           "bsy2021": ("Petroleum (SITC 33,34)",)},
    "c9": {"cp2015": ("Chemicals",), "fgo2022": ("Chemicals and chemical products",),
           "gyy2021": ("Other chemicals",), "ll2023": ("Chemicals",),
           "shapiro2016": ("Chemicals, rubber, plastics",),
           "bsy2021": ("Organic chemicals (SITC 51)", "Inorganic chemicals (SITC 52)",
                       "Dyeing and tanning (SITC 53)", "Pharmaceutical (SITC 54)",
                       "Fertilizers (SITC 27,55,56,57)", "Resins (SITC 58)",
                       "Chemical (SITC 59)")},
    "c10": {"cp2015": ("Plastics",), "fgo2022": ("Rubber and plastics products",),
            "gyy2021": ("Rubber products", "Plastic products"),
            "ll2023": ("Rubber and Plastic",), "shapiro2016": ("Chemicals, rubber, plastics",),
            "bsy2021": ("Rubber manufactures (SITC 62)",)},
    "c11": {"cp2015": ("Minerals",), "fgo2022": ("Other non-metallic mineral products",),
            "gyy2021": ("Pottery", "Glass products", "Other non-metallic minerals"),
            "ll2023": ("Minerals",), "shapiro2016": ("Petroleum, coal, minerals",),
            "bsy2021": ("Nonmetallic mineral mfg (SITC 66)",)},
    "c12": {"cp2015": ("Basic metals", "Metal products"),
            "fgo2022": ("Basic metals", "Fabricated metal products"),
            "gyy2021": ("Iron and steel", "Fabricated metal products"),
            "ll2023": ("Basic and Fabricated Metals",), "shapiro2016": ("Metals",),
            "bsy2021": ("Iron and steel (SITC 67)", "Nonferrous metals (SITC 68,69)")},
    "c13": {"cp2015": ("Machinery n.e.c.",), "fgo2022": ("Machinery and equipment n.e.c.",),
            "ll2023": ("Machinery",), "shapiro2016": ("Machinery, electrical",),
            "bsy2021": ("Power generating machinery (SITC 71)",
                        "Specialized machinery (SITC 72,73,74)")},
    "c14": {"cp2015": ("Office", "Electrical", "Communication", "Medical"),
            "fgo2022": ("Computer, electronic, optical equipment",
                        "Electrical machinery and apparatus"),
            "gyy2021": ("Machinery, electric",),
            "ll2023": ("Electrical and Optical Equipment",),
            "shapiro2016": ("Machinery, electrical",),
            "bsy2021": ("Office machines (SITC 75,76)", "Electrical machinery (SITC 77)",
                        "Scientific instruments (SITC 87,88)")},
    "c15": {"cp2015": ("Auto", "Other transport"),
            "fgo2022": ("Motor vehicles, trailers, semi-trailers",
                        "Other transport equipment"),
            "gyy2021": ("Transport equipment",), "ll2023": ("Transport Equipment",),
            "shapiro2016": ("Transport equipment",),
            "bsy2021": ("Road vehicles (SITC 78)", "Other transport equipment (SITC 79)")},
    "c16": {"cp2015": ("Other manufacturing",), "fgo2022": ("Manufacturing n.e.c.; recycling",),
            "gyy2021": ("Furniture",), "ll2023": ("N.E.C. and Recycling",),
            "shapiro2016": ("Other",),
            "bsy2021": ("Furniture and parts (SITC 82)", "Misc manufactures (SITC 89)")},
}
"""wiod2013 goods sector -> {source: the source's own sector labels (equal weights)}."""


def _union(*codes: str, drop: dict[str, L] | None = None) -> dict[str, L]:
    """The labels of several WIOD 2013 sectors together (each label once)."""
    out: dict[str, L] = {}
    for c in codes:
        for src, labels in WIOD13[c].items():
            out[src] = tuple(dict.fromkeys(out.get(src, ()) + labels))
    out.update(drop or {})
    return out


WIOD16: dict[str, dict[str, L]] = {
    "A": WIOD13["c1"], "B": WIOD13["c2"], "C10T12": WIOD13["c3"],
    "C13T15": _union("c4", "c5"), "C16T18": _union("c6", "c7"), "C19": WIOD13["c8"],
    "C20T21": WIOD13["c9"], "C22T23": _union("c10", "c11"),
    "C24": {"cp2015": ("Basic metals",), "fgo2022": ("Basic metals",),
            "gyy2021": ("Iron and steel",), "ll2023": ("Basic and Fabricated Metals",),
            "shapiro2016": ("Metals",),
            "bsy2021": ("Iron and steel (SITC 67)", "Nonferrous metals (SITC 68,69)")},
    # fabricated metals (SITC 69) sit in BSY's non-ferrous group, as for icio2023 C25
    "C25": {"cp2015": ("Metal products",), "fgo2022": ("Fabricated metal products",),
            "gyy2021": ("Fabricated metal products",),
            "ll2023": ("Basic and Fabricated Metals",), "shapiro2016": ("Metals",),
            "bsy2021": ("Nonferrous metals (SITC 68,69)",)},
    "C26": {"cp2015": ("Office", "Communication", "Medical"),
            "fgo2022": ("Computer, electronic, optical equipment",),
            "gyy2021": ("Machinery, electric",),
            "ll2023": ("Electrical and Optical Equipment",),
            "shapiro2016": ("Machinery, electrical",),
            "bsy2021": ("Office machines (SITC 75,76)", "Scientific instruments (SITC 87,88)")},
    "C27": {"cp2015": ("Electrical",), "fgo2022": ("Electrical machinery and apparatus",),
            "gyy2021": ("Machinery, electric",),
            "ll2023": ("Electrical and Optical Equipment",),
            "shapiro2016": ("Machinery, electrical",),
            "bsy2021": ("Electrical machinery (SITC 77)",)},
    "C28": WIOD13["c13"], "C29T30": WIOD13["c15"], "C31T33": WIOD13["c16"],
}
"""wiod2016 goods group -> {source: the source's own sector labels (equal weights)}."""

CONCORDANCE = {"wiod2013": WIOD13, "wiod2016": WIOD16}
