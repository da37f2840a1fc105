"""Deep integration and its dissolution, with non-tariff costs from a gravity estimate.

A structural gravity estimate ``beta`` of an agreement's effect on members' log trade
(holding multilateral resistances fixed) maps to an iceberg trade-cost change through the
trade elasticity of each sector: ``tau_hat_j = exp(-beta / theta_j)`` (the partial trade
effect of ``tau_hat`` is ``tau_hat ** -theta``). :class:`DeepIntegration` applies it among
members (and zero internal tariffs); :class:`Dissolution` undoes it: members face each
other with the cost of a border, ``exp(+beta / theta_j)``, and with the tariff each one
charges non-members (its trade-weighted average applied tariff by sector, standing for
its MFN tariff).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from autarky.data import DEFAULT_SOURCE
from autarky.data import elasticities as catalog
from autarky.errors import AutarkyError, ScenarioError
from autarky.scenario.components import Component
from autarky.scenario.resolve import _codes, _Context, _fmt_codes, _Layer, _set

__all__ = ["FALLBACK_THETA", "RUN_THETA", "DeepIntegration", "Dissolution", "bind_theta",
           "sector_theta", "unbound"]

RUN_THETA = "run"
"""The default ``theta`` of :class:`DeepIntegration` and :class:`Dissolution`: convert the
gravity effect with the elasticities of the run that solves the scenario
(:func:`bind_theta`, called by :func:`autarky.solve` once it has resolved them), so that
the conversion and the solve can never use different elasticities."""

FALLBACK_THETA = 5.0
"""Trade elasticity used when the source has no values for a world (and the world carries
none): 5, the central trade elasticity of Head and Mayer (2014, Handbook of International
Economics vol. 4)."""


def sector_theta(world: object, theta: str | float | tuple[float, ...]) -> np.ndarray:
    """Trade elasticity of every sector of ``world`` (a source name, a number, per sector).

    ``theta`` is a catalog source name, one number, or one value per sector (as
    :func:`bind_theta` sets them).

    A source without values for ``world`` falls back to the world's own elasticities, else
    to :data:`FALLBACK_THETA`. The unbound default :data:`RUN_THETA` (``scn.apply(world)``
    outside a solve) means the library's default elasticities; every solve binds its own.
    """
    sectors = list(world.sectors)  # type: ignore[attr-defined]
    if isinstance(theta, (int, float)) and not isinstance(theta, bool):
        return np.full(len(sectors), float(theta))
    if isinstance(theta, tuple):
        if len(theta) != len(sectors):
            raise ScenarioError(f"theta: {len(theta)} values for the {len(sectors)} sectors of "
                                f"{world.name}")  # type: ignore[attr-defined]
        return np.asarray(theta, float)
    if theta == RUN_THETA:  # not bound to a run (Scenario.apply alone): the library default
        theta = DEFAULT_SOURCE
    own = getattr(world, "theta", None)
    if own is not None and own.attrs.get("source") == theta:
        return np.asarray(own.values, float)
    try:
        s = catalog(world.name, str(theta))  # type: ignore[attr-defined]
    except AutarkyError:
        if own is not None:
            return np.asarray(own.values, float)
        return np.full(len(sectors), FALLBACK_THETA)
    missing = [x for x in sectors if x not in s.index]
    if missing:
        raise ScenarioError(f"theta = {theta!r}: no elasticity for sector(s) "
                            f"{', '.join(missing[:5])} of {world.name}")  # type: ignore[attr-defined]
    return s.reindex(sectors).to_numpy(float)


def _check(obj: Component, members: object, beta: float, theta: object) -> None:
    _set(obj, "members", _codes("members", members, allow_all=False))
    if not isinstance(beta, (int, float)) or not np.isfinite(beta) or not 0 <= beta <= 5:
        raise ScenarioError(f"trade_effect = {beta!r}: expected a gravity coefficient in "
                            "[0, 5] (log points of members' trade)")
    if isinstance(theta, (list, tuple, np.ndarray)):
        vals = tuple(float(x) for x in theta)
        if not vals or not all(np.isfinite(v) and v > 0 for v in vals):
            raise ScenarioError(f"theta = {theta!r}: expected positive numbers")
        _set(obj, "theta", vals)
    elif isinstance(theta, (int, float)):
        if not np.isfinite(theta) or theta <= 0:
            raise ScenarioError(f"theta = {theta!r}: expected a positive number or a source")
    elif not isinstance(theta, str):
        raise ScenarioError(f"theta = {theta!r}: expected a positive number or a source")


@dataclass(frozen=True)
class DeepIntegration(Component):
    """Zero internal tariffs and internal trade costs ``exp(-trade_effect / theta_j)``."""

    members: tuple[str, ...] = ()
    trade_effect: float = 0.0
    theta: str | float | tuple[float, ...] = RUN_THETA
    name: str = ""
    kind: ClassVar[str] = "deep-integration"
    required: ClassVar[tuple[str, ...]] = ("members", "trade_effect")

    def __post_init__(self) -> None:
        _check(self, self.members, self.trade_effect, self.theta)

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """The members, under the agreement's name."""
        return {self.name or "+".join(self.members): self.members}

    def cost_hats(self, world: object) -> np.ndarray:
        """Internal iceberg-cost change by sector: ``exp(-trade_effect / theta_j)``."""
        return np.exp(-self.trade_effect / sector_theta(world, self.theta))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        m = ctx.mask(self.members, f"deep integration {self.name}")
        inner = ctx.pairs(m, m, np.ones(ctx.J, bool))
        L.tariffs[inner] = 0.0
        hats = np.broadcast_to(self.cost_hats(ctx.world)[None, None, :], inner.shape)
        L.tau_hat[inner] = hats[inner]
        return L

    def describe(self) -> str:
        """One line in words."""
        return (f"deep integration {self.name} ({_fmt_codes(self.members)}): zero internal "
                f"tariffs, internal trade costs x exp(-{self.trade_effect:g}/theta_j) "
                f"(theta: {_theta_text(self.theta)})")


@dataclass(frozen=True)
class Dissolution(Component):
    """Members face each other with their outside tariffs and ``exp(trade_effect/theta_j)``."""

    members: tuple[str, ...] = ()
    trade_effect: float = 0.0
    theta: str | float | tuple[float, ...] = RUN_THETA
    name: str = ""
    kind: ClassVar[str] = "dissolution"
    required: ClassVar[tuple[str, ...]] = ("members", "trade_effect")

    def __post_init__(self) -> None:
        _check(self, self.members, self.trade_effect, self.theta)

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """The members, under the agreement's name."""
        return {self.name or "+".join(self.members): self.members}

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        m = ctx.mask(self.members, f"dissolution {self.name}")
        every = np.ones(ctx.J, bool)
        inner = ctx.pairs(m, m, every)
        outside = ctx.pairs(m, ~m, every)  # members' imports from non-members
        flows = ctx.world.arrays()["flows"]
        w = np.where(outside, flows, 0.0)
        t = np.where(outside, tariffs_now, 0.0)
        ws = w.sum(axis=1)  # (importer, sector)
        cnt = outside.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mfn = np.where(ws > 0, (w * t).sum(axis=1) / np.where(ws > 0, ws, 1.0),
                           t.sum(axis=1) / np.maximum(cnt, 1))
        L.tariffs[inner] = np.broadcast_to(mfn[:, None, :], inner.shape)[inner]
        hats = np.exp(self.trade_effect / sector_theta(ctx.world, self.theta))
        L.tau_hat[inner] = np.broadcast_to(hats[None, None, :], inner.shape)[inner]
        return L

    def describe(self) -> str:
        """One line in words."""
        return (f"dissolution of {self.name} ({_fmt_codes(self.members)}): members charge "
                "each other their trade-weighted average tariff on non-members and face "
                f"internal trade costs x exp({self.trade_effect:g}/theta_j) "
                f"(theta: {_theta_text(self.theta)})")


def _theta_text(theta: object) -> str:
    if isinstance(theta, tuple):
        return f"the run's, {min(theta):.3g} to {max(theta):.3g} by sector"
    return "the run's elasticities" if theta == RUN_THETA else str(theta)


def unbound(scenario: object) -> bool:
    """True when a component of ``scenario`` still waits for the run's elasticities."""
    return any(isinstance(c, (DeepIntegration, Dissolution)) and c.theta == RUN_THETA
               for c in getattr(scenario, "components", ()))


def bind_theta(scenario: object, theta: np.ndarray) -> object:
    """``scenario`` with every :data:`RUN_THETA` conversion bound to ``theta`` (by sector).

    Anything that is not a Scenario with such components comes back unchanged.
    """
    if not unbound(scenario):
        return scenario
    from dataclasses import replace

    vals = tuple(float(x) for x in np.asarray(theta, float).ravel())
    comps = tuple(replace(c, theta=vals) if isinstance(c, (DeepIntegration, Dissolution))
                  and c.theta == RUN_THETA else c
                  for c in scenario.components)  # type: ignore[attr-defined]
    return replace(scenario, components=comps)  # type: ignore[type-var]
