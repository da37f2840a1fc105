"""Regenerate the screenshots in docs/ from the current code (Debian's chromium, Playwright).

    PYTHONPATH=src python scripts/screenshots.py

Writes docs/report.png and docs/report-phone.png (the two-blocs report at 1440 and 390 px),
docs/claims.png and docs/claims-phone.png (the claims report of ``autarky claims --out DIR
--report``, every claim) and docs/app.png and docs/app-phone.png (the app's landing page,
the default result). The browser runs offline: any request outside the page's own origin
is refused.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CHROMIUM = os.environ.get("AUTARKY_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SIZES = {"": (1440, 900), "-phone": (390, 844)}


def _offline(page, origin: str) -> None:  # type: ignore[no-untyped-def]
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        (origin, "data:", "blob:", "ws://127.0.0.1")) else r.abort())


def report_shots(browser) -> None:  # type: ignore[no-untyped-def]
    from autarky import service
    from autarky.report import outputs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = service.run(service.RunSpec("two-blocs"))
    with tempfile.TemporaryDirectory() as d:
        path = outputs.write_report(Path(d) / "report.html", o)
        for suffix, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            _offline(page, "file:")
            page.goto(path.as_uri())
            page.wait_for_selector("#fig-map path.choroplethlocation", timeout=60_000)
            page.locator("#fig-map").scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(DOCS / f"report{suffix}.png"))
            page.close()


def claims_shots(browser) -> None:  # type: ignore[no-untyped-def]
    from autarky.claims import REPAIRS, compute
    from autarky.report import claims_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        items = compute()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "claims.html"
        path.write_text(claims_report(items, None, REPAIRS), encoding="utf-8")
        for suffix, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            _offline(page, "file:")
            page.goto(path.as_uri())
            page.wait_for_selector("#fig-claim1 .scatterlayer .point", timeout=60_000)
            page.locator("#claim-1").scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(DOCS / f"claims{suffix}.png"))
            page.close()


def app_shots(browser) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "src"))
    from autarky.app import streamlit_args

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(streamlit_args("127.0.0.1", port), env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the app did not start on {url}") from None
                time.sleep(0.5)
        for suffix, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            _offline(page, "http://127.0.0.1")
            page.goto(url)
            page.wait_for_selector(".js-plotly-plot path.choroplethlocation",
                                   timeout=180_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(DOCS / f"app{suffix}.png"))
            page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            report_shots(browser)
            claims_shots(browser)
            app_shots(browser)
        finally:
            browser.close()
    print("written:", ", ".join(str(x.relative_to(REPO)) for x in sorted(DOCS.glob("*.png"))))


if __name__ == "__main__":
    main()
