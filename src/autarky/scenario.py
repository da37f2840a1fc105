"""Scenarios: what changes relative to the baseline World.

A :class:`Shock` is the numerical form every scenario takes once applied to a World:
new tariff levels and an iceberg trade-cost change for every (importer, exporter, sector).
A :class:`Scenario` is an ordered tuple of *components*, frozen dataclasses that validate
themselves; ``scenario.apply(world)`` turns it into a Shock.

Components
----------
=====================  ==================================================================
kind                   what it sets (international cells only; domestic cells never change)
=====================  ==================================================================
``autarky``            trade costs prohibitive (``inf``) on every import and export of the
                       countries, optionally only in some sectors
``free-trade-area``    tariffs among members set to 0; internal trade costs times
                       ``internal_cost_hat`` when it is not 1
``customs-union``      as a free-trade area, plus a common external tariff on members'
                       imports from non-members: ``external_tariff``, or by default the
                       members' trade-weighted average (baseline flows as weights) of the
                       tariffs in force before the component, sector by sector; trade costs
                       with non-members times ``external_cost_hat`` when it is not 1
``sanction``           the imposers' trade with the target: prohibitive (embargo) or, with
                       ``tariff``, a tariff; ``direction`` 'both' (default: imports from
                       and exports to the target; with a tariff the target answers with the
                       same rate), 'imports' (imposers' imports from the target) or
                       'exports' (imposers' exports to the target)
``tariff``             tariffs of ``importers`` on ``exporters`` set to ``rate``
                       (``mode = 'set'``) or raised by it (``mode = 'add'``, floored at 0)
``tariff-schedule``    one importer's tariffs by partner (``rates``), set or added; the
                       rate on ROW is ``row_rate`` or, by default, the mean of the rates of
                       the scheduled partners the data fold into ROW, weighted by
                       ``weights`` (e.g. the importer's imports) when given
``trade-cost``         iceberg trade costs of ``importers`` from ``exporters`` times ``hat``
                       (``both_ways`` also the reverse direction)
``trade-cost-cells``   iceberg changes cell by cell: ``cells = [[importer, exporter,
                       sector or '*', hat], ...]``
``bloc-split``         trade costs between countries of different ``blocs`` times
                       ``cost_hat``, and tariffs between them raised by ``tariff``;
                       countries in no bloc are unaffected
=====================  ==================================================================

Countries are ISO 3166 alpha-3 codes, ``ROW``, ``all``, or group names (``EU27``, ``OECD``,
``G7``, ``G20``, ``BRICS``, ``CIS``, ``CIS-FTA``, ``EAEU``, ``UNION-STATE``,
``POST-SOVIET``, ... see :func:`autarky.data.scenario_data.country_groups`). Groups are
resolved against each World: a member that the data fold into ROW is left out, with a
:class:`~autarky.errors.ScenarioWarning` and a line in the Shock's ``notes``.
Sectors are the World's sector codes or the classes ``goods``, ``services`` and
``tourism`` (hotels and restaurants, air transport, travel agencies where the data
separate them; otherwise all services, with a note).

Composition: ``a + b`` applies a's components, then b's; where two components set the
same cell to different values the later one wins, and the Shock's description and notes
say which component overrode which, on how many cells. Additive components (``mode =
'add'``, a bloc-split ``tariff``) build on the value in force and are not conflicts.

TOML schema
-----------
::

    name = "eaeu-plus"                     # optional
    description = "..."                    # optional
    assumptions = ["...", "..."]           # optional
    sources = ["..."]                      # optional

    [solve]                                # optional: settings the scenario needs
    deficits = "zero"                      # fixed | zero | proportional
    unavailable = "floor"                  # raise | floor

    [[shock]]
    kind = "customs-union"
    members = ["EAEU"]
    external_tariff = 0.05                 # optional

    [[shock]]
    kind = "sanction"
    imposers = ["EU27", "USA"]
    target = "RUS"
    sectors = ["goods"]                    # optional
    tariff = 0.35                          # optional: absent means embargo

Every field of a component is a key of its ``[[shock]]`` table, with the component's
defaults when absent. Problems are reported one line each, naming the shock, the key
and the value: an unknown key, a missing key, an unknown country or group, a rate out of
range (tariffs in [0, 10]; trade-cost hats in (0, inf], ``inf`` = prohibitive).
"""

from __future__ import annotations

import math
import tomllib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from autarky.errors import ScenarioError, ScenarioWarning

__all__ = [
    "COMPONENTS",
    "SECTOR_CLASSES",
    "Autarky",
    "BlocSplit",
    "Component",
    "CustomsUnion",
    "FreeTradeArea",
    "Sanction",
    "Scenario",
    "Shock",
    "TariffChange",
    "TariffSchedule",
    "TradeCostCells",
    "TradeCostChange",
]

MAX_TARIFF = 10.0
"""Largest tariff a scenario may set (1000 %)."""


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
        t = np.array(self.tariffs, dtype=float)
        d = np.array(self.tau_hat, dtype=float)
        if t.shape != d.shape or t.ndim != 3 or t.shape[0] != t.shape[1]:
            raise ScenarioError(
                f"shock: tariffs {t.shape} and tau_hat {d.shape} must both be (N, N, J)"
            )
        if np.isnan(t).any() or (t < 0).any() or np.isinf(t).any():
            raise ScenarioError("shock: tariffs must be finite fractions >= 0")
        if np.isnan(d).any() or (d <= 0).any():
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


# ---------------------------------------------------------------- sector classes

_WIOD13_SERVICES = tuple(f"c{k}" for k in range(17, 36))

SECTOR_CLASSES: dict[str, dict[str, tuple[str, ...]]] = {
    "icio2023": {"services": ("SERV", "TRAVEL"), "tourism": ("TRAVEL",)},
    "wiod2016": {"services": ("SERV",)},
    "wiod2013": {"services": _WIOD13_SERVICES, "tourism": ("c22", "c25", "c26")},
}
"""Registry: dataset name -> sector class -> sector codes ('goods' is the complement of
'services'). A dataset without 'tourism' falls back to 'services', with a note."""

_SECTOR_WORDS = ("goods", "services", "tourism")


# ---------------------------------------------------------------- validation helpers

def _codes(name: str, value: Any, *, allow_all: bool = True) -> tuple[str, ...]:
    """Validate a country spec: a code, a group name, 'all', or a list of these."""
    from autarky.data.scenario_data import group_members, iso3_codes

    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable) or isinstance(items, Mapping):
        raise ScenarioError(f"{name} = {value!r}: expected a country code, a group name or a "
                            "list of them")
    out: list[str] = []
    for v in items:
        if not isinstance(v, str) or not v.strip():
            raise ScenarioError(f"{name} = {v!r}: expected a country code or group name")
        code = v.strip()
        up = code.upper()
        if up == "ALL":
            if not allow_all:
                raise ScenarioError(f"{name} = {v!r}: 'all' is not allowed here")
            code = "all"
        elif up == "ROW" or (len(up) == 3 and up in iso3_codes()):
            code = up
        elif group_members(up) is not None:
            code = up
        else:
            raise ScenarioError(f"{name} = {v!r}: unknown country or group (ISO 3166 "
                                "alpha-3 code, 'ROW', 'all', or a group such as EU27, EAEU)")
        if code not in out:
            out.append(code)
    if not out:
        raise ScenarioError(f"{name} = []: no countries given")
    return tuple(out)


def _sectors(name: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable) or isinstance(items, Mapping):
        raise ScenarioError(f"{name} = {value!r}: expected a list of sector codes")
    out = []
    for v in items:
        if not isinstance(v, str) or not v.strip():
            raise ScenarioError(f"{name} = {v!r}: expected a sector code")
        s = v.strip()
        if s.lower() in _SECTOR_WORDS:
            s = s.lower()
        if s not in out:
            out.append(s)
    if not out:
        raise ScenarioError(f"{name} = []: no sectors given (omit the key for all sectors)")
    return tuple(out)


def _number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False,
            allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ScenarioError(f"{name} = {value!r}: expected a number")
    x = float(value)
    if math.isnan(x):
        raise ScenarioError(f"{name} = nan: expected a number")
    if math.isinf(x) and not (allow_inf and x > 0):
        raise ScenarioError(f"{name} = {x}: must be finite")
    if x < lo or (lo_open and x == lo) or (x > hi and not (allow_inf and math.isinf(x))):
        left = "(" if lo_open else "["
        right = "inf]" if allow_inf else f"{hi:g}]"
        raise ScenarioError(f"{name} = {value!r}: out of range {left}{lo:g}, {right}")
    return x


def _hat(name: str, value: Any) -> float:
    return _number(name, value, 0.0, math.inf, lo_open=True, allow_inf=True)


def _choice(name: str, value: Any, options: Sequence[str]) -> str:
    if value not in options:
        raise ScenarioError(f"{name} = {value!r}: expected one of {', '.join(options)}")
    return str(value)


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _fmt_codes(codes: Sequence[str]) -> str:
    return ", ".join(codes) if len(codes) <= 8 else ", ".join(codes[:8]) + f", ... ({len(codes)})"


# ---------------------------------------------------------------- applying to a World

@dataclass
class _Layer:
    """What one component sets: NaN where it leaves a cell alone."""

    tariffs: np.ndarray
    tau_hat: np.ndarray
    tariffs_compose: bool = False
    tau_compose: bool = False


class _Context:
    """Resolves country and sector specs against one World, collecting notes."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.countries: tuple[str, ...] = tuple(world.countries)
        self.sectors: tuple[str, ...] = tuple(world.sectors)
        self.index = {c: k for k, c in enumerate(self.countries)}
        self.N, self.J = len(self.countries), len(self.sectors)
        self.notes: list[str] = []
        self.offdiag = ~np.eye(self.N, dtype=bool)

    def note(self, text: str, warn: bool = True) -> None:
        if text not in self.notes:
            self.notes.append(text)
            if warn:
                warnings.warn(text, ScenarioWarning, stacklevel=4)

    def expand(self, spec: Sequence[str]) -> tuple[list[str], list[str]]:
        """(codes present in the World, codes the World folds into ROW)."""
        from autarky.data.scenario_data import group_members

        present: list[str] = []
        folded: list[str] = []
        for s in spec:
            if s == "all":
                members: Sequence[str] = self.countries
            elif s in self.index:
                members = (s,)
            else:
                g = group_members(s)
                members = g if g is not None else (s,)
            for c in members:
                if c in self.index:
                    if c not in present:
                        present.append(c)
                elif c not in folded:
                    folded.append(c)
        return present, folded

    def mask(self, spec: Sequence[str], what: str) -> np.ndarray:
        """Boolean (N,) mask of the countries in ``spec``; notes for members not in the data."""
        from autarky.data.scenario_data import country_name

        present, folded = self.expand(spec)
        if folded:
            names = ", ".join(f"{c} ({country_name(c)})" for c in folded)
            where = "folded into ROW" if "ROW" in self.index else "not in the data"
            self.note(f"{what}: {names} {'is' if len(folded) == 1 else 'are'} not a separate "
                      f"economy in {self.world.name} ({where}) and "
                      f"{'is' if len(folded) == 1 else 'are'} left out")
        m = np.zeros(self.N, dtype=bool)
        m[[self.index[c] for c in present]] = True
        return m

    def sector_mask(self, spec: tuple[str, ...] | None, what: str) -> np.ndarray:
        m = np.zeros(self.J, dtype=bool)
        if spec is None:
            m[:] = True
            return m
        for s in spec:
            codes = self._sector_class(s, what) if s in _SECTOR_WORDS else (s,)
            for c in codes:
                if c not in self.sectors:
                    raise ScenarioError(
                        f"{what}: sectors = {s!r}: unknown sector {c!r} in {self.world.name} "
                        f"(sectors: {', '.join(self.sectors)})")
                m[self.sectors.index(c)] = True
        return m

    def _sector_class(self, word: str, what: str) -> tuple[str, ...]:
        classes = SECTOR_CLASSES.get(self.world.name)
        if classes is None:
            serv = tuple(s for s in self.sectors if s.upper().startswith("SERV"))
            if not serv:
                raise ScenarioError(f"{what}: sectors = {word!r}: the world "
                                    f"{self.world.name!r} has no {word} classification; "
                                    "list its sector codes instead")
            classes = {"services": serv}
        if word == "tourism" and "tourism" not in classes:
            self.note(f"{what}: {self.world.name} does not separate tourism from other "
                      f"services; all services ({', '.join(classes['services'])}) are used, "
                      "which overstates the shock", warn=False)
            word = "services"
        serv = classes["services"]
        if word == "goods":
            return tuple(s for s in self.sectors if s not in serv)
        return classes[word]

    def pairs(self, importers: np.ndarray, exporters: np.ndarray,
              sectors: np.ndarray) -> np.ndarray:
        """(N, N, J) mask of international cells importer in a, exporter in b, sector in s."""
        m2 = importers[:, None] & exporters[None, :] & self.offdiag
        return m2[:, :, None] & sectors[None, None, :]

    def empty(self) -> _Layer:
        shape = (self.N, self.N, self.J)
        return _Layer(np.full(shape, np.nan), np.full(shape, np.nan))

    def cell(self, n: int, i: int, j: int) -> str:
        return (f"importer {self.countries[n]}, exporter {self.countries[i]}, "
                f"sector {self.sectors[j]}")


# ---------------------------------------------------------------- components

class Component:
    """Base of the shock kinds: frozen dataclasses with ``layer`` and ``describe``."""

    kind: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:  # pragma: no cover
        """What this component sets in a World (NaN: left alone)."""
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover
        """One line in words."""
        raise NotImplementedError

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """Named groups of countries the component defines (for bloc aggregates)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table: kind and the fields that differ from their defaults."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            if v is None or (v == f.default and f.name not in self.required):
                continue
            out[f.name] = _plain(v)
        return out


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def _scope(sectors: tuple[str, ...] | None) -> str:
    return "" if sectors is None else f" in sectors {', '.join(sectors)}"


@dataclass(frozen=True)
class Autarky(Component):
    """Prohibitive trade costs on every import and export of ``countries``."""

    countries: tuple[str, ...] = ("all",)
    sectors: tuple[str, ...] | None = None
    kind: ClassVar[str] = "autarky"

    def __post_init__(self) -> None:
        _set(self, "countries", _codes("countries", self.countries))
        _set(self, "sectors", _sectors("sectors", self.sectors))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        what = f"autarky of {_fmt_codes(self.countries)}"
        c = ctx.mask(self.countries, what)
        s = ctx.sector_mask(self.sectors, what)
        cells = ctx.pairs(c, np.ones(ctx.N, bool), s) | ctx.pairs(np.ones(ctx.N, bool), c, s)
        L.tau_hat[cells] = np.inf
        return L

    def describe(self) -> str:
        """One line in words."""
        who = ("every country" if self.countries == ("all",)
               else _fmt_codes(self.countries))
        return f"autarky of {who}: prohibitive trade costs on imports and exports" + _scope(
            self.sectors)


@dataclass(frozen=True)
class FreeTradeArea(Component):
    """Zero tariffs among ``members``; internal trade costs times ``internal_cost_hat``."""

    members: tuple[str, ...] = ()
    sectors: tuple[str, ...] | None = None
    internal_cost_hat: float = 1.0
    name: str = ""
    kind: ClassVar[str] = "free-trade-area"
    required: ClassVar[tuple[str, ...]] = ('members',)

    def __post_init__(self) -> None:
        _set(self, "members", _codes("members", self.members, allow_all=True))
        _set(self, "sectors", _sectors("sectors", self.sectors))
        _set(self, "internal_cost_hat", _hat("internal_cost_hat", self.internal_cost_hat))
        if not isinstance(self.name, str):
            raise ScenarioError(f"name = {self.name!r}: expected a string")

    @property
    def title(self) -> str:
        """The bloc's name: ``name`` or its member list."""
        return self.name or "+".join(self.members)

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """The members, under the bloc's title."""
        return {self.title: self.members}

    def _internal(self, ctx: _Context, L: _Layer, what: str) -> tuple[np.ndarray, np.ndarray]:
        m = ctx.mask(self.members, what)
        s = ctx.sector_mask(self.sectors, what)
        if m.sum() < 2:
            ctx.note(f"{what}: fewer than two members in {ctx.world.name}; no internal trade "
                     "to liberalise", warn=False)
        inner = ctx.pairs(m, m, s)
        L.tariffs[inner] = 0.0
        if self.internal_cost_hat != 1.0:
            L.tau_hat[inner] = self.internal_cost_hat
        return m, s

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        self._internal(ctx, L, f"free-trade area {self.title}")
        return L

    def describe(self) -> str:
        """One line in words."""
        extra = ("" if self.internal_cost_hat == 1.0 else
                 f", internal trade costs x{self.internal_cost_hat:g}")
        who = f"{self.name} ({_fmt_codes(self.members)})" if self.name else _fmt_codes(
            self.members)
        return (f"free-trade area {who}: zero internal "
                f"tariffs{extra}" + _scope(self.sectors))


@dataclass(frozen=True)
class CustomsUnion(FreeTradeArea):
    """A free-trade area with a common external tariff (and optional external costs)."""

    external_tariff: float | None = None
    external_cost_hat: float = 1.0
    kind: ClassVar[str] = "customs-union"
    required: ClassVar[tuple[str, ...]] = ('members',)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.external_tariff is not None:
            _set(self, "external_tariff",
                 _number("external_tariff", self.external_tariff, 0.0, MAX_TARIFF))
        _set(self, "external_cost_hat", _hat("external_cost_hat", self.external_cost_hat))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        what = f"customs union {self.title}"
        m, s = self._internal(ctx, L, what)
        if not m.any():
            return L
        outside = ctx.pairs(m, ~m, s)
        if self.external_tariff is not None:
            L.tariffs[outside] = self.external_tariff
        else:
            flows = ctx.world.arrays()["flows"]
            w = np.where(outside, flows, 0.0)
            t = np.where(outside, tariffs_now, 0.0)
            tw = (w * t).sum(axis=(0, 1))
            ws = w.sum(axis=(0, 1))
            cnt = outside.sum(axis=(0, 1))
            with np.errstate(invalid="ignore", divide="ignore"):
                cet = np.where(ws > 0, tw / np.where(ws > 0, ws, 1.0),
                               t.sum(axis=(0, 1)) / np.maximum(cnt, 1))
            L.tariffs[outside] = np.broadcast_to(cet[None, None, :], outside.shape)[outside]
        if self.external_cost_hat != 1.0:
            L.tau_hat[outside | ctx.pairs(~m, m, s)] = self.external_cost_hat
        return L

    def describe(self) -> str:
        """One line in words."""
        cet = ("the members' trade-weighted average tariff by sector"
               if self.external_tariff is None else f"{self.external_tariff:.1%}")
        extra = ("" if self.external_cost_hat == 1.0
                 else f", trade costs with non-members x{self.external_cost_hat:g}")
        return super().describe().replace("free-trade area", "customs union", 1) + (
            f"; common external tariff {cet}{extra}")


@dataclass(frozen=True)
class Sanction(Component):
    """A coalition's trade with a target: embargo (prohibitive) or a tariff."""

    imposers: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    sectors: tuple[str, ...] | None = None
    tariff: float | None = None
    direction: Literal["both", "imports", "exports"] = "both"
    kind: ClassVar[str] = "sanction"
    required: ClassVar[tuple[str, ...]] = ('imposers', 'target')

    def __post_init__(self) -> None:
        _set(self, "imposers", _codes("imposers", self.imposers))
        _set(self, "target", _codes("target", self.target, allow_all=False))
        _set(self, "sectors", _sectors("sectors", self.sectors))
        if self.tariff is not None:
            _set(self, "tariff", _number("tariff", self.tariff, 0.0, MAX_TARIFF))
        _choice("direction", self.direction, ("both", "imports", "exports"))

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """The coalition and the target."""
        return {"coalition": self.imposers, "target": self.target}

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        what = f"sanction on {_fmt_codes(self.target)}"
        tgt = ctx.mask(self.target, what + " (target)")
        imp = ctx.mask(self.imposers, what + " (imposers)") & ~tgt
        s = ctx.sector_mask(self.sectors, what)
        cells = np.zeros((ctx.N, ctx.N, ctx.J), dtype=bool)
        if self.direction in ("both", "imports"):
            cells |= ctx.pairs(imp, tgt, s)
        if self.direction in ("both", "exports"):
            cells |= ctx.pairs(tgt, imp, s)
        if self.tariff is None:
            L.tau_hat[cells] = np.inf
        else:
            L.tariffs[cells] = self.tariff
        return L

    def describe(self) -> str:
        """One line in words."""
        how = "embargo (prohibitive trade costs)" if self.tariff is None else (
            f"tariff of {self.tariff:.1%}")
        way = {"both": "imports from and exports to", "imports": "imports from",
               "exports": "exports to"}[self.direction]
        return (f"sanction: {how} on the {way} {_fmt_codes(self.target)} by "
                f"{_fmt_codes(self.imposers)}" + _scope(self.sectors))


@dataclass(frozen=True)
class TariffChange(Component):
    """Tariffs of ``importers`` on ``exporters`` set to (or raised by) ``rate``."""

    importers: tuple[str, ...] = ("all",)
    exporters: tuple[str, ...] = ("all",)
    rate: float = 0.0
    sectors: tuple[str, ...] | None = None
    mode: Literal["set", "add"] = "set"
    kind: ClassVar[str] = "tariff"
    required: ClassVar[tuple[str, ...]] = ('rate',)

    def __post_init__(self) -> None:
        _set(self, "importers", _codes("importers", self.importers))
        _set(self, "exporters", _codes("exporters", self.exporters))
        _set(self, "sectors", _sectors("sectors", self.sectors))
        _choice("mode", self.mode, ("set", "add"))
        lo = -MAX_TARIFF if self.mode == "add" else 0.0
        _set(self, "rate", _number("rate", self.rate, lo, MAX_TARIFF))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        what = "tariff change"
        cells = ctx.pairs(ctx.mask(self.importers, what + " (importers)"),
                          ctx.mask(self.exporters, what + " (exporters)"),
                          ctx.sector_mask(self.sectors, what))
        if self.mode == "set":
            L.tariffs[cells] = self.rate
        else:
            L.tariffs[cells] = np.maximum(tariffs_now[cells] + self.rate, 0.0)
            L.tariffs_compose = True
        return L

    def describe(self) -> str:
        """One line in words."""
        verb = f"set to {self.rate:.1%}" if self.mode == "set" else (
            f"raised by {self.rate * 100:+.1f} percentage points")
        imp = "every country" if self.importers == ("all",) else _fmt_codes(self.importers)
        exp = "every country" if self.exporters == ("all",) else _fmt_codes(self.exporters)
        return f"tariffs of {imp} on imports from {exp} {verb}" + _scope(self.sectors)


@dataclass(frozen=True)
class TariffSchedule(Component):
    """One importer's tariffs by partner: ``rates`` = ((exporter, rate), ...)."""

    importer: str = ""
    rates: tuple[tuple[str, float], ...] = ()
    sectors: tuple[str, ...] | None = None
    mode: Literal["set", "add"] = "add"
    row_rate: float | None = None
    name: str = ""
    weights: tuple[tuple[str, float], ...] = ()
    kind: ClassVar[str] = "tariff-schedule"
    required: ClassVar[tuple[str, ...]] = ('importer', 'rates')

    def __post_init__(self) -> None:
        from autarky.data.scenario_data import iso3_codes

        imp = _codes("importer", self.importer, allow_all=False)
        if len(imp) != 1 or imp[0] not in iso3_codes():
            raise ScenarioError(f"importer = {self.importer!r}: expected one country code")
        _set(self, "importer", imp[0])
        _choice("mode", self.mode, ("set", "add"))
        items = self.rates.items() if isinstance(self.rates, Mapping) else self.rates
        out = []
        lo = -MAX_TARIFF if self.mode == "add" else 0.0
        for item in items:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise ScenarioError(f"rates: {item!r}: expected (country, rate)")
            code, rate = item
            c = _codes(f"rates.{code}", code, allow_all=False)
            if len(c) != 1 or (c[0] not in iso3_codes() and c[0] != "ROW"):
                raise ScenarioError(f"rates.{code} = {rate!r}: expected a country code key")
            out.append((c[0], _number(f"rates.{code}", rate, lo, MAX_TARIFF)))
        if not out:
            raise ScenarioError("rates = {}: no partners given")
        _set(self, "rates", tuple(out))
        _set(self, "sectors", _sectors("sectors", self.sectors))
        if self.row_rate is not None:
            _set(self, "row_rate", _number("row_rate", self.row_rate, lo, MAX_TARIFF))
        witems = self.weights.items() if isinstance(self.weights, Mapping) else self.weights
        wout = []
        for item in witems:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise ScenarioError(f"weights: {item!r}: expected (country, weight)")
            code, wt = item
            if not isinstance(code, str) or code.upper() not in iso3_codes():
                raise ScenarioError(f"weights.{code} = {wt!r}: expected a country code key")
            wout.append((code.upper(), _number(f"weights.{code}", wt, 0.0, math.inf)))
        _set(self, "weights", tuple(wout))

    def to_dict(self) -> dict[str, Any]:
        """TOML table with ``rates`` (and ``weights``) as tables keyed by country."""
        d = super().to_dict()
        d["rates"] = dict(self.rates)
        if self.weights:
            d["weights"] = dict(self.weights)
        return d

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        what = f"tariff schedule of {self.importer}"
        if self.importer not in ctx.index:
            ctx.note(f"{what}: {self.importer} is not in {ctx.world.name}; schedule left out")
            return L
        n = ctx.index[self.importer]
        s = ctx.sector_mask(self.sectors, what)
        rate = np.full(ctx.N, np.nan)
        folded: list[float] = []
        fweights: list[float] = []
        wmap = dict(self.weights)
        for code, r in self.rates:
            if code in ctx.index:
                rate[ctx.index[code]] = r
            else:
                folded.append(r)
                fweights.append(wmap.get(code, 0.0))
        if "ROW" in ctx.index and np.isnan(rate[ctx.index["ROW"]]):
            if self.row_rate is not None:
                rate[ctx.index["ROW"]] = self.row_rate
            elif folded:
                wsum = float(np.sum(fweights))
                how = "weighted by the given weights" if wsum > 0 else "unweighted"
                r_row = (float(np.dot(folded, fweights) / wsum) if wsum > 0
                         else float(np.mean(folded)))
                rate[ctx.index["ROW"]] = r_row
                ctx.note(f"{what}: the rate on ROW is the mean ({how}, {r_row:.1%}) of the "
                         f"rates of the {len(folded)} scheduled partners that "
                         f"{ctx.world.name} folds into ROW", warn=False)
        rate[n] = np.nan
        missing = [ctx.countries[i] for i in range(ctx.N) if i != n and np.isnan(rate[i])]
        if missing:
            ctx.note(f"{what}: no rate for {_fmt_codes(missing)}; their tariffs are unchanged",
                     warn=False)
        has = ~np.isnan(rate)
        for i in np.flatnonzero(has):
            new = rate[i] if self.mode == "set" else np.maximum(tariffs_now[n, i, s] + rate[i], 0)
            L.tariffs[n, i, s] = new
        L.tariffs_compose = self.mode == "add"
        return L

    def describe(self) -> str:
        """One line in words."""
        verb = "set to" if self.mode == "set" else "raised by"
        title = self.name or f"tariff schedule of {self.importer}"
        return (f"{title}: tariffs of {self.importer} on {len(self.rates)} partners {verb} "
                "partner-specific rates" + _scope(self.sectors))


@dataclass(frozen=True)
class TradeCostChange(Component):
    """Iceberg trade costs of ``importers`` from ``exporters`` times ``hat``."""

    hat: float = 1.0
    importers: tuple[str, ...] = ("all",)
    exporters: tuple[str, ...] = ("all",)
    sectors: tuple[str, ...] | None = None
    both_ways: bool = False
    kind: ClassVar[str] = "trade-cost"
    required: ClassVar[tuple[str, ...]] = ('hat',)

    def __post_init__(self) -> None:
        _set(self, "hat", _hat("hat", self.hat))
        _set(self, "importers", _codes("importers", self.importers))
        _set(self, "exporters", _codes("exporters", self.exporters))
        _set(self, "sectors", _sectors("sectors", self.sectors))
        if not isinstance(self.both_ways, bool):
            raise ScenarioError(f"both_ways = {self.both_ways!r}: expected true or false")

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        what = "trade-cost change"
        a = ctx.mask(self.importers, what + " (importers)")
        b = ctx.mask(self.exporters, what + " (exporters)")
        s = ctx.sector_mask(self.sectors, what)
        cells = ctx.pairs(a, b, s)
        if self.both_ways:
            cells |= ctx.pairs(b, a, s)
        L.tau_hat[cells] = self.hat
        return L

    def describe(self) -> str:
        """One line in words."""
        imp = "every country" if self.importers == ("all",) else _fmt_codes(self.importers)
        exp = "every country" if self.exporters == ("all",) else _fmt_codes(self.exporters)
        way = " and back" if self.both_ways else ""
        return (f"iceberg trade costs of imports by {imp} from {exp}{way} x{self.hat:g}"
                + _scope(self.sectors))


@dataclass(frozen=True)
class TradeCostCells(Component):
    """Iceberg trade-cost changes cell by cell: ((importer, exporter, sector or '*', hat), ...)."""

    cells: tuple[tuple[str, str, str, float], ...] = ()
    kind: ClassVar[str] = "trade-cost-cells"
    required: ClassVar[tuple[str, ...]] = ('cells',)

    def __post_init__(self) -> None:
        out = []
        for k, c in enumerate(self.cells):
            if not isinstance(c, (tuple, list)) or len(c) != 4:
                raise ScenarioError(f"cells[{k}] = {c!r}: expected [importer, exporter, "
                                    "sector or '*', hat]")
            n = _codes(f"cells[{k}].importer", c[0], allow_all=False)
            i = _codes(f"cells[{k}].exporter", c[1], allow_all=False)
            if len(n) != 1 or len(i) != 1:
                raise ScenarioError(f"cells[{k}] = {c!r}: expected single country codes")
            if not isinstance(c[2], str) or not c[2]:
                raise ScenarioError(f"cells[{k}].sector = {c[2]!r}: expected a sector or '*'")
            out.append((n[0], i[0], c[2], _hat(f"cells[{k}].hat", c[3])))
        if not out:
            raise ScenarioError("cells = []: no cells given")
        _set(self, "cells", tuple(out))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        for n, i, s, h in self.cells:
            mn = ctx.mask((n,), "trade-cost cells")
            mi = ctx.mask((i,), "trade-cost cells")
            ms = ctx.sector_mask(None if s == "*" else (s,), "trade-cost cells")
            cells = ctx.pairs(mn, mi, ms)
            if n == i and n in ctx.index:
                raise ScenarioError(f"trade-cost cells: importer = exporter = {n!r}: domestic "
                                    "trade costs cannot change")
            L.tau_hat[cells] = h
        return L

    def describe(self) -> str:
        """One line in words."""
        return f"iceberg trade-cost changes on {len(self.cells)} given cells"


@dataclass(frozen=True)
class BlocSplit(Component):
    """Barriers between countries of different blocs (countries in no bloc unaffected)."""

    blocs: tuple[tuple[str, ...], ...] = ()
    cost_hat: float = 1.25
    tariff: float | None = None
    sectors: tuple[str, ...] | None = None
    names: tuple[str, ...] = ()
    kind: ClassVar[str] = "bloc-split"
    required: ClassVar[tuple[str, ...]] = ('blocs',)

    def __post_init__(self) -> None:
        bl = self.blocs
        if isinstance(bl, (str, Mapping)) or not isinstance(bl, Iterable):
            raise ScenarioError(f"blocs = {bl!r}: expected a list of country lists")
        out = tuple(_codes(f"blocs[{k}]", b, allow_all=False) for k, b in enumerate(bl))
        if len(out) < 2:
            raise ScenarioError(f"blocs = {_plain(out)!r}: at least two blocs are needed")
        _set(self, "blocs", out)
        _set(self, "cost_hat", _hat("cost_hat", self.cost_hat))
        if self.tariff is not None:
            _set(self, "tariff", _number("tariff", self.tariff, 0.0, MAX_TARIFF))
        _set(self, "sectors", _sectors("sectors", self.sectors))
        names = tuple(self.names) if not isinstance(self.names, str) else (self.names,)
        if names and len(names) != len(out):
            raise ScenarioError(f"names = {list(names)!r}: {len(names)} names for "
                                f"{len(out)} blocs")
        if not all(isinstance(x, str) and x for x in names):
            raise ScenarioError(f"names = {list(names)!r}: expected non-empty strings")
        _set(self, "names", names)

    def bloc_names(self) -> tuple[str, ...]:
        """Names of the blocs (given, or 'bloc 1', 'bloc 2', ...)."""
        return self.names or tuple(f"bloc {k + 1}" for k in range(len(self.blocs)))

    def named_groups(self) -> dict[str, tuple[str, ...]]:
        """Each bloc under its name."""
        return dict(zip(self.bloc_names(), self.blocs, strict=True))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World."""
        L = ctx.empty()
        names = self.bloc_names()
        masks = [ctx.mask(b, f"bloc-split ({names[k]})") for k, b in enumerate(self.blocs)]
        owner = np.full(ctx.N, -1)
        for k, m in enumerate(masks):
            both = m & (owner >= 0)
            if both.any():
                c = ctx.countries[int(np.argmax(both))]
                raise ScenarioError(f"bloc-split: country {c!r} is in both "
                                    f"{names[owner[int(np.argmax(both))]]!r} and {names[k]!r}")
            owner[m] = k
        s = ctx.sector_mask(self.sectors, "bloc-split")
        cells = np.zeros((ctx.N, ctx.N, ctx.J), dtype=bool)
        for a, ma in enumerate(masks):
            for b, mb in enumerate(masks):
                if a != b:
                    cells |= ctx.pairs(ma, mb, s)
        if self.cost_hat != 1.0:
            L.tau_hat[cells] = self.cost_hat
        if self.tariff is not None and self.tariff > 0:
            L.tariffs[cells] = tariffs_now[cells] + self.tariff
            L.tariffs_compose = True
        return L

    def describe(self) -> str:
        """One line in words."""
        parts = "; ".join(f"{n}: {_fmt_codes(b)}" for n, b in self.named_groups().items())
        extra = "" if not self.tariff else (
            f" and tariffs raised by {self.tariff * 100:.1f} percentage points")
        return (f"split into {len(self.blocs)} blocs ({parts}): trade costs between blocs "
                f"x{self.cost_hat:g}{extra}" + _scope(self.sectors)
                + "; countries in no bloc unaffected")


COMPONENTS: dict[str, type[Component]] = {
    c.kind: c for c in (Autarky, FreeTradeArea, CustomsUnion, Sanction, TariffChange,
                        TariffSchedule, TradeCostChange, TradeCostCells, BlocSplit)
}
"""Registry: TOML ``kind`` -> component class."""



def _component_from_dict(d: Mapping[str, Any], where: str) -> Component:
    kind = d.get("kind")
    if kind is None:
        raise ScenarioError(f"{where}: missing key 'kind' (one of {', '.join(COMPONENTS)})")
    if kind not in COMPONENTS:
        raise ScenarioError(f"{where}: kind = {kind!r}: unknown (one of {', '.join(COMPONENTS)})")
    cls = COMPONENTS[kind]
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    problems = []
    for key, val in d.items():
        if key == "kind":
            continue
        if key not in known:
            problems.append(f"{where} ({kind}): unknown key {key!r} = {val!r} "
                            f"(known: {', '.join(sorted(known))})")
            continue
        kwargs[key] = val
    for key in cls.required:
        if key not in d:
            problems.append(f"{where} ({kind}): missing key {key!r}")
    if problems:
        raise ScenarioError("\n".join(problems))
    for key in ("rates", "weights"):
        if kind == "tariff-schedule" and isinstance(kwargs.get(key), Mapping):
            kwargs[key] = tuple(kwargs[key].items())
    try:
        return cls(**kwargs)
    except ScenarioError as err:
        raise ScenarioError(f"{where} ({kind}): {err}") from None
    except TypeError as err:
        raise ScenarioError(f"{where} ({kind}): {err}") from None


# ---------------------------------------------------------------- Scenario

_TOP_KEYS = ("name", "description", "assumptions", "sources", "solve", "shock")


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{name} = {value!r}: expected a list of strings")
    return tuple(value)


SOLVE_SETTINGS: dict[str, tuple[str, ...]] = {
    "deficits": ("fixed", "zero", "proportional"),
    "unavailable": ("raise", "floor"),
}
"""Solver settings a scenario may require (TOML table ``[solve]``), with allowed values."""


def _solve_settings(value: Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ScenarioError(f"solve: {item!r}: expected (setting, value)")
        key, val = item
        if key not in SOLVE_SETTINGS:
            raise ScenarioError(f"solve.{key} = {val!r}: unknown setting (known: "
                                f"{', '.join(SOLVE_SETTINGS)})")
        out[str(key)] = _choice(f"solve.{key}", val, SOLVE_SETTINGS[key])
    return tuple(out.items())


@dataclass(frozen=True)
class Scenario:
    """An ordered composition of shock components, with its description and assumptions.

    Build with the constructors (:meth:`autarky`, :meth:`bloc`, :meth:`sanction`,
    :meth:`tariff`, :meth:`trade_cost`, :meth:`split`, ...), :meth:`from_toml`, or
    :func:`autarky.presets.get`; combine with ``+`` (later wins). ``apply(world)`` gives the
    :class:`Shock` the model solves.

    Examples
    --------
    >>> import autarky as ak
    >>> scn = ak.Scenario.bloc(["EAEU"]) + ak.Scenario.sanction(["EU27"], "RUS")
    >>> [c.kind for c in scn.components]
    ['free-trade-area', 'sanction']
    """

    components: tuple[Component, ...] = ()
    name: str = ""
    description: str = ""
    assumptions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    solve: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        _set(self, "solve", _solve_settings(self.solve))
        comps = tuple(self.components)
        for c in comps:
            if not isinstance(c, Component):
                raise ScenarioError(f"components: {c!r} is not a shock component")
        _set(self, "components", comps)
        for key in ("name", "description"):
            if not isinstance(getattr(self, key), str):
                raise ScenarioError(f"{key} = {getattr(self, key)!r}: expected a string")
        _set(self, "assumptions", _strings("assumptions", self.assumptions))
        _set(self, "sources", _strings("sources", self.sources))

    # -------------------------------------------------------------- constructors
    @classmethod
    def status_quo(cls) -> Scenario:
        """The calibrated baseline: no component, every hat is one."""
        return cls((), "status-quo", "the calibrated baseline: nothing changes")

    @classmethod
    def autarky(cls, countries: str | Sequence[str] = "all",
                sectors: Sequence[str] | None = None) -> Scenario:
        """Prohibitive trade costs on every import and export of ``countries`` ('all').

        Full autarky (no ``sectors``) carries the solver settings it needs: deficits
        removed first (a country that does not trade cannot run a deficit) and goods
        without domestic production given a small domestic supply ('floor').
        """
        solve = (("deficits", "zero"), ("unavailable", "floor")) if sectors is None else ()
        return cls((Autarky(countries, sectors),), solve=solve)  # type: ignore[arg-type]

    @classmethod
    def bloc(cls, members: str | Sequence[str], external_tariff: float | None = None, *,
             sectors: Sequence[str] | None = None, internal_cost_hat: float = 1.0,
             customs_union: bool | None = None, external_cost_hat: float = 1.0,
             name: str = "") -> Scenario:
        """A free-trade area, or a customs union when an external tariff is asked for.

        ``customs_union=True`` without ``external_tariff`` sets the members' trade-weighted
        average tariff as the common external tariff.
        """
        cu = customs_union if customs_union is not None else (
            external_tariff is not None or external_cost_hat != 1.0)
        if cu:
            comp: Component = CustomsUnion(members, sectors, internal_cost_hat, name,  # type: ignore[arg-type]
                                           external_tariff, external_cost_hat)
        else:
            comp = FreeTradeArea(members, sectors, internal_cost_hat, name)  # type: ignore[arg-type]
        return cls((comp,))

    @classmethod
    def customs_union(cls, members: str | Sequence[str], external_tariff: float | None = None,
                      **kwargs: Any) -> Scenario:
        """A customs union (common external tariff: trade-weighted average unless given)."""
        return cls.bloc(members, external_tariff, customs_union=True, **kwargs)

    @classmethod
    def sanction(cls, imposers: str | Sequence[str], target: str | Sequence[str],
                 sectors: Sequence[str] | None = None, tariff: float | None = None,
                 direction: Literal["both", "imports", "exports"] = "both") -> Scenario:
        """An embargo (default) or a tariff by ``imposers`` on ``target``."""
        return cls((Sanction(imposers, target, sectors, tariff, direction),))  # type: ignore[arg-type]

    @classmethod
    def tariff(cls, importers: str | Sequence[str], exporters: str | Sequence[str],
               rate: float, sectors: Sequence[str] | None = None,
               mode: Literal["set", "add"] = "set") -> Scenario:
        """Tariffs of importers on exporters set to ``rate`` (or raised by it)."""
        return cls((TariffChange(importers, exporters, rate, sectors, mode),))  # type: ignore[arg-type]

    @classmethod
    def tariff_schedule(cls, importer: str, rates: Mapping[str, float] | Any,
                        sectors: Sequence[str] | None = None,
                        mode: Literal["set", "add"] = "add", row_rate: float | None = None,
                        name: str = "", weights: Mapping[str, float] | Any = ()) -> Scenario:
        """One importer's tariffs by partner (a mapping or Series ISO3 -> rate).

        ``weights`` (ISO3 -> weight, e.g. the importer's imports by partner) weight the
        rate on ROW over the partners the data fold into it.
        """
        items = tuple((str(k), float(v)) for k, v in dict(rates).items())
        witems = tuple((str(k), float(v)) for k, v in dict(weights).items())
        return cls((TariffSchedule(importer, items, sectors, mode, row_rate, name,  # type: ignore[arg-type]
                                   witems),))

    @classmethod
    def trade_cost(cls, hat: Any, importers: str | Sequence[str] = "all",
                   exporters: str | Sequence[str] = "all",
                   sectors: Sequence[str] | None = None, both_ways: bool = False, *,
                   countries: Sequence[str] | None = None,
                   sector_codes: Sequence[str] | None = None) -> Scenario:
        """An iceberg trade-cost change.

        ``hat`` is a number (applied to importers x exporters [x sectors]); a pandas Series
        indexed by (importer, exporter[, sector]); an xarray DataArray with those dims; or
        an array (N, N[, J]) with ``countries=`` (and ``sector_codes=``) naming its axes.
        Cells equal to one are dropped from array input.
        """
        if isinstance(hat, (int, float, np.integer, np.floating)) and not isinstance(hat, bool):
            return cls((TradeCostChange(float(hat), importers, exporters, sectors,  # type: ignore[arg-type]
                                        both_ways),))
        if hasattr(hat, "to_series") and hasattr(hat, "dims"):
            hat = hat.to_series()
        cells: list[tuple[str, str, str, float]] = []
        if hasattr(hat, "index") and hasattr(hat, "items"):
            for key, v in hat.items():
                key = key if isinstance(key, tuple) else (key,)
                if len(key) not in (2, 3):
                    raise ScenarioError("trade_cost: Series index must be (importer, exporter"
                                        "[, sector])")
                if float(v) != 1.0:
                    cells.append((str(key[0]), str(key[1]),
                                  str(key[2]) if len(key) == 3 else "*", float(v)))
        else:
            arr = np.asarray(hat, dtype=float)
            if countries is None:
                raise ScenarioError("trade_cost: an array needs countries= (and sector_codes=)"
                                    " naming its axes")
            if arr.ndim == 2:
                arr = arr[:, :, None]
            secs = list(sector_codes) if sector_codes is not None else ["*"]
            if arr.shape != (len(countries), len(countries), len(secs)):
                raise ScenarioError(f"trade_cost: array shape {arr.shape} does not match "
                                    f"{len(countries)} countries x {len(secs)} sectors")
            for n, i, j in zip(*np.nonzero(arr != 1.0), strict=True):
                if n != i:
                    cells.append((countries[n], countries[i], secs[j], float(arr[n, i, j])))
        if not cells:
            return cls(())
        return cls((TradeCostCells(tuple(cells)),))

    @classmethod
    def split(cls, blocs: Sequence[str | Sequence[str]], cost_hat: float = 1.25,
              tariff: float | None = None, sectors: Sequence[str] | None = None,
              names: Sequence[str] = ()) -> Scenario:
        """Barriers between blocs: trade costs x ``cost_hat`` (and tariffs + ``tariff``)."""
        return cls((BlocSplit(tuple(blocs), cost_hat, tariff, sectors, tuple(names)),))  # type: ignore[arg-type]

    # -------------------------------------------------------------- composition
    def __add__(self, other: Scenario) -> Scenario:
        if not isinstance(other, Scenario):
            return NotImplemented
        if not self.components and not self.name:
            return other
        name = " + ".join(x for x in (self.name, other.name) if x)
        desc = ""
        if self.description or other.description:
            desc = "; then ".join(x for x in (self.summary(), other.summary()) if x)
        return Scenario(
            self.components + other.components, name, desc,
            tuple(dict.fromkeys(self.assumptions + other.assumptions)),
            tuple(dict.fromkeys(self.sources + other.sources)),
            tuple({**dict(self.solve), **dict(other.solve)}.items()),
        )

    def with_info(self, **kwargs: Any) -> Scenario:
        """A copy with name, description, assumptions or sources replaced."""
        d: dict[str, Any] = {"name": self.name, "description": self.description,
             "assumptions": self.assumptions, "sources": self.sources, "solve": self.solve}
        d.update(kwargs)
        return Scenario(self.components, **d)

    def solve_options(self, **overrides: Any) -> Any:
        """``autarky.SolveOptions`` with the scenario's required settings.

        Keyword arguments override both the defaults and the scenario's settings; None
        values are ignored.
        """
        from autarky.model.api import SolveOptions

        kw = {**dict(self.solve), **{k: v for k, v in overrides.items() if v is not None}}
        return SolveOptions(**kw)

    # -------------------------------------------------------------- words
    def summary(self) -> str:
        """The description, or the components' descriptions joined."""
        if self.description:
            return self.description
        if not self.components:
            return "no change"
        return "; then ".join(c.describe() for c in self.components)

    def describe(self) -> str:
        """Several lines: name, description, components, assumptions, sources."""
        lines = [self.name or "scenario", self.summary()]
        lines += [f"  - {c.describe()}" for c in self.components]
        if self.assumptions:
            lines.append("assumptions:")
            lines += [f"  - {a}" for a in self.assumptions]
        if self.solve:
            lines.append("solver settings: " + ", ".join(f"{k} = {v}" for k, v in self.solve))
        if self.sources:
            lines.append("sources:")
            lines += [f"  - {s}" for s in self.sources]
        return "\n".join(lines)

    def blocs(self, world: Any | None = None) -> dict[str, tuple[str, ...]]:
        """Named country groups the scenario defines, resolved to ``world``'s countries."""
        out: dict[str, tuple[str, ...]] = {}
        for c in self.components:
            for k, v in c.named_groups().items():
                if world is None:
                    out[k] = v
                else:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ScenarioWarning)
                        present, _ = _Context(world).expand(v)
                    if present:
                        out[k] = tuple(present)
        return out

    # -------------------------------------------------------------- numbers
    def apply(self, world: Any) -> Shock:
        """The Shock this scenario means in ``world``.

        Tariffs start from the World's applied tariffs and trade-cost hats from one; each
        component then sets the cells it names, in order (later wins). Notes list members
        left out (folded into ROW) and conflicts between components.
        """
        ctx = _Context(world)
        T = np.array(world.arrays()["tariffs"], dtype=float)
        D = np.ones_like(T)
        own_t = np.full(T.shape, -1, dtype=np.int32)
        own_d = np.full(T.shape, -1, dtype=np.int32)
        conflicts: list[str] = []
        labels = [f"#{k + 1} ({c.kind})" for k, c in enumerate(self.components)]
        for k, comp in enumerate(self.components):
            L = comp.layer(ctx, T)
            for arr, own, new, compose, what in (
                (T, own_t, L.tariffs, L.tariffs_compose, "tariff"),
                (D, own_d, L.tau_hat, L.tau_compose, "trade-cost"),
            ):
                setm = ~np.isnan(new)
                if not setm.any():
                    continue
                if not compose:
                    clash = setm & (own >= 0) & (arr != new)
                    for m in np.unique(own[clash]):
                        cm = clash & (own == m)
                        first = tuple(int(x) for x in np.argwhere(cm)[0])
                        conflicts.append(
                            f"conflict: component {labels[k]} overrides component "
                            f"{labels[m]} on {int(cm.sum())} {what} cells "
                            f"(first: {ctx.cell(*first)}); the later component wins")
                arr[setm] = new[setm]
                own[setm] = k
        n = T.shape[0]
        idx = np.arange(n)
        T[idx, idx, :] = world.arrays()["tariffs"][idx, idx, :]
        D[idx, idx, :] = 1.0
        desc = self.summary()
        if conflicts:
            desc += ". " + " ".join(conflicts)
        return Shock(T, D, desc, tuple(ctx.notes) + tuple(conflicts))

    # -------------------------------------------------------------- TOML
    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict (see the module docstring for the schema)."""
        d: dict[str, Any] = {}
        if self.name:
            d["name"] = self.name
        if self.description:
            d["description"] = self.description
        if self.assumptions:
            d["assumptions"] = list(self.assumptions)
        if self.sources:
            d["sources"] = list(self.sources)
        if self.solve:
            d["solve"] = dict(self.solve)
        d["shock"] = [c.to_dict() for c in self.components]
        return d

    def to_toml(self) -> str:
        """The scenario as TOML text (``Scenario.from_toml(text=...)`` reads it back)."""
        import tomli_w

        return tomli_w.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str = "scenario") -> Scenario:
        """Build from a parsed TOML dict; every problem is reported, one line each."""
        problems: list[str] = []
        for key in d:
            if key not in _TOP_KEYS:
                problems.append(f"{source}: unknown key {key!r} = {d[key]!r} "
                                f"(known: {', '.join(_TOP_KEYS)})")
        shocks = d.get("shock", [])
        if isinstance(shocks, Mapping):
            shocks = [shocks]
        if not isinstance(shocks, list):
            problems.append(f"{source}: shock = {shocks!r}: expected [[shock]] tables")
            shocks = []
        comps: list[Component] = []
        for k, s in enumerate(shocks):
            where = f"{source}: shock[{k}]"
            if not isinstance(s, Mapping):
                problems.append(f"{where} = {s!r}: expected a table")
                continue
            try:
                comps.append(_component_from_dict(s, where))
            except ScenarioError as err:
                problems.append(str(err))
        info: dict[str, Any] = {}
        for key in ("name", "description", "assumptions", "sources", "solve"):
            if key in d:
                info[key] = d[key]
        try:
            scn = cls(tuple(comps), **info)
        except ScenarioError as err:
            problems.append(f"{source}: {err}")
            scn = None
        if problems:
            raise ScenarioError("\n".join(problems))
        assert scn is not None
        return scn

    @classmethod
    def from_toml(cls, path: str | Path | None = None, *, text: str | None = None) -> Scenario:
        """Read a scenario from a TOML file (or from ``text``)."""
        from autarky.data.scenario_data import read_text

        if (path is None) == (text is None):
            raise ScenarioError("from_toml: give a path or text=")
        source = "scenario" if path is None else str(path)
        if text is None:
            text = read_text(path)  # type: ignore[arg-type]
        try:
            d = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ScenarioError(f"{source}: not valid TOML: {err}") from None
        return cls.from_dict(d, source)
