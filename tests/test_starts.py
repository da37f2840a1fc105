"""Solves started from shipped solutions (issue 31 item 5, ``autarky claims``).

A kept solution is only a start: the solve from it is the same equilibrium as the cold one
to the solver's tolerance, a damaged or foreign entry costs iterations only, a key not in
the file means the cold solve, the best-response Nash game never uses one, the file is
written whole or not at all (by ``scripts/build_starts.py`` only), and ``autarky claims``
reads the shipped file and writes nothing: two runs give the same tables bit for bit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.data import starts
from autarky.model import kept
from autarky.model.balance import balance
from autarky.model.solver import solve_hat
from autarky.solve import economy

from .helpers import random_world

OPTS = ak.SolveOptions(deficits="zero")
THETA = np.array([3.0, 5.0, 8.0])


def _econ(seed: int = 3, io: bool = True):
    return economy(random_world(seed, 6, 3, io=io, tariffs=True))


@pytest.mark.parametrize("io", [False, True])
def test_a_kept_removal_starts_the_next_one_and_gives_the_same_baseline(io):
    econ = _econ(io=io)
    cold = balance(econ, THETA, OPTS)
    assert cold.econ is not None and cold.iterations > 3
    fresh: dict = {}
    with kept.kept_solutions({}, fresh):  # nothing kept yet: solved as before, and kept
        first = balance(econ, THETA, OPTS)
    assert first.iterations == cold.iterations
    np.testing.assert_array_equal(first.solution.w_hat, cold.solution.w_hat)
    assert len(fresh) == 1 and set(next(iter(fresh.values()))) == set(kept.FIELDS)
    again: dict = {}
    with kept.kept_solutions(fresh, again):
        warm = balance(econ, THETA, OPTS)
    assert warm.iterations <= 1 < cold.iterations  # it starts at the fixed point
    assert warm.econ is not None and warm.solution.converged.all()
    assert max(float(v.max()) for v in warm.solution.residuals.values()) <= 10 * OPTS.tol
    np.testing.assert_allclose(warm.solution.w_hat, cold.solution.w_hat, rtol=0, atol=1e-9)
    np.testing.assert_allclose(warm.econ.income, cold.econ.income, rtol=1e-9)
    np.testing.assert_allclose(warm.econ.pi, cold.econ.pi, rtol=0, atol=1e-9)
    assert list(again) == list(fresh)


def test_a_kept_solve_of_a_shock_and_of_a_batch_starts_there():
    econ = _econ()
    rng = np.random.default_rng(0)
    tau = np.exp(rng.normal(0, 0.2, econ.tariffs.shape))
    batch = np.stack([tau, tau * 1.1])
    for t_new, d_hat, theta in ((econ.tariffs, tau, THETA),
                                (np.stack([econ.tariffs] * 2), batch, np.stack([THETA] * 2))):
        cold = solve_hat(econ, t_new, d_hat, theta)
        fresh: dict = {}
        with kept.kept_solutions({}, fresh):
            solve_hat(econ, t_new, d_hat, theta)
        with kept.kept_solutions(fresh, {}):
            warm = solve_hat(econ, t_new, d_hat, theta)
        assert warm.converged.all() and warm.iterations <= 1 < cold.iterations
        np.testing.assert_allclose(warm.w_hat, cold.w_hat, rtol=0, atol=1e-9)
        np.testing.assert_allclose(warm.X, cold.X, rtol=1e-8)
    # another shock has another key
    e = econ
    assert kept.key(e, e.tariffs, tau, THETA[None], "fixed") != kept.key(
        e, e.tariffs, tau * 1.01, THETA[None], "fixed")
    assert kept.key(e, e.tariffs, tau, THETA[None], "fixed") != kept.key(
        e, e.tariffs, tau, THETA[None] * 1.01, "fixed")
    assert kept.key(e, e.tariffs, tau, THETA[None], "fixed") != kept.key(
        e, e.tariffs, tau, THETA[None], "zero")


def test_a_foreign_or_damaged_start_costs_time_only():
    econ = _econ()
    cold = balance(econ, THETA, OPTS)
    fresh: dict = {}
    with kept.kept_solutions({}, fresh):
        balance(econ, THETA, OPTS)
    (k,) = fresh
    N, J = econ.shape
    rng = np.random.default_rng(1)
    bad_entries = [
        {"w_hat": rng.uniform(0.2, 5.0, (1, N)), "log_P": rng.normal(0, 2, (1, N, J)),
         "X": rng.uniform(0, 1, (1, N, J))},  # far from the fixed point
        {"w_hat": np.full((1, N), np.nan), "log_P": np.zeros((1, N, J)),
         "X": np.ones((1, N, J))},
        {"w_hat": -np.ones((1, N)), "log_P": np.zeros((1, N, J)), "X": np.ones((1, N, J))},
        {"w_hat": np.ones((1, N + 1)), "log_P": np.zeros((1, N + 1, J)),
         "X": np.ones((1, N + 1, J))},
        {"w_hat": np.ones((1, N))},  # fields missing
    ]
    for entry in bad_entries:
        with kept.kept_solutions({k: entry}, {}):
            got = balance(econ, THETA, OPTS)
        assert got.econ is not None and got.solution.converged.all()
        np.testing.assert_allclose(got.solution.w_hat, cold.solution.w_hat, rtol=0, atol=1e-9)


def test_the_best_response_game_never_starts_from_a_kept_solution(monkeypatch):
    from autarky.model import nash as mn

    seen: list = []
    real = kept.active
    monkeypatch.setattr(kept, "active", lambda: seen.append(real()) or real())
    econ = mn.balanced(_econ(io=False), THETA)[0]
    control = np.full(econ.tariffs.shape, -1)
    control[0, 1:, :] = 0
    with kept.kept_solutions({}, {}):
        mn.best_response_nash(econ, THETA, control, np.array([0]), econ.tariffs,
                              np.array([0.1]))
    assert seen and all(b is None for b in seen)


def _one(scale: float = 1.0) -> dict:
    return {"w_hat": np.array([[1.0, 2.0]]) * scale, "log_P": np.zeros((1, 2, 3)) + scale,
            "X": np.ones((1, 2, 3)) * scale}


def test_the_file_round_trips_and_is_written_whole(tmp_path):
    path = tmp_path / "starts.npz"
    assert starts.read(path) == {}  # absent
    one = _one()
    with starts.recording(path) as rec:
        rec["a"] = one
        rec["b"] = _one(2.0)
        rec["a"] = _one(3.0)  # solved twice: the first is kept
        assert not path.exists()  # moved into place when the block ends
    got = starts.read(path)
    assert list(got) == ["a", "b"]
    for f in kept.FIELDS:
        np.testing.assert_array_equal(got["a"][f], one[f])
        assert got["a"][f].dtype == np.float64
    assert not [p for p in tmp_path.iterdir() if p.name != "starts.npz"]  # no temporary left
    assert path.stat().st_mode & 0o777 == 0o644  # a package file: readable by all
    first = path.read_bytes()
    with starts.recording(path) as rec:  # the same solutions: the same bytes
        rec["a"] = one
        rec["b"] = _one(2.0)
    assert path.read_bytes() == first
    with pytest.raises(RuntimeError), starts.recording(path) as rec:
        rec["c"] = one
        raise RuntimeError("a build that fails")
    assert list(starts.read(path)) == ["a", "b"]  # the last complete file stays
    assert not [p for p in tmp_path.iterdir() if p.name != "starts.npz"]
    with starts.opened(path) as opened:
        assert list(opened) == ["a", "b"] and opened.get("c") is None
        np.testing.assert_array_equal(opened["b"]["X"], one["X"] * 2)
    path.write_bytes(b"not a zip file")
    assert starts.read(path) == {}  # damaged: nothing kept, nothing raised
    with starts.opened(path) as opened:
        assert len(opened) == 0
    with starts.recording(path) as rec:
        rec["x"] = {**one, "X": np.full((1, 2, 3), np.inf)}
    assert starts.read(path) == {}  # a non-finite entry is left out


def _autarky_welfare():
    """wiod2016 2012's world-autarky welfare of a fresh Context inside its shipped starts."""
    from autarky import claims

    ctx = claims.Context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ctx.shipped_starts():
            return ctx.autarky_welfare("wiod2016", 2012).to_numpy()


def _counted(monkeypatch) -> list[int]:
    from autarky.model import balance as mb

    iterations: list[int] = []
    real = mb.balance

    def counted(*a, **k):
        out = real(*a, **k)
        iterations.append(out.iterations)
        return out

    monkeypatch.setattr("autarky.model.balance.balance", counted)  # balanced_warm calls it
    return iterations


def test_a_shipped_start_is_used_verified_and_never_trusted(tmp_path, monkeypatch):
    """A Context's removal starts at the shipped solution of its problem (found by its key)
    and gives the cold welfare to the tolerance; a damaged entry under the same key, or a
    file of other problems' keys, gives the cold solve (the latter bit for bit)."""
    iterations = _counted(monkeypatch)
    monkeypatch.setattr(starts, "shipped_path", lambda: tmp_path / "none.npz")
    cold = _autarky_welfare()  # no file: every solve cold
    path = tmp_path / "starts.npz"
    from autarky import claims_context

    # what scripts/build_starts.py does: every solve cold (the file is not read), recorded
    with starts.recording(path) as rec, claims_context.recording_cold(rec):
        assert np.array_equal(_autarky_welfare(), cold)
    (k,) = starts.read(path)
    monkeypatch.setattr(starts, "shipped_path", lambda: path)
    iterations.clear()
    warm = _autarky_welfare()
    assert len(iterations) == 1 and iterations[0] <= 1  # it starts at the fixed point
    np.testing.assert_allclose(warm, cold, rtol=0, atol=1e-7)
    assert _autarky_welfare().tobytes() == warm.tobytes()  # every run from the same starts
    # a damaged entry under the problem's key: converges to the cold solution
    good = starts.read(path)[k]
    N = good["w_hat"].shape[1]
    rng = np.random.default_rng(2)
    for bad in ({**good, "w_hat": good["w_hat"] * rng.uniform(0.3, 3.0, (1, N))},
                {**good, "X": good["X"] * 1e3}, {**good, "log_P": good["log_P"] + 5.0}):
        with starts.recording(path) as rec:
            rec[k] = bad
        np.testing.assert_allclose(_autarky_welfare(), cold, rtol=0, atol=1e-7)
    # a stale file (other problems' keys): the cold solves, bit for bit
    with starts.recording(path) as rec:
        rec["81x29-0123456789abcdef"] = _one()
        rec[k.replace(k[-4:], "ffff" if k[-4:] != "ffff" else "0000")] = good
    iterations.clear()
    assert _autarky_welfare().tobytes() == cold.tobytes() and iterations[0] > 3


def test_claims_read_the_shipped_starts_and_write_nothing(tmp_path, monkeypatch):
    """``autarky claims`` starts from the package's file and writes no starts anywhere:
    two runs (an empty cache, then the filled one) give the same tables bit for bit."""
    from autarky import claims

    monkeypatch.setenv("AUTARKY_CACHE", str(tmp_path))
    shipped = starts.shipped_path()
    assert shipped.is_file(), "run scripts/build_calibrations.py (it writes starts.npz)"
    before = shipped.read_bytes()
    found: list[bool] = []
    real = kept.start
    monkeypatch.setattr(kept, "start", lambda *a: found.append(real(*a) is not None)
                        or real(*a))
    runs = [claims.compute(ids=[7]) for _ in range(2)]
    # the shipped file holds this code's problems (else: re-run build_calibrations.py);
    # on this machine every lookup finds its start, on another BLAS a key of a computed
    # baseline may round to another single-precision value (that solve is then cold)
    assert any(found)
    for a, b in zip(runs[0][0].tables.values(), runs[1][0].tables.values(), strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert shipped.read_bytes() == before
    assert not list(tmp_path.rglob("*.npz"))  # nothing written to the user's cache
