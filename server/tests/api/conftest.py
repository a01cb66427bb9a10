"""Fixtures for the API tests: DRF clients, anonymous and with staff tokens."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from server.tests.caching import clear_cache
from server.tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; each test starts with none."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def api():
    return APIClient()


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def organizer_api(organizer):
    return _token_client(organizer)


@pytest.fixture
def pm_api(project_manager):
    return _token_client(project_manager)


@pytest.fixture
def managed_project(project_manager):
    project = ProjectFactory(name="Food Oasis", slug="food-oasis")
    project.managers.add(project_manager)
    return project


@pytest.fixture
def other_project():
    return ProjectFactory(name="VRMS", slug="vrms")
