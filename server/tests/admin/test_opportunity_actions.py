"""Publish / hold / fill / close / duplicate as list (bulk), row and detail actions, through services.py."""

import pytest
from django.urls import reverse

from server.models import Opportunity

pytestmark = pytest.mark.django_db
Status = Opportunity.Status
CHANGELIST = "admin:server_opportunity_changelist"


def bulk(client, action, *opportunities):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [str(o.pk) for o in opportunities], "index": "0"},
        follow=True,
    )


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("publish_selected", Status.DRAFT, Status.OPEN),
        ("hold_selected", Status.OPEN, Status.ON_HOLD),
        ("fill_selected", Status.OPEN, Status.FILLED),
        ("close_selected", Status.OPEN, Status.CLOSED),
    ],
)
def test_bulk_transitions(organizer_client, organizer, world, action, start, end):
    opportunity = world["my_draft"] if start == Status.DRAFT else world["my_open"]
    response = bulk(organizer_client, action, opportunity)
    assert response.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.status == end
    assert opportunity.updated_by == organizer


def test_publishing_stamps_published_at(organizer_client, world):
    bulk(organizer_client, "publish_selected", world["my_draft"])
    world["my_draft"].refresh_from_db()
    assert world["my_draft"].published_at is not None


def test_bulk_refusal_is_an_error_message_not_a_traceback(organizer_client, world):
    response = bulk(organizer_client, "hold_selected", world["my_draft"], world["my_open"])
    messages = [str(message) for message in response.context["messages"]]
    assert any("Put on hold 1 opportunity" in message for message in messages)
    assert any('Cannot put on hold "Django developer": it is draft.' in message for message in messages)
    world["my_draft"].refresh_from_db()
    assert world["my_draft"].status == Status.DRAFT


def test_bulk_duplicate_makes_new_drafts(organizer_client, world):
    bulk(organizer_client, "duplicate_selected", world["my_open"])
    copies = Opportunity.objects.filter(title="Product designer", status=Status.DRAFT)
    assert copies.count() == 1
    assert copies.get().published_at is None


def test_pm_bulk_action_only_touches_their_rows(pm_client, world):
    # A forged selection with another project's id: the changelist queryset never contains it.
    bulk(pm_client, "publish_selected", world["my_draft"], world["their_draft"])
    world["my_draft"].refresh_from_db()
    world["their_draft"].refresh_from_db()
    assert world["my_draft"].status == Status.OPEN
    assert world["their_draft"].status == Status.DRAFT


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("publish_row", Status.DRAFT, Status.OPEN),
        ("hold_row", Status.OPEN, Status.ON_HOLD),
        ("fill_row", Status.OPEN, Status.FILLED),
        ("close_row", Status.OPEN, Status.CLOSED),
    ],
)
def test_row_and_detail_transitions(pm_client, world, action, start, end):
    opportunity = world["my_draft"] if start == Status.DRAFT else world["my_open"]
    response = pm_client.get(reverse(f"admin:server_opportunity_{action}", args=[opportunity.pk]))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == end


def test_row_refusal_shows_the_service_message(organizer_client, world):
    opportunity = world["my_open"]
    organizer_client.get(reverse("admin:server_opportunity_close_row", args=[opportunity.pk]))
    response = organizer_client.get(reverse("admin:server_opportunity_publish_row", args=[opportunity.pk]), follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages[-1] == 'Cannot publish "Product designer": it is closed.'


def test_row_duplicate_opens_the_new_draft(pm_client, project_manager, world):
    response = pm_client.get(reverse("admin:server_opportunity_duplicate_row", args=[world["my_open"].pk]))
    copy = Opportunity.objects.exclude(pk=world["my_open"].pk).get(title="Product designer")
    assert response["Location"] == reverse("admin:server_opportunity_change", args=[copy.pk])
    assert copy.status == Status.DRAFT
    assert copy.created_by == project_manager


@pytest.mark.parametrize(
    ("key", "offered", "not_offered"),
    [
        ("my_draft", ["publish", "close", "duplicate"], ["hold", "fill"]),
        ("my_open", ["hold", "fill", "close", "duplicate"], ["publish"]),
    ],
)
def test_detail_page_offers_the_transitions_the_status_allows(organizer_client, world, key, offered, not_offered):
    pk = world[key].pk
    content = organizer_client.get(reverse("admin:server_opportunity_change", args=[pk])).content
    for action in offered:
        assert reverse(f"admin:server_opportunity_{action}_row", args=[pk]).encode() in content
    for action in not_offered:
        assert reverse(f"admin:server_opportunity_{action}_row", args=[pk]).encode() not in content


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_cross_site_row_action_is_refused(organizer_client, world, site):
    url = reverse("admin:server_opportunity_publish_row", args=[world["my_draft"].pk])
    response = organizer_client.get(url, headers={"Sec-Fetch-Site": site})
    assert response.status_code == 403
    world["my_draft"].refresh_from_db()
    assert world["my_draft"].status == Status.DRAFT
