"""Issue 10 points 3–4 in Chromium: a project manager writes a posting with required and
preferred skills and takes it through publish, hold, fill and close (which asks), then
duplicates it; edits typed before a status button are kept; messages read as sentences."""

import re

import pytest
from playwright.sync_api import expect

from server.models import Opportunity
from server.tests.browser.conftest import sign_in, snap
from server.tests.browser.test_admin_browser import choose_autocomplete

pytestmark = pytest.mark.browser
# Two cores shared by many: a page may take longer than Playwright's default 5 s to answer.
expect.set_options(timeout=15_000)


def add_skill(page, tab, kind, prefix, index, skill, level):
    page.get_by_role("link", name=re.compile(tab, re.I)).first.click()
    page.get_by_role("link", name=re.compile(f"Add another {kind} skill", re.I)).click()
    row = page.locator("tr", has=page.locator(f"select[name='{prefix}-{index}-skill']"))
    choose_autocomplete(page, row, skill)
    row.locator(f"input[name='{prefix}-{index}-level']").fill(level)


def header_status(page):
    return page.get_by_test_id("header-status")


def status_button(page, name):
    return page.locator("#submit-row").get_by_role("button", name=name, exact=True)


def test_pm_takes_a_posting_from_draft_to_closed_and_duplicates_it(page):
    sign_in(page, "pm@example.org")
    page.goto("/admin/server/opportunity/add/")
    page.select_option("select[name=project]", label="Food Oasis")
    choose_autocomplete(page, page.locator(".field-role"), "Back End Developer")
    page.fill("input[name=title]", "Flow backend developer")
    page.fill("textarea[name=body]", "Written, published, held, filled and closed in a browser.")
    add_skill(page, "required skills", "required", "skill_requirements", 0, "Python", "4")
    add_skill(page, "preferred skills", "preferred", "skill_requirements-2", 0, "Django", "3")
    page.locator("button[name=_continue]").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    expect(header_status(page)).to_contain_text("Draft")
    opportunity = Opportunity.objects.get(title="Flow backend developer")
    assert sorted((r.skill.name, r.level, r.kind) for r in opportunity.skill_requirements.all()) == [
        ("Django", 3, "preferred"),
        ("Python", 4, "required"),
    ]
    # A draft offers only what a draft allows.
    expect(status_button(page, "Publish")).to_be_visible()
    expect(status_button(page, "Put on hold")).to_have_count(0)
    expect(status_button(page, "Mark filled")).to_have_count(0)

    # An edit typed before a status button is saved with it, not lost.
    page.get_by_role("link", name="General").first.click()
    page.fill("input[name=title]", "Flow backend developer (edited)")
    status_button(page, "Publish").click()
    expect(page.get_by_text("Published 1 opportunity.")).to_be_visible()
    expect(header_status(page)).to_contain_text("Open")
    expect(page.locator("input[name=title]")).to_have_value("Flow backend developer (edited)")
    snap(page, "admin_flow_published")

    status_button(page, "Put on hold").click()
    expect(page.get_by_text("Put 1 opportunity on hold.")).to_be_visible()
    expect(header_status(page)).to_contain_text("On hold")

    status_button(page, "Mark filled").click()
    expect(page.get_by_text("Marked 1 opportunity as filled.")).to_be_visible()
    expect(header_status(page)).to_contain_text("Filled")

    # Close is final: it asks on a page of its own (the edits are saved first), Cancel keeps it.
    status_button(page, "Close…").click()
    expect(page.get_by_role("heading", name="Close this opportunity?")).to_be_visible()
    expect(page.get_by_text("it cannot be undone")).to_be_visible()
    snap(page, "admin_flow_close_confirmation")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.FILLED
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.get_by_text("Closed 1 opportunity.")).to_be_visible()
    expect(header_status(page)).to_contain_text("Closed")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CLOSED
    assert opportunity.title == "Flow backend developer (edited)"
    expect(status_button(page, "Publish")).to_have_count(0)

    status_button(page, "Save and duplicate").click()
    expect(page.get_by_text("Duplicated as a new draft: “Flow backend developer (edited) (copy)”.")).to_be_visible()
    expect(header_status(page)).to_contain_text("Draft")
    expect(page.locator("input[name=title]")).to_have_value("Flow backend developer (edited) (copy)")
    copy = Opportunity.objects.get(title="Flow backend developer (edited) (copy)")
    assert copy.status == Opportunity.Status.DRAFT and copy.pk != opportunity.pk
    assert sorted((r.skill.name, r.kind) for r in copy.skill_requirements.all()) == [
        ("Django", "preferred"),
        ("Python", "required"),
    ]


def test_closing_from_the_row_menu_asks_in_a_dialog(page):
    opportunity = Opportunity.objects.filter(project__managers__email="pm@example.org").first()
    Opportunity.objects.filter(pk=opportunity.pk).update(status="open", title="Row menu posting")
    sign_in(page, "pm@example.org")
    page.goto("/admin/server/opportunity/?q=Row+menu+posting")
    row = page.locator("#result_list tbody tr", has_text="Row menu posting")
    row.get_by_role("button", name=re.compile("^Actions for")).click()
    menu = page.get_by_role("navigation", name="Row actions").locator("visible=true")
    expect(menu.get_by_role("link", name="Publish", exact=True)).to_have_count(0)  # it is open already
    menu.get_by_role("link", name="Close…", exact=True).click()
    dialog = page.locator("#modal-content")
    expect(dialog.get_by_role("heading", name="Close this opportunity?")).to_be_visible()
    snap(page, "admin_flow_row_close_dialog")
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.OPEN
    row.get_by_role("button", name=re.compile("^Actions for")).click()
    menu.get_by_role("link", name="Close…", exact=True).click()
    dialog.get_by_role("button", name="Close", exact=True).click()
    expect(page.get_by_text("Closed 1 opportunity.")).to_be_visible()
    assert "/admin/server/opportunity/?q=Row+menu+posting" in page.url  # back to the same list
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CLOSED
