"""HTTP caching of anonymous reads: ETags, 304s without a body, public/private Cache-Control,
the shared response cache, and validators that change with every kind of write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from server import services
from server.api import caching
from server.tests.factories import (
    MeetingTimeFactory,
    OpenOpportunityFactory,
    OpportunityFactory,
    OpportunitySkillFactory,
    ProjectFactory,
    RoleFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/api/opportunities/"


def ids(response):
    return [item["id"] for item in response.json()["results"]]


def test_anonymous_list_is_public_with_an_etag_and_a_304_has_no_body(api):
    OpenOpportunityFactory()
    first = api.get(LIST)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert {"Authorization", "Cookie"} <= {part.strip() for part in first["Vary"].split(",")}
    again = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(LIST, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_staff_answers_are_private_and_carry_no_public_etag(organizer_api):
    OpenOpportunityFactory()
    response = organizer_api.get(LIST)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")
    assert {"Authorization", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}


def test_the_shared_cache_never_serves_a_stale_page_after_publish_hold_and_expiry(api, organizer, monkeypatch):
    shown = OpenOpportunityFactory()
    draft = OpportunityFactory()
    assert ids(api.get(LIST)) == [str(shown.pk)]
    assert ids(api.get(LIST)) == [str(shown.pk)]  # from the cache
    services.opportunity_publish(opportunity=draft, by=organizer)
    assert set(ids(api.get(LIST))) == {str(shown.pk), str(draft.pk)}
    services.opportunity_hold(opportunity=shown, by=organizer)
    assert ids(api.get(LIST)) == [str(draft.pk)]
    draft.refresh_from_db()
    type(draft).objects.filter(pk=draft.pk).update(expires_on=timezone.localdate())
    assert ids(api.get(LIST)) == [str(draft.pk)]  # expires at the end of today
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert ids(api.get(LIST)) == []


def test_validators_change_with_every_kind_of_write(api, monkeypatch):
    opportunity = OpenOpportunityFactory()
    skill = SkillFactory(name="Python")
    seen = [caching.public_version()]

    def changed():
        version = caching.public_version()
        assert version != seen[-1]
        seen.append(version)

    OpportunitySkillFactory(opportunity=opportunity, skill=skill, level=3)
    changed()
    type(opportunity).objects.filter(pk=opportunity.pk).update(title="Renamed")
    changed()
    skill.name = "Python 3"
    skill.save()
    changed()
    MeetingTimeFactory(project=opportunity.project)
    changed()
    ProjectFactory()
    changed()
    role = RoleFactory()
    changed()
    role.community_of_practice.name = "Renamed community"
    role.community_of_practice.save()
    changed()
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    changed()


def test_details_and_the_catalog_are_cached_too(api):
    opportunity = OpenOpportunityFactory()
    for url in (f"{LIST}{opportunity.pk}/", "/api/skills/", "/api/roles/", "/api/projects/", "/api/communities/"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=60", url
        assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url


def test_match_results_are_shared_and_never_stale_after_a_write(api, organizer):
    posting = OpenOpportunityFactory()
    body = {"skills": [], "limit": 5}
    first = api.post("/api/match/", body, format="json").json()
    assert [r["opportunity"]["id"] for r in first["results"]] == [str(posting.pk)]
    assert api.post("/api/match/", body, format="json").json() == first  # the stored answer
    draft = OpportunityFactory()
    services.opportunity_publish(opportunity=draft, by=organizer)
    again = api.post("/api/match/", body, format="json").json()
    assert {r["opportunity"]["id"] for r in again["results"]} == {str(posting.pk), str(draft.pk)}
    services.opportunity_hold(opportunity=posting, by=organizer)
    assert [r["opportunity"]["id"] for r in api.post("/api/match/", body, format="json").json()["results"]] == [
        str(draft.pk)
    ]
