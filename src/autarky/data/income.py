"""World Bank income groups, shipped with the package (``income_groups.csv``).

Derived by ``scripts/build_data.py`` from the WDI country metadata; source, license and
download date are in the manifest entry ``income_groups``.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from autarky.data.embedded_data import _embedded
from autarky.errors import DataError

__all__ = ["INCOME_GROUPS", "income_groups"]

INCOME_GROUPS = ("Low income", "Lower middle income", "Upper middle income", "High income")
"""The World Bank's four groups, poorest first."""


@cache
def _table() -> pd.Series:
    path = _embedded() / "income_groups.csv"
    if not path.exists():
        raise DataError(f"embedded file {path} is missing; run scripts/build_data.py")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = sorted(set(df["income_group"]) - set(INCOME_GROUPS))
    if bad:
        raise DataError(f"{path}: column income_group: unknown group {bad[0]!r}")
    return pd.Series(df["income_group"].to_numpy(), index=pd.Index(df["country"], name="country"),
                     name="income_group")


def income_groups() -> pd.Series:
    """World Bank income group of each economy (ISO3 index), as classified at download.

    Returns
    -------
    pandas.Series
        Values from :data:`INCOME_GROUPS`; economies without a group (aggregates, ROW)
        are absent.

    Examples
    --------
    >>> from autarky.data.income import income_groups
    >>> income_groups()["USA"]
    'High income'
    """
    return _table().copy()
