"""Property tests for the input-output numerics on random multi-regional tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autarky import linkages as lk
from autarky.world import MRIO, World

SETTINGS = settings(max_examples=25, deadline=None)


def _table(seed: int, R: int, S: int):
    rng = np.random.default_rng(seed)
    n = R * S
    A = rng.uniform(0.0, 1.0, (n, n)) * (rng.random((n, n)) < 0.5)
    A *= rng.uniform(0.2, 0.8, n)[None, :] / np.maximum(A.sum(axis=0), 1e-12)[None, :]
    Y = rng.uniform(1.0, 10.0, (n, R))
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    return A * x[None, :], Y, x


def _world(Z, Y, x, R, S, order=None):
    regions = [f"R{i}" for i in range(R)]
    sectors = [f"s{j}" for j in range(S)]
    if order is not None:  # relabel regions by a permutation of the rows and columns
        idx = (np.asarray(order)[:, None] * S + np.arange(S)[None, :]).ravel()
        Z, Y, x = Z[np.ix_(idx, idx)], Y[np.ix_(idx, order)], x[idx]
        regions = [regions[i] for i in order]
    return World.from_mrio(MRIO(Z=Z, Y=Y, x=x, regions=tuple(regions), sectors=tuple(sectors),
                                categories=("final",)), name="random")


dims = st.tuples(st.integers(0, 10_000), st.integers(2, 4), st.integers(1, 4))


@SETTINGS
@given(dims, st.data())
def test_extraction_matches_direct_solves(d, data):
    seed, R, S = d
    Z, Y, x = _table(seed, R, S)
    n = R * S
    A = lk.calc_A(Z, x)
    lu = lk.LeontiefLU(A)
    E = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))))
    keep = np.setdiff1d(np.arange(n), E)
    y = Y.sum(axis=1)
    want = np.zeros(n)
    want[keep] = np.linalg.solve(np.eye(keep.size) - A[np.ix_(keep, keep)], y[keep])
    np.testing.assert_allclose(lk.extract_demand(lu, y, E), want, rtol=1e-9, atol=1e-9)
    v = x - Z.sum(axis=0)
    B = lk.calc_B(Z, x)
    want[keep] = np.linalg.solve((np.eye(keep.size) - B[np.ix_(keep, keep)]).T, v[keep])
    np.testing.assert_allclose(lk.extract_supply(lu, v, x, E), want, rtol=1e-9, atol=1e-9)
    # the supply-driven model without extraction gives back the baseline output
    np.testing.assert_allclose(lu.ghosh_solve(v, x), x, rtol=1e-10)
    np.testing.assert_allclose(lu.solve(y), x, rtol=1e-10)


@SETTINGS
@given(dims, st.randoms(use_true_random=False))
def test_relabelling_regions_changes_nothing(d, rnd):
    seed, R, S = d
    Z, Y, x = _table(seed, R, S)
    order = list(range(R))
    rnd.shuffle(order)
    a = lk.dependency(_world(Z, Y, x, R, S))
    b = lk.dependency(_world(Z, Y, x, R, S, order)).loc[a.index]
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9, atol=1e-12)
    fa = lk.footprints(_world(Z, Y, x, R, S))
    fb = lk.footprints(_world(Z, Y, x, R, S, order)).loc[fa.index, fa.columns]
    np.testing.assert_allclose(fb.to_numpy(), fa.to_numpy(), rtol=1e-9)


@SETTINGS
@given(dims)
def test_shares_and_accounting_identities(d):
    seed, R, S = d
    Z, Y, x = _table(seed, R, S)
    w = _world(Z, Y, x, R, S)
    dep = lk.dependency(w)
    assert (dep["direct"] <= dep["total"] + 1e-12).all()
    assert ((dep >= -1e-12) & (dep <= 1 + 1e-12)).all().all()
    fp = lk.footprints(w)
    np.testing.assert_allclose(fp.sum(axis=0), Y.sum(axis=0), rtol=1e-9)  # v'L = 1'
    va = (x - Z.sum(axis=0)).reshape(R, S).sum(axis=1)
    np.testing.assert_allclose(fp.sum(axis=1), va, rtol=1e-9)  # all value added is absorbed
    ss = lk.self_sufficiency(w)
    assert ((ss["domestic_content"] >= -1e-12) & (ss["domestic_content"] <= 1 + 1e-12)).all()


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 1.0))
def test_shortage_shares_fall_with_the_loss(seed, loss):
    R, S = 2, 2
    Z, Y, x = _table(seed, R, S)
    w = _world(Z, Y, x, R, S)
    none = lk.shortage(w, "R0", "s0", loss=0.0)
    some = lk.shortage(w, "R0", "s0", loss=loss)
    for regime in lk.REGIMES:
        assert none.met[regime] == pytest.approx(1.0, abs=1e-7)
        assert some.met[regime] <= 1.0 + 1e-9
        assert some.met[regime] >= 1.0 - loss - 1e-7  # never worse than the loss itself
        assert ((some.table[f"share_{regime}"] >= 0) & (some.table[f"share_{regime}"] <= 1)).all()
    # pooling origins can only help (today's plan stays feasible)
    assert some.met["trade"] >= some.met["fixed"] - 1e-7
