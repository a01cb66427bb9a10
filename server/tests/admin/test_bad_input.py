"""Nonsense in list URLs is refused with a message or ignored, never a traceback."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {"min_hours_per_week_from": "abc"},
        {"published_at_to": "2026-13-45"},
        {"status__exact": "nonsense"},
        {"project__id__exact": "not-a-number"},
        {"role__community_of_practice__id__exact": "x"},
        {"o": "99"},
        {"p": "-1"},
    ],
)
def test_bad_opportunity_list_parameters(organizer_client, world, params):
    response = organizer_client.get(reverse("admin:server_opportunity_changelist"), params)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "e=1" in response["Location"]


def test_malformed_object_id_is_a_404_not_a_traceback(organizer_client, pm_client, world):
    assert organizer_client.get("/admin/server/opportunity/not-a-uuid/change/").status_code in (302, 404)
    # An action's confirmation looks the row up in the user's scope first: no such row, a 404.
    assert organizer_client.get("/admin/server/opportunity/not-a-uuid/publish/").status_code == 404
    assert organizer_client.post("/admin/server/opportunity/not-a-uuid/publish/").status_code == 404
