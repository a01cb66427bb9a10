"""HTTP caching of anonymous reads: ETags, 304s without a body, public/private Cache-Control,
the shared response cache, and validators that change with every kind of write."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from server import services
from server.api import caching
from server.importing import import_file
from server.matching.changes import REBUILD_AFTER, logged_in_bulk
from server.models import Opportunity, OpportunitySkill
from server.tests.factories import (
    CommunityOfPracticeFactory,
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


def test_details_and_the_catalog_are_cached_too_and_their_304s_have_no_body(api):
    opportunity = OpenOpportunityFactory()
    for url in (f"{LIST}{opportunity.pk}/", "/api/skills/", "/api/roles/", "/api/projects/", "/api/communities/"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=60", url
        again = api.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{response["ETag"]}')
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", response["ETag"]), url
        assert not again.has_header("Content-Type") or again["Content-Length"] == "0", url


def test_a_304_only_for_this_urls_current_etag_and_never_for_a_bad_request(api):
    OpenOpportunityFactory()
    etag = api.get(LIST)["ETag"]
    assert api.get(f"{LIST}?page_size=5", HTTP_IF_NONE_MATCH=etag).status_code == 200  # another URL
    # "*" ("any current representation") would answer 304 before the request is checked.
    assert api.get(LIST, HTTP_IF_NONE_MATCH="*").status_code == 200
    assert api.get(f"{LIST}?page_size=-3", HTTP_IF_NONE_MATCH="*").status_code == 400
    assert api.get(f"{LIST}?page_size=-3", HTTP_IF_NONE_MATCH=etag).status_code == 400


def _staff_sees_drafts_never_the_public_copy(client, drafts, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert {"Authorization", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}
    assert not response.has_header("ETag")
    assert {str(d.pk) for d in drafts} <= {item["id"] for item in response.json()["results"]}


def test_staff_with_a_token_or_a_session_get_private_answers_never_the_cached_public_one(
    api, organizer_api, organizer_client, pm_api, managed_project
):
    drafts = [OpportunityFactory(project=managed_project)]
    OpenOpportunityFactory(project=managed_project)
    public = api.get(LIST)
    assert [item["id"] for item in public.json()["results"]] != [str(drafts[0].pk)]
    for client in (organizer_api, organizer_client, pm_api):
        _staff_sees_drafts_never_the_public_copy(client, drafts, LIST)
        # The anonymous ETag gets staff no 304 either.
        assert client.get(LIST, HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 200
        detail = client.get(f"{LIST}{drafts[0].pk}/")
        assert (detail.status_code, detail["Cache-Control"]) == (200, "private, no-cache")
        catalog = client.get("/api/projects/")
        assert catalog["Cache-Control"] == "private, no-cache"
        assert "Cookie" in catalog["Vary"]
    assert api.get(f"{LIST}{drafts[0].pk}/").status_code == 404


def _rename_opportunity(opportunity, organizer_api):
    response = organizer_api.patch(f"{LIST}{opportunity.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200


def _import_opportunity_title(opportunity, organizer_api):
    # Blank cells leave the stored values as they are.
    header = "id,project,role,community_of_practice,title,status,experience_level,min_hours_per_week,"
    header += "work_environment,positions,required_skills,preferred_skills,body,expires_on"
    row = f"{opportunity.pk},{opportunity.project.name},{opportunity.role.title},,Imported title" + "," * 9
    report = import_file(kind="opportunities", data=f"{header}\n{row}\n")
    assert not report.errors, report.errors


def _bulk_write(opportunity, organizer_api):
    # A large import logs one "everything changed" row instead of a row per row written.
    with transaction.atomic(), logged_in_bulk(Opportunity, rows=REBUILD_AFTER + 1):
        Opportunity.objects.filter(pk=opportunity.pk).update(positions=3)


WRITES = {
    "opportunity, through the API": _rename_opportunity,
    "opportunity, by a CSV import": _import_opportunity_title,
    "opportunities, in bulk": _bulk_write,
    "opportunity deleted": lambda o, _: o.delete(),
    "a skill added": lambda o, _: OpportunitySkillFactory(opportunity=o, level=2),
    "a skill's level": lambda o, _: OpportunitySkill.objects.filter(opportunity=o).update(level=5),
    "a skill removed": lambda o, _: OpportunitySkill.objects.filter(opportunity=o).delete(),
    "project renamed": lambda o, _: type(o.project).objects.filter(pk=o.project_id).update(name="Renamed"),
    "meeting time added": lambda o, _: MeetingTimeFactory(project=o.project, weekday=3),
    "meeting time removed": lambda o, _: o.project.meeting_times.all().delete(),
    "role renamed": lambda o, _: type(o.role).objects.filter(pk=o.role_id).update(title="Renamed role"),
    "skill renamed": lambda o, _: (
        type(o.skill_requirements.get().skill)
        .objects.filter(pk=o.skill_requirements.get().skill_id)
        .update(name="Renamed skill")
    ),
    "community renamed": lambda o, _: CommunityOfPracticeFactory._meta.model.objects.filter(
        pk=o.role.community_of_practice_id
    ).update(name="Renamed community"),
    "skill linked to a community": lambda o, _: o.skill_requirements.get().skill.communities_of_practice.add(
        CommunityOfPracticeFactory()
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_changes_the_etags_and_the_next_answer_is_fresh(api, organizer_api, write):
    opportunity = OpenOpportunityFactory()
    OpportunitySkillFactory(opportunity=opportunity, level=3)
    MeetingTimeFactory(project=opportunity.project)
    urls = [LIST, f"{LIST}{opportunity.pk}/", "/api/projects/", "/api/skills/?page_size=100"]
    before = {url: api.get(url) for url in urls}
    write(opportunity, organizer_api)
    for url, old in before.items():
        fresh = api.get(url, HTTP_IF_NONE_MATCH=old["ETag"])
        assert fresh.status_code in {200, 404}, url  # 404: the detail of a deleted posting
        assert fresh.get("ETag") != old["ETag"], url
        if fresh.status_code == 200:
            assert fresh.content == api.get(url).content, url  # what the cache now holds


def test_an_etag_changes_at_midnight_expiry(api, monkeypatch):
    OpenOpportunityFactory(expires_on=timezone.localdate())
    old = api.get(LIST)
    assert old.json()["count"] == 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    fresh = api.get(LIST, HTTP_IF_NONE_MATCH=old["ETag"])
    assert (fresh.status_code, fresh.json()["count"]) == (200, 0)
    assert fresh["ETag"] != old["ETag"]


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


def test_the_schema_documents_the_http_caching_of_the_public_reads_and_only_of_those(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    public_reads = [
        ("/api/opportunities/", "get"),
        ("/api/opportunities/{id}/", "get"),
        ("/api/communities/", "get"),
        ("/api/communities/{slug}/", "get"),
        ("/api/roles/", "get"),
        ("/api/skills/", "get"),
        ("/api/projects/{slug}/", "get"),
    ]
    for path, method in public_reads:
        operation = schema["paths"][path][method]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["If-None-Match"], path
        assert "content" not in operation["responses"]["304"], path
        assert set(operation["responses"]["304"]["headers"]) == {"ETag"}, path
        assert set(operation["responses"]["200"]["headers"]) == {"ETag", "Cache-Control", "Vary"}, path
        assert not any(header.get("required") for header in operation["responses"]["200"]["headers"].values())
    for path, method in [("/api/opportunities/", "post"), ("/api/match/", "post"), ("/api/health/", "get")]:
        operation = schema["paths"][path][method]
        assert "304" not in operation["responses"], path
        assert not any(p["in"] == "header" for p in operation.get("parameters", [])), path
