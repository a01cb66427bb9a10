"""Issue 10 point 3 in Chromium: no state changes on GET, none from another site.

A signed-in organiser opens action URLs by hand, and visits a page on another origin (a tiny
http.server on 127.0.0.1, in this developer's port range) that links to an action, redirects
to one and auto-submits a POST form to one: nothing changes. Only the confirmation's own POST,
carrying Django's CSRF token, publishes."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from server.models import Opportunity
from server.tests.browser.conftest import sign_in, snap

pytestmark = pytest.mark.browser
# Two cores shared by many: a page may take longer than Playwright's default 5 s to answer.
expect.set_options(timeout=15_000)

PORTS = range(8611, 8620)


def evil_page(action_url: str, mode: str) -> bytes:
    body = {
        "link": f'<a id="go" href="{action_url}">Win a prize</a>',
        "redirect": f'<script>window.location = "{action_url}";</script>',
        "form": (
            f'<form id="f" method="post" action="{action_url}">'
            '<input name="_form_submitted" value="True"><input name="next" value="https://evil.example/">'
            "</form><script>document.getElementById('f').submit();</script>"
        ),
    }[mode]
    return f"<!doctype html><html><body><h1>Another site</h1>{body}</body></html>".encode()


@pytest.fixture
def other_site():
    """Serves pages[path] from 127.0.0.1 on the first free port of 8611–8619."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            content = pages.get(self.path, b"not found")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = None
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    if server is None:
        pytest.fail(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the cross-site page")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield pages, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def draft(demo):
    opportunity = Opportunity.objects.filter(status="draft").first()
    Opportunity.objects.filter(pk=opportunity.pk).update(title="Not to be published by others")
    opportunity.refresh_from_db()
    return opportunity


def assert_still_draft(opportunity):
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.DRAFT


def test_a_plain_get_of_an_action_url_changes_nothing(page, draft, live_server):
    sign_in(page, "admin@example.org")
    for action in ("publish", "close", "duplicate"):
        response = page.goto(f"/admin/server/opportunity/{draft.pk}/{action}/")
        assert response.status == 200
        expect(page.locator("#dialog form[method=post] input[name=csrfmiddlewaretoken]")).to_have_count(1)
    assert_still_draft(draft)
    assert Opportunity.objects.filter(title__endswith="(copy)").count() == 0
    # The page's own POST (with its CSRF token) is what publishes, and it returns only to this site.
    page.goto(f"/admin/server/opportunity/{draft.pk}/publish/?next=https://evil.example/")
    snap(page, "admin_flow_publish_confirmation_page")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published 1 opportunity.")).to_be_visible()
    assert page.url.startswith(live_server.url)
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.OPEN


@pytest.mark.parametrize("mode", ["link", "redirect", "form"])
def test_a_page_on_another_site_cannot_change_anything(page, draft, live_server, other_site, mode):
    pages, origin = other_site
    sign_in(page, "admin@example.org")
    action_url = f"{live_server.url}/admin/server/opportunity/{draft.pk}/publish/"
    pages["/prize"] = evil_page(action_url, mode)
    page.goto(f"{origin}/prize")
    if mode == "link":
        page.click("#go")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    snap(page, f"admin_flow_cross_site_{mode}")
    assert_still_draft(draft)
    if mode == "form":
        # Django's CSRF check refuses the forged POST.
        expect(page.get_by_text("CSRF verification failed.")).to_be_visible()
    else:
        # The link and the redirect reach only the confirmation, which asks.
        expect(page.get_by_role("heading", name="Publish this opportunity?")).to_be_visible()
