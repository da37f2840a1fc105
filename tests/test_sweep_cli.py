"""Command line: run --draws (band beside each headline, stored and reused) and query."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")


def cli(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "200", "AUTARKY_STORE": str(store)}
    return subprocess.run([sys.executable, "-c", "from autarky.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_run_draws_band_store_and_query(tmp_path):
    store = tmp_path / "store"
    r = cli("run", "two-blocs", "--draws", "12", "--top", "5", store=store)
    assert r.returncode == 0, r.stderr
    assert "90% band" in r.stdout and "12 solved, 0 reused" in r.stdout
    assert "━" not in r.stderr  # no progress bar when not a terminal
    again = cli("run", "two-blocs", "--draws", "12", "--top", "5", store=store)
    assert "0 solved, 12 reused" in again.stdout
    q = cli("query", "SELECT count(DISTINCT key) AS n, count(*) AS rows FROM results", "--csv",
            store=store)
    assert q.returncode == 0, q.stderr
    assert q.stdout.splitlines()[1] == "12,972"  # 12 draws x 81 countries
    bad = cli("query", "SELECT nope FROM results", store=store)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    empty = cli("query", "SELECT 1", store=tmp_path / "none")
    assert empty.returncode == 2 and "no results stored yet" in empty.stderr
