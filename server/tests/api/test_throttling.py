"""The anonymous throttles count per client (server.security.client_ip), so a new
X-Forwarded-For per request escapes nothing, and with REDIS_URL they count across processes.

CI runs this module (marker `throttle`) a second time against the Redis on 127.0.0.1:6379.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from server.tests.factories import OpenOpportunityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.throttle]
CLIENT, PROXY = "198.51.100.7", "10.0.0.2"
ROOT = Path(__file__).resolve().parents[3]


def spoofing_calls(settings, behind_proxy, count, send):
    """`count` calls from one client, each with a new made-up X-Forwarded-For. Behind our proxy
    the proxy appends the address it saw (the client's) to whatever the client sent."""
    settings.BEHIND_PROXY, settings.NUM_PROXIES = behind_proxy, 1
    statuses = []
    for n in range(count):
        spoofed = f"203.0.113.{n}"
        if behind_proxy:
            statuses.append(send(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{spoofed}, {CLIENT}"))
        else:
            statuses.append(send(REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=spoofed))
    return statuses


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_new_forwarded_for_per_call_does_not_escape_the_anonymous_rate(settings, monkeypatch, behind_proxy):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/minute")
    api = APIClient()
    statuses = spoofing_calls(
        settings, behind_proxy, 5, lambda **extra: api.get("/api/communities/", **extra).status_code
    )
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_a_new_forwarded_for_per_application_does_not_escape_the_application_rate(settings, monkeypatch, behind_proxy):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "applications", "2/hour")
    opportunity = OpenOpportunityFactory()
    api = APIClient()

    def apply(**extra):
        body = {"opportunity": str(opportunity.pk), "name": "Ana", "email": f"ana{len(extra)}@example.com"}
        return api.post("/api/applications/", body, format="json", **extra).status_code

    assert spoofing_calls(settings, behind_proxy, 4, apply) == [201, 200, 429, 429]


def test_behind_proxies_each_real_client_has_its_own_count(settings, monkeypatch):
    settings.BEHIND_PROXY, settings.NUM_PROXIES = True, 1
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "2/minute")
    api = APIClient()

    def get(client):
        return api.get("/api/communities/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client).status_code

    assert [get("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert get("198.51.100.2") == 200  # another person behind the same proxy is not throttled


def test_the_cache_is_redis_exactly_when_redis_url_is_set():
    backend = type(caches["default"]).__module__ + "." + type(caches["default"]).__name__
    if settings.REDIS_URL:
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: CI runs this module against Redis")
def test_with_redis_another_process_sees_the_same_count(monkeypatch, tmp_path):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/minute")
    api = APIClient()
    assert [api.get("/api/communities/", REMOTE_ADDR=CLIENT).status_code for _ in range(3)] == [200] * 3
    # A second app process (its own interpreter, its own connection) with the same Redis: the
    # client has used up its rate there too, before the request reaches any database.
    script = (
        "import django; django.setup(); from django.test import Client; "
        f"print(Client(HTTP_HOST='localhost').get('/api/communities/', REMOTE_ADDR='{CLIENT}').status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "another-process",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "API_ANON_RATE": "3/minute",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "429", result.stderr[-2000:]
