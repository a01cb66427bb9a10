"""Emails as tasks (server/tasks/mail.py): sent by the worker, once, retried when refused."""

import time

import pytest
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from server.models import OutboundEmail
from server.notifications import notify_managers_of_application
from server.tasks.mail import queue_email
from server.tests.factories import OpenOpportunityFactory, ProjectFactory, UserFactory


def queue(key="event:1", to=("pm@example.org",)):
    return queue_email(key=key, to=list(to), subject=f"About {key}", body="Hello.", html="<p>Hello.</p>")


@pytest.mark.django_db
def test_an_event_queues_its_email_once(run_tasks, smtp_server):
    first, again = queue(), queue()
    assert first.pk == again.pk
    assert DBTaskResult.objects.count() == 1
    assert run_tasks() == 1
    assert run_tasks() == 0
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Subject"] == "About event:1"
    assert message.get_body(("html",)).get_content().strip() == "<p>Hello.</p>"
    assert OutboundEmail.objects.get().status == "sent"


@pytest.mark.django_db
def test_no_recipient_queues_nothing():
    assert queue(to=()) is None
    assert not OutboundEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_server_that_refuses_then_accepts_gets_the_email_exactly_once(run_tasks, smtp_server, settings):
    settings.EMAIL_RETRY_DELAYS = [60, 60, 60]
    smtp_server.refuse(2)
    queue()
    assert run_tasks() == 1  # refused; the retry waits its 60 s
    assert run_tasks() == 0
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "451" in email.last_error
    retry = DBTaskResult.objects.ready() | DBTaskResult.objects.filter(status="READY")
    assert retry.get().run_after.timestamp() == pytest.approx(time.time() + 60, abs=10)
    assert run_tasks(include_deferred=True) == 2  # refused again, then accepted
    assert smtp_server.handler.refused == 2
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert run_tasks(include_deferred=True) == 0  # nothing left to send twice


@pytest.mark.django_db
def test_a_server_that_is_down_is_retried_with_back_off_then_given_up(run_tasks, settings):
    from server.tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.EMAIL_RETRY_DELAYS = [10, 100]
    queue()
    run_tasks()
    first_retry = DBTaskResult.objects.filter(status="READY").get().run_after
    run_tasks(include_deferred=True, limit=1)
    second_retry = DBTaskResult.objects.filter(status="READY").get().run_after
    assert (second_retry - first_retry).total_seconds() > 60  # the wait grows
    run_tasks(include_deferred=True)
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in email.last_error
    assert DBTaskResult.objects.failed().count() == 1  # the last attempt counts as a failed task


@pytest.mark.django_db
def test_a_permanent_refusal_is_not_retried(run_tasks, smtp_server):
    async def refuse_for_good(server, session, envelope):
        return "550 5.1.1 No such mailbox"

    smtp_server.handler.handle_DATA = refuse_for_good
    queue()
    run_tasks(include_deferred=True)
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("failed", 1)
    assert "550" in email.last_error


@pytest.mark.django_db
def test_manager_email_has_no_recipient_without_managers(run_tasks):
    from server.services import application_apply

    opportunity = OpenOpportunityFactory(project=ProjectFactory())
    application, _ = application_apply(opportunity=opportunity, email="a@example.org", name="A")
    assert notify_managers_of_application(application_id=application.pk) == 0
    assert not OutboundEmail.objects.exists()


# --- the real worker, in a subprocess, against the test database (SQLite or PostgreSQL) -------
def test_an_application_email_is_sent_by_the_worker_not_the_request(db_worker, smtp_server, settings):
    manager = UserFactory(email="pm@example.org", is_staff=True)
    project = ProjectFactory(name="Food Oasis")
    project.managers.add(manager)
    opportunity = OpenOpportunityFactory(project=project, title="Data Analyst")
    response = APIClient().post(
        "/api/applications/", {"opportunity": str(opportunity.pk), "name": "Ana", "email": "ana@example.com"}
    )
    assert response.status_code == 201
    assert smtp_server.messages == []  # the request did not talk to the mail server
    assert OutboundEmail.objects.get().status == "pending"
    db_worker.start()
    db_worker.wait_until_idle(timeout=60)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["To"] == "pm@example.org"
    assert "Data Analyst" in smtp_server.messages[0]["Subject"]
    assert OutboundEmail.objects.get().status == "sent"


def test_the_worker_retries_a_refusing_server_and_sends_once(db_worker, smtp_server):
    smtp_server.refuse(2)
    queue()
    db_worker.start(EMAIL_RETRY_DELAYS="1,1,1")
    deadline = time.monotonic() + 60
    while OutboundEmail.objects.get().status not in ("sent", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
    db_worker.wait_until_idle(timeout=30)
    assert smtp_server.handler.refused == 2
    assert len(smtp_server.messages) == 1
    assert OutboundEmail.objects.get().attempts == 3


def test_a_slow_mail_server_holds_no_database_lock(db_worker, smtp_server):
    """While the worker waits on the mail server, requests still write at once (SQLite too)."""
    from server.models import Volunteer

    smtp_server.delay = 4
    queue()
    db_worker.start()
    deadline = time.monotonic() + 60
    while OutboundEmail.objects.get().status != "sending" and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    Volunteer.objects.create(email="during@example.org", name="Written while the email is sent")
    assert time.monotonic() - started < 2
    assert OutboundEmail.objects.get().status == "sending"
    db_worker.wait_until_idle(timeout=60)
    assert OutboundEmail.objects.get().status == "sent"


def test_two_workers_never_send_the_same_email_twice(db_worker, smtp_server):
    for number in range(40):
        queue(key=f"event:{number}", to=[f"person{number}@example.org"])
    db_worker.start(count=2)
    db_worker.wait_until_idle(timeout=120)
    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == sorted(f"person{number}@example.org" for number in range(40))
    results = list(DBTaskResult.objects.all())
    assert [(result.status, len(result.worker_ids)) for result in results] == [("SUCCESSFUL", 1)] * 40
    assert len({result.worker_ids[0] for result in results}) >= 1
