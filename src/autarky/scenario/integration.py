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

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from autarky.data import DEFAULT_SOURCE
from autarky.data import elasticities as catalog
from autarky.data.gravity_eurasia import gravity_eurasia
from autarky.errors import AutarkyError, ScenarioError
from autarky.scenario.components import Component
from autarky.scenario.resolve import _codes, _Context, _fmt_codes, _Layer, _set

__all__ = ["FALLBACK_THETA", "RUN_THETA", "BorderRemoval", "DeepIntegration", "Dissolution",
           "bind_theta", "estimated_border", "sector_theta", "unbound"]

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
    goods_only: bool = False
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
        inner_cost = inner & _sectors(ctx, self.goods_only)[None, None, :]
        L.tau_hat[inner_cost] = hats[inner_cost]
        return L

    def describe(self) -> str:
        """One line in words."""
        return (f"deep integration {self.name} ({_fmt_codes(self.members)}): zero internal "
                f"tariffs, internal trade costs x exp(-{self.trade_effect:g}/theta_j)"
                f"{' in goods sectors' if self.goods_only else ''} "
                f"(theta: {_theta_text(self.theta)})")


@dataclass(frozen=True)
class Dissolution(Component):
    """Members face each other with their outside tariffs and ``exp(trade_effect/theta_j)``."""

    members: tuple[str, ...] = ()
    trade_effect: float = 0.0
    theta: str | float | tuple[float, ...] = RUN_THETA
    name: str = ""
    goods_only: bool = False
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
        inner_cost = inner & _sectors(ctx, self.goods_only)[None, None, :]
        L.tau_hat[inner_cost] = np.broadcast_to(hats[None, None, :], inner.shape)[inner_cost]
        return L

    def describe(self) -> str:
        """One line in words."""
        return (f"dissolution of {self.name} ({_fmt_codes(self.members)}): members charge "
                "each other their trade-weighted average tariff on non-members and face "
                f"internal trade costs x exp({self.trade_effect:g}/theta_j)"
                f"{' in goods sectors' if self.goods_only else ''} "
                f"(theta: {_theta_text(self.theta)})")


def _sectors(ctx: _Context, goods_only: bool) -> np.ndarray:
    """(J,) mask: every sector, or the world's goods sectors (class 'goods')."""
    if not goods_only:
        return np.ones(ctx.J, bool)
    return ctx.sector_mask(("goods",), "goods-only trade costs")


_TERMS = ("INTL_BRDR", "BRDR_USSR", "EAEU", "CIS_FTA", "EU")


def _member_matrix(record: dict, group: str, countries: list[str], year: int) -> np.ndarray:
    """Both countries members of ``group`` on 1 July of ``year`` (stored membership rule)."""
    if group == "USSR":
        m = np.isin(countries, record["ussr12"])
        out = m[:, None] & m[None, :]
    else:
        spec = record["membership"][group]
        ref = dt.date(int(year), 7, 1)
        m = np.array([k in spec["start"] and dt.date.fromisoformat(spec["start"][k]) <= ref
                      and (k not in spec["end"] or dt.date.fromisoformat(spec["end"][k]) > ref)
                      for k in countries], dtype=bool)
        out = m[:, None] & m[None, :]
        ix = {k: n for n, k in enumerate(countries)}
        for pair, end in spec["pair_end"].items():
            a, b = pair.split("-")
            if a in ix and b in ix and dt.date.fromisoformat(end) <= ref:
                out[ix[a], ix[b]] = out[ix[b], ix[a]] = False
    out = out.astype(float)
    np.fill_diagonal(out, 0.0)
    return out


def estimated_border(estimate: str, countries: object, year: int,
                     terms: tuple[str, ...] = _TERMS) -> np.ndarray:
    """(N, N) estimated log-trade border of every pair, from the stored gravity estimate.

    ``sum_k b_k z_kij`` over ``terms`` with the coefficients stored for dataset ``estimate``
    (``embedded/gravity_eurasia.json``, written by :func:`autarky.gravity.estimate_border`)
    and the pair's memberships in ``year``; the same numbers as
    :func:`autarky.gravity.pair_effects` (tested), read here without the gravity layer.
    """
    record = gravity_eurasia()
    if estimate not in record["estimates"]:
        raise ScenarioError(f"border estimate {estimate!r}: none stored (stored: "
                            f"{', '.join(record['estimates'])})")
    coef = record["estimates"][estimate]["coefficients"]
    c = [str(x) for x in countries]  # type: ignore[attr-defined]
    n = len(c)
    out = np.zeros((n, n))
    for t in terms:
        z = 1.0 - np.eye(n) if t == "INTL_BRDR" else _member_matrix(
            record, "USSR" if t == "BRDR_USSR" else t, c, year)
        out += float(coef[t]["estimate"]) * z
    return out


def _check_border(obj: Component, members: object, partners: object, estimate: str,
                  beta: float, theta: object) -> None:
    _check(obj, members, 0.0, theta)
    if partners:
        _set(obj, "partners", _codes("partners", partners, allow_all=False))
    if estimate:
        if estimate not in gravity_eurasia()["estimates"]:
            raise ScenarioError(f"estimate = {estimate!r}: no stored border estimate "
                                f"(stored: {', '.join(gravity_eurasia()['estimates'])})")
    elif not isinstance(beta, (int, float)) or not np.isfinite(beta) or not 0 <= beta <= 5:
        raise ScenarioError(f"trade_effect = {beta!r}: expected a log-trade change in [0, 5]")


@dataclass(frozen=True)
class BorderRemoval(Component):
    """Pair-specific trade-cost cuts from a gravity border: ``exp(-b_ij / theta_j)``.

    ``b_ij`` is minus the pair's estimated border (``estimate``: the dataset whose stored
    coefficients are used, :func:`estimated_border` in the world's year), so members trade
    as regions of one country do; or, with ``estimate=""``, the constant ``trade_effect``.
    Among ``members``, or, when ``partners`` are given, between each member and each
    partner (both directions; e.g. a state joining a bloc). Goods sectors only by default
    (where the border is estimated): services keep their border. Tariffs are untouched
    (combine with a customs union). Converted with ``theta``, the run's by default.
    """

    members: tuple[str, ...] = ()
    estimate: str = ""
    trade_effect: float = 0.0
    partners: tuple[str, ...] = ()
    goods_only: bool = True
    theta: str | float | tuple[float, ...] = RUN_THETA
    name: str = ""
    kind: ClassVar[str] = "border-removal"
    required: ClassVar[tuple[str, ...]] = ("members",)

    def __post_init__(self) -> None:
        _check_border(self, self.members, self.partners, self.estimate, self.trade_effect,
                      self.theta)

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """The members, under the arrangement's name."""
        return {} if self.partners else {self.name or "+".join(self.members): self.members}

    def changes(self, world: object, year: int | None = None) -> np.ndarray:
        """(N, N) log-trade change of every pair (before restricting to the pairs covered)."""
        n = len(world.countries)  # type: ignore[attr-defined]
        if not self.estimate:
            return np.full((n, n), float(self.trade_effect))
        y = year or getattr(world, "year", None) or 2022
        return -estimated_border(self.estimate, world.countries, int(y))  # type: ignore[attr-defined]

    def pairs(self, ctx: _Context) -> np.ndarray:
        """(N, N) pairs covered (importer, exporter)."""
        m = ctx.mask(self.members, f"border removal {self.name}")
        if not self.partners:
            return m[:, None] & m[None, :] & ctx.offdiag
        p = ctx.mask(self.partners, f"border removal {self.name}") & ~m
        return ((m[:, None] & p[None, :]) | (p[:, None] & m[None, :])) & ctx.offdiag

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        pair = self.pairs(ctx)
        ch = np.where(pair, self.changes(ctx.world), 0.0)
        th = sector_theta(ctx.world, self.theta)
        cube = np.exp(-ch[:, :, None] / th[None, None, :])
        cells = pair[:, :, None] & _sectors(ctx, self.goods_only)[None, None, :]
        L.tau_hat[cells] = cube[cells]
        return L

    def describe(self) -> str:
        """One line in words."""
        what = (f"minus each pair's estimated border (stored {self.estimate} gravity "
                "coefficients, the world's year)" if self.estimate
                else f"{self.trade_effect:g}")
        among = (f"between {_fmt_codes(self.members)} and {_fmt_codes(self.partners)}"
                 if self.partners else f"among {_fmt_codes(self.members)}")
        return (f"border removal {self.name} {among}: trade costs x exp(-b_ij/theta_j), b_ij "
                f"= {what}{' in goods sectors (services keep theirs)' if self.goods_only else ''}"
                f" (theta: {_theta_text(self.theta)})")


_CONVERTED = (DeepIntegration, Dissolution, BorderRemoval)


def _theta_text(theta: object) -> str:
    if isinstance(theta, tuple):
        return f"the run's, {min(theta):.3g} to {max(theta):.3g} by sector"
    return "the run's elasticities" if theta == RUN_THETA else str(theta)


def unbound(scenario: object) -> bool:
    """True when a component of ``scenario`` still waits for the run's elasticities."""
    return any(isinstance(c, _CONVERTED) and c.theta == RUN_THETA
               for c in getattr(scenario, "components", ()))


def bind_theta(scenario: object, theta: np.ndarray) -> object:
    """``scenario`` with every :data:`RUN_THETA` conversion bound to ``theta`` (by sector).

    Anything that is not a Scenario with such components comes back unchanged.
    """
    if not unbound(scenario):
        return scenario
    from dataclasses import replace

    vals = tuple(float(x) for x in np.asarray(theta, float).ravel())
    comps = tuple(replace(c, theta=vals) if isinstance(c, _CONVERTED)
                  and c.theta == RUN_THETA else c
                  for c in scenario.components)  # type: ignore[attr-defined]
    return replace(scenario, components=comps)  # type: ignore[type-var]
