"""The numeric shock cube: new tariff levels and iceberg changes per (importer, exporter, sector).

What every scenario becomes once applied to a World (see :mod:`autarky.scenario`); the
model solves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from autarky.errors import ScenarioError

__all__ = ["Shock"]


@dataclass(frozen=True, eq=False)
class Shock:
    """A counterfactual in numbers, aligned with a World's countries and sectors.

    Attributes
    ----------
    tariffs : ndarray, shape (N, N, J)
        Counterfactual tariff levels t'_nij (fractions, >= 0).
    tau_hat : ndarray, shape (N, N, J)
        Iceberg trade-cost change d^_nij (> 0); ``np.inf`` means prohibitive (no trade).
        Domestic entries must be finite.
    description : str
        What the shock models, in words.
    notes : tuple of str
        Warnings and caveats carried into the result (e.g. members folded into ROW).
    """

    tariffs: np.ndarray
    tau_hat: np.ndarray
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        t = _own_copy(self.tariffs)
        d = _own_copy(self.tau_hat)
        if t.shape != d.shape or t.ndim != 3 or t.shape[0] != t.shape[1]:
            raise ScenarioError(
                f"shock: tariffs {t.shape} and tau_hat {d.shape} must both be (N, N, J)"
            )
        if not np.isfinite(t).all() or (t < 0).any():
            raise ScenarioError("shock: tariffs must be finite fractions >= 0")
        if not (d > 0).all():  # NaN is not > 0 either
            raise ScenarioError("shock: tau_hat must be > 0 (np.inf for prohibitive)")
        if not np.isfinite(np.einsum("nnj->nj", d)).all():
            raise ScenarioError("shock: domestic trade costs must stay finite")
        t.setflags(write=False)
        d.setflags(write=False)
        object.__setattr__(self, "tariffs", t)
        object.__setattr__(self, "tau_hat", d)

    @classmethod
    def none(cls, n: int, j: int, tariffs: np.ndarray | None = None) -> Shock:
        """The zero shock: baseline tariffs kept (or zero), trade costs unchanged."""
        t = np.zeros((n, n, j)) if tariffs is None else np.asarray(tariffs, dtype=float)
        return cls(t, np.ones((n, n, j)), "no change")


def _own_copy(a: object) -> np.ndarray:
    """A float array only the Shock holds (a copy of ``a``, or ``a`` itself).

    ``a`` itself where it already is one: read-only and owning its data (another Shock's,
    or an array handed over frozen, as :meth:`autarky.Scenario.apply` does).
    """
    if (isinstance(a, np.ndarray) and a.dtype == np.float64 and not a.flags.writeable
            and a.flags.owndata):
        return a
    return np.array(a, dtype=float)
