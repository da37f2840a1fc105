"""Rows that differ from one shock in one country's row and column (issue 31, item 4).

``autarky.model.patched``: the solver builds the reference shock's arrays once and each
row adds its own country's row and column. Products and solutions must equal the dense
path's (every row's arrays built in full) to rounding and to the solver's tolerance; where
the form does not apply (elasticities differ across rows, a country closed off) the solver
falls back to the dense arrays.
"""

from __future__ import annotations

import numpy as np
import pytest

from autarky.model import patched as pt
from autarky.model.solver import WageMap, _routes, solve_hat
from autarky.solve import economy
from tests.helpers import random_shock, random_world


def _rows(world, seed: int = 3, closed: bool = False) -> tuple[np.ndarray, pt.RowShocks]:
    """Tariffs and 5 rows: row b changes country who[b]'s imports and exports (row 0 none)."""
    shock = random_shock(world, seed)
    rng = np.random.default_rng(seed + 1)
    n, j = world.shape
    who = np.array([0, 2, 5, 2, 6])
    rows = shock.tau_hat[who] * rng.uniform(0.8, 1.5, size=(len(who), n, j))
    cols = np.swapaxes(shock.tau_hat[:, who], 0, 1) * rng.uniform(0.8, 1.5, (len(who), n, j))
    rows[0], cols[0] = shock.tau_hat[0], shock.tau_hat[:, 0]  # the reference itself
    if closed:  # row 3 closes country 2 off: every foreign route in and out
        rows[3] = np.inf
        cols[3] = np.inf
        rows[3, 2] = cols[3, 2] = 1.0
    return shock.tariffs, pt.RowShocks(shock.tau_hat, who, rows, cols)


def test_row_shocks_dense_is_the_reference_with_each_rows_row_and_column():
    w = random_world(1, 7, 3)
    _, shocks = _rows(w)
    H = shocks.dense()
    assert H.shape == shocks.shape == (5, 7, 7, 3)
    for b, s in enumerate(shocks.who):
        np.testing.assert_array_equal(H[b, s], shocks.rows[b])
        other = np.arange(7) != s
        np.testing.assert_array_equal(H[b, other, s], shocks.cols[b, other])
        keep = np.ones((7, 7), dtype=bool)
        keep[s, :] = keep[:, s] = False
        np.testing.assert_array_equal(H[b][keep], shocks.reference[keep])


def test_patched_products_equal_the_dense_cost_weights():
    w = random_world(2, 7, 3)
    econ = economy(w)
    tariffs, shocks = _rows(w)
    theta = np.broadcast_to(np.array([3.0, 6.0, 9.0]), (5, 3)).copy()
    p = pt.patched(econ, tariffs, shocks, theta, _routes)
    assert p is not None
    log_kappa, weight, _, inv_tn = _routes(econ, np.broadcast_to(tariffs, shocks.shape),
                                           shocks.dense())[3:]
    A = np.where(weight > 0, weight * np.exp(-theta[:, :, None, None] * log_kappa), 0.0)
    np.testing.assert_allclose(p.dense(), A, rtol=1e-14, atol=0)
    e = np.random.default_rng(5).uniform(0.1, 1.0, size=(5, 3, 7))
    np.testing.assert_allclose(p.sums(e), np.matmul(A, e[..., None])[..., 0], rtol=1e-13)
    A_net = A * inv_tn
    np.testing.assert_allclose(p.sums_net(e), np.matmul(A_net, e[..., None])[..., 0],
                               rtol=1e-13)
    np.testing.assert_allclose(p.net_left(e), np.matmul(e[..., None, :], A_net)[..., 0, :],
                               rtol=1e-13)
    d = np.random.default_rng(6).standard_normal(A.shape)
    np.testing.assert_allclose(p.times(d.copy()), d * A, rtol=1e-13, atol=1e-300)
    sub = np.array([4, 1])
    np.testing.assert_allclose(p.take(sub).sums(e[sub]), np.matmul(A[sub], e[sub, ..., None])
                               [..., 0], rtol=1e-13)


@pytest.mark.parametrize("io", [False, True])
@pytest.mark.parametrize("deficits", ["fixed", "proportional"])
def test_patched_solve_equals_the_dense_solve(io, deficits):
    w = random_world(4, 8, 3, io=io)
    econ = economy(w)
    tariffs, shocks = _rows(w)
    theta = np.array([4.0, 7.0, 5.0])
    g = WageMap(econ, tariffs, shocks, np.broadcast_to(theta, (5, 3)).copy(),
                deficits=deficits, tol=1e-12, memory=6)
    assert isinstance(g.levels, pt.Patched)
    fast = solve_hat(econ, tariffs, shocks, theta, deficits=deficits, tol=1e-12,
                     shares=False)
    plain = solve_hat(econ, np.broadcast_to(tariffs, shocks.shape), shocks.dense(), theta,
                      deficits=deficits, tol=1e-12)
    assert fast.converged.all() and plain.converged.all()
    np.testing.assert_allclose(fast.w_hat, plain.w_hat, rtol=1e-10)
    np.testing.assert_allclose(fast.log_P, plain.log_P, atol=1e-10)
    np.testing.assert_allclose(fast.income, plain.income, rtol=1e-10)
    assert set(fast.residuals) == set(plain.residuals)
    with_shares = solve_hat(econ, tariffs, shocks, theta, deficits=deficits, tol=1e-12)
    np.testing.assert_allclose(with_shares.pi, plain.pi, atol=1e-10)


def test_patched_form_falls_back_where_it_does_not_apply():
    w = random_world(5, 7, 3)
    econ = economy(w)
    tariffs, shocks = _rows(w)
    theta = np.random.default_rng(7).uniform(2.0, 9.0, size=(5, 3))  # one per row
    g = WageMap(econ, tariffs, shocks, theta, deficits="fixed", tol=1e-10, memory=6)
    assert g.levels is None and g.tau_hat.shape == shocks.shape  # dense arrays
    fast = solve_hat(econ, tariffs, shocks, theta)
    plain = solve_hat(econ, np.broadcast_to(tariffs, shocks.shape), shocks.dense(), theta)
    np.testing.assert_allclose(fast.w_hat, plain.w_hat, rtol=1e-12)
    # a row that closes a country off: its deficit rule needs the dense path
    tariffs, closing = _rows(w, closed=True)
    assert pt.patched(econ, tariffs, closing, np.ones((5, 3)) * 4.0, _routes) is None
    fast = solve_hat(econ, tariffs, closing, np.array([4.0, 5.0, 6.0]))
    plain = solve_hat(econ, np.broadcast_to(tariffs, closing.shape), closing.dense(),
                      np.array([4.0, 5.0, 6.0]))
    np.testing.assert_allclose(fast.w_hat, plain.w_hat, rtol=1e-12)
    assert np.array_equal(fast.converged, plain.converged)


def test_shares_gap_bound_is_above_the_gap_or_says_none():
    rng = np.random.default_rng(8)
    B, J, N = 3, 2, 6
    A = rng.uniform(0.0, 1.0, size=(B, J, N, N))
    e0 = rng.uniform(0.1, 1.0, size=(B, J, N))
    e = e0 * (1.0 + rng.uniform(-1e-9, 1e-9, size=e0.shape))
    S0 = np.matmul(A, e0[..., None])[..., 0]
    S = np.matmul(A, e[..., None])[..., 0]
    gap = A * (e[..., None, :] / S[..., :, None] - e0[..., None, :] / S0[..., :, None])
    exact = np.abs(gap).reshape(B, -1).max(axis=1)
    bound = pt.shares_gap_bound(e, S, e0, S0, 1e-6)
    assert bound is not None and np.all(bound >= exact) and np.all(bound < 1e-8)
    assert pt.shares_gap_bound(e, S, e0, S0, 1e-14) is None  # above the limit: exact
    e[0, 0, 0] = 0.0  # an underflowed cost: no bound
    assert pt.shares_gap_bound(e, S, e0, S0, 1e-6) is None
