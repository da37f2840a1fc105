"""Yotov, Piermartini, Monteiro and Larch (2016), chapter 2, reproduced (needs ../shared).

Published numbers: the RTA estimate 0.5571853 (s.e. 0.055771) printed in the guide's Stata
log ``Chapter2/Applications/2_RTAsEffects/Results/RTAsEffects.log``; the per-country
general-equilibrium results in the guide's Stata results files (yotov2016/*.results.dta).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autarky.data.yotov2016 import read_yotov2016
from autarky.gravity import resistances, simulate, yotov

from .helpers import shared_path

warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyfixest")
pytestmark = pytest.mark.shared

# largest |difference| in percentage points that the engine's exact equilibrium may show
# against the guide's files: the guide stops iterating when prices move < 0.01 and sets
# expenditure to phi*Y without world expenditure equal to world output (see
# test_yotov_engine_equals_guide_iteration_balanced); measured values in the README.
ENGINE_BOUND = {
    "borders": {"rGDP": 0.7, "price": 0.6, "IMR": 0.9, "OMR": 0.7, "exports": 40.0},
    "nafta": {"rGDP": 0.05, "price": 0.15, "IMR": 0.1, "OMR": 0.15, "exports": 1.0},
}
CONDITIONAL = ("exports_CDL", "IMR_CDL", "OMR_CDL")


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return read_yotov2016(shared_path("yotov2016"))


@pytest.fixture(scope="module")
def nafta_est(data):  # type: ignore[no-untyped-def]
    return yotov.nafta_estimate(data)


def _maxdiff(ge, data, experiment):  # type: ignore[no-untyped-def]
    cmp = yotov.compare(ge, data.results[experiment], experiment)
    assert len(cmp) == 69 and cmp.notna().all().all()
    return cmp.xs("diff", axis=1, level=1).abs().max()


def test_yotov_reader(data) -> None:  # type: ignore[no-untyped-def]
    assert data.borders.shape[0] == 69 * 69
    assert "DEU" in set(data.borders.exporter) and "ZZZ" not in set(data.borders.exporter)
    assert "ROU" in set(data.rta_panel.importer)
    assert set(data.results) == {"borders", "nafta"}
    assert data.results["nafta"].loc["DEU", "IMR_BLN"] == pytest.approx(1.0)


@pytest.mark.slow
def test_yotov_rta_estimate_matches_published(nafta_est) -> None:  # type: ignore[no-untyped-def]
    # RTAsEffects.log: "RTA | .5571853 .055771" (7 significant digits printed)
    assert nafta_est.coef["RTA"] == pytest.approx(0.5571853, abs=5e-8)
    # Stata's robust variance carries n/(n-1) (28482/28481): 0.0557700 * 1.0000176
    assert nafta_est.se["RTA"] * np.sqrt(28482 / 28481) == pytest.approx(0.055771, abs=5e-7)
    # the log: 7 pair effects excluded (pairs that never trade), 84 observations
    assert nafta_est.nobs == 28482
    assert int(nafta_est.dropped["observations"].sum()) == 84


def test_yotov_border_estimate_matches_published(data) -> None:  # type: ignore[no-untyped-def]
    # TradeWithoutBorder.log (2006, exporter and importer effects, robust s.e.):
    # ln_DIST -.7912879 (.0501494), CNTG .6736456 (.1073719), INTL_BRDR -2.47445 (.1193816)
    from autarky.gravity import estimate

    est = estimate(data.borders, "trade ~ ln_DIST + CNTG + INTL_BRDR", year=None,
                   vcov="hetero", small_sample=False)
    pub = {"ln_DIST": (-0.7912879, 0.0501494), "CNTG": (0.6736456, 0.1073719),
           "INTL_BRDR": (-2.47445, 0.1193816)}
    n = est.nobs
    for term, (b, se) in pub.items():
        assert est.coef[term] == pytest.approx(b, abs=5e-7), term
        assert est.se[term] * np.sqrt(n / (n - 1)) == pytest.approx(se, abs=5e-7), term


def test_yotov_borders_guide_procedure(data) -> None:  # type: ignore[no-untyped-def]
    """Every country and variable of the guide's file, to rounding (1e-3 pp)."""
    _, ge = yotov.borders(data, method="yotov2016")
    d = _maxdiff(ge, data, "borders")
    assert (d < 1e-3).all(), d.to_dict()


def test_yotov_borders_engine(data) -> None:  # type: ignore[no-untyped-def]
    _, ge = yotov.borders(data, method="engine")
    d = _maxdiff(ge, data, "borders")
    for v in CONDITIONAL:
        assert d[v] < 1e-3, (v, d[v])
    for v, bound in ENGINE_BOUND["borders"].items():
        assert d[v] < bound, (v, d[v])
    assert ge.result.converged


@pytest.mark.slow
def test_yotov_nafta_guide_procedure(data, nafta_est) -> None:  # type: ignore[no-untyped-def]
    _, ge = yotov.nafta(data, est=nafta_est, method="yotov2016")
    d = _maxdiff(ge, data, "nafta")
    assert (d < 1e-3).all(), d.to_dict()


@pytest.mark.slow
def test_yotov_nafta_engine(data, nafta_est) -> None:  # type: ignore[no-untyped-def]
    _, ge = yotov.nafta(data, est=nafta_est, method="engine")
    d = _maxdiff(ge, data, "nafta")
    for v in CONDITIONAL:
        assert d[v] < 1e-3, (v, d[v])
    for v, bound in ENGINE_BOUND["nafta"].items():
        assert d[v] < bound, (v, d[v])
    # removing NAFTA: members lose real GDP, Mexico most
    r = ge.table["rGDP_FULL"]
    assert r[["CAN", "MEX", "USA"]].max() < 0 and r.idxmin() == "MEX"


def test_yotov_engine_equals_guide_iteration_balanced(data) -> None:  # type: ignore[no-untyped-def]
    """Where the guide's iteration is run to convergence on balanced trade (E = Y), it
    reaches the engine's equilibrium: the gaps above are its stopping rule and deficits."""
    from autarky.gravity import cost_term, estimate, to_matrix

    d = data.borders
    est = estimate(d, "trade ~ ln_DIST + CNTG + INTL_BRDR", year=None)
    c = tuple(sorted(d.exporter.unique()))
    X = to_matrix(d, "trade", c)
    t0 = to_matrix(d, cost_term(est, d), c)
    t1 = to_matrix(d, cost_term(est, d, {"INTL_BRDR": 0.0}), c)
    Y = X.sum(axis=0)
    ref = c.index("DEU")
    omr, imr = resistances(t0, Y, Y, ref)
    Xb = Y[None, :] * Y[:, None] * t0 / (imr[:, None] * omr[None, :])
    a = simulate(Xb, t0, t1, c, reference="DEU", method="yotov2016", tol=1e-12)
    b = simulate(Xb, t0, t1, c, reference="DEU", method="engine")
    np.testing.assert_allclose(a.summary().to_numpy(), b.summary().to_numpy(), atol=1e-6)
