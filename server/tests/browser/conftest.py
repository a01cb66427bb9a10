"""Playwright driving Debian's /usr/bin/chromium against pytest-django's live server.

The tests skip, saying why, only when /usr/bin/chromium is missing (`playwright install`
cannot download browsers here). Each test saves a PNG under test-output/browser/.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "browser"
PASSWORD = "civictech"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous, so tell Django they are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("Browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The seeded demo: real catalog, admin/pm/pm2 accounts, a few generated postings and people."""
    from server.seeding import seed_demo

    seed_demo(password=PASSWORD, volunteers=40, opportunities=40, seed=1)


@contextmanager
def browser_page(chromium, base_url, name):
    """A fresh browser context and page on `base_url`; a full-page PNG named `name` at the end."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, base_url=base_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(chromium, live_server, demo, request):
    with browser_page(chromium, live_server.url, request.node.name) as page:
        yield page


def snap(page, name):
    """An extra screenshot mid-test (the fixture also takes one at the end)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def sign_in(page, email, password=PASSWORD):
    page.goto("/admin/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
