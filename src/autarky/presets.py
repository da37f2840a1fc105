"""Named scenarios for the systems in the project's design table, in a registry.

Each preset carries what it models (description), the choices it makes (assumptions)
and where its membership lists and numbers come from (sources). None is endorsed: every
preset is computed the same way, with its assumptions printed beside its numbers.

>>> import autarky as ak
>>> "two-blocs" in ak.presets.names()
True
>>> ak.presets.get("autarky:RUS").components[0].countries
('RUS',)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from autarky import presets_eurasia
from autarky.data.scenario_data import us_tariffs_2025
from autarky.errors import ScenarioError
from autarky.scenario import (
    Autarky,
    BlocSplit,
    BorderRemoval,
    CustomsUnion,
    FreeTradeArea,
    Sanction,
    Scenario,
    TariffChange,
    TariffSchedule,
)
from autarky.scenario.resolve import _codes

__all__ = [
    "DEFAULT",
    "PRESETS",
    "Preset",
    "SWING_STATES",
    "BLOC_A",
    "BLOC_B",
    "BLOC_COST_HAT",
    "bloc_choice_scenarios",
    "KINDS",
    "bloc_membership",
    "default_world",
    "deficit_rule",
    "get",
    "kind",
    "listing",
    "names",
    "record",
    "templates",
    "swing_states",
    "table",
]

DEFAULT = "two-blocs"
"""The preset ``autarky run`` computes when none is named."""

BLOC_COST_HAT = 1.25
"""Starting rise in iceberg trade costs between blocs; the bloc presets are calibrated to
their target on the world they run on (:mod:`autarky.calibrate`, via :func:`autarky.run.solve`)."""

BLOC_A = "BLOC-WEST"
BLOC_B = "BLOC-EAST"
BLOC_NAMES = ("West (US-centred)", "East (China-centred)")

SWING_STATES = ("UKR", "TUR", "IND", "IDN", "BRA", "SAU", "ZAF", "MEX")
"""The swing states of ``bloc-choice`` on a world with ROW (those present in the data).

Kazakhstan and Viet Nam, swing states before the East bloc followed the ES-11/3 vote,
voted against it and are East members."""

_COMMON = (
    "Results are long-run changes between equilibria of the Caliendo-Parro (2015) model "
    "solved in changes; elasticities, the treatment of trade deficits and the policy for "
    "goods left without a supplier are solver options, printed with the results.",
)
_GROUPS = ("Country groups are resolved against the dataset: members that the data fold "
           "into ROW are left out and listed in the result's notes.")
_BLOC_MEMBERS = (
    "Bloc membership, applied to every economy of the data: East (China-centred) follows "
    "the Eastern-bloc rule of Campos et al. (2023): China with Hong Kong and Macao SARs, "
    "plus the 24 states that voted against UN General Assembly resolution ES-11/3 (7 April "
    "2022, suspension of Russia from the Human Rights Council). West (US-centred): the "
    "governments listed in Russian Government Order No. 430-r (5 March 2022) as adopting "
    "restrictive measures, without Ukraine (narrower than Campos et al.'s West, the 93 "
    "states voting in favour, whose full roll call is not in the package data). Every other "
    "economy, ROW included, is non-aligned; the result's notes list the members the data "
    "fold into ROW, and `autarky.presets.bloc_membership(world)` lists every economy.")
_BLOC_SOURCES = (
    "Campos, R. G., Estefania-Flores, J., Furceri, D. and Timini, J. (2023), Geopolitical "
    "fragmentation and trade, Journal of Comparative Economics 51(4), 1289-1315 (target: "
    "between-bloc trade falls by 22% to 57% in the most extreme scenarios; bloc rule).",
    "UN General Assembly resolution ES-11/3 (7 April 2022), recorded vote: 93 in favour, "
    "24 against, 58 abstentions.",
    "Aiyar, S. et al. (2023), Geoeconomic Fragmentation and the Future of Multilateralism, "
    "IMF Staff Discussion Note SDN/2023/001.",
    "WTO (2023), World Trade Report 2023: Re-globalization for a secure, inclusive and "
    "sustainable future, Geneva; Goes, C. and Bekkers, E. (2022), The impact of geopolitical "
    "conflicts on trade, growth, and innovation, WTO Staff Working Paper ERSD-2022-09.",
    "UN General Assembly resolution ES-11/1 (2 March 2022), recorded vote A/ES-11/PV.5.",
    "Russian Government Order No. 430-r of 5 March 2022 (list of governments that adopted "
    "restrictive measures).",
)


KINDS = ("equilibrium", "bloc-choice", "nash", "ilms")
"""What a preset computes: one counterfactual equilibrium of the engine; the bloc-choice
table (every swing state's options, :mod:`autarky.blocs`); a Nash tariff war
(:func:`autarky.nash`); or the Ignatenko et al. (2025) model on its own data
(:mod:`autarky.liberation`). :func:`autarky.service.run` runs every kind."""


@dataclass(frozen=True)
class Preset:
    """One record per preset: everything a run of it needs.

    ``build`` takes the parameter after the colon (``autarky:RUS`` -> 'RUS'), or None.
    ``kind`` is one of :data:`KINDS`; ``target`` the calibration target (the change in
    trade between blocs, %, solved for by :mod:`autarky.calibrate`) with ``target_text``
    saying what it is; ``settings`` the solver settings the preset needs and
    ``setting_notes`` the sentence that states and justifies each one (key -> text): the
    assumptions printed with a run are built from these declarations and the options
    actually used (:meth:`assumptions_for`). ``default_world`` is the dataset the preset
    runs on when none is named, and ``world_reason`` says why. ``params`` holds a kind's
    own parameters (e.g. ``retaliation`` of the ILMS presets).
    """

    name: str
    description: str
    assumptions: tuple[str, ...]
    sources: tuple[str, ...]
    build: Callable[[str | None], Scenario]
    parameter: str | None = None
    settings: tuple[tuple[str, str], ...] = ()
    default_world: str | None = None
    world_reason: str = ""
    kind: str = "equilibrium"
    target: float | None = None
    target_text: str = ""
    setting_notes: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"preset {self.name}: kind {self.kind!r} not in {KINDS}")

    @property
    def template(self) -> bool:
        """True when the preset needs a parameter (``autarky:ISO``)."""
        return self.parameter is not None

    def default_settings(self) -> dict[str, str]:
        """The solver settings the preset runs with unless a flag overrides them."""
        out = {"deficits": "fixed"} if self.kind in ("equilibrium", "bloc-choice") else {}
        return {**out, **dict(self.settings)}

    def assumptions_for(self, options: Any = None) -> tuple[str, ...]:
        """The preset's assumptions as true of ``options`` (default: its own settings).

        Each declared setting contributes its own sentence when the option used equals
        the preset's value; where a choice overrode it, a line naming the value used
        replaces it. No sentence is found by matching words.
        """
        lines = list(self.assumptions)
        notes = dict(self.setting_notes)
        for key, value in self.default_settings().items():
            used = value if options is None else str(getattr(options, key, value))
            if used == value:
                if key in notes:
                    lines.append(notes[key])
            else:
                lines.append(f"solver setting {key} = '{used}' as chosen, instead of the "
                             f"preset's own '{value}' (the notes describe the setting used).")
        return tuple(lines) + (_COMMON if self.kind in ("equilibrium", "bloc-choice") else ())

    def scenario(self, param: str | None = None) -> Scenario:
        """The Scenario, with this preset's name, description, assumptions and sources.

        For kinds other than ``equilibrium`` and ``bloc-choice`` it has no components:
        :func:`autarky.solve` refuses it and names the call that runs it.
        """
        if self.parameter is not None and param in (None, self.parameter):
            raise ScenarioError(f"preset {self.name!r} is a template: give its parameter, "
                                f"e.g. {self.name}:RUS ({self.name}:{self.parameter})")
        if self.parameter is None and param is not None:
            raise ScenarioError(f"preset {self.name!r} takes no parameter (got {param!r})")
        scn = self.build(param)
        name = self.name if param is None else f"{self.name}:{param}"
        desc = self.description if param is None else self.description.replace(
            self.parameter or "", param)
        return scn.with_info(name=name, description=desc, assumptions=self.assumptions_for(),
                             sources=self.sources, settings=self.settings)


def _autarky_one(param: str | None) -> Scenario:
    codes = _codes("autarky:ISO", param or "", allow_all=False)
    return Scenario((Autarky(codes),))


def _two_blocs(_: str | None = None) -> Scenario:
    return Scenario((BlocSplit(((BLOC_A,), (BLOC_B,)), BLOC_COST_HAT, names=BLOC_NAMES),))


def _three_blocs(_: str | None = None) -> Scenario:
    return Scenario((BlocSplit((("BLOC-WEST",), ("BLOC-CHINA",), ("EURASIAN-MACRO",)),
                               BLOC_COST_HAT,
                               names=("West (US-centred)", "China-centred", "Eurasian")),))


def _us_tariffs(_: str | None = None) -> Scenario:
    df = us_tariffs_2025().drop(index="USA", errors="ignore")
    rates = tuple((str(k), float(v)) for k, v in df["rate"].items())
    weights = tuple((str(k), float(v)) for k, v in df["us_imports_kusd"].items() if v > 0)
    return Scenario((TariffSchedule("USA", rates, ("us-reciprocal-2025",), "add",
                                    name="US reciprocal tariffs of Executive Order 14257",
                                    weights=weights),))


US_CHINA_2018_19 = (0.162, 0.131)
"""Rise in the average tariff of the US on goods from China and of China on goods from the
US over the 2018-2019 trade war, as left by the phase one agreement (14 February 2020):
US 3.1% -> 19.3% (+16.2 pp), China 8.0% -> 21.1% (+13.1 pp), trade-weighted averages of
Bown (PIIE)."""


def _us_china(_: str | None = None) -> Scenario:
    us, cn = US_CHINA_2018_19
    return Scenario((
        TariffChange(("USA",), ("CHN",), us, ("goods",), "add"),
        TariffChange(("CHN",), ("USA",), cn, ("goods",), "add"),
    ))


_AUTARKY_SOLVE = (("deficits", "zero"), ("unavailable", "floor"))
_AUTARKY_NOTES = (
    ("deficits", "Deficit rule 'zero': solved with trade deficits removed first (a country "
                 "that does not trade cannot run a deficit; with deficits kept, a closed "
                 "country's baseline surplus or deficit would vanish and its measured "
                 "real-income change would include that transfer)."),
    ("unavailable", "Goods that have no domestic production get a small domestic supply "
                    "(solver policy 'floor'), stated in the results with the goods it "
                    "concerns."),
)


_TARIFF_SOLVE = (("deficits", "zero"),)
_TARIFF_DEFICITS = (
    "Deficit rule 'zero' (trade deficits removed first, CP 2015 balanced baseline; Ossa "
    "2014): a tariff is a long-run policy and deficits are not; with deficits fixed in "
    "units of world value added, a small economy with a large baseline deficit gains or "
    "loses from the fixed transfer alone when its wage moves (tariff-war on icio2023 2022 "
    "with cp2015 elasticities: Sao Tome and Principe -0.39% with fixed deficits against "
    "-2.55% balanced, Saudi Arabia -4.89% against -2.50%).")
_TARIFF_NOTES = (("deficits", _TARIFF_DEFICITS),)


def _p(name: str, description: str, assumptions: tuple[str, ...], sources: tuple[str, ...],
       build: Callable[[str | None], Scenario], parameter: str | None = None,
       settings: tuple[tuple[str, str], ...] = (), world: tuple[str, str] | None = None,
       **more: Any) -> Preset:
    notes = dict(more.pop("setting_notes", ()))
    if more.get("kind", "equilibrium") in ("equilibrium", "bloc-choice"):
        notes.setdefault("deficits", DEFICIT_RULES.get(name, _FIXED_OBSERVED))
    more["setting_notes"] = tuple(notes.items())
    return Preset(name, description, assumptions, sources, build, parameter, settings,
                  *(world or (None, "")), **more)


def _none(_: str | None = None) -> Scenario:
    return Scenario(())


_BETA = math.log(2.0)
"""Gravity effect of an average free-trade agreement on members' log trade (Baier and
Bergstrand 2007: about a doubling after ten years)."""
_BB2007 = ("Baier, S. L. and Bergstrand, J. H. (2007), Do free trade agreements actually "
           "increase members' international trade?, Journal of International Economics "
           "71(1), 72-95 (an FTA on average about doubles members' bilateral trade after "
           "ten years).")
_BORDER = 2.47445
"""Gravity effect of an international border on log trade (Yotov, Piermartini, Monteiro and
Larch 2016, ch. 2, "trade without borders", 2006: INTL_BRDR = -2.47445, robust s.e. 0.119;
reproduced by :mod:`autarky.gravity` in tests/test_yotov.py)."""
_YPML2016 = ("Yotov, Y. V., Piermartini, R., Monteiro, J.-A. and Larch, M. (2016), An "
             "Advanced Guide to Trade Policy Analysis: The Structural Gravity Model, WTO and "
             "UNCTAD, chapter 2 ('trade without borders', 69 countries, manufacturing, 2006): "
             "the international-border coefficient -2.47445 (robust s.e. 0.119), re-estimated "
             "by autarky.gravity on the guide's data to rounding.")
_W194 = ("icio194", "icio194 separates every member (icio2023 with its rest of the world "
         "split into the economies it contains: 194 economies, 29 sectors, input-output "
         "links; icio2023 folds Armenia, Azerbaijan, Georgia, Kyrgyzstan, Moldova, "
         "Tajikistan, Turkmenistan and Uzbekistan into ROW, world194 has one sector)")
_W194_EAEU = _W194
_TARIFF_ONLY = ("icio194", "a tariff-only preset: icio194 separates every member; its "
                "tariffs are icio2023's, whose rest of the world carries none, so only pairs "
                "among the members icio2023 separates (BLR, KAZ, RUS, UKR) and the common "
                "external tariff of the others move (world194 carries no tariffs at all)")



_ILMS_FOLDER = "../shared/data/us-tariff-2025"
"""Where the Ignatenko et al. (2025) baseline sits beside a checkout (reference data, not
packaged); :data:`autarky.liberation.DATA_FOLDER`."""
_ILMS_PRESETS = (("liberation-day", "none"), ("liberation-day-reciprocal", "reciprocal"),
                 ("liberation-day-optimal-retaliation", "optimal"))
_ILMS_DESCRIPTIONS = {
    "liberation-day": "The April 2025 US tariffs (max(10%, the published rate) on every "
                      "partner), no retaliation, in the ILMS (2025) one-sector model on "
                      "their 194-country 2023 baseline.",
    "liberation-day-reciprocal": "The April 2025 US tariffs, every partner setting the same "
                                 "rate on US goods (ILMS 2025 model and baseline).",
    "liberation-day-optimal-retaliation": "The April 2025 US tariffs, every partner setting "
                                          "its optimal tariff on US goods (ILMS 2025 model, "
                                          "two-region formula).",
}
_ILMS_ASSUMPTIONS = ("Their model, not the engine's: elastic labour supply (kappa 0.5), tariff "
                     "revenue cutting income taxes, a roundabout share of sales, transfers "
                     "fixed as a share of world income, trade elasticity 4; data in "
                     f"{_ILMS_FOLDER} (autarky run NAME --world FOLDER).",)
_ILMS_SOURCES = ("Ignatenko, A., Lashkaripour, A., Macedoni, L., Simonovska, I. (2025), Making "
                 "America Great Again? The Economic Impacts of Liberation Day Tariffs, Journal "
                 "of International Economics 157, 104138 (NBER w33771); data: "
                 "github.com/ahmadlp/us-tariff, CEPII BACI 2023, World Bank WDI.",)

# ---------------------------------------------------------------- deficit rules

_FIXED_OBSERVED = (
    "Deficit rule 'fixed' (CP 2015 default: each country's deficit kept at its baseline "
    "value in units of world value added): the preset's barriers are calibrated to, or "
    "reported as, changes in the trade flows observed in the data, deficits included; "
    "removing the deficits first would change the flows the calibration refers to. Small "
    "economies with large baseline deficits relative to income can show a transfer effect; "
    "'autarky run --deficits zero' gives the balanced-trade result.")
DEFICIT_RULES: dict[str, str] = {
    "status-quo": "Deficit rule 'fixed': the check is that the data as observed, deficits "
                  "included, are an equilibrium.",
    "sanctions": "Deficit rule 'fixed': the embargo is a change in who may trade with whom, "
                 "not a long-run policy across all partners, and the coalition and the "
                 "target keep trading with everyone else; the observed deficits are kept "
                 "(CP 2015 default). 'autarky run --deficits zero' gives the balanced-trade "
                 "result.",
    "no-tourism": "Deficit rule 'fixed': tourism receipts finance many small economies' "
                  "deficits; keeping the deficits (CP 2015 default) measures the loss of "
                  "those receipts at given external financing, the reading the preset asks "
                  "for; 'autarky run --deficits zero' gives the balanced-trade result.",
    **{k: _FIXED_OBSERVED for k in ("two-blocs", "three-blocs", "bloc-choice", "cis-fta",
                                    "eaeu-customs-union", "union-state",
                                    "eurasian-macro-state")},
}
"""Why each preset of the 'fixed' deficit rule uses it (others: :data:`_FIXED_OBSERVED`);
the autarky and tariff presets declare their 'zero' rule in their own records."""



PRESETS: dict[str, Preset] = {p.name: p for p in (
    _p("status-quo",
       "Today's globalised world: the calibrated baseline, with every change (hat) equal "
       "to one.",
       ("Nothing changes; the solve checks that the baseline is an equilibrium.",),
       (),
       lambda _: Scenario(())),
    _p("world-autarky",
       "Every nation self-sufficient: prohibitive trade costs on all international trade.",
       ("Every international flow in every sector becomes prohibitively costly; domestic "
        "trade costs do not change.",
        "Trade among the economies a dataset folds into ROW is domestic to ROW in the data "
        "and cannot be closed, so ROW's loss is understated: it is the loss of a ROW that "
        "stays integrated internally. On world194 (no ROW) every economy closes. How much: "
        "scripts/issue17_results.py merges the 114 economies icio2023 folds into ROW into "
        "one ROW on world194 and compares its world-autarky loss with the income-weighted "
        "loss of the same economies closed one by one (same model and data): -5.61% "
        "against -5.65% in 2019, -5.15% against -5.37% in 2020 (cp2015), so the "
        "understatement is 0.04 to 0.23 percentage points there.",
        "With balanced trade, no tariffs and no input-output links the welfare change has "
        "the closed form W^ = prod_j pi_nnj^(alpha_nj / theta_j) (Arkolakis, Costinot and "
        "Rodriguez-Clare 2012; Costinot and Rodriguez-Clare 2014)."),
       ("Arkolakis, C., Costinot, A. and Rodriguez-Clare, A. (2012), New Trade Models, Same "
        "Old Gains?, American Economic Review 102(1).",
        "Costinot, A. and Rodriguez-Clare, A. (2014), Trade Theory with Numbers, Handbook of "
        "International Economics vol. 4."),
       lambda _: Scenario((Autarky(("all",)),)), settings=_AUTARKY_SOLVE,
       setting_notes=_AUTARKY_NOTES),
    _p("autarky",
       "One nation self-sufficient: prohibitive trade costs on ISO's imports and exports.",
       ("All of the country's imports and exports, in every sector, become prohibitively "
        "costly; trade among all other countries is unchanged.",),
       (),
       _autarky_one, parameter="ISO", settings=_AUTARKY_SOLVE,
       setting_notes=_AUTARKY_NOTES),
    _p("cis-fta",
       "Commonwealth of Independent States free-trade area: zero tariffs among the parties "
       "to the 2011 CIS free-trade treaty that the data show separately.",
       ("Tariffs among the parties are set to zero in every sector; their tariffs on "
        "everyone else and all trade costs are unchanged.",
        "The treaty is applied among all of its parties as signed; later suspensions (Russia "
        "for Ukraine from 2016) are not modelled.",
        _GROUPS),
       ("Treaty on a Free Trade Area, St Petersburg, 18 October 2011, and the protocol on "
        "Uzbekistan's accession (2013).",),
       lambda _: Scenario((FreeTradeArea(("CIS-FTA",), name="CIS FTA"),)),
       world=_TARIFF_ONLY),
    _p("eaeu-customs-union",
       "Eurasian Economic Union customs union: free internal trade and a common external "
       "tariff.",
       ("Tariffs among members are zero; every member levies the same tariff on imports "
        "from non-members, sector by sector: the members' average applied tariff on those "
        "imports weighted by baseline flows (the actual common external tariff is close to "
        "Russia's schedule, which dominates the weights). It replaces every member's "
        "preferences with third countries, and lowers some members' tariffs on outsiders, "
        "so trade with the rest of the world need not fall.",
        "Non-tariff trade costs are unchanged.",
        _GROUPS),
       ("Treaty on the Eurasian Economic Union, Astana, 29 May 2014, and the accession "
        "treaties of Armenia and Kyrgyzstan (2014).",),
       lambda _: Scenario((CustomsUnion(("EAEU",), name="EAEU"),)), world=_TARIFF_ONLY),
    *(_p(**r) for r in presets_eurasia.records(_GROUPS)),
    _p("two-blocs",
       "A world split into two great-power blocs, in the style of the IMF SDN/2023/001 and "
       "WTO (2023) fragmentation simulations: iceberg trade costs between a US-centred and "
       "a China-centred bloc rise by the amount that cuts trade between the blocs by "
       "39.5%; other countries trade freely with both.",
       (_BLOC_MEMBERS,
        "Calibration target: trade between the blocs (all sectors, both directions) falls "
        "by 39.5%, the midpoint of the 22% to 57% fall Campos et al. (2023) report for "
        "their most extreme fragmentation scenarios (range quoted from the source; the "
        "midpoint is this preset's choice). The between-bloc cost rise is solved for on "
        "the world the preset runs on, with the run's elasticities (a 1-D root find over "
        "full equilibria), and printed with the result; the variants two-blocs-low and "
        "two-blocs-high target the ends of the range.",
        "Between-bloc iceberg trade costs rise by the same factor in every sector, both "
        "directions; tariffs and trade costs within blocs and with non-aligned countries "
        "are unchanged.",
        _GROUPS),
       _BLOC_SOURCES,
       _two_blocs, target=-39.5,
       target_text="the midpoint of the -22% to -57% range of Campos et al. 2023; the "
                   "midpoint is this package's choice, not a published scenario"),
    _p("two-blocs-low",
       "two-blocs calibrated to the low end of Campos et al. (2023): trade between the "
       "blocs falls by 22%.",
       (_BLOC_MEMBERS,
        "Calibration target: trade between the blocs falls by 22%, the low end of the "
        "range Campos et al. (2023) report (quoted from the source); solved for on the "
        "world the preset runs on, as in two-blocs.",
        _GROUPS),
       _BLOC_SOURCES,
       _two_blocs, target=-22.0,
       target_text="the low end (-22%) of the range of Campos et al. (2023)"),
    _p("two-blocs-high",
       "two-blocs calibrated to the high end of Campos et al. (2023): trade between the "
       "blocs falls by 57%.",
       (_BLOC_MEMBERS,
        "Calibration target: trade between the blocs falls by 57%, the high end of the "
        "range Campos et al. (2023) report (quoted from the source); solved for on the "
        "world the preset runs on, as in two-blocs.",
        _GROUPS),
       _BLOC_SOURCES,
       _two_blocs, target=-57.0,
       target_text="the high end (-57%) of the range of Campos et al. (2023)"),
    _p("three-blocs",
       "A world of three blocs (US-centred, China-centred, Eurasian): iceberg trade costs "
       "between blocs rise by the amount that cuts trade between the blocs by 39.5%; other "
       "countries trade freely with all three.",
       ("West: as in two-blocs. China-centred: China, Hong Kong SAR, Macao SAR. Eurasian: "
        "the twelve non-Baltic former Soviet republics (as in eurasian-macro-state). Every "
        "other economy, ROW included, belongs to no bloc.",
        "Calibration target: trade between the blocs (all sectors, both directions) falls "
        "by 39.5%, the midpoint of the -22% to -57% range of Campos et al. (2023), whose "
        "blocs are three (Western, Eastern, Neutral); the rise in between-bloc iceberg trade "
        "costs (every sector, both directions) that does so is solved for on the world it "
        "runs on.",
        _GROUPS),
       _BLOC_SOURCES,
       _three_blocs, world=_W194, target=-39.5,
       target_text="the midpoint of the -22% to -57% range of Campos et al. (2023), whose "
                   "blocs are three (Western, Eastern, Neutral)"),
    _p("bloc-choice",
       "Small states forced to choose a bloc: in the two-bloc world, each swing state's "
       "real income if it joins the West bloc, joins the East bloc, or stays out, and the "
       "effect of its choice on each bloc. As a single scenario it is the two-bloc world "
       "with every swing state out; the table comes from autarky.run.bloc_choice.",
       ("Swing states: on a world that separates every economy (no ROW, e.g. world194) "
        "every economy in neither bloc's core; otherwise UKR, TUR, IND, IDN, BRA, SAU, ZAF, "
        "MEX, those present in the data (KAZ and VNM are East members under the ES-11/3 "
        "rule). Joining a bloc brings two things: the between-bloc barrier against the "
        "other bloc, and the bloc's internal integration: " + presets_eurasia.accession_text()
        + ". Staying out brings neither. One state moves at a time.",
        _BLOC_MEMBERS,
        "Calibration target: as two-blocs, trade between the blocs falls by 39.5% (the "
        "midpoint of Campos et al. 2023's -22% to -57%, quoted from the source), solved for "
        "on the world it runs on.",
        "Break-even penalty (column of the table): the factor on iceberg trade costs between "
        "a state that stays out and both blocs at which staying out is worth exactly as much "
        "to the state as joining the better bloc, found by false position over batched solves. "
        "Above 1: the barrier both blocs would have to put on a non-aligned state's trade "
        "for joining to win; 1: joining already wins; none up to x3: staying out wins even "
        "then.",
        "Bloc aggregates are baseline-income-weighted means of the members' welfare "
        "changes (original members only).",
        _GROUPS),
       _BLOC_SOURCES,
       _two_blocs, kind="bloc-choice", target=-39.5,
       target_text="as two-blocs: the midpoint of the -22% to -57% range of Campos et al. "
                   "(2023)",
       world=("world194", "every economy in neither bloc's core is a swing state, and "
              "world194 separates 192 economies (icio2023: 80 and ROW)")),
    _p("tariff-war",
       "A global tariff war: every country raises its tariffs on goods from every other "
       "country by 25 percentage points.",
       ("A uniform, simultaneous escalation on all goods sectors (services are not "
        "tariffed); not a computation of optimal or Nash tariffs (`autarky nash` computes "
        "those).",
        "Calibration target: the 25% rate is the top rate of the 2018-2019 US-China "
        "rounds (Amiti, Redding and Weinstein 2019); it is a round illustrative escalation, "
        "not an estimate of any war's rates.",
        "Tariff revenue is rebated to the levying country's households, as in the model."),
       ("Amiti, M., Redding, S. J. and Weinstein, D. E. (2019), The Impact of the 2018 "
        "Tariffs on Prices and Welfare, Journal of Economic Perspectives 33(4) (25% as the "
        "top rate of the 2018-2019 rounds).",
        "Ossa, R. (2014), Trade Wars and Trade Talks with Data, American Economic Review "
        "104(12) (tariff wars computed from a balanced-trade baseline).",),
       lambda _: Scenario((TariffChange(("all",), ("all",), 0.25, ("goods",), "add"),)),
       settings=_TARIFF_SOLVE, setting_notes=_TARIFF_NOTES),
    _p("us-tariffs-2025",
       "The US reciprocal tariffs of Executive Order 14257 (2 April 2025), partner by "
       "partner, added to the US tariffs in the data on the goods the order does not "
       "exempt.",
       ("Calibration target: the order's rates, partner by partner: Annex I (e.g. China "
        "34%, EU members 20%, Japan 24%, Taiwan 32%, Vietnam 46%) and 10% for every other "
        "partner; Canada and Mexico are outside the order (their goods stay under "
        "Executive Orders 14193 and 14194), as are Russia, Belarus, Cuba and North Korea "
        "(column 2 rates and sanctions), and get no reciprocal duty. The rates are added "
        "to the baseline applied US tariffs.",
        "Exemptions (Section 3(b) and Annex II) mapped to whole sectors (sector class "
        "'us-reciprocal-2025' of each dataset): on icio2023 coal (B05), crude oil and gas "
        "(B06) and refined petroleum (C19) as energy; pharmaceuticals (C21); computers, "
        "electronic and optical products (C26) for semiconductors; basic metals (C24A, "
        "C24B: steel and aluminium under Section 232, copper and bullion in Annex II) and "
        "motor vehicles (C29, Section 232). Sector-level approximations: a whole sector is "
        "exempt when exempt articles dominate it (on wiod2016 and wiod2013 chemicals with "
        "pharmaceuticals, all basic metals and all transport equipment are exempt); on a "
        "one-sector world every good is charged, which overstates the coverage (the "
        "result's notes say so).",
        "Not modelled: the Section 232 duties on steel, aluminium and automobiles, the "
        "IEEPA duties on Canada, Mexico and China (Executive Orders 14193, 14194, 14195), "
        "the pause of 9 April 2025 and later changes, and any retaliation.",
        "The rate on ROW is the mean of the rates of the partners the data fold into ROW, "
        "weighted by US imports from each (CEPII BACI, as compiled with the schedule).",
        "Compare with: The Budget Lab at Yale (April 2025): the April 2 tariffs alone leave "
        "US real GDP 0.4% lower in the long run (all 2025 tariffs with retaliation: 0.6% "
        "lower), without retaliation to the April 2 tariffs; Ignatenko, Lashkaripour, "
        "Macedoni and Simonovska (2025, 194-country model with deficits): modest US welfare "
        "gains without retaliation, a US loss of up to 3.4% with optimal retaliation and "
        "input-output links.",
        "Why it differs from liberation-day (the ILMS model, printed beside it): this preset "
        "is solved from a balanced baseline (deficit rule 'zero', as every tariff preset), "
        "which removes the US trade deficit the order targets before the tariffs apply; "
        "ILMS keep the deficits, have one sector and unemployment. The deficit-rule "
        "interval printed with the result gives the same tariffs with the deficits kept."),
       ("Executive Order 14257 of April 2, 2025, Regulating Imports With a Reciprocal Tariff "
        "To Rectify Trade Practices That Contribute to Large and Persistent Annual United "
        "States Goods Trade Deficits, Federal Register 90(65): 15041-15109, Annex I "
        "(country rates) and Annex II (exempt articles); schedule as compiled in "
        "github.com/ahmadlp/us-tariff (commit 2b79aa1), corrected for Taiwan, China, "
        "Belarus, Canada and Mexico (src/autarky/data/embedded/us_tariffs_2025.csv, "
        "column 'correction').",
        "The Budget Lab at Yale (2025), Where We Stand: The Fiscal, Economic, and "
        "Distributional Effects of All U.S. Tariffs Enacted in 2025 Through April 2.",
        "Ignatenko, A., Lashkaripour, A., Macedoni, L. and Simonovska, I. (2025), Making "
        "America Great Again? The Economic Impacts of Liberation Day Tariffs, Journal of "
        "International Economics 157, 104138.",),
       _us_tariffs, settings=_TARIFF_SOLVE, setting_notes=_TARIFF_NOTES),
    _p("us-china-2018-19",
       "The US-China trade war of 2018-2019: the US Section 301 tariffs on goods from "
       "China and China's retaliation on goods from the US, at their published average "
       "rates, added to the baseline tariffs.",
       ("Calibration target: the trade-weighted average tariffs after the phase one "
        "agreement (14 February 2020) in Bown's PIIE chart: US on Chinese goods 19.3% (3.1% "
        "before the war: +16.2 percentage points), China on US goods 21.1% (8.0% in early "
        "2018: +13.1 points). The increases are added on every goods sector of the two "
        "routes; the actual tariffs cover 66.4% of US imports from China and 58.3% of "
        "China's imports from the US, so sectoral incidence is not modelled.",
        "The baseline tariffs of the embedded datasets are applied MFN and preferential "
        "rates, which do not carry the Section 301 and retaliatory duties; on a 2022 "
        "baseline the preset asks what the trade war costs relative to a world without "
        "it, with today's trade patterns.",
        "Compare with: Amiti, Redding and Weinstein (2019), US real income loss of $1.4 "
        "billion a month by the end of 2018 (deadweight loss, about 0.08% of GDP a year); "
        "Fajgelbaum, Goldberg, Kennedy and Khandelwal (2020), aggregate US real income "
        "-$7.2 billion, 0.04% of GDP (2018 tariffs, including retaliation)."),
       ("Bown, C. P. (2021), US-China Trade War Tariffs: An Up-to-Date Chart, Peterson "
        "Institute for International Economics (19.3% and 21.1%; 3.1% before the war).",
        "Bown, C. P., Zhang, E. and Lovely, M. (2019), Trump Has Gotten China to Lower Its "
        "Tariffs. Just Toward Everyone Else, PIIE Trade and Investment Policy Watch (China's "
        "average tariff of 8.0% early in 2018).",
        "Amiti, M., Redding, S. J. and Weinstein, D. E. (2019), The Impact of the 2018 "
        "Tariffs on Prices and Welfare, Journal of Economic Perspectives 33(4).",
        "Fajgelbaum, P. D., Goldberg, P. K., Kennedy, P. J. and Khandelwal, A. K. (2020), The "
        "Return to Protectionism, Quarterly Journal of Economics 135(1).",),
       _us_china, settings=_TARIFF_SOLVE, setting_notes=_TARIFF_NOTES,
       world=("icio2023", "a tariff-only preset on China and the US: icio2023 separates both "
              "and carries baseline tariffs")),
    _p("sanctions",
       "Sanctions and embargoes: a full embargo, in both directions and every sector, "
       "between Russia and the governments listed as adopting restrictive measures "
       "against it in March 2022.",
       ("All trade between the coalition and the target becomes prohibitively costly; "
        "actual measures are partial by sector and product, so this is the limiting case.",
        "Trade through third countries is not traced; it shows up as diversion to "
        "non-coalition partners.",
        _GROUPS),
       ("Russian Government Order No. 430-r of 5 March 2022 (list of governments that "
        "adopted restrictive measures).",),
       lambda _: Scenario((Sanction(("SANCTIONS-RUS-2022",), ("RUS",)),))),
    _p("no-tourism",
       "Ending international tourism: prohibitive trade costs on the traded services that "
       "stand for tourism.",
       ("Input-output tables record tourists' spending as exports of the sectors they buy "
        "from. The sectors of class 'tourism' close: on icio2023 the travel sector (WDI "
        "international tourism receipts and expenditures, bilateral by services trade; "
        "business travel included); on wiod2013 hotels and restaurants c22, air transport "
        "c25 and travel agencies c26, which also carry business travel and air freight.",
        "Where the data have one services sector (wiod2016) all international trade in "
        "services stops, which overstates the shock; the result's notes say so.",
        "Tourists' purchases in other sectors (retail, local transport) are not captured.",
        "A long-run, full-employment number: workers and capital leave tourism for other "
        "sectors at no cost and nobody stays unemployed; the short-run loss of an abrupt "
        "stop (idle hotels, lost jobs) is larger and not modelled."),
       ("Timmer, M. P. et al. (2015), An Illustrated User Guide to the World Input-Output "
        "Database, Review of International Economics 23 (sector definitions).",
        "World Bank, World Development Indicators: ST.INT.RCPT.XP.ZS, ST.INT.XPND.MP.ZS "
        "(international tourism, from UN Tourism).",),
       lambda _: Scenario((Autarky(("all",), ("tourism",)),)),
       settings=(("unavailable", "floor"),),
       setting_notes=(("unavailable", "Where a country produces none of a closed service at "
                       "home (wiod2013 2011: air transport in BGR and EST), it gets a small "
                       "domestic supply (unavailable goods policy 'floor'), stated in the "
                       "result's notes."),)),
    _p("nash",
       "Nash tariff war: every economy sets the uniform tariff that maximises its own real "
       "income given every other economy's tariff (a Nash equilibrium of optimal tariffs).",
       ("Exact first-order conditions of each government's welfare (Lashkaripour 2021, "
        "eq. 8), solved as one fixed point; no input-output links (method 'best-response' "
        "keeps them); one uniform tariff per economy on every partner and sector.",
        "Welfare is measured against the baseline with trade deficits removed (balanced "
        "trade, Ossa 2014; Lashkaripour 2021)."),
       ("Lashkaripour, A. (2021), The cost of a global tariff war: A sufficient statistics "
        "approach, Journal of International Economics 131, 103419.",
        "Ossa, R. (2014), Trade Wars and Trade Talks with Data, American Economic Review "
        "104(12)."),
       _none, kind="nash",
       world=("wiod2016", "the setting of Lashkaripour (2021): WIOD 2016 release, 44 "
              "economies, no input-output links")),
    *(_p(name, _ILMS_DESCRIPTIONS[name], _ILMS_ASSUMPTIONS, _ILMS_SOURCES, _none,
         kind="ilms", params=(("retaliation", ret),),
         world=(_ILMS_FOLDER, "the model of Ignatenko et al. (2025) runs on their own "
                "194-country baseline, read from this folder (reference data, not packaged)"))
      for name, ret in _ILMS_PRESETS),
)}
"""Registry: preset name -> Preset."""


def names() -> list[str]:
    """Every preset that runs as named: ``get(name)`` works for each.

    Templates (presets with a parameter, e.g. ``autarky:ISO``) are not in the list: they
    run with their parameter filled in (``autarky:RUS``); :func:`templates` lists them.
    """
    return [p.name for p in PRESETS.values() if not p.template]


def templates() -> dict[str, str]:
    """Presets that take a parameter: name -> what the parameter is (``{"autarky": "ISO"}``)."""
    return {p.name: p.parameter for p in PRESETS.values() if p.parameter is not None}


def listing() -> list[str]:
    """Every preset as ``autarky presets`` lists it: templates as ``name:PARAM``."""
    return [p.name if p.parameter is None else f"{p.name}:{p.parameter}"
            for p in PRESETS.values()]


def record(name: str) -> Preset:
    """The registry record of a preset name (``autarky:RUS`` -> the ``autarky`` record).

    Raises ScenarioError (one line, listing the available names) for an unknown name.
    """
    base = name.partition(":")[0]
    if base not in PRESETS:
        raise ScenarioError(f"unknown preset {name!r}; available: {', '.join(listing())}")
    return PRESETS[base]


def kind(name: str) -> str:
    """What the preset computes (:data:`KINDS`); 'equilibrium' for a name not in the registry."""
    base = (name or "").partition(":")[0]
    return PRESETS[base].kind if base in PRESETS else "equilibrium"


def get(name: str) -> Scenario:
    """The Scenario of a preset: ``get("two-blocs")``, ``get("autarky:RUS")``.

    A template's parameter is validated here (an unknown country is one line).
    """
    base, _, param = name.partition(":")
    return record(name).scenario(param or None)


def default_world(name: str) -> tuple[str | None, str]:
    """The dataset a preset runs on by default and why: ``(None, "")`` if it names none."""
    p = PRESETS.get(name.partition(":")[0])
    return (None, "") if p is None else (p.default_world, p.world_reason)


def swing_states(world: Any) -> tuple[str, ...]:
    """The swing states of ``bloc-choice`` in ``world``.

    On a world that separates every economy (no 'ROW'), every economy in neither bloc's
    core; otherwise those of :data:`SWING_STATES` present in the world.
    """
    core = {c for m in get("two-blocs").blocs(world).values() for c in m}
    if "ROW" in world.countries:
        return tuple(s for s in SWING_STATES if s in world.countries and s not in core)
    return tuple(c for c in world.countries if c not in core)


def bloc_membership(world: Any) -> pd.Series:
    """Every economy of ``world`` and its bloc in ``two-blocs``: West, East or non-aligned."""
    out = pd.Series("non-aligned", index=pd.Index(world.countries, name="country"),
                    name="bloc")
    for name, members in get("two-blocs").blocs(world).items():
        out[[c for c in members if c in out.index]] = name
    return out


def table() -> pd.DataFrame:
    """One row per preset (templates as ``name:PARAM``).

    Columns: kind, default world, description, assumptions (as run with the preset's own
    settings), sources.
    """
    return pd.DataFrame([
        {"name": n, "kind": p.kind, "world": p.default_world or "icio2023",
         "description": p.description, "assumptions": " ".join(p.assumptions_for()),
         "sources": " ".join(p.sources)}
        for n, p in zip(listing(), PRESETS.values(), strict=True)
    ]).set_index("name")


def deficit_rule(name: str) -> tuple[str, ...]:
    """The sentence declaring the preset's deficit rule, as a one-item tuple (empty: none)."""
    p = PRESETS.get(name.partition(":")[0])
    text = dict(p.setting_notes).get("deficits") if p is not None else None
    return (text,) if text else ()


# ---------------------------------------------------------------- bloc choice

OPTIONS = ("join West", "join East", "stay out")


def bloc_choice_scenarios(state: str, cost_hat: float = BLOC_COST_HAT,
                          integration: float | None = None) -> dict[str, Scenario]:
    """The three scenarios of one swing state: join bloc A, join bloc B, stay out.

    Joining brings the between-bloc barrier against the other bloc and the bloc's internal
    integration with every member (:func:`autarky.presets_eurasia.accession_text`, a
    :class:`~autarky.scenario.BorderRemoval` converted with the run's elasticities);
    staying out brings neither. ``integration``: the log-trade effect of joining (None:
    the in-sample EU effect; 0: the barrier alone, the preset before issue 29).

    ``cost_hat`` is the between-bloc barrier: the preset's starting value, or the one
    :func:`autarky.run.bloc_choice` calibrated (its table's ``attrs["cost_hat"]``).
    """
    (code,) = _codes("state", state, allow_all=False)
    names_ = BLOC_NAMES

    def split(a: tuple[str, ...], b: tuple[str, ...], bloc: str = "") -> Scenario:
        eff = presets_eurasia.eu_effect() if integration is None else float(integration)
        join = (BorderRemoval((code,), trade_effect=eff, partners=(bloc,),
                              name=f"{code} joins {bloc}"),) if bloc and eff else ()
        return Scenario((BlocSplit((a, b), cost_hat, names=names_),) + join)

    info = PRESETS["bloc-choice"]
    out = {
        OPTIONS[0]: split((BLOC_A, code), (BLOC_B,), BLOC_A),
        OPTIONS[1]: split((BLOC_A,), (BLOC_B, code), BLOC_B),
        OPTIONS[2]: split((BLOC_A,), (BLOC_B,)),
    }
    return {k: v.with_info(name=f"bloc-choice:{code}:{k.replace(' ', '-')}",
                           description=f"{code} {k}; " + v.summary(),
                           assumptions=info.assumptions + _COMMON, sources=info.sources)
            for k, v in out.items()}


