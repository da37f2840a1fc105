"""``autarky gravity estimate|simulate`` and its one-line errors (in process)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from .helpers import run_cli as run
from .test_gravity import _panel

warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyfixest")


@pytest.fixture
def panel_csv(tmp_path):  # type: ignore[no-untyped-def]
    p = tmp_path / "panel.csv"
    _panel(6).to_csv(p, index=False)
    return p


F = "trade ~ ln_dist + fta + intl"


def test_estimate_prints_table(monkeypatch, capsys, panel_csv) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(monkeypatch, capsys, "gravity", "estimate", str(panel_csv),
                         "--formula", F, "--year-column", "none")
    assert code == 0, err
    assert "ln_dist" in out and "clustered by pair" in out


def test_simulate_writes_table(monkeypatch, capsys, panel_csv, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dest = tmp_path / "ge.csv"
    code, out, err = run(monkeypatch, capsys, "gravity", "simulate", str(panel_csv),
                         "--formula", F, "--year-column", "none", "--set", "fta=0",
                         "--between", "AUT,BEL", "--reference", "DEU", "--out", str(dest))
    assert code == 0, err
    t = pd.read_csv(dest, index_col=0)
    assert t.loc["DEU", "IMR_FULL"] == pytest.approx(1.0)
    assert t.loc["AUT", "Xi_FULL_pct"] < 0 and "real GDP" in out


@pytest.mark.parametrize(("edit", "msg"), [
    (lambda p: p.drop(columns="fta"), "column 'fta' missing"),
    (lambda p: p.astype({"ln_dist": object}).assign(
        ln_dist=lambda d: d["ln_dist"].where(d.index != 4, "far")), "column 'ln_dist' row 5"),
    (lambda p: p.assign(trade=0.0), "column 'trade': every flow is zero"),
    (lambda p: p.assign(trade=p["trade"].where(p.index != 2, -3.0)), "column 'trade' row 3"),
])
def test_broken_panel_one_line_exit_2(monkeypatch, capsys, tmp_path, edit, msg) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "bad.csv"
    edit(_panel(6)).to_csv(p, index=False)
    code, _, err = run(monkeypatch, capsys, "gravity", "estimate", str(p), "--formula", F,
                       "--year-column", "none")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and msg in lines[0], err


def test_bad_set_one_line(monkeypatch, capsys, panel_csv) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(monkeypatch, capsys, "gravity", "simulate", str(panel_csv),
                       "--formula", F, "--year-column", "none", "--set", "fta")
    assert code == 2 and "VARIABLE=NUMBER" in err
