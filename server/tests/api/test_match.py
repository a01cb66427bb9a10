"""POST /api/match/: the qualifier flow ranks open opportunities and stores nothing."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.models import Volunteer
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
URL = "/api/match/"


@pytest.fixture
def setting():
    cop = CommunityOfPracticeFactory(name="Data Science", slug="data-science")
    role = RoleFactory(title="Data Analyst", community_of_practice=cop)
    python = SkillFactory(name="Python")
    best = OpenOpportunityFactory(role=role, min_hours_per_week=5)
    OpportunitySkillFactory(opportunity=best, skill=python, level=4)
    weaker = OpenOpportunityFactory(min_hours_per_week=20)
    OpportunitySkillFactory(opportunity=weaker, skill=python, level=4)
    draft = OpportunityFactory(role=role)
    return {"role": role, "best": best, "weaker": weaker, "draft": draft}


def test_ranks_open_opportunities_with_breakdown(api, setting):
    response = api.post(
        URL,
        {
            "community_of_practice": "data-science",
            "roles": [setting["role"].pk],
            "skills": [{"name": "python", "level": 2}],
            "max_hours_per_week": 10,
        },
    )
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["opportunity"]["id"] for r in results] == [str(setting["best"].pk), str(setting["weaker"].pk)]
    top = results[0]
    # skills 2/4 = 0.5; hours 10 ≥ 5; no meeting times; the role is one of the volunteer's.
    assert top["breakdown"] == {"skills": 0.5, "hours": 1.0, "availability": 1.0, "interest": 1.0}
    assert top["score"] == 75.0
    assert top["opportunity"]["required_skills"] == [{"name": "Python", "level": 4}]
    assert not Volunteer.objects.exists()  # stores nothing


def test_no_skill_in_common_no_match_and_fewer_results_than_limit(api, setting):
    # Both open postings ask for Python: a volunteer without it matches neither.
    response = api.post(URL, {"skills": [], "limit": 5})
    assert response.status_code == 200
    assert response.json()["results"] == []
    # A posting that lists no skills matches everyone.
    open_to_all = OpenOpportunityFactory()
    results = api.post(URL, {"skills": [], "limit": 5}).json()["results"]
    assert [r["opportunity"]["id"] for r in results] == [str(open_to_all.pk)]
    assert results[0]["explanation"]["skills"] == "no skills listed: open to everyone"
    assert len(api.post(URL, {"skills": [{"name": "Python", "level": 1}], "limit": 1}).json()["results"]) == 1


def test_availability_against_meeting_times(api):
    project = ProjectFactory(timezone="America/Los_Angeles")
    MeetingTimeFactory(project=project, weekday=0, start=18 * 60, end=19 * 60)
    opportunity = OpenOpportunityFactory(project=project)
    # Mon 21:00-22:00 in New York is Mon 18:00-19:00 in Los Angeles.
    body = {"skills": [], "timezone": "America/New_York", "availability": "Mon 21:00-22:00"}
    result = api.post(URL, body).json()["results"][0]
    assert result["opportunity"]["id"] == str(opportunity.pk)
    assert result["breakdown"]["availability"] == 1.0


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"skills": [{"name": "Cobol", "level": 3}]}, "skills", "Cobol"),
        ({"skills": [{"name": "Python", "level": 9}]}, "skills", "less than or equal to 5"),
        ({"availability": "Mon 25:00-26:00"}, "availability", "Mon 25:00-26:00"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
        ({"max_hours_per_week": 0}, "max_hours_per_week", '"0" is not between 1 and 40'),
        ({"max_hours_per_week": 41}, "max_hours_per_week", '"41" is not between 1 and 40'),
        ({"limit": 101}, "limit", "less than or equal to 100"),
        ({"roles": [999999]}, "roles", "999999"),
        ({"community_of_practice": "astrology"}, "community_of_practice", "astrology"),
        ({"roles": "Data Analyst"}, "roles", ""),
    ],
)
def test_bad_input_is_400_naming_field_and_value(api, setting, body, field, text):
    response = api.post(URL, body)
    assert response.status_code == 400
    assert field in response.json()
    assert text in str(response.json()[field])


def test_constant_queries_whatever_the_number_of_results(api, setting):
    def queries(limit):
        cache.clear()  # the ranking itself, not the shared cache of results (test_caching.py)
        with CaptureQueriesContext(connection) as captured:
            response = api.post(URL, {"skills": [{"name": "Python", "level": 1}], "limit": limit})
        return len(captured), len(response.json()["results"])

    queries(1)  # the first ranking of a process builds the compact table
    few, got_one = queries(1)
    many, got_all = queries(100)
    assert (got_one, got_all) == (1, 2)
    OpenOpportunityFactory.create_batch(10)
    queries(100)  # right after writes the changed postings are read again, once
    more, got_more = queries(100)
    assert got_more == 12
    assert few == many == more


def test_skills_are_required_but_may_be_empty(api, setting):
    # DESIGN.md marks every other field of the body optional ("?"), not `skills`.
    response = api.post(URL, {"max_hours_per_week": 10})
    assert response.status_code == 400
    assert "skills" in response.json()
    assert api.post(URL, {"skills": [], "max_hours_per_week": 10}).status_code == 200


def test_limit_defaults_to_20(api):
    OpenOpportunityFactory.create_batch(21)  # no skills listed: they match everyone
    assert len(api.post(URL, {"skills": []}).json()["results"]) == 20


def test_score_recomputed_by_hand_for_a_new_york_volunteer_and_los_angeles_meetings(api):
    project = ProjectFactory(timezone="America/Los_Angeles")
    MeetingTimeFactory(project=project, weekday=3, start=20 * 60, end=21 * 60)  # Thu 20:00-21:00 LA
    opportunity = OpenOpportunityFactory(project=project, min_hours_per_week=10)
    OpportunitySkillFactory(opportunity=opportunity, skill=SkillFactory(name="Python"), level=4)
    other_role = RoleFactory()
    body = {
        "skills": [{"name": "Python", "level": 3}],  # 3/4 = 0.75
        "max_hours_per_week": 5,  # 5/10 = 0.5
        "timezone": "America/New_York",
        # The meeting is Thu 23:00-24:00 in New York: 45 of its 60 minutes are covered.
        "availability": "Thu 23:00-23:45",
        "roles": [other_role.pk],  # neither the role nor its community: 0.0
        "community_of_practice": other_role.community_of_practice.slug,
    }
    result = api.post(URL, body).json()["results"][0]
    assert result["opportunity"]["id"] == str(opportunity.pk)
    assert result["breakdown"] == {"skills": 0.75, "hours": 0.5, "availability": 0.75, "interest": 0.0}
    # round(100 × (0.5·0.75 + 0.2·0.5 + 0.2·0.75 + 0.1·0), 1)
    assert result["score"] == 62.5
    # The same numbers in words (DESIGN.md, "Matching").
    assert result["explanation"] == {
        "skills": "Python 3 of 4",
        "hours": "5 h/week < 10 needed",
        "availability": "can attend 45 min of 1 h of meetings",
        "interest": f"{opportunity.role.title} is not a role of interest",
    }


def test_breakdown_is_exact_so_the_score_can_be_recomputed_from_it(api):
    opportunity = OpenOpportunityFactory(min_hours_per_week=3)
    OpportunitySkillFactory(opportunity=opportunity, skill=SkillFactory(name="Python"), level=3)
    body = {"skills": [{"name": "Python", "level": 2}], "max_hours_per_week": 2}
    result = api.post(URL, body).json()["results"][0]
    breakdown = result["breakdown"]
    assert breakdown["skills"] == pytest.approx(2 / 3, rel=1e-12)
    assert breakdown["hours"] == pytest.approx(2 / 3, rel=1e-12)
    weights = {"skills": 0.5, "hours": 0.2, "availability": 0.2, "interest": 0.1}
    recomputed = 100 * sum(weight * breakdown[name] for name, weight in weights.items())
    # 33.33 + 13.33 + 20 (no meeting times) + 5 (no roles, no community)
    assert result["score"] == round(recomputed, 1) == 71.7


def test_openapi_schema_documents_the_explanation(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    match = schema["components"]["schemas"]["Match"]
    assert set(match["required"]) >= {"opportunity", "score", "breakdown", "explanation"}
    explanation = schema["components"]["schemas"]["Explanation"]
    assert set(explanation["properties"]) == {"skills", "hours", "availability", "interest"}
    assert all(field["type"] == "string" for field in explanation["properties"].values())
    assert "fewer than `limit`" in schema["paths"]["/api/match/"]["post"]["description"]
