"""The admin lists, the application page and the dashboard in a real browser, as a PM or an
organiser uses them: moving an applicant along with notes, filtering by skill, finding drafts,
a PM never reading another project's draft, and the dashboard of a first run."""

import re

import pytest
from playwright.sync_api import expect

from server.models import Application, Opportunity, User, Volunteer, VolunteerSkill
from server.seeding import SeedReport, ensure_accounts
from server.tests.browser.conftest import PASSWORD, browser_page, sign_in, snap

pytestmark = pytest.mark.browser

SECRET = "Top secret VRMS-less draft"


def choose_in_select2(page, container, text, *, exact=True):
    container.locator(".select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    option = re.compile(rf"^\s*{re.escape(text)}\s*$") if exact else text
    page.locator(".select2-results__option", has_text=option).first.click()


def filter_field(page, name):
    """The filter panel's block holding the input or select named `name`."""
    return page.locator("div.group", has=page.locator(f"[name='{name}']")).last


def open_filters(page):
    page.locator("a", has_text="Filters").first.click()


def test_applicant_moved_new_contacted_onboarded_with_notes_kept(page):
    application = (
        Application.objects.filter(status="new", opportunity__project__managers__email="pm@example.org")
        .select_related("volunteer")
        .first()
    )
    url = f"/admin/server/application/{application.pk}/change/"
    sign_in(page, "pm@example.org")
    page.goto(url)
    # A readable header: the breadcrumb names the application; the applicant is all there.
    expect(page.locator("h1, nav").get_by_text(str(application), exact=False).first).to_be_visible()
    expect(page.locator(f'a[href="mailto:{application.volunteer.email}"]')).to_be_visible()
    expect(page.get_by_text("out of 100 for this opportunity").or_(page.get_by_text("No match:"))).to_be_visible()
    expect(page.get_by_role("button", name="Mark new")).to_have_count(0)
    snap(page, "application_change_new")

    page.fill("textarea[name=internal_notes]", "Called, sounds keen.")
    page.get_by_role("button", name="Mark contacted").click()
    # Saved, then asked (the volunteer is emailed): a note for them, then confirm.
    page.fill("textarea[name=note]", "We will call you this week.")
    page.get_by_role("button", name="Mark contacted", exact=True).click()
    expect(page.get_by_text(re.compile(r"Marked .*as contacted"))).to_be_visible()
    expect(page.locator(".current-status")).to_have_text("Contacted")
    expect(page.locator(".current-status")).to_be_visible()
    expect(page.locator("textarea[name=internal_notes]")).to_have_value("Called, sounds keen.")
    expect(page.get_by_role("button", name="Mark contacted")).to_have_count(0)

    page.fill("textarea[name=internal_notes]", "Called, sounds keen. Starts Monday.")
    page.get_by_role("button", name="Mark onboarded").click()
    page.get_by_role("button", name="Mark onboarded", exact=True).click()  # the email's confirmation
    expect(page.get_by_text(re.compile(r"Marked .*as onboarded"))).to_be_visible()
    application.refresh_from_db()
    assert (application.status, application.internal_notes) == ("onboarded", "Called, sounds keen. Starts Monday.")
    history = page.locator(".history-table")
    expect(history.get_by_text("Status: Contacted → Onboarded")).to_be_visible()
    expect(history.get_by_text("Status: New → Contacted")).to_be_visible()
    expect(history.get_by_text("pm@example.org").first).to_be_visible()
    expect(history.get_by_text("None")).to_have_count(0)
    snap(page, "application_change_onboarded")


def test_search_and_filter_volunteers_by_skill(page):
    sign_in(page, "pm@example.org")
    page.goto("/admin/server/volunteer/")
    page.fill("#searchbar", "Python")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Python"))
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    holders = Volunteer.objects.filter(skill_levels__skill__name__icontains="Python").distinct().count()
    assert holders > 0 and rows.count() == min(holders, 50)
    expect(page.locator("[data-testid=active-filters]").get_by_text("Python")).to_be_visible()

    levels = sorted(VolunteerSkill.objects.filter(skill__name="Python").values_list("level", flat=True))
    level = levels[-1]
    assert levels[0] < level, "the demo should hold Python at several levels, so the minimum narrows"
    page.goto("/admin/server/volunteer/")
    open_filters(page)
    choose_in_select2(page, filter_field(page, "skill"), "Python")
    page.fill("input[name=skill_level]", str(level))
    page.get_by_role("button", name=re.compile("Apply", re.I)).click()
    page.wait_for_url(re.compile(rf"skill_level={level}"))
    chips = page.locator("[data-testid=active-filters]")
    expect(chips.get_by_text(f"Python, level {level} or more")).to_be_visible()
    snap(page, "volunteers_filtered_by_skill")
    emails = set(page.locator("#result_list tbody td.field-email").all_inner_texts())
    expected = set(
        VolunteerSkill.objects.filter(skill__name="Python", level__gte=level).values_list("volunteer__email", flat=True)
    )
    assert emails and emails == expected
    chips.get_by_role("link", name="Remove filter Skill").click()
    expect(page.locator("[data-testid=active-filters]")).to_have_count(0)


def test_filter_opportunities_by_skill_and_find_drafts(page):
    sign_in(page, "admin@example.org")
    page.goto("/admin/server/opportunity/")
    page.get_by_role("link", name="Draft", exact=True).click()
    page.wait_for_url(re.compile(r"status__exact=draft"))
    statuses = page.locator("#result_list tbody td.field-status_label").all_inner_texts()
    assert statuses and {text.strip().lower() for text in statuses} == {"draft"}
    open_filters(page)
    choose_in_select2(page, filter_field(page, "skill"), "Python")
    page.get_by_role("button", name=re.compile("Apply", re.I)).click()
    page.wait_for_url(re.compile(r"skill="))
    chips = page.locator("[data-testid=active-filters]")
    expect(chips.get_by_text("Python, any level")).to_be_visible()
    expect(chips.get_by_text("Draft")).to_be_visible()
    titles = set(page.locator("#result_list tbody th.field-title, #result_list tbody td.field-title").all_inner_texts())
    expected = set(
        Opportunity.objects.filter(status="draft", skill_requirements__skill__name="Python").values_list(
            "title", flat=True
        )
    )
    assert {title.strip() for title in titles} == expected


def test_a_new_draft_tops_the_opportunity_list(page):
    sign_in(page, "pm@example.org")
    page.goto("/admin/server/opportunity/add/")
    page.select_option("select[name=project]", label="Food Oasis")
    choose_in_select2(page, page.locator(".field-role"), "Back End Developer", exact=False)
    page.fill("input[name=title]", "Fresh draft at the top")
    page.fill("textarea[name=body]", "Just written.")
    page.locator("button[name=_save]").click()
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Fresh draft at the top")


def test_pm2_never_sees_another_projects_draft_title(page):
    draft = Opportunity.objects.filter(status="draft").exclude(project__managers__email="pm2@example.org").first()
    Opportunity.objects.filter(pk=draft.pk).update(title=SECRET)
    volunteer = Volunteer.objects.filter(status="active").first()
    Application.objects.get_or_create(opportunity=draft, volunteer=volunteer)
    sign_in(page, "pm2@example.org")
    visited = [
        f"/admin/server/application/?opportunity__id__exact={draft.pk}",
        f"/admin/server/opportunity/?q={SECRET.split()[0]}",
        "/admin/server/opportunity/?status__exact=draft",
        f"/admin/server/volunteer/{volunteer.pk}/change/",
        f"/admin/server/opportunity/{draft.pk}/change/",
        f"/admin/server/opportunity/{draft.pk}/history/",
        "/admin/autocomplete/?app_label=server&model_name=application&field_name=opportunity&term=Top",
        "/admin/",
    ]
    for url in visited:
        page.goto(url)
        assert SECRET not in page.content(), url
    # The filter's autocomplete, typed into as a person would.
    page.goto("/admin/server/application/")
    open_filters(page)
    filter_field(page, "opportunity__id__exact").locator(".select2-selection").click()
    page.locator(".select2-search__field").last.fill("Top secret")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    expect(page.locator(".select2-results", has_text=SECRET)).to_have_count(0)
    snap(page, "pm2_opportunity_autocomplete")


def test_dashboard_kpi_links_open_filtered_lists(page):
    sign_in(page, "pm@example.org")
    card = page.locator(".kpi-card", has_text="Applications, last 7 days")
    value = card.locator(".kpi-value").inner_text().strip()
    card.click()
    page.wait_for_url(re.compile(r"created_at_from="))
    expect(page.locator("[data-testid=active-filters]").get_by_text("Created at:")).to_be_visible()
    assert page.locator("#result_list tbody tr").count() == int(value) or value == "0"
    page.goto("/admin/")
    page.locator(".kpi-card", has_text="Median days to fill").click()
    page.wait_for_url(re.compile(r"filled_at_from="))
    expect(page.locator("[data-testid=active-filters]").get_by_text("Filled at:")).to_be_visible()


@pytest.fixture
def empty_page(chromium, live_server, transactional_db, request):
    """A fresh install: the three accounts and nothing else (no catalog, no postings)."""
    ensure_accounts(password=PASSWORD, report=SeedReport())
    with browser_page(chromium, live_server.url, request.node.name) as page:
        yield page


def test_first_run_dashboard_on_an_empty_database(empty_page):
    page = empty_page
    assert User.objects.filter(email="admin@example.org").exists()
    sign_in(page, "admin@example.org")
    sidebar_item = page.locator('a[href="/admin/server/application/"]').first
    expect(sidebar_item).to_be_visible()
    assert not re.search(r"None|NONE|\d", sidebar_item.inner_text())
    expect(page.get_by_text("None", exact=True)).to_have_count(0)
    expect(page.get_by_text("No open opportunities yet.", exact=False)).to_be_visible()
    expect(page.get_by_text("no posting has been open for more than 30 days", exact=False)).to_be_visible()
    steps = page.locator("[data-testid=first-run] li")
    expect(steps).to_have_text(
        [
            "Import communities",
            "Import roles",
            "Import skills",
            "Import projects",
            "Import volunteers",
            "Import opportunities",
            "Import applications",
        ]
    )
    snap(page, "dashboard_first_run")
    steps.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/admin/server/communityofpractice/import/"))
