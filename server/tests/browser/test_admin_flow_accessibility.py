"""Issue 10 point 12: axe-core finds no critical or serious violation on the login page, the
dashboard, the opportunity list and an opportunity change page; the row "⋯" menu works by
keyboard; icon names are not read aloud."""

import pytest
from playwright.sync_api import expect

from server.models import Opportunity
from server.tests.browser.axe import axe_violations, describe
from server.tests.browser.conftest import OUTPUT, PASSWORD

pytestmark = pytest.mark.browser
# Two cores shared by many: a page may take longer than Playwright's default 5 s to answer.
expect.set_options(timeout=15_000)


@pytest.fixture
def a11y_page(chromium, live_server, demo, request):
    # axe is injected as a script tag; the admin's CSP (scripts from this origin only) would refuse it.
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page, email="pm@example.org"):
    page.goto("/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def assert_no_blocking_violations(page):
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"


def test_login_page_has_no_serious_violation(a11y_page):
    a11y_page.goto("/admin/login/")
    assert_no_blocking_violations(a11y_page)


@pytest.mark.parametrize("path", ["/admin/", "/admin/server/opportunity/", "change"])
def test_admin_pages_have_no_serious_violation(a11y_page, path):
    sign_in(a11y_page)
    if path == "change":
        opportunity = Opportunity.objects.filter(project__managers__email="pm@example.org").first()
        path = f"/admin/server/opportunity/{opportunity.pk}/change/"
    a11y_page.goto(path)
    assert_no_blocking_violations(a11y_page)


def test_row_menu_works_by_keyboard_and_icons_are_silent(a11y_page):
    draft = Opportunity.objects.filter(project__managers__email="pm@example.org").first()
    Opportunity.objects.filter(pk=draft.pk).update(status="draft", title="Keyboard draft")
    draft.refresh_from_db()
    sign_in(a11y_page)
    a11y_page.goto("/admin/server/opportunity/?q=" + draft.title)
    trigger = a11y_page.locator("#result_list tbody tr", has_text=draft.title).get_by_role(
        "button", name=f"Actions for {draft}"
    )
    trigger.focus()
    a11y_page.keyboard.press("Enter")
    menu = a11y_page.get_by_role("navigation", name="Row actions").locator("visible=true")
    expect(menu).to_be_visible()
    # Only what a draft allows: publish, close, duplicate.
    expect(menu.get_by_role("link")).to_have_count(3)
    for name in ["Publish", "Close…", "Duplicate"]:  # accessible names: the icon glyph is aria-hidden
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert a11y_page.evaluate("document.activeElement.querySelector('.grow').textContent.trim()") == "Publish"
    a11y_page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert a11y_page.evaluate("document.activeElement.getAttribute('aria-haspopup')") == "true"
    # No icon ligature ("more_horiz", "rocket_launch") is exposed to a screen reader.
    spoken = a11y_page.evaluate(
        """() => [...document.querySelectorAll('.material-symbols-outlined')]
                 .filter(el => !el.closest('[aria-hidden=true]') && el.offsetParent !== null)
                 .map(el => el.textContent.trim())"""
    )
    assert spoken == []
