"""What the tests share (not a test module): the reference data, small worlds, the CLI.

* :func:`shared_path` — the one way to locate ``../shared/data`` ($AUTARKY_SHARED or beside
  the repository); a test that needs an absent file is skipped with the reason;
* :func:`random_world` — the one random economy (its seed first);
* :func:`cli` — the one way to run the command line: a fresh process, as a user would,
  with its exit code and stdout/stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autarky as ak

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AUTARKY_SHARED", REPO.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """Path inside ../shared/data; skips the calling test with a clear reason if absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"reference data not found at {p} (set AUTARKY_SHARED or place "
                    "the shared/ folder beside the repository)")
    return p


def random_world(seed: int = 0, n: int = 4, j: int = 3, *, io: bool = True,
                 tariffs: bool = True, balanced: bool = False, scale: float = 1.0) -> ak.World:
    """A random consistent World: dense positive flows with home bias, optional IO links
    and tariffs; countries ``C0..``, sectors ``s0..``."""
    rng = np.random.default_rng(seed)
    flows = rng.uniform(0.2, 2.0, size=(n, n, j))
    flows[np.arange(n), np.arange(n), :] += rng.uniform(3.0, 8.0, size=(n, j))
    if balanced:  # symmetric flows: every country's imports equal its exports
        flows = 0.5 * (flows + flows.transpose(1, 0, 2))
    t = rng.uniform(0.0, 0.2, size=(n, n, j)) if tariffs else np.zeros((n, n, j))
    t[np.arange(n), np.arange(n), :] = 0.0
    coef = None
    if io:
        coef = rng.uniform(0.0, 1.0, size=(n, j, j))
        coef = coef / coef.sum(axis=1, keepdims=True) * rng.uniform(0.1, 0.5, size=(n, 1, j))
    names, sectors = [f"C{k}" for k in range(n)], [f"s{k}" for k in range(j)]
    # a few draws (35 of seeds 0-10,000 at 4 x 3) use more of a good as input than its
    # absorption, which a World refuses: those get the same coefficients halved, so every
    # seed gives a valid economy and all other seeds keep their world
    for shrink in (1.0, 0.5, 0.25):
        try:
            return ak.World.from_arrays(flows * scale, names, sectors, tariffs=t,
                                        io=None if coef is None else coef * shrink)
        except ak.DataError:
            if coef is None or shrink == 0.25:
                raise
    raise AssertionError("unreachable")


def autarky_shock(world: ak.World) -> ak.Shock:
    """Prohibitive costs on every international route, tariffs removed."""
    n, j = world.shape
    tau = np.full((n, n, j), np.inf)
    tau[np.arange(n), np.arange(n), :] = 1.0
    return ak.Shock(np.zeros((n, n, j)), tau, "world autarky")


def random_shock(world: ak.World, seed: int) -> ak.Shock:
    """Random iceberg changes and new tariffs."""
    rng = np.random.default_rng(seed)
    n, j = world.shape
    tau = rng.uniform(0.7, 1.4, size=(n, n, j))
    tau[np.arange(n), np.arange(n), :] = 1.0
    t = rng.uniform(0.0, 0.3, size=(n, n, j))
    t[np.arange(n), np.arange(n), :] = 0.0
    return ak.Shock(t, tau, "random")


def cli(*args: str, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``autarky ARGS`` in a fresh process (this checkout's src first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", "from autarky.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=cwd)


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process at 200 columns; return (exit code, stdout, stderr)."""
    from autarky.cli import main

    monkeypatch.setattr(sys, "argv", ["autarky", *argv])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


def error_lines(err: str) -> list[str]:
    """The error lines of stderr: not the one-line data-repair note nor the convergence line."""
    return [line for line in err.splitlines() if line.strip()
            and not line.startswith(("note:", "converged in"))]
