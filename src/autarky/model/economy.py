"""The model's own types: the baseline ``Economy`` and the solved ``Equilibrium``.

Plain arrays, money normalised so that world value added is 1 (``Economy.scale`` holds the
money units per model unit). :mod:`autarky.solve` builds an Economy from a World.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from autarky.model import equations as eq

__all__ = ["Economy", "Equilibrium"]


@dataclass(frozen=True, eq=False)
class Economy:
    """Baseline of the model in plain arrays, money normalised so world value added is 1.

    Attributes
    ----------
    pi, tariffs : ndarray (N, N, J)
        Trade shares pi_nij and tariffs t_nij.
    X : ndarray (N, J)
        Expenditure, tariffs included.
    va, deficit : ndarray (N,)
        Value added w_n L_n and deficit D_n.
    gamma, alpha : ndarray (N, J)
        Value-added and final-demand shares.
    io : ndarray (N, J, J) or None
        Input coefficients io[n, k, j]; None without input-output links.
    scale : float
        Money units per model unit (world value added of the data).
    """

    pi: np.ndarray
    tariffs: np.ndarray
    X: np.ndarray
    va: np.ndarray
    deficit: np.ndarray
    gamma: np.ndarray
    alpha: np.ndarray
    io: np.ndarray | None
    scale: float = 1.0

    @classmethod
    def from_arrays(cls, pi: np.ndarray, tariffs: np.ndarray, X: np.ndarray, va: np.ndarray,
                    deficit: np.ndarray, gamma: np.ndarray, alpha: np.ndarray,
                    io: np.ndarray | None) -> Economy:
        """Normalise money so that world value added is 1."""
        s = float(np.sum(va))
        io_ = None if io is None or not np.any(io) else np.asarray(io, float)
        return cls(np.asarray(pi, float), np.asarray(tariffs, float), np.asarray(X) / s,
                   np.asarray(va) / s, np.asarray(deficit) / s, np.asarray(gamma, float),
                   np.asarray(alpha, float), io_, s)

    @property
    def shape(self) -> tuple[int, int]:
        """(N, J)."""
        n, j = self.X.shape
        return int(n), int(j)

    @property
    def revenue(self) -> np.ndarray:
        """Baseline tariff revenue R_n."""
        return eq.tariff_revenue(self.pi, self.tariffs, self.X)

    @property
    def income(self) -> np.ndarray:
        """Baseline income I_n = w_n L_n + R_n + D_n."""
        return self.va + self.revenue + self.deficit

    @cached_property
    def flows(self) -> np.ndarray:
        """Baseline flows at producer prices, pi X / (1 + t) (computed once)."""
        return self.pi * self.X[:, None, :] / (1.0 + self.tariffs)

    @cached_property
    def pi_sm(self) -> np.ndarray:
        """Trade shares in the solver's sector-major layout ``[j, n, i]`` (computed once)."""
        return np.ascontiguousarray(np.moveaxis(self.pi, -1, -3))

    @cached_property
    def pi_sm_positive(self) -> np.ndarray:
        """``pi_sm > 0`` (routes with baseline trade; computed once)."""
        return self.pi_sm > 0

    @cached_property
    def log1p_tariffs_sm(self) -> np.ndarray:
        """``log(1 + t)`` in the layout of :attr:`pi_sm` (computed once)."""
        return np.log1p(np.ascontiguousarray(np.moveaxis(self.tariffs, -1, -3)))

    @cached_property
    def io_t(self) -> np.ndarray | None:
        """``io[n, j, k]`` transposed to ``[n, k, j]``, contiguous (computed once)."""
        return None if self.io is None else np.ascontiguousarray(np.swapaxes(self.io, -1, -2))

    @cached_property
    def domestic_inputs_inverse(self) -> np.ndarray | None:
        """``(I - K_n)^-1`` per country (N, J, J), ``K_n[j, k] = pi_nnj io[n, k, j]``.

        ``K_n`` is the part of the price system's Jacobian that runs through a country's
        own inputs bought at home (``d log P_nj / d log P_nk`` through ``n``'s own unit
        costs, at the baseline's home shares); its inverse preconditions the solver's
        inner price and spending solves (:class:`autarky.model.solver.WageMap`), where most
        of their slow contraction is. It changes the path of those solves, not their
        fixed points. None without input-output links, or when a ``I - K_n`` is singular
        (a sector with no value added bought entirely at home). Computed once, as the
        matrix it is (it is applied as one batched product per evaluation).
        """
        if self.io is None:
            return None
        n, j = self.X.shape
        home = self.pi[np.arange(n), np.arange(n), :]  # (N, J)
        eye = np.broadcast_to(np.eye(j), (n, j, j))
        try:
            inv = np.linalg.solve(eye - home[:, :, None] * np.swapaxes(self.io, -1, -2), eye)
        except np.linalg.LinAlgError:
            return None
        return inv if bool(np.all(np.isfinite(inv))) else None

    @cached_property
    def exposure(self) -> np.ndarray:
        """``gamma_nj sum_m flows_mnj (1 - pi_mnj)`` (N, J), for the solver's step.

        Value added of n in sector j weighted by its buyers' import shares (computed once;
        the flows are not kept for it: an N x N x J array per baseline).
        """
        flows = self.__dict__.get("flows")
        if flows is None:
            flows = self.pi * self.X[:, None, :] / (1.0 + self.tariffs)
        return self.gamma * np.einsum("mnj,mnj->nj", flows, 1.0 - self.pi)

    def drop_layouts(self) -> None:
        """Let go of the solver-layout arrays (``pi_sm``, its mask, ``log(1 + t)``, flows).

        They are computed again on use; a baseline replaced by :meth:`rebase` in the middle
        of a solve no longer needs them (four N x N x J arrays, 35 MB at 194 x 29).
        """
        for name in ("pi_sm", "pi_sm_positive", "log1p_tariffs_sm", "flows"):
            self.__dict__.pop(name, None)

    def rebase(self, eqm: Equilibrium, tariffs_new: np.ndarray, b: int = 0) -> Economy:
        """The counterfactual equilibrium (batch member ``b``) as a new baseline."""
        return Economy(eqm.pi[b], np.asarray(tariffs_new, float), eqm.X[b],
                       self.va * eqm.w_hat[b], eqm.deficit[b], self.gamma, self.alpha,
                       self.io, self.scale)


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """Solution of the model in changes, batched (leading dimension B).

    Attributes
    ----------
    w_hat : (B, N)
    log_P : (B, N, J)
    pi : (B, N, N, J)    new trade shares
    X : (B, N, J)        new expenditure (model units)
    Y : (B, N, J)        new gross output
    income : (B, N)      new income I'_n
    deficit : (B, N)     new deficit D'_n
    converged : (B,) bool
    iterations : int     outer iterations
    history : list of float   max outer residual per iteration
    inner_evaluations : int
    residuals : dict of str to (B,) arrays
        Largest residual of each equilibrium equation per member
        (:func:`autarky.model.solver.member_residuals`).
    """

    w_hat: np.ndarray
    log_P: np.ndarray
    pi: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    income: np.ndarray
    deficit: np.ndarray
    converged: np.ndarray
    iterations: int
    history: list[float] = field(default_factory=list)
    inner_evaluations: int = 0
    residuals: dict[str, np.ndarray] = field(default_factory=dict)

    def member(self, i: int) -> Equilibrium:
        """Member ``i`` as a one-member start: its wages, log prices and expenditure.

        Those are what :func:`autarky.model.solver.solve_hat` reads of a start. The trade
        shares and gross output are emptied and the residuals dropped, so that a start
        kept for later solves does not hold the whole batch's largest arrays.
        """
        return replace(self, w_hat=self.w_hat[i:i + 1], log_P=self.log_P[i:i + 1],
                       X=self.X[i:i + 1], pi=self.pi[:0], Y=self.Y[:0], residuals={})

    @staticmethod
    def stacked(starts: Sequence[Equilibrium]) -> Equilibrium:
        """One batched start of ``starts`` (each of one or more members), in their order.

        Wages, log prices and expenditure are concatenated; the rest is the first one's.
        """
        return replace(starts[0], w_hat=np.concatenate([s.w_hat for s in starts]),
                       log_P=np.concatenate([s.log_P for s in starts]),
                       X=np.concatenate([s.X for s in starts]))
