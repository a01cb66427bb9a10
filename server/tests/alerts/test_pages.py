"""The confirm and unsubscribe pages: GET changes nothing, POST with CSRF does, one-click POST
(RFC 8058) works without a page or token, bad tokens are a plain 404."""

import pytest
from django.core import signing
from django.test import Client

from server.alerts import services
from server.alerts.tokens import CONFIRM_SALT, confirm_token, unsubscribe_token
from server.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(skills):
    return services.alert_subscribe(email="ada@example.com", name="Ada", skills=[(skills["Python"], 4)])


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _csrf(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page, client.cookies["csrftoken"].value


def test_confirm_page_asks_and_the_post_confirms(alert, csrf_client):
    url = f"/alerts/{confirm_token(alert)}/confirm/"
    page, csrf = _csrf(csrf_client, url)
    assert "ada@example.com" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None  # GET changed nothing
    assert csrf_client.post(url).status_code == 403  # no CSRF token
    response = csrf_client.post(url, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "Alert confirmed" in response.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None and alert.is_active


def test_only_the_latest_confirmation_link_confirms(alert, skills, client):
    old = confirm_token(alert)
    services.alert_subscribe(email="ada@example.com", skills=[(skills["SQL"], 2)])
    assert client.get(f"/alerts/{old}/confirm/").status_code == 404
    assert client.post(f"/alerts/{old}/confirm/").status_code == 404
    assert Alert.objects.get().confirmed_at is None


@pytest.mark.parametrize("kind", ["garbage", "other-salt"])
def test_bad_tokens_are_a_404(alert, client, kind):
    token = "nonsense" if kind == "garbage" else signing.dumps({"a": alert.pk, "n": 1}, salt="other-salt")
    assert client.get(f"/alerts/{token}/confirm/").status_code == 404
    assert client.get(f"/alerts/{token}/unsubscribe/").status_code == 404
    assert client.post(f"/alerts/{token}/unsubscribe/", {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_a_confirm_token_is_not_an_unsubscribe_token(alert, client):
    token = confirm_token(alert)
    assert client.get(f"/alerts/{token}/unsubscribe/").status_code == 404
    forged = signing.dumps({"a": alert.pk, "e": alert.email}, salt=CONFIRM_SALT)
    assert client.get(f"/alerts/{forged}/unsubscribe/").status_code == 404


def test_unsubscribe_page_asks_and_the_post_with_csrf_unsubscribes(alert, csrf_client):
    services.alert_confirm(alert=alert)
    url = f"/alerts/{unsubscribe_token(alert)}/unsubscribe/"
    page, csrf = _csrf(csrf_client, url)
    assert "Unsubscribe" in page.content.decode()
    assert Alert.objects.get().unsubscribed_at is None
    assert csrf_client.post(url).status_code == 403
    response = csrf_client.post(url, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    stored = Alert.objects.get()
    assert stored.unsubscribed_at is not None and not stored.is_active
    assert stored.name == "" and not stored.skill_levels.exists()
    assert "unsubscribed" in csrf_client.get(url).content.decode()


def test_one_click_unsubscribe_needs_no_page_and_no_csrf(alert, csrf_client):
    services.alert_confirm(alert=alert)
    url = f"/alerts/{unsubscribe_token(alert)}/unsubscribe/"
    response = csrf_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Alert.objects.get().unsubscribed_at is not None
    # Again: still fine, still unsubscribed.
    assert csrf_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_an_old_confirmation_link_does_not_re_subscribe_after_unsubscribing(alert, client):
    token = confirm_token(alert)
    services.alert_unsubscribe(alert=alert)
    assert client.post(f"/alerts/{token}/confirm/").status_code == 404
    assert Alert.objects.get().confirmed_at is None


def test_pages_answer_only_get_and_post(alert, client):
    assert client.put(f"/alerts/{confirm_token(alert)}/confirm/").status_code == 405
    assert client.delete(f"/alerts/{unsubscribe_token(alert)}/unsubscribe/").status_code == 405
