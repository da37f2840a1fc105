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


@pytest.mark.parametrize("preset", ["world-autarky", "no-tourism", "two-blocs"])
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
