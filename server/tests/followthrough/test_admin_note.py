"""The manager's note: the admin's status changes (row/detail confirmation, bulk) ask for a
personal note for the volunteer's email, or for no email (server/admin/application_actions.py)."""

import pytest
from django.core import mail
from django.test import Client

from server.models import Application

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def pm(project_manager):
    client = Client()
    client.force_login(project_manager)
    return client


@pytest.fixture
def application(apply, run_tasks):
    application = apply()
    run_tasks()
    mail.outbox.clear()
    return application


def volunteer_mail():
    return [message for message in mail.outbox if message.to == ["ana@example.com"]]


def test_the_row_confirmation_asks_for_a_note_and_emails_it(pm, application, run_tasks):
    url = f"/admin/server/application/{application.pk}/contacted/"
    page = pm.get(url).content.decode()
    assert 'name="note"' in page and 'name="send_email"' in page
    application.refresh_from_db()
    assert application.status == Status.NEW  # the GET only asks
    response = pm.post(url, {"_form_submitted": "on", "send_email": "on", "note": "Join our Tuesday call."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CONTACTED and application.first_response_at is not None
    run_tasks()
    [message] = volunteer_mail()
    assert "Join our Tuesday call." in message.body
    history = application.history.first()
    assert (history.history_user.email, history.history_change_reason) == (
        "manager@example.org",
        "Volunteer emailed with a note",
    )


def test_dont_email_from_the_row_confirmation(pm, application, run_tasks):
    url = f"/admin/server/application/{application.pk}/declined/"
    response = pm.post(url, {"_form_submitted": "on", "note": "unused"})  # the switch left off
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    run_tasks()
    assert volunteer_mail() == []


def test_the_bulk_action_asks_once_and_emails_each_volunteer(pm, apply, application, run_tasks):
    other = apply(email="bo@example.com", name="Bo")
    run_tasks()
    mail.outbox.clear()
    selection = {"action": "mark_selected_interviewing", "_selected_action": [application.pk, other.pk]}
    page = pm.post("/admin/server/application/", selection)
    assert page.status_code == 200 and 'name="note"' in page.content.decode()
    assert Application.objects.filter(status=Status.INTERVIEWING).count() == 0  # asked, not done
    confirmed = {**selection, "_confirmed": "yes", "_form_submitted": "on", "send_email": "on", "note": "Pick a slot."}
    assert pm.post("/admin/server/application/", confirmed).status_code == 302
    assert Application.objects.filter(status=Status.INTERVIEWING).count() == 2
    run_tasks()
    to_volunteers = [message for message in mail.outbox if message.to in (["ana@example.com"], ["bo@example.com"])]
    assert len(to_volunteers) == 2
    assert all("Pick a slot." in message.body for message in to_volunteers)


def test_the_change_pages_button_saves_then_asks(pm, application, run_tasks):
    url = f"/admin/server/application/{application.pk}/change/"
    response = pm.post(url, {"internal_notes": "Strong portfolio.", "server_application_mark_onboarded_submit": ""})
    confirm = response.headers["Location"]
    assert confirm.startswith(f"/admin/server/application/{application.pk}/onboarded/")
    assert 'name="note"' in pm.get(confirm).content.decode()
    pm.post(confirm, {"_form_submitted": "on", "send_email": "on", "note": "Welcome aboard, see you Monday."})
    application.refresh_from_db()
    assert (application.status, application.internal_notes) == (Status.ONBOARDED, "Strong portfolio.")
    run_tasks()
    [message] = volunteer_mail()
    assert "Welcome aboard, see you Monday." in message.body
