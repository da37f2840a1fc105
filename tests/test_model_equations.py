"""Unit checks of the vectorised equations and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import autarky as ak
from autarky.model import closed_form as cf
from autarky.model import equations as eq


def _inputs(seed, B=3, N=4, J=3):
    rng = np.random.default_rng(seed)
    pi = rng.uniform(0.1, 1.0, (N, N, J))
    pi /= pi.sum(axis=1, keepdims=True)
    t = rng.uniform(0, 0.2, (N, N, J))
    tau = rng.uniform(0.8, 1.5, (N, N, J))
    tau[0, 1, :] = np.inf
    log_kappa, weight = eq.log_trade_cost(t, np.zeros_like(t), tau, pi)
    log_c = rng.normal(0, 0.3, (B, N, J))
    theta = rng.uniform(1.5, 12.0, (B, J))
    return log_c, log_kappa, weight, theta


def test_fast_price_index_matches_reference_in_batch():
    log_c, log_kappa, weight, theta = _inputs(0)
    ref_P, ref_pi = eq.price_index(log_c, log_kappa, weight, theta)
    A = eq.cost_weights(log_kappa, weight, theta)
    P, e, S = eq.price_index_fast(log_c, A, theta, log_kappa, weight)
    np.testing.assert_allclose(P, ref_P, rtol=1e-12, atol=1e-12)
    pi = eq.trade_shares(A, e, S)
    np.testing.assert_allclose(pi, ref_pi, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(pi.sum(axis=-2), 1.0)
    assert np.all(pi[:, 0, 1, :] == 0.0)  # prohibitive route: exactly zero


def test_fast_price_index_falls_back_where_sums_underflow():
    log_c, log_kappa, weight, theta = _inputs(1, B=1)
    weight = weight.copy()
    weight[0] = 0.0
    weight[0, 0] = 1.0  # country 0 buys only at home
    log_c = log_c.copy()
    log_c[0, 0] = 20.0  # its costs far above the others: the shifted sum underflows
    theta = np.full_like(theta, 60.0)
    ref, _ = eq.price_index(log_c, log_kappa, weight, theta)
    A = eq.cost_weights(log_kappa, weight, theta)
    P, _, _ = eq.price_index_fast(log_c, A, theta, log_kappa, weight)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P, ref, rtol=1e-12)


def test_unit_cost_batched_equals_loop():
    rng = np.random.default_rng(2)
    N, J = 3, 4
    io = rng.uniform(0, 0.2, (N, J, J))
    gamma = 1 - io.sum(axis=1)
    log_w = rng.normal(size=(2, N))
    log_P = rng.normal(size=(2, N, J))
    out = eq.unit_cost(log_w, log_P, gamma, io)
    for b in range(2):
        for i in range(N):
            expect = gamma[i] * log_w[b, i] + log_P[b, i] @ io[i]
            np.testing.assert_allclose(out[b, i], expect)


def test_crc_with_io_reduces_to_crc_and_acr():
    rng = np.random.default_rng(3)
    pi_nn = rng.uniform(0.3, 1.0, (4, 3))
    alpha = rng.dirichlet(np.ones(3), size=4)
    theta = np.array([2.0, 4.0, 8.0])
    np.testing.assert_allclose(cf.crc_autarky(pi_nn, alpha, theta, np.zeros((4, 3, 3))),
                               cf.crc_autarky(pi_nn, alpha, theta))
    one = cf.crc_autarky(pi_nn[:, :1], np.ones((4, 1)), theta[:1])
    np.testing.assert_allclose(one, cf.acr_autarky(pi_nn[:, 0], theta[0]))


def test_icio_world_autarky_names_unavailable_goods_and_floor_works():
    w = ak.load_world("icio2023", year=2022)
    n, j = w.shape
    tau = np.full((n, n, j), np.inf)
    tau[np.arange(n), np.arange(n), :] = 1.0
    shock = ak.Shock(np.zeros((n, n, j)), tau, "world autarky")
    with pytest.raises(ak.errors.UnavailableGoodError, match="41 good.*DEU B07|BEL B05"):
        ak.solve(w, shock)
    res = ak.solve(w, shock, options=ak.SolveOptions(unavailable="floor"))
    assert res.converged and np.isfinite(res.welfare).all()
    assert any("policy 'floor'" in x for x in res.notes)
    balanced = ak.solve(w, shock, options=ak.SolveOptions(unavailable="floor",
                                                          deficits="zero"))
    assert (balanced.welfare < 0).all()  # everyone loses the gains from trade
