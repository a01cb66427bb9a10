"""Issue 10 points 1–2 in Chromium: signing in lands on the dashboard, and a week of
availability or meeting times is typed, saved and read back as HH:MM."""

import pytest
from playwright.sync_api import expect

from server.models import Project, Volunteer
from server.tests.browser.conftest import PASSWORD, snap

pytestmark = pytest.mark.browser
# Two cores shared by many: a page may take longer than Playwright's default 5 s to answer.
expect.set_options(timeout=15_000)


def fill_login(page, email):
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_sign_in_at_admin_login_without_next_lands_on_the_dashboard(page):
    page.goto("/admin/login/")
    expect(page.locator("link[rel=icon]")).to_have_attribute("href", "/static/server/favicon.svg")
    fill_login(page, "pm@example.org")
    page.wait_for_url("**/admin/")
    expect(page.locator(".kpi-card").first).to_be_visible()


def test_the_site_root_leads_to_sign_in_and_then_the_dashboard(page):
    response = page.goto("/")
    assert response.ok
    assert "/admin/login/" in page.url
    fill_login(page, "admin@example.org")
    page.wait_for_url("**/admin/")
    expect(page.locator(".kpi-card").first).to_be_visible()
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"].startswith("image/svg")


def sign_in_as(page, email):
    page.goto("/admin/login/")
    fill_login(page, email)
    page.wait_for_url("**/admin/")


def test_organizer_edits_a_volunteers_weekly_availability(page):
    volunteer = Volunteer.objects.filter(availability__isnull=False).distinct().first()
    stored = "; ".join(str(slot) for slot in volunteer.availability.order_by("weekday", "start"))
    sign_in_as(page, "admin@example.org")
    page.goto(f"/admin/server/volunteer/{volunteer.pk}/change/")
    field = page.locator("textarea[name=weekly_availability]")
    expect(field).to_have_value(stored)  # stored values shown as HH:MM
    expect(page.get_by_text("Example: Mon 18:00-20:00; Wed 09:00-12:30")).to_be_visible()
    field.fill("Mon 18:00-20:00\nSat 9:30-12:00")
    snap(page, "admin_flow_availability_typed")
    page.locator("button[name=_continue]").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    expect(page.locator("textarea[name=weekly_availability]")).to_have_value("Mon 18:00-20:00; Sat 09:30-12:00")
    assert [str(slot) for slot in volunteer.availability.all()] == ["Mon 18:00-20:00", "Sat 09:30-12:00"]


def test_a_bad_time_is_refused_naming_it_and_nothing_is_saved(page):
    volunteer = Volunteer.objects.filter(availability__isnull=False).distinct().first()
    before = list(volunteer.availability.values_list("weekday", "start", "end"))
    sign_in_as(page, "admin@example.org")
    page.goto(f"/admin/server/volunteer/{volunteer.pk}/change/")
    page.locator("input[name=name]").fill("Renamed while wrong")
    page.locator("textarea[name=weekly_availability]").fill("Mon 18:00-25:00")
    page.locator("button[name=_save]").click()
    expect(page.get_by_text('"Mon 18:00-25:00" is not a time range')).to_be_visible()
    volunteer.refresh_from_db()
    assert volunteer.name != "Renamed while wrong"
    assert list(volunteer.availability.values_list("weekday", "start", "end")) == before


def test_project_manager_edits_their_projects_meeting_times(page):
    project = Project.objects.get(name="Food Oasis")
    sign_in_as(page, "pm@example.org")
    page.goto(f"/admin/server/project/{project.pk}/change/")
    field = page.locator("textarea[name=weekly_meetings]")
    stored = "; ".join(str(m) for m in project.meeting_times.order_by("weekday", "start"))
    expect(field).to_have_value(stored)
    field.fill("Tue 18:00-19:30 (All team); Thu 17:00-18:00")
    page.locator("button[name=_continue]").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    expect(page.locator("textarea[name=weekly_meetings]")).to_have_value("Tue 18:00-19:30 (All team); Thu 17:00-18:00")
    snap(page, "admin_flow_meeting_times_saved")
    assert [str(m) for m in project.meeting_times.all()] == ["Tue 18:00-19:30 (All team)", "Thu 17:00-18:00"]
    # Another project's meeting times are shown to the PM, not editable.
    vrms = Project.objects.get(name="VRMS")
    page.goto(f"/admin/server/project/{vrms.pk}/change/")
    expect(page.locator("textarea[name=weekly_meetings]")).to_have_count(0)
