"""Shared pytest fixtures: the real catalog, the demo accounts, logged-in clients."""
import pytest

from server.groups import ensure_groups
from server.seeding import SeedReport, ensure_accounts, load_catalog
from server.tests.factories import UserFactory

DEMO_PASSWORD = "civictech"


@pytest.fixture
def catalog(db):
    """The real Hack for LA catalog of ../shared/data (5 communities, 23 roles, 227 skills, 22 projects)."""
    load_catalog(SeedReport())


@pytest.fixture
def demo_accounts(catalog):
    ensure_accounts(password=DEMO_PASSWORD, report=SeedReport())
    from server.models import User

    return {user.email: user for user in User.objects.all()}


@pytest.fixture
def organizer(db):
    organizers, _ = ensure_groups()
    user = UserFactory(email="organizer@example.org")
    user.groups.add(organizers)
    return user


@pytest.fixture
def project_manager(db):
    _, managers = ensure_groups()
    user = UserFactory(email="manager@example.org")
    user.groups.add(managers)
    return user


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def pm_client(client, project_manager):
    client.force_login(project_manager)
    return client
