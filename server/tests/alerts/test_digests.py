"""Digests (server.alerts.digests) with the immediate task backend and Django's test outbox.

The same story with the real worker and a real SMTP server is in test_alert_flow.py; here
the rules one by one: only confirmed alerts, min_score and no-skill-in-common, once per
frequency, never twice, at most 10 best first, nothing after unsubscribe.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from server import services
from server.alerts import services as alert_services
from server.alerts.digests import send_digest
from server.models import Alert, AlertDelivery, Digest

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def publish(django_capture_on_commit_callbacks, run_tasks):
    """Publish through the service, then run every task that is due (matching, digests, mail)."""

    def publish(opportunity):
        with django_capture_on_commit_callbacks(execute=True):
            services.opportunity_publish(opportunity=opportunity)
        run_tasks()
        return opportunity

    return publish


@pytest.fixture
def digest_now(run_tasks):
    """Run the alert's digest task now and deliver what it queued; how many it carried."""

    def digest_now(alert):
        carried = send_digest.call(alert_id=alert.pk)
        run_tasks()
        return carried

    return digest_now


@pytest.fixture
def subscribe(skills, run_tasks):
    def subscribe(email="ada@example.com", levels=None, confirm=True, **fields):
        levels = {"Python": 4} if levels is None else levels
        alert = alert_services.alert_subscribe(
            email=email,
            name="Ada",
            skills=[(skills[name], level) for name, level in levels.items()],
            max_hours_per_week=fields.pop("max_hours_per_week", 10),
            **fields,
        )
        run_tasks()
        if confirm:
            alert = alert_services.alert_confirm(alert=alert)
        mail.outbox.clear()
        return alert

    return subscribe


def test_an_unconfirmed_alert_gets_nothing_but_its_confirmation(skills, make_draft, publish, run_tasks):
    alert_services.alert_subscribe(email="ada@example.com", skills=[(skills["Python"], 4)])
    run_tasks()
    assert [message.subject for message in mail.outbox] == ["Confirm your Civic Tech Jobs alert"]
    publish(make_draft())
    assert len(mail.outbox) == 1
    assert not AlertDelivery.objects.exists()


def test_a_confirmed_alert_gets_one_digest_with_score_explanation_link_and_unsubscribe(subscribe, make_draft, publish):
    alert = subscribe()
    opportunity = publish(make_draft(title="Back End Developer"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert "Back End Developer" in message.body and "Food Oasis" in message.body
    delivery = AlertDelivery.objects.get()
    assert delivery.state == "sent" and delivery.opportunity == opportunity
    assert f"match {delivery.score}" in message.body
    # The explanation in words, from server.matching.explain.
    assert "Skills: Python 4 of 3 ✓" in message.body
    assert "Hours: 10 h/week ≥ 5 needed" in message.body
    assert "Meetings: availability not given" in message.body
    assert f"/api/opportunities/{opportunity.pk}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith("/unsubscribe/>")
    html = message.alternatives[0][0]
    assert "Back End Developer" in html and "Unsubscribe" in html
    alert.refresh_from_db()
    assert alert.last_sent_at == NOW
    assert Digest.objects.get().opportunity_count == 1


def test_a_second_run_sends_nothing_new(subscribe, make_draft, publish, digest_now):
    alert = subscribe(frequency="daily")
    publish(make_draft())
    assert len(mail.outbox) == 1
    assert digest_now(alert) == 0
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert digest_now(alert) == 0
    assert len(mail.outbox) == 1


def test_below_min_score_is_no_match(subscribe, make_draft, publish):
    subscribe(min_score=99)
    publish(make_draft())
    assert mail.outbox == []
    assert not AlertDelivery.objects.exists()


def test_no_skill_in_common_is_no_match_even_at_min_score_zero(subscribe, make_draft, publish):
    subscribe(levels={"Figma": 5}, min_score=0)
    publish(make_draft(required={"Python": 3, "SQL": 2}))
    assert mail.outbox == []
    assert not AlertDelivery.objects.exists()


def test_an_opportunity_without_skills_matches_on_the_rest(subscribe, make_draft, publish):
    subscribe(levels={"Figma": 5}, min_score=50)
    publish(make_draft(required={}))
    assert len(mail.outbox) == 1


def test_weekly_holds_a_second_digest_back_within_the_week(subscribe, make_draft, publish, digest_now, _pinned_time):
    alert = subscribe(frequency="weekly")
    publish(make_draft(title="First"))
    assert len(mail.outbox) == 1
    _pinned_time.move_to(NOW + timedelta(days=3))
    publish(make_draft(title="Second"))
    assert len(mail.outbox) == 1
    assert digest_now(alert) == 0
    _pinned_time.move_to(NOW + timedelta(days=7, seconds=1))
    assert digest_now(alert) == 1
    assert len(mail.outbox) == 2
    assert "Second" in mail.outbox[1].body and "First" not in mail.outbox[1].body


def test_at_most_ten_best_first(subscribe, make_draft, publish, digest_now, _pinned_time):
    alert = subscribe(frequency="daily", levels={"Python": 5, "SQL": 1}, min_score=0)
    publish(make_draft(title="Warm-up"))
    for index in range(12):
        # Higher SQL levels asked match Ada's SQL 1 less well: "Level 1" is the best.
        publish(make_draft(title=f"Level {index + 1}", required={"Python": 3, "SQL": index % 5 + 1}))
    assert len(mail.outbox) == 1
    _pinned_time.move_to(NOW + timedelta(days=1, seconds=1))
    assert digest_now(alert) == 10
    body = mail.outbox[1].body
    scores = [float(line.rsplit("match ", 1)[1]) for line in body.splitlines() if " - match " in line]
    assert len(scores) == 10 and scores == sorted(scores, reverse=True)
    assert AlertDelivery.objects.filter(state="skipped").count() == 2
    _pinned_time.move_to(NOW + timedelta(days=3))
    assert digest_now(alert) == 0


def test_an_opportunity_closed_before_the_digest_is_left_out(subscribe, make_draft, publish, digest_now, _pinned_time):
    alert = subscribe(frequency="daily")
    publish(make_draft(title="First"))
    closing = publish(make_draft(title="Closed soon"))
    services.opportunity_close(opportunity=closing)
    _pinned_time.move_to(NOW + timedelta(days=1, seconds=1))
    assert digest_now(alert) == 0
    assert AlertDelivery.objects.get(opportunity=closing).state == "skipped"


def test_unsubscribed_gets_nothing_ever_even_after_an_unconfirmed_new_subscription(
    subscribe, make_draft, publish, skills, run_tasks, digest_now, _pinned_time
):
    alert = subscribe(frequency="daily")
    alert_services.alert_unsubscribe(alert=alert)
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None and alert.name == "" and not alert.skill_levels.exists()
    publish(make_draft(title="After unsubscribing"))
    assert mail.outbox == []
    alert_services.alert_subscribe(email="ada@example.com", skills=[(skills["Python"], 4)])
    run_tasks()
    assert [message.subject for message in mail.outbox] == ["Confirm your Civic Tech Jobs alert"]
    _pinned_time.move_to(NOW + timedelta(days=8))
    publish(make_draft(title="After subscribing again"))
    assert digest_now(alert) == 0
    assert len(mail.outbox) == 1
    assert Alert.objects.get().unsubscribed_at is not None
