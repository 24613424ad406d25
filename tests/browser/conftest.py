"""Real-browser tests: Playwright drives Debian's Chromium, headless, no browser download."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: the test command installs Debian's chromium package")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; Django's ORM
    # refuses to run beside one unless told it is safe (it is: the loop only drives the browser).
    mp = pytest.MonkeyPatch()
    mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    mp.undo()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    # The map's tiles come from the network, which tests do not have: answer them with nothing.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    path = os.environ.get("LOOMLIGHT_SCREENSHOTS") or tempfile.mkdtemp(prefix="loomlight-shots-")
    os.makedirs(path, exist_ok=True)
    return path


def login(page, base, username):
    """Log in through the login page as a `world` user (their password is set by tests/conftest.py)."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"x-{username}-pw-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
