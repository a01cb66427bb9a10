"""Every admin page loads for the people allowed on it, and only for them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "server_opportunity",
    "server_application",
    "server_volunteer",
    "server_project",
    "server_meetingtime",
    "server_communityofpractice",
    "server_role",
    "server_skill",
    "server_user",
    "auth_group",
]
PM_FORBIDDEN = ["server_user", "auth_group"]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_organizer_opens_every_changelist_and_add_page(organizer_client, world, name):
    assert organizer_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert organizer_client.get(reverse(f"admin:{name}_add")).status_code == 200


@pytest.mark.parametrize("name", [name for name in CHANGELISTS if name not in PM_FORBIDDEN])
def test_project_manager_opens_the_changelists_of_their_area(pm_client, world, name):
    assert pm_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.parametrize("name", PM_FORBIDDEN)
def test_project_manager_has_no_access_to_accounts(pm_client, world, name):
    assert pm_client.get(reverse(f"admin:{name}_changelist")).status_code == 403


@pytest.mark.parametrize(
    "name", ["server_project", "server_communityofpractice", "server_role", "server_skill", "server_volunteer"]
)
def test_project_manager_cannot_add_to_the_catalog_or_the_pool(pm_client, world, name):
    assert pm_client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_organizer_opens_every_change_page(organizer_client, world):
    for key, name in [
        ("my_draft", "server_opportunity"),
        ("their_draft", "server_opportunity"),
        ("my_application", "server_application"),
        ("ada", "server_volunteer"),
        ("mine", "server_project"),
        ("design", "server_communityofpractice"),
        ("designer", "server_role"),
        ("python", "server_skill"),
    ]:
        response = organizer_client.get(reverse(f"admin:{name}_change", args=[world[key].pk]))
        assert response.status_code == 200, (key, response.status_code)


def test_dashboard_and_history_pages_load(organizer_client, pm_client, world):
    assert organizer_client.get(reverse("admin:index")).status_code == 200
    history = reverse("admin:server_opportunity_history", args=[world["my_draft"].pk])
    assert organizer_client.get(history).status_code == 200


def test_anonymous_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("admin:server_opportunity_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
