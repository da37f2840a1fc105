"""The Liberation Day tariffs in the ILMS (2025) model: the paper's headline numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autarky.data import read_ilms2025
from autarky.errors import DataError, ScenarioError
from autarky.liberation import PRESETS, liberation_day, summary, table
from autarky.model.ilms import ILMSParams

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


# Ignatenko, Lashkaripour, Macedoni, Simonovska (2025), J. Int. Econ. 157, 104138: Table 1
# (p. 6; cases 1-2) and Table 2 (p. 7; cases 1-2), columns welfare, employment, prices (%),
# as printed (MAGA2025_JIE.pdf, github.com/ahmadlp/ahmadlp.github.io). Aggregates are
# absorption-weighted averages (liberation.summary).
PUBLISHED = {
    ("none", "income-tax"): {"USA": (1.13, 0.32, 12.8), "non-US (average)": (-0.58, -0.14, -4.7)},
    ("none", "lump-sum"): {"USA": (-0.01, -0.41, 13.1), "non-US (average)": (-0.57, -0.14, -4.8)},
    ("reciprocal", "income-tax"): {"USA": (-0.36, -0.18, 7.5), "CHN": (-0.82, -0.16, -3.7),
                                   "EU": (-0.22, -0.09, -2.6),
                                   "non-US (average)": (-0.46, -0.13, -2.7)},
    ("optimal", "income-tax"): {"USA": (-0.75, -0.32, 6.0), "CHN": (-0.65, -0.13, -3.3),
                                "EU": (-0.23, -0.09, -2.1),
                                "non-US (average)": (-0.43, -0.13, -2.2)},
}


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize(("retaliation", "rebate"), list(PUBLISHED))
def test_tables_1_2(data, retaliation: str, rebate: str) -> None:  # type: ignore[no-untyped-def]
    res = liberation_day(data, retaliation, ILMSParams(rebate=rebate))  # type: ignore[arg-type]
    got = summary(res, data)
    for region, values in PUBLISHED[(retaliation, rebate)].items():
        # published to 2 decimals (welfare, employment) and 1 decimal (prices): ours must
        # round to the printed number (within half a unit of its last digit)
        for col, pub, half in zip(("welfare", "employment", "cpi"), values,
                                  (0.005, 0.005, 0.05), strict=True):
            assert abs(got.loc[region, col] - pub) <= half + 1e-6, (region, col,
                                                                    got.loc[region, col])


def test_presets_listed() -> None:
    tab = table()
    assert list(tab.index) == list(PRESETS)
    assert tab["sources"].str.contains("Ignatenko").all()
