"""autarky.gravity: PPML estimation, trade-cost scenarios, conditional and full GE."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import autarky as ak
from autarky.errors import DataError
from autarky.gravity import cost_term, estimate, resistances, simulate, to_matrix

warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyfixest")


def _panel(n: int = 6, seed: int = 0, zero_pair: tuple[str, str] | None = None,
           years: tuple[int, ...] = (0,)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    c = ["AUT", "BEL", "CAN", "DEU", "FRA", "USA", "MEX", "JPN"][:n]
    dist = {(e, i): rng.uniform(3, 4) if e == i else rng.uniform(5, 9) for e in c for i in c}
    rows = []
    for y in years:
        for e in c:
            for i in c:
                d = min(dist[e, i], dist[i, e])
                fta = float(e != i and {e, i} <= {"AUT", "BEL", "DEU", "FRA"} and y >= len(years) // 2)
                mu = np.exp(12 - 0.9 * d + 0.5 * fta - 1.5 * (e != i))
                zero = zero_pair is not None and {e, i} == set(zero_pair)
                rows.append({"exporter": e, "importer": i, "year": 2000 + y, "ln_dist": d,
                             "fta": fta, "intl": float(e != i),
                             "trade": 0.0 if zero else float(rng.poisson(mu))})
    return pd.DataFrame(rows)


def test_estimate_recovers_coefficients_and_reports() -> None:
    p = _panel(8)
    est = estimate(p, "trade ~ ln_dist + fta + intl", year=None)
    assert est.coef["ln_dist"] == pytest.approx(-0.9, abs=0.05)
    assert est.coef["fta"] == pytest.approx(0.5, abs=0.1)
    assert est.coef["intl"] == pytest.approx(-1.5, abs=0.2)
    assert est.nobs == 64 and est.dropped.empty
    assert "clustered by pair" in est.vcov and (est.se > 0).all()
    assert "ln_dist" in est.summary()


def test_estimate_reports_separation() -> None:
    p = _panel(6, zero_pair=("CAN", "USA"), years=(0, 1, 2))
    # CAN and USA never trade: their pair effect predicts the zeros perfectly
    est = estimate(p, "trade ~ fta", pair_fe=True, vcov="hetero")
    assert est.nobs < len(p)
    assert est.dropped["observations"].sum() == len(p) - est.nobs
    assert any("separation" in r for r in est.dropped["reason"])
    assert est.separated == ("pair=CAN-USA",)
    assert est.dropped["observations"].sum() == 6


@pytest.mark.parametrize(("change", "msg"), [
    (lambda p: p.drop(columns="fta"), "'fta'"),
    (lambda p: p.assign(fta=p["fta"].astype(object).where(p.index != 3, "x")), "row 4"),
    (lambda p: p.assign(trade=0.0), "no positive flow"),
    (lambda p: p.assign(trade=p["trade"].where(p.index != 5, -1.0)), "row 6"),
])
def test_estimate_bad_panel_one_line(change, msg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=msg):
        estimate(change(_panel()), "trade ~ ln_dist + fta + intl", year=None)


def test_resistances_add_up() -> None:
    p = _panel(6)
    c = tuple(sorted(p.exporter.unique()))
    X = to_matrix(p, "trade", c)
    est = estimate(p, "trade ~ ln_dist + fta + intl", year=None)
    t = to_matrix(p, cost_term(est, p), c)
    Y, E = X.sum(0), X.sum(1)
    omr, imr = resistances(t, Y, E, 0)
    fit = Y[None, :] * E[:, None] * t / (imr[:, None] * omr[None, :])
    np.testing.assert_allclose(fit.sum(0), Y, rtol=1e-10)
    np.testing.assert_allclose(fit.sum(1), E, rtol=1e-10)
    assert imr[0] == 1.0
    # the PPML fitted values with exporter and importer effects are these flows
    np.testing.assert_allclose(to_matrix(p, est.fitted, c), fit, rtol=1e-4)


def test_cost_change_is_engine_trade_cost() -> None:
    p = _panel(6)
    c = tuple(sorted(p.exporter.unique()))
    est = estimate(p, "trade ~ ln_dist + fta + intl", year=None)
    t0 = to_matrix(p, cost_term(est, p), c)
    t1 = to_matrix(p, cost_term(est, p, {"fta": 0.0}), c)
    b = est.coef["fta"]
    ratio = t1 / t0
    fta = to_matrix(p, "fta", c)
    np.testing.assert_allclose(ratio, np.exp(-b * fta))   # exp(b * delta)
    scn = ak.gravity.to_scenario(t0, t1, c, theta=6.0)
    assert isinstance(scn, ak.Scenario)


def test_zero_change_changes_nothing() -> None:
    p = _panel(5)
    c = tuple(sorted(p.exporter.unique()))
    X = to_matrix(p, "trade", c)
    est = estimate(p, "trade ~ ln_dist + intl", year=None)
    t0 = to_matrix(p, cost_term(est, p), c)
    for method in ("engine", "yotov2016"):
        ge = simulate(X, t0, t0, c, method=method)  # type: ignore[arg-type]
        np.testing.assert_allclose(ge.summary().to_numpy(), 0.0, atol=1e-8)


def test_guide_iteration_never_returns_nan() -> None:
    """The guide's undamped iteration can diverge: an error, never NaN; the engine solves."""
    p = _panel(7, seed=3)
    c = tuple(sorted(p.exporter.unique()))
    X = to_matrix(p, "trade", c)
    est = estimate(p, "trade ~ ln_dist + fta + intl", year=None)
    t0 = to_matrix(p, cost_term(est, p), c)
    t1 = to_matrix(p, cost_term(est, p, {"fta": 0.0}), c)
    with pytest.raises(ak.ConvergenceError, match="diverges"):
        simulate(X, t0, t1, c, method="yotov2016", tol=1e-6)
    ge = simulate(X, t0, t1, c, method="engine")
    assert np.isfinite(ge.table.to_numpy()).all()
    # removing the agreement lowers members' exports, conditional and full
    assert (ge.table.loc[["AUT", "BEL", "DEU", "FRA"], "Xi_FULL_pct"] < 0).all()


def test_simulate_change_baselines_differ_as_documented() -> None:
    p = _panel(6, seed=1)
    est = estimate(p, "trade ~ ln_dist + fta + intl", year=None)
    a = ak.gravity.simulate_change(est, p, {"fta": 1}, between=["CAN", "USA"], year=None,
                                   reference="DEU", baseline="fitted")
    b = ak.gravity.simulate_change(est, p, {"fta": 1}, between=["CAN", "USA"], year=None,
                                   reference="DEU", baseline="observed")
    # same resistances (they depend on costs, output and expenditure only) ...
    for col in ("IMR_BLN", "OMR_BLN", "IMR_CDL", "OMR_CDL", "Y_BLN", "E_BLN"):
        np.testing.assert_allclose(a.table[col], b.table[col], rtol=1e-12)
    # ... but baseline exports are the fitted or the observed ones
    c = tuple(sorted(p.exporter.unique()))
    X = to_matrix(p, "trade", c)
    np.fill_diagonal(X, 0.0)
    np.testing.assert_allclose(b.table["Xi_BLN"], X.sum(axis=0))
    assert not np.allclose(a.table["Xi_BLN"], b.table["Xi_BLN"])
    # the agreement raises its members' real GDP under either baseline
    for ge in (a, b):
        assert (ge.table.loc[["CAN", "USA"], "rGDP_FULL"] > 0).all()
        assert ge.table.loc["DEU", "IMR_FULL"] == pytest.approx(1.0)


def test_simulate_change_zero_exporter_one_line() -> None:
    p = _panel(5)
    est = estimate(p, "trade ~ ln_dist + intl", year=None)
    q = p.assign(trade=p["trade"].where(p["exporter"] != "BEL", 0.0))
    with pytest.raises(DataError, match="every flow of exporter BEL is zero"):
        ak.gravity.simulate_change(est, q, {"intl": 0}, year=None)


def test_estimate_leaves_logging_alone() -> None:
    import logging

    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    estimate(_panel(5), "trade ~ ln_dist + intl", year=None)
    assert (list(root.handlers), root.level) == before
