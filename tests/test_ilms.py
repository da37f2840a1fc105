"""The ILMS (2025) system's analytic Jacobian and its Newton solve (autarky.model.ilms)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import optimize

from autarky.model import ilms
from autarky.model.ilms import ILMSParams

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "us-tariff-2025"


def _world(N: int = 6, seed: int = 3) -> tuple[np.ndarray, ...]:
    """A small baseline built as autarky.data.read_ilms2025 builds theirs."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(1.0, 10.0, (N, N)) + np.diag(rng.uniform(40.0, 80.0, N))
    nu = rng.uniform(0.1, 0.3, N)
    E = X.sum(axis=0)
    Y = ((1 - nu)[None, :] * X).sum(axis=1) + nu * E
    t = rng.uniform(0.0, 0.4, (N, N))
    np.fill_diagonal(t, 0.0)
    return X / E[None, :], E, Y, E - Y, nu, t


def _args(lam: np.ndarray, E: np.ndarray, Y: np.ndarray, T: np.ndarray, nu: np.ndarray,
          t: np.ndarray, p: ILMSParams) -> tuple[object, ...]:
    return (lam, E, Y, T, nu, t, ilms.pass_through(nu, p), p)


def _old_solve(args: tuple[object, ...], n: int) -> np.ndarray:
    """The solve before the analytic Jacobian: MINPACK hybrd, finite differences."""
    return optimize.root(lambda x: ilms._system(x, *args)[0], np.ones(n), method="hybr",
                         options={"xtol": 1e-13}).x


@pytest.mark.parametrize("rebate", ["income-tax", "lump-sum"])
@pytest.mark.parametrize("pass_through", [1.0, 0.25])
def test_jacobian_matches_central_differences(rebate: str, pass_through: float) -> None:
    lam, E, Y, T, nu, t = _world()
    p = ILMSParams(rebate=rebate, pass_through=pass_through)  # type: ignore[arg-type]
    args = _args(lam, E, Y, T, nu, t, p)
    rng = np.random.default_rng(0)
    x = 1.0 + 0.1 * rng.standard_normal(3 * len(E))
    x[0] = -x[0]  # the system reads |x|: the Jacobian holds on either side
    J = ilms.jacobian(x, *args)
    h = 1e-6
    num = np.empty_like(J)
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        num[:, k] = (ilms._system(x + e, *args)[0] - ilms._system(x - e, *args)[0]) / (2 * h)
    np.testing.assert_allclose(J, num, rtol=0, atol=1e-7 * np.abs(num).max())


@pytest.mark.parametrize("rebate", ["income-tax", "lump-sum"])
def test_newton_finds_the_finite_difference_root(rebate: str) -> None:
    lam, E, Y, T, nu, t = _world()
    p = ILMSParams(rebate=rebate)  # type: ignore[arg-type]
    args = _args(lam, E, Y, T, nu, t, p)
    sol = ilms.solve(lam, E, Y, T, nu, t, p)
    assert sol.converged and sol.residual < 1e-13
    x_old = _old_solve(args, 3 * len(E))
    N = len(E)
    np.testing.assert_allclose(100 * (np.abs(x_old[2 * N:]) - 1), sol.employment, atol=1e-9)


def test_fallback_to_minpack_gives_the_same_root(monkeypatch: pytest.MonkeyPatch) -> None:
    lam, E, Y, T, nu, t = _world(seed=5)
    p = ILMSParams()
    want = ilms.solve(lam, E, Y, T, nu, t, p)
    monkeypatch.setattr(ilms, "_newton", lambda f, jac, x, tol: (x, False))
    got = ilms.solve(lam, E, Y, T, nu, t, p)
    assert got.converged
    np.testing.assert_allclose(got.welfare, want.welfare, rtol=0, atol=1e-9)


@pytest.mark.shared
@pytest.mark.skipif(not (FOLDER / "trade_cepii.csv").exists(),
                    reason="../shared/data/us-tariff-2025 not available")
@pytest.mark.parametrize(("retaliation", "rebate", "pass_through"),
                         [("none", "income-tax", 1.0), ("none", "lump-sum", 1.0),
                          # far from the start: full Newton steps overshoot, halved ones do not
                          ("optimal", "income-tax", 0.25)])
def test_liberation_day_equals_the_finite_difference_solve(retaliation: str, rebate: str,
                                                           pass_through: float) -> None:
    from autarky.data import read_ilms2025

    d = read_ilms2025(FOLDER)
    N = len(d.E)
    p = ILMSParams(rebate=rebate, pass_through=pass_through)  # type: ignore[arg-type]
    t = np.zeros((N, N))
    t[:, d.us] = d.us_tariff
    if retaliation == "optimal":
        t = ilms.optimal_retaliation(t, d.X, d.Y, float(d.nu[np.arange(N) != d.us][0]),
                                     float(d.nu[d.us]), d.us, p, ilms.pass_through(d.nu, p))
    args = _args(d.lam, d.E, d.Y, d.T, d.nu, t, p)
    x, ok = ilms._newton(lambda x: ilms._system(x, *args)[0],
                         lambda x: ilms.jacobian(x, *args), np.ones(3 * N), 1e-10)
    assert ok  # Newton itself, not the MINPACK fallback
    sol = ilms.solve(d.lam, d.E, d.Y, d.T, d.nu, t, p)
    x_old = _old_solve(args, 3 * N)
    res, out = ilms._system(x_old, *args)
    assert sol.converged and sol.residual <= float(np.max(np.abs(res)))
    np.testing.assert_allclose(x, x_old, rtol=0, atol=1e-11)
    np.testing.assert_allclose(sol.cpi, 100 * (out["P"] - 1), rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.employment, 100 * (out["L"] - 1), rtol=0, atol=1e-9)
