"""The big changelists make the same number of queries at 50 rows as at 5,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from server.models import Application, Opportunity, Volunteer
from server.tests.factories import CommunityOfPracticeFactory, ProjectFactory, RoleFactory

pytestmark = pytest.mark.django_db

CASES = [
    ("server_opportunity", {}),
    ("server_opportunity", {"status__exact": "open", "q": "Posting"}),
    ("server_volunteer", {}),
    ("server_volunteer", {"status__exact": "active", "q": "example"}),
    ("server_application", {}),
]


@pytest.fixture
def grow(project_manager):
    """grow(n): add n opportunities, n volunteers and one application each, in the PM's project."""
    community = CommunityOfPracticeFactory(name="Engineering")
    roles = [RoleFactory(community_of_practice=community) for _ in range(3)]
    project = ProjectFactory()
    project.managers.add(project_manager)
    made = 0

    def add(count):
        nonlocal made
        volunteers = Volunteer.objects.bulk_create(
            Volunteer(email=f"v{made + n}@example.com", name=f"Volunteer {made + n}", community_of_practice=community)
            for n in range(count)
        )
        opportunities = Opportunity.objects.bulk_create(
            Opportunity(project=project, role=roles[n % 3], title=f"Posting {made + n}", status="open")
            for n in range(count)
        )
        Application.objects.bulk_create(
            Application(opportunity=opportunity, volunteer=volunteer)
            for opportunity, volunteer in zip(opportunities, volunteers, strict=True)
        )
        made += count

    return add


def queries(client, name, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"admin:{name}_changelist"), params)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50
    return len(captured)


@pytest.mark.parametrize("client_fixture", ["organizer_client", "pm_client"])
def test_changelists_make_the_same_queries_at_50_and_5000_rows(request, client_fixture, grow):
    client = request.getfixturevalue(client_fixture)
    grow(50)
    at_50 = [queries(client, name, params) for name, params in CASES]
    grow(4950)
    at_5000 = [queries(client, name, params) for name, params in CASES]
    assert at_5000 == at_50
    # 50 rows are on the page both times: a query per row would push this far past the cap.
    assert max(at_50) <= 12, at_50
