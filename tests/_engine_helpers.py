"""Small random economies for the engine tests (not a test module)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import autarky as ak


def shared_data() -> Path:
    """The reference data folder: $AUTARKY_SHARED or ../shared/data next to the repo."""
    env = os.environ.get("AUTARKY_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def random_world(seed: int, n: int = 4, j: int = 3, io: bool = True, tariffs: bool = True,
                 balanced: bool = False, scale: float = 1.0) -> ak.World:
    """A random consistent World: dense positive flows, optional IO links and tariffs."""
    rng = np.random.default_rng(seed)
    flows = rng.uniform(0.2, 2.0, size=(n, n, j))
    flows[np.arange(n), np.arange(n), :] += rng.uniform(3.0, 8.0, size=(n, j))
    if balanced:  # symmetric flows: every country's imports equal its exports
        flows = 0.5 * (flows + flows.transpose(1, 0, 2))
    t = rng.uniform(0.0, 0.2, size=(n, n, j)) if tariffs else np.zeros((n, n, j))
    t[np.arange(n), np.arange(n), :] = 0.0
    G = None
    if io:
        G = rng.uniform(0.0, 1.0, size=(n, j, j))
        G = G / G.sum(axis=1, keepdims=True) * rng.uniform(0.1, 0.5, size=(n, 1, j))
    return ak.World.from_arrays(flows * scale, [f"C{k}" for k in range(n)],
                                [f"s{k}" for k in range(j)], tariffs=t, io=G)


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
