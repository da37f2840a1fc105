"""The Liberation Day tariffs in the ILMS (2025) model: the paper's headline numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autarky.data import read_ilms2025
from autarky.errors import DataError, ScenarioError
from autarky.liberation import PRESETS, liberation_day

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "us-tariff-2025"
needs_data = pytest.mark.skipif(not (FOLDER / "trade_cepii.csv").exists(),
                                reason="../shared/data/us-tariff-2025 not available")
pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return read_ilms2025(FOLDER)


@needs_data
def test_baseline(data) -> None:  # type: ignore[no-untyped-def]
    assert len(data.countries) == 194 and data.countries[data.us] == "USA"
    np.testing.assert_allclose(data.E, data.X.sum(axis=0))
    assert abs(data.nu[data.us] - 0.2707) < 1e-3 and abs(data.nu[0] - 0.1144) < 1e-3
    assert data.us_tariff.min() == 0.0 and np.sort(data.us_tariff)[1] >= 0.1


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize(("preset", "usa"), [("liberation-day", 1.13),
                                             ("liberation-day-reciprocal", -0.36),
                                             ("liberation-day-optimal-retaliation", -0.75)])
def test_headline_numbers(data, preset: str, usa: float) -> None:  # type: ignore[no-untyped-def]
    # Ignatenko, Lashkaripour, Macedoni, Simonovska (2025), Tables 1-2: US welfare
    res = liberation_day(data, PRESETS[preset])
    assert res.converged
    assert abs(res.welfare["USA"] - usa) <= 0.005 + 1e-9
    assert np.isfinite(res.frame.to_numpy()).all()


@needs_data
def test_bad_input(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError):
        liberation_day(data, "sometimes")  # type: ignore[arg-type]
    with pytest.raises(DataError):
        read_ilms2025(tmp_path)
