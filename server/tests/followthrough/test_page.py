"""The application link's page, /applications/<token>/ (server/followthrough/views.py)."""

import pytest
from django.core import mail
from django.test import Client

from server import services
from server.followthrough.tokens import application_token
from server.models import Application

pytestmark = pytest.mark.django_db
Status = Application.Status


def url(application):
    return f"/applications/{application_token(application)}/"


def test_the_page_shows_the_status_and_a_withdraw_button(client, apply):
    application = apply()
    response = client.get(url(application))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Data Analyst" in page and "Food Oasis" in page
    assert 'data-testid="status">New<' in page
    assert '<form method="post">' in page and "csrfmiddlewaretoken" in page
    assert "Withdraw my application" in page
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # the link never leaks to another site
    assert Application.objects.get(pk=application.pk).status == Status.NEW  # a GET changes nothing


def test_withdrawing_needs_the_csrf_token(apply):
    application = apply()
    link = url(application)  # a token carries its signing time: one link for the whole test
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(link).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.NEW
    page = strict.get(link)
    token = page.cookies["csrftoken"].value
    response = strict.post(link, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == link
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    after = strict.get(link).content.decode()
    assert "Your application is withdrawn" in after
    assert "Withdraw my application" not in after


def test_a_declined_application_offers_no_withdrawal_and_refuses_one(client, apply):
    application = services.application_set_status(application=apply(), status=Status.DECLINED, notify=False)
    assert "Withdraw my application" not in client.get(url(application)).content.decode()
    response = client.post(url(application), follow=True)
    assert "nothing to withdraw" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DECLINED


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_or_tampered_token_is_the_same_404(client, apply, method):
    application = apply()
    good = application_token(application)
    tampered = good[:-3] + ("aaa" if good[-3:] != "aaa" else "bbb")
    responses = [getattr(client, method)(f"/applications/{token}/") for token in (tampered, "nonsense", "1")]
    assert [response.status_code for response in responses] == [404, 404, 404]
    assert len({response.content for response in responses}) == 1  # nothing tells them apart
    application.refresh_from_db()
    assert application.status == Status.NEW
    assert not [message for message in mail.outbox if "withdrew" in message.body]
