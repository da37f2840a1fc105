"""PPML estimation of structural gravity with high-dimensional fixed effects (pyfixest).

``X_ijt = exp(pi_it + chi_jt + gamma_ij + b'z_ijt) + e_ijt`` estimated by Poisson pseudo
maximum likelihood (Santos Silva and Tenreyro 2006) with exporter-year and importer-year
fixed effects (the multilateral resistances, Anderson and van Wincoop 2003) and optionally
pair fixed effects (Baier and Bergstrand 2007), as in Yotov et al. (2016), chapter 1.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from autarky.errors import DataError

__all__ = ["Estimate", "estimate"]

_DOMESTIC = "__domestic__"


@dataclass(frozen=True, eq=False)
class Estimate:
    """A fitted PPML gravity model: tidy coefficients and what was dropped and why.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per regressor: ``estimate``, ``std_error``, ``z``, ``p_value``,
        ``ci_low``, ``ci_high`` (95%).
    formula : str
        The pyfixest formula estimated (fixed effects after ``|``).
    vcov : str
        Covariance estimator (e.g. ``CRV1 by pair``).
    nobs : int
        Observations used.
    dropped : pandas.DataFrame
        ``reason``, ``observations``: rows left out (missing values, fixed-effect groups with
        only zero flows, separation found by pyfixest's iterative rectifier).
    separated : tuple of str
        Fixed-effect groups (``name=value``) whose flows are all zero: perfectly predicted
        by their fixed effect, so dropped (the estimates would not exist otherwise).
    fitted : pandas.Series
        Fitted flows on the panel's index (NaN where dropped).
    fixef : dict of str to pandas.Series
        Estimated fixed effects by name (identified up to the usual normalisation).
    pair : pandas.Series
        The pair identifier used for pair fixed effects and clustering, on the panel index.
    """

    table: pd.DataFrame
    formula: str
    vcov: str
    nobs: int
    dropped: pd.DataFrame
    separated: tuple[str, ...]
    fitted: pd.Series = field(repr=False)
    fixef: dict[str, pd.Series] = field(repr=False)
    pair: pd.Series = field(repr=False)
    assumptions: tuple[str, ...] = ()
    _model: Any = field(default=None, repr=False)
    _design: Any = field(default=None, repr=False)

    def pair_effects(self) -> pd.Series:
        """Estimated pair effects ``gamma_ij`` by pair, relative to intra-national trade.

        From the fitted values ``mu`` (``l = log mu - b'z``), in any year where the four
        flows are estimated: ``gamma_ij - gamma_ii = (l_ij + l_ji - l_ii - l_jj) / 2``,
        which no choice of reference levels affects (the exporter-year and importer-year
        effects cancel); averaged over years. With undirected pair ids and pooled
        intra-national flows this is the guide's normalisation (domestic pair effect 0).
        Pairs dropped for separation are absent.
        """
        d = self._design
        if d is None or "_pair" not in d.columns:
            raise ValueError("pair_effects: the estimate has no pair fixed effects")
        ell = np.log(self.fitted.loc[d.index])
        for term, b in self.coef.items():
            ell = ell - float(b) * d[term]
        key = pd.DataFrame({"e": d["_e"], "i": d["_i"], "y": d["_y"], "l": ell})
        lk = key.set_index(["e", "i", "y"])["l"]
        rev = lk.reindex(pd.MultiIndex.from_arrays([key["i"], key["e"], key["y"]])).to_numpy()
        own_e = lk.reindex(pd.MultiIndex.from_arrays([key["e"], key["e"], key["y"]])).to_numpy()
        own_i = lk.reindex(pd.MultiIndex.from_arrays([key["i"], key["i"], key["y"]])).to_numpy()
        g = 0.5 * (key["l"].to_numpy() + rev - own_e - own_i)
        out = pd.Series(g, index=d.index).groupby(d["_pair"]).mean().dropna()
        if _DOMESTIC in out.index:
            out[_DOMESTIC] = 0.0
        return out

    def predict(self, newdata: pd.DataFrame) -> np.ndarray:
        """Fitted flows ``exp(fixed effects + b'z)`` for new rows of the same panel.

        Rows whose fixed-effect groups were not estimated give NaN.
        """
        df = newdata.copy()
        for col, src in (("_exp_fe", "exporter"), ("_imp_fe", "importer")):
            if col not in df.columns and src in df.columns:
                df[col] = df[src].astype(str)
        return np.asarray(self._model.predict(newdata=df, type="response"), dtype=float)

    @property
    def coef(self) -> pd.Series:
        """Point estimates by regressor."""
        return self.table["estimate"]

    @property
    def se(self) -> pd.Series:
        """Standard errors by regressor."""
        return self.table["std_error"]

    def summary(self) -> str:
        """The coefficient table, the estimator and the dropped observations as text."""
        lines = [f"PPML: {self.formula}", f"observations: {self.nobs}; vcov: {self.vcov}"]
        lines.append(self.table.to_string(float_format=lambda v: f"{v:.6g}"))
        for _, r in self.dropped.iterrows():
            lines.append(f"dropped {int(r['observations'])} observations: {r['reason']}")
        lines.extend(f"assumption: {a}" for a in self.assumptions)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def _split(formula: str) -> tuple[str, list[str], list[str]]:
    if "~" not in formula:
        raise DataError(f"formula {formula!r}: expected 'flow ~ x1 + x2' (fixed effects are "
                        "added from exporter/importer/year)")
    lhs, rhs = formula.split("~", 1)
    rhs, _, fes = rhs.partition("|")
    terms = [t.strip() for t in rhs.split("+") if t.strip() and t.strip() not in ("0", "1")]
    fe = [t.strip() for t in fes.split("+") if t.strip()]
    return lhs.strip(), terms, fe


def _columns(expr: str) -> list[str]:
    return re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", expr)


def estimate(panel: pd.DataFrame, formula: str, *, exporter: str = "exporter",
             importer: str = "importer", year: str | None = "year",
             pair_fe: bool = False, pair: str | None = None, domestic: str = "pooled",
             vcov: str | dict[str, str] = "pair", small_sample: bool = True,
             tol: float = 1e-10) -> Estimate:
    """Estimate a structural gravity equation by PPML with high-dimensional fixed effects.

    Parameters
    ----------
    panel : pandas.DataFrame
        One row per (exporter, importer[, year]); flows in levels (zeros allowed).
    formula : str
        ``"trade ~ ln_DIST + CNTG + RTA"``. Exporter(-year) and importer(-year) fixed effects
        (and pair effects with ``pair_fe``) are added; a formula with its own ``| fe``
        part is used as written.
    exporter, importer, year : str
        Column names; ``year=None`` (or a panel without it) is a cross-section with exporter
        and importer fixed effects.
    pair_fe : bool
        Add pair fixed effects.
    pair : str, optional
        A column identifying pairs (e.g. the guide's undirected ``pair_id``); default: the
        unordered pair of exporter and importer.
    domestic : {"pooled", "separate"}
        With pair effects: ``"pooled"`` gives all intra-national flows one common pair effect
        (the reference group, as in Yotov et al. 2016, ch. 2); ``"separate"`` one each.
    vcov : str or dict
        ``"pair"`` (default): clustered by pair; ``"hetero"``, ``"iid"``, or a pyfixest vcov
        dictionary.
    small_sample : bool
        pyfixest's small-sample correction of the covariance (Stata's ``ppml`` uses none).
    tol : float
        Convergence tolerance of the IRLS iterations.

    Returns
    -------
    Estimate
    """
    import pyfixest as pf

    lhs, terms, fes = _split(formula)
    df = panel.copy()
    for c in (exporter, importer, lhs):
        if c not in df.columns:
            raise DataError(f"panel: column {c!r} missing (columns: "
                            f"{', '.join(map(str, df.columns))})")
    has_year = year is not None and year in df.columns
    used: set[str] = {lhs, exporter, importer} | ({year} if has_year and year else set())
    for t in terms:
        for c in _columns(t):
            if c in df.columns:
                used.add(c)
            elif c not in ("log", "np", "exp", "C", "I"):
                raise DataError(f"panel: column {c!r} (formula term {t!r}) missing")
    for c in sorted(used - {exporter, importer}):
        vals = pd.to_numeric(df[c], errors="coerce")
        bad = vals.isna() & df[c].notna()
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"panel: column {c!r} row {k + 1}: {df[c].iloc[k]!r} is not a number")
        df[c] = vals
    y = df[lhs]
    if (y < 0).any():
        k = int(np.flatnonzero((y < 0).to_numpy())[0])
        raise DataError(f"panel: column {lhs!r} row {k + 1}: negative flow {y.iloc[k]!r}")
    if not (y > 0).any():
        raise DataError(f"panel: column {lhs!r} has no positive flow: nothing to estimate")

    exp_s = df[exporter].astype(str)
    imp_s = df[importer].astype(str)
    dom = exp_s == imp_s
    if pair is not None:
        if pair not in df.columns:
            raise DataError(f"panel: pair column {pair!r} missing")
        pid = df[pair].astype(str)
    else:
        lo = np.where(exp_s < imp_s, exp_s, imp_s)
        hi = np.where(exp_s < imp_s, imp_s, exp_s)
        pid = pd.Series(np.char.add(np.char.add(lo.astype(str), "-"), hi.astype(str)),
                        index=df.index)
    if domestic not in ("pooled", "separate"):
        raise ValueError(f"domestic: {domestic!r} is not 'pooled' or 'separate'")
    # clusters are pairs, each intra-national flow its own, even when their effects pool
    df["_cluster"] = pid.where(~dom, "domestic:" + exp_s)
    if domestic == "pooled":
        pid = pid.where(~dom, _DOMESTIC)
    df["_pair"] = pid
    if fes:
        fe_terms = fes
    else:
        if has_year:
            ystr = df[year].astype("Int64").astype(str)
            df["_exp_fe"] = exp_s + ":" + ystr
            df["_imp_fe"] = imp_s + ":" + ystr
        else:
            df["_exp_fe"], df["_imp_fe"] = exp_s, imp_s
        fe_terms = ["_exp_fe", "_imp_fe"] + (["_pair"] if pair_fe else [])

    drops: list[tuple[str, int]] = []
    keep = pd.Series(True, index=df.index)
    for c in sorted(used):
        na = df[c].isna() & keep
        if na.any():
            drops.append((f"missing value in {c!r}", int(na.sum())))
            keep &= ~na
    separated: list[str] = []
    for fe in fe_terms:
        cols = fe.split("^")
        if not all(c in df.columns for c in cols):
            continue
        key = df[cols].astype(str).agg(":".join, axis=1) if len(cols) > 1 else df[cols[0]]
        tot = y.where(keep, 0.0).groupby(key).sum()
        cnt = keep.groupby(key).sum()
        zero = tot.index[(tot <= 0) & (cnt > 0)]
        if len(zero):
            hit = key.isin(zero) & keep
            label = {"_exp_fe": "exporter-year" if has_year else "exporter",
                     "_imp_fe": "importer-year" if has_year else "importer",
                     "_pair": "pair"}.get(fe, fe)
            drops.append((f"{len(zero)} {label} groups with only zero flows (perfectly "
                          "predicted by their fixed effect: separation)", int(hit.sum())))
            separated.extend(f"{label}={z}" for z in zero)
            keep &= ~hit
    data = df.loc[keep].copy()
    fml = f"{lhs} ~ {' + '.join(terms) if terms else '1'} | {' + '.join(fe_terms)}"
    if vcov == "pair":
        vc: Any = {"CRV1": "_cluster"}
        vdesc = "clustered by pair (CRV1)"
    elif isinstance(vcov, dict):
        vc, vdesc = vcov, str(vcov)
    else:
        vc, vdesc = vcov, str(vcov)
    ssc = pf.ssc(k_adj=small_sample, G_adj=small_sample)
    # pyfixest configures the root logger (basicConfig at INFO) while fitting: put it back,
    # so that library calls leave the caller's logging as it was
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = pf.fepois(fml, data=data, vcov=vc, ssc=ssc, iwls_tol=tol,
                            iwls_maxiter=200, separation_check=["fe", "ir"])
        except Exception as err:  # noqa: BLE001 - pyfixest errors are estimation failures
            raise DataError(f"PPML estimation of {fml!r} failed: {err}") from err
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
    n_used = int(fit._N)
    extra = len(data) - n_used
    if extra > 0:
        drops.append(("separation found by pyfixest (iterative rectifier) or singletons",
                      extra))
    for w in caught:
        if "separation" not in str(w.message):
            warnings.warn(str(w.message), RuntimeWarning, stacklevel=2)
    tidy = fit.tidy()
    table = pd.DataFrame({
        "estimate": tidy["Estimate"].astype(float),
        "std_error": tidy["Std. Error"].astype(float),
        "z": tidy["t value"].astype(float),
        "p_value": tidy["Pr(>|t|)"].astype(float),
        "ci_low": tidy["2.5%"].astype(float),
        "ci_high": tidy["97.5%"].astype(float),
    })
    table.index.name = "term"
    if not np.all(np.isfinite(table["estimate"])):
        bad = table.index[~np.isfinite(table["estimate"])][0]
        raise DataError(f"PPML: coefficient of {bad!r} is not identified (collinear with the "
                        "fixed effects?)")
    fitted = pd.Series(np.nan, index=df.index, name="fitted")
    used_idx = data.index
    na_idx = getattr(fit, "_na_index", None)
    if na_idx is not None and len(na_idx):
        used_idx = data.index.delete(np.asarray(na_idx, dtype=int))
    fitted.loc[used_idx] = np.asarray(fit.predict(type="response"), dtype=float)
    fx: dict[str, pd.Series] = {}
    for k, v in fit.fixef().items():
        name = k.replace("C(", "").rstrip(")")
        fx[name] = pd.Series(v, dtype=float)
    dropped = pd.DataFrame(drops, columns=["reason", "observations"])
    notes: tuple[str, ...] = ("PPML (Santos Silva and Tenreyro 2006) with fixed effects "
                              f"{' + '.join(fe_terms)}",)
    if pair_fe and domestic == "pooled":
        notes += ("intra-national flows share one pair effect (the reference group)",)
    shown = fml
    for internal, label in (("_exp_fe", f"{exporter}^{year}" if has_year else exporter),
                            ("_imp_fe", f"{importer}^{year}" if has_year else importer),
                            ("_pair", pair or "pair")):
        shown = shown.replace(internal, label)
    notes = tuple(n.replace(fml.split("|")[1].strip(), shown.split("|")[1].strip())
                  for n in notes)
    return Estimate(table=table, formula=shown, vcov=vdesc, nobs=n_used, dropped=dropped,
                    separated=tuple(separated), fitted=fitted, fixef=fx, pair=df["_pair"],
                    assumptions=notes, _model=fit,
                    _design=df.loc[keep, ["_pair"] + [t for t in table.index
                                                      if t in df.columns]].assign(
                        _e=exp_s[keep], _i=imp_s[keep],
                        _y=df.loc[keep, year] if has_year else 0))
