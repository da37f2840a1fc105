"""BLAS threads inside solves (autarky.model.threads): one limit whatever the process ran before.

The limit's controller knows the BLAS libraries loaded when it was built. Built by an
engine solve (NumPy's OpenBLAS only), it used to leave SciPy's OpenBLAS, loaded later by
the ILMS model, at its default threads: the ILMS root (its LU factorisation at two threads)
then differed by 3e-11 relative from the one solved in a fresh process. The tests run each
history in a fresh interpreter and compare the results bit for bit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from autarky.model import threads

from .helpers import REPO, shared_path

HISTORY = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
history, case = sys.argv[1], sys.argv[2]
if history == "engine":  # an engine solve first: only NumPy's BLAS is loaded then
    from tests.helpers import random_shock, random_world
    from autarky.solve import solve
    w = random_world()
    solve(w, random_shock(w, 1), elasticities=5.0)
    assert "scipy.linalg" not in sys.modules
if case == "synthetic":
    from tests.test_ilms import _world
    from autarky.model import ilms
    lam, E, Y, T, nu, t = _world(60)
    out = ilms.solve(lam, E, Y, T, nu, t, ilms.ILMSParams()).welfare.tolist()
elif case == "liberation-day":
    from autarky import service
    out = service.run(service.RunSpec("liberation-day")).table["welfare"].tolist()
else:  # the BLAS libraries' threads inside a block
    from autarky.model.threads import single_blas_thread
    import scipy.linalg  # noqa: F401  (SciPy's own OpenBLAS)
    from threadpoolctl import threadpool_info
    with single_blas_thread():
        out = [(i["filepath"], i["num_threads"]) for i in threadpool_info()
               if i["user_api"] == "blas"]
print(json.dumps([x.hex() if isinstance(x, float) else x for x in out]))
"""


def _run(history: str, case: str, env: dict[str, str] | None = None) -> list[object]:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", **(env or {})}
    p = subprocess.run([sys.executable, "-c", HISTORY, history, case], capture_output=True,
                       text=True, env=env, cwd=REPO, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    return list(json.loads(p.stdout.splitlines()[-1]))


def test_a_blas_loaded_after_the_first_limit_is_limited_too() -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: every BLAS pool has one thread whatever the limit")
    got = _run("engine", "threads", {"OPENBLAS_NUM_THREADS": "2"})
    assert len(got) >= 2, got  # NumPy's and SciPy's OpenBLAS (as the wheels ship them)
    assert all(n == threads.ENGINE_THREADS for _, n in got), got


def test_the_ilms_root_does_not_depend_on_what_the_process_solved_before() -> None:
    # 60 countries: large enough for the LU factorisation to differ at two threads
    fresh = _run("fresh", "synthetic")
    assert _run("engine", "synthetic") == fresh


@pytest.mark.slow
@pytest.mark.shared
def test_liberation_day_is_the_same_after_an_engine_solve() -> None:
    shared_path("us-tariff-2025", "trade_cepii.csv")
    fresh = _run("fresh", "liberation-day")
    assert len(fresh) > 100
    assert _run("engine", "liberation-day") == fresh


def test_blocks_in_other_threads_keep_the_limit_until_the_last_one_leaves() -> None:
    from threadpoolctl import threadpool_info

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    inside, entered, leave = [], threading.Event(), threading.Event()

    def worker() -> None:
        with threads.single_blas_thread():
            entered.set()
            leave.wait(10)
            inside.append(blas_threads())

    t = threading.Thread(target=worker)
    with threads.single_blas_thread():
        t.start()
        entered.wait(10)
    leave.set()  # this block is left first: the worker's block must still be limited
    t.join(10)
    assert inside == [{threads.ENGINE_THREADS}]
    # the worker gave the threads back (OpenBLAS 0.3.30 ignores a rise asked by a thread
    # other than the main one, so the number itself is not compared with `before`)
    assert threads._depth == 0 and not threads._held


def test_nested_blocks_restore_the_threads_once() -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(2, user_api="blas"):
        before = [i["num_threads"] for i in threadpool_info()]
        with threads.single_blas_thread():
            with threads.single_blas_thread():
                pass
            assert {i["num_threads"] for i in threadpool_info()
                    if i["user_api"] == "blas"} == {threads.ENGINE_THREADS}
        assert [i["num_threads"] for i in threadpool_info()] == before
