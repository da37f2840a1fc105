"""``autarky query``: a row limit on the table, every row with --format csv|json or --out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import autarky as ak

from .helpers import error_lines, run_cli


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 72 rows: 6 scenarios x 12 countries."""
    codes = ["DEU", "FRA", "ITA", "ESP", "POL", "NLD", "BEL", "AUT", "SWE", "DNK", "FIN",
             "PRT"]
    rng = np.random.default_rng(3)
    flows = rng.uniform(1, 5, (12, 12)) + np.diag(rng.uniform(50, 100, 12))
    world = ak.World.from_flows(flows, countries=codes)
    scns = {f"a{k}": ak.Scenario.autarky([c]) for k, c in enumerate(world.countries[:6])}
    st = tmp_path_factory.mktemp("q") / "store"
    assert ak.sweep_scenarios(world, scns, 4.0, store=st).solved == 6
    return st


SQL = "SELECT scenario, country, welfare FROM results ORDER BY scenario, country"


def _rows(out: str) -> int:
    return sum(1 for line in out.splitlines() if line.strip().startswith(("│ a", "a")))


def test_table_shows_fifty_rows_and_says_so(store: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store))
    assert code == 0, err
    assert "first 50 of 72 rows" in out and _rows(out) == 50
    assert "showing 50 of 72 rows" in err and "numerics fingerprint" in err
    code, out, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                             "--limit", "5")
    assert code == 0 and _rows(out) == 5 and "showing 5 of 72 rows" in err
    code, out, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                             "--limit", "0")
    assert code == 0 and _rows(out) == 72 and "showing" not in err and "72 rows" in out


def test_every_row_as_csv_json_or_file(store: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                             "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "scenario,country,welfare" and len(out.splitlines()) == 73
    code, out2, _ = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store), "--csv")
    assert out2 == out  # the former flag
    code, js, _ = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                          "--format", "json")
    assert code == 0 and len(json.loads(js)) == 72
    dest = tmp_path / "q.csv"
    code, out3, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                              "--out", str(dest))
    assert code == 0 and out3 == "" and "72 rows" in err
    assert pd.read_csv(dest).shape == (72, 3)
    code, _, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                           "--out", str(dest))
    assert code == 2 and len(error_lines(err)) == 1 and "--overwrite" in err
    code, _, err = run_cli(monkeypatch, capsys, "query", SQL, "--store", str(store),
                           "--limit", "-1")
    assert code == 2 and len(error_lines(err)) == 1 and "--limit" in err
