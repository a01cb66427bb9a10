"""The Content-Security-Policy (server.security.csp) in a real browser: the admin (Unfold's
Alpine.js included), the import page, Swagger UI and the sign-in page work under it, and
Chromium reports no violation on any of them."""

import pytest
from playwright.sync_api import expect

from server.models import Opportunity
from server.tests.browser.conftest import sign_in, snap

pytestmark = pytest.mark.browser

# Playwright's init script runs outside the page's policy; it records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} (${where})`);
});
"""


@pytest.fixture
def watched(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    return page, messages


def violations(page, messages):
    console = [text for text in messages if "Content Security Policy" in text or "Content-Security-Policy" in text]
    return console + page.evaluate("window.__cspViolations || []")


def visit(page, messages, path, name):
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    snap(page, f"csp-{name}")
    assert violations(page, messages) == [], path


def test_the_admin_works_under_the_policy(watched):
    page, messages = watched
    visit(page, messages, "/admin/login/", "login")
    sign_in(page, "admin@example.org")
    assert violations(page, messages) == []
    # Alpine.js started (it removes x-cloak from <html>) and its widgets answer clicks.
    expect(page.locator("html")).not_to_have_attribute("x-cloak", "")
    opportunity = Opportunity.objects.order_by("title").first()
    for path, name in [
        ("/admin/", "dashboard"),
        ("/admin/server/opportunity/", "opportunities"),
        (f"/admin/server/opportunity/{opportunity.pk}/change/", "opportunity"),
        ("/admin/server/volunteer/import/", "import"),
        ("/admin/server/volunteer/export/", "export"),
        ("/admin/axes/accessattempt/", "lockouts"),
    ]:
        visit(page, messages, path, name)
    page.goto("/admin/server/opportunity/")
    page.locator("#nav-sidebar, aside").first.wait_for()
    assert violations(page, messages) == []


def test_swagger_ui_works_under_the_policy(watched):
    page, messages = watched
    visit(page, messages, "/api/docs/", "swagger")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Civic Tech Jobs API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert violations(page, messages) == []


def test_an_admin_import_runs_under_the_policy(watched, tmp_path):
    page, messages = watched
    sign_in(page, "admin@example.org")
    upload = tmp_path / "communities.csv"
    upload.write_text("name,slug,description\nCivic Data,civic-data,Made in the CSP test\n")
    page.goto("/admin/server/communityofpractice/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.select_option("select[name=format]", label="csv")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state("networkidle")
    snap(page, "csp-import-submitted")
    assert "Civic Data" in page.content()
    assert violations(page, messages) == []
    confirm = page.get_by_role("button", name="Confirm import")
    if confirm.count():  # the preview of django-import-export's flow: confirm it too
        confirm.click()
        page.wait_for_load_state("networkidle")
        snap(page, "csp-import-confirmed")
    assert violations(page, messages) == []
