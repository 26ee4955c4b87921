"""Headless Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

Screenshots of each main screen go to var/screenshots/ (git-ignored) so anyone can look at what a
user sees. Tests here are marked `browser`; without /usr/bin/chromium they are skipped with how to
install it, and CI (REQUIRE_SERVICES=1) fails instead.
"""

import os
from pathlib import Path

import pytest

from tests.support.services import ROOT

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = ROOT / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages on the live server: new_page(locale="de-DE", mobile=True) or width=768."""
    contexts = []

    def open_page(*, locale: str = "en-US", mobile: bool = False, width: int | None = None):
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        if width is not None:
            # A tablet held upright is 768 px wide; a desktop 1280.
            viewport = {"width": width, "height": 1024 if width < 1000 else 900}
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport=viewport, timezone_id="Europe/Berlin"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "shop-product") saves var/screenshots/shop-product.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
