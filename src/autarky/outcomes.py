"""What a run reports beyond welfare: real GDP, trade, diversion, reallocation, blocs.

Every function takes a solved :class:`autarky.Result` (and, where groups matter, a mapping
of group name to member countries) and returns a tidy :class:`pandas.DataFrame`; nothing
is solved again. Money is million USD; the counterfactual is in units of baseline world
value added (the model's numeraire), so a "real" change deflates by the country's
consumer price index.

Definitions (exact, not approximations)
---------------------------------------
GDP at market prices is value added plus taxes on products; in the model the only factor is
labour and the only product tax is the import tariff, so ``GDP_n = w_n L_n + R_n``, and
income adds the trade deficit: ``I_n = GDP_n + D_n``. **Real GDP** is GDP deflated by the
consumer price index ``P_n = prod_j P_nj^alpha_nj``:

    real GDP^_n = (w^_n w_n L_n + R'_n) / (P^_n (w_n L_n + R_n))

This is the "real GDP" that quantitative trade and CGE models report as nominal GDP over
the price of consumption (e.g. the WTO Global Trade Model; IMF and Yale Budget Lab
estimates of tariff scenarios report real GDP). With one factor in fixed supply and no
productivity change, GDP at constant *producer* prices would not move except through
tariff volumes, so the consumption deflator is the one that carries the gains from trade.

**Welfare** is real income ``I^_n / P^_n``. The two reconcile exactly:

    welfare % = (w_n L_n / I_n) * real wage %
              + 100 * (R'_n / P^_n - R_n) / I_n          (real tariff revenue)
              + 100 * (D'_n / P^_n - D_n) / I_n          (real transfer from the deficit)

where ``real wage % = 100 (w^_n / P^_n - 1)`` (value added is ``w_n L_n``, labour fixed).
:func:`reconciliation` returns the three terms and checks that they add up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "bloc_aggregates",
    "diversion",
    "headline",
    "reconciliation",
    "sector_reallocation",
    "tables",
    "trade_between",
    "trade_by_country",
    "trade_by_partner",
    "trade_by_sector",
]


def _pct(after: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Percent change; NaN only where the baseline is zero (stated in each docstring)."""
    b = np.asarray(before, float)
    a = np.asarray(after, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, 100.0 * (a / np.where(b != 0, b, 1.0) - 1.0), np.nan)


def _flows(result: Any) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and counterfactual flows (importer, exporter, sector), million USD."""
    b = result.baseline
    return np.asarray(b.flows * b.scale, float), np.asarray(result.flows_new, float)


def _levels(result: Any) -> pd.DataFrame:
    inc = result.income
    va = result.value_added
    rev = result.tariff_revenue
    p_hat = 1.0 + result.price_index.to_numpy(float) / 100.0
    return pd.DataFrame({
        "va0": va["before"].to_numpy(float), "va1": va["after"].to_numpy(float),
        "r0": rev["before"].to_numpy(float), "r1": rev["after"].to_numpy(float),
        "d0": inc["deficit_before"].to_numpy(float), "d1": inc["deficit_after"].to_numpy(float),
        "i0": inc["before"].to_numpy(float), "i1": inc["after"].to_numpy(float),
        "p_hat": p_hat,
    }, index=pd.Index(result.countries, name="country"))


def headline(result: Any) -> pd.DataFrame:
    """One row per country: welfare, real GDP, real wage, prices, tariff revenue.

    Returns
    -------
    pandas.DataFrame
        Index ``country``; columns ``welfare_pct`` (real income), ``real_gdp_pct`` (GDP at
        market prices over the consumer price index, see the module docstring),
        ``real_wage_pct``, ``price_index_pct``, ``gdp_before`` and ``gdp_after`` (million
        USD, nominal, numeraire world value added), ``tariff_revenue_before`` and
        ``tariff_revenue_after`` (million USD), ``terms_of_trade_pct`` and
        ``volume_of_trade_pct``, ``trade_costs_pct`` and ``decomposition_total_pct`` (CP
        2015 decomposition with the iceberg trade-cost term).

    Examples
    --------
    >>> import autarky as ak
    >>> w = ak.load_world("icio2023", year=2022)
    >>> res = ak.solve(w, ak.Scenario.autarky(["RUS"]), elasticities=4.0)
    >>> h = headline(res)
    >>> bool(h.loc["RUS", "real_gdp_pct"] < 0)
    True
    """
    lv = _levels(result)
    gdp0 = lv["va0"] + lv["r0"]
    gdp1 = lv["va1"] + lv["r1"]
    real_gdp = 100.0 * ((gdp1 / lv["p_hat"]) / gdp0 - 1.0)
    d = result.decomposition
    return pd.DataFrame({
        "welfare_pct": result.welfare.to_numpy(float),
        "real_gdp_pct": real_gdp.to_numpy(float),
        "real_wage_pct": result.real_wage.to_numpy(float),
        "price_index_pct": result.price_index.to_numpy(float),
        "gdp_before": gdp0.to_numpy(float), "gdp_after": gdp1.to_numpy(float),
        "tariff_revenue_before": lv["r0"].to_numpy(float),
        "tariff_revenue_after": lv["r1"].to_numpy(float),
        "terms_of_trade_pct": d["terms_of_trade"].to_numpy(float),
        "volume_of_trade_pct": d["volume_of_trade"].to_numpy(float),
        "trade_costs_pct": d["trade_costs"].to_numpy(float),
        "decomposition_total_pct": d["total"].to_numpy(float),
    }, index=pd.Index(result.countries, name="country"))


def reconciliation(result: Any) -> pd.DataFrame:
    """Welfare as the sum of real value added, real tariff revenue and the real transfer.

    Columns ``value_added_pp``, ``tariff_revenue_pp``, ``deficit_pp`` (percentage points of
    baseline income), ``sum_pp`` and ``welfare_pct``; they agree to rounding (the identity
    in the module docstring), and ``real_gdp_pct`` is shown beside them.
    """
    lv = _levels(result)
    va_pp = 100.0 * (lv["va1"] / lv["p_hat"] - lv["va0"]) / lv["i0"]
    r_pp = 100.0 * (lv["r1"] / lv["p_hat"] - lv["r0"]) / lv["i0"]
    d_pp = 100.0 * (lv["d1"] / lv["p_hat"] - lv["d0"]) / lv["i0"]
    out = pd.DataFrame({"value_added_pp": va_pp, "tariff_revenue_pp": r_pp,
                        "deficit_pp": d_pp, "sum_pp": va_pp + r_pp + d_pp,
                        "welfare_pct": result.welfare.to_numpy(float),
                        "real_gdp_pct": headline(result)["real_gdp_pct"]})
    gap = float(np.max(np.abs(out["sum_pp"] - out["welfare_pct"]))) if len(out) else 0.0
    if not gap < 1e-6 * max(1.0, float(np.max(np.abs(out["welfare_pct"])))):
        raise AssertionError(f"welfare reconciliation off by {gap:.2e} pp")  # pragma: no cover
    return out


def trade_by_country(result: Any) -> pd.DataFrame:
    """International exports and imports by country, before and after (million USD).

    Columns ``exports_before``, ``exports_after``, ``exports_pct``, ``imports_before``,
    ``imports_after``, ``imports_pct`` and ``domestic_share_before/after`` (share of
    absorption bought at home). Percent changes are NaN only where the baseline is zero.
    """
    f0, f1 = _flows(result)
    n = f0.shape[0]
    off = ~np.eye(n, dtype=bool)[:, :, None]
    x0 = (f0 * off).sum(axis=(0, 2))
    x1 = (f1 * off).sum(axis=(0, 2))
    m0 = (f0 * off).sum(axis=(1, 2))
    m1 = (f1 * off).sum(axis=(1, 2))
    dom0 = np.einsum("nnj->n", f0) / f0.sum(axis=(1, 2))
    dom1 = np.einsum("nnj->n", f1) / f1.sum(axis=(1, 2))
    return pd.DataFrame({"exports_before": x0, "exports_after": x1, "exports_pct": _pct(x1, x0),
                         "imports_before": m0, "imports_after": m1, "imports_pct": _pct(m1, m0),
                         "domestic_share_before": dom0, "domestic_share_after": dom1},
                        index=pd.Index(result.countries, name="country"))


def trade_by_partner(result: Any, country: str | None = None) -> pd.DataFrame:
    """Bilateral international trade (all sectors), before and after, million USD.

    One row per (exporter, importer) pair of different countries; with ``country``, only
    the pairs it is part of (its exports to and imports from each partner). Columns
    ``before``, ``after``, ``change`` and ``change_pct`` (NaN for a pair with no baseline
    trade).
    """
    f0, f1 = _flows(result)
    b0, b1 = f0.sum(axis=2), f1.sum(axis=2)  # [importer, exporter]
    n = b0.shape[0]
    imp, exp = np.nonzero(~np.eye(n, dtype=bool))
    c = np.asarray(result.countries)
    if country is not None:
        if country not in result.countries:
            raise KeyError(f"country {country!r} is not in the result")
        k = list(result.countries).index(country)
        keep = (imp == k) | (exp == k)
        imp, exp = imp[keep], exp[keep]
    return pd.DataFrame({"exporter": c[exp], "importer": c[imp], "before": b0[imp, exp],
                         "after": b1[imp, exp], "change": b1[imp, exp] - b0[imp, exp],
                         "change_pct": _pct(b1[imp, exp], b0[imp, exp])})


def trade_by_sector(result: Any) -> pd.DataFrame:
    """World international trade by sector, before and after (million USD)."""
    f0, f1 = _flows(result)
    n = f0.shape[0]
    off = ~np.eye(n, dtype=bool)[:, :, None]
    t0 = (f0 * off).sum(axis=(0, 1))
    t1 = (f1 * off).sum(axis=(0, 1))
    return pd.DataFrame({"trade_before": t0, "trade_after": t1, "change": t1 - t0,
                         "change_pct": _pct(t1, t0)},
                        index=pd.Index(result.sectors, name="sector"))


def _group_index(countries: Sequence[str], groups: Mapping[str, Sequence[str]],
                 rest: str = "not in a bloc") -> tuple[list[str], np.ndarray]:
    """Assign each country to its first group (others to ``rest``): names, membership."""
    names = list(groups)
    pos = {c: k for k, c in enumerate(countries)}
    member = np.full(len(countries), -1)
    for g, (name, members) in enumerate(groups.items()):
        idx = [pos[c] for c in members if c in pos]
        free = [i for i in idx if member[i] < 0]
        member[free] = g
        del name
    if (member < 0).any():
        names.append(rest)
        member[member < 0] = len(names) - 1
    return names, member


def trade_between(result: Any, groups: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Trade between groups of countries (e.g. blocs), before and after, million USD.

    A country in several groups counts in the first; countries in no group form
    ``"not in a bloc"``. Flows within one country are left out; flows between two members of
    the same group are the group's internal trade.

    Returns
    -------
    pandas.DataFrame
        One row per (exporter_group, importer_group) with ``before``, ``after``, ``change``
        and ``change_pct``.
    """
    f0, f1 = _flows(result)
    n = f0.shape[0]
    names, member = _group_index(result.countries, groups)
    g = np.zeros((n, len(names)))
    g[np.arange(n), member] = 1.0
    off = ~np.eye(n, dtype=bool)
    b0 = g.T @ (f0.sum(axis=2) * off) @ g  # [importer group, exporter group]
    b1 = g.T @ (f1.sum(axis=2) * off) @ g
    idx = pd.MultiIndex.from_product([names, names], names=["exporter_group", "importer_group"])
    return pd.DataFrame({"before": b0.T.ravel(), "after": b1.T.ravel(),
                         "change": (b1 - b0).T.ravel(), "change_pct": _pct(b1.T, b0.T).ravel()},
                        index=idx)


def diversion(result: Any, top: int = 20) -> pd.DataFrame:
    """Trade diversion: which partners gain the flows a scenario cuts.

    For every importer, the bilateral (international) imports that rise, with the share of
    the importer's lost imports (sum over partners whose flows fall) that each gain
    replaces. Sorted by the gain, largest first.

    Returns
    -------
    pandas.DataFrame
        Columns ``importer``, ``exporter``, ``before``, ``after``, ``change`` (million USD),
        ``change_pct`` (NaN for a new flow), ``importer_lost`` (million USD of the
        importer's imports that fell) and ``replaces_pct`` (change / importer_lost, NaN if
        nothing fell).
    """
    f0, f1 = _flows(result)
    n = f0.shape[0]
    b0, b1 = f0.sum(axis=2), f1.sum(axis=2)
    off = ~np.eye(n, dtype=bool)
    d = np.where(off, b1 - b0, 0.0)
    lost = -np.where(d < 0, d, 0.0).sum(axis=1)
    imp, exp = np.nonzero(off & (d > 0))
    ch = d[imp, exp]
    order = np.argsort(-ch, kind="stable")[: max(int(top), 0) or None]
    imp, exp, ch = imp[order], exp[order], ch[order]
    c = np.asarray(result.countries)
    with np.errstate(divide="ignore", invalid="ignore"):
        rep = np.where(lost[imp] > 0, 100.0 * ch / np.where(lost[imp] > 0, lost[imp], 1), np.nan)
    return pd.DataFrame({"importer": c[imp], "exporter": c[exp], "before": b0[imp, exp],
                         "after": b1[imp, exp], "change": ch,
                         "change_pct": _pct(b1[imp, exp], b0[imp, exp]),
                         "importer_lost": lost[imp], "replaces_pct": rep})


def sector_reallocation(result: Any) -> pd.DataFrame:
    """Gross output by (country, sector), before and after, and each sector's share.

    Columns ``before``, ``after`` (million USD), ``change_pct`` (NaN where the baseline
    output is zero), ``share_before`` and ``share_after`` (of the country's gross output).
    """
    out = result.output
    b = out["before"].to_numpy(float).reshape(len(result.countries), -1)
    a = out["after"].to_numpy(float).reshape(len(result.countries), -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sb = b / b.sum(axis=1, keepdims=True)
        sa = a / a.sum(axis=1, keepdims=True)
    return pd.DataFrame({"before": b.ravel(), "after": a.ravel(),
                         "change_pct": _pct(a, b).ravel(),
                         "share_before": sb.ravel(), "share_after": sa.ravel()},
                        index=out.index)


def bloc_aggregates(result: Any, groups: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Welfare, real GDP and trade by group, weighted by baseline income / GDP.

    Welfare is the change in the group's real income: the members' mean weighted by their
    income as observed in the data (:attr:`Result.weights`, the weight of every group
    number the package prints); real GDP the baseline-GDP-weighted mean. A ``world`` row is added.
    """
    h = headline(result)
    inc = result.weights  # the one weight of group welfare (Result.weights)
    t = trade_by_country(result)
    rows = []
    allg = {**dict(groups), "world": tuple(result.countries)}
    for name, members in allg.items():
        m = [k for k, c in enumerate(result.countries) if c in set(members)]
        if not m:
            continue
        wi, wg = inc[m], h["gdp_before"].to_numpy(float)[m]
        rows.append({
            "group": name, "members": len(m),
            "welfare_pct": float(h["welfare_pct"].to_numpy()[m] @ wi / wi.sum()),
            "real_gdp_pct": float(h["real_gdp_pct"].to_numpy()[m] @ wg / wg.sum()),
            "real_wage_pct": float(h["real_wage_pct"].to_numpy()[m] @ wg / wg.sum()),
            "exports_pct": float(_pct(t["exports_after"].to_numpy()[m].sum(),
                                      t["exports_before"].to_numpy()[m].sum())),
            "tariff_revenue_after": float(h["tariff_revenue_after"].to_numpy()[m].sum()),
        })
    return pd.DataFrame(rows).set_index("group")


def tables(result: Any, groups: Mapping[str, Sequence[str]] | None = None,
           top: int = 20) -> dict[str, pd.DataFrame]:
    """Every table a run reports, by name, each with a flat index (for CSV and Excel).

    ``results`` is exactly :meth:`Result.to_frame` (what ``results.parquet`` holds).
    """
    groups = dict(groups or {})
    out = {
        "results": result.to_frame(),
        "headline": headline(result).reset_index(),
        "reconciliation": reconciliation(result).reset_index(),
        "trade_by_country": trade_by_country(result).reset_index(),
        "trade_by_sector": trade_by_sector(result).reset_index(),
        "trade_by_partner": trade_by_partner(result),
        "diversion": diversion(result, top=top),
        "sectors": sector_reallocation(result).reset_index(),
        "sector_prices": result.sector_prices.stack().rename("change_pct").reset_index(),
        "blocs": bloc_aggregates(result, groups).reset_index(),
    }
    if groups:
        out["trade_between"] = trade_between(result, groups).reset_index()
    return out
