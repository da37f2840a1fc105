"""The claims and Liberation Day reports in a real browser (Debian's chromium, Playwright).

``autarky claims --out DIR --report`` writes claims.html: a chart per claim with its values
and band. The page is opened offline at a desktop and a phone width; the numbers it draws
must equal a direct computation of the same claims (:func:`autarky.claims.compute`).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.helpers import cli
from tests.test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    CHROMIUM,
    WIDTHS,
    _guarded_page,
    _table_showing,
    app_url,
    browser,
    pytestmark,  # the same marks: browser, slow, skipped without Chromium
)

IDS = (4, 5, 7, 9, 10)  # a chart from a country table, bloc choice, by source; none for 9


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("claims") / "c"
    args = [a for i in IDS for a in ("--only", str(i))]
    p = cli("claims", *args, "--out", str(out), "--report")
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="module")
def direct() -> list[Any]:
    from autarky.claims import compute

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute(ids=list(IDS))


@pytest.mark.parametrize("width", WIDTHS)
def test_claims_report_draws_the_computed_values(browser: Any, written: Path,  # noqa: F811
                                                 direct: list[Any], width: int) -> None:
    from autarky.report.claims import chart_data

    page, outside, errors = _guarded_page(browser, width, "file:")
    page.goto((written / "claims.html").as_uri())
    assert page.evaluate("document.querySelector('meta[name=viewport]') !== null")
    for c in direct:
        sel = f"#fig-claim{c.id}"
        expected = chart_data(c)
        if expected is None:  # claim 9: nothing computed, no chart, the text says so
            assert page.locator(sel).count() == 0
            assert "no number computed" in page.locator(f"#claim-{c.id} .band").inner_text()
            continue
        page.wait_for_selector(f"{sel} .scatterlayer .point", timeout=60_000)
        got = page.evaluate(
            """sel => { const gd = document.querySelector(sel); const t = gd._fullData[0];
                const s = gd.layout.shapes[0];
                return {labels: Array.from(t.customdata), x: Array.from(t.x).map(Number),
                        lo: Number(s.x0), hi: Number(s.x1), title: gd.layout.title.text,
                        notes: gd.layout.annotations.map(a => a.text).join(' ')}; }""", sel)
        want = expected.set_index("label")["value"]
        assert sorted(got["labels"]) == sorted(want.index)
        np.testing.assert_allclose(got["x"], want.loc[got["labels"]].to_numpy(), rtol=1e-9)
        np.testing.assert_allclose([got["lo"], got["hi"]], [c.band_low, c.band_high],
                                   rtol=1e-9)
        # title, subtitle (world, year, elasticities) and source on the figure itself
        assert f"Claim {c.id}" in got["title"] and "world:" in got["title"]
        assert "elasticities:" in got["title"] and "Source:" in got["notes"]
        assert "band" in got["notes"]
        # the CSV written beside the page holds the same numbers
        csv = pd.read_csv(written / f"claim{c.id}_chart.csv", comment="#")
        np.testing.assert_allclose(csv.set_index("label")["value"].loc[want.index],
                                   want.to_numpy(), rtol=1e-12)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert outside == [], outside
    assert errors == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"claims-{width}.png"), full_page=False)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_liberation_day_report(browser: Any, tmp_path: Path, width: int) -> None:  # noqa: F811
    from autarky import service
    from autarky.liberation import DATA_FOLDER
    from autarky.report import outputs
    from tests.test_browser import _map_values

    if not (Path(DATA_FOLDER) / "trade_cepii.csv").exists():
        pytest.skip(f"the ILMS (2025) data are not in {DATA_FOLDER}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = service.run(service.RunSpec("liberation-day"))
    path = outputs.write_report(tmp_path / "ld.html", o)
    page, outside, errors = _guarded_page(browser, width, "file:")
    page.goto(path.as_uri())
    page.wait_for_selector("#fig-welfare path.choroplethlocation", timeout=60_000)
    vals = _map_values(page, "#fig-welfare")
    assert len(vals) > 150
    np.testing.assert_allclose([vals[c] for c in vals], o.table["welfare"].loc[list(vals)],
                               rtol=1e-12)
    # the paper's rows (United States, China, EU, rest of the world) in the aggregates table
    text = page.locator("body").inner_text()
    for g, r in o.aggregates.iterrows():
        assert str(g) in text and f"{r['welfare']:+,.3f}" in text, (g, r["welfare"])
    title = page.evaluate("document.querySelector('#fig-welfare').layout.title.text")
    assert "ilms2025" in title and "elasticities" in title
    assert page.evaluate("document.querySelector('meta[name=viewport]') !== null")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert outside == [], outside
    assert errors == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-liberation-day-{width}.png"))
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_app_claims_view(browser: Any, app_url: str, direct: list[Any],  # noqa: F811
                         width: int) -> None:
    from autarky.app.claims_view import _band
    from autarky.report.claims import CHARTS, chart_data

    page, outside, errors = _guarded_page(browser, width, "http://127.0.0.1")
    page.goto(f"{app_url}/?mode=Claims&claims=7,9")
    page.get_by_text("The texts' claims, computed").wait_for(timeout=180_000)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=180_000)
    by_id = {c.id: c for c in direct}
    c7, c9 = by_id[7], by_id[9]
    got = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot'); const t = gd._fullData[0];
            const s = gd.layout.shapes[0];
            return {labels: Array.from(t.customdata), x: Array.from(t.x).map(Number),
                    lo: Number(s.x0), hi: Number(s.x1), title: gd.layout.title.text}; }""")
    want = chart_data(c7).set_index("label")["value"]
    assert sorted(got["labels"]) == sorted(want.index)
    np.testing.assert_allclose(got["x"], want.loc[got["labels"]].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose([got["lo"], got["hi"]], [c7.band_low, c7.band_high], rtol=1e-9)
    assert "Claim 7" in got["title"] and "elasticities:" in got["title"]
    text = page.locator("body").inner_text()
    assert _band(c7, CHARTS[7].unit) in text  # the band, in words, with its unit
    assert "no number computed" in text and c9.claim in text  # claim 9 computes nothing
    assert "claims=7%2C9" in page.url or "claims=7,9" in page.url  # a shareable link
    assert page.locator(".js-plotly-plot").count() == 1  # no chart for claim 9
    assert outside == [], outside
    assert [e for e in errors if "favicon" not in e] == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-claims-{width}.png"))
    page.close()


def test_app_shows_the_range_after_the_headline(browser: Any, app_url: str) -> None:  # noqa: F811
    # the app shows a new result first without its range across elasticity sources, then
    # computes the range and shows it (the same numbers as the run service's)
    from autarky import service

    page, outside, errors = _guarded_page(browser, 1440, "http://127.0.0.1")
    page.goto(f"{app_url}/?world=icio2023&year=2022&mode=Preset&scenario=three-blocs")
    page.get_by_text("low/high: the lowest and highest welfare change across").first.wait_for(
        timeout=180_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = service.run(service.RunSpec("three-blocs", world="icio2023", year=2022))
    assert o.range is not None
    _table_showing(page, [f"{o.range.loc[c, col]:+.3f}"
                          for c in o.result.welfare.sort_values().index[:3]
                          for col in ("low", "high")])
    assert outside == [], outside
    assert [e for e in errors if "favicon" not in e] == [], errors
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("preset", ["liberation-day", "bloc-choice"])
def test_app_kind_views(browser: Any, app_url: str, preset: str,  # noqa: F811
                        width: int) -> None:
    # the app's view of a kind other than one equilibrium: its map equals the run service's
    from autarky import presets, service
    from autarky.liberation import DATA_FOLDER

    if preset == "liberation-day" and not (Path(DATA_FOLDER) / "trade_cepii.csv").exists():
        pytest.skip(f"the ILMS (2025) data are not in {DATA_FOLDER}")
    page, outside, errors = _guarded_page(browser, width, "http://127.0.0.1")
    page.goto(f"{app_url}/?world=icio2023&year=2022&mode=Preset&scenario={preset}")
    page.wait_for_selector(".js-plotly-plot path.choroplethlocation", timeout=180_000)
    page.get_by_text("elasticities:").first.wait_for(timeout=60_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = (service.RunSpec(preset) if preset == "liberation-day" else
                service.RunSpec(preset, world="icio2023", year=2022))
        o = service.run(spec)
    if preset == "liberation-day":
        expected = o.table["welfare"]
    else:  # the map of each swing state's best own option
        expected = o.table["welfare"].unstack("option").idxmax(axis=1).map(
            {x: i for i, x in enumerate(presets.OPTIONS)}).astype(float)
    maps = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation"))
    vals = dict(page.evaluate(
        """gd => { const t = gd._fullData.filter(t => t.type === 'choropleth' && t.showscale)[0];
            return Array.from(t.locations).map((c, k) => [c, Number(t.z[k])]); }""",
        maps.first.element_handle()))
    assert len(vals) >= 5  # icio2023 has 8 swing states with a shape
    # the same root in the app server's process as in this one, whatever each solved
    # before (the BLAS thread limit covers SciPy's LU: tests/test_threads.py)
    np.testing.assert_allclose([vals[c] for c in vals], expected.loc[list(vals)], rtol=1e-12)
    assert outside == [], outside
    assert [e for e in errors if "favicon" not in e] == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-{preset}-{width}.png"))
    page.close()
