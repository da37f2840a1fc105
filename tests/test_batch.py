"""One batched solve for every deficit rule (issue 26, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import autarky as ak
from autarky.solve import Batch, economy, solve_arrays, solve_batch
from tests.helpers import REPO, random_shock, random_world


@pytest.mark.parametrize("deficits", ["fixed", "zero", "proportional"])
def test_batch_matches_single_solves_for_every_deficit_rule(deficits):
    w = random_world(9, 4, 3)
    shock = random_shock(w, 10)
    thetas = np.array([[2.0, 4.0, 6.0], [5.0, 5.0, 5.0], [8.0, 3.0, 1.5], [5.0, 5.0, 5.0]])
    opts = ak.SolveOptions(deficits=deficits)
    batch = solve_batch(w, shock, thetas, options=opts, chunk=3)
    assert batch.converged and batch.converged_draws.all()
    for b in range(len(thetas)):
        single = ak.solve(w, shock, elasticities=thetas[b], options=opts)
        np.testing.assert_allclose(batch.welfare.iloc[b].to_numpy(),
                                   single.welfare.to_numpy(), atol=1e-8)
        np.testing.assert_allclose(batch.real_wage.iloc[b].to_numpy(),
                                   single.real_wage.to_numpy(), atol=1e-8)


def test_sweep_rows_and_solve_batch_are_one_engine():
    w = random_world(3, 5, 3)
    shock = random_shock(w, 4)
    thetas = np.array([[2.0, 4.0, 6.0], [5.0, 5.0, 5.0]])
    opts = ak.SolveOptions(deficits="zero")
    sol = solve_arrays(Batch(economy(w), shock.tariffs, shock.tau_hat, thetas, opts))
    assert sol.converged.all() and set(sol.residuals) >= {"labour_market", "trade_balance"}
    assert max(float(v.max()) for v in sol.residuals.values()) <= 10 * opts.tol
    ref = solve_batch(w, shock, thetas, options=opts).welfare.to_numpy()
    np.testing.assert_allclose(sol.welfare, ref, atol=1e-12)
    sw = ak.sweep.sweep_scenarios(w, {"a": shock}, elasticities=thetas[1], options=opts)
    np.testing.assert_allclose(sw.welfare.to_numpy()[0], ref[1], atol=1e-8)


def test_no_module_imports_another_modules_private_names_from_solve_or_sweep():
    out = subprocess.run(["grep", "-rnE", r"from autarky\.(solve|sweep) import .*\b_[a-z]",
                          str(REPO / "src")], capture_output=True, text=True)
    assert out.stdout == ""


@pytest.mark.slow
def test_dask_backend_works_from_a_script_without_main_guard(tmp_path):
    script = tmp_path / "noguard.py"
    script.write_text(
        "import numpy as np\nimport autarky as ak\n"
        "rng = np.random.default_rng(0)\nn, j = 4, 3\n"
        "flows = rng.uniform(0.2, 2.0, size=(n, n, j))\n"
        "flows[np.arange(n), np.arange(n), :] += 5.0\n"
        "w = ak.World.from_arrays(flows, [f'C{k}' for k in range(n)], "
        "[f's{k}' for k in range(j)])\n"
        "tau = np.where(np.eye(n, dtype=bool)[:, :, None], 1.0, 1.2) * np.ones((n, n, j))\n"
        "sw = ak.sweep_scenarios(w, {'a': ak.Shock(np.zeros((n, n, j)), tau, 'x')}, "
        "elasticities=4.0, backend='dask')\n"
        "print('OK', bool(sw.converged.all()))\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path, env={**os.environ,
                                                         "PYTHONPATH": str(REPO / "src")})
    assert "OK True" in out.stdout, out.stderr[-2000:]


def test_local_cluster_has_a_worker_per_core():
    assert ak.sweep.local_workers() == len(os.sched_getaffinity(0))


@pytest.mark.slow
def test_local_cluster_workers_keep_the_default_malloc_thresholds():
    """Dask's nanny default MALLOC_TRIM_THRESHOLD_=65536 made every draw on a worker cost
    3x its serial CPU (page faults); the LocalCluster of backend="dask" does not set it,
    even after another cluster of this process left it in os.environ."""
    from distributed import LocalCluster

    from autarky.sweep import _client

    with LocalCluster(n_workers=1, processes=True, dashboard_address=None,
                      host="127.0.0.1"):
        pass
    client, close = _client(None)
    try:
        env = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    finally:
        close()
    assert len(env) == ak.sweep.local_workers()
    assert set(env.values()) == {None}, env
