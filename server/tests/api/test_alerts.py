"""POST /api/alerts/: 202 and a confirmation only, the same email updates, 400 naming the field, 429."""

import pytest
from django.core import mail
from rest_framework.settings import api_settings

from server.models import Alert, AlertSkill
from server.tests.factories import CommunityOfPracticeFactory, RoleFactory, SkillFactory

pytestmark = pytest.mark.django_db

URL = "/api/alerts/"


@pytest.fixture
def python():
    return SkillFactory(name="Python")


def _body(**changes):
    body = {"email": "Ada@Example.com", "name": "Ada", "skills": [{"name": "python", "level": 4}]}
    body.update(changes)
    return body


def test_subscribe_stores_the_profile_and_sends_only_a_confirmation(api, python, run_tasks):
    community = CommunityOfPracticeFactory(name="Engineering", slug="engineering")
    role = RoleFactory(title="Back End Developer", community_of_practice=community)
    response = api.post(
        URL,
        _body(
            community_of_practice="engineering",
            roles=[role.pk],
            max_hours_per_week=10,
            timezone="Europe/Berlin",
            availability="Mon 18:00-20:00; wed 09:00-12:30",
            frequency="daily",
            min_score=75,
        ),
        format="json",
    )
    assert run_tasks() == 1  # the confirmation's delivery
    assert response.status_code == 202
    assert response.json() == {"status": "confirmation sent"}
    alert = Alert.objects.get()
    assert alert.email == "ada@example.com"
    assert (alert.name, alert.frequency, alert.min_score, alert.max_hours_per_week) == ("Ada", "daily", 75, 10)
    assert alert.community_of_practice == community and list(alert.roles.all()) == [role]
    assert alert.timezone == "Europe/Berlin"
    assert list(alert.availability.values_list("weekday", "start", "end")) == [
        (0, 18 * 60, 20 * 60),
        (2, 9 * 60, 12 * 60 + 30),
    ]
    assert list(AlertSkill.objects.values_list("skill__name", "level")) == [("Python", 4)]
    assert alert.confirmed_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "/alerts/" in mail.outbox[0].body and "/confirm/" in mail.outbox[0].body


def test_defaults_are_weekly_and_60(api, python, run_tasks):
    assert api.post(URL, {"email": "b@example.com", "skills": []}, format="json").status_code == 202
    alert = Alert.objects.get()
    assert (alert.frequency, alert.min_score, alert.timezone) == ("weekly", 60, "America/Los_Angeles")


def test_the_same_email_again_updates_the_profile_and_sends_a_new_confirmation(api, python, run_tasks):
    django = SkillFactory(name="Django")
    api.post(URL, _body(), format="json")
    response = api.post(URL, _body(email="ada@example.COM", skills=[{"name": "Django", "level": 2}]), format="json")
    run_tasks()
    assert response.status_code == 202
    alert = Alert.objects.get()
    assert list(alert.skill_levels.values_list("skill", "level")) == [(django.pk, 2)]
    assert len(mail.outbox) == 2
    assert mail.outbox[0].body != mail.outbox[1].body  # a new link for the new request


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"skills": [{"name": "Cobol", "level": 3}]}, "skills", '"Cobol" is not a known skill'),
        ({"availability": "Mon 25:00-26:00"}, "availability", "Mon 25:00-26:00"),
        ({"frequency": "hourly"}, "frequency", '"hourly" is not a valid choice'),
        ({"min_score": 101}, "min_score", "less than or equal to 100"),
        ({"min_score": -1}, "min_score", "greater than or equal to 0"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"timezone": "Mars/Olympus"}, "timezone", "IANA"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, python, run_tasks, changes, field, words):
    response = api.post(URL, _body(**changes), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert words in str(errors[field])
    assert not Alert.objects.exists()
    assert run_tasks() == 0 and mail.outbox == []


def test_skills_are_required(api):
    response = api.post(URL, {"email": "a@example.com"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["skills"]


def test_subscriptions_are_throttled_like_applications(api, python, monkeypatch, run_tasks):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "applications", "2/hour")
    for index in range(2):
        assert api.post(URL, _body(email=f"v{index}@example.com"), format="json").status_code == 202
    response = api.post(URL, _body(email="v3@example.com"), format="json")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert Alert.objects.count() == 2
