"""The factored proportionality table (linkages.proportional): the dense table's numbers
without its n x n matrix, and a loud failure when the iteration does not converge."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autarky as ak
from autarky import linkages as lk
from autarky.errors import ConvergenceError, RepairWarning
from autarky.linkages._proportional import ProportionalTable
from autarky.world import World

# the iteration stops at a residual of 1e-13 of the right-hand side; the Leontief inverse
# of these tables has column sums of a few, so answers agree with the dense LU to ~1e-12
ATOL = 1e-12


@pytest.fixture(scope="module")
def wiod_prop():
    """wiod2013 2011 without its published table: both models of its proportionality table."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = World(ak.load_world("wiod2013", year=2011).dataset)  # the arrays, no mrio
        return w, lk.proportional(w), lk.leontief(w)


def test_factored_table_is_the_dense_table(wiod_prop):
    w, p, m = wiod_prop
    assert m.source == "proportionality" and p.shape == m.shape == w.shape
    n = m.A.shape[0]
    U = np.random.default_rng(0).uniform(-1.0, 1.0, (n, 3))
    np.testing.assert_allclose(p.rmatvec(U), m.A.T @ U, rtol=0, atol=1e-14)
    np.testing.assert_allclose(p.matvec(U), m.A @ U, rtol=0, atol=1e-14)
    np.testing.assert_allclose(p.column_sums(), m.A.sum(axis=0), rtol=0, atol=1e-14)
    np.testing.assert_allclose(p.v, m.v, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(p.x, m.x)
    np.testing.assert_allclose(p.domestic_blocks(), lk.domestic_blocks(m.A, 41), atol=1e-15)
    rows = m.region_rows("CHN")
    np.testing.assert_allclose(p.rows_sum(rows), m.A[rows].sum(axis=0), atol=1e-15)


def test_block_jacobi_solves_equal_the_lu(wiod_prop):
    _, p, m = wiod_prop
    n = m.A.shape[0]
    W = np.random.default_rng(1).uniform(0.0, 1.0, (n, 4))
    np.testing.assert_allclose(p.solve_T(W), m.lu.solve_T(W), rtol=0, atol=ATOL)
    np.testing.assert_allclose(p.solve(W), m.lu.solve(W), rtol=0, atol=ATOL)
    # one column in, one column out; the residual is within the stated tolerance
    u = p.solve_T(W[:, 0])
    assert u.shape == (n,)
    resid = W[:, 0] - u + p.rmatvec(u[:, None])[:, 0]
    assert np.abs(resid).max() <= 1e-13 * np.abs(W[:, 0]).max()


def test_tables_from_the_factored_table_equal_the_iomodel(wiod_prop):
    w, p, m = wiod_prop
    for f in (lk.multipliers, lk.dependency):
        got, want = f(p), f(m)
        assert got.index.equals(want.index)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=ATOL)
    got, want = lk.supplier_exposure(p, "RUS"), lk.supplier_exposure(m, "RUS")
    assert got.index.equals(want.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=ATOL)
    # value_added_origins of a World without a table takes the factored path
    vo = lk.value_added_origins(w, "RUS", countries=["DEU", "CHN"])
    mult = lk.multipliers(m)
    assert list(vo.index.get_level_values("country").unique()) == ["CHN", "DEU"]
    for col in ("value_added", "domestic_value_added"):
        np.testing.assert_allclose(vo[col], mult[col].reindex(vo.index), rtol=0, atol=ATOL)
    e = lk.supplier_exposure(m, "RUS")["value_added"]
    np.testing.assert_allclose(vo["supplier_value_added"], e.reindex(vo.index), atol=ATOL)


def test_icio2023_factored_equals_the_dense_table():
    """The published-size world of claim 4 (81 x 29, n = 2,349), no warning on either
    path (rule L1 binds only at rounding under proportionality: R3 caps intermediate use
    at absorption)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("icio2023")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RepairWarning)
        m = lk.leontief(w)
        p = lk.proportional(w)
    np.testing.assert_allclose(p.column_sums(), m.A.sum(axis=0), rtol=0, atol=1e-14)
    got, want = lk.dependency(p), lk.dependency(m)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=ATOL)
    got, want = lk.supplier_exposure(p, "CHN"), lk.supplier_exposure(m, "CHN")
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=ATOL)


def _table(scale: float) -> ProportionalTable:
    rng = np.random.default_rng(2)
    R, S = 4, 3
    P = rng.uniform(0.1, 1.0, (R, R, S))
    P /= P.sum(axis=1, keepdims=True)
    C = scale * rng.uniform(0.05, 0.25, (R, S, S))
    return ProportionalTable(P=P, C=C, x=np.ones(R * S), regions=tuple("ABCD"),
                             sectors=tuple("xyz"))


def test_an_unconverged_solve_raises():
    ok = _table(1.0)
    W = np.ones((12, 2))
    dense = np.linalg.solve(np.eye(12) - _dense(ok).T, W)
    np.testing.assert_allclose(ok.solve_T(W), dense, rtol=0, atol=ATOL)
    with pytest.raises(ConvergenceError, match="did not converge.*after 2 iterations"):
        ok.solve_T(W, maxiter=2)
    # inputs worth more than the output (column sums of A above 1): no Leontief inverse
    # with non-negative entries; the iteration diverges and says so, never returns
    bad = _table(6.0)
    assert bad.column_sums().min() > 1.0
    with pytest.raises(ConvergenceError, match="not be productive"):
        bad.solve_T(W)
    with pytest.raises(ConvergenceError):
        bad.solve(W)


def _dense(t: ProportionalTable) -> np.ndarray:
    R, S = t.shape
    return np.einsum("nik,nkj->iknj", t.P, t.C).reshape(R * S, R * S)


@pytest.mark.slow
def test_icio194_value_added_origins_equal_the_dense_factorisation():
    """Claim 6's world (194 x 29, n = 5,626): the factored path against the IOModel's LU."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("icio194")
        members = ["RUS", "KAZ", "BLR", "ARM", "KGZ"]
        vo = lk.value_added_origins(w, "RUS", countries=members)
        m = lk.leontief(w)
    mult = lk.multipliers(m)
    for col in ("value_added", "domestic_value_added"):
        np.testing.assert_allclose(vo[col], mult[col].reindex(vo.index), rtol=0, atol=ATOL)
    e = lk.supplier_exposure(m, "RUS")["value_added"]
    got = vo["supplier_value_added"].drop(index="RUS", level="country")
    np.testing.assert_allclose(got, e.reindex(got.index), rtol=0, atol=ATOL)
