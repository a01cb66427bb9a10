"""Follow-through end to end with a real local SMTP server (aiosmtpd) and the real worker:
`db_worker` subprocesses for applying and answering, django-tasks-db's worker in process for
the reminders, with the clock moved by time-machine (server/tests/conftest.py)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from server import services
from server.models import Application
from server.tests.followthrough.conftest import SENDER, SITE

Status = Application.Status


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def to(message) -> list[str]:
    return sorted(address.strip() for address in message["To"].split(","))


@pytest.fixture
def site_for_worker(db_worker):
    """The worker subprocess renders the emails: give it the test's SITE_URL and sender too."""
    db_worker.extra_env.update(SITE_URL=SITE, DJANGO_DEFAULT_FROM_EMAIL=SENDER, APPLICATION_REMINDER_DAYS="3,7")
    return db_worker


def test_apply_then_answer_through_the_real_worker_and_smtp(smtp_server, site_for_worker, opportunity, project_manager):
    response = APIClient().post(
        "/api/applications/",
        {"opportunity": str(opportunity.pk), "name": "Ana Silva", "email": "ana@example.com", "message": "Hi!"},
    )
    assert response.status_code == 201
    site_for_worker.start()
    site_for_worker.wait_until_idle(timeout=60)

    # One confirmation to the volunteer, one email to the managers, both from the organisation.
    assert sorted(to(message)[0] for message in smtp_server.messages) == ["ana@example.com", "manager@example.org"]
    confirmation = next(message for message in smtp_server.messages if to(message) == ["ana@example.com"])
    managers = next(message for message in smtp_server.messages if to(message) == ["manager@example.org"])
    assert {confirmation["From"], managers["From"]} == {SENDER}
    assert confirmation.get_body(("html",)) is not None
    assert "New volunteer" in text_of(managers)

    # The link in the confirmation works.
    link = re.search(rf"{re.escape(SITE)}(/applications/[^\s]+/)", text_of(confirmation)).group(1)
    page = Client().get(link)
    assert page.status_code == 200 and "Data Analyst" in page.content.decode()

    # A status change with a note: one email to the volunteer, with the note.
    application = Application.objects.get()
    sent = len(smtp_server.messages)
    services.application_set_status(
        application=application, status=Status.INTERVIEWING, by=project_manager, note="Can you do Tuesday 6pm?"
    )
    site_for_worker.wait_until_idle(timeout=60)
    new = smtp_server.messages[sent:]
    assert [to(message) for message in new] == [["ana@example.com"]]
    assert "Can you do Tuesday 6pm?" in text_of(new[0])
    assert "Can you do Tuesday 6pm?" in new[0].get_body(("html",)).get_content()

    # "Don't email": the status changes, nobody is mailed.
    services.application_set_status(application=application, status=Status.ONBOARDED, by=project_manager, notify=False)
    site_for_worker.wait_until_idle(timeout=60)
    assert len(smtp_server.messages) == sent + 1
    application.refresh_from_db()
    assert application.status == Status.ONBOARDED


def test_withdraw_through_the_api_tells_the_managers_through_the_worker(smtp_server, site_for_worker, apply):
    from server.followthrough.tokens import application_token

    application = apply()
    site_for_worker.start()
    site_for_worker.wait_until_idle(timeout=60)
    sent = len(smtp_server.messages)
    response = APIClient().post(f"/api/applications/{application_token(application)}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    site_for_worker.wait_until_idle(timeout=60)
    new = smtp_server.messages[sent:]
    assert [to(message) for message in new] == [["manager@example.org"]]
    assert "withdrew" in text_of(new[0])
    assert application.history.first().status == Status.WITHDRAWN


@pytest.mark.django_db
def test_reminders_at_the_first_and_last_mark_and_none_once_answered(smtp_server, apply, run_tasks):
    waiting = apply()
    answered = apply(email="bo@example.com", name="Bo")
    reminders = DBTaskResult.objects.filter(task_path="server.followthrough.tasks.send_reminder")
    assert sorted(result.run_after for result in reminders.filter(args_kwargs__kwargs__application_id=waiting.pk)) == [
        waiting.created_at + timedelta(days=3),
        waiting.created_at + timedelta(days=7),
    ]
    run_tasks()  # confirmations and the managers' emails; the reminders are not due
    services.application_set_status(application=answered, status=Status.CONTACTED, notify=False)
    smtp_server.messages.clear()

    with time_machine.travel(timezone.now() + timedelta(days=2, hours=23)):
        run_tasks()
    assert smtp_server.messages == []  # not yet

    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        run_tasks()
    assert len(smtp_server.messages) == 1  # the waiting one only; "answered" was contacted
    first = smtp_server.messages[0]
    assert to(first) == ["manager@example.org"] and first["Cc"] is None  # never the inactive manager
    assert "Ana Silva" in first["Subject"] and "3 days ago" in text_of(first)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        run_tasks()
    assert len(smtp_server.messages) == 2
    last = smtp_server.messages[1]
    assert to(last) == ["manager@example.org"] and last["Cc"] == "organizer@example.org"
    assert "last reminder" in text_of(last)
    assert "X-Envelope-To" in last and "organizer@example.org" in last["X-Envelope-To"]
    assert not DBTaskResult.objects.filter(status="READY").exists()  # nothing left to remind


@pytest.mark.django_db
def test_with_no_active_manager_the_organizers_are_reminded(smtp_server, apply, run_tasks, project_manager):
    project_manager.is_active = False
    project_manager.save()
    apply()
    run_tasks()
    smtp_server.messages.clear()
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        run_tasks()
    assert [to(message) for message in smtp_server.messages] == [["organizer@example.org"]]
