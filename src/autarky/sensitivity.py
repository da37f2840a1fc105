"""What else moves a headline: the solver rules beside it, and the literature under it.

Two tables every door shows beside an equilibrium result (registered in
:data:`autarky.service.EXTRAS`, so the CLI prints them and ``--out``/``--excel``, the report
and the app carry them):

* :func:`rule_intervals` — the headline solved again under the other deficit rule and,
  where goods were given a latent home supply, under the other supply rule; an interval
  (low, high over the two rules, welfare %) for every economy one of them moves by more
  than :data:`THRESHOLD` percentage points. A preset with a calibration target is
  recalibrated under the other rule (the preset as defined), as the range does per source.
* :func:`literature_table` — :func:`autarky.literature.lines` of the preset: published
  numbers with their source and why ours may differ.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np
import pandas as pd

from autarky import calibrate, literature
from autarky import run as run_
from autarky.errors import ScenarioWarning
from autarky.model.options import Deficits, SolveOptions
from autarky.scenario import Scenario
from autarky.world import World

__all__ = ["THEOREM", "THRESHOLD", "ilms_us_text", "literature_table", "policy_pair",
           "rule_intervals", "shock_sd"]

THRESHOLD = 0.1
"""Percentage points: a rule's interval is shown when it moves some economy more than this."""

TOP = 8
"""Economies listed per rule (those it moves most), besides the groups."""

_DEFICIT_TEXT = {
    "fixed": "deficits kept at their observed values (CP 2015 default)",
    "zero": "deficits set to zero before the scenario (balanced baseline, CP 2015)",
    "proportional": "deficits moving with each country's wage",
}


def _alternatives(opts: SolveOptions, floored: bool) -> list[tuple[str, str, SolveOptions]]:
    from autarky.solve import sensitivity_rule

    alt: Deficits = "zero" if opts.deficits != "zero" else "fixed"
    out = [("deficits", f"deficit rule '{opts.deficits}' ({_DEFICIT_TEXT[opts.deficits]}) "
            f"vs '{alt}' ({_DEFICIT_TEXT[alt]})", dataclasses.replace(opts, deficits=alt))]
    if floored:
        rule = sensitivity_rule(opts.floor_rule)
        out.append(("supply", "supply rule for goods without a home supplier: rule "
                    f"'{opts.floor_rule}' vs '{rule}' (autarky.solve.floor_shares: the "
                    "latent home supply at the "
                    "smallest recorded supplier's share, the largest the data allow, or a "
                    "tenth of it)", dataclasses.replace(opts, floor_rule=rule)))
    return out


def rule_intervals(world: World, scn: Scenario, result: Any, elasticities: Any,
                   options: SolveOptions, groups: dict[str, Any] | None = None,
                   threshold: float = THRESHOLD) -> pd.DataFrame | None:
    """Welfare under the other deficit rule and supply rule, as intervals beside the headline.

    Parameters
    ----------
    world, scn : World, Scenario
        The baseline and the scenario as given (before calibration: a preset with a
        target is recalibrated under each rule).
    result : Result
        The headline solve (its welfare is one end of each interval).
    elasticities, options
        The headline's.
    groups : dict, optional
        Named groups whose income-weighted welfare is added (default: the scenario's blocs
        and the world).
    threshold : float
        Percentage points: a rule is shown when it moves some economy by more.

    Returns
    -------
    DataFrame or None
        Index: the economies a rule moves by more than ``threshold`` (the :data:`TOP` that
        move most) and the groups; columns ``headline`` and, per rule shown,
        ``<rule> low``/``high`` (``deficits``, ``supply``). None when
        no rule moves any economy by more than ``threshold``. ``attrs["text"]`` says what
        each interval is over.
    """
    from autarky.solve import resolve_elasticities, to_shock
    from autarky.sweep import solve_rows

    floored = any(str(n).startswith("unavailable goods:") for n in result.notes)
    theta = resolve_elasticities(world, elasticities,
                                 extreme=bool(options.extreme_elasticities))[0]
    groups = groups if groups is not None else {**scn.blocs(world),
                                                "world": tuple(world.countries)}
    head = run_.group_welfare(world, result.welfare.reindex(world.countries).to_numpy()[None],
                              groups).iloc[0]
    cols: dict[str, pd.Series] = {"headline": head}
    texts: list[str] = []
    keep: list[str] = []
    countries = list(world.countries)
    for label, what, alt in _alternatives(options, floored):
        alt = dataclasses.replace(alt, return_unconverged=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            # a recalibrated preset: the calibration's solve at its barrier is the answer
            W = np.full((1, len(countries)), np.nan)
            scns, _ = calibrate.prepare_sources(world, scn, theta[None], alt, welfare=W)
            if scns[0] is None:
                texts.append(f"{label}: {what}: the calibration target is out of reach")
                continue
            conv = np.isfinite(W).all(axis=1)
            if not conv[0]:
                W, conv, _, _ = solve_rows(world, [to_shock(world, scns[0], theta)],
                                           np.zeros(1, dtype=int), theta[None], alt, notes=[])
        if not conv[0]:
            texts.append(f"{label}: {what}: the solve did not converge")
            continue
        other = run_.group_welfare(world, W, groups).iloc[0]
        gap = (other - head).abs()
        if not (gap.reindex(list(world.countries)) > threshold).any():
            texts.append(f"{label}: {what}: moves no economy by more than {threshold:g} pp "
                         f"(largest {gap.reindex(list(world.countries)).max():.3f} pp)")
            continue
        cols[f"{label} low"] = np.minimum(head, other)
        cols[f"{label} high"] = np.maximum(head, other)
        by_country = gap.reindex(countries)
        top = by_country[by_country > threshold].sort_values(ascending=False).index[:TOP]
        keep += [c for c in top if c not in keep]
        n = int((by_country > threshold).sum())
        texts.append(f"{label}: {what}: moves {n} of {len(world.countries)} economies by more "
                     f"than {threshold:g} pp")
    if len(cols) == 1:
        return None
    frame = pd.DataFrame(cols)
    keep += [g for g in frame.index if g not in world.countries]
    out = frame.loc[keep]
    out.index.name = "economy"
    out.attrs["title"] = "Solver rules: welfare, % (interval over the two rules of each)"
    out.attrs["text"] = (
        "Each interval is the lowest and highest welfare change (%) over the headline's rule "
        "and the other rule, everything else as in the headline (elasticities, data; a "
        "calibrated preset recalibrated under the other rule); separate solves, "
        f"economies listed where a rule moves them by more than {threshold:g} pp (the "
        f"{TOP} each rule moves most) and the groups. " + "; ".join(texts) + ".")
    return out


def literature_table(name: str, world: World | None = None) -> pd.DataFrame | None:
    """Published numbers for a preset (:func:`autarky.literature.lines`), one per row."""
    lines = literature.lines(name)
    if not lines:
        return None
    out = pd.DataFrame({"published number, source, why it may differ": lines})
    data = f"{world.name} {world.year or ''}".strip() if world is not None else "its data"
    out.attrs["title"] = "Published numbers beside this result"
    out.attrs["text"] = (
        "Not targets (except where a line says so). Why numbers may differ: this result is "
        "a static, perfectly competitive Caliendo-Parro (2015) model solved on "
        f"{data}; published studies differ in model class (dynamics, technology diffusion, "
        "firm heterogeneity, scale economies), data year, the barriers they change and what "
        "they measure (welfare, GDP, consumption).")
    return out


PAIRS = {"us-tariffs-2025": "liberation-day"}
"""A preset and the published-model preset of the same policy shown beside it."""


def policy_pair(name: str, result: Any, world: World | None,
                deficits: str | None = None) -> pd.DataFrame | None:
    """us-tariffs-2025 beside liberation-day (the ILMS 2025 model on its own data).

    Both are the tariffs of 2 April 2025 without retaliation; the table gives US, China
    and EU welfare in each, and ``attrs["text"]`` says why they differ. Cheap: the ILMS
    model solves in about a second.
    """
    other = PAIRS.get(name)
    if other is None or result is None or world is None:
        return None
    from autarky.data import read_ilms2025  # the ILMS model (SciPy) only for a paired preset
    from autarky.liberation import DATA_FOLDER, EU27, liberation_day, summary
    from autarky.presets import record

    try:
        data = read_ilms2025(DATA_FOLDER)
    except Exception:  # noqa: BLE001 - no ILMS data folder: nothing to set beside
        return None
    ilms = summary(liberation_day(data, dict(record(other).params)["retaliation"]), data)
    groups = {"EU": tuple(c for c in EU27 if c in world.countries)}
    ours = run_.group_welfare(world, result.welfare.reindex(world.countries).to_numpy()[None],
                              groups).iloc[0]
    rows = ["USA", "CHN", "EU"]
    out = pd.DataFrame({f"{name} (this run, {world.name} {world.year or ''})".replace(
        " )", ")"): [float(ours.get(r, np.nan)) for r in rows],
        f"{other} (ILMS 2025 model and data)": [float(ilms.at[r, "welfare"]) for r in rows]},
        index=pd.Index(rows, name="economy"))
    out.attrs["title"] = f"The same policy in two models: {name} and {other}, welfare %"
    out.attrs["text"] = (
        f"{name} is solved in the Caliendo-Parro (2015) multi-sector model with input-output "
        f"links and deficit rule '{deficits}'"
        + (": the trade deficits are removed first (a balanced baseline), so the US deficit "
           "the order sets out to reduce is gone before the tariffs apply and cannot move; "
           if deficits == "zero" else "; ")
        + f"{other} is the one-sector model of Ignatenko, Lashkaripour, Macedoni and "
        "Simonovska (2025) on their 2023 data for 194 economies, deficits kept, tariff "
        "revenue rebated, with unemployment through nominal wage rigidity. Exemptions "
        "(sector-level here, article-level there) and the coverage of Canada and Mexico also "
        "differ. EU: income-weighted here, absorption-weighted there.")
    return out


# ------------------------------------------------- helpers of the claims (issue 30 item 6)
THEOREM = ("Sign: a theorem of the model class, not a finding of these data: in gravity models "
           "with balanced trade and no tariffs (Arkolakis-Costinot-Rodriguez-Clare 2012; "
           "Costinot-Rodriguez-Clare 2014) every country that buys anything abroad loses from "
           "autarky, W^ = prod_j pi_nnj^(alpha_nj/theta_j) < 1 (with input-output links times"
           " Leontief-inverse terms); the computation measures the size. ")
"""Claim 1's result line opens with it: the sign is a theorem of the model class."""

def shock_sd(worlds: list[World], dataset: str) -> tuple[float, str]:
    """The size of sector-specific shocks, estimated from a dataset's panel of years.

    The standard deviation of the annual log change of each sector's share in its
    country's gross output, after removing each country-sector's mean change (its trend),
    pooled over countries, sectors and years (shares above 0.1% in both years). Shares
    remove what is common to a country (exchange rates, aggregate growth); what remains
    also includes demand shifts and relative prices, so it bounds the sd of sector
    productivity shocks from above. ``worlds``: the dataset's years in order. Returns the
    value and a sentence saying so.
    """
    G = np.stack([w.arrays()["gross_output"] for w in worlds])
    share = G / G.sum(axis=2, keepdims=True)
    ok = (share[1:] > 1e-3) & (share[:-1] > 1e-3)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a pair below 0.1% every year
        d = np.where(ok, np.log(share[1:] / share[:-1]), np.nan)
        d = d - np.nanmean(d, axis=0, keepdims=True)
    sd = float(np.nanstd(d))
    return sd, (
        f"sd {sd:.3f} estimated from the data: the standard deviation of the annual log "
        f"change of each sector's share in its country's gross output on {dataset} "
        f"{worlds[0].year}-{worlds[-1].year}, each country-sector's trend removed, pooled over "
        f"{int(np.isfinite(d).sum())} country-sector-years (shares above 0.1%); it includes "
        "demand shifts and relative prices, so it bounds the productivity shocks from above. "
        "Caselli, Koren, Lisicky and Tenreyro (2020) estimate country, sector and "
        "country-sector components of productivity shocks; their values are not used here")


def ilms_us_text(engine_usa: float, world: World | None) -> str:
    """The 2025 US tariffs in the ILMS model (by retaliation, and the rebate) and ours.

    ``engine_usa``: US welfare of ``autarky run us-tariffs-2025`` on ``world``.
    """
    from autarky.data.ilms2025 import read_ilms2025
    from autarky.errors import AutarkyError
    from autarky.liberation import DATA_FOLDER, liberation_day
    from autarky.model.ilms import ILMSParams

    try:  # where ../shared holds their data (read once for the four solves)
        data = read_ilms2025(DATA_FOLDER)
        us = {k: liberation_day(data, k).welfare["USA"]
              for k in ("none", "reciprocal", "optimal")}
        lump = liberation_day(data, "none", ILMSParams(rebate="lump-sum")).welfare["USA"]
    except (AutarkyError, OSError):
        from pathlib import Path

        text = (f" (The Ignatenko et al. 2025 data are absent: looked for "
                f"{Path(DATA_FOLDER).resolve()}, which is {DATA_FOLDER} from the working "
                "directory.)")
    else:
        text = (f" The April 2025 US tariffs in the model and data of Ignatenko et al. (2025): "
                f"USA {us['none']:+.2f}% without retaliation, {us['reciprocal']:+.2f}% with "
                f"reciprocal and {us['optimal']:+.2f}% with optimal retaliation. The gain "
                "without retaliation needs the tariff revenue to cut income taxes (which "
                "raises labour supply where the income tax distorts it): with the revenue "
                f"rebated lump sum instead, the US change is {lump:+.2f}%.")
    where = f"{world.name} {world.year}" if world is not None else "its default world"
    return text + (f" The same tariffs in this project's engine (preset us-tariffs-2025, "
                   f"Caliendo-Parro 2015 on {where}, deficits removed first, revenue rebated "
                   f"lump sum, no retaliation): USA {engine_usa:+.2f}%, as 'autarky run "
                   "us-tariffs-2025' prints.")
