"""Acceptance (issue 15) with the real parts: a local aiosmtpd SMTP server, the real task worker
(`manage.py db_worker` subprocesses, or django-tasks-db's worker code in process where the
clock must move), the API and the pages. The unsubscribe page in Chromium:
server/tests/browser/test_alerts_browser.py.
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from server import services
from server.alerts.digests import send_digest
from server.models import Alert, AlertDelivery

LINK = re.compile(r"https?://\S+/alerts/\S+/(?:confirm|unsubscribe)/")


def subscribe(**changes):
    body = {
        "email": "ada@example.com",
        "name": "Ada",
        "skills": [{"name": "Python", "level": 4}],
        "max_hours_per_week": 10,
        "frequency": "daily",
        "min_score": 60,
    }
    body.update(changes)
    response = APIClient().post("/api/alerts/", body, format="json")
    assert response.status_code == 202, response.content
    return response


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _path(url: str) -> str:
    return urlsplit(url).path


def confirm(message):
    link = next(url for url in LINK.findall(_text(message)) if url.endswith("/confirm/"))
    client = Client(enforce_csrf_checks=True)
    assert client.get(_path(link)).status_code == 200
    response = client.post(_path(link), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200 and b"Alert confirmed" in response.content


def test_subscribe_confirm_digest_once_no_match_and_one_click_unsubscribe(skills, make_draft, smtp_server, db_worker):
    db_worker.start()
    subscribe()
    db_worker.wait_until_idle()
    assert [message["Subject"] for message in smtp_server.messages] == ["Confirm your Civic Tech Jobs alert"]
    confirmation = smtp_server.messages[0]
    assert confirmation["To"] == "ada@example.com"

    # Before confirming, a matching publication sends nothing.
    services.opportunity_publish(opportunity=make_draft(title="Before confirming"))
    db_worker.wait_until_idle()
    assert len(smtp_server.messages) == 1

    confirm(confirmation)
    opportunity = services.opportunity_publish(opportunity=make_draft(title="Back End Developer"))
    db_worker.wait_until_idle()
    assert len(smtp_server.messages) == 2
    digest = smtp_server.messages[1]
    body = _text(digest)
    delivery = AlertDelivery.objects.get(opportunity=opportunity)
    assert "Back End Developer (Food Oasis)" in body and "Before confirming" not in body
    assert f"match {delivery.score}" in body
    assert "Skills: Python 4 of 3 ✓" in body and "Hours: 10 h/week ≥ 5 needed" in body
    assert f"/api/opportunities/{opportunity.pk}/" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(digest["List-Unsubscribe"]).strip().strip("<>")

    # A second run sends nothing new.
    send_digest.enqueue(alert_id=Alert.objects.get().pk)
    db_worker.wait_until_idle()
    assert len(smtp_server.messages) == 2

    # Not matching: below min_score (asks far more hours and a skill Ada lacks), or no skill in common.
    below = services.opportunity_publish(
        opportunity=make_draft(title="Too much", required={"Python": 5, "SQL": 5, "Django": 5}, min_hours=40)
    )
    elsewhere = services.opportunity_publish(opportunity=make_draft(title="Design", required={"Figma": 2}))
    db_worker.wait_until_idle()
    assert not AlertDelivery.objects.filter(opportunity__in=[below, elsewhere]).exists()
    assert len(smtp_server.messages) == 2

    # One-click unsubscribe (RFC 8058): a POST with no page, cookie or CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        _path(link), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    services.opportunity_publish(opportunity=make_draft(title="After unsubscribing"))
    subscribe()  # a new attempt, never confirmed
    services.opportunity_publish(opportunity=make_draft(title="After the new attempt"))
    db_worker.wait_until_idle()
    assert [message["Subject"] for message in smtp_server.messages[2:]] == ["Confirm your Civic Tech Jobs alert"]
    assert Alert.objects.get().unsubscribed_at is not None


NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_weekly_holds_the_second_digest_back_and_sends_it_after_the_week(skills, make_draft, smtp_server, run_tasks):
    with time_machine.travel(NOW, tick=False) as clock:
        subscribe(frequency="weekly")
        run_tasks()
        confirm(smtp_server.messages[0])
        services.opportunity_publish(opportunity=make_draft(title="First"))
        run_tasks()
        assert len(smtp_server.messages) == 2 and "First" in _text(smtp_server.messages[1])

        clock.move_to(NOW + timedelta(days=3))
        services.opportunity_publish(opportunity=make_draft(title="Second"))
        run_tasks()
        assert len(smtp_server.messages) == 2  # held back: the digest task waits for its run_after

        clock.move_to(NOW + timedelta(days=6, hours=23))
        assert run_tasks() == 0 and len(smtp_server.messages) == 2

        clock.move_to(NOW + timedelta(days=7, seconds=1))
        assert run_tasks() >= 1
        assert len(smtp_server.messages) == 3
        second = _text(smtp_server.messages[2])
        assert "Second" in second and "First" not in second
