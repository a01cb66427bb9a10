"""Sign-in lockout (django-axes, server.security.lockout) on the admin login and the token
endpoint: 10 failures for one account from one client lock that pair for 15 minutes; nothing
else is locked; Organizers unlock in the admin; unknown emails cost the same as known ones."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from server.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
TOKEN = "/api/auth/token/"
PASSWORD = "right-password-1"
ATTACKER, OTHER_CLIENT = "198.51.100.7", "198.51.100.8"


@pytest.fixture
def staff(organizer):
    organizer.set_password(PASSWORD)
    organizer.save()
    return organizer


@pytest.fixture
def colleague(db):
    user = UserFactory(email="colleague@example.org", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def admin_login(client, email, password, ip=ATTACKER, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def token(email, password, ip=ATTACKER, **extra):
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json", REMOTE_ADDR=ip, **extra)


def test_ten_admin_failures_lock_that_account_from_that_client(client, staff, colleague, caplog):
    for attempt in range(9):
        response = admin_login(client, staff.email, f"guess-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with its usual error
        assert "lockout-message" not in response.content.decode()
    with caplog.at_level(logging.WARNING, logger="server.security"):
        locked = admin_login(client, staff.email, "guess-9")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    page = locked.content.decode()
    assert "Too many failed sign-ins for this account from your address" in page
    assert "blocked for 15 minutes" in page
    assert 'name="password"' in page  # still the sign-in page: another account may sign in
    assert [record.getMessage() for record in caplog.records if record.name == "server.security"] == [
        f"sign-in locked for 15 minutes: account {staff.email} from {ATTACKER} ({LOGIN})"
    ]
    # The right password no longer opens it, from that client, in any letter case.
    assert admin_login(client, staff.email.upper(), PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # Other accounts from the same client, and the same account from another client, sign in.
    assert admin_login(client, colleague.email, PASSWORD).status_code == 302
    client.logout()
    assert admin_login(client, staff.email, PASSWORD, ip=OTHER_CLIENT).status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, staff):
    for attempt in range(10):
        admin_login(client, staff.email, f"guess-{attempt}")
    assert admin_login(client, staff.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert admin_login(client, staff.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=5))
    assert admin_login(client, staff.email, PASSWORD).status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(client, staff):
    for attempt in range(9):
        admin_login(client, staff.email, f"guess-{attempt}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    admin_login(client, staff.email, "guess-9")
    assert admin_login(client, staff.email, PASSWORD).status_code == 302


def test_the_limit_and_the_duration_come_from_settings(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    assert [admin_login(client, staff.email, "x").status_code for _ in range(3)] == [200, 200, 429]
    locked = admin_login(client, staff.email, PASSWORD)
    assert locked["Retry-After"] == "120"
    assert "blocked for 2 minutes" in locked.content.decode()


def test_the_token_endpoint_locks_the_same_way_in_json(staff, colleague):
    for attempt in range(9):
        response = token(staff.email, f"guess-{attempt}")
        assert response.status_code == 400, attempt
    locked = token(staff.email, "guess-9")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["code"] == "locked_out"
    assert "Too many failed sign-ins" in locked.json()["detail"]
    assert locked["Retry-After"] == "900"
    assert token(staff.email, PASSWORD).status_code == 429
    assert token(colleague.email, PASSWORD).status_code == 200
    assert token(staff.email, PASSWORD, ip=OTHER_CLIENT).status_code == 200


def test_admin_and_token_failures_count_together(client, staff):
    for attempt in range(5):
        admin_login(client, staff.email, f"guess-{attempt}")
    for attempt in range(5):
        token(staff.email.title(), f"guess-{attempt}")
    assert admin_login(client, staff.email, PASSWORD).status_code == 429


def test_unknown_emails_lock_like_known_ones(client):
    # Otherwise the lockout itself would tell which emails have an account.
    statuses = [admin_login(client, "nobody@example.org", f"guess-{n}").status_code for n in range(10)]
    assert statuses == [200] * 9 + [429]


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_spoofed_forwarded_for_does_not_escape_the_lock(client, staff, settings, behind_proxy):
    settings.BEHIND_PROXY, settings.NUM_PROXIES = behind_proxy, 1
    for attempt in range(10):
        spoofed = f"203.0.113.{attempt}"
        # Behind our proxy, the proxy appends the address it saw; the client wrote the rest.
        forwarded = f"{spoofed}, {ATTACKER}" if behind_proxy else spoofed
        admin_login(
            client,
            staff.email,
            f"guess-{attempt}",
            ip="10.0.0.2" if behind_proxy else ATTACKER,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    forwarded = f"203.0.113.99, {ATTACKER}" if behind_proxy else "203.0.113.99"
    response = admin_login(
        client, staff.email, PASSWORD, ip="10.0.0.2" if behind_proxy else ATTACKER, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_organizers_unlock_in_the_admin(staff, organizer_client, colleague):
    client = Client()  # the locked-out colleague's browser; organizer_client is the organizer's
    for attempt in range(10):
        admin_login(client, colleague.email, f"guess-{attempt}")
    assert admin_login(client, colleague.email, PASSWORD).status_code == 429
    page = organizer_client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert colleague.email in page.content.decode() and "Locked Out" in page.content.decode()
    attempt = AccessAttempt.objects.get()
    response = organizer_client.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "Unlocked 1 sign-in" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert admin_login(client, colleague.email, PASSWORD).status_code == 302


def test_project_managers_cannot_see_or_unlock(pm_client):
    assert pm_client.get("/admin/axes/accessattempt/").status_code == 403


class CountingHasher(MD5PasswordHasher):
    """The test suite's fast hasher, counting how often a password is hashed."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.mark.parametrize("endpoint", ["admin", "token"])
def test_an_unknown_email_costs_one_password_hash_like_a_known_one(client, staff, settings, endpoint):
    settings.PASSWORD_HASHERS = ["server.tests.security.test_lockout.CountingHasher"]
    staff.set_password(PASSWORD)
    staff.save()
    sign_in = (
        (lambda email: admin_login(client, email, "wrong"))
        if endpoint == "admin"
        else (lambda email: token(email, "wrong"))
    )
    counts = {}
    for email in (staff.email, "nobody@example.org"):
        CountingHasher.calls = 0
        sign_in(email)
        counts[email] = CountingHasher.calls
    assert counts == {staff.email: 1, "nobody@example.org": 1}
