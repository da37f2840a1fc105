"""Resolving scenario specs against a World: validation of fields, countries, sectors.

Validation helpers turn user input (TOML values, constructor arguments) into canonical
tuples with one-line :class:`~autarky.errors.ScenarioError` messages; :class:`_Context`
resolves country specs (codes, groups, 'all') and sector specs (codes, classes) against
one World as boolean masks, vectorised over countries and sectors, collecting notes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autarky.data.scenario_data import country_name, group_members, iso3_codes
from autarky.errors import ScenarioError, ScenarioWarning
from autarky.model.options import DEFICITS, UNAVAILABLE

MAX_TARIFF = 10.0
"""Largest tariff a scenario may set (1000 %)."""


# ---------------------------------------------------------------- sector classes

SECTOR_CLASSES = ("goods", "services", "tourism", "energy", "food", "us-reciprocal-2025")
"""Sector classes a scenario may name instead of sector codes; each World says which of its
sectors are in each (:attr:`autarky.World.sector_classes`, from the dataset's manifest
entry). A World without 'tourism' uses 'services' instead, with a note; one without
'us-reciprocal-2025' (the goods sectors that Executive Order 14257 does not exempt) uses
'goods', with a note."""

_SECTOR_WORDS = SECTOR_CLASSES


# ---------------------------------------------------------------- validation helpers

def _codes(name: str, value: Any, *, allow_all: bool = True) -> tuple[str, ...]:
    """Validate a country spec: a code, a group name, 'all', or a list of these."""
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


def _named_countries(codes: Sequence[str]) -> frozenset[str] | None:
    """The countries a validated spec names, groups expanded; None if it says 'all'."""
    if "all" in codes:
        return None
    out: set[str] = set()
    for c in codes:
        members = group_members(c)
        out.update(members if members is not None else (c,))
    return frozenset(out)


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


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{name} = {value!r}: expected a list of strings")
    return tuple(value)


SOLVE_SETTINGS: dict[str, tuple[str, ...]] = {
    "deficits": DEFICITS,
    "unavailable": UNAVAILABLE,
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
        classes = self.world.sector_classes
        if word == "tourism" and "tourism" not in classes and "services" in classes:
            self.note(f"{what}: {self.world.name} does not separate tourism from other "
                      f"services; all services ({', '.join(classes['services'])}) are used, "
                      "which overstates the shock", warn=False)
            word = "services"
        if word == "us-reciprocal-2025" and word not in classes and "goods" in classes:
            self.note(f"{what}: {self.world.name} does not separate the goods that Executive "
                      "Order 14257 exempts (energy, pharmaceuticals, semiconductors, metals "
                      f"and vehicles under Section 232); all goods "
                      f"({', '.join(classes['goods'][:8])}"
                      f"{' ...' if len(classes['goods']) > 8 else ''}) are used, which "
                      "overstates the tariff's coverage", warn=False)
            word = "goods"
        if word not in classes:
            have = ", ".join(sorted(classes)) or "none"
            lack = "'tourism' or 'services'" if word == "tourism" else repr(word)
            raise ScenarioError(f"{what}: sectors = {word!r}: the world {self.world.name!r} "
                                f"has no {lack} sector class (its classes: {have}); list "
                                "its sector codes instead")
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
