"""The follow-through's tasks (django-tasks): its emails and the response reminders.

Every task re-reads the application and is idempotent: the email it makes is queued under the
key of its event (server.tasks.mail.queue_email), so a task run twice mails once. Tasks are
enqueued inside the transaction of the change that causes them (services.py), so they exist
exactly when the change is committed.

Reminders are enqueued when the application arrives, one per day of
APPLICATION_REMINDER_DAYS, with the framework's run_after; when one comes due it does nothing
unless the application is still new and unanswered, so any status change stops them.
"""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from server.followthrough import emails
from server.models import Application
from server.tasks.mail import queue_email


def _queue(application: Application, *, key: str, build) -> str:
    """Build the email of `key` from the application as it is now (`build(application)`, None
    for nobody to tell) and queue it; a key queued before is not queued again."""
    email = build(application)
    if email is None:
        return f"{key}: nobody to tell"
    queue_email(key=key, to=email.to, cc=email.cc, subject=email.subject, body=email.text, html=email.html)
    return f"{key}: queued for {len(email.to) + len(email.cc)} recipient(s)"


def _loaded(application_id: int, work) -> str:
    """`work(application)` on the application as it is now; nothing when it is gone."""
    application = emails.load(application_id)
    if application is None:
        return f"application {application_id}: gone"
    return work(application)


def _send(application_id: int, *, key: str, build) -> str:
    return _loaded(application_id, lambda application: _queue(application, key=key, build=build))


def _queue_confirmation(application: Application) -> str:
    return _queue(application, key=f"application:{application.pk}:confirmation", build=emails.confirmation)


def _queue_new_application(application: Application, *, new_volunteer: bool) -> str:
    return _queue(
        application,
        key=f"application:{application.pk}:managers",
        build=lambda application: emails.new_application(application, new_volunteer=new_volunteer),
    )


@task()
def send_arrival_emails(*, application_id: int, new_volunteer: bool) -> str:
    """The volunteer's confirmation and the managers' email of a new application, in one task
    run: the worker claims the task and reads the application once for both. Each email is
    queued under its own key, so a rerun, or one after a crash between the two, mails neither twice."""

    def queue_both(application: Application) -> str:
        return f"{_queue_confirmation(application)}; {_queue_new_application(application, new_volunteer=new_volunteer)}"

    return _loaded(application_id, queue_both)


# Releases before send_arrival_emails enqueued these two; they stay so that such tasks, still
# queued at an upgrade, run.
@task()
def send_confirmation(*, application_id: int) -> str:
    return _loaded(application_id, _queue_confirmation)


@task()
def send_new_application(*, application_id: int, new_volunteer: bool) -> str:
    return _loaded(application_id, lambda application: _queue_new_application(application, new_volunteer=new_volunteer))


@task()
def send_status_change(*, application_id: int, status: str, note: str, change: int) -> str:
    """`change` names the status change (its history record), so each change mails once."""
    return _send(
        application_id,
        key=f"application:{application_id}:status:{change}",
        build=lambda application: emails.status_change(application, status=status, note=note),
    )


@task()
def send_withdrawn(*, application_id: int) -> str:
    return _send(application_id, key=f"application:{application_id}:withdrawn", build=emails.withdrawn)


def _unanswered(application: Application) -> bool:
    return application.status == Application.Status.NEW and application.first_response_at is None


@task()
def send_reminder(*, application_id: int, day: int, escalate: bool) -> str:
    """Remind the managers (with the Organizers in copy when `escalate`) of an unanswered
    application; nothing once anyone changed its status."""
    return _send(
        application_id,
        key=f"application:{application_id}:reminder:{day}",
        build=lambda application: emails.reminder(application, escalate=escalate) if _unanswered(application) else None,
    )


# --- enqueuing (called by server/services.py inside its transaction) -------------------------


def application_arrived(*, application: Application, new_volunteer: bool) -> None:
    """The confirmation, the managers' email and the reminders of a new application."""
    send_arrival_emails.enqueue(application_id=application.pk, new_volunteer=new_volunteer)
    days = settings.APPLICATION_REMINDER_DAYS
    for day in days:
        when = application.created_at + timedelta(days=day)
        send_reminder.using(run_after=when).enqueue(application_id=application.pk, day=day, escalate=day == days[-1])


def status_changed(*, application: Application, status: str, note: str, change: int) -> None:
    """The volunteer's email about a manager's status change (only the statuses they are told of)."""
    if status in emails.VOLUNTEER_TOLD:
        send_status_change.enqueue(application_id=application.pk, status=status, note=note, change=change)


def application_withdrawn(*, application: Application) -> None:
    send_withdrawn.enqueue(application_id=application.pk)
