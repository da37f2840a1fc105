"""The inner solves' warm starts (issue 31, item 4): moved starts, the same fixed point.

With input-output links every outer step of :func:`autarky.model.solver.solve_hat` solves
prices and expenditure by inner fixed points, each warm-started from the state of the
previous outer evaluation. The outer Anderson step now mixes that state with the same
coefficients as the wages (:func:`autarky.model.anderson.anderson`, ``carried``/``carry``),
the expenditure solve stops on its change relative to each country's value added (as the
final check measures it), and the last inner evaluation is reused instead of repeated.
None of this may move the equilibrium beyond the tolerance or weaken ``converged``.
"""

from __future__ import annotations

import numpy as np
import pytest

from autarky.model import patched as pt
from autarky.model import solver
from autarky.model.anderson import anderson
from autarky.solve import economy
from tests.helpers import random_shock, random_world


def _solve(w, shock, theta, **kw):
    return solver.solve_hat(economy(w), shock.tariffs, shock.tau_hat, theta, **kw)


@pytest.mark.parametrize("deficits", ["fixed", "proportional"])
def test_carried_starts_give_the_same_equilibrium_and_a_true_converged_flag(
        deficits, monkeypatch):
    w = random_world(7, 9, 4, io=True)
    shock = random_shock(w, 11)
    theta = np.array([[3.0, 5.0, 7.0, 9.0], [2.5, 4.0, 8.0, 6.0]])
    new = _solve(w, shock, theta, deficits=deficits)
    calls: list[int] = []
    carry = solver.WageMap.carry

    def counted(self, c):
        calls.append(c.shape[0])
        carry(self, c)

    monkeypatch.setattr(solver.WageMap, "carry", counted)
    again = _solve(w, shock, theta, deficits=deficits)
    assert calls, "the outer step never moved the inner solves' starts"
    np.testing.assert_array_equal(again.w_hat, new.w_hat)  # deterministic
    # the old path: every outer evaluation starts from the last one's state
    monkeypatch.setattr(solver.WageMap, "carried", lambda self: None)
    old = _solve(w, shock, theta, deficits=deficits)
    for sol in (new, old):
        assert sol.converged.all()
        for name, r in sol.residuals.items():
            assert np.all(r <= solver.CHECK_FACTOR * 1e-10), name
    np.testing.assert_allclose(new.w_hat, old.w_hat, rtol=1e-9, atol=0)
    np.testing.assert_allclose(new.log_P, old.log_P, rtol=0, atol=1e-9)
    np.testing.assert_allclose(new.X, old.X, rtol=1e-9, atol=0)


def test_patched_rows_with_carried_starts_equal_each_rows_dense_solve():
    w = random_world(5, 8, 3, io=True)
    shock = random_shock(w, 2)
    econ = economy(w)
    rng = np.random.default_rng(9)
    who = np.array([0, 3, 5, 3])
    rows = shock.tau_hat[who] * rng.uniform(0.85, 1.3, size=(4, 8, 3))
    cols = np.swapaxes(shock.tau_hat[:, who], 0, 1) * rng.uniform(0.85, 1.3, (4, 8, 3))
    rows[0], cols[0] = shock.tau_hat[0], shock.tau_hat[:, 0]
    shocks = pt.RowShocks(shock.tau_hat, who, rows, cols)
    theta = np.array([4.0, 6.0, 8.0])
    batch = solver.solve_hat(econ, shock.tariffs, shocks, theta, shares=False)
    assert batch.converged.all()
    H = shocks.dense()
    for b in range(4):
        one = solver.solve_hat(econ, shock.tariffs, H[b], theta)
        assert one.converged.all()
        np.testing.assert_allclose(batch.w_hat[b], one.w_hat[0], rtol=1e-9, atol=0)


def test_spending_solve_meets_the_final_checks_measure_in_small_countries():
    # one country with a value added 1e-4 of the others': its expenditure equation is
    # checked relative to its own value added, as the inner solve now stops
    w = random_world(3, 6, 3, io=True, scale=1.0)
    econ = economy(w)
    small = solver.Economy(econ.pi, econ.tariffs, econ.X * np.r_[1e-4, np.ones(5)][:, None],
                           econ.va * np.r_[1e-4, np.ones(5)], econ.deficit * 0.0,
                           econ.gamma, econ.alpha, econ.io, econ.scale)
    shock = random_shock(w, 4)
    sol = solver.solve_hat(small, shock.tariffs, shock.tau_hat, np.array([4.0, 6.0, 8.0]))
    assert sol.converged.all()
    assert sol.residuals["expenditure"].max() <= solver.CHECK_FACTOR * 1e-10
    assert sol.converged.all() == bool(
        max(float(r.max()) for r in sol.residuals.values()) <= solver.CHECK_FACTOR * 1e-10)


def test_anderson_mixes_carried_state_with_the_maps_coefficients():
    # an affine map g(x) = A x + b carrying the state s(x) = M x: the next point is
    # x' = sum_i a_i g(x_i) (sum a_i = 1) = g(y) with y = sum_i a_i x_i, and the state
    # offered for it must be the same mixture of past states, sum_i a_i M x_i = M y
    rng = np.random.default_rng(0)
    d = 6
    A = 0.4 * np.eye(d) + 0.1 * rng.uniform(-1, 1, (d, d)) / d
    b = rng.uniform(-1, 1, d)
    M = rng.uniform(-1, 1, (3, d))

    class Map:
        def __init__(self) -> None:
            self.state = np.zeros((1, 3))
            self.pending: np.ndarray | None = None
            self.offered: list[tuple[np.ndarray, np.ndarray]] = []

        def __call__(self, x: np.ndarray) -> np.ndarray:
            if self.pending is not None:
                self.offered.append((self.pending, x.copy()))
                self.pending = None
            self.state = x @ M.T
            return x @ A.T + b

        def carried(self) -> np.ndarray:
            return self.state.copy()

        def carry(self, c: np.ndarray) -> None:
            self.pending = c.copy()
            self.state = c

    g = Map()
    x, f, it, _ = anderson(g, np.zeros((1, d)), tol=1e-12, max_iter=50, memory=3)
    assert np.abs(f).max() <= 1e-12 and it < 50
    np.testing.assert_allclose(x[0], np.linalg.solve(np.eye(d) - A, b), atol=1e-11)
    assert len(g.offered) >= 2
    for c, nxt in g.offered:
        y = np.linalg.solve(A, nxt[0] - b)
        np.testing.assert_allclose(c[0], M @ y, atol=1e-9)


def test_home_inputs_preconditioner_is_the_inverse_of_the_home_block():
    econ = economy(random_world(2, 6, 4, io=True))
    M = econ.domestic_inputs_inverse
    assert M is not None and M.shape == (6, 4, 4)
    n = np.arange(6)
    K = econ.pi[n, n, :][:, :, None] * np.swapaxes(econ.io, -1, -2)  # [n, j, k]
    np.testing.assert_allclose(np.matmul(np.eye(4) - K, M), np.broadcast_to(np.eye(4), M.shape),
                               atol=1e-12)
    assert economy(random_world(2, 6, 4, io=False)).domestic_inputs_inverse is None


def test_preconditioned_inner_solves_give_the_same_equilibrium(monkeypatch):
    w = random_world(8, 9, 4, io=True)
    shock = random_shock(w, 5)
    theta = np.array([[3.0, 5.0, 7.0, 9.0], [6.0, 4.0, 8.0, 2.5]])
    new = _solve(w, shock, theta)
    init = solver.WageMap.__init__

    def plain(self, *a, **k):
        init(self, *a, **k)
        self._inverse = None  # inner steps x <- g(x), as before the preconditioner

    monkeypatch.setattr(solver.WageMap, "__init__", plain)
    old = _solve(w, shock, theta)
    for sol in (new, old):
        assert sol.converged.all()
        assert max(float(r.max()) for r in sol.residuals.values()) <= solver.CHECK_FACTOR * 1e-10
    assert new.inner_evaluations < old.inner_evaluations
    np.testing.assert_allclose(new.w_hat, old.w_hat, rtol=1e-9, atol=0)
    np.testing.assert_allclose(new.X, old.X, rtol=1e-9, atol=0)
