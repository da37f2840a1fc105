"""Solved rows of the vectorised calibration: one solve for calibration and range, kept by code.

``autarky run`` of a bloc preset recalibrates the barrier under each elasticity source
and takes the range from the same batched solve (issue 31, target 2); a row solved by an
earlier run of the same code on the same data (``solved.json``, keyed by the numerics
fingerprint) is used without a solve, and a row of other code is never used.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import autarky as ak
from autarky import calibrate, run
from autarky.data import calibrations
from autarky.errors import ScenarioWarning
from autarky.solve import to_shock
from autarky.sweep import draw_elasticities, solve_rows


@pytest.fixture(scope="module")
def wiod() -> ak.World:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return ak.load_world("wiod2016")


@pytest.fixture()
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTARKY_CACHE", str(tmp_path))
    # the shipped rows left out: everything here is solved or kept by these tests
    monkeypatch.setattr(calibrations, "_solved_paths",
                        lambda: (tmp_path / "solved.json", tmp_path / "none.json"))
    return tmp_path


def test_range_rows_are_the_calibration_solves_and_kept_by_code(wiod, empty_cache,
                                                                monkeypatch):
    scn = ak.presets.get("two-blocs")
    opts = run.options(scn)
    first = run.source_range(wiod, scn, opts)
    assert first is not None and "one batched solve" in first.attrs["text"]
    rows = json.loads((empty_cache / "solved.json").read_text())
    assert len(rows) == 8 and all(len(r["welfare"]) == len(wiod.countries)
                                  for r in rows.values())
    # the rows are the range: the same equilibria solved on their own (solve_rows)
    thetas, names, _ = draw_elasticities(wiod, draws=None)
    th = thetas.to_numpy()
    scns, _ = calibrate.prepare_sources(wiod, scn, th, run._return_unconverged(scn, opts))
    shocks = [to_shock(wiod, s, t) for s, t in zip(scns, th, strict=True)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        W, conv, _, _ = solve_rows(wiod, shocks, np.arange(8), th, opts, notes=[])
    assert conv.all()
    for k, src in enumerate(names):
        np.testing.assert_allclose(first[str(src)].reindex(wiod.countries), W[k], atol=1e-8)
    # the next run of the same code: every row kept, no solve, the same numbers
    again = run.source_range(wiod, scn, opts)
    assert again is not None and "solved by an earlier run of this code" in again.attrs["text"]
    assert again.equals(first)
    # other code (another numerics fingerprint): the rows are not used
    monkeypatch.setattr("autarky.data.store.numerics_fingerprint", lambda: "other-code")
    other = run.source_range(wiod, scn, opts)
    assert other is not None and "one batched solve" in other.attrs["text"]
    np.testing.assert_allclose(other[["low", "high"]], first[["low", "high"]], atol=1e-8)


def test_a_damaged_solved_row_is_solved_again(wiod, empty_cache):
    scn = ak.presets.get("two-blocs")
    opts = run.options(scn)
    first = run.source_range(wiod, scn, opts)
    path = empty_cache / "solved.json"
    rows = json.loads(path.read_text())
    k = next(iter(rows))
    rows[k]["welfare"] = "not numbers"
    path.write_text(json.dumps(rows))
    again = run.source_range(wiod, scn, opts)
    assert again is not None and "7 kept from an earlier run" in again.attrs["text"]
    np.testing.assert_allclose(again[["low", "high"]], first[["low", "high"]], atol=1e-8)


def test_shipped_rows_serve_the_default_run() -> None:
    """A new user's ``autarky run`` takes the range from embedded/solved.json, if current."""
    rows, current, fingerprint = calibrations.shipped_solved()
    assert rows > 0
    if current == 0:
        pytest.skip(f"embedded/solved.json is of other code than this ({fingerprint}): "
                    "re-run scripts/build_calibrations.py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        w = ak.load_world("icio2023", year=2022)
    scn = ak.presets.get("two-blocs")
    rng = run.source_range(w, scn, run.options(scn))
    assert rng is not None and "solved by an earlier run of this code" in rng.attrs["text"]
    assert rng["low"].le(rng["high"]).all()


def test_shipped_rows_serve_the_default_bloc_choice(tmp_path, monkeypatch) -> None:
    """A new user's ``autarky run bloc-choice --world icio2023`` solves no bloc-choice row:
    the table and the range come from embedded/solved.json (autarky.blocsolve kept rows)."""
    from autarky import blocsolve

    rows, current, fingerprint = calibrations.shipped_solved()
    if current == 0:
        pytest.skip(f"embedded/solved.json is of other code than this ({fingerprint}): "
                    "re-run scripts/build_calibrations.py")
    monkeypatch.setenv("AUTARKY_CACHE", str(tmp_path))
    shipped = calibrations._solved_paths()[1]
    monkeypatch.setattr(calibrations, "_solved_paths",
                        lambda: (tmp_path / "solved.json", shipped))

    def solved(*a, **k):
        raise AssertionError("a bloc-choice row was solved: embedded/solved.json lacks this "
                             "code's rows; re-run scripts/build_calibrations.py")

    monkeypatch.setattr(blocsolve, "solve_table", solved)
    out = ak.service.run(ak.RunSpec("bloc-choice", world="icio2023"))
    assert "solved by an earlier run of this code" in out.range.attrs["text"]
    assert out.table["welfare"].notna().all() and len(out.table) == 3 * 8
