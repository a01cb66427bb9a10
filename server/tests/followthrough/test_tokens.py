"""The application link's token (server/followthrough/tokens.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from server.followthrough.tokens import SALT, application_for_token, application_token
from server.tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_a_token_names_its_application():
    application = ApplicationFactory()
    ApplicationFactory()  # another one, never confused with it
    assert application_for_token(application_token(application)) == application


@pytest.mark.parametrize("where", [0, 5, -1])
def test_a_tampered_token_is_nothing(where):
    token = application_token(ApplicationFactory())
    changed = token[:where] + ("A" if token[where] != "A" else "B") + token[where + 1 :] if where >= 0 else token + "x"
    assert application_for_token(changed) is None


def test_a_token_signed_for_another_purpose_or_naming_another_application_is_nothing():
    application = ApplicationFactory()
    other = ApplicationFactory()
    payload = {"a": application.pk, "v": str(application.volunteer_id)}
    assert application_for_token(signing.dumps(payload, salt="server.alerts.confirm", compress=True)) is None
    # Signed by us but naming someone else's volunteer: not an application's link.
    mixed = signing.dumps({"a": application.pk, "v": str(other.volunteer_id)}, salt=SALT, compress=True)
    assert application_for_token(mixed) is None
    assert application_for_token(signing.dumps("just text", salt=SALT)) is None
    assert application_for_token("") is None


def test_a_token_expires_after_180_days():
    application = ApplicationFactory()
    token = application_token(application)
    with time_machine.travel(timezone.now() + timedelta(days=179)):
        assert application_for_token(token) == application
    with time_machine.travel(timezone.now() + timedelta(days=181)):
        assert application_for_token(token) is None


def test_a_deleted_application_has_no_link():
    application = ApplicationFactory()
    token = application_token(application)
    application.delete()
    assert application_for_token(token) is None
