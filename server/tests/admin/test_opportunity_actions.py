"""Publish / hold / fill / close / duplicate as list (bulk), row and change-page actions, through
services.py; every one a POST with a CSRF token, a GET only asks (server/admin/actions.py)."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from server.models import Opportunity

pytestmark = pytest.mark.django_db
Status = Opportunity.Status
CHANGELIST = "admin:server_opportunity_changelist"


def bulk(client, action, *opportunities, confirmed=False):
    data = {"action": action, "_selected_action": [str(o.pk) for o in opportunities], "index": "0"}
    if confirmed:
        data.update({"_confirmed": "yes", "_form_submitted": "True"})
    return client.post(reverse(CHANGELIST), data, follow=True)


def row(client, action, opportunity, **query):
    """The POST the confirmation form sends (its CSRF token is checked in the browser tests)."""
    url = reverse(f"admin:server_opportunity_{action}_row", args=[opportunity.pk])
    return client.post(url + ("?" + urlencode(query) if query else ""), {"_form_submitted": "True"})


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
    response = bulk(organizer_client, action, opportunity, confirmed=end == Status.CLOSED)
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
    assert "Put 1 opportunity on hold." in messages
    assert any('Cannot put on hold "Django developer": it is draft.' in message for message in messages)
    world["my_draft"].refresh_from_db()
    assert world["my_draft"].status == Status.DRAFT


def test_bulk_duplicate_makes_new_drafts(organizer_client, world):
    bulk(organizer_client, "duplicate_selected", world["my_open"])
    copies = Opportunity.objects.filter(title="Product designer (copy)", status=Status.DRAFT)
    assert copies.count() == 1
    assert copies.get().published_at is None


def test_pm_bulk_action_only_touches_their_rows(pm_client, world):
    # A forged selection with another project's id: the changelist queryset never contains it.
    bulk(pm_client, "publish_selected", world["my_draft"], world["their_draft"])
    world["my_draft"].refresh_from_db()
    world["their_draft"].refresh_from_db()
    assert world["my_draft"].status == Status.OPEN
    assert world["their_draft"].status == Status.DRAFT


def test_bulk_close_asks_first_and_changes_nothing_until_confirmed(organizer_client, world):
    opportunity = world["my_open"]
    response = bulk(organizer_client, "close_selected", opportunity)
    page = response.content.decode()
    assert "Close this opportunity?" in page and 'name="_confirmed" value="yes"' in page
    assert f'name="_selected_action" value="{opportunity.pk}"' in page
    opportunity.refresh_from_db()
    assert opportunity.status == Status.OPEN
    response = bulk(organizer_client, "close_selected", opportunity, confirmed=True)
    assert "Closed 1 opportunity." in [str(m) for m in response.context["messages"]]
    opportunity.refresh_from_db()
    assert opportunity.status == Status.CLOSED


def test_bulk_messages_count_many(organizer_client, world):
    response = bulk(organizer_client, "hold_selected", world["my_open"], world["their_open"])
    assert "Put 2 opportunities on hold." in [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("publish", Status.DRAFT, Status.OPEN),
        ("hold", Status.OPEN, Status.ON_HOLD),
        ("fill", Status.OPEN, Status.FILLED),
        ("close", Status.OPEN, Status.CLOSED),
    ],
)
def test_row_action_get_asks_and_post_changes(pm_client, world, action, start, end):
    opportunity = world["my_draft"] if start == Status.DRAFT else world["my_open"]
    url = reverse(f"admin:server_opportunity_{action}_row", args=[opportunity.pk])
    page = pm_client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert '<form method="post"' in content and "csrfmiddlewaretoken" in content
    opportunity.refresh_from_db()
    assert opportunity.status == start  # the GET changed nothing
    response = row(pm_client, action, opportunity)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:server_opportunity_change", args=[opportunity.pk])
    opportunity.refresh_from_db()
    assert opportunity.status == end


def test_a_post_without_the_confirmation_field_changes_nothing(pm_client, world):
    url = reverse("admin:server_opportunity_publish_row", args=[world["my_draft"].pk])
    response = pm_client.post(url, {})
    assert response.status_code == 200
    world["my_draft"].refresh_from_db()
    assert world["my_draft"].status == Status.DRAFT


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/server/opportunity/?status__exact=draft", "/admin/server/opportunity/?status__exact=draft"),
        ("https://evil.example/phish", None),
        ("//evil.example/phish", None),
    ],
)
def test_after_an_action_the_admin_goes_only_to_this_site(pm_client, world, next_url, expected):
    opportunity = world["my_draft"]
    response = row(pm_client, "publish", opportunity, next=next_url)
    change = reverse("admin:server_opportunity_change", args=[opportunity.pk])
    assert response["Location"] == (expected or change)


def test_the_referer_is_never_followed(pm_client, world):
    url = reverse("admin:server_opportunity_publish_row", args=[world["my_draft"].pk])
    response = pm_client.post(url, {"_form_submitted": "True"}, headers={"Referer": "https://evil.example/"})
    assert response["Location"] == reverse("admin:server_opportunity_change", args=[world["my_draft"].pk])


def test_row_refusal_shows_the_service_message(organizer_client, world):
    opportunity = world["my_open"]
    row(organizer_client, "close", opportunity)
    url = reverse("admin:server_opportunity_publish_row", args=[opportunity.pk])
    response = organizer_client.post(url, {"_form_submitted": "True"}, follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages[-1] == 'Cannot publish "Product designer": it is closed.'


def test_row_duplicate_opens_the_new_draft_titled_copy(pm_client, project_manager, world):
    response = row(pm_client, "duplicate", world["my_open"], next="/admin/server/opportunity/")
    copy = Opportunity.objects.exclude(pk=world["my_open"].pk).get(
        project=world["my_open"].project, title="Product designer (copy)"
    )
    assert response["Location"] == reverse("admin:server_opportunity_change", args=[copy.pk])
    assert copy.status == Status.DRAFT
    assert copy.created_by == project_manager


def submit_line(content):
    return set(re.findall(r'name="(server_opportunity_\w+_submit)"', content))


@pytest.mark.parametrize(
    ("key", "offered"),
    [
        ("my_draft", {"publish", "close", "duplicate"}),
        ("my_open", {"hold", "fill", "close", "duplicate"}),
    ],
)
def test_change_page_offers_the_transitions_the_status_allows(organizer_client, world, key, offered):
    pk = world[key].pk
    content = organizer_client.get(reverse("admin:server_opportunity_change", args=[pk])).content.decode()
    assert submit_line(content) == {f"server_opportunity_{name}_submit" for name in offered}
    assert 'data-testid="header-status"' in content


def change_post(world, opportunity, **extra):
    data = {
        "project": opportunity.project.pk,
        "role": opportunity.role.pk,
        "title": "Edited before publishing",
        "body": opportunity.body,
        "experience_level": opportunity.experience_level,
        "min_hours_per_week": str(opportunity.min_hours_per_week),
        "work_environment": opportunity.work_environment,
        "positions": str(opportunity.positions),
        "expires_on": "",
    }
    for prefix in ("skill_requirements", "skill_requirements-2", "applications"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(extra)
    return data


def test_status_button_on_the_change_page_saves_the_edits_first(pm_client, world):
    draft = world["my_draft"]
    url = reverse("admin:server_opportunity_change", args=[draft.pk])
    response = pm_client.post(url, change_post(world, draft, server_opportunity_publish_submit=""))
    assert response.status_code == 302 and response["Location"] == url
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Edited before publishing", Status.OPEN)


def test_close_button_saves_then_asks(pm_client, world):
    opportunity = world["my_open"]
    url = reverse("admin:server_opportunity_change", args=[opportunity.pk])
    response = pm_client.post(url, change_post(world, opportunity, server_opportunity_close_submit=""))
    close = reverse("admin:server_opportunity_close_row", args=[opportunity.pk])
    assert response["Location"] == f"{close}?{urlencode({'next': url})}"
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.status) == ("Edited before publishing", Status.OPEN)
