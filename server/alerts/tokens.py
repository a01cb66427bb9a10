"""Signed tokens for the links in alert emails (django.core.signing, one salt per purpose).

A confirmation link names the alert and the confirmation request it answers (its number):
only the latest request's link confirms, so an old email reopened after an unsubscribe or a
change of profile does nothing. It expires after CONFIRM_MAX_AGE. An unsubscribe link never
expires: a digest read months later must still let its reader leave.
"""

from datetime import timedelta

from django.core import signing

from server.models import Alert

CONFIRM_SALT = "server.alerts.confirm"
UNSUBSCRIBE_SALT = "server.alerts.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)


def confirm_token(alert: Alert) -> str:
    return signing.dumps({"a": alert.pk, "n": alert.confirmation_number}, salt=CONFIRM_SALT, compress=True)


def alert_for_confirm_token(token: str) -> Alert | None:
    """The alert whose latest confirmation request this token answers, or None."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    alert = Alert.objects.filter(pk=data.get("a")).first() if isinstance(data, dict) else None
    if alert is None or alert.confirmation_sent_at is None or data.get("n") != alert.confirmation_number:
        return None
    return alert


def unsubscribe_token(alert: Alert) -> str:
    return signing.dumps({"a": alert.pk, "e": alert.email}, salt=UNSUBSCRIBE_SALT, compress=True)


def alert_for_unsubscribe_token(token: str) -> Alert | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return Alert.objects.filter(pk=data.get("a"), email=data.get("e")).first()
