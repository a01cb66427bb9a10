"""The production configuration: settings from the environment, check --deploy, the database
outage middleware, JSON logs and the start-up commands the container runs."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, OperationalError
from django.test import RequestFactory

from config.logging import JsonFormatter
from config.middleware import DatabaseUnavailableMiddleware

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "jobs.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://jobs.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_CONN_MAX_AGE": "60",
}


def run_django(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter, so settings are read from `env` alone."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "API_"))}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_settings(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json; from django.conf import settings; print(json.dumps({n: getattr(settings, n, None) for n in %r}))"
    )
    result = run_django("shell", "-c", code % (names,), env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_production_variables():
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_check_deploy_is_clean_with_only_the_required_variables():
    """Secure by default: the secret key and the hosts are all a deployment must set."""
    env = {"DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"], "DJANGO_ALLOWED_HOSTS": "jobs.example.org"}
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_a_switched_off_ssl_redirect():
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": "0"}
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_secret_key_is_required_without_debug():
    result = run_django("check", env={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_a_malformed_number_is_named():
    result = run_django("check", env={**PRODUCTION_ENV, "DJANGO_CONN_MAX_AGE": "sixty"})
    assert result.returncode != 0
    assert "DJANGO_CONN_MAX_AGE must be a whole number" in result.stderr


def test_production_settings_come_from_the_environment():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db.internal:5432/jobs"}
    values = production_settings(
        env,
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "DATABASES",
        "STORAGES",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
    )
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["jobs.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://jobs.example.org"]
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    database = values["DATABASES"]["default"]
    assert database["HOST"] == "db.internal"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # A 100k-row volunteers CSV is about 30 MB.
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] >= 40 * 1024 * 1024


def test_the_proxy_header_is_trusted_only_when_asked():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_BEHIND_PROXY"}
    values = production_settings(env, "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT")
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    plain_http = production_settings(
        {**env, "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0"},
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    assert plain_http == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


class TestDatabaseUnavailableMiddleware:
    def respond(self, path: str, exception: Exception):
        middleware = DatabaseUnavailableMiddleware(lambda request: None)
        return middleware.process_exception(RequestFactory().get(path), exception)

    def test_api_gets_a_json_503(self):
        response = self.respond("/api/opportunities/", OperationalError("connection refused"))
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content)["code"] == "database_unavailable"
        assert response["Retry-After"] == "5"

    def test_admin_gets_a_short_html_503(self):
        response = self.respond("/admin/server/opportunity/", OperationalError("server closed the connection"))
        assert response.status_code == 503
        assert b"database is unavailable" in response.content
        assert b"Traceback" not in response.content

    def test_a_wrapped_connection_error_is_recognised(self):
        try:
            try:
                raise OperationalError("gone")
            except OperationalError as error:
                raise RuntimeError("template failed") from error
        except RuntimeError as wrapped:
            response = self.respond("/api/match/", wrapped)
        assert response.status_code == 503

    @pytest.mark.parametrize("exception", [IntegrityError("duplicate key"), ValueError("bug")])
    def test_other_errors_are_left_alone(self, exception):
        assert self.respond("/api/opportunities/", exception) is None


def test_json_log_lines_carry_the_extras():
    record = logging.LogRecord("server.database", logging.ERROR, __file__, 1, "database %s", ("unavailable",), None)
    record.path = "/api/health/"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR"
    assert line["logger"] == "server.database"
    assert line["message"] == "database unavailable"
    assert line["path"] == "/api/health/"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_wait_for_db_returns_when_the_database_answers(capsys):
    call_command("wait_for_db", "--timeout", "5")
    assert "is ready" in capsys.readouterr().out


def test_wait_for_db_gives_up_in_time_and_says_why():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = run_django("wait_for_db", "--timeout", "2", "--interval", "0.5", env=env, timeout=30)
    assert result.returncode == 1
    assert "still unavailable after 2s" in result.stderr


@pytest.mark.django_db
def test_migrate_with_lock_leaves_a_migrated_database_as_it_is(capsys):
    call_command("migrate_with_lock", verbosity=1)
    assert "No migrations to apply" in capsys.readouterr().out


def test_wait_for_db_names_an_unknown_alias():
    with pytest.raises(CommandError, match="Unknown database alias 'missing'"):
        call_command("wait_for_db", "--database", "missing")


@pytest.mark.django_db
class TestCreateOrganizer:
    def test_creates_a_staff_organizer_and_both_groups(self, monkeypatch, capsys):
        from server.models import User
        from server.permissions import ORGANIZERS, PROJECT_MANAGERS

        monkeypatch.setenv("FIRST_PASSWORD", "a-long-and-unusual-passphrase")
        call_command("create_organizer", "Lead@Example.org", "--password-env", "FIRST_PASSWORD")
        user = User.objects.get(email="lead@example.org")
        assert user.is_staff and not user.is_superuser
        assert user.check_password("a-long-and-unusual-passphrase")
        assert set(user.groups.values_list("name", flat=True)) == {ORGANIZERS}
        from django.contrib.auth.models import Group

        assert Group.objects.filter(name=PROJECT_MANAGERS).exists()
        assert "Created organizer lead@example.org" in capsys.readouterr().out

    def test_promotes_an_existing_account_without_touching_its_password(self, monkeypatch):
        from server.tests.factories import UserFactory

        user = UserFactory(email="someone@example.org", is_staff=False)
        monkeypatch.setattr("sys.stdin.isatty", lambda: False)
        call_command("create_organizer", "someone@example.org", "--superuser")
        user.refresh_from_db()
        assert user.is_staff and user.is_superuser
        assert user.check_password("pass-word-123")

    def test_a_weak_password_is_refused_and_nothing_is_written(self, monkeypatch):
        from server.models import User

        monkeypatch.setenv("WEAK", "password")
        with pytest.raises(CommandError, match="password: This password is too common"):
            call_command("create_organizer", "new@example.org", "--password-env", "WEAK")
        assert not User.objects.filter(email="new@example.org").exists()

    def test_a_new_account_needs_a_password_without_a_terminal(self, monkeypatch):
        monkeypatch.setattr("sys.stdin.isatty", lambda: False)
        with pytest.raises(CommandError, match="--password-env"):
            call_command("create_organizer", "new@example.org")


@pytest.mark.django_db
def test_an_api_view_that_loses_the_database_answers_a_json_503(client, monkeypatch):
    from server.api import views

    def lost(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.OpportunityViewSet, "get_queryset", lost)
    response = client.get("/api/opportunities/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is unavailable. Please try again shortly.",
        "code": "database_unavailable",
    }
    assert response["Retry-After"] == "5"
