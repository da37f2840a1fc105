"""A full multi-regional input-output table (Miller-Blair notation): :class:`MRIO`.

The input-output tables behind a :class:`autarky.World` that has them (``world.mrio``):
intermediate use ``Z``, final demand ``Y`` by category, gross output ``x``, with
country-major (region, sector) rows and columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from autarky.errors import DataError

__all__ = ["MRIO"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class MRIO:
    """A full multi-regional input-output table in Miller-Blair notation.

    Rows and columns of ``Z`` are country-major (region, sector) pairs.

    Attributes
    ----------
    Z : ndarray, shape (R*S, R*S)
        Intermediate use: row = supplying (region, sector), column = using (region, sector).
    Y : ndarray, shape (R*S, R*F)
        Final demand: column = (region, final-demand category).
    x : ndarray, shape (R*S,)
        Gross output as published (may differ from row sums by rounding).
    regions, sectors, categories : tuple of str
        Labels.
    """

    Z: np.ndarray
    Y: np.ndarray
    x: np.ndarray
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    categories: tuple[str, ...]

    def __post_init__(self) -> None:
        r, s, f = len(self.regions), len(self.sectors), len(self.categories)
        for name, arr, shape in (
            ("Z", self.Z, (r * s, r * s)),
            ("Y", self.Y, (r * s, r * f)),
            ("x", self.x, (r * s,)),
        ):
            if arr.shape != shape:
                raise DataError(f"MRIO field {name}: shape {arr.shape}, expected {shape}")
            if not np.all(np.isfinite(arr)):
                raise DataError(f"MRIO field {name}: contains NaN or infinite values")
            object.__setattr__(self, name, _readonly(arr))

    @property
    def index(self) -> pd.MultiIndex:
        """Row labels: (region, sector), country-major."""
        return pd.MultiIndex.from_product([self.regions, self.sectors], names=["region", "sector"])

    @property
    def fd_columns(self) -> pd.MultiIndex:
        """Columns of ``Y``: (region, category)."""
        return pd.MultiIndex.from_product(
            [self.regions, self.categories], names=["region", "category"]
        )

    def aggregate(self, region_map: np.ndarray, sector_map: np.ndarray,
                  regions: Sequence[str], sectors: Sequence[str]) -> MRIO:
        """Sum rows and columns into groups given by integer maps (old index -> new index)."""
        r_old, s_old, f = len(self.regions), len(self.sectors), len(self.categories)
        R = np.zeros((r_old, len(regions)))
        R[np.arange(r_old), region_map] = 1.0
        S = np.zeros((s_old, len(sectors)))
        S[np.arange(s_old), sector_map] = 1.0
        rs = ((0, R), (1, S))
        Z = _sum_groups(self.Z.reshape(r_old, s_old, r_old, s_old), rs + ((2, R), (3, S)))
        Y = _sum_groups(self.Y.reshape(r_old, s_old, r_old, f), rs + ((2, R),))
        x = _sum_groups(self.x.reshape(r_old, s_old, *self.x.shape[1:]), rs)
        n_new = len(regions) * len(sectors)
        return MRIO(
            Z=Z.reshape(n_new, n_new),
            Y=Y.reshape(n_new, len(regions) * f),
            x=x.reshape(n_new, *self.x.shape[1:]),
            regions=tuple(regions),
            sectors=tuple(sectors),
            categories=self.categories,
        )


def _sum_groups(a: np.ndarray, maps: Sequence[tuple[int, np.ndarray]]) -> np.ndarray:
    """Sum ``a`` into groups along each given axis; ``maps``: (axis, one-hot old x new)."""
    for axis, onehot in maps:
        a = np.moveaxis(np.tensordot(a, onehot, axes=([axis], [0])), -1, axis)
    return a
