"""scripts/readme_numbers.py: the README's computed numbers are regenerated, and checked."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import REPO

SCRIPT = REPO / "scripts" / "readme_numbers.py"


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("readme_numbers", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_marked_block_has_its_function_and_back() -> None:
    rn = _module()
    marked = [m["name"] for m in rn.BLOCK.finditer((REPO / "README.md").read_text())]
    assert sorted(set(marked)) == sorted(rn.BLOCKS) and len(marked) == len(set(marked))


def test_rounding_noise_is_not_stale_but_a_changed_number_is() -> None:
    rn = _module()
    assert rn.same("BLR -0.137%, KAZ +8.1%", "BLR -0.136%, KAZ +8.1%")
    assert not rn.same("BLR -0.137%", "BLR -0.139%")
    assert not rn.same("BLR +27.7%", "BLR +24.3%")
    assert not rn.same("BLR +1.0%", "KAZ +1.0%")
    assert rn.stale_numbers("BLR +27.7%, KAZ +15.3%", "BLR +24.3%, KAZ +15.3%") == [
        "+27.7 -> +24.3"]


def test_check_names_a_stale_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A README whose travel share was edited by hand: --check exits 1 naming it; a run
    without --check writes the computed number back."""
    rn = _module()
    text = (REPO / "README.md").read_text()
    m = next(m for m in rn.BLOCK.finditer(text) if m["name"] == "travel-share")
    edited = tmp_path / "README.md"
    edited.write_text(text[:m.start("body")] + "9.9%" + text[m.end("body"):])
    assert rn.main(["--check", "--readme", str(edited), "--only", "travel-share"]) == 1
    out = capsys.readouterr().out
    assert "stale: travel-share: 9.9 -> " in out
    assert rn.main(["--readme", str(edited), "--only", "travel-share"]) == 0
    assert rn.main(["--check", "--readme", str(edited), "--only", "travel-share"]) == 0
    assert edited.read_text() == text


@pytest.mark.slow
def test_readme_numbers_are_current() -> None:
    """Every block of the README equals what the code computes today (CI runs this)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    r = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                       text=True, env=env, cwd=REPO, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert " 0 stale numbers" in r.stdout
