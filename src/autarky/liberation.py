"""The April 2025 US tariffs as published by Ignatenko, Lashkaripour, Macedoni, Simonovska.

"Making America Great Again? The Economic Impacts of Liberation Day Tariffs" (2025, JIE
157; NBER w33771): their 194-country one-sector baseline
(:func:`autarky.data.read_ilms2025`) and their model (:mod:`autarky.model.ilms`: elastic
labour supply, tariff revenue used to cut income taxes, partial pass-through, a roundabout
share of sales, transfers fixed as a share of world income), with three retaliation
settings, each a named preset:

=====================================  ================================================
preset                                 tariffs
=====================================  ================================================
``liberation-day``                     US: max(10%, the published rate) on each partner
``liberation-day-reciprocal``          and every partner sets the same rate on US goods
``liberation-day-optimal-retaliation`` and every partner sets its optimal tariff on US
                                       goods (ILMS 2025, two-region formula)
=====================================  ================================================

The paper's Table 1-2 headline numbers (welfare, employment and prices of the USA, China,
the EU and the non-US average; :func:`summary`) are reproduced by running the model
(``tests/test_liberation.py``). The published aggregates are averages weighted by each
country's total absorption ``E_i`` in the model's baseline (the paper says "GDP-weighted";
absorption weights reproduce every published aggregate, WDI GDP weights do not).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from autarky import presets as _presets
from autarky.data.ilms2025 import ILMS2025, read_ilms2025
from autarky.errors import ConvergenceError, ScenarioError
from autarky.model import ilms

__all__ = ["DATA_FOLDER", "EU27", "PRESETS", "LiberationResult", "liberation_day", "summary",
           "table"]

Retaliation = Literal["none", "reciprocal", "optimal"]

PRESETS: dict[str, Retaliation] = {
    p.name: dict(p.params)["retaliation"] for p in _presets.PRESETS.values() if p.kind == "ilms"}
"""Preset name -> retaliation setting (all with the paper's baseline parameters); the
records (description, assumptions, sources, default data folder) are in
:data:`autarky.presets.PRESETS`."""

DATA_FOLDER = str(_presets.record("liberation-day").default_world)
"""Where their baseline sits beside a checkout (the reference data, not packaged)."""

EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE")
"""The 27 EU members, each its own tariff setter (ILMS 2025, footnote 9)."""


def table() -> pd.DataFrame:
    """The Liberation Day presets' rows of :func:`autarky.presets.table`."""
    tab = _presets.table()
    return tab.loc[[n for n in PRESETS if n in tab.index]]


@dataclass(frozen=True, eq=False)
class LiberationResult:
    """Outcome of one ILMS (2025) counterfactual.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per country: ``welfare``, ``employment``, ``cpi`` (percent changes),
        ``us_tariff`` (the US rate on the country) and ``tariff_on_us`` (its rate on US
        goods), both fractions.
    converged : bool
    residual : float
    seconds : float
    notes : tuple of str
    """

    frame: pd.DataFrame
    converged: bool
    residual: float
    seconds: float
    notes: tuple[str, ...]

    @property
    def welfare(self) -> pd.Series:
        """Percent change in welfare by country."""
        return self.frame["welfare"]

    @property
    def employment(self) -> pd.Series:
        """Percent change in employment by country."""
        return self.frame["employment"]


def summary(result: LiberationResult, data: ILMS2025) -> pd.DataFrame:
    """The rows of the paper's Tables 1-2: USA, CHN, EU and the non-US average.

    Parameters
    ----------
    result : LiberationResult
        A solved counterfactual.
    data : ILMS2025
        Its baseline (the weights).

    Returns
    -------
    pandas.DataFrame
        Index ``USA, CHN, EU, non-US (average)``; columns ``welfare``, ``employment``,
        ``cpi`` (percent changes). EU and non-US are averages over the 27 members and over
        every country but the USA, weighted by baseline total absorption ``E_i`` (the
        weights that reproduce the paper's published aggregates).
    """
    cols = ["welfare", "employment", "cpi"]
    f = result.frame[cols]
    w = pd.Series(data.E, index=f.index)

    def avg(members: pd.Index) -> pd.Series:
        return (f.loc[members].mul(w[members], axis=0).sum() / w[members].sum())

    rows = {"USA": f.loc["USA"], "CHN": f.loc["CHN"],
            "EU": avg(f.index[f.index.isin(EU27)]),
            "non-US (average)": avg(f.index[f.index != "USA"])}
    return pd.DataFrame(rows).T[cols].rename_axis("region")


def liberation_day(data: ILMS2025 | str | Path, retaliation: Retaliation = "none",
                   params: ilms.ILMSParams | None = None) -> LiberationResult:
    """Solve the ILMS (2025) model for the Liberation Day tariffs.

    Parameters
    ----------
    data : ILMS2025 or path
        The baseline, or the ``us-tariff-2025`` folder to read it from.
    retaliation : {"none", "reciprocal", "optimal"}
        What the other countries do.
    params : ILMSParams, optional
        Model parameters (default: the paper's baseline).

    Returns
    -------
    LiberationResult
    """
    if retaliation not in ("none", "reciprocal", "optimal"):
        raise ScenarioError(f"retaliation = {retaliation!r}: expected 'none', 'reciprocal' "
                            "or 'optimal'")
    t0 = time.perf_counter()
    d = data if isinstance(data, ILMS2025) else read_ilms2025(data)
    p = params or ilms.ILMSParams()
    N, us = len(d.E), d.us
    t = np.zeros((N, N))
    t[:, us] = d.us_tariff
    if retaliation == "reciprocal":
        t = ilms.reciprocal(t, us)
    elif retaliation == "optimal":
        nu_row = float(d.nu[np.arange(N) != us][0])
        t = ilms.optimal_retaliation(t, d.X, d.Y, nu_row, float(d.nu[us]), us, p,
                                     ilms.pass_through(d.nu, p))
    sol = ilms.solve(d.lam, d.E, d.Y, d.T, d.nu, t, p)
    frame = pd.DataFrame({"welfare": sol.welfare, "employment": sol.employment,
                          "cpi": sol.cpi, "us_tariff": t[:, us], "tariff_on_us": t[us, :]},
                         index=pd.Index(d.countries, name="country"))
    notes = (
        "model: Ignatenko, Lashkaripour, Macedoni, Simonovska (2025), one sector, 194 "
        "countries, BACI 2023 trade and WDI GDP",
        f"trade elasticity {p.eps:g}; labour-supply elasticity {p.kappa:g}; scale term "
        f"psi = {p.psi_share:g} / eps; pass-through case {p.pass_through:g}",
        "tariff revenue: " + ("cuts income taxes" if p.rebate == "income-tax"
                              else "rebated lump sum"),
        f"roundabout share nu: USA {d.nu[us]:.4f}, others {float(np.delete(d.nu, us)[0]):.4f} "
        "(input shares 0.26 and 0.12); transfers fixed as a share of world income",
        f"domestic absorption set to 0 where imports exceed GDP plus transfers: "
        f"{', '.join(d.hubs) or 'none'}",
        f"retaliation: {retaliation}",
    )
    out = LiberationResult(frame=frame, converged=sol.converged, residual=sol.residual,
                           seconds=time.perf_counter() - t0, notes=notes)
    if not sol.converged:
        raise ConvergenceError(f"ILMS model did not converge (residual {sol.residual:.3g})",
                               diagnostics=out)
    return out
