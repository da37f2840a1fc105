"""The Eurasian presets, specified from the in-sample border gravity (issue 29).

Records for :data:`autarky.presets.PRESETS` (as keyword arguments of its record maker):
the macro-state headline and its bounds, deep integration and dissolution of the EAEU and
of the Russia-Belarus Union State. Their numbers come from the stored structural gravity
estimate (``embedded/gravity_eurasia.json``, :func:`autarky.gravity.estimate_border`) of
:data:`BORDER_ESTIMATE`, read when the registry is built, and are converted into trade-cost
changes with the elasticities of the run that solves them (``theta="run"``).
"""

from __future__ import annotations

import math
from typing import Any

from autarky.data.gravity_eurasia import gravity_eurasia
from autarky.scenario import BorderRemoval, CustomsUnion, DeepIntegration, Dissolution, Scenario

__all__ = ["BORDER_ESTIMATE", "DF2002", "MACRO_STAGES", "MACRO_STATE", "UPPER", "records",
           "accession_text", "dissolution_effect", "eu_effect", "eu_gap"]

BORDER_ESTIMATE = "icio194"
"""The stored gravity estimate whose coefficients every Eurasian preset uses, on every world:
icio2023's goods flows with domestic goods flows (2011-2022). world194's own estimate is not
used: its domestic flow is GDP minus goods exports (services included), so its border terms
are inflated (international border -3.94 against icio2023's -3.09); the coefficients are
applied to the pairs of the world solved, in its data year."""

UPPER = 2.47445
"""Average international border on log trade (Yotov, Piermartini, Monteiro and Larch 2016,
ch. 2, 'trade without borders', 2006: INTL_BRDR = -2.47445, robust s.e. 0.119)."""

DF2002 = math.log(1.6)
"""Djankov and Freund (2002): Russian regions traded about 60% more with each other than with
other former republics in 1994-96, a border of about ln 1.6 (none significant in 1987-90)."""

MACRO_STATE = ("eurasian-macro-state", "eurasian-macro-state-upper", "eurasian-macro-state-lower")

MACRO_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("EAEU", ("RUS", "BLR", "KAZ", "ARM", "KGZ")),
    ("CIS FTA parties outside the EAEU", ("UKR", "MDA", "UZB", "TJK")),
    ("the other former union republics", ("AZE", "GEO", "TKM")),
)
"""The macro-state's members by stage, as the texts name them: the EAEU today (members by
date of joining the customs union or the union), then the parties to the 2011 CIS
free-trade treaty outside it (by date of entry into force: Ukraine and Moldova 2012,
Uzbekistan 2014, Tajikistan 2015), then the remaining non-Baltic former union republics
(Azerbaijan, Georgia, Turkmenistan; Georgia left the CIS in 2009). The accession path
(:func:`autarky.eurasia.accession_path`) adds them one at a time in this order."""


def _est() -> dict[str, Any]:
    return dict(gravity_eurasia()["estimates"][BORDER_ESTIMATE])


def _c(term: str) -> float:
    return float(_est()["coefficients"][term]["estimate"])


def _d(term: str) -> float:
    return float(_est()["derived"][term]["estimate"])


def eu_gap() -> float:
    """EU pairs' whole border minus EAEU pairs' (log trade): > 0 when EU pairs trade more."""
    return _d("gap_eu_eaeu_total")


def eu_effect() -> float:
    """The in-sample effect of EU membership on a pair's log trade (the EU coefficient)."""
    return _c("EU")


def accession_text() -> str:
    """What joining a bloc brings in ``bloc-choice`` (one sentence)."""
    return (f"the in-sample EU-membership effect ({eu_effect():+.3f} log points of goods "
            f"trade, s.e. {_est()['coefficients']['EU']['std_error']:.3f}; {_where()}) with "
            "every member of the bloc, converted with the run's elasticities, goods sectors "
            "only")


def dissolution_effect() -> float:
    """The estimated EAEU and CIS FTA effect on an EAEU pair's log trade (EAEU + CIS_FTA)."""
    return _c("EAEU") + _c("CIS_FTA")


def _where() -> str:
    e = _est()
    return (f"PPML structural gravity on {BORDER_ESTIMATE} goods flows {e['years'][0]}-"
            f"{e['years'][-1]} (domestic flows included; exporter-year and importer-year "
            "fixed effects; standard errors clustered by pair; `autarky gravity border "
            f"--world {BORDER_ESTIMATE}`)")


def _why_not_own() -> str:
    own = gravity_eurasia()["estimates"].get("world194", _est())["coefficients"]
    return ("The coefficients of " + BORDER_ESTIMATE + " are used on every world, applied "
            "to the pairs and memberships of the world solved in its data year: world194's "
            "own estimate is not, because its domestic flow is GDP minus goods exports "
            "(services included), which inflates its border terms (international border "
            f"{own['INTL_BRDR']['estimate']:.2f}"
            f" against {_c('INTL_BRDR'):.2f}).")


def _coef_text() -> str:
    return ", ".join(f"{k} {_c(k):+.3f} (s.e. {_est()['coefficients'][k]['std_error']:.3f})"
                     for k in ("INTL_BRDR", "BRDR_USSR", "EAEU", "CIS_FTA", "EU"))


def _macro(_: str | None = None) -> Scenario:
    return Scenario((CustomsUnion(("EURASIAN-MACRO",), name="Eurasian macro-state"),
                     BorderRemoval(("EURASIAN-MACRO",), estimate=BORDER_ESTIMATE,
                                   name="Eurasian macro-state")))


def _macro_upper(_: str | None = None) -> Scenario:
    return Scenario((CustomsUnion(("EURASIAN-MACRO",), name="Eurasian macro-state"),
                     DeepIntegration(("EURASIAN-MACRO",), UPPER,
                                     name="Eurasian macro-state")))


def _macro_lower(_: str | None = None) -> Scenario:
    return Scenario((CustomsUnion(("EURASIAN-MACRO",), name="Eurasian macro-state"),
                     BorderRemoval(("EURASIAN-MACRO",), trade_effect=DF2002,
                                   name="Eurasian macro-state")))


def _deep(group: str, name: str, union: bool) -> Any:
    def build(_: str | None = None) -> Scenario:
        comps: tuple[Any, ...] = (DeepIntegration((group,), max(eu_gap(), 0.0), name=name,
                                                  goods_only=True),)
        if union:
            comps = (CustomsUnion((group,), name=name),) + comps
        return Scenario(comps)
    return build


def _dissolve(group: str, name: str) -> Any:
    def build(_: str | None = None) -> Scenario:
        return Scenario((Dissolution((group,), max(dissolution_effect(), 0.0), name=name,
                                     goods_only=True),))
    return build


_TREATY_EAEU = "Treaty on the Eurasian Economic Union, Astana, 29 May 2014."
_TREATY_US = "Treaty on the Creation of a Union State, 8 December 1999."
_KNOBEL_LINE = ("Compare with: Knobel, Lipin, Malokostov, Tarr and Turdyeva (2019, Eurasian "
                "Geography and Economics 60(2)): full EAEU deep integration (time in trade, "
                "non-tariff and services barriers among members) gives welfare BLR +4.8%, "
                "KAZ +1.7%, RUS +0.8%, ARM +3.1% of consumption (a CGE model with imperfect "
                "competition and FDI; printed beside the result).")
_KNOBEL_SRC = ("Knobel, A., Lipin, A., Malokostov, A., Tarr, D. G. and Turdyeva, N. (2019), "
               "Deep integration in the Eurasian Economic Union: what are the benefits of "
               "successful implementation or wider liberalization?, Eurasian Geography and "
               "Economics 60(2), 177-210.")
_DF_SRC = ("Djankov, S. and Freund, C. (2002), Trade flows in the former Soviet Union, 1987 "
           "to 1996, Journal of Comparative Economics 30(1), 76-90.")
_YPML = ("Yotov, Y. V., Piermartini, R., Monteiro, J.-A. and Larch, M. (2016), An Advanced "
         "Guide to Trade Policy Analysis: The Structural Gravity Model, WTO and UNCTAD, "
         "chapter 2 (international border -2.47445, robust s.e. 0.119).")


def _gravity_src() -> str:
    return (f"In-sample border gravity ({_where()}): {_coef_text()}; stored in "
            "src/autarky/data/embedded/gravity_eurasia.json with the membership dates and "
            "their treaty sources.")


def _gap_line(who: str) -> str:
    gap = eu_gap()
    if gap <= 0:
        return (f"In sample {who} already trade at or above the EU level: EU pairs' whole "
                f"border {_d('border_eu'):+.3f} against EAEU pairs' {_d('border_ussr_eaeu'):+.3f}"
                f" (gap {gap:+.3f} <= 0), so the preset computes zero internal tariffs with no "
                "change in non-tariff trade costs (trade effect 0).")
    return (f"Non-tariff trade costs among members in goods sectors fall by exp(-{gap:.3f}/"
            "theta_j), the gap between EU pairs' and EAEU pairs' whole estimated border, with "
            "the run's elasticities; services unchanged.")


_W194 = ("icio194", "icio194 separates every member (icio2023 with its rest of the world "
         "split into the economies it contains: 194 economies, 29 sectors, input-output "
         "links; icio2023 folds Armenia, Azerbaijan, Georgia, Kyrgyzstan, Moldova, "
         "Tajikistan, Turkmenistan and Uzbekistan into ROW, world194 has one sector)")
_W194_EAEU = _W194
_MEMBERS = ("Members: the twelve former union republics of the USSR other than Estonia, "
            "Latvia and Lithuania, by stage: the EAEU (RUS, BLR, KAZ, ARM, KGZ); the CIS "
            "free-trade parties outside it (UKR, MDA, UZB, TJK); the others (AZE, GEO, TKM). "
            "Those a dataset folds into ROW are left out (listed in the notes); South "
            "Ossetia, Abkhazia, Transnistria, Crimea and the other territories no dataset "
            "separates are counted in the state whose territory the data assign them to "
            "(Georgia, Moldova, Ukraine), as the trade statistics record them.")
_CET = ("Common external tariff: the members' trade-weighted average applied tariff on "
        "imports from outside, sector by sector (world194 carries no tariffs, so there only "
        "the internal border changes); trade costs with the rest of the world unchanged.")
_MUTUAL = "The implied change in members' mutual trade is printed with the result."


def records(groups: str) -> list[dict[str, Any]]:
    """The Eurasian records, as keyword arguments of the registry's record maker.

    ``groups`` is the registry's sentence on country groups folded into ROW.
    """
    e = _est()
    b_eaeu, b_cis, b_none = (_d("border_ussr_eaeu"), _d("border_ussr_cis_fta"),
                             _d("border_ussr"))
    diss = dissolution_effect()
    return [
        dict(name="union-state",
             description="Russia-Belarus Union State deepened to the EU level: zero tariffs "
             "and, where the in-sample gravity says EU pairs trade more than EAEU pairs, "
             "lower non-tariff costs in goods; calibrated in sample.",
             assumptions=(_gap_line("Russia and Belarus (an EAEU pair)"),
                          "The Union State has no separate gravity term: Russia-Belarus is "
                          "an EAEU pair in the estimate. " + _why_not_own(), _KNOBEL_LINE,
                          _MUTUAL, groups),
             sources=(_TREATY_US, _gravity_src(), _KNOBEL_SRC),
             build=_deep("UNION-STATE", "Union State", False), world=_W194),
        dict(name="union-state-dissolution",
             description="Dissolution of the Russia-Belarus Union State: the two face each "
             "other with the tariffs they charge everyone else and without the estimated "
             "effect of their agreements.",
             assumptions=(f"Each member charges the other its trade-weighted average applied "
                          "tariff on imports from non-members, sector by sector (its MFN "
                          "tariff), and iceberg trade costs between them in goods sectors "
                          f"rise by exp(+{diss:.3f}/theta_j): the estimated EAEU and CIS FTA "
                          f"effects on an EAEU pair's trade (EAEU {_c('EAEU'):+.3f}, CIS_FTA "
                          f"{_c('CIS_FTA'):+.3f}) are removed, with the run's elasticities; "
                          "the former-USSR term stays (it is not an agreement); services "
                          "unchanged. " + _why_not_own(), _KNOBEL_LINE + " Opposite shock: "
                          "compare with their signs reversed.", _MUTUAL, groups),
             sources=(_TREATY_US, _gravity_src(), _KNOBEL_SRC),
             build=_dissolve("UNION-STATE", "Union State"), world=_W194),
        dict(name="eaeu-deep-integration",
             description="Eurasian Economic Union deepened to the EU level: customs union "
             "plus, where the in-sample gravity says EU pairs trade more than EAEU pairs, "
             "lower non-tariff costs in goods; calibrated in sample.",
             assumptions=("Customs union as in eaeu-customs-union.",
                          _gap_line("EAEU members"), _why_not_own(), _KNOBEL_LINE, _MUTUAL,
                          groups),
             sources=(_TREATY_EAEU, _gravity_src(), _KNOBEL_SRC),
             build=_deep("EAEU", "EAEU", True), world=_W194_EAEU),
        dict(name="eaeu-dissolution",
             description="Dissolution of the Eurasian Economic Union: members face each "
             "other with the tariffs they charge non-members and without the estimated "
             "effect of their agreements.",
             assumptions=("Each member charges the others its trade-weighted average applied "
                          "tariff on imports from non-members, sector by sector (its MFN "
                          "tariff; world194 carries no tariffs, so there only the trade "
                          "costs change), and iceberg trade costs among members in goods "
                          f"sectors rise by exp(+{diss:.3f}/theta_j): the estimated EAEU and "
                          f"CIS FTA effects (EAEU {_c('EAEU'):+.3f}, CIS_FTA "
                          f"{_c('CIS_FTA'):+.3f}) are removed, with the run's elasticities; "
                          "services unchanged. " + _why_not_own(),
                          _KNOBEL_LINE + " Opposite shock: compare with their signs "
                          "reversed.", _MUTUAL, groups),
             sources=(_TREATY_EAEU, _gravity_src(), _KNOBEL_SRC),
             build=_dissolve("EAEU", "EAEU"), world=_W194_EAEU),
        dict(name="eurasian-macro-state",
             description="A Eurasian macro-state over the post-Soviet space: the non-Baltic "
             "former Soviet republics trade goods with each other as regions of one country "
             "do (each pair's estimated border removed), behind a common external tariff.",
             assumptions=(_MEMBERS,
                          "One country in goods: internal tariffs are zero and iceberg trade "
                          "costs between members i and j in every goods sector change by "
                          "exp(b_ij/theta_j), b_ij the pair's whole estimated border in the "
                          f"world's data year ({_where()}): EAEU pairs {b_eaeu:+.3f}, CIS FTA "
                          f"pairs outside the EAEU {b_cis:+.3f}, pairs in no agreement (and "
                          f"Russia-Ukraine since 2016) {b_none:+.3f} log points; converted "
                          "with the run's elasticities. " + _why_not_own(),
                          "Services keep their border: it is not estimated (goods flows "
                          "only); eurasian-macro-state-upper removes a border in every sector.",
                          _CET, _MUTUAL,
                          "Printed beside the result: members' integration index (Head and "
                          "Ries 2001) and domestic expenditure share before and after, with "
                          "benchmark pairs, Djankov and Freund (2002) and Knobel et al. "
                          "(2019).", groups),
             sources=("Membership: the fifteen union republics of the USSR in 1991 (package "
                      "group EURASIAN-MACRO, src/autarky/data/embedded/groups.csv).",
                      _gravity_src(), _DF_SRC, _KNOBEL_SRC),
             build=_macro, world=_W194),
        dict(name="eurasian-macro-state-upper",
             description="The Eurasian macro-state at the average international "
             "border of Yotov et al. (2016) removed among the members in every sector, "
             "services included, on top of the integration in the data.",
             assumptions=(_MEMBERS,
                          "The 2006 average border: internal tariffs are zero and iceberg "
                          f"trade costs among members change by exp(-{UPPER}/theta_j) in "
                          "every sector, services included, b = 2.47445 the average "
                          "international border (69 countries' manufacturing, 2006), on top "
                          "of the EAEU and CIS integration already in the data; with the "
                          "run's elasticities.",
                          "An upper bound only for the members whose in-sample goods border is "
                          "below the 2006 average: on icio194 every member's mutual trade "
                          "rises more than in the headline except Azerbaijan's, Georgia's and "
                          "Turkmenistan's (pairs in no agreement, estimated border "
                          f"{b_none:+.3f}), for which the headline removes more; on a world "
                          "with one aggregate sector (world194) also not for the CIS FTA "
                          f"parties outside the EAEU (border {b_cis:+.3f}). icio2023 separates "
                          "only BLR, KAZ, RUS and UKR, for which it bounds the headline.",
                          _CET, _MUTUAL, groups),
             sources=(_YPML, _DF_SRC),
             build=_macro_upper, world=_W194),
        dict(name="eurasian-macro-state-lower",
             description="Lower bound of the Eurasian macro-state: the border Djankov and "
             "Freund (2002) measured between Russian regions and other former republics "
             "(ln 1.6) removed among the members, goods only.",
             assumptions=(_MEMBERS,
                          f"A lower bound: internal tariffs are zero and iceberg trade costs "
                          f"among members in goods sectors change by exp(-{DF2002:.4f}/"
                          "theta_j), ln 1.6: in 1994-96 Russian regions traded about 60% more "
                          "with each other than with other former republics (Djankov and "
                          "Freund 2002; no significant difference in 1987-90); services "
                          "unchanged; with the run's elasticities.",
                          _CET, _MUTUAL, groups),
             sources=(_DF_SRC,),
             build=_macro_lower, world=_W194),
    ] if e else []
