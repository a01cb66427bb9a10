"""Nonsense in list URLs is refused with a message or ignored, never a traceback."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("params", "status"),
    [
        # Unfold's range and date filters show the bad value in their form, with the full list.
        ({"min_hours_per_week_from": "abc"}, 200),
        ({"published_at_to": "2026-13-45"}, 200),
        ({"status__exact": "nonsense"}, 200),  # no posting has that status: an empty list
        ({"o": "99"}, 200),  # an ordering column that does not exist is ignored
        # Django's changelist refuses a lookup it cannot apply with ?e=1 ("invalid filter").
        ({"project__id__exact": "not-a-number"}, 302),
        ({"role__community_of_practice__id__exact": "x"}, 302),
        ({"p": "-1"}, 302),
    ],
)
def test_bad_opportunity_list_parameters(organizer_client, world, params, status):
    response = organizer_client.get(reverse("admin:server_opportunity_changelist"), params)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].endswith("?e=1")


def test_malformed_object_id_is_a_404_not_a_traceback(organizer_client, pm_client, world):
    assert organizer_client.get("/admin/server/opportunity/not-a-uuid/change/").status_code == 404
    # An action's confirmation looks the row up in the user's scope first: no such row, a 404.
    assert organizer_client.get("/admin/server/opportunity/not-a-uuid/publish/").status_code == 404
    assert organizer_client.post("/admin/server/opportunity/not-a-uuid/publish/").status_code == 404
