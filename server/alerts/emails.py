"""The two alert emails, queued through server.tasks.mail (every email is a task, sent once).

Each is stored under the key of the event that causes it — a confirmation request
(`alert:<id>:confirm:<number>`) or a digest (`alert:<id>:digest:<digest id>`) — in the
transaction of that event, so it is sent exactly when the event is committed, and once.
Unsubscribing drops the alert's digests still waiting for delivery (`drop_queued_digests`):
after it, nothing more reaches the address.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from server.alerts.tokens import confirm_token, unsubscribe_token
from server.models import Alert, OutboundEmail
from server.tasks.mail import absolute_url, queue_email


def confirm_url(alert: Alert) -> str:
    return absolute_url(reverse("alerts:confirm", args=[confirm_token(alert)]))


def unsubscribe_url(alert: Alert) -> str:
    return absolute_url(reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)]))


def _queue(*, key: str, alert: Alert, subject: str, template: str, context: dict, headers=None):
    context = {**context, "alert": alert, "site_url": absolute_url("/")}
    return queue_email(
        key=key,
        to=[alert.email],
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        html=render_to_string(f"alerts/email/{template}.html", context),
        headers=headers,
    )


def queue_confirmation(*, alert: Alert) -> OutboundEmail | None:
    """The confirmation link of the alert's latest request (the one email before confirming)."""
    return _queue(
        key=f"alert:{alert.pk}:confirm:{alert.confirmation_number}",
        alert=alert,
        subject="Confirm your Civic Tech Jobs alert",
        template="confirmation",
        context={"confirm_url": confirm_url(alert)},
    )


def queue_digest(*, alert: Alert, digest_id: int, items: list[dict]) -> OutboundEmail | None:
    """One digest. `items`: dicts with opportunity, score, explanation (lines), url.

    RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the link
    in `List-Unsubscribe`, which works without a page or a CSRF token.
    """
    link = unsubscribe_url(alert)
    count = len(items)
    return _queue(
        key=f"alert:{alert.pk}:digest:{digest_id}",
        alert=alert,
        subject=f"{count} new volunteer {'opportunity matches' if count == 1 else 'opportunities match'} you",
        template="digest",
        context={"items": items, "unsubscribe_url": link},
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def drop_queued_digests(*, alert: Alert) -> int:
    """Delete the alert's digests not delivered yet (their delivery task then does nothing)."""
    deleted, _ = OutboundEmail.objects.filter(
        key__startswith=f"alert:{alert.pk}:digest:", status=OutboundEmail.Status.PENDING
    ).delete()
    return deleted
