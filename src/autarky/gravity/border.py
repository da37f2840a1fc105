"""What the post-Soviet arrangements already do, estimated in sample by structural gravity.

A panel of a World's goods flows (domestic flows included, so that the international border
is identified; the ``ROW`` region left out; several years pooled) is fitted by PPML with
exporter-year and importer-year fixed effects, standard errors clustered by country pair:

``X_ijt = exp(pi_it + chi_jt + b1 ln DIST_ij + b2 CNTG_ij + b3 INTL_BRDR_ij
+ b4 INTL_BRDR_ij * USSR_ij + b5 EAEU_ijt + b6 CIS_FTA_ijt + b7 EU_ijt)``

``DIST`` and ``CNTG`` come from :mod:`autarky.data.geography` (centroid great-circle
distance, internal distance ``0.67 sqrt(area / pi)`` as in Head and Mayer 2002, land
borders of Natural Earth's outlines); ``USSR`` marks pairs of two of the twelve non-Baltic
former union republics; ``EAEU``, ``CIS_FTA`` and ``EU`` pairs of two members in the data
year, by the dates of :data:`MEMBERSHIP`.

:func:`iceberg_hats` converts an estimated change in log trade into iceberg-cost hats with a
run's trade elasticities: ``tau_hat_j = exp(-b / theta_j)`` in goods sectors.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from autarky.data import load_world, manifest
from autarky.data.geography import country_geography, pair_geography
from autarky.data.gravity_eurasia import gravity_eurasia
from autarky.errors import DataError
from autarky.gravity.estimate import Estimate, estimate
from autarky.world import World

__all__ = ["BorderEstimate", "DJANKOV_FREUND_2002", "FORMULA", "MEMBERSHIP", "USSR12",
           "border_panel", "border_record", "estimate_border", "iceberg_hats", "member_matrix",
           "pair_cost_hats", "pair_effects", "stored_border"]

USSR12: tuple[str, ...] = ("ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK",
                           "TKM", "UKR", "UZB")
"""The former union republics of the USSR other than Estonia, Latvia and Lithuania."""

FORMULA = ("trade ~ ln_DIST + CNTG + INTL_BRDR + BRDR_USSR + EAEU + CIS_FTA + EU")

DJANKOV_FREUND_2002 = float(np.log(1.6))
"""Djankov and Freund (2002, Journal of Comparative Economics 30(1)): in 1994-96 Russian
regions traded about 60% more with each other than with other former Soviet republics,
a border of about ln 1.6 in log trade among former republics (none significant in 1987-90)."""

_EU_SRC = ("Treaty of Rome (in force 1 January 1958) and the accession treaties; Croatia: "
           "Treaty of Accession of 9 December 2011, in force 1 July 2013; the United Kingdom "
           "left on 31 January 2020 but stayed in the single market and customs union "
           "until 31 December 2020 (Withdrawal Agreement, Art. 126-127), dated here by that end")
_EU = {**dict.fromkeys(("BEL", "DEU", "FRA", "ITA", "LUX", "NLD"), "1958-01-01"),
       **dict.fromkeys(("DNK", "IRL", "GBR"), "1973-01-01"), "GRC": "1981-01-01",
       **dict.fromkeys(("ESP", "PRT"), "1986-01-01"),
       **dict.fromkeys(("AUT", "FIN", "SWE"), "1995-01-01"),
       **dict.fromkeys(("CYP", "CZE", "EST", "HUN", "LTU", "LVA", "MLT", "POL", "SVK", "SVN"),
                       "2004-05-01"),
       **dict.fromkeys(("BGR", "ROU"), "2007-01-01"), "HRV": "2013-07-01"}
_EAEU_SRC = ("Customs Union of Belarus, Kazakhstan and Russia (common customs tariff from 1 "
             "January 2010, Decision No. 130 of the EurAsEC Interstate Council, 27 November "
             "2009), continued by the Treaty on the Eurasian Economic Union (Astana, 29 May "
             "2014, in force 1 January 2015); Armenia: accession treaty of 10 October 2014, in "
             "force 2 January 2015; Kyrgyzstan: accession treaty of 23 December 2014, in force "
             "12 August 2015. The customs union is dated as the union's first stage")
_CIS_SRC = ("Treaty on a Free Trade Area (St Petersburg, 18 October 2011), in force 20 "
            "September 2012 for Russia, Belarus and Ukraine, later for each party on its "
            "ratification: Armenia 17 October 2012, Kazakhstan 8 December 2012, Moldova 9 "
            "December 2012, Kyrgyzstan 13 December 2013, Tajikistan 24 December 2015; "
            "Uzbekistan by the Protocol of 31 May 2013, in force in 2014 (Russia's ratification "
            "law signed 2 April 2014); Russia suspended it with respect to Ukraine from 1 "
            "January 2016 (Decree of the President of Russia No. 628, 16 December 2015)")

MEMBERSHIP: dict[str, dict[str, Any]] = {
    "EU": {"start": _EU, "end": {"GBR": "2021-01-01"}, "pair_end": {}, "source": _EU_SRC},
    "EAEU": {"start": {"BLR": "2010-01-01", "KAZ": "2010-01-01", "RUS": "2010-01-01",
                       "ARM": "2015-01-02", "KGZ": "2015-08-12"},
             "end": {}, "pair_end": {}, "source": _EAEU_SRC},
    "CIS_FTA": {"start": {"RUS": "2012-09-20", "BLR": "2012-09-20", "UKR": "2012-09-20",
                          "ARM": "2012-10-17", "KAZ": "2012-12-08", "MDA": "2012-12-09",
                          "KGZ": "2013-12-13", "TJK": "2015-12-24", "UZB": "2014-04-02"},
                "end": {}, "pair_end": {("RUS", "UKR"): "2016-01-01"}, "source": _CIS_SRC},
}
"""Dated membership: a pair counts in year t when both were members on 1 July of t (in force
for at least half the year) and the pair's agreement had not been suspended by then."""

_RULE = ("a pair is in an agreement in year t when both economies were members on 1 July "
         "of t (in force for at least half the year) and the agreement was not suspended "
         "between them by then")


def member_matrix(group: str, countries: Sequence[str], year: int) -> np.ndarray:
    """Symmetric 0/1 matrix: both countries members of ``group`` in ``year`` (diagonal 0).

    ``group`` is ``"EU"``, ``"EAEU"``, ``"CIS_FTA"`` (dated, :data:`MEMBERSHIP`) or
    ``"USSR"`` (:data:`USSR12`, undated).
    """
    c = list(countries)
    if group == "USSR":
        m = np.isin(c, USSR12)
        out = (m[:, None] & m[None, :]).astype(float)
    else:
        if group not in MEMBERSHIP:
            raise DataError(f"membership: unknown group {group!r} (EU, EAEU, CIS_FTA, USSR)")
        spec = MEMBERSHIP[group]
        ref = dt.date(int(year), 7, 1)

        def active(k: str) -> bool:
            s = spec["start"].get(k)
            e = spec["end"].get(k)
            return (s is not None and dt.date.fromisoformat(s) <= ref
                    and (e is None or dt.date.fromisoformat(e) > ref))

        m = np.array([active(k) for k in c])
        out = (m[:, None] & m[None, :]).astype(float)
        ix = {k: n for n, k in enumerate(c)}
        for (a, b), e in spec["pair_end"].items():
            if a in ix and b in ix and dt.date.fromisoformat(e) <= ref:
                out[ix[a], ix[b]] = out[ix[b], ix[a]] = 0.0
    np.fill_diagonal(out, 0.0)
    return out


def _years(name: str, years: Iterable[int] | None) -> list[int]:
    avail = [int(y) for y in manifest()[name]["years"]]
    if years is None:
        return avail
    ys = sorted({int(y) for y in years})
    bad = [y for y in ys if y not in avail]
    if bad:
        raise DataError(f"{name}: year {bad[0]} not available (years {avail[0]}-{avail[-1]})")
    return ys


def _worlds(source: str | World | Sequence[World],
            years: Iterable[int] | None) -> list[World]:
    if isinstance(source, World):
        return [source]
    if isinstance(source, str):
        if source not in manifest():
            raise DataError(f"gravity border: {source!r} is not an embedded dataset")
        return [load_world(source, year=y) for y in _years(source, years)]
    return list(source)


def _goods(world: World) -> tuple[str, ...]:
    goods = world.sector_classes.get("goods")
    if not goods:
        raise DataError(f"{world.name}: no 'goods' sector class (sector_classes: "
                        f"{', '.join(world.sector_classes) or 'none'})")
    return tuple(goods)


def border_panel(source: str | World | Sequence[World] = "world194",
                 years: Iterable[int] | None = None) -> pd.DataFrame:
    """The estimation panel: one row per (exporter, importer, year), domestic flows included.

    Parameters
    ----------
    source : str, World or sequence of World
        An embedded dataset name (every year, or ``years``), one World, or Worlds of
        different years of one dataset.
    years : iterable of int, optional
        Years of an embedded dataset (default all).

    Returns
    -------
    pandas.DataFrame
        ``exporter``, ``importer``, ``year``, ``trade`` (goods flows summed over the World's
        ``goods`` sector class, million USD), ``dist_km``, ``ln_DIST``, ``CNTG``,
        ``INTL_BRDR``, ``USSR``, ``BRDR_USSR``, ``EAEU``, ``CIS_FTA``, ``EU``.
    """
    frames = []
    worlds = _worlds(source, years)
    for w in worlds:
        if w.year is None:
            raise DataError(f"{w.name}: the World has no year (membership is dated)")
        # economies without an outline in the shipped shapes (microstates, Kosovo) have no
        # distance or contiguity: left out of the panel, and listed in its attrs
        shaped = set(country_geography().index)
        keep = [c for c in w.countries if c != "ROW" and c in shaped]
        unshaped = [c for c in w.countries if c != "ROW" and c not in shaped]
        goods = _goods(w)
        f = w.flows.sel(importer=keep, exporter=keep, sector=list(goods)).sum("sector")
        x = f.transpose("exporter", "importer").to_numpy()      # [exporter, importer]
        geo = pair_geography(keep)
        n = len(keep)
        dom = np.eye(n, dtype=bool).ravel()
        df = geo.assign(year=int(w.year), trade=x.ravel())
        df["ln_DIST"] = np.log(df["dist_km"])
        df["CNTG"] = df.pop("contig").astype(float)
        df["INTL_BRDR"] = (~dom).astype(float)
        for g in ("USSR", "EAEU", "CIS_FTA", "EU"):
            df[g] = member_matrix(g, keep, w.year).ravel()
        df["BRDR_USSR"] = df["INTL_BRDR"] * df["USSR"]
        frames.append(df)
    if not frames:
        raise DataError("gravity border: no World to build the panel from")
    panel = pd.concat(frames, ignore_index=True)
    panel.attrs["no_outline"] = sorted(set(unshaped))
    panel.attrs["dataset"] = ", ".join(sorted({w.name for w in worlds}))
    return panel[["exporter", "importer", "year", "trade", "dist_km", "ln_DIST", "CNTG",
                  "INTL_BRDR", "USSR", "BRDR_USSR", "EAEU", "CIS_FTA", "EU"]]


# derived quantities: name -> (weights on coefficients, description)
_DERIVED: dict[str, tuple[dict[str, float], str]] = {
    "border_average": ({"INTL_BRDR": 1.0},
                       "log-trade effect of an international border between two economies "
                       "in no agreement and not both former-USSR (negative: less trade)"),
    "border_ussr": ({"INTL_BRDR": 1.0, "BRDR_USSR": 1.0},
                    "border between two former-USSR economies in none of the agreements"),
    "border_ussr_cis_fta": ({"INTL_BRDR": 1.0, "BRDR_USSR": 1.0, "CIS_FTA": 1.0},
                            "border between two former-USSR parties to the CIS FTA "
                            "outside the EAEU"),
    "border_ussr_eaeu": ({"INTL_BRDR": 1.0, "BRDR_USSR": 1.0, "CIS_FTA": 1.0, "EAEU": 1.0},
                         "border between two EAEU members (also CIS FTA parties)"),
    "border_eu": ({"INTL_BRDR": 1.0, "EU": 1.0}, "border between two EU members"),
    "gap_eu_eaeu": ({"EU": 1.0, "EAEU": -1.0},
                    "EU coefficient minus EAEU coefficient (agreement against agreement)"),
    "gap_eu_eaeu_total": ({"EU": 1.0, "EAEU": -1.0, "CIS_FTA": -1.0, "BRDR_USSR": -1.0},
                          "border_eu minus border_ussr_eaeu: how much more EU members "
                          "trade with each other than EAEU members do, all else equal"),
}


@dataclass(frozen=True, eq=False)
class BorderEstimate:
    """A fitted border regression: the PPML estimate, its data and derived effects.

    Attributes
    ----------
    estimate : Estimate
        The PPML fit (:func:`autarky.gravity.estimate`), clustered by pair.
    dataset : str
    years : tuple of int
    countries : int
        Economies in the panel (``ROW`` excluded).
    panel : pandas.DataFrame
        The estimation panel (:func:`border_panel`).
    """

    estimate: Estimate
    dataset: str
    years: tuple[int, ...]
    countries: int
    panel: pd.DataFrame = field(repr=False)

    @property
    def coef(self) -> pd.Series:
        """Point estimates by regressor."""
        return self.estimate.coef

    @property
    def se(self) -> pd.Series:
        """Standard errors (clustered by pair) by regressor."""
        return self.estimate.se

    def combination(self, weights: Mapping[str, float]) -> tuple[float, float]:
        """A linear combination of coefficients and its standard error (clustered vcov)."""
        model = self.estimate._model
        names = list(model._coefnames)
        w = np.zeros(len(names))
        for k, v in weights.items():
            if k not in names:
                raise DataError(f"combination: {k!r} is not a regressor ({', '.join(names)})")
            w[names.index(k)] = v
        b = float(w @ np.asarray(model._beta_hat, dtype=float))
        var = float(w @ np.asarray(model._vcov, dtype=float) @ w)
        return b, float(np.sqrt(max(var, 0.0)))

    def derived(self) -> pd.DataFrame:
        """Borders by kind of pair and the EU-EAEU gaps, with standard errors.

        Rows: ``border_average``, ``border_ussr``, ``border_ussr_cis_fta``,
        ``border_ussr_eaeu``, ``border_eu``, ``gap_eu_eaeu``, ``gap_eu_eaeu_total``, and
        ``djankov_freund_2002`` (the comparator, -ln 1.6, no standard error). Columns
        ``estimate``, ``std_error``, ``trade_ratio`` (``exp(estimate)``), ``description``.
        """
        rows = []
        for name, (w, text) in _DERIVED.items():
            b, s = self.combination(w)
            rows.append((name, b, s, text))
        rows.append(("djankov_freund_2002", -DJANKOV_FREUND_2002, np.nan,
                     "comparator: border among former Soviet republics in 1994-96, "
                     "Russian regions trading ~60% more with each other (Djankov and "
                     "Freund 2002)"))
        t = pd.DataFrame(rows, columns=["term", "estimate", "std_error", "description"])
        t.insert(3, "trade_ratio", np.exp(t["estimate"]))
        return t.set_index("term")

    @property
    def specification(self) -> str:
        """The specification in words (what the json and the CLI print)."""
        return (f"PPML of goods flows (World sector class 'goods'; domestic flows included; "
                f"ROW excluded) on {self.dataset} {self.years[0]}-{self.years[-1]} "
                f"({len(self.years)} years pooled, {self.countries} economies): "
                f"{FORMULA} with exporter-year and importer-year fixed effects; standard "
                "errors clustered by country pair (each domestic flow its own cluster). "
                "ln_DIST: great-circle km between mainland centroids of Natural Earth 1:50m "
                "outlines (not population-weighted: no population grid in the package); "
                "internal distance 0.67*sqrt(area/pi) (Head and Mayer 2002). CNTG: a land "
                "border in those outlines. BRDR_USSR: INTL_BRDR times both former union "
                f"republics other than the Baltic states ({' '.join(USSR12)}). EAEU, CIS_FTA, "
                f"EU: {_RULE}.")

    def notes(self) -> tuple[str, ...]:
        """What a reader needs to interpret the numbers."""
        out = [self.specification]
        if self.dataset.startswith("world194"):
            out.append("world194's domestic flow is GDP minus goods exports (services "
                       "included, the dataset's construction): INTL_BRDR there is the gap "
                       "between goods trade and domestic sales of goods and services, larger "
                       "than a goods-only border; the other terms compare international "
                       "pairs with each other and are not affected in the same way")
        out.append("no general regional-trade-agreement dummy: agreements other than the "
                   "EU, the EAEU and the CIS FTA sit in the other coefficients")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (what ``scripts/eurasia_gravity.py`` writes)."""
        est = self.estimate
        return {
            "dataset": self.dataset,
            "years": list(self.years),
            "countries": self.countries,
            "nobs": int(est.nobs),
            "formula": FORMULA,
            "fixed_effects": "exporter-year, importer-year",
            "vcov": est.vcov,
            "specification": self.specification,
            "coefficients": {str(k): {"estimate": float(r["estimate"]),
                                      "std_error": float(r["std_error"])}
                             for k, r in est.table.iterrows()},
            "derived": {str(k): {"estimate": float(r["estimate"]),
                                 "std_error": (None if np.isnan(r["std_error"])
                                               else float(r["std_error"])),
                                 "description": str(r["description"])}
                        for k, r in self.derived().iterrows()},
            "dropped": [{"reason": str(r["reason"]), "observations": int(r["observations"])}
                        for _, r in est.dropped.iterrows()],
            "notes": list(self.notes()),
        }

    def summary(self) -> str:
        """Coefficients, derived borders and notes as text."""
        lines = [self.estimate.summary(), "", self.derived().drop(
            columns="description").to_string(float_format=lambda v: f"{v:.6g}")]
        lines += [f"note: {n}" for n in self.notes()]
        return "\n".join(lines)


def estimate_border(source: str | World | Sequence[World] = "world194",
                    years: Iterable[int] | None = None) -> BorderEstimate:
    """Estimate the border regression (module docstring) on a dataset's goods flows.

    Parameters
    ----------
    source : str, World or sequence of World
        ``"world194"`` (2019-2020), ``"icio2023"`` (2011-2022), ... or Worlds.
    years : iterable of int, optional
        Years pooled (default: every year of the embedded dataset).

    Returns
    -------
    BorderEstimate

    Raises
    ------
    DataError
        If a regressor has no variation in the panel (e.g. no two EU members), since its
        coefficient would not be identified.
    """
    panel = border_panel(source, years)
    for term in ("INTL_BRDR", "BRDR_USSR", "EAEU", "CIS_FTA", "EU", "CNTG"):
        if panel[term].nunique() < 2:
            raise DataError(f"gravity border: {term} is constant in the panel of "
                            f"{panel.attrs['dataset']} (no pair of that kind): not identified")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        est = estimate(panel, FORMULA, year="year", vcov="pair")
    return BorderEstimate(estimate=est, dataset=str(panel.attrs["dataset"]),
                          years=tuple(sorted(int(y) for y in panel["year"].unique())),
                          countries=int(panel["exporter"].nunique()), panel=panel)


def border_record(estimates: Sequence[BorderEstimate]) -> dict[str, Any]:
    """The JSON record of several estimates (``embedded/gravity_eurasia.json``).

    Keys: ``title``, ``formula``, ``membership_rule``, ``membership`` (dated members and
    sources by group), ``ussr12``, ``comparators``, ``estimates`` (dataset ->
    :meth:`BorderEstimate.to_dict`).
    """
    return {
        "title": "In-sample structural gravity: the international border, its former-USSR "
                 "interaction, the EAEU, the CIS FTA and the EU (autarky.gravity.border)",
        "formula": FORMULA,
        "membership_rule": _RULE,
        "membership": {g: {"start": dict(v["start"]), "end": dict(v["end"]),
                           "pair_end": {"-".join(k): e for k, e in v["pair_end"].items()},
                           "source": v["source"]} for g, v in MEMBERSHIP.items()},
        "ussr12": list(USSR12),
        "comparators": {
            "djankov_freund_2002": {
                "estimate": -DJANKOV_FREUND_2002,
                "description": "Djankov and Freund (2002), Journal of Comparative Economics "
                               "30(1): Russian regions traded ~60% more with each other than "
                               "with other former Soviet republics in 1994-96 (border about "
                               "-ln 1.6); no significant difference in 1987-90"},
            "yotov2016_border": {
                "estimate": -2.47445,
                "description": "Yotov, Piermartini, Monteiro and Larch (2016), chapter 2: "
                               "average international border, manufacturing, 69 countries, "
                               "2006 (autarky.gravity.yotov reproduces it)"}},
        "estimates": {e.dataset: e.to_dict() for e in estimates},
    }


def stored_border(dataset: str) -> dict[str, Any]:
    """The stored estimate for ``dataset`` (:meth:`BorderEstimate.to_dict` keys).

    Examples
    --------
    >>> rec = stored_border("icio2023")
    >>> sorted(rec["derived"])[:2]
    ['border_average', 'border_eu']
    """
    est = gravity_eurasia()["estimates"]
    if dataset not in est:
        raise DataError(f"gravity border: no stored estimate for {dataset!r} (stored: "
                        f"{', '.join(est)}; run scripts/eurasia_gravity.py)")
    return dict(est[dataset])


def pair_effects(coef: Mapping[str, float], countries: Sequence[str], year: int,
                 terms: Sequence[str] = ("INTL_BRDR", "BRDR_USSR", "EAEU", "CIS_FTA", "EU"),
                 ) -> pd.DataFrame:
    """The estimated log-trade effect of ``terms`` for every ordered pair of ``countries``.

    ``sum_k b_k z_kij`` in ``year`` (``z`` as in :func:`border_panel`; ``coef`` maps terms
    to numbers, or to ``{"estimate": ...}`` as in :func:`stored_border`): with the default
    terms, the whole estimated border of each pair net of the agreements it is in; removing
    it (the pair trades as regions of one country) changes log trade by minus this.
    Returns a ``[importer, exporter]`` DataFrame, 0 on the diagonal.
    """
    c = list(countries)
    n = len(c)
    z = {"INTL_BRDR": 1.0 - np.eye(n), "BRDR_USSR": member_matrix("USSR", c, year),
         "EAEU": member_matrix("EAEU", c, year), "CIS_FTA": member_matrix("CIS_FTA", c, year),
         "EU": member_matrix("EU", c, year)}
    out = np.zeros((n, n))
    for t in terms:
        if t not in z:
            raise DataError(f"pair_effects: {t!r} is not a border term ({', '.join(z)})")
        if t not in coef:
            raise DataError(f"pair_effects: no coefficient for {t!r}")
        v = coef[t]
        out += float(v["estimate"] if isinstance(v, Mapping) else v) * z[t]
    return pd.DataFrame(out, index=pd.Index(c, name="importer"),
                        columns=pd.Index(c, name="exporter"))


def pair_cost_hats(change: pd.DataFrame | float, world: World, members: Sequence[str],
                   theta: Mapping[str, float] | pd.Series) -> xr.DataArray:
    """Iceberg hats ``[importer, exporter, sector]`` for a log-trade change among ``members``.

    For ``i != j`` both in ``members`` and ``s`` a goods sector of ``world``:
    ``exp(-change_ij / theta_s)`` (:func:`iceberg_hats` pair by pair); 1 for every other
    cell (services, non-members, domestic). ``change`` is a number or an
    ``[importer, exporter]`` DataFrame, e.g. ``-pair_effects(coef, world.countries, year)``
    to remove the estimated border among members (they trade as regions of one country).
    The result feeds ``ak.Scenario.trade_cost(hat)``.
    """
    c = list(world.countries)
    missing = [m for m in members if m not in c]
    if missing:
        raise DataError(f"pair_cost_hats: {', '.join(missing)} not in {world.name}")
    n = len(c)
    if isinstance(change, pd.DataFrame):
        ch = change.reindex(index=c, columns=c).to_numpy(dtype=float)
    else:
        ch = np.full((n, n), float(change))
    m = np.isin(c, list(members))
    pair = m[:, None] & m[None, :] & ~np.eye(n, dtype=bool)
    if not np.isfinite(ch[pair]).all():
        raise DataError("pair_cost_hats: the change is missing or not finite for a member pair")
    goods = _goods(world)
    th = pd.Series(theta, dtype=float)
    # ln tau_hat = -change / theta_s in goods, 0 elsewhere (validated by iceberg_hats)
    unit = iceberg_hats(1.0, th.reindex(list(goods)), goods).reindex(
        list(world.sectors), fill_value=1.0)
    log_unit = np.log(unit.to_numpy())
    cube = np.exp(np.where(pair, ch, 0.0)[:, :, None] * log_unit[None, None, :])
    return xr.DataArray(cube, dims=("importer", "exporter", "sector"),
                        coords={"importer": c, "exporter": c, "sector": list(world.sectors)},
                        name="tau_hat")


def iceberg_hats(b: float, theta: Mapping[str, float] | pd.Series,
                 goods: Iterable[str] | None = None) -> pd.Series:
    """Per-sector iceberg-cost hats of a change ``b`` in log trade: ``exp(-b / theta_j)``.

    Parameters
    ----------
    b : float
        Change in log bilateral trade the cost change should cause at given expenditure
        and prices (positive: more trade, so costs fall), e.g. minus an estimated border.
    theta : mapping or pandas.Series
        Trade elasticity by sector (the run's, e.g. ``ak.elasticities(dataset)``), > 0.
    goods : iterable of str, optional
        Sectors the change applies to (a World's ``sector_classes["goods"]``; default every
        sector). Other sectors (services, where the border is not estimated) keep their
        costs: hat 1.

    Returns
    -------
    pandas.Series
        ``tau_hat`` by sector, in the order of ``theta``.

    Examples
    --------
    >>> iceberg_hats(0.5, {"A": 5.0, "S": 4.0}, goods=["A"]).round(4).to_dict()
    {'A': 0.9048, 'S': 1.0}
    """
    th = pd.Series(theta, dtype=float)
    if not np.isfinite(b):
        raise DataError(f"iceberg_hats: log-trade effect {b!r} is not finite")
    bad = th.index[~(np.isfinite(th.to_numpy()) & (th.to_numpy() > 0))]
    if len(bad):
        raise DataError(f"iceberg_hats: elasticity of sector {bad[0]!r} is {th[bad[0]]!r} "
                        "(expected a positive number)")
    g = list(th.index) if goods is None else list(goods)
    unknown = [s for s in g if s not in th.index]
    if unknown:
        raise DataError(f"iceberg_hats: goods sector {unknown[0]!r} has no elasticity")
    mask = th.index.isin(g)
    return pd.Series(np.where(mask, np.exp(-float(b) / th.to_numpy()), 1.0), index=th.index,
                     name="tau_hat")
