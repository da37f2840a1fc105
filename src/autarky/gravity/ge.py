"""From estimated trade costs to general equilibrium, conditional and full.

With the multilateral resistances of structural gravity (Yotov et al. 2016, chapter 2).

Notation (Anderson and van Wincoop 2003; Yotov et al. 2016, eqs. 2-4 of chapter 2):
``X_ij = Y_i E_j t_ij / (OMR_i IMR_j)`` with ``t_ij = exp(b'z_ij)`` the estimated cost
term (already raised to ``1 - sigma``), ``OMR_i = sum_j t_ij E_j / IMR_j`` (outward,
``Pi_i^(1-sigma)``) and ``IMR_j = sum_i t_ij Y_i / OMR_i`` (inward, ``P_j^(1-sigma)``),
normalised so that the reference country's ``IMR`` is one. Arrays are
``[importer, exporter]`` like :attr:`autarky.World.flows`.

* conditional GE: output and expenditure fixed, the resistances re-solved (:func:`resistances`);
* full GE (``method="engine"``): the autarky engine (``solve``, one sector, elasticity
  ``theta = sigma - 1``, deficits moving with income) solves the exact equilibrium in changes
  with the trade-cost change ``tau_hat^(-theta) = t_cf / t_base``; prices are then expressed
  relative to the reference country's inward resistance, the guide's numeraire;
* ``method="yotov2016"``: the guide's own iterative procedure (Anderson, Larch and Yotov
  2018, as coded in the guide's Stata files), which stops when factory-gate prices move less
  than 0.01 between iterations and sets expenditure to ``phi_j Y_j`` without requiring world
  expenditure to equal world output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from autarky.errors import ConvergenceError, DataError
from autarky.model.options import SolveOptions
from autarky.scenario import Scenario
from autarky.solve import solve
from autarky.world import World

__all__ = ["GravityGE", "resistances", "simulate", "simulate_change", "to_scenario"]

Baseline = Literal["fitted", "observed"]
Method = Literal["engine", "yotov2016"]


def resistances(t: np.ndarray, Y: np.ndarray, E: np.ndarray, ref: int, *,
                tol: float = 1e-13, max_iter: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """Solve the multilateral resistances for given costs, output and expenditure.

    ``OMR_i = sum_j t_ji E_j / IMR_j`` and ``IMR_j = sum_i t_ji Y_i / OMR_i`` (``t`` is
    ``[importer, exporter]``), ``IMR_ref = 1``; a vectorised fixed point (matrix scaling).
    The fitted flows ``Y_i E_j t_ji / (OMR_i IMR_j)`` then add up to ``Y`` and ``E``: they
    are the PPML fitted values of a regression with exporter and importer fixed effects and
    offset ``log t``.

    Returns
    -------
    OMR, IMR : ndarray (N,)
    """
    if abs(Y.sum() / E.sum() - 1) > 1e-9:
        raise DataError(f"resistances: world output {Y.sum():.6g} differs from world "
                        f"expenditure {E.sum():.6g}")
    imr = np.ones_like(E)
    for _ in range(max_iter):
        omr = t.T @ (E / imr)
        new = t @ (Y / omr)
        new = new / new[ref]
        if np.max(np.abs(new / imr - 1.0)) < tol:
            imr = new
            break
        imr = new
    else:
        raise ConvergenceError(f"resistances: no convergence in {max_iter} iterations")
    omr = t.T @ (E / imr)
    return omr, imr


def to_scenario(t_base: np.ndarray, t_cf: np.ndarray, countries: list[str] | tuple[str, ...],
                theta: float) -> Scenario:
    """The engine's trade-cost scenario for a change in the estimated cost term.

    ``tau_hat^(-theta) = t_cf / t_base = exp(b * delta)``, so
    ``tau_hat = (t_cf / t_base)^(-1/theta)``; cells where nothing changes are 1.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(t_base > 0, t_cf / np.where(t_base > 0, t_base, 1.0), 1.0)
    hat = ratio ** (-1.0 / theta)
    return Scenario.trade_cost(hat, countries=list(countries))


@dataclass(frozen=True, eq=False)
class GravityGE:
    """Baseline, conditional and full general-equilibrium results by country.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by country. Levels (the guide's names): ``Y_BLN``, ``Y_FULL``, ``E_BLN``,
        ``E_FULL``, ``Xi_BLN``, ``Xi_CDL``, ``Xi_FULL`` (international exports),
        ``OMR_*`` and ``IMR_*`` (``Pi^(1-sigma)``, ``P^(1-sigma)``); percent changes:
        ``price_FULL`` (factory-gate price), ``rGDP_FULL`` (real GDP ``Y / P``),
        ``Xi_CDL_pct``, ``Xi_FULL_pct``, ``OMR_CDL_pct``, ``OMR_FULL_pct``,
        ``IMR_CDL_pct``, ``IMR_FULL_pct`` (resistances as ``Pi`` and ``P``).
    sigma : float
    reference : str
        Country whose inward resistance is the numeraire (``IMR = 1``).
    method, baseline : str
    flows : dict of str to ndarray
        ``"BLN"``, ``"CDL"``, ``"FULL"`` flows ``[importer, exporter]`` (million USD).
    result : autarky.Result or None
        The engine's result (``method="engine"``).
    iterations : int
    notes : tuple of str
        Assumptions the numbers rest on.
    """

    table: pd.DataFrame
    sigma: float
    reference: str
    method: str
    baseline: str
    flows: dict[str, np.ndarray] = field(repr=False)
    result: Any = field(default=None, repr=False)
    iterations: int = 0
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """The percent changes (the guide's reported indexes), by country."""
        return self.table[["rGDP_FULL", "price_FULL", "Xi_CDL_pct", "Xi_FULL_pct",
                           "IMR_CDL_pct", "IMR_FULL_pct", "OMR_CDL_pct", "OMR_FULL_pct"]]


def _exports(X: np.ndarray) -> np.ndarray:
    off = X.copy()
    np.fill_diagonal(off, 0.0)
    return off.sum(axis=0)


def _guide_loop(t_cf: np.ndarray, Y: np.ndarray, E: np.ndarray, X_cdl: np.ndarray,
                imr0: np.ndarray, omr0: np.ndarray, imr1: np.ndarray, omr1: np.ndarray,
                ref: int, sigma: float, tol: float,
                max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """The guide's full-endowment iteration, step for step (RTAsEffects.do, step III.b).

    Each step re-estimates PPML with exporter and importer fixed effects and offset
    ``log t_cf`` on flows that already have that form, so the fit returns them unchanged:
    the fixed effects follow in closed form, ``exp(pi_i) = Y_i E_R / OMR_i`` and
    ``exp(chi_j) = E_j / (IMR_j E_R)`` with the reference importer's effect one.
    """
    inv = 1.0 / (1.0 - sigma)
    phi = E / Y
    ER = E[ref]

    def fe(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pi = M[ref, :] / t_cf[ref, :]
        chi = M.sum(axis=1) / (t_cf * pi[None, :]).sum(axis=1)
        return pi, chi

    pi0 = Y * ER / omr0
    pi1 = Y * ER / omr1
    cp_prev2 = np.zeros_like(Y)
    cp_prev = (pi1 / pi0) ** inv
    omr_prev, imr_prev = omr1, imr1
    c_omr, c_imr = np.ones_like(Y), np.ones_like(Y)
    T, pi_prev, ER_prev = X_cdl, pi1, ER
    E_s, chi = E, E / (imr1 * ER)
    sd = mx = 1.0
    it = 0
    while not (sd <= tol and mx <= tol):  # NaN keeps iterating into the check
        if it >= max_iter or not np.all(np.isfinite(cp_prev)):
            raise ConvergenceError(
                f"yotov2016 iteration: no convergence after {it} steps (the guide's "
                "undamped iteration diverges on this economy; use method='engine')")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            T = T * cp_prev[None, :] * cp_prev[:, None] / (c_omr[None, :] * c_imr[:, None])
            Y_s = T.sum(axis=0)
            E_s = phi * Y_s
            ER_s = E_s[ref]
            pi_s, chi = fe(T)
            cp = ((pi_s / pi_prev) / (ER_s / ER_prev)) ** inv
            omr_s = Y_s * ER_s / pi_s
            imr_s = E_s / (chi * ER_s)
            c_omr, c_imr = omr_s / omr_prev, imr_s / imr_prev
            dif = cp_prev - cp_prev2
            sd, mx = float(np.std(dif, ddof=1)), abs(float(np.max(dif)))
            cp_prev2, cp_prev = cp_prev, cp
            omr_prev, imr_prev, pi_prev, ER_prev = omr_s, imr_s, pi_s, ER_s
            it += 1
    p = ((pi_prev / pi0) / (ER_prev / ER)) ** inv
    Y_full = p * Y
    E_full = phi * Y_full
    omr_full = Y_full * ER_prev / pi_prev
    imr_full = imr_prev
    X_full = Y_full[None, :] * E_full[:, None] * t_cf / (imr_full[:, None] * omr_full[None, :])
    return p, omr_full, imr_full, X_full, it


def simulate(flows: np.ndarray, t_base: np.ndarray, t_cf: np.ndarray,
             countries: list[str] | tuple[str, ...], *, sigma: float = 7.0,
             reference: str | None = None, baseline: Baseline = "fitted",
             method: Method = "engine", tol: float = 0.01,
             options: SolveOptions | None = None) -> GravityGE:
    """Conditional and full general equilibrium of a change in estimated trade costs.

    Parameters
    ----------
    flows : ndarray (N, N)
        Observed flows ``[importer, exporter]`` with domestic flows on the diagonal; their
        row and column sums are expenditure ``E`` and output ``Y``.
    t_base, t_cf : ndarray (N, N)
        The estimated cost term ``exp(b'z)`` before and after the change.
    countries : sequence of str
        ISO3 codes in the order of the axes.
    sigma : float
        Elasticity of substitution; the engine's trade elasticity is ``sigma - 1``.
    reference : str, optional
        Numeraire country (inward resistance one); default the largest importer.
    baseline : {"fitted", "observed"}
        ``"fitted"`` (the guide's): flows ``Y_i E_j t_ij / (OMR_i IMR_j)`` implied by the
        estimated costs and the resistances, which add up to observed ``Y`` and ``E``;
        ``"observed"``: the data's flows, pair residuals included (zeros stay zero).
        Resistances are the same; exports and the engine's shares differ.
    method : {"engine", "yotov2016"}
        Full GE by the autarky engine (exact) or by the guide's iteration (see module).
    tol : float
        Stopping rule of the ``"yotov2016"`` iteration (the guide's 0.01).
    options : autarky.SolveOptions, optional
        For the engine; default ``deficits="proportional"`` (each deficit moves with the
        country's income, as the guide's ``E = phi Y``).

    Returns
    -------
    GravityGE
    """
    X = np.asarray(flows, dtype=float)
    t0 = np.asarray(t_base, dtype=float)
    t1 = np.asarray(t_cf, dtype=float)
    countries = tuple(countries)
    n = len(countries)
    for name, a in (("flows", X), ("t_base", t0), ("t_cf", t1)):
        if a.shape != (n, n):
            raise DataError(f"simulate: {name} has shape {a.shape}, expected ({n}, {n})")
        if not np.all(np.isfinite(a)) or (a < 0).any():
            k = np.argwhere(~np.isfinite(a) | (a < 0))[0]
            raise DataError(f"simulate: {name}[importer={countries[k[0]]}, "
                            f"exporter={countries[k[1]]}] = {a[k[0], k[1]]!r} is not a "
                            "finite non-negative number")
    if baseline not in ("fitted", "observed"):
        raise ValueError(f"baseline: {baseline!r} is not 'fitted' or 'observed'")
    if method not in ("engine", "yotov2016"):
        raise ValueError(f"method: {method!r} is not 'engine' or 'yotov2016'")
    Y = X.sum(axis=0)
    E = X.sum(axis=1)
    if (Y <= 0).any():
        raise DataError(f"simulate: {countries[int(np.argmin(Y))]} has no output")
    ref = int(np.argmax(E)) if reference is None else countries.index(reference)
    omr0, imr0 = resistances(t0, Y, E, ref)
    omr1, imr1 = resistances(t1, Y, E, ref)
    X_fit = Y[None, :] * E[:, None] * t0 / (imr0[:, None] * omr0[None, :])
    X_cdl = Y[None, :] * E[:, None] * t1 / (imr1[:, None] * omr1[None, :])
    X_bln = X_fit if baseline == "fitted" else X
    inv = 1.0 / (1.0 - sigma)
    notes = [f"structural gravity, one sector, sigma = {sigma:g} (trade elasticity "
             f"{sigma - 1:g})",
             f"numeraire: the inward multilateral resistance of {countries[ref]} is one",
             f"baseline flows: {baseline}" + (" (PPML fitted values from the estimated "
                                              "costs, the guide's)" if baseline == "fitted"
                                              else " (data, pair residuals kept)")]
    result = None
    if method == "engine":
        world = World.from_arrays(X_bln, list(countries), name="gravity baseline",
                                     source="gravity panel")
        opts = options or SolveOptions(deficits="proportional")
        result = solve(world, to_scenario(t0, t1, countries, sigma - 1.0),
                          elasticities=sigma - 1.0, options=opts)
        w_hat = 1.0 + result.wage.to_numpy() / 100.0
        P_hat = 1.0 + result.price_index.to_numpy() / 100.0
        k = P_hat[ref]
        p, P = w_hat / k, P_hat / k
        X_full = result.trade["after"].to_numpy().reshape(n, n) / k
        Y_full, E_full = p * Y, X_full.sum(axis=1)
        imr_full = imr0 * P ** (1.0 - sigma)
        omr_full = t1.T @ (E_full / imr_full)
        iterations = int(result.iterations)
        notes.append("full GE: autarky engine (exact hat algebra), deficits "
                     f"{opts.deficits}")
        notes.extend(str(s) for s in result.notes if "numeraire" not in str(s))
    else:
        p, omr_full, imr_full, X_full, iterations = _guide_loop(
            t1, Y, E, X_cdl, imr0, omr0, imr1, omr1, ref, sigma, tol, 10_000)
        Y_full, E_full = p * Y, (E / Y) * p * Y
        notes.append(f"full GE: the guide's iteration (stops when prices move < {tol:g}; "
                     "expenditure phi*Y, world sums not forced equal)")

    def pct(a: np.ndarray) -> np.ndarray:
        return 100.0 * (a - 1.0)

    P_full = (imr_full / imr0) ** inv
    tab = pd.DataFrame({
        "Y_BLN": Y, "Y_FULL": Y_full, "E_BLN": E, "E_FULL": E_full,
        "Xi_BLN": _exports(X_bln), "Xi_CDL": _exports(X_cdl), "Xi_FULL": _exports(X_full),
        "OMR_BLN": omr0, "OMR_CDL": omr1, "OMR_FULL": omr_full,
        "IMR_BLN": imr0, "IMR_CDL": imr1, "IMR_FULL": imr_full,
        "price_FULL": pct(p), "rGDP_FULL": pct(p / P_full),
    }, index=pd.Index(countries, name="country"))
    with np.errstate(divide="ignore", invalid="ignore"):
        tab["Xi_CDL_pct"] = pct(tab["Xi_CDL"] / tab["Xi_BLN"])
        tab["Xi_FULL_pct"] = pct(tab["Xi_FULL"] / tab["Xi_BLN"])
    tab["OMR_CDL_pct"] = pct((omr1 / omr0) ** inv)
    tab["OMR_FULL_pct"] = pct((omr_full / omr0) ** inv)
    tab["IMR_CDL_pct"] = pct((imr1 / imr0) ** inv)
    tab["IMR_FULL_pct"] = pct(P_full)
    return GravityGE(table=tab, sigma=float(sigma), reference=countries[ref], method=method,
                     baseline=baseline, flows={"BLN": X_bln, "CDL": X_cdl, "FULL": X_full},
                     result=result, iterations=iterations, notes=tuple(notes))


def simulate_change(est: Any, panel: pd.DataFrame, change: dict[str, Any], *,
                    between: list[str] | tuple[str, ...] | None = None,
                    year: str | None = "year", at: int | None = None,
                    exporter: str = "exporter", importer: str = "importer",
                    flow: str | None = None, pair_effects: bool = False,
                    **kwargs: Any) -> GravityGE:
    """General equilibrium of setting cost variables to new values, from an estimate.

    Parameters
    ----------
    est : Estimate
        From :func:`autarky.gravity.estimate` on ``panel``.
    panel : pandas.DataFrame
        The estimation panel.
    change : dict
        Regressor -> new value, e.g. ``{"pta": 1}`` (an agreement) or
        ``{"INTL_BRDR": 0}`` (borders removed).
    between : sequence of str, optional
        Change only the international pairs among these countries (both directions).
    year, at : str, int, optional
        Year column and the year simulated (default the latest); ``year=None`` or a panel
        without it is a cross-section.
    exporter, importer, flow : str
        Columns; ``flow`` defaults to the estimate's dependent variable.
    pair_effects : bool
        Include the estimated pair effects in the cost term (estimates with pair effects).
    **kwargs
        Passed to :func:`simulate` (``sigma``, ``reference``, ``baseline``, ``method``).

    Returns
    -------
    GravityGE
    """
    from autarky.gravity.costs import cost_term, to_matrix

    d = panel
    if year is not None and year in panel.columns:
        yr = panel[year].max() if at is None else at
        d = panel[panel[year] == yr]
        if d.empty:
            raise DataError(f"panel: no rows for {year} {at}")
    rows = pd.Series(True, index=d.index)
    if between is not None:
        members = [str(c).upper() for c in between]
        rows = d[exporter].isin(members) & d[importer].isin(members) & \
            (d[exporter] != d[importer])
        if not rows.any():
            raise DataError(f"between {members}: no pair of these countries in the panel")
    ch = {k: pd.Series(float(v), index=d.index).where(rows, d[k] if k in d.columns else v)
          for k, v in change.items()}
    dd = d.rename(columns={exporter: "exporter", importer: "importer"})
    c = tuple(sorted(set(dd["exporter"]) | set(dd["importer"])))
    lhs = flow or est.formula.split("~")[0].strip()
    out = pd.to_numeric(dd[lhs]).groupby(dd["exporter"]).sum()
    if (out <= 0).any():
        who = str(out.index[out <= 0][0])
        k = int(np.flatnonzero((dd["exporter"] == who).to_numpy())[0])
        raise DataError(f"panel: column {lhs!r}: every flow of exporter {who} is zero (first "
                        f"row {k + 1}); a country with no output cannot be simulated")
    t0 = to_matrix(dd, cost_term(est, d, pair_effects=pair_effects), c)
    t1 = to_matrix(dd, cost_term(est, d, ch, pair_effects=pair_effects), c)
    return simulate(to_matrix(dd, lhs, c), t0, t1, c, **kwargs)
