"""Shock components: frozen dataclasses that validate themselves and set cells of a World.

Each kind (see :mod:`autarky.scenario`) has ``layer(ctx, tariffs_now)``, which returns
the tariff and trade-cost cells it sets (NaN where it leaves a cell alone), and
``describe()``. :data:`COMPONENTS` is the registry of kinds (TOML ``kind`` -> class).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, ClassVar, Literal

import numpy as np

from autarky.data.scenario_data import iso3_codes
from autarky.errors import ScenarioError
from autarky.scenario.resolve import (
    MAX_TARIFF,
    _choice,
    _codes,
    _Context,
    _fmt_codes,
    _hat,
    _Layer,
    _named_countries,
    _number,
    _sectors,
    _set,
)

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
        named = _named_countries(self.members)
        if named is not None and len(named) < 2:
            raise ScenarioError(f"members = {list(self.members)!r}: a bloc needs at least two "
                                "members (a bloc of one changes nothing)")
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
        both = [c for c in self.imposers if c in self.target]
        imposing = _named_countries(self.imposers)
        if both or (imposing is not None and imposing <= (_named_countries(self.target)
                                                          or frozenset())):
            who = ", ".join(both) if both else _fmt_codes(self.imposers)
            raise ScenarioError(f"{who} would sanction itself (imposers = "
                                f"{list(self.imposers)!r}, target = {list(self.target)!r}); "
                                "a country cannot sanction itself")
        targets = _named_countries(self.target)
        own = sorted(imposing & targets) if imposing is not None and targets else []
        if own and imposing is not None:
            raise ScenarioError(
                f"imposers {_fmt_codes(self.imposers)} include the target "
                f"{', '.join(own)}: a group cannot sanction its own member (name the other "
                f"members: imposers = {sorted(imposing - set(own))!r})")
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
        cells = tuple(self.cells)
        if not cells:
            raise ScenarioError("cells = []: no cells given")
        plain = True
        for k, c in enumerate(cells):
            if not isinstance(c, (tuple, list)) or len(c) != 4:
                raise ScenarioError(f"cells[{k}] = {c!r}: expected [importer, exporter, "
                                    "sector or '*', hat]")
            if not (type(c[0]) is str and type(c[1]) is str and type(c[2]) is str and c[2]
                    and isinstance(c[3], (int, float)) and not isinstance(c[3], bool)):
                plain = False
        if not plain:  # unusual values: validate cell by cell, for the exact message
            _set(self, "cells", tuple(self._check(k, c) for k, c in enumerate(cells)))
            return
        # the usual case (possibly every cell of a World): validate each distinct code once
        first: dict[tuple[int, str], int] = {}
        for k, c in enumerate(cells):
            first.setdefault((0, c[0]), k)
            first.setdefault((1, c[1]), k)
        canon = {}
        for (axis, code), k in first.items():
            name = f"cells[{k}].{'importer' if axis == 0 else 'exporter'}"
            canon[axis, code] = _codes(name, code, allow_all=False)[0]
        hats = np.fromiter((c[3] for c in cells), float, len(cells))
        bad = np.isnan(hats) | (hats <= 0)
        if bad.any():
            k = int(np.argmax(bad))
            _hat(f"cells[{k}].hat", cells[k][3])
        _set(self, "cells", tuple(zip((canon[0, c[0]] for c in cells),
                                      (canon[1, c[1]] for c in cells),
                                      (c[2] for c in cells), hats.tolist(), strict=True)))

    @staticmethod
    def _check(k: int, c: Sequence[Any]) -> tuple[str, str, str, float]:
        n = _codes(f"cells[{k}].importer", c[0], allow_all=False)
        i = _codes(f"cells[{k}].exporter", c[1], allow_all=False)
        if len(n) != 1 or len(i) != 1:
            raise ScenarioError(f"cells[{k}] = {c!r}: expected single country codes")
        if not isinstance(c[2], str) or not c[2]:
            raise ScenarioError(f"cells[{k}].sector = {c[2]!r}: expected a sector or '*'")
        return (n[0], i[0], c[2], _hat(f"cells[{k}].hat", c[3]))

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World (vectorised over cells).

        Each distinct country and sector spec is resolved once; a cell naming a group
        covers every international pair of its members. Within the component a later cell
        wins over an earlier one.
        """
        L = ctx.empty()
        what = "trade-cost cells"
        imp, exp, sec, hat = self._columns
        uc, inv = np.unique(np.concatenate([imp, exp]), return_inverse=True)
        masks = np.array([ctx.mask((str(c),), what) for c in uc]).reshape(len(uc), ctx.N)
        size = masks.sum(axis=1)
        us, sinv = np.unique(sec, return_inverse=True)
        smask = np.array([ctx.sector_mask(None if s == "*" else (str(s),), what)
                          for s in us]).reshape(len(us), ctx.J)
        ci, ce = inv[:len(imp)], inv[len(imp):]
        present = np.array([c in ctx.index for c in uc], dtype=bool)
        home = (imp == exp) & present[ci]
        if home.any():
            raise ScenarioError(f"trade-cost cells: importer = exporter = "
                                f"{str(imp[int(np.argmax(home))])!r}: domestic trade costs "
                                "cannot change")
        if (size > 1).any():  # groups: cell by cell over their members
            for k in range(len(imp)):
                cells = ctx.pairs(masks[ci[k]], masks[ce[k]], smask[sinv[k]])
                L.tau_hat[cells] = hat[k]
            return L
        n = np.where(size[ci] == 1, np.argmax(masks, axis=1)[ci], -1)
        i = np.where(size[ce] == 1, np.argmax(masks, axis=1)[ce], -1)
        cell, j = np.nonzero(smask[sinv] & ((n >= 0) & (i >= 0) & (n != i))[:, None])
        L.tau_hat[n[cell], i[cell], j] = hat[cell]  # repeated cells: the last one is kept
        return L

    @cached_property
    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(importers, exporters, sectors, hats) as arrays, one entry per cell."""
        imp, exp, sec, hat = zip(*self.cells, strict=True)
        return (np.array(imp, dtype=object), np.array(exp, dtype=object),
                np.array(sec, dtype=object), np.array(hat, dtype=float))

    def describe(self) -> str:
        """One line in words."""
        return f"iceberg trade-cost changes on {len(self.cells)} given cells"


@dataclass(frozen=True, eq=False)
class TradeCostCube(Component):
    """Iceberg trade-cost changes as a labelled cube: a hat per (importer, exporter, sector).

    What :meth:`Scenario.trade_cost` makes of a Series, DataArray or array (e.g. cost
    changes estimated by gravity): ``hat[a, b, s]`` for ``importers[a]``,
    ``exporters[b]`` and ``sectors[s]`` (``("*",)``: every sector); NaN leaves a cell
    alone. Applied in one vectorised step, however many cells it sets. Labels are single
    country codes; those a World does not have are left out with a note.
    """

    importers: tuple[str, ...] = ()
    exporters: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ("*",)
    hat: Any = None
    kind: ClassVar[str] = "trade-cost-cube"
    required: ClassVar[tuple[str, ...]] = ("importers", "exporters", "hat")

    def __post_init__(self) -> None:
        for name in ("importers", "exporters"):
            codes = _codes(name, getattr(self, name), allow_all=False)
            groups = [c for c in codes if c != "ROW" and c not in iso3_codes()]
            if groups:
                raise ScenarioError(f"{name} = {groups[0]!r}: expected single country codes, "
                                    "not a group")
            _set(self, name, codes)
        secs = _sectors("sectors", self.sectors)
        _set(self, "sectors", ("*",) if secs is None else secs)
        try:
            h = np.array(self.hat, dtype=float)
        except (TypeError, ValueError):
            raise ScenarioError(f"hat = {self.hat!r}: expected numbers") from None
        shape = (len(self.importers), len(self.exporters), len(self.sectors))
        if h.shape != shape:
            raise ScenarioError(f"hat: shape {h.shape} does not match importers x exporters x "
                                f"sectors {shape}")
        bad = h <= 0
        if bad.any():
            a, b, c = np.argwhere(bad)[0]
            raise ScenarioError(f"hat[{self.importers[a]}, {self.exporters[b]}, "
                                f"{self.sectors[c]}] = {h[a, b, c]!r}: out of range (0, inf]")
        home = np.equal.outer(np.array(self.importers, dtype=object),
                              np.array(self.exporters, dtype=object))
        moved = home[:, :, None] & ~np.isnan(h) & (h != 1.0)
        if moved.any():
            a = int(np.argwhere(moved)[0][0])
            raise ScenarioError(f"trade-cost cube: importer = exporter = "
                                f"{self.importers[a]!r}: domestic trade costs cannot change")
        h.setflags(write=False)
        _set(self, "hat", h)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TradeCostCube) and self.importers == other.importers
                and self.exporters == other.exporters and self.sectors == other.sectors
                and np.array_equal(self.hat, other.hat, equal_nan=True))

    __hash__ = None  # type: ignore[assignment]

    @property
    def cells(self) -> int:
        """Number of cells set (not NaN)."""
        return int(np.count_nonzero(~np.isnan(self.hat)))

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table (``hat`` as nested lists; ``nan``: cell left alone)."""
        out: dict[str, Any] = {"kind": self.kind, "importers": list(self.importers),
                               "exporters": list(self.exporters), "hat": self.hat.tolist()}
        if self.sectors != ("*",):
            out["sectors"] = list(self.sectors)
        return out

    def layer(self, ctx: _Context, tariffs_now: np.ndarray) -> _Layer:
        """The cells this component sets in a World, in one vectorised assignment."""
        L = ctx.empty()
        what = "trade-cost cube"
        ctx.mask(tuple(dict.fromkeys(self.importers + self.exporters)), what)  # notes
        n = np.array([ctx.index.get(c, -1) for c in self.importers], dtype=int)
        i = np.array([ctx.index.get(c, -1) for c in self.exporters], dtype=int)
        if self.sectors == ("*",):
            smask = np.ones((1, ctx.J), dtype=bool)
        else:
            smask = np.array([ctx.sector_mask((s,), what) for s in self.sectors])
        a, b = np.flatnonzero(n >= 0), np.flatnonzero(i >= 0)
        h = self.hat[np.ix_(a, b)]  # (A, B, S)
        # each sector takes the hat of the last label that covers it
        owner = np.where(smask.any(axis=0), smask.shape[0] - 1 - np.argmax(smask[::-1], axis=0),
                         -1)
        js = np.flatnonzero(owner >= 0)
        vals = h[:, :, owner[js]]  # (A, B, len(js))
        vals = np.where((n[a][:, None] == i[b][None, :])[:, :, None], np.nan, vals)
        L.tau_hat[np.ix_(n[a], i[b], js)] = vals
        return L

    def describe(self) -> str:
        """One line in words."""
        return f"iceberg trade-cost changes on {self.cells} cells of a given cube"


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
                        TariffSchedule, TradeCostChange, TradeCostCells, TradeCostCube,
                        BlocSplit)
}
"""Registry: TOML ``kind`` -> component class."""
