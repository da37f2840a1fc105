"""The solver-rule intervals beside a headline equal separate solves; literature under it.

Issue 30 item 3: the deficit rule and the supply rule for goods without a home supplier
are shown as intervals (low/high over the two rules) wherever they move an economy by more
than 0.1 pp; each end must be the headline solved under that rule on its own. Item 4: the
published numbers of the preset are a table of every outcome.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

import autarky as ak
from autarky import literature, run
from autarky.service import RunSpec
from autarky.service import run as run_service


@pytest.fixture(scope="module")
def autarky_wiod() -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.RepairWarning)
        return run_service(RunSpec("world-autarky", world="wiod2016", range=False))


def test_intervals_equal_separate_solves(autarky_wiod: object) -> None:
    o = autarky_wiod
    tab = o.extras["rule_intervals"]  # type: ignore[attr-defined]
    world, opts = o.world, o.options  # type: ignore[attr-defined]
    scn = ak.presets.get("world-autarky")
    head = o.result.welfare  # type: ignore[attr-defined]
    for label, alt in (("deficits", dataclasses.replace(opts, deficits="fixed")),
                       ("supply", dataclasses.replace(opts, floor_rule="tenth"))):
        assert f"{label} low" in tab.columns, label
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            other = run.solve(world, scn, "median", alt).welfare
        countries = [c for c in tab.index if c in world.countries]
        assert countries
        for c in countries:
            lo, hi = tab.at[c, f"{label} low"], tab.at[c, f"{label} high"]
            assert lo == pytest.approx(min(head[c], other[c]), abs=1e-6)
            assert hi == pytest.approx(max(head[c], other[c]), abs=1e-6)
        # every economy the rule moves by more than 0.1 pp is listed, up to the cap
        moved = (other - head).abs()
        listed = tab[f"{label} high"] - tab[f"{label} low"]
        assert (listed.reindex(countries).dropna() > 0).any()
        assert len([c for c in moved.index if moved[c] > 0.1]) >= 1
    assert np.all(tab["headline"].reindex(head.index).dropna().index.isin(head.index))
    assert "tenth" in tab.attrs["text"] and "0.1 pp" in tab.attrs["text"]


def test_default_supply_rule_lies_inside_the_stated_bound(autarky_wiod: object) -> None:
    # the latent home supply is at most the smallest recorded supplier's share
    o = autarky_wiod
    assert o.options.floor_rule == "smallest"  # type: ignore[attr-defined]
    assert any("rule 'smallest'" in n for n in o.result.notes)  # type: ignore[attr-defined]


def test_literature_under_every_result(autarky_wiod: object) -> None:
    lit = autarky_wiod.extras["literature"]  # type: ignore[attr-defined]
    assert list(lit.iloc[:, 0]) == literature.lines("world-autarky")
    assert "Why numbers may differ" in lit.attrs["text"]


def test_report_shows_rules_and_literature(autarky_wiod: object, tmp_path) -> None:  # noqa: ANN001
    from autarky.report import outputs

    text = outputs.write_report(tmp_path / "r.html", autarky_wiod).read_text()
    assert "Published numbers beside this result" in text
    assert "Solver rules" in text and "Why numbers may differ" in text
