"""Command line: autarky presets / run / compare (the solve-free parts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", "from autarky.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_presets_lists_every_preset():
    r = cli("presets")
    assert r.returncode == 0, r.stderr
    for name in ("status-quo", "world-autarky", "autarky:ISO", "cis-fta", "eaeu-customs-union",
                 "union-state", "eurasian-macro-state", "two-blocs", "three-blocs",
                 "bloc-choice", "tariff-war", "us-tariffs-2025", "sanctions", "no-tourism"):
        assert name in r.stdout


def test_broken_toml_one_line_exit_2(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('[[shock]]\nkind = "sanction"\nimposers = ["EU27"]\ntarget = "RUS"\n'
                 'tarif = 0.3\n')
    r = cli("run", str(p))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown key 'tarif' = 0.3" in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_preset_exit_2():
    r = cli("run", "no-such-preset")
    assert r.returncode == 2 and "unknown preset 'no-such-preset'" in r.stderr
