"""Shared fixtures: the reference data folder, small random worlds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import autarky as ak

# tests/ is a package; let its modules import helper modules by bare name (_engine_helpers)
sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AUTARKY_SHARED", REPO.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """Path inside ../shared/data; skips the calling test with a clear reason if absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"reference data not found at {p} (set AUTARKY_SHARED or place "
                    "the shared/ folder beside the repository)")
    return p


def random_world(n: int = 4, j: int = 3, *, io: bool = True, tariffs: bool = True,
                 seed: int = 0) -> ak.World:
    """A small random economy with strong home bias, optional IO links and tariffs."""
    rng = np.random.default_rng(seed)
    flows = rng.uniform(1, 10, (n, n, j))
    flows[np.arange(n), np.arange(n), :] += rng.uniform(40, 80, (n, j))
    t = rng.uniform(0, 0.2, (n, n, j)) if tariffs else None
    if t is not None:
        t[np.arange(n), np.arange(n), :] = 0
    G = None
    if io:
        G = rng.uniform(0, 1, (n, j, j))
        G = G / G.sum(axis=1, keepdims=True) * rng.uniform(0.2, 0.5, (n, 1, j))
    return ak.World.from_arrays(flows, [f"C{i}" for i in range(n)],
                                [f"S{k}" for k in range(j)], tariffs=t, io=G)


@pytest.fixture
def small_world() -> ak.World:
    return random_world()
