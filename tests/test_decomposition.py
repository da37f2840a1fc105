"""The first-order decomposition with the iceberg trade-cost term agrees with the exact
welfare change for small shocks (issue 17, item 8)."""

from __future__ import annotations

import numpy as np
import pytest

import autarky as ak
from tests.helpers import random_world


def small_shock(world: ak.World, seed: int, eps: float) -> ak.Shock:
    """Iceberg changes of at most ``eps`` (log) and tariff changes of at most ``eps``."""
    rng = np.random.default_rng(seed)
    n, j = world.shape
    tau = np.exp(eps * rng.uniform(-1.0, 1.0, size=(n, n, j)))
    tau[np.arange(n), np.arange(n), :] = 1.0
    t = np.clip(world.tariffs.values + eps * rng.uniform(-1.0, 1.0, size=(n, n, j)), 0, None)
    t[np.arange(n), np.arange(n), :] = 0.0
    return ak.Shock(t, tau, "small random")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("deficits", ["fixed", "zero"])
def test_first_order_total_matches_exact_change_for_small_shocks(seed, deficits):
    w = random_world(100 + seed, 5, 3, io=True)
    res = ak.solve(w, small_shock(w, 200 + seed, 1e-3), elasticities=[3.0, 5.0, 8.0],
                   options=ak.SolveOptions(deficits=deficits))
    d = res.decomposition
    exact = res.welfare.to_numpy()
    total = d["total"].to_numpy()
    np.testing.assert_allclose(total, d[["terms_of_trade", "volume_of_trade",
                                         "trade_costs"]].sum(axis=1), atol=1e-12)
    assert np.abs(d["trade_costs"]).max() > 0
    # first order: the gap is second order in the shock, far below the change itself
    scale = np.abs(exact).max()
    assert np.abs(total - exact).max() < 0.05 * scale
    big = np.abs(exact) > 0.1 * scale
    assert big.any()
    np.testing.assert_array_equal(np.sign(total[big]), np.sign(exact[big]))


def test_iceberg_only_shock_is_carried_by_the_trade_cost_term():
    """Iceberg-only shock: ToT + VoT alone miss the direct cost; with it the total is close."""
    w = random_world(7, 4, 2, io=False)
    n, j = w.shape
    tau = np.full((n, n, j), 1.002)
    tau[np.arange(n), np.arange(n), :] = 1.0
    res = ak.solve(w, ak.Shock(w.tariffs.values, tau, "costs up"), elasticities=5.0)
    d = res.decomposition
    assert (res.welfare < 0).all()
    assert (d["trade_costs"] < 0).all()
    np.testing.assert_allclose(d["total"], res.welfare, atol=0.05 * res.welfare.abs().max())


def test_tariff_only_shock_has_no_trade_cost_term_and_all_terms_export(tmp_path):
    w = random_world(3, 3, 2, io=True)
    n, j = w.shape
    t = w.tariffs.values + 0.05
    t[np.arange(n), np.arange(n), :] = 0.0
    res = ak.solve(w, ak.Shock(t, np.ones((n, n, j)), "tariffs"), elasticities=4.0)
    assert np.abs(res.decomposition["trade_costs"]).max() == 0.0
    frame = res.to_frame()
    for v in ("terms_of_trade", "volume_of_trade", "trade_costs", "decomposition_total"):
        assert v in set(frame["variable"])
    ds = res.to_dataset()
    for v in ("terms_of_trade", "volume_of_trade", "trade_costs", "decomposition_total"):
        assert v in ds
    from autarky.outcomes import headline
    h = headline(res)
    assert {"trade_costs_pct", "decomposition_total_pct"} <= set(h.columns)


def test_prohibitive_costs_give_a_finite_trade_cost_term():
    from tests.helpers import autarky_shock
    w = random_world(4, 3, 2, io=True)
    res = ak.solve(w, autarky_shock(w), elasticities=4.0)
    d = res.decomposition
    assert np.isfinite(d.to_numpy()).all()
    assert (d["trade_costs"] < 0).all()
