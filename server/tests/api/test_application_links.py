"""GET /api/applications/<token>/ and POST /api/applications/<token>/withdraw/."""

from datetime import datetime

import pytest

from server import services
from server.followthrough.tokens import application_token
from server.models import Application
from server.tests.factories import OpenOpportunityFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    project = ProjectFactory(name="Food Oasis", slug="food-oasis")
    opportunity = OpenOpportunityFactory(project=project, title="Data Analyst")
    application, _ = services.application_apply(opportunity=opportunity, email="ana@example.com", name="Ana")
    return application


def test_the_link_reads_the_application(api, application):
    response = api.get(f"/api/applications/{application_token(application)}/")
    assert response.status_code == 200
    body = response.json()
    assert datetime.fromisoformat(body.pop("created_at")) == application.created_at
    assert body == {
        "id": application.pk,
        "status": "new",
        "opportunity": {"id": str(application.opportunity_id), "title": "Data Analyst"},
        "project": {"slug": "food-oasis", "name": "Food Oasis"},
    }


def test_withdraw_through_the_api(api, application):
    token = application_token(application)
    response = api.post(f"/api/applications/{token}/withdraw/")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert api.post(f"/api/applications/{token}/withdraw/").status_code == 200  # again: still withdrawn
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert application.history.first().history_change_reason == "Withdrawn by the volunteer (application link)"


def test_a_declined_application_cannot_be_withdrawn(api, application):
    services.application_set_status(application=application, status=Application.Status.DECLINED, notify=False)
    response = api.post(f"/api/applications/{application_token(application)}/withdraw/")
    assert response.status_code == 409
    assert "declined" in response.json()["detail"]


@pytest.mark.parametrize("suffix", ["", "withdraw/"])
def test_a_tampered_token_is_a_404_that_says_nothing(api, application, suffix):
    token = application_token(application)
    tampered = token[:-2] + ("xx" if token[-2:] != "xx" else "yy")
    method = api.post if suffix else api.get
    responses = [method(f"/api/applications/{bad}/{suffix}") for bad in (tampered, "nope")]
    assert [response.status_code for response in responses] == [404, 404]
    assert responses[0].json() == responses[1].json()
    assert "Ana" not in responses[0].content.decode()
    application.refresh_from_db()
    assert application.status == "new"


def test_the_link_needs_no_login_and_ignores_one(organizer_api, application):
    # A staff token changes nothing: the link alone is the credential.
    response = organizer_api.get(f"/api/applications/{application_token(application)}/")
    assert response.status_code == 200
