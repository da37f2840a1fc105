"""Command line: autarky deps and autarky shortage."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from autarky.cli import app, main

runner = CliRunner()


def test_deps_with_supplier():
    res = runner.invoke(app, ["deps", "--country", "DEU", "--supplier", "RUS", "--top", "3"])
    assert res.exit_code == 0, res.output
    assert "DEU in wiod2013 2011" in res.output
    assert "Exposure of DEU's output to RUS" in res.output
    assert "most dependent sectors" in res.output


def test_shock_table():
    res = runner.invoke(app, ["shortage", "--country", "RUS", "--sector", "c2", "--loss", "0.5",
                              "--top", "3"])
    assert res.exit_code == 0, res.output
    assert "RUS c2: 50% of capacity lost" in res.output
    assert "open trade" in res.output and "autarky" in res.output


@pytest.mark.parametrize("argv, message", [
    (["deps", "--country", "DEU", "--world", "wiod2016"], "has no input-output links"),
    (["deps", "--country", "XXX"], "country 'XXX' is not in wiod2013"),
    (["shortage", "--country", "RUS", "--sector", "zz"], "unknown sector 'zz'"),
    (["shortage", "--country", "RUS", "--loss", "2"], "loss must be between 0 and 1"),
])
def test_bad_input_is_one_line_and_exit_2(monkeypatch, capsys, argv, message):
    monkeypatch.setattr(sys, "argv", ["autarky", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    err = capsys.readouterr().err
    last = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(last) == 1 and message in last[0]
