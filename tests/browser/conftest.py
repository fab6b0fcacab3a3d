"""Browser tests: the system Chromium driven through Playwright's sync API.

Playwright is started per test module and stopped afterwards. While it runs, its asyncio
loop counts as running in the test thread, and Django refuses ORM calls from such a thread
unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The variable is therefore set in os.environ just
before Playwright starts and restored once it stops, so the rest of the suite keeps Django's
check.

Chromium is expected at /usr/bin/chromium (``playwright install`` cannot download browsers
here). Without it the tests are skipped, unless REQUIRE_BROWSER=1 makes that a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# An iPhone-sized screen: the pages must work at 375 px.
PHONE_VIEWPORT = {"width": 375, "height": 812}


def _browser_unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER=1 demands browser tests.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        _browser_unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_unavailable("the playwright package is not installed")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone_page(chromium):
    """A fresh browser context (no cookies) showing a phone-sized page in English."""
    context = chromium.new_context(viewport=PHONE_VIEWPORT, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
