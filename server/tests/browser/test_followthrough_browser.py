"""Applicant follow-through in Chromium: the volunteer withdraws through their application
link's page (a plain form, POST with CSRF); the managers' response figures and the note form
in the admin. Screenshots under test-output/browser/."""

import pytest
from django.core import mail

from server import services
from server.followthrough.tokens import application_token
from server.models import Application
from server.tests.browser.conftest import OUTPUT, PASSWORD
from server.tests.factories import OpenOpportunityFactory, ProjectFactory, UserFactory


@pytest.fixture
def world(transactional_db, settings):
    settings.SITE_URL = "https://jobs.example.org"
    from server.groups import ensure_groups

    _, managers = ensure_groups()
    manager = UserFactory(email="pm@example.org", password=PASSWORD)
    manager.groups.add(managers)
    project = ProjectFactory(name="Food Oasis", slug="food-oasis")
    project.managers.add(manager)
    opportunity = OpenOpportunityFactory(project=project, title="Data Analyst")
    application, _ = services.application_apply(opportunity=opportunity, email="ana@example.com", name="Ana Silva")
    return {"application": application, "manager": manager}


def test_a_volunteer_withdraws_through_the_page(bare_page, world, run_tasks):
    page, application = bare_page, world["application"]
    page.goto(f"/applications/{application_token(application)}/")
    assert page.get_by_test_id("status").inner_text() == "New"
    page.screenshot(path=str(OUTPUT / "followthrough_application_page.png"), full_page=True)
    page.get_by_role("button", name="Withdraw my application").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Withdrawn"
    assert "Your application is withdrawn" in page.content()
    assert page.get_by_role("button", name="Withdraw my application").count() == 0
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.history.first().history_change_reason == "Withdrawn by the volunteer (application link)"
    run_tasks()
    withdrawn = [message for message in mail.outbox if "withdrew" in message.body]
    assert [message.to for message in withdrawn] == [["pm@example.org"]]


def test_a_tampered_link_is_a_404_page(bare_page, world):
    token = application_token(world["application"])
    response = bare_page.goto(f"/applications/{token[:-4]}abcd/")
    assert response.status == 404
    assert "Ana" not in bare_page.content() and "Data Analyst" not in bare_page.content()


def test_a_manager_writes_a_note_in_the_status_dialog(bare_page, world, run_tasks):
    page, application = bare_page, world["application"]
    page.goto("/admin/")
    page.fill("input[name=username]", "pm@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.get_by_test_id("awaiting").inner_text() == "1"
    page.screenshot(path=str(OUTPUT / "followthrough_dashboard.png"), full_page=True)
    page.goto(f"/admin/server/project/{application.opportunity.project_id}/change/")
    assert page.get_by_test_id("awaiting").inner_text() == "1"
    page.screenshot(path=str(OUTPUT / "followthrough_project_page.png"), full_page=True)
    page.goto(f"/admin/server/application/{application.pk}/contacted/")
    page.fill("textarea[name=note]", "Welcome! Our next call is Tuesday 6pm.")
    page.screenshot(path=str(OUTPUT / "followthrough_note_form.png"), full_page=True)
    page.get_by_role("button", name="Mark contacted").click()
    page.wait_for_url(f"**/admin/server/application/{application.pk}/change/")
    application.refresh_from_db()
    assert application.status == Application.Status.CONTACTED
    run_tasks()
    notes = [message for message in mail.outbox if "Tuesday 6pm" in message.body]
    assert [message.to for message in notes] == [["ana@example.com"]]
