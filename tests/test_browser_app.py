"""The app's Nash (tariff war) view and its bloc map in a real browser (Debian's chromium).

One app server for the module (the ``app_url`` fixture of tests/test_browser.py). The Nash
view's numbers must equal a direct run of the same question through the run service; a
click on the bloc map adds the country to the bloc (a second click removes it).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    CHROMIUM,
    WIDTHS,
    _guarded_page,
    _idle,
    app_url,
    browser,
    pytestmark,  # the same marks: browser, slow, skipped without Chromium
)

_TRACE = """gd => { const t = gd._fullData.filter(t => t.type === 'choropleth' && t.showscale)[0];
    return [t.name || '', Array.from(t.locations).map((c, k) => [c, Number(t.z[k])])]; }"""


@pytest.fixture(scope="module")
def nash_direct() -> Any:
    from autarky import run as run_
    from autarky import service

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return service.run(service.RunSpec("nash", world="wiod2016", year=2014,
                                           elasticities=run_.elasticities("median")))


@pytest.mark.parametrize("width", WIDTHS)
def test_app_nash_view(browser: Any, app_url: str, nash_direct: Any,  # noqa: F811
                       width: int) -> None:
    o = nash_direct
    page, outside, errors = _guarded_page(browser, width, "http://127.0.0.1")
    page.goto(f"{app_url}/?world=wiod2016&year=2014&elasticities=median&mode=Preset"
              "&scenario=nash")
    page.get_by_text(f"{o.name} on wiod2016 2014").wait_for(timeout=120_000)
    page.get_by_text("elasticities: median").first.wait_for(timeout=30_000)
    maps = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation"))
    maps.nth(1).locator("path.choroplethlocation").first.wait_for(timeout=60_000)
    assert maps.count() == 2  # welfare and tariffs
    frame = o.table
    for k, col in enumerate(("welfare_pct", "tariff_pct")):
        _, pairs = page.evaluate(_TRACE, maps.nth(k).element_handle())
        vals = dict(pairs)
        assert len(vals) >= len(frame) - 1  # every economy with a shape (RoW has none)
        np.testing.assert_allclose([vals[c] for c in vals], frame.loc[list(vals), col],
                                   rtol=1e-12)
    # the world's welfare metric (income-weighted) and the table's formatted cells
    world = float(o.aggregates.loc["world", "welfare"])
    metric = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert f"{world:+.2f}%" in metric, metric
    # the table's CSV download carries the same numbers (the grid itself is a canvas)
    _idle(page)
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="CSV: nash").click()
    got = pd.read_csv(dl.value.path()).set_index("country")
    np.testing.assert_allclose(got[["tariff_pct", "welfare_pct"]].to_numpy(float),
                               frame.loc[got.index, ["tariff_pct", "welfare_pct"]]
                               .to_numpy(float), rtol=1e-12)
    assert sorted(got.index) == sorted(frame.index)
    assert outside == [], outside
    assert [e for e in errors if "favicon" not in e] == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-nash-{width}.png"), full_page=True)
    page.close()


def _settled(page: Any) -> None:
    """:func:`_idle`, and the bloc map drawn again."""
    _idle(page)
    page.wait_for_selector(".js-plotly-plot path.choroplethlocation", timeout=60_000)
    page.wait_for_timeout(500)


def _click_country(page: Any, code: str) -> None:
    """A real mouse click in the middle of ``code``'s shape on the bloc map (once the app
    has settled)."""
    _settled(page)
    box = page.evaluate(
        """code => { const ps = Array.from(document.querySelectorAll(
                '.js-plotly-plot path.choroplethlocation'));
            const p = ps.find(p => p.__data__ && p.__data__.loc === code);
            if (!p) return null;
            const r = p.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2]; }""", code)
    assert box is not None, code
    page.mouse.click(*box)


def _click_until(page: Any, code: str, before: str, after: str) -> None:
    """Click ``code`` on the bloc map until the caption reads ``after``.

    A click that lands while Streamlit redraws the map can be lost (CI: one run in several,
    at any of the clicks). A click is repeated only while the caption still reads
    ``before`` (the click was lost, not counted): a click counted twice would toggle the
    country back and fail the test.
    """
    for attempt in range(3):
        _click_country(page, code)
        try:
            page.get_by_text(after, exact=True).wait_for(timeout=20_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; checked below
            if attempt == 2 or not page.get_by_text(before, exact=True).is_visible():
                raise
    raise AssertionError(f"{after!r} never shown")


def test_map_clicks_add_to_the_bloc(browser: Any, app_url: str) -> None:  # noqa: F811
    page, outside, errors = _guarded_page(browser, 1440, "http://127.0.0.1")
    page.set_viewport_size({"width": 1440, "height": 1400})
    not_found: list[str] = []  # the URL of every response 404 (the console's message has none)
    page.on("response", lambda r: not_found.append(r.url) if r.status == 404 else None)
    page.goto(f"{app_url}/?world=icio2023&year=2022&mode=Build%20a%20bloc&members=RUS")
    page.get_by_text("Bloc: RUS", exact=True).wait_for(timeout=120_000)
    page.wait_for_selector(".js-plotly-plot path.choroplethlocation", timeout=60_000)
    _click_until(page, "DEU", "Bloc: RUS", "Bloc: DEU, RUS")
    page.wait_for_timeout(500)  # the map drawn anew with DEU in colour
    # a second click adds: it does not replace DEU
    _click_until(page, "POL", "Bloc: DEU, RUS", "Bloc: DEU, POL, RUS")
    # the URL follows the app's run (it may be written a moment after the text)
    page.wait_for_url(lambda u: "members=DEU%2CPOL%2CRUS" in u or "members=DEU,POL,RUS" in u,
                      timeout=60_000)
    page.wait_for_timeout(500)
    page.keyboard.down("Shift")  # shift-click (plotly's "add to the selection") adds too
    _click_until(page, "UKR", "Bloc: DEU, POL, RUS", "Bloc: DEU, POL, RUS, UKR")
    page.keyboard.up("Shift")
    page.wait_for_timeout(500)
    # a click on a member removes it
    _click_until(page, "DEU", "Bloc: DEU, POL, RUS, UKR", "Bloc: POL, RUS, UKR")
    assert outside == [], outside
    # four reruns in a few seconds: the browser may still fetch the table's CSV of a run
    # Streamlit has already replaced (its media file gone: a 404 and the download button's
    # "source error"); the download itself is checked in test_app_nash_view. Only those:
    # every 404 is one of Streamlit's media files, and the console says nothing else
    media = f"{app_url}/media/"
    assert [u for u in not_found if not u.startswith(media) and "favicon" not in u] == [], \
        not_found
    stale = ("the server responded with a status of 404 (Not Found)",
             "Download Button source error - 404")
    assert [e for e in errors if "favicon" not in e and not e.endswith(stale)] == [], errors
    assert len([e for e in errors if e.endswith(stale[0])]) <= len(not_found), \
        (errors, not_found)
    page.close()
