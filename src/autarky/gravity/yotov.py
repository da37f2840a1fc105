"""The two general-equilibrium experiments of Yotov et al. (2016), chapter 2, reproduced.

* :func:`borders`: removing all international borders, 2006 cross-section, sigma = 7
  (application 1, ``TradeWithoutBorder.do``);
* :func:`nafta`: removing NAFTA, 1994 baseline, sigma = 7 (application 2,
  ``RTAsEffects.do``), with trade costs from pair fixed effects and the RTA estimate
  (Anderson and Yotov 2016 two-stage procedure for pairs without trade);
* :func:`compare`: every country's percent changes against the guide's Stata results, in the
  guide's conventions (numeraire: Germany's inward resistance; for NAFTA the files report
  the baseline relative to the counterfactual, i.e. NAFTA's effect).

The published RTA estimate: 0.5571853 (s.e. 0.055771, heteroskedasticity-robust without
small-sample correction), Stata log ``Chapter2/Applications/2_RTAsEffects/Results/
RTAsEffects.log`` of the guide's application files.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from autarky.gravity.costs import cost_term, to_matrix
from autarky.gravity.estimate import Estimate, estimate
from autarky.gravity.ge import GravityGE, simulate

__all__ = ["NAFTA", "SIGMA", "borders", "compare", "nafta", "nafta_estimate"]

SIGMA = 7.0
NAFTA = ("CAN", "MEX", "USA")
REFERENCE = "DEU"
YEARS = (1986, 1990, 1994, 1998, 2002, 2006)


def _countries(df: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(df["exporter"]) | set(df["importer"])))


def borders(data: Any, *, method: str = "engine", baseline: str = "fitted",
            tol: float = 0.01) -> tuple[Estimate, GravityGE]:
    """Removing international borders (2006): ``INTL_BRDR`` set to zero for every pair.

    Parameters
    ----------
    data : autarky.data.yotov2016.Yotov2016
        From :func:`autarky.data.read_yotov2016`.
    method, baseline, tol
        See :func:`autarky.gravity.simulate`.
    """
    d = data.borders
    est = estimate(d, "trade ~ ln_DIST + CNTG + INTL_BRDR", year=None)
    c = _countries(d)
    X = to_matrix(d, "trade", c)
    t0 = to_matrix(d, cost_term(est, d), c)
    t1 = to_matrix(d, cost_term(est, d, {"INTL_BRDR": 0.0}), c)
    ge = simulate(X, t0, t1, c, sigma=SIGMA, reference=REFERENCE, baseline=baseline,  # type: ignore[arg-type]
                  method=method, tol=tol)  # type: ignore[arg-type]
    return est, ge


def nafta_estimate(data: Any) -> Estimate:
    """The guide's panel estimate of the RTA effect (chapter 2, application 2).

    PPML of trade on RTA with exporter-year, importer-year and (undirected) pair fixed
    effects, intra-national flows one reference pair group, 1986-2006 every four years;
    s.e. as printed in the guide's log (robust, no small-sample correction).
    """
    p = data.rta_panel
    p = p[p["year"].isin(YEARS)].reset_index(drop=True)
    return estimate(p, "trade ~ RTA", pair_fe=True, pair="pair_id", vcov="hetero",
                    small_sample=False)


def nafta(data: Any, *, est: Estimate | None = None, method: str = "engine",
          baseline: str = "fitted", tol: float = 0.01) -> tuple[Estimate, GravityGE]:
    """Removing NAFTA: ``RTA`` set to zero between CAN, MEX and USA, 1994 baseline.

    Trade costs ``t_ij = exp(gamma_ij + b_RTA RTA_ij)`` with ``gamma_ij`` the estimated pair
    effect relative to intra-national trade; for the pairs that never trade (no pair effect),
    ``exp(gamma_ij)`` is predicted by a PPML regression of the estimated ``exp(gamma_ij)`` on
    distance, contiguity, language and colony with exporter and importer effects, 1994
    (Anderson and Yotov 2016; the guide's stage 2).
    """
    if est is None:
        est = nafta_estimate(data)
    p = data.rta_panel
    d = p[p["year"] == 1994].reset_index(drop=True).copy()
    g = est.pair_effects()
    key = np.where(d["exporter"] == d["importer"], "__domestic__",
                   d["pair_id"].astype(str))
    gamma = pd.Series(key).map(g)
    d["tij"] = np.exp(gamma)
    intl = d["exporter"] != d["importer"]
    missing = d["tij"].isna() & intl
    if missing.any():
        s2 = estimate(d[intl & ~missing], "tij ~ ln_DIST + CNTG + LANG + CLNY", year=None,
                      vcov={"CRV1": "pair_id"})
        d.loc[missing, "tij"] = s2.predict(d[missing])
    d.loc[~intl, "tij"] = 1.0
    b = float(est.coef["RTA"])
    no = d["exporter"].isin(NAFTA) & d["importer"].isin(NAFTA) & intl
    t_bln = d["tij"] * np.exp(b * d["RTA"])
    t_cfl = d["tij"] * np.exp(b * d["RTA"].where(~no, 0.0))
    c = _countries(d)
    ge = simulate(to_matrix(d, "trade", c), to_matrix(d, t_bln, c), to_matrix(d, t_cfl, c),
                  c, sigma=SIGMA, reference=REFERENCE, baseline=baseline,  # type: ignore[arg-type]
                  method=method, tol=tol)  # type: ignore[arg-type]
    return est, ge


VARIABLES = ("rGDP", "exports", "exports_CDL", "price", "IMR", "IMR_CDL", "OMR", "OMR_CDL")


def compare(ge: GravityGE, stata: pd.DataFrame, experiment: str) -> pd.DataFrame:
    """Percent changes side by side with the guide's Stata results, in its conventions.

    ``experiment="borders"``: changes are counterfactual relative to baseline,
    ``100 (x'/x - 1)``. ``experiment="nafta"``: the files report NAFTA's effect, the
    baseline relative to the counterfactual: ``100 (x/x' - 1)``, and for factory-gate
    prices ``100 (1 - p'/p)``. Real GDP in the files' formula: ``Y / IMR^(1/(1-sigma))``.

    Returns
    -------
    pandas.DataFrame
        Index country; columns ``(variable, "autarky" | "stata" | "diff")``.
    """
    s = stata.reindex(ge.table.index)
    t = ge.table
    inv = 1.0 / (1.0 - ge.sigma)
    hats = {
        "rGDP": (t["Y_FULL"] / t["IMR_FULL"] ** inv) / (t["Y_BLN"] / t["IMR_BLN"] ** inv),
        "exports": t["Xi_FULL"] / t["Xi_BLN"],
        "exports_CDL": t["Xi_CDL"] / t["Xi_BLN"],
        "price": t["Y_FULL"] / t["Y_BLN"],
        "IMR": (t["IMR_FULL"] / t["IMR_BLN"]) ** inv,
        "IMR_CDL": (t["IMR_CDL"] / t["IMR_BLN"]) ** inv,
        "OMR": (t["OMR_FULL"] / t["OMR_BLN"]) ** inv,
        "OMR_CDL": (t["OMR_CDL"] / t["OMR_BLN"]) ** inv,
    }
    rs = {
        "rGDP": (s["Y_FULL"] / s["IMR_FULL"] ** inv) / (s["Y_BLN"] / s["IMR_BLN"] ** inv),
        "exports": 1 + s["change_Xi_FULL"] / 100, "exports_CDL": 1 + s["change_Xi_CDL"] / 100,
        "price": 1 + s["change_price_FULL"] / 100,
        "IMR": 1 + s["change_IMR_FULL"] / 100, "IMR_CDL": 1 + s["change_IMR_CDL"] / 100,
        "OMR": 1 + s["change_OMR_FULL"] / 100, "OMR_CDL": 1 + s["change_OMR_CDL"] / 100,
    }
    cols = {}
    for v in VARIABLES:
        h = hats[v]
        if experiment == "nafta":
            mine = 100 * (1 - h) if v == "price" else 100 * (1 / h - 1)
            theirs = (100 * (1 / rs[v] - 1) if v == "rGDP"
                      else 100 * (rs[v] - 1))
        else:
            mine, theirs = 100 * (h - 1), 100 * (rs[v] - 1)
        cols[(v, "autarky")] = mine
        cols[(v, "stata")] = theirs
        cols[(v, "diff")] = mine - theirs
    return pd.DataFrame(cols, index=t.index)
