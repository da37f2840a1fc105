"""Nash tariff wars: formula (Lashkaripour 2021), numerical best responses, retaliation."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import autarky as ak
from autarky.errors import ConvergenceError, DataError, ScenarioError
from autarky.model import equations as eq
from autarky.model import nash as mn
from autarky.model.economy import Economy
from autarky.model.solver import solve_hat
from autarky.nash import (
    optimal_retaliation,
    optimal_tariff,
    optimal_tariffs,
    reciprocal,
    without_io,
)
from autarky.solve import economy


def _world(N: int = 4, J: int = 2, seed: int = 0) -> ak.World:
    rng = np.random.default_rng(seed)
    F = rng.uniform(1, 10, (N, N, J)) + np.eye(N)[:, :, None] * rng.uniform(20, 60, (N, 1, J))
    T = rng.uniform(0, 0.05, (N, N, J)) * (1 - np.eye(N))[:, :, None]
    return ak.World.from_arrays(F, list(("USA", "CHN", "DEU", "JPN", "FRA")[:N]),
                                [f"s{k}" for k in range(J)] if J > 1 else None, tariffs=T)


@pytest.fixture(scope="module")
def wiod16() -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ak.load_world("wiod2016", year=2014)


def _welfare_at(econ: Economy, cube: np.ndarray, theta: np.ndarray) -> np.ndarray:
    ones = np.ones(cube.shape[-3:])
    B = cube.shape[0] if cube.ndim == 4 else 1
    sol = solve_hat(econ, cube, ones, np.broadcast_to(theta, (B, theta.size)),
                    deficits="zero", tol=1e-12)
    return eq.welfare(sol.income, econ.income, sol.log_P, econ.alpha)


def test_formula_nash_is_a_fixed_point_of_the_formula(wiod16: ak.World) -> None:
    res = ak.nash(wiod16, elasticities=4.0, options=ak.NashOptions(method="formula"))
    assert res.converged and max(res.residual.values()) < 1e-9
    r = res.result
    again = mn.optimal_tariff_formula(r.pi, r.X, r.tariffs_new, np.full(16, 4.0))
    np.testing.assert_allclose(again, res.tariffs.to_numpy(), atol=1e-9)
    assert (res.tariffs > 0.25).all() and (res.tariffs < 0.31).all()
    assert (res.welfare < 0).all()  # everyone loses from a global tariff war
    assert res.tariffs.index.tolist() == list(wiod16.countries)


def test_formula_equals_exact_best_response_where_it_is_exact() -> None:
    # two countries, one sector, the partner's tariff zero: the formula is the exact
    # first-order condition (t = 1 / (eps lambda_FF), the inverse export supply elasticity)
    w = _world(N=2, J=1, seed=3)
    theta = np.array([4.0])
    econ, _ = mn.balanced(economy(w), theta)
    N = 2
    act = np.arange(N) == 0
    f = mn.formula_nash(econ, theta, t0=np.zeros(N), active=act)
    control = np.full((N, N, 1), -1)
    control[0, 1:] = 0
    b = mn.best_response_nash(econ, theta, control, np.array([0]), np.zeros((N, N, 1)),
                              np.array([0.1]), tol=1e-9)
    assert f.converged and b.converged
    assert abs(100 * (f.tariffs[0] - b.tariffs[0])) < 0.01


def test_best_response_nash_is_a_nash_equilibrium() -> None:
    w = _world()
    res = ak.nash(w, 5.0, ak.NashOptions(method="best-response"))
    assert res.converged
    econ = res.result.baseline
    t = res.tariffs.to_numpy()
    N, J = w.shape
    theta = np.full(J, 5.0)
    for k in range(N):  # no government gains by moving its tariff either way
        tb = np.tile(t, (3, 1))
        tb[1, k] += 0.01
        tb[2, k] -= 0.01
        W = _welfare_at(econ, mn.uniform_tariffs(tb, N, J), theta)[:, k]
        assert W[0] > W[1] and W[0] > W[2]


def test_best_response_agrees_with_exact_nash_without_io(wiod16: ak.World) -> None:
    # two independent computations of one equilibrium: analytic first-order conditions
    # (implicit-function derivatives) and finite differences of the engine's welfare
    x = ak.nash(wiod16, 4.0)
    b = ak.nash(wiod16, 4.0, ak.NashOptions(method="best-response"))
    assert x.converged and b.converged and x.method.startswith("exact")
    assert 100 * (b.tariffs - x.tariffs).abs().max() < 1e-3
    assert (b.welfare - x.welfare).abs().max() < 1e-3
    r = x.result
    grad = mn.exact_tariff_map(r.pi, r.X, x.tariffs.to_numpy(), np.full(16, 4.0))[1]
    assert np.abs(grad).max() < 1e-8


def test_formula_approximates_the_exact_nash(wiod16: ak.World) -> None:
    f = ak.nash(wiod16, 4.0, ak.NashOptions(method="formula"))
    x = ak.nash(wiod16, 4.0)
    gap = 100 * (x.tariffs - f.tariffs)
    # The formula is Lashkaripour's (2021) approximation, not the exact first-order
    # condition (docstring of autarky.model.nash): it drops the third-country wage effects
    # (his eq. 9, r_ni / r_ii ~ 0), which push the exact tariffs up, and (as his code does)
    # the partners' tariff-revenue term, which pulls them down. wiod2016 2014, eps = 4:
    # exact tariffs 0.011 - 0.749 pp above the formula (USA, CHN, ROW, DEU largest),
    # welfare within 0.069 pp.
    assert (gap > 0).all() and 0.7 < gap.max() < 0.8 and gap.idxmax() == "USA"
    assert (x.welfare - f.welfare).abs().max() < 0.08
    r = x.result
    theta = np.full(16, 4.0)
    plain = mn.optimal_tariff_formula(r.pi, r.X, r.tariffs_new, theta)
    full = mn.optimal_tariff_formula(r.pi, r.X, r.tariffs_new, theta, foreign_revenue=True)
    # at the exact equilibrium the revenue term lowers the formula (<= 0.1 pp): what is left
    # of the gap is the omitted wage effects, positive for every country
    assert (full <= plain + 1e-12).all() and 100 * np.max(plain - full) < 0.1
    assert (x.tariffs.to_numpy() - full > 0).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_tariff_map_gradient_is_the_engines(seed: int) -> None:
    # d ln W_m / d ln(1 + t_m) from the implicit-function theorem equals a central finite
    # difference of the engine's welfare, at an equilibrium with uneven uniform tariffs
    rng = np.random.default_rng(seed)
    N, J = 5, 3
    w = _world(N=5, J=J, seed=seed)
    theta = rng.uniform(2.0, 8.0, J)
    econ, _ = mn.balanced(economy(w), theta)
    t = rng.uniform(0.0, 0.4, N)
    ones = np.ones((N, N, J))
    at = solve_hat(econ, mn.uniform_tariffs(t, N, J), ones, theta, deficits="zero",
                   tol=1e-13)
    center = econ.rebase(at, mn.uniform_tariffs(t, N, J))
    grad = mn.exact_tariff_map(center.pi, center.X, t, theta)[1]
    h = 1e-5
    up = np.exp(np.log1p(t) + h * np.eye(N)) - 1.0  # (m, N): t with theta_m + h
    dn = np.exp(np.log1p(t) - h * np.eye(N)) - 1.0
    Wu = _welfare_at(center, mn.uniform_tariffs(up, N, J), theta)
    Wd = _welfare_at(center, mn.uniform_tariffs(dn, N, J), theta)
    fd = (np.log(np.diag(Wu)) - np.log(np.diag(Wd))) / (2 * h)
    np.testing.assert_allclose(grad, fd, atol=1e-7)
    assert np.abs(grad).max() > 1e-3  # not a trivial zero


def test_exact_nash_has_the_third_country_wage_effects() -> None:
    # three countries, one sector, zero tariffs abroad: the unilateral exact optimum equals
    # the numerical best response, where the formula misses by about 0.1 pp
    w = _world(N=3, J=1, seed=3)
    theta = np.array([4.0])
    econ, _ = mn.balanced(economy(w), theta)
    act = np.arange(3) == 0
    x = mn.exact_nash(econ, theta, t0=np.zeros(3), active=act)
    control = np.full((3, 3, 1), -1)
    control[0, 1:] = 0
    b = mn.best_response_nash(econ, theta, control, np.array([0]), np.zeros((3, 3, 1)),
                              np.array([0.2]), tol=1e-11)
    assert x.converged and abs(100 * (x.tariffs[0] - b.tariffs[0])) < 1e-4
    np.testing.assert_allclose(x.tariffs[1:], 0.0)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_exact_nash_equals_best_responses_on_random_worlds(seed: int) -> None:
    # uneven sizes, tariffs in the data, one elasticity per sector between 1.5 and 10
    w = _world(N=5, J=3, seed=seed)
    theta = np.random.default_rng(seed).uniform(1.5, 10.0, 3)
    x = ak.nash(w, theta)
    b = ak.nash(w, theta, ak.NashOptions(method="best-response"))
    assert x.converged and b.converged
    assert 100 * (b.tariffs - x.tariffs).abs().max() < 1e-4
    assert (b.welfare - x.welfare).abs().max() < 1e-5


@pytest.mark.slow
@pytest.mark.parametrize(("name", "year", "source"), [("wiod2016", 2014, "in-sample"),
                                                      ("icio2023", 2022, "uniform4")])
def test_exact_nash_equals_best_responses_on_real_data(name: str, year: int,
                                                       source: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = without_io(ak.load_world(name, year=year))
    theta = ak.elasticities(name, source)
    x = ak.nash(w, theta)
    b = ak.nash(w, theta, ak.NashOptions(method="best-response"))
    assert 100 * (b.tariffs - x.tariffs).abs().max() < 1e-3
    assert (b.welfare - x.welfare).abs().max() < 1e-3


@pytest.mark.parametrize(("J", "t_abroad"), [(1, 0.3), (3, 0.3), (3, 0.5)])
def test_formula_with_foreign_revenue_is_exact_for_two_countries(J: int,
                                                                  t_abroad: float) -> None:
    # two countries (no third-country wage effects), the partner's tariff > 0: the exact
    # best response satisfies the formula with the partner's tariff-revenue term to 1e-4 pp,
    # and the code's formula without it misses by more than 0.1 pp
    w = _world(N=2, J=J, seed=3)
    theta = np.full(J, 4.0)
    econ, _ = mn.balanced(economy(w), theta)
    control = np.full((2, 2, J), -1)
    control[0, 1] = 0
    fixed = mn.uniform_tariffs(np.array([0.0, t_abroad]), 2, J)
    b = mn.best_response_nash(econ, theta, control, np.array([0]), fixed, np.array([0.2]),
                              tol=1e-11)
    e = b.equilibrium
    full = mn.optimal_tariff_formula(e.pi[0], e.X[0], b.tariffs_new, theta,
                                     foreign_revenue=True)[0]
    plain = mn.optimal_tariff_formula(e.pi[0], e.X[0], b.tariffs_new, theta)[0]
    assert b.converged and abs(100 * (full - b.tariffs[0])) < 1e-4
    assert 100 * (plain - b.tariffs[0]) > 0.1


def test_formula_omits_third_country_wage_effects() -> None:
    # three countries, one sector, zero tariffs abroad (so no revenue term): the exact best
    # response lies above the formula (by about 0.1 pp here)
    w = _world(N=3, J=1, seed=3)
    theta = np.array([4.0])
    econ, _ = mn.balanced(economy(w), theta)
    f = mn.formula_nash(econ, theta, t0=np.zeros(3), active=np.arange(3) == 0)
    control = np.full((3, 3, 1), -1)
    control[0, 1:] = 0
    b = mn.best_response_nash(econ, theta, control, np.array([0]), np.zeros((3, 3, 1)),
                              np.array([0.2]), tol=1e-11)
    assert 0.05 < 100 * (b.tariffs[0] - f.tariffs[0]) < 0.2


def test_best_response_matches_a_scalar_optimiser() -> None:
    # each government's Nash tariff maximises its welfare given the others' (Brent, bounded)
    from scipy.optimize import minimize_scalar

    w = _world(N=3, J=2, seed=1)
    res = ak.nash(w, 4.0, ak.NashOptions(method="best-response"))
    econ = res.result.baseline
    t = res.tariffs.to_numpy()
    theta = np.full(2, 4.0)
    for k in range(3):
        def loss(x: float, k: int = k) -> float:
            tb = t.copy()
            tb[k] = x
            return -float(np.log(_welfare_at(econ, mn.uniform_tariffs(tb, 3, 2), theta)[0, k]))

        opt = minimize_scalar(loss, bounds=(0.0, 1.0), method="bounded",
                              options={"xatol": 1e-9})
        assert abs(100 * (opt.x - t[k])) < 1e-3


@pytest.mark.slow
def test_best_response_nash_with_io_wiod2013() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = ak.load_world("wiod2013", year=2011)
    res = ak.nash(w, 4.0, ak.NashOptions(method="best-response"))
    assert res.converged and res.residual["tariff"] < 1e-7
    assert any("input-output links" in n and "Caliendo" in n for n in res.notes)
    assert (res.tariffs > 0.2).all() and (res.welfare < 0).all()


def test_reciprocal_matches_the_imposer() -> None:
    w = _world()
    scn = ak.Scenario.tariff(["USA"], "all", 0.2)
    rec = reciprocal(w, scn, "USA")
    shock = rec.apply(w)
    np.testing.assert_allclose(shock.tariffs[1:, 0, :], 0.2)
    np.testing.assert_allclose(shock.tariffs[0, 1:, :], 0.2)
    res = ak.solve(w, rec, elasticities=4.0)
    assert res.converged


def test_optimal_retaliation_is_a_best_response() -> None:
    w = _world()
    scn = ak.Scenario.tariff(["USA"], "all", 0.3)
    res = optimal_retaliation(w, scn, "USA", elasticities=4.0)
    assert res.converged and list(res.tariffs.index) == ["CHN", "DEU", "JPN"]
    assert (res.tariffs > 0).all() and res.scenario is not None
    econ = res.result.baseline
    base = res.scenario.apply(w).tariffs
    for k in (1, 3):
        cubes = np.stack([base, base.copy(), base.copy()])
        cubes[1, k, 0] += 0.01
        cubes[2, k, 0] -= 0.01
        W = _welfare_at(econ, cubes, np.full(2, 4.0))[:, k]
        assert W[0] > W[1] and W[0] > W[2]
    # the schedule itself is kept: C0's tariffs stay at 30%
    np.testing.assert_allclose(res.result.tariffs_new[0, 1:], 0.3)


def test_optimal_tariff_is_the_unilateral_exact_optimum() -> None:
    # no tariffs in the data: one government's best response equals the exact first-order
    # condition with the others at zero, and its scenario re-solves to the same welfare
    F = _world(N=4, J=2, seed=5).arrays()["flows"]
    w = ak.World.from_arrays(F, ["USA", "CHN", "DEU", "JPN"], ["s0", "s1"])
    theta = np.array([3.0, 6.0])
    res = optimal_tariff(w, "CHN", elasticities=theta)
    assert res.converged and list(res.tariffs.index) == ["CHN"]
    econ = res.result.baseline
    x = mn.exact_nash(econ, theta, t0=np.zeros(4), active=np.arange(4) == 1)
    assert abs(100 * (x.tariffs[1] - res.tariffs["CHN"])) < 1e-4
    again = ak.solve(w, res.scenario, elasticities=theta,
                     options=ak.SolveOptions(deficits="zero"))
    assert again.welfare["CHN"] == pytest.approx(res.welfare["CHN"], abs=1e-6)
    assert res.welfare["CHN"] > 0 and (res.welfare.drop("CHN") < 0).all()
    with pytest.raises(ScenarioError):
        optimal_tariff(w, "BRA")


def test_optimal_tariffs_of_many_countries_are_each_ones_own() -> None:
    # the shared set-up (elasticities, schedule, balanced baseline) changes no number
    w = _world(N=4, J=2, seed=2)
    theta = np.array([3.0, 6.0])
    many = optimal_tariffs(w, ["JPN", "usa"], elasticities=theta)
    for code, got in zip(("JPN", "USA"), many, strict=True):
        one = optimal_tariff(w, code, elasticities=theta)
        assert list(got.tariffs.index) == [code] and got.converged
        np.testing.assert_array_equal(got.tariffs, one.tariffs)
        np.testing.assert_array_equal(got.welfare, one.welfare)
        assert got.notes == one.notes and got.iterations == one.iterations
    assert [r.tariffs.index[0] for r in optimal_tariffs(w, elasticities=theta)] == list(
        w.countries)
    with pytest.raises(ScenarioError):
        optimal_tariffs(w, ["USA", "BRA"])


def test_bad_input() -> None:
    w = _world()
    with pytest.raises(DataError):
        ak.nash(w, elasticities=0.0)
    with pytest.raises(ScenarioError):
        optimal_retaliation(w, ak.Scenario.status_quo(), "BRA")
    with pytest.raises(ConvergenceError):
        ak.nash(w, 4.0, ak.NashOptions(max_iter=2))
    res = ak.nash(w, 4.0, ak.NashOptions(max_iter=2, return_unconverged=True))
    assert not res.converged
    with pytest.raises(ValueError):
        ak.NashOptions(method="guess")  # type: ignore[arg-type]


def _errors(stderr: str) -> list[str]:
    """stderr's error lines (the one data-repair summary line, "note: ...", is not one)."""
    return [ln for ln in stderr.strip().splitlines() if not ln.startswith("note:")]


def test_cli_nash(tmp_path: object) -> None:
    cmd = [sys.executable, "-m", "autarky.cli"]
    ok = subprocess.run([*cmd, "run", "nash", "--world", "wiod2016", "--year", "2014",
                         "--elasticities", "4", "--top", "3"], capture_output=True, text=True)
    assert ok.returncode == 0 and "Nash tariff" in ok.stdout and "converged" in ok.stderr
    bad = subprocess.run([*cmd, "nash", "--elasticities", "-1"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and len(_errors(bad.stderr)) == 1
    one = subprocess.run([*cmd, "nash", "--world", "wiod2016", "--year", "2014", "--country",
                          "USA", "--top", "2"], capture_output=True, text=True)
    assert one.returncode == 0 and "USA's optimal tariff" in one.stdout
    assert "no retaliation" in one.stdout and "converged" in one.stderr
    nope = subprocess.run([*cmd, "nash", "--country", "XYZ"], capture_output=True, text=True)
    assert nope.returncode == 2 and len(_errors(nope.stderr)) == 1


def test_engine_solves_batched_tariffs() -> None:
    # best responses rely on solve_hat taking one tariff cube per batch member
    w = _world()
    econ = economy(w)
    N, J = w.shape
    theta = np.full(J, 4.0)
    cubes = mn.uniform_tariffs(np.array([[0.1, 0.2, 0.0, 0.3], [0.0, 0.05, 0.4, 0.1]]), N, J)
    both = solve_hat(econ, cubes, np.ones((N, N, J)), np.tile(theta, (2, 1)), tol=1e-12)
    for b in range(2):
        one = solve_hat(econ, cubes[b], np.ones((N, N, J)), theta, tol=1e-12)
        np.testing.assert_allclose(both.w_hat[b], one.w_hat[0], atol=1e-10)
        np.testing.assert_allclose(both.income[b], one.income[0], atol=1e-10)


@pytest.mark.slow
def test_optimal_retaliation_on_wiod2016_as_in_the_readme(wiod16: ak.World) -> None:
    """The README's example on real data (it raised a RuntimeError after divide-by-zero
    warnings: a retaliator whose tariff reached the bound 0 had its finite-difference nodes
    at 0 and 0). Every retaliator's tariff is a best response: moving it either way lowers
    its own welfare."""
    scn = ak.Scenario.tariff(["USA"], "all", 0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no divide-by-zero on the way
        ret = optimal_retaliation(wiod16, scn, "USA", 4.0)
    assert ret.converged and len(ret.tariffs) == 43 and "USA" not in ret.tariffs.index
    assert np.isfinite(ret.tariffs).all() and (ret.tariffs >= 0).all()
    assert np.isfinite(ret.welfare).all()
    opts = ak.SolveOptions(deficits="zero")
    base = ak.solve(wiod16, ret.scenario, elasticities=4.0, options=opts)
    for c in ("CHN", "DEU"):
        assert base.welfare[c] == pytest.approx(ret.welfare[c], abs=1e-6)
        r = float(ret.tariffs[c])
        for d in (-0.03, 0.03):
            moved = ak.solve(wiod16, ret.scenario + ak.Scenario.tariff([c], ["USA"], r + d),
                             elasticities=4.0, options=opts)
            assert moved.welfare[c] < base.welfare[c]


def test_tariff_cubes_put_each_players_level_on_its_cells() -> None:
    rng = np.random.default_rng(4)
    N, J = 5, 3
    control = np.full((N, N, J), -1)
    control[:, 2, :] = np.arange(N)[:, None]  # player n: country n's tariff on country 2
    control[2, 2, :] = -1
    fixed = rng.random((N, N, J))
    cubes = mn._Cubes(control, fixed)
    for t in (rng.random(N), rng.random((3, N))):
        want = np.where(control >= 0, t[..., np.where(control >= 0, control, 0)], fixed)
        np.testing.assert_array_equal(cubes(t), want)
    assert np.shares_memory(cubes.fixed, fixed) and not np.shares_memory(cubes(t), fixed)


def test_best_response_centre_starts_change_the_path_not_the_equilibrium(monkeypatch) -> None:
    """Issue 31: each round's centre solve starts from the first-order step of the last
    round's +h solutions; the tariffs found equal those of cold starts, with fewer
    solver iterations."""
    w = _world()
    iterations: list[int] = []
    real = mn.solve_hat

    def counted(*a, **k):
        sol = real(*a, **k)
        iterations.append(int(sol.iterations))
        return sol

    monkeypatch.setattr(mn, "solve_hat", counted)
    warm = ak.nash(w, 5.0, ak.NashOptions(method="best-response"))
    n_warm = sum(iterations)
    iterations.clear()
    monkeypatch.setattr(mn, "_first_order", lambda *a, **k: None)
    cold = ak.nash(w, 5.0, ak.NashOptions(method="best-response"))
    assert warm.converged and cold.converged
    np.testing.assert_allclose(warm.tariffs.to_numpy(), cold.tariffs.to_numpy(), rtol=0,
                               atol=1e-8)
    assert n_warm < sum(iterations)
