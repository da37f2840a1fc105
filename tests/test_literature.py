"""Literature comparators: every record is complete and attached to a real preset name."""

from __future__ import annotations

import math

import pytest

from autarky import literature, presets
from autarky.liberation import PRESETS as LIBERATION
from autarky.literature import Comparator

ALL = [(name, c) for name in literature.names() for c in literature.comparators(name)]


def test_names_are_presets() -> None:
    known = set(presets.PRESETS) | set(LIBERATION) | {"nash"}
    assert set(literature.names()) <= known, set(literature.names()) - known


def test_issue_presets_have_comparators() -> None:
    for name in ("two-blocs", "two-blocs-low", "two-blocs-high", "three-blocs",
                 "us-china-2018-19", "sanctions", "tariff-war", "nash", "world-autarky",
                 "union-state", "eaeu-deep-integration", "eurasian-macro-state",
                 "liberation-day", "us-tariffs-2025"):
        assert literature.comparators(name), name


@pytest.mark.parametrize(("name", "c"), ALL, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ALL)])
def test_record_complete(name: str, c: Comparator) -> None:
    for field in ("short", "measure", "unit", "citation", "why", "read_from"):
        assert getattr(c, field).strip(), (name, field)
    assert c.economies and all(e.strip() for e in c.economies)
    assert "(" in c.citation and any(ch.isdigit() for ch in c.citation)  # author (year)
    nums = [c.value] if c.value is not None else [c.low, c.high]
    assert all(x is not None and math.isfinite(x) for x in nums)
    assert c.qualifier in ("", "up to", "more than", "about")


def test_lines_print_number_source_and_why() -> None:
    out = literature.lines("sanctions")
    assert len(out) == 2
    assert out[0].startswith("Flach et al. (2024): -0.3 %")
    assert all("Why it may differ:" in line for line in out)
    # same source and measure, one number per country: one line
    (eaeu, wide) = literature.lines("eaeu-deep-integration")
    assert "BLR +4.8" in eaeu and "KAZ +1.7" in eaeu and "RUS +0.8" in eaeu
    assert "BLR +7.2" in wide


def test_parameterised_and_unknown_names() -> None:
    assert [c.economies for c in literature.comparators("autarky:USA")] == [("USA",)]
    assert literature.comparators("autarky:RUS") == []
    assert literature.comparators("status-quo") == []
    assert literature.lines("no-such-preset") == []


def test_record_needs_one_number_form() -> None:
    base = dict(short="X (2020)", measure="m", unit="%", economies=("USA",),
                citation="X (2020), T.", why="w", read_from="abstract")
    with pytest.raises(ValueError):
        Comparator(**base)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Comparator(**base, value=1.0, low=0.0, high=2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Comparator(**base, low=2.0, high=1.0)  # type: ignore[arg-type]
    assert Comparator(**base, low=-8.0, high=-2.0).number() == "-8 to -2"  # type: ignore[arg-type]


def test_literature_imports_only_errors() -> None:
    import ast
    import inspect
    tree = ast.parse(inspect.getsource(literature))
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in mods if m and m.startswith("autarky")} <= {"autarky.errors"}
