"""Fixtures for the follow-through tests: a project with two managers (one inactive), an
Organizer, an open opportunity, and an application made through the service."""

import pytest

from server import services
from server.tests.factories import OpenOpportunityFactory, ProjectFactory, UserFactory

SITE = "https://jobs.example.org"
SENDER = "Hack for LA Jobs <jobs@hackforla.example>"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = SENDER
    settings.APPLICATION_REMINDER_DAYS = (3, 7)


@pytest.fixture
def project(project_manager, organizer):
    project = ProjectFactory(name="Food Oasis", slug="food-oasis")
    project.managers.add(project_manager, UserFactory(email="gone@example.org", is_active=False))
    return project


@pytest.fixture
def opportunity(project):
    return OpenOpportunityFactory(project=project, title="Data Analyst")


@pytest.fixture
def apply(opportunity):
    def apply(email="ana@example.com", name="Ana Silva", message="I know pandas.", target=None):
        application, _ = services.application_apply(
            opportunity=target or opportunity, email=email, name=name, message=message
        )
        return application

    return apply
