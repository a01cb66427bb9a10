"""The status rules of follow-through (server/services.py): the first response, the
volunteer's email (or not), withdrawing, and what the history records."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from server import services
from server.models import Application, OutboundEmail

pytestmark = pytest.mark.django_db
Status = Application.Status


def test_the_first_status_change_stamps_the_first_response_once(apply, project_manager):
    application = apply()
    assert application.first_response_at is None
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        services.application_set_status(application=application, status=Status.CONTACTED, by=project_manager)
        first = application.first_response_at
    assert first is not None and (first - application.created_at) >= timedelta(hours=5)
    services.application_set_status(application=application, status=Status.INTERVIEWING, by=project_manager)
    application.refresh_from_db()
    assert application.first_response_at == first


def test_a_withdrawal_is_not_a_response(apply):
    application = services.application_withdraw(application=apply())
    assert (application.status, application.first_response_at) == (Status.WITHDRAWN, None)


def test_a_status_change_queues_one_email_with_the_note(
    apply, project_manager, run_tasks, django_capture_on_commit_callbacks
):
    application = apply()
    run_tasks()  # the confirmation and the managers' email
    mail.outbox.clear()
    services.application_set_status(
        application=application, status=Status.CONTACTED, by=project_manager, note="Join us Tuesday at 6."
    )
    run_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]
    assert "Join us Tuesday at 6." in mail.outbox[0].body
    assert application.history.first().history_change_reason == "Volunteer emailed with a note"
    assert application.history.first().history_user is None  # no request here; the admin's sets it


def test_dont_email_sends_nothing_and_says_so_in_the_history(apply, project_manager, run_tasks):
    application = apply()
    run_tasks()
    mail.outbox.clear()
    services.application_set_status(application=application, status=Status.DECLINED, by=project_manager, notify=False)
    run_tasks()
    assert mail.outbox == []
    assert not OutboundEmail.objects.filter(key__contains=":status:").exists()
    assert application.history.first().history_change_reason == "Volunteer not emailed"


def test_the_same_status_again_changes_and_sends_nothing(apply, run_tasks):
    application = apply()
    services.application_set_status(application=application, status=Status.CONTACTED)
    tasks = DBTaskResult.objects.count()
    services.application_set_status(application=application, status=Status.CONTACTED, note="again")
    assert DBTaskResult.objects.count() == tasks
    assert application.history.count() == 2


def test_each_change_mails_once_even_when_its_task_runs_twice(apply, run_tasks):
    from server.followthrough.tasks import send_status_change

    application = apply()
    services.application_set_status(application=application, status=Status.CONTACTED, note="Hi")
    change = application.history.first().history_id
    run_tasks()
    mail.outbox.clear()
    send_status_change.call(application_id=application.pk, status=Status.CONTACTED, note="Hi", change=change)
    run_tasks()
    assert mail.outbox == []


def test_an_application_enqueues_one_task_for_both_arrival_emails(apply, run_tasks):
    application = apply()
    due_now = DBTaskResult.objects.exclude(task_path="server.followthrough.tasks.send_reminder")
    assert [(result.task_path, result.args_kwargs["kwargs"]) for result in due_now] == [
        (
            "server.followthrough.tasks.send_arrival_emails",
            {"application_id": application.pk, "new_volunteer": True},
        )
    ]
    run_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.com", "manager@example.org"]


def test_the_arrival_emails_go_once_whichever_task_runs_again(apply, run_tasks):
    """A rerun of the arrival task, or a task of the names queued before it existed, mails nobody twice."""
    from server.followthrough.tasks import send_arrival_emails, send_confirmation, send_new_application

    application = apply()
    run_tasks()
    mail.outbox.clear()
    send_arrival_emails.call(application_id=application.pk, new_volunteer=True)
    send_confirmation.call(application_id=application.pk)
    send_new_application.call(application_id=application.pk, new_volunteer=True)
    run_tasks()
    assert mail.outbox == []
    assert OutboundEmail.objects.filter(key__startswith=f"application:{application.pk}:").count() == 2


def test_the_tasks_queued_before_the_upgrade_still_send_their_email(apply, run_tasks):
    from server.followthrough.tasks import send_confirmation, send_new_application

    application = apply()
    DBTaskResult.objects.all().delete()  # as if the application came before send_arrival_emails
    send_confirmation.enqueue(application_id=application.pk)
    send_new_application.enqueue(application_id=application.pk, new_volunteer=False)
    run_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.com", "manager@example.org"]
    assert "New volunteer" not in next(m.body for m in mail.outbox if m.to == ["manager@example.org"])


def test_withdrawing_tells_the_managers_once_and_records_it(apply, run_tasks):
    application = apply()
    run_tasks()
    mail.outbox.clear()
    services.application_withdraw(application=application)
    services.application_withdraw(application=application)  # again: nothing more
    run_tasks()
    assert [message.to for message in mail.outbox] == [["manager@example.org"]]
    assert "withdrew" in mail.outbox[0].body
    records = list(application.history.values_list("status", "history_change_reason"))
    assert records[0] == ("withdrawn", "Withdrawn by the volunteer (application link)")
    assert len(records) == 2  # created, withdrawn


def test_a_declined_application_cannot_be_withdrawn(apply):
    application = apply()
    services.application_set_status(application=application, status=Status.DECLINED, notify=False)
    with pytest.raises(services.ServiceError, match="declined"):
        services.application_withdraw(application=application)
    application.refresh_from_db()
    assert application.status == Status.DECLINED


def test_an_unknown_status_is_refused(apply):
    with pytest.raises(services.ServiceError, match='"hired" is not an application status'):
        services.application_set_status(application=apply(), status="hired")


def test_a_status_changed_by_the_csv_import_is_a_first_response(apply, tmp_path):
    from django.core.management import call_command

    application = apply()
    path = tmp_path / "applications.csv"
    path.write_text(
        f"opportunity_id,volunteer_email,status,message\n{application.opportunity_id},ana@example.com,contacted,\n"
    )
    call_command("import_csv", "applications", str(path))
    application.refresh_from_db()
    assert application.status == Status.CONTACTED
    assert application.first_response_at is not None
