"""The admin in a real browser: sign in, dashboard, create, publish, filter, PM scope."""

import re

import pytest
from playwright.sync_api import expect

from server.models import CommunityOfPractice, Opportunity, Project
from server.tests.browser.conftest import sign_in, snap

pytestmark = pytest.mark.browser


def test_sign_in_shows_the_dashboard_kpi_cards(page):
    sign_in(page, "admin@example.org")
    cards = page.locator(".kpi-card")
    expect(cards).to_have_count(4)
    for title in ["Open opportunities", "Applications, last 7 days", "Active volunteers", "Median days to fill"]:
        expect(page.get_by_text(title, exact=True)).to_be_visible()
    open_count = Opportunity.objects.filter(status="open").count()
    expect(cards.first.locator(".kpi-value")).to_have_text(str(open_count))
    expect(page.get_by_text("Development").or_(page.get_by_text("Production"))).to_be_visible()


def choose_autocomplete(page, container, text):
    container.locator(".select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_create_an_opportunity_with_two_required_skills(page):
    sign_in(page, "pm@example.org")
    page.goto("/admin/server/opportunity/add/")
    page.select_option("select[name=project]", label="Food Oasis")
    choose_autocomplete(page, page.locator(".field-role"), "Back End Developer")
    page.fill("input[name=title]", "Browser-made backend developer")
    page.fill("textarea[name=body]", "Made in a real browser.")
    page.get_by_role("link", name=re.compile("required skills", re.I)).first.click()
    for index, (skill, level) in enumerate([("Python", "4"), ("Django", "3")]):
        page.get_by_role("link", name=re.compile("Add another required skill", re.I)).click()
        row = page.locator("tr", has=page.locator(f"select[name='skill_requirements-{index}-skill']"))
        choose_autocomplete(page, row, skill)
        row.locator(f"input[name='skill_requirements-{index}-level']").fill(level)
    snap(page, "opportunity_form_required_skills")
    page.locator("button[name=_save]").click()
    expect(page.locator("text=was added successfully")).to_be_visible()
    created = Opportunity.objects.get(title="Browser-made backend developer")
    assert created.project.name == "Food Oasis"
    assert sorted((r.skill.name, r.level, r.kind) for r in created.skill_requirements.all()) == [
        ("Django", 3, "required"),
        ("Python", 4, "required"),
    ]


def test_publish_with_the_action_changes_the_label(page):
    draft = Opportunity.objects.filter(status="draft").select_related("project").first()
    Opportunity.objects.filter(pk=draft.pk).update(title="Draft to publish")
    sign_in(page, "admin@example.org")
    page.goto("/admin/server/opportunity/?q=Draft+to+publish")
    row = page.locator("#result_list tbody tr", has_text="Draft to publish")
    expect(row.get_by_text("Draft", exact=True)).to_be_visible()
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", value="publish_selected")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("Published 1 opportunity.")).to_be_visible()
    row = page.locator("#result_list tbody tr", has_text="Draft to publish")
    expect(row.get_by_text("Open", exact=True)).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == "open"


def test_filter_the_list_by_community_of_practice(page):
    community = CommunityOfPractice.objects.get(name="Data Science")
    sign_in(page, "admin@example.org")
    page.goto("/admin/server/opportunity/")
    page.locator("a", has_text="Filters").first.click()
    page.select_option("select[name=role__community_of_practice__id__exact]", value=str(community.pk))
    page.get_by_role("button", name=re.compile("Apply", re.I)).click()
    page.wait_for_url(re.compile(rf"role__community_of_practice__id__exact={community.pk}"))
    cells = page.locator("#result_list tbody td.field-community_of_practice_display")
    expect(cells.first).to_be_visible()
    assert set(cells.all_inner_texts()) == {"Data Science"}


def test_project_manager_sees_only_their_projects(page):
    sign_in(page, "pm@example.org")
    page.goto("/admin/server/opportunity/")
    cells = page.locator("#result_list tbody td.field-project")
    expect(cells.first).to_be_visible()
    mine = set(Project.objects.filter(managers__email="pm@example.org").values_list("name", flat=True))
    assert mine == {"Civic Tech Jobs", "Food Oasis"}
    assert set(cells.all_inner_texts()) <= mine
    snap(page, "project_manager_opportunity_list")
    page.goto("/admin/")
    expect(page.get_by_text("Your projects only.")).to_be_visible()
    expect(page.locator("#nav-sidebar, nav").get_by_text("Users", exact=True)).to_have_count(0)
