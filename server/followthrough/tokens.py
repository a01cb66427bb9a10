"""The application link's token: django.core.signing with a salt of its own, 180 days.

The token carries the application's id and its volunteer's id, so a token can never be
turned into another application's by editing it (the signature covers both), and an
application re-created under the same id for someone else does not answer an old link.
Every failure (bad signature, expired, unknown or mismatched application) reads as None, so
the page and the API give one 404 that says nothing about whether an application exists.
"""

from datetime import timedelta

from django.core import signing

from server.models import Application

SALT = "server.followthrough.application-link"
MAX_AGE = timedelta(days=180)


def application_token(application: Application) -> str:
    return signing.dumps({"a": application.pk, "v": str(application.volunteer_id)}, salt=SALT, compress=True)


def application_for_token(token: str, *, queryset=None) -> Application | None:
    """The application the token names, or None for any token that is not one of ours, expired or stale."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not isinstance(data.get("v"), str):
        return None
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.filter(pk=data["a"], volunteer_id=data["v"]).first()
