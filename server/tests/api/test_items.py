"""The opportunity item built as plain data (server/api/items.py) is byte for byte the JSON the
DRF serializer (serializers.OpportunitySerializer, the schema's declaration) renders, on the
demo data plus the edge cases: every status, expired, unpublished, no expiry date, no skills,
preferred-only skills, names that sort differently by case, meetings ending at 24:00 with and
without a label, several time zones, non-ASCII text. And every door that returns items (list,
detail, writes, match) returns exactly those bytes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from server.api.items import opportunity_items
from server.api.serializers import OpportunitySerializer
from server.models import Opportunity, OpportunitySkill
from server.tests.factories import (
    MeetingTimeFactory,
    OpenOpportunityFactory,
    OpportunityFactory,
    OpportunitySkillFactory,
    ProjectFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/opportunities/"


def render(data) -> bytes:
    return JSONRenderer().render(data)


def reference(opportunities) -> list[bytes]:
    """Each opportunity as the serializer renders it (fresh instances, no help from items.py)."""
    return [render(OpportunitySerializer(opportunity).data) for opportunity in opportunities]


@pytest.fixture
def seeded(catalog):
    call_command("seed_demo", "--volunteers", "5", "--opportunities", "60", "--seed", "3")
    now = timezone.now()
    tokyo = ProjectFactory(name="Tōkyō Civic — 東京", timezone="Asia/Tokyo")
    MeetingTimeFactory(project=tokyo, label="", weekday=6, start=22 * 60, end=24 * 60)
    MeetingTimeFactory(project=tokyo, label="Stand-up «daily»", weekday=0, start=9 * 60, end=9 * 60 + 15)
    MeetingTimeFactory(project=tokyo, label="Same slot, second label", weekday=0, start=9 * 60, end=9 * 60 + 15)
    edge_cases = [
        OpenOpportunityFactory(project=tokyo, title="", body="", expires_on=None),
        OpenOpportunityFactory(project=tokyo, title="Übersetzer:in 🌐", published_at=now.replace(microsecond=0)),
        OpenOpportunityFactory(expires_on=timezone.localdate() - timedelta(days=1)),  # expired
        OpenOpportunityFactory(expires_on=timezone.localdate()),  # the last day
        OpportunityFactory(project=tokyo),  # a draft: published_at null
        OpportunityFactory(status=Opportunity.Status.CLOSED, published_at=now - timedelta(days=400)),
    ]
    names = ["zz lower", "ZY Upper", "Ázure test", "alpha test", "Beta test"]
    skills = [SkillFactory(name=name) for name in names]
    for level, skill in enumerate(skills[:3], start=1):
        OpportunitySkillFactory(opportunity=edge_cases[0], skill=skill, level=level)
    for skill in skills[3:]:
        OpportunitySkillFactory(opportunity=edge_cases[0], skill=skill, level=5, kind=OpportunitySkill.Kind.PREFERRED)
    OpportunitySkillFactory(opportunity=edge_cases[1], skill=skills[4], kind=OpportunitySkill.Kind.PREFERRED)
    statuses = set(Opportunity.objects.values_list("status", flat=True))
    assert statuses == set(Opportunity.Status.values), statuses  # every status is covered
    assert MeetingTimeFactory._meta.model.objects.exists()
    return edge_cases


def ordered():
    return Opportunity.objects.order_by("-published_at", "-created_at", "id")


def test_items_are_the_serializers_bytes_for_every_seeded_opportunity(seeded):
    opportunities = list(ordered())
    assert len(opportunities) > 60
    built = [render(item) for item in opportunity_items(ordered())]
    assert built == reference(opportunities)
    # The whole list too (the renderer sees one list, as a page's `results`).
    assert render(opportunity_items(ordered())) == render(OpportunitySerializer(opportunities, many=True).data)


def test_items_follow_the_current_time_zone_like_the_serializer(seeded):
    opportunities = list(ordered()[:10])
    for zone in ("UTC", "Asia/Kolkata", "America/Los_Angeles"):
        with timezone.override(zone):
            assert [render(item) for item in opportunity_items(ordered()[:10])] == reference(opportunities), zone


def test_list_and_detail_answer_the_serializers_bytes(api, organizer_api, seeded):
    public = list(ordered().public())
    body = api.get(URL, {"page_size": 100}).json()
    assert body["count"] == len(public)
    assert [render(item) for item in body["results"]] == reference(public[:100])
    staff = organizer_api.get(URL, {"page_size": 100}).json()["results"]
    assert [render(item) for item in staff] == reference(list(ordered()[:100]))
    for opportunity in seeded:
        response = organizer_api.get(f"{URL}{opportunity.pk}/")
        assert response.content == reference([Opportunity.objects.get(pk=opportunity.pk)])[0]
    # The same bytes from the shared cache and for a caller who is not staff.
    visible = seeded[0]
    first = api.get(f"{URL}{visible.pk}/").content
    assert api.get(f"{URL}{visible.pk}/").content == first == reference([visible])[0]


def test_write_responses_answer_the_serializers_bytes(organizer_api, seeded):
    opportunity = seeded[0]
    changed = organizer_api.patch(f"{URL}{opportunity.pk}/", {"title": "Renamed"}, format="json")
    assert changed.status_code == 200
    assert changed.content == reference([Opportunity.objects.get(pk=opportunity.pk)])[0]
    created = organizer_api.post(
        URL,
        {
            "project": opportunity.project.slug,
            "role": opportunity.role_id,
            "required_skills": [{"name": "ZZ LOWER", "level": 2}],
            "expires_on": str(timezone.localdate() + timedelta(days=9)),
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.content == reference([Opportunity.objects.get(pk=created.json()["id"])])[0]


def test_match_results_carry_the_serializers_bytes(api, seeded):
    body = {"skills": [{"name": "zz lower", "level": 3}, {"name": "Python", "level": 5}], "limit": 100}
    results = api.post("/api/match/", body, format="json").json()["results"]
    assert str(seeded[0].pk) in {result["opportunity"]["id"] for result in results}
    opportunities = Opportunity.objects.in_bulk([result["opportunity"]["id"] for result in results], field_name="pk")
    for result in results:
        opportunity = opportunities[Opportunity._meta.pk.to_python(result["opportunity"]["id"])]
        assert render(result["opportunity"]) == reference([opportunity])[0]
