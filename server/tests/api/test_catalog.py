"""The read-only catalog: communities, roles, skills, projects (real Hack for LA data)."""

import pytest

from server.models import CommunityOfPractice, Project, Role, Skill

pytestmark = pytest.mark.usefixtures("catalog")


def test_communities_list_and_lookup_by_slug(api):
    body = api.get("/api/communities/").json()
    assert body["count"] == CommunityOfPractice.objects.count() == 5
    first = body["results"][0]
    assert set(first) == {"slug", "name", "description"}
    detail = api.get(f"/api/communities/{first['slug']}/")
    assert detail.status_code == 200
    assert detail.json() == first
    assert api.get("/api/communities/astrology/").status_code == 404


def test_roles_filter_by_community(api):
    cop = CommunityOfPractice.objects.get(name="Data Science")
    body = api.get("/api/roles/", {"community_of_practice": cop.slug, "page_size": 100}).json()
    assert body["count"] == Role.objects.filter(community_of_practice=cop).count() > 0
    assert {role["community_of_practice"]["slug"] for role in body["results"]} == {cop.slug}
    assert set(body["results"][0]) == {"id", "title", "community_of_practice", "description"}
    assert api.get("/api/roles/", {"community_of_practice": "nope"}).status_code == 400


def test_skills_filter_and_search(api):
    cop = CommunityOfPractice.objects.get(name="Data Science")
    body = api.get("/api/skills/", {"community_of_practice": cop.slug, "page_size": 100}).json()
    assert body["count"] == Skill.objects.filter(communities_of_practice=cop).count() > 0
    assert all(cop.slug in [c["slug"] for c in skill["communities_of_practice"]] for skill in body["results"])

    found = api.get("/api/skills/", {"search": "pyth"}).json()["results"]
    assert "Python" in [skill["name"] for skill in found]
    assert all("pyth" in skill["name"].lower() for skill in found)


def test_projects_with_meeting_times(api):
    project = Project.objects.filter(meeting_times__isnull=False).distinct().first()
    item = api.get(f"/api/projects/{project.slug}/").json()
    assert item["slug"] == project.slug
    assert "managers" not in item
    assert len(item["meeting_times"]) == project.meeting_times.count()
    meeting = item["meeting_times"][0]
    assert set(meeting) == {"label", "weekday", "start", "end", "timezone"}
    assert meeting["weekday"] in {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
    assert meeting["timezone"] == project.timezone
    assert api.get("/api/projects/", {"page_size": 100}).json()["count"] == Project.objects.count()


def test_catalog_is_read_only(organizer_api):
    assert organizer_api.post("/api/communities/", {"name": "X"}).status_code == 405
    assert organizer_api.delete("/api/projects/vrms/").status_code == 405
