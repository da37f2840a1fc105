"""Published numbers to set beside each preset's result: what they measure, and why ours may differ.

Every record is a number read from the publication it cites (its abstract, text or a
table; ``read_from`` says where), with its unit, what it measures, the economies it is
about, and one line on why a static Caliendo-Parro (2015) result on the project's data may
differ from it. None is a target the engine is fitted to, except where the why-line says
so (two-blocs is calibrated to the Campos et al. 2023 trade range).

Records are kept by preset name (``autarky.presets.PRESETS``, plus ``nash`` and the
``liberation-day`` presets of :mod:`autarky.liberation`); a parameterised preset
(``autarky:USA``) gets the records of its base name that concern that economy.

>>> from autarky import literature
>>> literature.comparators("sanctions")[0].short
'Flach et al. (2024)'
>>> print(literature.lines("tariff-war")[0])  # doctest: +ELLIPSIS
Ossa (2014): -2.9 % (average) -- government welfare... Why it may differ: ...
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["COMPARATORS", "UNVERIFIED", "Comparator", "comparators", "lines", "names"]


@dataclass(frozen=True)
class Comparator:
    """One published number (``value``) or range (``low`` to ``high``) and its context."""

    short: str
    """Short citation for a printed line, e.g. 'Ossa (2014)'."""
    measure: str
    """What the number measures, e.g. 'US real income, change, 2018 tariffs incl. retaliation'."""
    unit: str
    economies: tuple[str, ...]
    """ISO3 codes, or names of groups ('world', 'Western bloc')."""
    citation: str
    why: str
    """One line on why the engine's number may differ (model class, dynamics, data year)."""
    read_from: str
    """Where in the publication the number was read."""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str = ""
    """'up to', 'more than', 'about' or '' when the source states the number exactly."""

    def __post_init__(self) -> None:
        if self.value is not None:
            if self.low is not None or self.high is not None:
                raise ValueError(f"{self.short}: give a value or low and high, not both")
        elif self.low is None or self.high is None:
            raise ValueError(f"{self.short}: give a value or both low and high")
        elif self.low > self.high:
            raise ValueError(f"{self.short}: low {self.low} above high {self.high}")

    def number(self) -> str:
        """The number as printed: '-2.9', 'up to -4.6', '-57 to -22'."""
        if self.value is not None:
            text = f"{self.value:+g}"
        else:
            text = f"{self.low:+g} to {self.high:+g}"
        return f"{self.qualifier} {text}".strip()

    def line(self) -> str:
        """One printable line: source, number, unit, measure, economies, why it may differ."""
        who = ", ".join(self.economies)
        return (f"{self.short}: {self.number()} {self.unit} -- {self.measure} [{who}]. "
                f"Why it may differ: {self.why}")


# ----------------------------------------------------------------------------- citations

_CAMPOS = ("Campos, R. G., Estefania-Flores, J., Furceri, D. and Timini, J. (2023), "
           "Geopolitical fragmentation and trade, Journal of Comparative Economics 51(4), "
           "1289-1315.")
_GOES = ("Goes, C. and Bekkers, E. (2022), The impact of geopolitical conflicts on trade, "
         "growth, and innovation, WTO Staff Working Paper ERSD-2022-09; and their VoxEU "
         "column of the same title (2022).")
_JAVORCIK = ("Javorcik, B., Kitzmueller, L., Schweiger, H. and Yildirim, M. A. (2024), "
             "Economic costs of friend-shoring (journal version 2024; CID Faculty Working "
             "Paper 422, Harvard, 2022; chapter in CEPR-IMF eBook Geoeconomic "
             "Fragmentation, 2023, 29-38).")
_ARW = ("Amiti, M., Redding, S. J. and Weinstein, D. E. (2019), The Impact of the 2018 "
        "Tariffs on Prices and Welfare, Journal of Economic Perspectives 33(4), 187-210.")
_FGKK = ("Fajgelbaum, P. D., Goldberg, P. K., Kennedy, P. J. and Khandelwal, A. K. (2020), "
         "The Return to Protectionism, Quarterly Journal of Economics 135(1), 1-55.")
_FLACH = ("Flach, L., Heiland, I., Larch, M., Steininger, M. and Teti, F. A. (2024), "
          "Quantifying the partial and general equilibrium effects of sanctions on Russia, "
          "Review of International Economics 32(1), 281-323.")
_OSSA = ("Ossa, R. (2014), Trade Wars and Trade Talks with Data, American Economic Review "
         "104(12), 4104-4146.")
_CRC2018 = ("Costinot, A. and Rodriguez-Clare, A. (2018), The US Gains From Trade: "
            "Valuation Using the Demand for Foreign Factor Services, Journal of Economic "
            "Perspectives 32(2), 3-24.")
_KNOBEL = ("Knobel, A., Lipin, A., Malokostov, A., Tarr, D. G. and Turdyeva, N. (2019), Deep "
           "integration in the Eurasian Economic Union: what are the benefits of successful "
           "implementation or wider liberalization?, Eurasian Geography and Economics 60(2), "
           "177-210.")
_DF = ("Djankov, S. and Freund, C. (2002), Trade flows in the former Soviet Union, 1987 to "
       "1996, Journal of Comparative Economics 30(1), 76-90 (working papers: Federal Reserve "
       "IFDP 618, 1998; World Bank PRWP 2378, 2000).")
_ILMS = ("Ignatenko, A., Lashkaripour, A., Macedoni, L. and Simonovska, I. (2025), Making "
         "America Great Again? The Economic Impacts of Liberation Day Tariffs, Journal of "
         "International Economics 157, 104138.")
_YALE = ("The Budget Lab at Yale (2025), Where We Stand: The Fiscal, Economic, and "
         "Distributional Effects of All U.S. Tariffs Enacted in 2025 Through April 2.")

# ----------------------------------------------------------------------------- records

_WHY_STATIC = ("ours is a static, perfectly competitive multi-sector model with "
               "input-output links and no technology diffusion")

_BLOCS: tuple[Comparator, ...] = (
    Comparator(
        "Campos et al. (2023)", "trade between the blocs, change, most extreme "
        "fragmentation scenarios", "%", ("Western bloc", "Eastern bloc"), _CAMPOS,
        "the bloc presets are calibrated to this range (two-blocs: its midpoint, -low and "
        "-high: its ends), so trade agrees by construction; welfare is not a target",
        "range quoted from the source in autarky.presets (two-blocs assumptions)",
        low=-57.0, high=-22.0),
    Comparator(
        "Goes and Bekkers (2022)", "global real income (welfare) in 2040 against a "
        "baseline, decoupling into a US-centred and a China-centred bloc", "%", ("world",),
        _GOES,
        "a dynamic model in which ideas diffuse through trade, which they show magnifies "
        "losses; " + _WHY_STATIC + "; their blocs follow foreign-policy similarity",
        "VoxEU column summary ('would reduce global welfare in 2040 compared to a "
        "baseline by about 5%')", value=-5.0, qualifier="about"),
    Comparator(
        "Goes and Bekkers (2022)", "welfare, decoupling, the worst-hit regions (lower "
        "income regions)", "%", ("regions of the world",), _GOES,
        "losses of that size come from lost technology spillovers, a channel the engine "
        "does not have; its region aggregation differs from the data's economies",
        "WTO ERSD-2022-09 abstract ('as large as 12% in some regions')",
        value=-12.0, qualifier="up to"),
    Comparator(
        "Javorcik et al. (2024)", "global real GDP, friend-shoring (trade cost rises "
        "between politically distant countries)", "% of global GDP", ("world",), _JAVORCIK,
        "their blocs follow political alignment and their cost shock and elasticities "
        "differ; 'up to' is their most severe scenario, ours is one calibrated barrier",
        "CID Working Paper 422 abstract ('up to 4.6% of global GDP')",
        value=-4.6, qualifier="up to"),
)

_US_CHINA: tuple[Comparator, ...] = (
    Comparator(
        "Amiti, Redding and Weinstein (2019)", "US real income loss (deadweight loss) by "
        "the end of 2018, 2018 tariffs", "billion USD per month", ("USA",), _ARW,
        "an ex-post estimate on 2018 prices with full pass-through, short run and partial "
        "equilibrium; ours is a long-run general equilibrium on the dataset's baseline year, "
        "with the increases on every goods sector",
        "JEP abstract ('a reduction in aggregate US real income of $1.4 billion per month "
        "by the end of 2018')", value=-1.4),
    Comparator(
        "Fajgelbaum et al. (2020)", "US aggregate real income, change, 2018 tariffs "
        "including retaliation", "% of GDP", ("USA",), _FGKK,
        "estimated on 2018 product-level data with the tariffs' actual incidence; ours "
        "spreads the average increase over every goods sector of a 2022 baseline",
        "QJE abstract ('the aggregate real income loss was $7.2 billion, or 0.04% of GDP')",
        value=-0.04),
)

_SANCTIONS: tuple[Comparator, ...] = (
    Comparator(
        "Flach et al. (2024)", "Russia's real income, change, sanctions and "
        "countersanctions of 2014-2019 (estimated)", "%", ("RUS",), _FLACH,
        "the 2014-2019 sanctions were partial; the preset is a full embargo by the "
        "2022 coalition, so it is closer to their decoupling scenario",
        "abstract ('a loss in real income in Russia by 0.3%')", value=-0.3),
    Comparator(
        "Flach et al. (2024)", "Russia's real income, change, full decoupling of the EU "
        "and its allies from Russia", "%", ("RUS",), _FLACH,
        "their coalition, sectors and gravity-estimated trade costs differ from the "
        "preset's 430-r coalition and prohibitive costs; data years differ",
        "abstract ('would increase this effect to over 4%')", value=-4.0,
        qualifier="more than"),
)

_OSSA_WAR = Comparator(
    "Ossa (2014)", "government welfare, change, from a breakdown of trade policy "
    "cooperation (Nash tariff war), average over the seven regions", "% (average)",
    ("world",), _OSSA,
    "Nash tariffs averaging 63% with political-economy weights, monopolistic "
    "competition and seven regions on 2007 data; tariff-war adds a uniform 25 points",
    "abstract ('average 2.9 percent')", value=-2.9)
_OSSA_TARIFFS = (
    Comparator(
        "Ossa (2014)", "optimal tariffs (no retaliation), average", "%", ("world",), _OSSA,
        "his optimal tariffs include profit-shifting and political-economy motives "
        "(Krugman and Grossman-Helpman elements) that the engine lacks",
        "abstract ('optimal tariffs average 62 percent')", value=62.0),
    Comparator(
        "Ossa (2014)", "world trade war (Nash) tariffs, average", "%", ("world",), _OSSA,
        "seven regions and 2007 data against the dataset's economies and year; the "
        "engine's Nash game has perfect competition only",
        "abstract ('world trade war tariffs average 63 percent')", value=63.0),
)

_CRC = Comparator(
    "Costinot and Rodriguez-Clare (2018)", "US gains from trade (the loss from autarky), "
    "range of the estimates they review", "% of GDP", ("USA",), _CRC2018,
    "their range spans one-sector to multi-sector models with intermediate goods and "
    "several elasticities; ours is one model, one elasticity source and one data year",
    "article summary ('range from 2 to 8 percent of GDP')", low=-8.0, high=-2.0)

_KNOBEL_RECORDS: tuple[Comparator, ...] = tuple(
    Comparator(
        "Knobel et al. (2019)", "welfare, change, EAEU deep integration (lower time in "
        "trade, non-tariff barriers and services barriers among members)",
        "% of consumption", (iso,), _KNOBEL,
        "a CGE model with monopolistic competition, FDI and services reforms built on "
        "surveys of barriers; the presets remove an average FTA-sized gravity effect in a "
        "perfectly competitive model",
        "abstract (Eurasian Geography and Economics)", value=v)
    for iso, v in (("BLR", 4.8), ("KAZ", 1.7), ("RUS", 0.8), ("ARM", 3.1))
)
_KNOBEL_WIDE: tuple[Comparator, ...] = tuple(
    Comparator(
        "Knobel et al. (2019)", "welfare, change, EAEU deep integration partly extended to "
        "third countries", "% of consumption", (iso,), _KNOBEL,
        "includes reforms towards non-members that the presets do not model",
        "abstract (Eurasian Geography and Economics)", value=v)
    for iso, v in (("BLR", 7.2), ("KAZ", 6.3), ("RUS", 3.6), ("ARM", 4.5))
)
_OPPOSITE = " (opposite shock: compare with the preset's sign reversed)"
_TARIFFS_ONLY = ("their gains come from lowering non-tariff, time-in-trade and services "
                 "barriers; the customs-union preset changes tariffs only (zero internal "
                 "tariffs, a common external tariff): the two measure different reforms")
_UNION = tuple(c for c in _KNOBEL_RECORDS if c.economies[0] in ("BLR", "RUS"))


def _rewhy(records: tuple[Comparator, ...], text: str,
           replace_why: bool = False) -> tuple[Comparator, ...]:
    """The same records with the why-line extended (or replaced) for another preset."""
    return tuple(replace(c, why=text if replace_why else c.why + text) for c in records)


_DJANKOV = Comparator(
    "Djankov and Freund (2002)", "trade among Russian regions relative to trade with "
    "other former Soviet republics, gravity estimate, 1994-96 (none in 1987-90)",
    "% more trade", ("RUS", "former Soviet republics"), _DF,
    "a trade-flow fact, not welfare: the post-Soviet border of the mid-1990s (about ln 1.6, "
    "the -lower variant), smaller than the border members' goods trade shows in the "
    "data today, which the headline removes",
    "abstract ('traded 60 percent more with each other than with republics')", value=60.0)

_ILMS_RECORDS = {
    "liberation-day": (1.13, "US welfare, change, April 2025 tariffs, no retaliation, "
                             "revenue cuts income taxes (Table 1)"),
    "liberation-day-reciprocal": (-0.36, "US welfare, change, April 2025 tariffs, "
                                         "reciprocal retaliation (Table 2)"),
    "liberation-day-optimal-retaliation": (-0.75, "US welfare, change, April 2025 tariffs, "
                                                  "optimal retaliation (Table 2)"),
}
_ILMS_IO = Comparator(
    "Ignatenko et al. (2025)", "US welfare, change, April 2025 tariffs with optimal "
    "retaliation, multi-sector with input-output links", "%", ("USA",), _ILMS,
    "their robustness model with sectors and input-output links (181 countries, 2019); "
    "the engine's us-tariffs-2025 uses the dataset's sectors and no retaliation",
    "abstract ('declines by up to 3.38%')", value=-3.38, qualifier="up to")
_ILMS_LUMP = Comparator(
    "Ignatenko et al. (2025)", "US welfare, change, April 2025 tariffs, no retaliation, "
    "revenue rebated lump sum (Table 1)", "%", ("USA",), _ILMS,
    "the US gain needs tariff revenue to cut income taxes; with a lump-sum rebate it is "
    "gone",
    "Table 1 (as reproduced in tests/test_liberation.py)", value=-0.01)
_YALE_RECORDS = (
    Comparator(
        "Budget Lab at Yale (2025)", "US real GDP, long run, April 2 tariffs alone, no "
        "retaliation", "%", ("USA",), _YALE,
        "a macro model of GDP (not welfare), with the tariffs actually in force; the "
        "engine measures real income in a static trade model",
        "key takeaways ('in the long-run, the US economy is persistently -0.4 and -0.6% "
        "smaller')", value=-0.4),
    Comparator(
        "Budget Lab at Yale (2025)", "US real GDP, long run, all 2025 tariffs through "
        "April 2 with retaliation", "%", ("USA",), _YALE,
        "covers the Section 232 and IEEPA tariffs and retaliation, which the preset "
        "leaves out",
        "key takeaways (all 2025 tariffs, retaliation to date included)", value=-0.6),
)


def _ilms(name: str) -> tuple[Comparator, ...]:
    v, measure = _ILMS_RECORDS[name]
    same = Comparator(
        "Ignatenko et al. (2025)", measure, "%", ("USA",), _ILMS,
        "same model and baseline: the preset reproduces this number "
        "(tests/test_liberation.py); a gap would be an error, not a modelling difference",
        "Tables 1-2 (as reproduced in tests/test_liberation.py)", value=v)
    return (same, _ILMS_IO) + (_YALE_RECORDS if name == "liberation-day" else ())


_US_TARIFFS_ILMS = Comparator(
    "Ignatenko et al. (2025)", _ILMS_RECORDS["liberation-day"][1], "%", ("USA",), _ILMS,
    "their one-sector model with elastic labour supply keeps the US deficit the tariffs "
    "target; us-tariffs-2025 removes deficits first (balanced baseline) and rebates "
    "revenue lump sum",
    "Table 1 (as reproduced in tests/test_liberation.py)", value=1.13)

COMPARATORS: dict[str, tuple[Comparator, ...]] = {
    "two-blocs": _BLOCS,
    "two-blocs-low": _BLOCS,
    "two-blocs-high": _BLOCS,
    "three-blocs": _BLOCS,
    "us-china-2018-19": _US_CHINA,
    "sanctions": _SANCTIONS,
    "tariff-war": (_OSSA_WAR,),
    "nash": _OSSA_TARIFFS + (_OSSA_WAR,),
    "world-autarky": (_CRC,),
    "autarky": (_CRC,),
    "eaeu-customs-union": _rewhy(_KNOBEL_RECORDS, _TARIFFS_ONLY, replace_why=True),
    "eaeu-deep-integration": _KNOBEL_RECORDS + _KNOBEL_WIDE,
    "union-state": _UNION,
    "eaeu-dissolution": _rewhy(_KNOBEL_RECORDS, _OPPOSITE),
    "union-state-dissolution": _rewhy(_UNION, _OPPOSITE),
    "eurasian-macro-state": (_DJANKOV,) + _rewhy(
        _KNOBEL_RECORDS, "their reform is deep integration among EAEU members; the macro-state "
        "removes each member pair's whole estimated goods border among twelve republics, a "
        "far larger shock", replace_why=True),
    "liberation-day": _ilms("liberation-day"),
    "liberation-day-reciprocal": _ilms("liberation-day-reciprocal"),
    "liberation-day-optimal-retaliation": _ilms("liberation-day-optimal-retaliation"),
    "us-tariffs-2025": (_US_TARIFFS_ILMS, _ILMS_LUMP, _ILMS_IO) + _YALE_RECORDS,
}
"""Preset name -> its comparators (parameterised presets by their base name)."""

UNVERIFIED: dict[str, str] = {
    "world-autarky": "Costinot and Rodriguez-Clare (2014), Handbook of International "
                     "Economics vol. 4, Table 4.3 (gains from trade by country, WIOD 2008): "
                     "the table could not be read from any source available here",
    "two-blocs": "Aiyar et al. (2023), IMF SDN/2023/001: the long-run output cost of trade "
                 "fragmentation (0.2% to 7% of global output as reported by the press) was "
                 "not read in the note itself",
}
"""Comparators the issue names whose numbers could not be read from the publication."""


def names() -> list[str]:
    """Preset names with comparators."""
    return list(COMPARATORS)


def comparators(preset_name: str) -> list[Comparator]:
    """The comparators of a preset (``autarky:USA``: those of 'autarky' about USA).

    A name with no comparators gives an empty list.
    """
    base, _, param = preset_name.partition(":")
    out = list(COMPARATORS.get(base, ()))
    if param:
        codes = {c.strip().upper() for c in param.split(",")}
        out = [c for c in out if codes & set(c.economies)]
    return out


def lines(preset_name: str) -> list[str]:
    """Printable lines for a result of ``preset_name``.

    One line per comparator; records that differ only in the economy (one number per
    country from the same source and measure) share a line: 'BLR +4.8, RUS +0.8 %'.
    """
    groups: dict[tuple[str, str, str, str], list[Comparator]] = {}
    for c in comparators(preset_name):
        groups.setdefault((c.short, c.measure, c.unit, c.why), []).append(c)
    out = []
    for (short, measure, unit, why), group in groups.items():
        if len(group) == 1:
            out.append(group[0].line())
            continue
        numbers = ", ".join(f"{'/'.join(c.economies)} {c.number()}" for c in group)
        out.append(f"{short}: {numbers} {unit} -- {measure}. Why it may differ: {why}")
    return out
