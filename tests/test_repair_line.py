"""Data repairs: the same one line on stderr from every command (issue 32, item 1).

One function (``cli_common.repair_summary``) writes it; every rule is listed in full by
``autarky info WORLD --repairs`` and each repair by ``--verbose``.
"""

from __future__ import annotations

import re

import pytest

from autarky.cli_common import repair_summary
from autarky.errors import RepairWarning

from .helpers import run_cli

LINE = re.compile(r"^note: \d+ data repairs? on (\w+) (\d{4}) \(rules? [A-Z0-9, ]+\); details: "
                  r"autarky info \1 --year \2 --repairs(, --details)? or --verbose$")


def test_the_summary() -> None:
    reps = [RepairWarning("x (rule R2)", cells=["a", "b"]), "y (rule T1, something)"]
    assert repair_summary(reps, "icio2023", 2022, "--details") == (
        "2 data repairs on icio2023 2022 (rules R2, T1); details: autarky info icio2023 "
        "--year 2022 --repairs, --details or --verbose")
    assert repair_summary(reps[:1], None) == ("1 data repair (rule R2); details: --verbose")


@pytest.mark.parametrize("argv", [
    ["run", "autarky:RUS", "--no-range", "--top", "1"],
    ["nash", "--top", "1"],
    ["compare", "autarky:RUS", "autarky:KAZ", "--no-range", "--top", "1"],
    ["info", "--top", "1"],
    ["sectors", "wiod2013"],
    ["deps", "--country", "DEU", "--top", "1"],
    ["shortage", "--country", "RUS", "--top", "1"],
], ids=lambda a: a[0])
def test_every_command_prints_one_repair_line(argv: list[str],
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(monkeypatch, capsys, *argv)
    assert code == 0, err
    notes = [line for line in err.splitlines() if "repair" in line]
    assert len(notes) == 1 and LINE.match(notes[0]), err
    assert "(rule " not in out  # no repair text among the results
    code, out2, err = run_cli(monkeypatch, capsys, *argv, "--verbose")
    n = int(notes[0].split()[1])
    each = [line for line in err.splitlines() if line.startswith("  repair: ")]
    assert code == 0 and len(each) == n and out2 == out
