"""Queue figures: tasks_status and the dashboard read server/tasks/status.py."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from server.tasks.mail import deliver_email, queue_email
from server.tasks.status import queue_figures

pytestmark = pytest.mark.django_db


def test_tasks_status_prints_queued_running_failed(capsys, run_tasks, settings):
    settings.EMAIL_BACKEND = "server.tests.api.test_applications.BrokenBackend"
    settings.EMAIL_RETRY_DELAYS = []
    queue_email(key="a", to=["a@example.org"], subject="s", body="b")  # fails for good when run
    run_tasks()
    for key in "bc":
        queue_email(key=key, to=["b@example.org"], subject="s", body="b")
    DBTaskResult.objects.filter(status="READY").first().claim("somebody")
    deliver_email.using(run_after=timezone.now() + timedelta(days=1)).enqueue(email_id=0)
    call_command("tasks_status")
    assert capsys.readouterr().out.strip() == "queued 1, running 1, failed 1, deferred 1, oldest queued 0 s"


def test_a_deferred_task_counts_as_queued_from_its_run_after():
    deliver_email.using(run_after=timezone.now() - timedelta(seconds=90)).enqueue(email_id=0)
    figures = queue_figures()
    assert figures["queued"] == 1
    assert 89 <= figures["oldest_seconds"] <= 120
