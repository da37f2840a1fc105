"""In a real browser (Debian's chromium driven by Playwright): the app and the offline report.

Never ``playwright install``: the tests use the system Chromium at ``/usr/bin/chromium``
(CI installs it with apt-get). Screenshots are kept in ``$AUTARKY_ARTIFACTS`` (default
``artifacts/`` in the repository) as test artifacts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autarky as ak

CHROMIUM = os.environ.get("AUTARKY_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("AUTARKY_ARTIFACTS", REPO / "artifacts"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _solve(preset: str) -> ak.Result:
    w = ak.load_world("icio2023", year=2022)
    s = ak.presets.get(preset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ak.run.solve(w, s, options=s.solve_options(unavailable="floor"))


def _map_values(page: Any, selector: str) -> dict[str, float]:
    """Country -> value of the choropleth trace that carries the data (plotly's full data)."""
    pairs = page.evaluate(
        """sel => { const gd = document.querySelector(sel);
            const t = gd._fullData.filter(t => t.type === 'choropleth' && t.showscale)[0];
            return Array.from(t.locations).map((c, k) => [c, Number(t.z[k])]); }""", selector)
    return {c: v for c, v in pairs}


def _idle(page: Any, timeout: float = 60_000) -> None:
    """Wait until the app's script run is over (Streamlit's running icon gone).

    A click while Streamlit reruns the script lands on an element about to be replaced
    and can be lost: on a loaded machine one run in several lost a map click or the CSV
    download's click.
    """
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')""",
        timeout=timeout)


def _table_showing(page: Any, texts: list[str], timeout: float = 90_000) -> str:
    """The first table's text once it shows every one of ``texts`` (or an AssertionError).

    After Run, Streamlit replaces the page's elements in the script's order and keeps the
    earlier run's elements until then: the new subheader can be on the page while the
    table below it still shows the previous result (CI, 3111a5e's stop: the two-blocs
    table read under "custom bloc on icio2023 2022"). So the table is read once the run
    is over and it shows the numbers asked for; a table that never does fails the test
    with its text.
    """
    _idle(page, timeout)
    table = page.locator('[data-testid="stTable"]').first
    try:
        page.wait_for_function(
            """texts => { const t = document.querySelector('[data-testid="stTable"]');
                return t !== null && texts.every(x => t.innerText.includes(x)); }""",
            arg=texts, timeout=timeout)
    except Exception as err:  # noqa: BLE001 - Playwright's TimeoutError, reported below
        raise AssertionError(f"the table never showed {texts}: {table.inner_text()[:500]}") \
            from err
    return str(table.inner_text())


def test_report_map_renders_offline(browser: Any, tmp_path: Path) -> None:
    from autarky.report import report_input, write_report

    res = _solve("two-blocs")
    w = ak.load_world("icio2023", year=2022)
    page_file = write_report(tmp_path / "report.html", report_input(
        w, ak.presets.get("two-blocs"), res, {"dataset": "icio2023", "year": 2022}))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    asked: list[str] = []

    def route(r: Any) -> None:
        asked.append(r.request.url)
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_selector("#fig-map path.choroplethlocation", timeout=30_000)
    assert page.locator("#fig-map path.choroplethlocation").count() > 200  # data + grey rest
    vals = _map_values(page, "#fig-map")
    assert len(vals) == len(w.countries) - 1  # every economy but ROW
    np.testing.assert_allclose([vals[c] for c in vals], res.welfare.loc[list(vals)], rtol=1e-12)
    assert page.locator("#fig-bars .bars path").count() >= 80
    assert [u for u in asked if not u.startswith("file:")] == [], asked
    assert errors == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"))
    page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    from autarky.app import streamlit_args

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(streamlit_args("127.0.0.1", port), env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout else ""
                pytest.fail(f"the app did not start on {url}: {out[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_app_runs_a_preset_and_shows_map_and_table(browser: Any, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def route(r: Any) -> None:
        u = r.request.url
        if u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(u)
            r.abort()

    page.route("**/*", route)
    page.goto(app_url)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Preset")
    box.wait_for(timeout=60_000)
    box.locator("input").click()
    page.keyboard.type("three-blocs")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".js-plotly-plot path.choroplethlocation", timeout=90_000)
    page.get_by_text("three-blocs on icio2023 2022").wait_for(timeout=30_000)
    res = _solve("three-blocs")
    # the table of largest losses shows the solved numbers (read first: once it shows them,
    # the map above it is this run's too)
    worst = res.welfare.sort_values().index[:3]
    _table_showing(page, [t for c in worst for t in (c, f"{res.welfare[c]:+.3f}")])
    maps = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation"))
    gd = maps.first.element_handle()
    vals = page.evaluate(
        """gd => { const t = gd._fullData.filter(t => t.type === 'choropleth' && t.showscale)[0];
            return Array.from(t.locations).map((c, k) => [c, Number(t.z[k])]); }""", gd)
    vals = dict(vals)
    assert len(vals) == 80
    np.testing.assert_allclose([vals[c] for c in vals], res.welfare.loc[list(vals)], rtol=1e-12)
    page.get_by_text("Download Excel workbook").wait_for()
    assert outside == [], outside
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"))
    page.close()


def test_app_builds_a_bloc_from_the_country_list(browser: Any, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_text("Build a bloc").wait_for(timeout=60_000)
    page.get_by_text("Build a bloc").click()
    page.get_by_text("Bloc: BLR, KAZ, RUS").wait_for(timeout=60_000)  # the list's default
    page.get_by_role("button", name="Run").click()
    page.get_by_text("custom bloc on icio2023 2022").wait_for(timeout=90_000)
    w = ak.load_world("icio2023", year=2022)
    scn = ak.Scenario.bloc(["BLR", "KAZ", "RUS"], external_tariff=0.1, name="bloc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ak.solve(w, scn, options=scn.solve_options(unavailable="floor"))
    worst = res.welfare.idxmin()
    _table_showing(page, [worst, f"{res.welfare[worst]:+.3f}"])
    page.close()


# --- every report kind and the app's landing page at a desktop and a phone width

WIDTHS = (1440, 390)


def _guarded_page(browser: Any, width: int, origin: str) -> tuple[Any, list[str], list[str]]:
    """A page that refuses (and records) any request outside ``origin`` and records errors."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        u = r.request.url
        if u.startswith((origin, "data:", "blob:")) or (
                origin.startswith("http://127.0.0.1") and u.startswith("ws://127.0.0.1")):
            r.continue_()
        else:
            outside.append(u)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, outside, errors


def _small_dots(page: Any, selector: str) -> int:
    return int(page.evaluate(
        """sel => { const gd = document.querySelector(sel);
            const t = gd._fullData.filter(t => t.type === 'scattergeo')[0];
            return t ? t.lon.length : 0; }""", selector))


@pytest.fixture(scope="module")
def outcomes_by_kind() -> dict[str, Any]:
    from autarky import service

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"equilibrium": service.run(service.RunSpec("two-blocs", range=False)),
                "nash": service.run(service.RunSpec("nash", world="wiod2016",
                                                    method="formula"))}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["equilibrium", "nash"])
def test_report_of_each_kind_at_each_width(browser: Any, tmp_path: Path,
                                           outcomes_by_kind: dict[str, Any], kind: str,
                                           width: int) -> None:
    from autarky.report import outputs

    o = outcomes_by_kind[kind]
    path = outputs.write_report(tmp_path / "report.html", o)
    page, outside, errors = _guarded_page(browser, width, "file:")
    page.goto(path.as_uri())
    sel = "#fig-map" if kind == "equilibrium" else "#fig-welfare"
    page.wait_for_selector(f"{sel} path.choroplethlocation", timeout=60_000)
    vals = _map_values(page, sel)
    expected = o.welfare.astype(float)
    assert len(vals) >= len(expected) - 1  # every economy with a shape (ROW has none)
    np.testing.assert_allclose([vals[c] for c in vals], expected.loc[list(vals)], rtol=1e-12)
    assert page.evaluate("document.querySelector('meta[name=viewport]') !== null")
    # the layout fits the width: nothing wider than the viewport but scrollable tables
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    title = page.evaluate(f"document.querySelector('{sel}').layout.title.text")
    assert "elasticities" in title and o.meta["dataset"] in title  # subtitle on the figure
    if kind == "equilibrium":  # Singapore and other small economies drawn as dots
        assert _small_dots(page, sel) >= 5
        assert "SGP" in page.evaluate(
            f"document.querySelector('{sel}')._fullData.filter(t => t.type === "
            "'scattergeo')[0].text.join(' ')")
    assert outside == [], outside
    assert errors == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{kind}-{width}.png"))
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_app_landing_page_shows_the_default_result(browser: Any, app_url: str,
                                                  width: int) -> None:
    from autarky import service

    page, outside, errors = _guarded_page(browser, width, "http://127.0.0.1")
    page.goto(app_url)
    page.wait_for_selector(".js-plotly-plot path.choroplethlocation", timeout=120_000)
    page.get_by_text("two-blocs on icio2023 2022").wait_for(timeout=30_000)
    page.get_by_text("elasticities: median").first.wait_for(timeout=30_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = service.run(service.RunSpec("two-blocs", world="icio2023", year=2022))
    maps = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation"))
    vals = dict(page.evaluate(
        """gd => { const t = gd._fullData.filter(t => t.type === 'choropleth' && t.showscale)[0];
            return Array.from(t.locations).map((c, k) => [c, Number(t.z[k])]); }""",
        maps.first.element_handle()))
    np.testing.assert_allclose([vals[c] for c in vals], o.welfare.loc[list(vals)], rtol=1e-12)
    assert "world=icio2023" in page.url and "scenario=two-blocs" in page.url  # shareable
    assert page.get_by_text("Deploy").count() == 0
    assert outside == [], outside
    assert [e for e in errors if "favicon" not in e] == [], errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-{width}.png"))
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_and_bloc_choice_reports(browser: Any, tmp_path: Path, width: int) -> None:
    from autarky import presets, service
    from autarky.report import outputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = service.run(service.RunSpec("two-blocs", range=False))
        b = service.run(service.RunSpec("three-blocs", range=False))
        bc = service.run(service.RunSpec("bloc-choice", world="icio2023", range=False))
    cmp_path = outputs.write_compare_report(tmp_path / "cmp.html", a, b)
    bc_path = outputs.write_report(tmp_path / "bc.html", bc)
    for path, sel, expected in (
            (cmp_path, "#fig-difference", (b.result.welfare - a.result.welfare)),
            (bc_path, "#fig-best_option", bc.table["welfare"].unstack("option").idxmax(
                axis=1).map({o: i for i, o in enumerate(presets.OPTIONS)}).astype(float))):
        page, outside, errors = _guarded_page(browser, width, "file:")
        page.goto(path.as_uri())
        page.wait_for_selector(f"{sel} path.choroplethlocation", timeout=60_000)
        vals = _map_values(page, sel)
        assert vals, sel
        np.testing.assert_allclose([vals[c] for c in vals], expected.loc[list(vals)],
                                   rtol=1e-12)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        assert outside == [] and errors == [], (outside, errors)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{path.stem}-{width}.png"))
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_app_compare_view_from_a_shared_link(browser: Any, app_url: str, width: int) -> None:
    from autarky import service

    page, outside, errors = _guarded_page(browser, width, "http://127.0.0.1")
    page.goto(f"{app_url}/?world=icio2023&year=2022&mode=Compare&a=two-blocs&b=three-blocs")
    page.get_by_text("three-blocs vs two-blocs on icio2023 2022").wait_for(timeout=120_000)
    page.wait_for_selector(".js-plotly-plot path.choroplethlocation", timeout=60_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = service.run(service.RunSpec("two-blocs", world="icio2023", year=2022))
        b = service.run(service.RunSpec("three-blocs", world="icio2023", year=2022))
    maps = page.locator(".js-plotly-plot").filter(has=page.locator("path.choroplethlocation"))
    vals = dict(page.evaluate(
        """gd => { const t = gd._fullData.filter(t => t.type === 'choropleth' && t.showscale)[0];
            return Array.from(t.locations).map((c, k) => [c, Number(t.z[k])]); }""",
        maps.first.element_handle()))
    diff = b.result.welfare - a.result.welfare
    np.testing.assert_allclose([vals[c] for c in vals], diff.loc[list(vals)], rtol=1e-9,
                               atol=1e-12)
    assert outside == [], outside
    assert [e for e in errors if "favicon" not in e] == [], errors
    page.close()
