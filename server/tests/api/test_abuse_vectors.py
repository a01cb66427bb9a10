"""Issue 12's vectors, each sent as an attacker would: every one gets a 4xx, within a second.

Bounded cost: list lengths are capped before any item costs a query, bodies above 1 MB are
refused from their Content-Length, and JSON nested deeper than any valid body is a 400 on every
JSON endpoint (it used to be a RecursionError, a 500).
"""

import json
import time

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from server.tests.factories import OpenOpportunityFactory

pytestmark = pytest.mark.django_db
LIMIT_SECONDS = 1.0


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def raw(client, method, path, text):
    return client.generic(method, path, text, content_type="application/json")


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.fixture(autouse=True)
def _warm(api):
    """The process's first request loads URL patterns and the like: not the vector's cost."""
    api.get("/api/health/")


@pytest.fixture
def opportunity(managed_project):
    return OpenOpportunityFactory(project=managed_project)


def test_twenty_thousand_roles_are_refused_quickly(api, catalog):
    response, seconds = timed(lambda: api.post("/api/match/", {"skills": [], "roles": [1] * 20_000}, format="json"))
    assert response.status_code == 400
    assert response.json() == {"roles": ["Ensure this field has no more than 50 elements."]}
    assert seconds < LIMIT_SECONDS, f"{seconds:.2f} s"


def test_twenty_thousand_unknown_skills_are_refused_quickly(api, catalog, django_assert_max_num_queries):
    skills = [{"name": f"no such skill {n}", "level": 3} for n in range(20_000)]
    with django_assert_max_num_queries(0):
        response, seconds = timed(lambda: api.post("/api/match/", {"skills": skills}, format="json"))
    assert response.status_code == 400
    assert response.json() == {"skills": {"non_field_errors": ["Ensure this field has no more than 100 elements."]}}
    assert seconds < LIMIT_SECONDS, f"{seconds:.2f} s"


def test_an_opportunity_write_caps_its_skill_lists(pm_api, managed_project, catalog):
    skills = [{"name": "Python", "level": 3}] * 101
    response = pm_api.post(
        "/api/opportunities/", {"project": managed_project.slug, "role": 1, "preferred_skills": skills}, format="json"
    )
    assert response.status_code == 400
    assert "preferred_skills" in response.json()


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("POST", "/api/match/", "anonymous"),
        ("POST", "/api/applications/", "anonymous"),
        ("POST", "/api/auth/token/", "anonymous"),
        ("POST", "/api/opportunities/", "staff"),
        ("PATCH", "/api/opportunities/{id}/", "staff"),
        ("PUT", "/api/opportunities/{id}/", "staff"),
    ],
)
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(api, pm_api, opportunity, method, path, who, depth):
    client = pm_api if who == "staff" else api
    body = '{"skills": ' + nested(depth) + "}"
    response, seconds = timed(lambda: raw(client, method, path.format(id=opportunity.pk), body))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - the body nests arrays and objects more than 20 levels deep."
    }
    assert seconds < LIMIT_SECONDS, f"{seconds:.2f} s"


def test_valid_bodies_are_far_from_the_depth_limit(api, catalog):
    # The deepest valid body (a match with skills) nests 2 levels: [{...}] inside {...}.
    body = json.dumps({"skills": [{"name": "Python", "level": 3}], "roles": []})
    assert raw(api, "POST", "/api/match/", body).status_code == 200
    brackets_in_strings = json.dumps({"skills": [], "availability": "[" * 500})
    assert raw(api, "POST", "/api/match/", brackets_in_strings).json()["availability"]  # a 400 for the schedule


def test_a_ten_megabyte_opportunity_body_is_refused_before_it_is_read(pm_api, opportunity):
    body = json.dumps({"body": "x" * 10_000_000})
    response, seconds = timed(lambda: raw(pm_api, "PATCH", f"/api/opportunities/{opportunity.pk}/", body))
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1,048,576 bytes.", "code": "body_too_large"}
    assert seconds < LIMIT_SECONDS, f"{seconds:.2f} s"
    opportunity.refresh_from_db()
    assert len(opportunity.body) < 1000


def test_any_api_body_over_a_megabyte_is_a_413(api):
    padding = json.dumps({"skills": [], "availability": "x" * (1024 * 1024)})
    response, seconds = timed(lambda: raw(api, "POST", "/api/match/", padding))
    assert (response.status_code, seconds < LIMIT_SECONDS) == (413, True)
    form = "name=" + "x" * (1024 * 1024 + 1)
    response = api.generic("POST", "/api/applications/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_spoofed_forwarded_for_headers_are_throttled_quickly(api, monkeypatch, catalog):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "5/minute")
    for n in range(5):
        api.get("/api/communities/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response, seconds = timed(lambda: api.get("/api/communities/", HTTP_X_FORWARDED_FOR="203.0.113.99"))
    assert (response.status_code, seconds < LIMIT_SECONDS) == (429, True)


def test_password_guessing_is_locked_quickly(organizer):
    client = APIClient()
    for n in range(10):
        client.post("/api/auth/token/", {"email": organizer.email, "password": f"guess {n}"}, format="json")
    response, seconds = timed(
        lambda: client.post("/api/auth/token/", {"email": organizer.email, "password": "x"}, format="json")
    )
    assert (response.status_code, seconds < LIMIT_SECONDS) == (429, True)
