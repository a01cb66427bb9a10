"""Tokens, the health check, and JSON errors everywhere under /api/."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings

from server.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestToken:
    URL = "/api/auth/token/"

    def test_staff_email_and_password_give_a_token(self, api, organizer):
        response = api.post(self.URL, {"email": "Organizer@Example.org", "password": "pass-word-123"})
        assert response.status_code == 200
        assert response.json() == {"token": Token.objects.get(user=organizer).key}
        again = api.post(self.URL, {"email": "organizer@example.org", "password": "pass-word-123"})
        assert again.json() == response.json()

    def test_token_authenticates(self, api, organizer):
        token = api.post(self.URL, {"email": "organizer@example.org", "password": "pass-word-123"}).json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        from server.tests.factories import OpportunityFactory

        draft = OpportunityFactory()
        assert api.get(f"/api/opportunities/{draft.pk}/").status_code == 200

    @pytest.mark.parametrize(
        "body",
        [
            {"email": "organizer@example.org", "password": "wrong"},
            {"email": "nobody@example.org", "password": "pass-word-123"},
            {"email": "volunteer@example.org", "password": "pass-word-123"},  # not staff
        ],
    )
    def test_wrong_credentials_or_non_staff_are_400(self, api, organizer, body):
        UserFactory(email="volunteer@example.org", is_staff=False)
        response = api.post(self.URL, body)
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["No staff account matches this email and password."]}

    def test_a_form_post_gives_a_token_too(self, client, organizer):
        # As DRF's obtain_auth_token: Django's test client posts multipart by default.
        response = client.post(self.URL, {"email": "organizer@example.org", "password": "pass-word-123"})
        assert response.status_code == 200, response.content
        assert response.json() == {"token": Token.objects.get(user=organizer).key}

    def test_missing_fields_are_named(self, api):
        response = api.post(self.URL, {"email": "x"})
        assert response.status_code == 400
        assert set(response.json()) == {"email", "password"}

    def test_invalid_token_is_401(self, api):
        api.credentials(HTTP_AUTHORIZATION="Token nope")
        response = api.get("/api/opportunities/")
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}


class TestHealth:
    def test_ok(self, api):
        response = api.get("/api/health/")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "database": "ok",
            "version": settings.VERSION,
            "tasks": {"queued": 0, "oldest_seconds": 0},
        }

    def test_a_busy_queue_is_reported_not_a_failure(self, api):
        from datetime import timedelta

        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from server.tasks.mail import queue_email

        for number in range(3):
            queue_email(key=f"health:{number}", to=["a@example.org"], subject="s", body="b")
        DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
        response = api.get("/api/health/")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert response.json()["tasks"]["queued"] == 3
        assert 595 <= response.json()["tasks"]["oldest_seconds"] <= 660

    def test_database_down_is_503(self, api):
        with mock.patch("server.api.views.connection.cursor", side_effect=OperationalError("connection refused")):
            response = api.get("/api/health/")
        assert response.status_code == 503
        assert response.json() == {"status": "error", "database": "unavailable", "version": settings.VERSION}

    def test_not_throttled(self, api, monkeypatch):
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "1/minute")
        assert [api.get("/api/health/").status_code for _ in range(3)] == [200, 200, 200]


class TestErrors:
    @pytest.mark.parametrize("path", ["/api/nope/", "/api/", "/api/opportunities/x/y/", "/api/v2/jobs"])
    def test_unknown_api_paths_are_json_404(self, api, path):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert path.rstrip("/") in response.json()["detail"] or "No API endpoint" in response.json()["detail"]

    def test_method_not_allowed_is_json(self, api):
        response = api.delete("/api/health/")
        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "DELETE" not allowed.'}

    @pytest.mark.throttle
    def test_anonymous_calls_are_throttled_with_json_429(self, api, monkeypatch):
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/minute")
        statuses = [api.get("/api/communities/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api.get("/api/opportunities/")
        assert response.status_code == 429
        assert "throttled" in response.json()["detail"]

    def test_bad_json_is_400_naming_the_problem(self, api):
        response = api.generic("POST", "/api/applications/", "{oops", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"].startswith("JSON parse error")

    def test_wrong_content_type_is_415(self, api):
        # Nested bodies (match, opportunity writes) are JSON only.
        response = api.generic("POST", "/api/match/", "a=b", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415
        assert "Unsupported media type" in response.json()["detail"]

    def test_swagger_ui_and_schema_are_served(self, api):
        assert api.get("/api/docs/").status_code == 200
        schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert schema.status_code == 200
        paths = schema.json()["paths"]
        for path in [
            "/api/opportunities/",
            "/api/opportunities/{id}/",
            "/api/communities/",
            "/api/roles/",
            "/api/skills/",
            "/api/projects/",
            "/api/applications/",
            "/api/auth/token/",
            "/api/health/",
        ]:
            assert path in paths


class TestNulCharacters:
    """PostgreSQL refuses NUL in text: the API answers 400 (or 404 in a path) before any query."""

    def test_in_a_query_parameter(self, api):
        response = api.get("/api/opportunities/", {"project": "food\x00oasis"})
        assert response.status_code == 400
        assert response.json() == {"project": ["Null characters are not allowed."]}

    def test_in_a_body_field(self, api):
        response = api.post("/api/match/", {"community_of_practice": "data\x00", "skills": []})
        assert response.status_code == 400
        assert response.json() == {"community_of_practice": ["Null characters are not allowed."]}
        response = api.post("/api/match/", {"skills": [{"name": "Py\x00", "level": 1}]})
        assert response.json() == {"skills.0.name": ["Null characters are not allowed."]}

    def test_in_a_path(self, api):
        assert api.get("/api/communities/a%00b/").status_code == 404
