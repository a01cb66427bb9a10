"""Every email the tool sends, as a task.

`queue_email` stores the message under the key of the event that causes it (an
`OutboundEmail` row) and enqueues `deliver_email` in the same transaction; a worker sends it.
When the mail server refuses for now (4xx), is down or times out, the task enqueues itself again
after `EMAIL_RETRY_DELAYS`; a permanent refusal (5xx) or the last failed attempt marks the
email failed and fails the task, so it is counted on the dashboard. A key is sent at most once:
queueing it again does nothing, and delivery claims the row (pending → sending, under a row
lock) before it talks to the mail server. A worker killed while sending leaves the row
"sending": it is not sent again by itself (at most once), and shows in the admin's emails.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from server.models import OutboundEmail

logger = logging.getLogger(__name__)


class EmailNotDelivered(Exception):
    """The mail server refused the email for good, or every attempt failed."""


def absolute_url(path: str) -> str:
    """A link that works from a mail client: `SITE_URL` + path."""
    return f"{settings.SITE_URL}{path}"


def queue_email(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    cc: list[str] | None = None,
    headers: dict[str, str] | None = None,
    from_email: str = "",
) -> OutboundEmail | None:
    """Store the email for the event `key` and enqueue its delivery; None when there is no recipient.

    Queueing a key that exists returns the stored email and enqueues nothing.
    """
    if not to:
        return None
    with transaction.atomic():
        email, created = OutboundEmail.objects.get_or_create(
            key=key,
            defaults={
                "to": list(to),
                "cc": list(cc or []),
                "subject": subject[:300],
                "body": body,
                "html": html,
                "headers": dict(headers or {}),
                "from_email": from_email,
            },
        )
        if created:
            # Written in this transaction: the task exists exactly when the event is committed.
            deliver_email.enqueue(email_id=email.pk)
    return email


def _message(email: OutboundEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        cc=email.cc,
        headers=email.headers,
        connection=connection,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer will not change by retrying (unknown mailbox, message refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


@task()
def deliver_email(*, email_id: int) -> str:
    """Send one stored email, once; on a temporary failure try again later.

    The row is claimed (pending → sending) in a short transaction and the mail server is
    talked to outside any, so a slow server never holds a database lock that requests wait on
    (with SQLite, the whole database's).
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboundEmail.Status.PENDING:
            return f"email {email_id}: nothing to do"
        email.attempts += 1
        email.status = OutboundEmail.Status.SENDING
        email.save(update_fields=["attempts", "status"])
    try:
        with get_connection(fail_silently=False) as connection:
            _message(email, connection).send()
    except (smtplib.SMTPException, OSError) as error:
        with transaction.atomic():
            outcome = _after_failure(email, error)
    else:
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "last_error"])
        outcome = f"email {email_id}: sent to {len(email.to) + len(email.cc)} recipient(s)"
    if email.status == OutboundEmail.Status.FAILED:
        raise EmailNotDelivered(outcome)  # the task counts as failed (dashboard, tasks_status)
    return outcome


def _after_failure(email: OutboundEmail, error: Exception) -> str:
    """Record the failed attempt; enqueue the next one, or mark the email failed."""
    email.last_error = f"attempt {email.attempts}: {type(error).__name__}: {error}"[:2000]
    delays = settings.EMAIL_RETRY_DELAYS
    if _is_permanent(error) or email.attempts > len(delays):
        email.status = OutboundEmail.Status.FAILED
        email.save(update_fields=["status", "last_error"])
        logger.error("Email %s (%s) not delivered: %s", email.pk, email.key, email.last_error)
        return f"email {email.pk} not delivered: {email.last_error}"
    delay = delays[email.attempts - 1]
    email.status = OutboundEmail.Status.PENDING
    email.save(update_fields=["status", "last_error"])
    deliver_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(email_id=email.pk)
    logger.warning("Email %s (%s) will be retried in %s s: %s", email.pk, email.key, delay, email.last_error)
    return f"email {email.pk}: {email.last_error}; retry in {delay} s"
