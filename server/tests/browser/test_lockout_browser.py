"""The sign-in lockout as a person meets it: after the failures, the sign-in page says why
and for how long (server.security.lockout)."""

import pytest
from playwright.sync_api import expect

from server.tests.browser.conftest import PASSWORD, snap

pytestmark = pytest.mark.browser


def test_a_locked_out_sign_in_says_so_on_the_sign_in_page(page, settings):
    settings.AXES_FAILURE_LIMIT = 3  # the environment's LOGIN_FAILURE_LIMIT, small to be quick
    page.goto("/admin/")  # the sign-in page, back to the dashboard afterwards
    for attempt in range(3):
        page.fill("input[name=username]", "pm@example.org")
        page.fill("input[name=password]", f"wrong-{attempt}")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    message = page.locator("#lockout-message")
    expect(message).to_contain_text("Too many failed sign-ins for this account from your address")
    expect(message).to_contain_text("blocked for 15 minutes")
    snap(page, "lockout-message")
    # The right password does not open it now; another account still signs in from here.
    page.fill("input[name=username]", "pm@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#lockout-message")).to_be_visible()
    page.fill("input[name=username]", "admin@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
