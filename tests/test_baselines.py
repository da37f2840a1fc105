"""Baselines you can trust (issue 27): repairs as one summary line and listed in full, value
added against GDP (rule R4), every economy in world194, entrepôts, tariff rule T1's floor."""

from __future__ import annotations

import warnings

import autarky as ak
from autarky.errors import RepairWarning

from .helpers import cli


def _repairs(name: str, year: int | None = None) -> tuple[ak.World, list[RepairWarning]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RepairWarning)
        w = ak.load_world(name, year=year)
    return w, [c.message for c in caught if isinstance(c.message, RepairWarning)]


def test_repair_warning_carries_rule_and_cells():
    _, reps = _repairs("icio2023", 2022)
    rules = {r.rule for r in reps}
    assert {"T1", "R2", "R3"} <= rules
    t1 = next(r for r in reps if r.rule == "T1")
    # one label per repaired tariff cell: importer, sector, partner, before -> after
    assert any(c.startswith("USA C10T12 from ") for c in t1.cells)
    assert len(t1.cells) == int(str(t1).split(": ")[1].split()[0])


def test_repairs_print_one_summary_line_on_stderr():
    r = cli("info", "icio2023", "--top", "1")
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(notes) == 1, r.stderr
    assert notes[0].startswith("note: icio2023 2022: ") and "--repairs lists them" in notes[0]
    assert "rule R" not in r.stdout  # the repair sentences are not repeated before the result


def test_info_repairs_lists_every_cell():
    r = cli("info", "icio2023", "--repairs")
    assert r.returncode == 0, r.stderr
    _, reps = _repairs("icio2023", 2022)
    for rep in reps:
        assert f"rule {rep.rule} ({len(rep.cells):,} cells)" in r.stdout
    t1 = next(rep for rep in reps if rep.rule == "T1")
    assert f"  T1  {t1.cells[-1]}" in r.stdout
