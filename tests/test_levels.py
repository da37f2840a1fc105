"""Batched elasticity draws with draw-independent matrices (issue 31, item 7).

The cost weights of a shock with a few distinct trade-cost changes are products of
draw-independent matrices (``autarky.model.levels``); rows of a batch leave the iteration
once converged. Both must give what one-row solves give, to the solver's tolerance.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import autarky as ak
from autarky.model import levels as lv
from autarky.model.solver import CHECK_FACTOR, WageMap, _routes, levels_apply, solve_hat
from autarky.solve import (
    Batch,
    draw_start,
    economy,
    prepare,
    solve,
    solve_arrays,
    to_shock,
)
from tests.helpers import random_shock, random_world


def _bloc_shock(world: ak.World) -> ak.Shock:
    """Iceberg costs x1.3 between C0-C1 and C2-C4, x1.1 from C5 to everyone: 3 levels."""
    n, j = world.shape
    tau = np.ones((n, n, j))
    a, b = [0, 1], [2, 3, 4]
    tau[np.ix_(a, b)] = tau[np.ix_(b, a)] = 1.3
    tau[:, 5] = 1.1
    tau[5, 5] = 1.0
    return ak.Shock(np.asarray(world.tariffs.values, float).copy(), tau, "two blocs")


def test_level_products_equal_the_dense_cost_weights():
    w = random_world(3, 7, 4)
    econ = economy(w)
    shock = _bloc_shock(w)
    log_kappa, weight, _, inv_tn = _routes(econ, shock.tariffs, shock.tau_hat)[3:]
    theta = np.random.default_rng(1).uniform(1.5, 12.0, size=(5, 4))
    lev = lv.levels(log_kappa, weight, inv_tn, theta)
    assert lev is not None and len(lev.parts.values) == 2  # 0 is the base level
    A = np.where(weight > 0, weight * np.exp(-theta[:, :, None, None] * log_kappa), 0.0)
    e = np.random.default_rng(2).uniform(0.1, 1.0, size=(5, 4, 7))
    np.testing.assert_allclose(lev.dense(), A, rtol=1e-13, atol=0)
    d = np.random.default_rng(4).standard_normal(A.shape)
    np.testing.assert_allclose(lev.times(d.copy()), d * A, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(lev.sums(e), np.matmul(A, e[..., None])[..., 0], rtol=1e-13)
    A_net = A * inv_tn
    np.testing.assert_allclose(lev.sums_net(e), np.matmul(A_net, e[..., None])[..., 0],
                               rtol=1e-13)
    np.testing.assert_allclose(lev.net_left(e), np.matmul(e[..., None, :], A_net)[..., 0, :],
                               rtol=1e-13)
    # one row, or a shock with many distinct changes: the dense path
    assert lv.levels(log_kappa, weight, inv_tn, theta[:1]) is None
    other = random_shock(w, 5)
    assert not levels_apply(econ, other.tariffs, other.tau_hat)
    assert levels_apply(econ, shock.tariffs, shock.tau_hat)


@pytest.mark.parametrize("deficits", ["fixed", "proportional"])
def test_batched_draws_equal_one_row_solves(deficits):
    w = random_world(4, 7, 4)
    econ = economy(w)
    shock = _bloc_shock(w)
    # draws far apart converge after different numbers of iterations: rows leave the
    # batch at different times and must come back in order
    theta = np.random.default_rng(3).uniform(1.5, 15.0, size=(9, 4))
    batch = solve_hat(econ, shock.tariffs, shock.tau_hat, theta, deficits=deficits)
    assert batch.converged.all()
    for r in batch.residuals.values():
        assert r.shape == (9,) and np.all(r <= CHECK_FACTOR * 1e-10)
    for b in range(len(theta)):
        one = solve_hat(econ, shock.tariffs, shock.tau_hat, theta[b], deficits=deficits)
        np.testing.assert_allclose(batch.w_hat[b], one.w_hat[0], rtol=1e-9)
        np.testing.assert_allclose(batch.log_P[b], one.log_P[0], atol=1e-9)
        np.testing.assert_allclose(batch.pi[b], one.pi[0], atol=1e-9)
        np.testing.assert_allclose(batch.X[b], one.X[0], rtol=1e-8)


def test_the_check_of_a_batch_of_draws_sees_a_wrong_solution():
    w = random_world(4, 7, 4)
    econ = economy(w)
    shock = _bloc_shock(w)
    theta = np.random.default_rng(3).uniform(1.5, 15.0, size=(3, 4))
    sol = solve_hat(econ, shock.tariffs, shock.tau_hat, theta, shares=False)
    assert sol.converged.all() and sol.pi.shape == (3, 0, 0, 0)
    g = WageMap(econ, shock.tariffs, shock.tau_hat, theta, deficits="fixed", tol=1e-10,
                memory=6)
    assert g.levels is not None
    g.inner_tol = g.inner_floor
    g(np.log(sol.w_hat))
    at = g.equilibrium(np.log(sol.w_hat), 0, [], 1e-10, shares=False)
    assert max(float(v.max()) for v in g.residuals(at).values()) <= CHECK_FACTOR * 1e-10
    wrong = {"expenditure": replace(at, X=at.X * (1 + 1e-6)),
             "price_index": replace(at, log_P=at.log_P + 1e-6),
             "labour_market": replace(at, w_hat=at.w_hat * (1 + 1e-6))}
    for name, bad in wrong.items():
        assert float(g.residuals(bad)[name].max()) > 1e-8, name


def test_monte_carlo_draws_of_two_blocs_equal_single_solves():
    """icio2023 2022 with IO links, the two-blocs preset: 10 draws batched (levels, rows
    leaving, the median draw's warm start, the final check in parts) against one solve each
    (the engine's solve of the same shock: ``ak.solve`` would calibrate the barrier)."""
    world = ak.load_world("icio2023", year=2022)
    scn = ak.presets.get("two-blocs")
    opts = scn.solve_options()
    thetas, _, _ = ak.draw_elasticities(world, 10, seed=7)
    th = thetas.to_numpy()
    shock = to_shock(world, scn)
    _, econ = prepare(world, shock, opts, [])
    assert levels_apply(econ, shock.tariffs, shock.tau_hat)
    start = draw_start(econ, shock.tariffs, shock.tau_hat, th, opts)
    assert start is not None
    sol = solve_arrays(Batch(econ, shock.tariffs, shock.tau_hat, th, opts, lanes=1,
                             start=start))
    assert sol.converged.all()
    assert max(float(v.max()) for v in sol.residuals.values()) <= CHECK_FACTOR * opts.tol
    for b in (0, 3, 9):
        single = solve(world, scn, elasticities=th[b], options=opts)
        # the solver's tolerance is 1e-10 relative on wages: 1e-8 in percent
        np.testing.assert_allclose(sol.welfare[b], single.welfare.to_numpy(), atol=1e-8)
        np.testing.assert_allclose(sol.w_hat[b], single.w_hat, rtol=1e-9)
