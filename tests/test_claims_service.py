"""Each claim's solve is the run service's: its numbers equal 'autarky run' (issue 30)."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest

import autarky as ak
from autarky.service import RunSpec
from autarky.service import run as run_service

claims = importlib.import_module("autarky.claims")  # the module (ak.claims is a function)


@pytest.fixture(scope="module")
def ctx() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return claims.Context("wiod2016")


@pytest.mark.parametrize("preset", ["world-autarky", "no-tourism", "two-blocs",
                                    "us-tariffs-2025"])
def test_claim_solves_equal_the_run_service(ctx: Any, preset: str) -> None:
    w = ctx.headline()
    mine = ctx.solve(w, preset)
    o = run_service(RunSpec(preset, world=w, range=False))
    assert o.result is not None
    np.testing.assert_allclose(mine.welfare.to_numpy(), o.result.welfare.to_numpy(),
                               atol=1e-9)
    # the world number a claim prints is the run's 'world' group
    assert claims._world_welfare(w, mine) == pytest.approx(
        float(o.aggregates.loc["world", "welfare"]), abs=1e-9)


def test_shock_size_is_estimated_from_the_data(ctx: Any) -> None:
    sd, text = claims.shock_sd(ctx)
    assert 0.02 < sd < 0.3  # annual sector-share volatility, not an assumed number
    assert "estimated from the data" in text and "wiod2013" in text


def test_claims_skip_only_the_supply_sensitivity_note(ctx: Any) -> None:
    """Issue 31 item 5: the claims' solves skip the second equilibrium of the
    unavailable-goods sensitivity note, which no claim shows; every number and every
    other note is the run's."""
    from autarky.solve import without_supply_sensitivity

    w = ctx.headline()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = ak.service.solve(w, ak.presets.get("world-autarky"))
        with without_supply_sensitivity():
            lean = ak.service.solve(w, ak.presets.get("world-autarky"))
    mine = ctx.solve(w, "world-autarky")
    tag = "unavailable goods sensitivity"
    assert any(n.startswith(tag) for n in full.notes)  # goods are floored: it binds
    assert [n for n in full.notes if not n.startswith(tag)] == list(lean.notes)
    assert list(mine.notes) == list(lean.notes)
    for r in (lean, mine):
        np.testing.assert_array_equal(r.welfare.to_numpy(), full.welfare.to_numpy())
        np.testing.assert_array_equal(np.asarray(r.w_hat), np.asarray(full.w_hat))
    # claims 1 and 2 keep the welfare of each dataset-year, not its Result
    wel = ctx.autarky_welfare("wiod2016", 2014)
    np.testing.assert_array_equal(wel.to_numpy(), full.welfare.to_numpy())


def test_warm_starts_across_years_keep_the_fixed_point() -> None:
    """Issue 31 item 5: claim 1 solves world autarky year after year, each year started
    from the previous year's equilibrium; the fixed point (so every number, to the
    tolerance) is the cold solve's."""
    from autarky.solve import warm_starts, without_supply_sensitivity

    scn = ak.presets.get("world-autarky")
    store: dict[Any, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        worlds = [ak.load_world("wiod2016", year=y) for y in (2012, 2013)]
        with without_supply_sensitivity():
            cold = [ak.service.solve(w, scn) for w in worlds]
            with warm_starts(store):
                warm = [ak.service.solve(w, scn) for w in worlds]
    assert len(store) == 2  # the deficit-removal stage and the autarky solve
    np.testing.assert_array_equal(warm[0].welfare.to_numpy(), cold[0].welfare.to_numpy())
    assert warm[1].converged
    np.testing.assert_allclose(warm[1].welfare.to_numpy(), cold[1].welfare.to_numpy(),
                               rtol=0, atol=1e-7)
    assert warm[1].iterations != cold[1].iterations or warm[1].history != cold[1].history


def test_context_lets_datasets_and_solves_go() -> None:
    """Issue 31 item 5 (memory): a dataset no later claim reads is let go with its solves;
    asked for again it is loaded and solved again, to the same numbers."""
    from autarky.claims_context import Context

    ctx = Context()
    w = ctx.world("wiod2016")
    a = ctx.solve(w, "world-autarky")
    ctx.drop("wiod2016")
    w2 = ctx.world("wiod2016")
    assert w2 is not w
    b = ctx.solve(w2, "world-autarky")
    assert b is not a
    np.testing.assert_array_equal(b.welfare.to_numpy(), a.welfare.to_numpy())
    ctx.keep_solves({"world-autarky"})
    assert ctx.solve(w2, "world-autarky") is b
    ctx.keep_solves(set())
    assert ctx.solve(w2, "world-autarky") is not b
    # the run's policy: every dataset it lets go is read by no later claim
    assert set(claims.LAST_READ) <= set(ak.data.datasets().index)
    assert max(claims.LAST_READ.values()) <= len(claims.CLAIMS)


def test_world_autarky_of_every_year_in_closed_form_equals_the_solve() -> None:
    """Issue 31 item 5 (claim 1): each dataset-year's world-autarky welfare (the autarky
    step in closed form from the solver's balanced baseline) equals the run service's
    solve, years warm-started or not; the closed form is not taken for another shock."""
    from autarky.claims_context import _closed_autarky

    scn = ak.presets.get("world-autarky")
    store: dict[Any, Any] = {}
    for name, year in (("wiod2016", 2012), ("wiod2016", 2013), ("icio2023", 2016)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = ak.load_world(name, year=year)
            ref = ak.service.solve(w, scn).welfare
        got = _closed_autarky(w, store)
        assert got is not None and list(got.index) == list(ref.index)
        np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-7)
    assert len(store) == 2  # the deficit removal of each dataset, for its next year
    ctx = claims.Context()
    ctx.solve = None  # a dataset-year that is not the headline is not solved in full
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wel = ctx.autarky_welfare("wiod2016", 2012)
    np.testing.assert_allclose(wel.to_numpy(), _closed_autarky(
        ctx.world("wiod2016", 2012), {}).to_numpy(), rtol=0, atol=1e-7)


def test_claim_1_builds_icio194_on_the_icio2023_year_it_solved(monkeypatch) -> None:
    """Issue 31 item 5: inside claim 1's block an icio2023 year solved for world autarky is
    kept until icio194 of that year is built on it (not loaded a second time); the
    repairs noted are the same; outside the block nothing is kept."""
    import autarky.data.embedded_data as ed

    loads: list[str] = []  # icio2023 loaded by icio194's loader
    real = ed._load_tradecube
    monkeypatch.setattr(ed, "_load_tradecube",
                        lambda name, *a, **k: loads.append(name) or real(name, *a, **k))
    ctx = claims.Context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ctx.icio194_on_icio2023():
            ctx.autarky_welfare("icio2023", 2016)
            ctx.world("icio194", 2016)
        assert loads == []
        again = claims.Context()
        again.world("icio2023", 2016)
        again.world("icio194", 2016)
    assert ctx.repairs == again.repairs
    assert ctx._bases is None and loads == ["icio2023"]


def test_claims_run_on_one_blas_thread(monkeypatch) -> None:
    """Issue 31 item 5: the claims run with BLAS on one thread (their products are small;
    claim 3's LU of wiod2013 costs 2-5x the CPU on two threads), and the threads are
    given back afterwards."""
    from threadpoolctl import threadpool_info

    def blas() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    seen: list[set[int]] = []

    def probe(ctx: claims.Context) -> claims.Claim:
        seen.append(blas())
        raise RuntimeError("probed")

    before = blas()
    monkeypatch.setattr(claims, "CLAIMS", (probe, *claims.CLAIMS[1:]))
    with pytest.raises(RuntimeError, match="probed"):
        claims.compute(ids=[1])
    assert seen == [{1}]
    assert blas() == before
