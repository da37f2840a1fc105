"""Result store: reuse, resume after a kill, atomic files, concurrent writers, DuckDB."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.data.store import ResultStore
from autarky.errors import DataError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
import autarky as ak
w = ak.load_world("icio2023", year=2022)
def progress(done, total):
    print(done, total, flush=True)
ak.sweep(w, ak.presets.get("two-blocs"), draws=int(sys.argv[2]), seed=int(sys.argv[3]),
         chunk=int(sys.argv[4]), store=sys.argv[1], progress=progress)
print("finished", flush=True)
"""


@pytest.fixture(scope="module")
def world() -> ak.World:
    return ak.load_world("icio2023", year=2022)


@pytest.fixture(scope="module")
def nafta() -> ak.Scenario:
    return ak.Scenario.bloc(["USA", "CAN", "MEX"], name="nafta-fta")


def _env() -> dict[str, str]:
    src = str(Path(ak.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _spawn(store: Path, draws: int, seed: int, chunk: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(store), str(draws), str(seed),
                             str(chunk)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env())


def test_repeat_reuses_and_extends(tmp_path, world, nafta):
    a = ak.sweep(world, nafta, draws=6, seed=1, chunk=4, store=tmp_path)
    assert (a.solved, a.reused) == (6, 0)
    b = ak.sweep(world, nafta, draws=6, seed=1, chunk=3, store=tmp_path)
    assert (b.solved, b.reused) == (0, 6)
    np.testing.assert_array_equal(a.welfare.to_numpy(), b.welfare.to_numpy())
    # the first draws of a longer run with the same seed are the same draws: reused
    c = ak.sweep(world, nafta, draws=10, seed=1, store=tmp_path)
    assert (c.solved, c.reused) == (4, 6)
    # anything the number depends on changes the key: options, scenario, elasticities
    d = ak.sweep(world, nafta, draws=6, seed=1, store=tmp_path,
                 options=ak.SolveOptions(deficits="proportional"))
    assert d.reused == 0
    st = ResultStore(tmp_path)
    assert st.count() == 16
    assert not list(tmp_path.glob(".tmp-*"))
    q = st.query("SELECT label, count(*) AS n FROM results WHERE options LIKE "
                 "'%\"fixed\"%' GROUP BY label ORDER BY label")
    assert len(q) == 10 and (q["n"] == len(world.countries)).all()
    with pytest.raises(DataError, match="query"):
        st.query("SELECT nonsense FROM results")
    before = st.query("SELECT key, country, welfare FROM results ORDER BY key, country")
    st.compact()
    assert len(st.files()) == 1
    after = st.query("SELECT key, country, welfare FROM results ORDER BY key, country")
    pd.testing.assert_frame_equal(before, after)
    assert ak.sweep(world, nafta, draws=10, seed=1, store=tmp_path).solved == 0


def test_scenario_sweep_store(tmp_path, world):
    scns = {"a": ak.Scenario.bloc(["USA", "CAN"]), "b": ak.Scenario.bloc(["RUS", "KAZ"])}
    ak.sweep_scenarios(world, scns, store=tmp_path)
    again = ak.sweep_scenarios(world, {"b": scns["b"]}, store=tmp_path)
    assert again.reused == 1
    got = ResultStore(tmp_path).query("SELECT DISTINCT scenario, kind FROM results "
                                      "ORDER BY scenario")
    assert got["scenario"].tolist() == ["a", "b"] and set(got["kind"]) == {"scenario"}


@pytest.mark.slow
def test_killed_sweep_resumes_and_loses_nothing(tmp_path, world):
    store = tmp_path / "store"
    proc = _spawn(store, draws=80, seed=7, chunk=4)
    assert proc.stdout is not None
    done = 0
    for line in proc.stdout:  # wait until some chunks are stored, then kill it hard
        done = int(line.split()[0])
        if done >= 24:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    stored = ResultStore(store).count()
    assert 24 <= stored < 80, "the run was not interrupted halfway"
    resumed = ak.sweep(world, ak.presets.get("two-blocs"), draws=80, seed=7, store=store)
    assert resumed.reused == stored and resumed.solved == 80 - stored
    fresh = ak.sweep(world, ak.presets.get("two-blocs"), draws=80, seed=7)
    # rows batched differently stop at different iterations: equal to solver tolerance
    assert np.abs(resumed.welfare.to_numpy() - fresh.welfare.to_numpy()).max() <= 1e-8
    assert ResultStore(store).count() == 80
    assert ak.sweep(world, ak.presets.get("two-blocs"), draws=80, seed=7,
                    store=store).solved == 0


@pytest.mark.slow
def test_two_processes_writing_at_once(tmp_path, world):
    store = tmp_path / "store"
    procs = [_spawn(store, draws=24, seed=11, chunk=4), _spawn(store, draws=24, seed=12,
                                                                chunk=4)]
    t0 = time.time()
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "finished" in out
    assert time.time() - t0 < 300
    st = ResultStore(store)
    for f in st.files():  # every file complete and readable
        assert len(pd.read_parquet(f)) > 0
    assert not list(store.glob(".tmp-*"))
    assert st.count() == 48
    for seed in (11, 12):
        again = ak.sweep(world, ak.presets.get("two-blocs"), draws=24, seed=seed, store=store)
        assert again.solved == 0
        fresh = ak.sweep(world, ak.presets.get("two-blocs"), draws=24, seed=seed, chunk=4)
        assert np.abs(again.welfare.to_numpy() - fresh.welfare.to_numpy()).max() <= 1e-12
