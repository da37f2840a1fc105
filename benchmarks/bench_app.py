"""The browser app's speed: a cached rerun and a custom bloc, clicked in a real browser.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_app.py [--repeats R] [--baseline PATH_TO_SRC]

Starts a real ``autarky app`` server (``python -m autarky.cli app --port N``, this
checkout's code, and with ``--baseline`` a second one on another checkout's ``src``) and
drives it with Playwright in Debian's chromium (``/usr/bin/chromium``, offline: every
request outside the app's own origin is refused). Times are taken in the page, from the
click on Run:

1. **cached rerun**: the landing page's result (two-blocs on icio2023 2022) is on screen;
   Run is clicked again with the same settings; until the script has finished and nothing
   on the page is stale (``.stApp[data-test-script-state=notRunning]``) (target: 0.5 s);
2. **custom bloc**: in "Build a bloc" (BLR, KAZ, RUS by a shared link), the common external
   tariff is moved one step (a bloc not solved yet) and Run clicked; until the result
   table shows the new numbers (target: 5 s), and, **with range**, until the range across
   elasticity sources computed after it is shown too and the script has finished.

Medians over ``--repeats`` (each custom bloc a new tariff, so a new solve), and with a
baseline the ratio baseline / this code.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("AUTARKY_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DONE = """() => { const a = document.querySelector('.stApp');
    if (!a || a.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const t = document.querySelector('[data-testid="stTable"]');
    return !!t && t.offsetParent !== null; }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(src: Path) -> Iterator[str]:
    """``autarky app`` of the code in ``src`` on a free port; stopped at the end."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.Popen([sys.executable, "-c", "from autarky.cli import main; main()",
                             "app", "--port", str(port)], env=env, cwd=src.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the app did not start on {url}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _page(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else r.abort())
    return page


def _click_run(page: Any, timeout: float = 180_000) -> tuple[float, float]:
    """Seconds from the click on Run to the result shown (see the module's docstring).

    Both ends are taken in the page (``performance.now()``): the click event on the button,
    and the first animation frame at which the result is shown; Playwright's own latency
    (finding the button, polling) is not counted. Returns (first, complete): the first
    frame with a result table whose numbers differ from those before the click, not stale
    (a new result; the app shows the headline first and the range across elasticity
    sources after it), and the first frame with the script finished and nothing stale.
    For a rerun of the same result ``first`` is ``complete``.
    """
    # any change of the script state after the click means a run started (a fast run can
    # go to 'running' and back before the observer is called)
    page.evaluate("""() => { window.__ranSinceClick = false;
        const a = document.querySelector('.stApp');
        new MutationObserver(() => { window.__ranSinceClick = true; })
            .observe(a, {attributes: true, attributeFilter: ['data-test-script-state']});
        window.__tClick = null; window.__tDone = null; window.__tFirst = null;
        const table = () => document.querySelector('[data-testid="stTable"]');
        const before = table() ? table().innerText : '';
        document.addEventListener('click', () => {
            window.__tClick = performance.now();
            const done = DONE_FN;
            const tick = () => {
                const t = table();
                if (window.__tFirst === null && t && t.offsetParent !== null
                        && t.closest('[data-stale="true"]') === null && t.innerText !== before)
                    window.__tFirst = performance.now();
                if (window.__ranSinceClick && done()) {
                    window.__tDone = performance.now(); } else { requestAnimationFrame(tick); } };
            requestAnimationFrame(tick); }, {capture: true, once: true}); }""".replace(
        "DONE_FN", DONE))
    page.get_by_role("button", name="Run").click()
    page.wait_for_function("() => window.__tDone !== null", timeout=timeout, polling=50)
    first, done = page.evaluate("""() => [(window.__tFirst ?? window.__tDone) - window.__tClick,
                                          window.__tDone - window.__tClick]""")
    return float(first) / 1000, float(done) / 1000


def _settle(page: Any) -> None:
    page.wait_for_function(DONE, timeout=300_000, polling=100)
    page.wait_for_timeout(500)


def measure(browser: Any, url: str, repeats: int) -> dict[str, list[float]]:
    """The two timings, ``repeats`` times each, on the server at ``url``."""
    out: dict[str, list[float]] = {"cached rerun": [], "custom bloc": [],
                                   "custom bloc, with range": []}
    page = _page(browser, url)
    page.goto(f"{url}/?world=icio2023&year=2022&elasticities=median&mode=Preset"
              "&scenario=two-blocs")
    _settle(page)  # the landing page solves (and caches) the default result
    for _ in range(repeats):
        out["cached rerun"].append(_click_run(page)[1])
        print(f"  cached rerun: {out['cached rerun'][-1]:.2f} s", file=sys.stderr)
        page.wait_for_timeout(300)
    page.close()
    page = _page(browser, url)
    page.goto(f"{url}/?world=icio2023&year=2022&elasticities=median&mode=Build+a+bloc"
              "&members=BLR,KAZ,RUS&tariff=0.1")
    _settle(page)
    for k in range(repeats):
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowRight")  # one step up: a tariff not solved yet
        page.wait_for_function(f"() => location.search.includes('tariff=0.{11 + k}')",
                               timeout=120_000)
        _settle(page)
        first, done = _click_run(page)
        out["custom bloc"].append(first)
        out["custom bloc, with range"].append(done)
        print(f"  custom bloc: {first:.2f} s, with range {done:.2f} s", file=sys.stderr)
        page.wait_for_timeout(300)
    page.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None,
                    help="another checkout's src folder (e.g. /work/wt-base/src)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    runs = {"this code": REPO / "src"}
    if args.baseline is not None:
        runs = {"baseline": args.baseline, **runs}
    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name, src in runs.items():
                with server(src) as url:
                    results[name] = measure(browser, url, args.repeats)
        finally:
            browser.close()
    for name, res in results.items():
        for what, times in res.items():
            print(f"{name:10s} {what:23s} median {statistics.median(times):6.2f} s  "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times)})")
    if "baseline" in results:
        for what in results["this code"]:
            b = statistics.median(results["baseline"][what])
            a = statistics.median(results["this code"][what])
            print(f"ratio baseline / this code, {what}: {b / a:.1f}x")


if __name__ == "__main__":
    main()
