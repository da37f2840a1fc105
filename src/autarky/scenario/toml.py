"""Scenarios as TOML: parse a document into components and settings, one line per problem.

The schema is in the docstring of :mod:`autarky.scenario`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from autarky.data.scenario_data import read_text
from autarky.errors import ScenarioError
from autarky.scenario.components import COMPONENTS, Component

_TOP_KEYS = ("name", "description", "assumptions", "sources", "solve", "shock")
MAX_TOML_BYTES = 1 << 20
"""Largest scenario file read (1 MiB; the largest preset is a few kB)."""
MAX_COMPONENTS = 1000
"""Most ``[[shock]]`` tables in one scenario."""
MAX_TEXT = 10_000
"""Longest description, assumption or source, in characters (a name: 200)."""
MAX_NAME = 200
MAX_LIST = 200
"""Most assumptions or sources."""


def _check_info(d: Mapping[str, Any], source: str) -> list[str]:
    """One line per name, description, assumption or source that is too long or too many."""
    problems = []
    for key, limit in (("name", MAX_NAME), ("description", MAX_TEXT)):
        v = d.get(key)
        if isinstance(v, str) and len(v) > limit:
            problems.append(f"{source}: {key}: {len(v):,} characters, more than {limit:,}")
        if key == "name" and isinstance(v, str) and any(
                ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in v):
            problems.append(f"{source}: name {v[:40]!r}: contains a control character")
    for key in ("assumptions", "sources"):
        v = d.get(key)
        if isinstance(v, list):
            if len(v) > MAX_LIST:
                problems.append(f"{source}: {key}: {len(v):,} entries, more than {MAX_LIST}")
            long = [k for k, x in enumerate(v) if isinstance(x, str) and len(x) > MAX_TEXT]
            if long:
                problems.append(f"{source}: {key}[{long[0]}]: {len(v[long[0]]):,} "
                                f"characters, more than {MAX_TEXT:,}")
    return problems



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




def parse(d: Mapping[str, Any], source: str = "scenario",
          ) -> tuple[tuple[Component, ...], dict[str, Any], list[str]]:
    """Components, top-level settings and problems (one line each) of a parsed document."""
    problems: list[str] = _check_info(d, source)
    for key in d:
        if key not in _TOP_KEYS:
            problems.append(f"{source}: unknown key {key!r} = {d[key]!r} "
                            f"(known: {', '.join(_TOP_KEYS)})")
    if "shock" not in d:
        # an empty file (or one with only a name) is a mistake more often than a baseline
        problems.append(f"{source}: no [[shock]] table: the scenario would change nothing "
                        "(write 'shock = []' to solve the baseline itself, or see "
                        "'autarky presets')")
    shocks = d.get("shock", [])
    if isinstance(shocks, Mapping):
        shocks = [shocks]
    if not isinstance(shocks, list):
        problems.append(f"{source}: shock = {shocks!r:.80}: expected [[shock]] tables")
        shocks = []
    if len(shocks) > MAX_COMPONENTS:
        raise ScenarioError(f"{source}: {len(shocks):,} [[shock]] tables, more than "
                            f"{MAX_COMPONENTS:,}")
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
    info = {key: d[key] for key in ("name", "description", "assumptions", "sources")
            if key in d}
    if "solve" in d:
        info["settings"] = d["solve"]
    return tuple(comps), info, problems


def load(path: str | Path | None = None, *, text: str | None = None,
         ) -> tuple[dict[str, Any], str]:
    """The parsed TOML document of a file (or of ``text``) and the name to report it by."""
    if (path is None) == (text is None):
        raise ScenarioError("from_toml: give a path or text=")
    source = "scenario" if path is None else str(path)
    if path is not None:
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = 0  # read_text names the problem
        if size > MAX_TOML_BYTES:
            raise ScenarioError(f"{source}: {size:,} bytes, more than {MAX_TOML_BYTES:,} for a "
                                "scenario file")
    if text is None:
        text = read_text(path)  # type: ignore[arg-type]
    if len(text) > MAX_TOML_BYTES:
        raise ScenarioError(f"{source}: {len(text):,} characters, more than "
                            f"{MAX_TOML_BYTES:,} for a scenario")
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{source}: not valid TOML: {err}") from None
    except RecursionError:
        raise ScenarioError(f"{source}: arrays or tables nested too deeply to be a "
                            "scenario") from None


def dumps(d: Mapping[str, Any]) -> str:
    """TOML text of a scenario dict."""
    import tomli_w

    return tomli_w.dumps(dict(d))
