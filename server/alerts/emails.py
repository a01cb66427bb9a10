"""The two alert emails, each sent by a task (DESIGN.md "Background work": every email).

Both tasks are idempotent: run twice, they mail once. The confirmation remembers which request
it was mailed for; the digest marks its opportunities sent in the same transaction that
decides to send them (server.alerts.digests).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from server.alerts.tokens import confirm_token, unsubscribe_token
from server.models import Alert


def site_url(path: str) -> str:
    """An absolute link for an email (SITE_URL, e.g. https://jobs.example.org)."""
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + path


def confirm_url(alert: Alert) -> str:
    return site_url(reverse("alerts:confirm", args=[confirm_token(alert)]))


def unsubscribe_url(alert: Alert) -> str:
    return site_url(reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)]))


def _message(*, to: str, subject: str, template: str, context: dict, headers=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"alerts/email/{template}.html", context), "text/html")
    return message


@task()
def send_confirmation(*, alert_id: int, number: int) -> bool:
    """Mail the confirmation link of the alert's request `number`, once.

    A request superseded by a newer one, or withdrawn by an unsubscribe, is not mailed: only
    the latest link could confirm anyway.
    """
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or alert.confirmation_sent_at is None or alert.confirmation_number != number:
            return False
        if alert.confirmation_mailed_number == number:
            return False
        context = {"alert": alert, "confirm_url": confirm_url(alert), "site_url": site_url("/")}
        _message(
            to=alert.email,
            subject="Confirm your Civic Tech Jobs alert",
            template="confirmation",
            context=context,
        ).send()
        alert.confirmation_mailed_number = number
        alert.save(update_fields=["confirmation_mailed_number"])
    return True


def send_digest_email(*, alert: Alert, items: list) -> None:
    """Mail one digest. `items`: dicts with opportunity, score, explanation (lines), url.

    RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the link
    in `List-Unsubscribe`, which works without a page or a CSRF token.
    """
    link = unsubscribe_url(alert)
    count = len(items)
    subject = f"{count} new volunteer {'opportunity matches' if count == 1 else 'opportunities match'} you"
    _message(
        to=alert.email,
        subject=subject,
        template="digest",
        context={"alert": alert, "items": items, "unsubscribe_url": link, "site_url": site_url("/")},
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    ).send()
