"""Every changelist filter and search narrows the list as a user would expect."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from server.models import Opportunity

pytestmark = pytest.mark.django_db


def titles(client, **params):
    response = client.get(reverse("admin:server_opportunity_changelist"), params)
    assert response.status_code == 200
    assert "e" not in response.wsgi_request.GET, "the admin refused the filter"
    return sorted(opportunity.title for opportunity in response.context["cl"].result_list)


def test_filter_by_status(organizer_client, world):
    assert titles(organizer_client, status__exact="open") == ["Product designer", "VRMS designer"]


def test_filter_by_community_of_practice(organizer_client, world):
    assert titles(organizer_client, role__community_of_practice__id__exact=world["engineering"].pk) == [
        "Django developer",
        "Secret VRMS draft",
    ]


def test_filter_by_project_and_role(organizer_client, world):
    assert titles(organizer_client, project__id__exact=world["theirs"].pk) == ["Secret VRMS draft", "VRMS designer"]
    assert titles(organizer_client, role__id__exact=world["designer"].pk) == ["Product designer", "VRMS designer"]


def test_filter_by_work_environment_and_experience(organizer_client, world):
    Opportunity.objects.filter(pk=world["my_draft"].pk).update(work_environment="hybrid", experience_level="advanced")
    assert titles(organizer_client, work_environment__exact="hybrid") == ["Django developer"]
    assert titles(organizer_client, experience_level__exact="advanced") == ["Django developer"]


def test_filter_by_hours_range(organizer_client, world):
    Opportunity.objects.filter(pk=world["my_draft"].pk).update(min_hours_per_week=20)
    assert titles(organizer_client, min_hours_per_week_from="10", min_hours_per_week_to="25") == ["Django developer"]


def test_filter_by_published_date_range_includes_the_last_day(organizer_client, world):
    today = timezone.localdate()
    Opportunity.objects.filter(pk=world["their_open"].pk).update(published_at=timezone.now() - timedelta(days=40))
    assert titles(organizer_client, published_at_from=str(today), published_at_to=str(today)) == ["Product designer"]


def test_bad_date_in_a_filter_is_refused_not_a_traceback(organizer_client, world):
    response = organizer_client.get(reverse("admin:server_opportunity_changelist"), {"published_at_from": "nope"})
    assert response.status_code == 200
    assert 'published at: "nope" is not a date' in str(list(response.context["messages"])[0])


def test_search_on_title_body_project_and_role(organizer_client, world):
    assert titles(organizer_client, q="VRMS") == ["Secret VRMS draft", "VRMS designer"]
    assert titles(organizer_client, q="Backend") == ["Django developer", "Secret VRMS draft"]
    Opportunity.objects.filter(pk=world["my_open"].pk).update(body="Figma and research")
    assert titles(organizer_client, q="research") == ["Product designer"]


def test_pm_filters_stay_inside_their_projects(pm_client, world):
    assert titles(pm_client, project__id__exact=world["theirs"].pk) == []
    assert titles(pm_client, status__exact="open") == ["Product designer"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("server_application", {"status__exact": "new"}),
        ("server_application", {"source__exact": "admin"}),
        ("server_application", {"q": "ada"}),
        ("server_volunteer", {"status__exact": "active"}),
        ("server_volunteer", {"experience_level__exact": "beginner"}),
        ("server_volunteer", {"max_hours_per_week_from": "1", "max_hours_per_week_to": "40"}),
        ("server_volunteer", {"q": "lovelace"}),
        ("server_project", {"status__exact": "active"}),
        ("server_project", {"q": "food"}),
        ("server_role", {"q": "designer"}),
        ("server_skill", {"q": "pyth"}),
        ("server_communityofpractice", {"q": "ui"}),
        ("server_user", {"q": "organizer"}),
    ],
)
def test_other_changelists_filter_and_search(organizer_client, world, name, params):
    world["ada"].max_hours_per_week = 10
    world["ada"].save()
    response = organizer_client.get(reverse(f"admin:{name}_changelist"), params)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


def test_application_filters_narrow_the_list(organizer_client, world):
    response = organizer_client.get(
        reverse("admin:server_application_changelist"), {"opportunity__project__id__exact": world["mine"].pk}
    )
    assert list(response.context["cl"].result_list) == [world["my_application"]]
    response = organizer_client.get(reverse("admin:server_application_changelist"), {"status__exact": "onboarded"})
    assert list(response.context["cl"].result_list) == []
