"""Estimated trade costs as matrices: ``t_ij = exp(b'z_ij)`` before and after a change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from autarky.errors import DataError
from autarky.gravity.estimate import Estimate

__all__ = ["cost_term", "to_matrix"]


def cost_term(est: Estimate, panel: pd.DataFrame,
              change: Mapping[str, Any] | None = None, *,
              pair_effects: bool = False) -> pd.Series:
    """The estimated cost term ``exp(sum_k b_k z_k)`` per row, optionally after a change.

    Parameters
    ----------
    est : Estimate
        Its regressors must be panel columns (e.g. ``ln_DIST``, ``CNTG``, ``RTA``).
    panel : pandas.DataFrame
        Rows to evaluate (the estimation panel or one year of it).
    change : mapping, optional
        Column -> new values (a number or a Series on the panel's index): an agreement
        switched off is ``{"RTA": 0}`` on the rows concerned, borders removed
        ``{"INTL_BRDR": 0}``. The cost change is ``exp(b * delta)``, i.e. the engine's
        ``tau_hat^(-theta)``.
    pair_effects : bool
        Multiply by ``exp(gamma_ij)``, the estimated pair effects (estimates with pair fixed
        effects; ``panel`` must be rows of the estimation panel, same index). Pairs without
        an effect (dropped for separation: they never trade) get cost term 0, so their
        flows stay zero.

    Returns
    -------
    pandas.Series
    """
    change = dict(change or {})
    for k in change:
        if k not in est.coef.index:
            raise DataError(f"change: {k!r} is not a regressor of the estimate "
                            f"({', '.join(est.coef.index)})")
    log_t = pd.Series(0.0, index=panel.index)
    for term, b in est.coef.items():
        if term not in panel.columns:
            raise DataError(f"panel: column {term!r} (a regressor) missing")
        z = pd.to_numeric(panel[term]).astype(float)
        if term in change:
            c = change[term]
            if isinstance(c, (int, float, np.number)):
                z = pd.Series(float(c), index=panel.index)
            else:
                z = pd.Series(c, dtype=float).reindex(panel.index).fillna(z)
        log_t = log_t + float(b) * z
    t = np.exp(log_t)
    if pair_effects:
        g = est.pair_effects()
        key = est.pair.reindex(panel.index)
        if key.isna().any():
            raise DataError("cost_term: pair_effects needs rows of the estimation panel")
        t = t * np.exp(key.map(g)).fillna(0.0)
    return t


def to_matrix(panel: pd.DataFrame, values: pd.Series | str, countries: tuple[str, ...], *,
              exporter: str = "exporter", importer: str = "importer") -> np.ndarray:
    """Pivot one value per (exporter, importer) row to an ``[importer, exporter]`` array.

    Raises
    ------
    DataError
        If a pair appears twice or is missing.
    """
    v = panel[values] if isinstance(values, str) else values
    ix = {c: k for k, c in enumerate(countries)}
    i = panel[importer].map(ix)
    e = panel[exporter].map(ix)
    if i.isna().any() or e.isna().any():
        raise DataError("to_matrix: a row names a country outside the list")
    n = len(countries)
    if len(panel) != n * n or pd.Index(i * n + e).has_duplicates:
        dup = panel[pd.Index(i * n + e).duplicated()]
        where = (f"; e.g. {dup[exporter].iloc[0]} -> {dup[importer].iloc[0]} twice"
                 if len(dup) else "")
        raise DataError(f"panel: expected one row per ordered pair ({n} x {n} = {n * n} "
                        f"rows incl. domestic), found {len(panel)}{where}")
    M = np.zeros((n, n))
    M[i.to_numpy(int), e.to_numpy(int)] = np.asarray(v, dtype=float)
    return M
