"""The Scenario: an ordered composition of components, applied to a World as a Shock."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from autarky.errors import ScenarioError, ScenarioWarning
from autarky.model.options import SolveOptions
from autarky.model.shock import Shock
from autarky.scenario import toml
from autarky.scenario.components import (
    Autarky,
    BlocSplit,
    Component,
    CustomsUnion,
    FreeTradeArea,
    Sanction,
    TariffChange,
    TariffSchedule,
    TradeCostChange,
    TradeCostCube,
)
from autarky.scenario.resolve import _Context, _set, _solve_settings, _strings

__all__ = ["Scenario"]


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
    settings: tuple[tuple[str, str], ...] = ()
    """Solver settings the scenario needs (TOML table ``[solve]``): ((key, value), ...)."""

    def __post_init__(self) -> None:
        _set(self, "settings", _solve_settings(self.settings))
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
        settings = (("deficits", "zero"), ("unavailable", "floor")) if sectors is None else ()
        return cls((Autarky(countries, sectors),), settings=settings)  # type: ignore[arg-type]

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
        if hasattr(hat, "dims") and hasattr(hat, "transpose"):  # xarray DataArray
            dims = [d for d in ("importer", "exporter", "sector") if d in hat.dims]
            if set(hat.dims) != set(dims) or dims[:2] != ["importer", "exporter"]:
                raise ScenarioError(f"trade_cost: DataArray dims {tuple(hat.dims)}: expected "
                                    "(importer, exporter[, sector])")
            da = hat.transpose(*dims)
            labels = [tuple(str(v) for v in da[d].values) for d in dims]
            cube = np.asarray(da.values, dtype=float)
        elif hasattr(hat, "index") and hasattr(hat, "items"):  # pandas Series
            idx = hat.index
            if getattr(idx, "nlevels", 1) not in (2, 3):
                raise ScenarioError("trade_cost: Series index must be (importer, exporter"
                                    "[, sector])")
            labels = [tuple(str(v) for v in lev) for lev in idx.levels]
            cube = np.full(tuple(len(x) for x in labels), np.nan)
            cube[tuple(np.asarray(c) for c in idx.codes)] = np.asarray(hat.to_numpy(), float)
        else:
            if countries is None:
                raise ScenarioError("trade_cost: an array needs countries= (and sector_codes=)"
                                    " naming its axes")
            cube = np.asarray(hat, dtype=float)
            labels = [tuple(countries), tuple(countries)]
            if cube.ndim == 3:
                labels.append(tuple(sector_codes) if sector_codes is not None else ("*",))
            want = tuple(len(x) for x in labels)
            if cube.shape != want:
                raise ScenarioError(f"trade_cost: array shape {cube.shape} does not match "
                                    f"{len(countries)} countries x "
                                    f"{want[2] if len(want) == 3 else 1} sectors")
        if cube.ndim == 2:
            cube, labels = cube[:, :, None], [*labels, ("*",)]
        cube = np.where(cube == 1.0, np.nan, cube)  # a hat of one changes nothing
        home = np.equal.outer(np.array(labels[0], dtype=object),
                              np.array(labels[1], dtype=object))
        cube[home] = np.nan
        if np.isnan(cube).all():
            return cls(())
        return cls((TradeCostCube(labels[0], labels[1], labels[2], cube),))

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
            tuple({**dict(self.settings), **dict(other.settings)}.items()),
        )

    def with_info(self, **kwargs: Any) -> Scenario:
        """A copy with name, description, assumptions or sources replaced."""
        d: dict[str, Any] = {"name": self.name, "description": self.description,
             "assumptions": self.assumptions, "sources": self.sources, "settings": self.settings}
        d.update(kwargs)
        return Scenario(self.components, **d)

    def solve_options(self, **overrides: Any) -> SolveOptions:
        """``autarky.SolveOptions`` with the scenario's required settings.

        Keyword arguments override both the defaults and the scenario's settings; None
        values are ignored.
        """
        kw = {**dict(self.settings), **{k: v for k, v in overrides.items() if v is not None}}
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
        if self.settings:
            lines.append("solver settings: " + ", ".join(f"{k} = {v}" for k, v in self.settings))
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
        touched: set[str] = set()  # arrays a component has set cells of
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
                if what == "tariff":
                    conflicts.extend(_embargo_notes(setm, D, own_d, k, labels, ctx))
                if not compose and what in touched:  # cells an earlier component set
                    clash = setm & (own >= 0) & (arr != new)
                    for m in np.unique(own[clash]):
                        cm = clash & (own == m)
                        first = tuple(int(x) for x in np.argwhere(cm)[0])
                        conflicts.append(
                            f"conflict: component {labels[k]} overrides component "
                            f"{labels[m]} on {int(cm.sum())} {what} cells "
                            f"(first: {ctx.cell(*first)}); the later component wins")
                np.copyto(arr, new, where=setm)  # arr[setm] = new[setm], without the gather
                np.copyto(own, np.int32(k), where=setm)
                touched.add(what)
        n = T.shape[0]
        idx = np.arange(n)
        T[idx, idx, :] = world.arrays()["tariffs"][idx, idx, :]
        D[idx, idx, :] = 1.0
        desc = self.summary()
        if conflicts:
            desc += ". " + " ".join(conflicts)
        T.setflags(write=False)  # handed over: the Shock keeps them without a copy
        D.setflags(write=False)
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
        if self.settings:
            d["solve"] = dict(self.settings)
        d["shock"] = [c.to_dict() for c in self.components]
        return d

    def to_toml(self) -> str:
        """The scenario as TOML text (``Scenario.from_toml(text=...)`` reads it back)."""
        return toml.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], source: str = "scenario") -> Scenario:
        """Build from a parsed TOML dict; every problem is reported, one line each."""
        comps, info, problems = toml.parse(d, source)
        scn = None
        try:
            scn = cls(comps, **info)
        except ScenarioError as err:
            problems.append(f"{source}: {err}")
        if problems or scn is None:
            raise ScenarioError("\n".join(problems))
        return scn

    @classmethod
    def from_toml(cls, path: str | Path | None = None, *, text: str | None = None) -> Scenario:
        """Read a scenario from a TOML file (or from ``text``)."""
        d, source = toml.load(path, text=text)
        return cls.from_dict(d, source)


def _embargo_notes(tariff_cells: np.ndarray, D: np.ndarray, own_d: np.ndarray, k: int,
                   labels: Sequence[str], ctx: _Context) -> list[str]:
    """Notes for tariffs that component ``k`` sets on routes an earlier one closed.

    A tariff and an embargo live in different arrays (tariffs, trade costs), so a later
    tariff does not lift an earlier embargo: trade on those routes stays zero, and the
    result must say so rather than imply the tariff applies.
    """
    blocked = tariff_cells & np.isinf(D) & (own_d >= 0)
    out = []
    for m in np.unique(own_d[blocked]):
        cm = blocked & (own_d == m)
        first = tuple(int(x) for x in np.argwhere(cm)[0])
        out.append(f"conflict: component {labels[k]} sets tariffs on {int(cm.sum())} cells "
                   f"that component {labels[m]} closed with prohibitive trade costs (first: "
                   f"{ctx.cell(*first)}); the embargo stays in force there and their trade "
                   "stays zero (a tariff does not reopen a route)")
    return out
