"""GET /api/opportunities/: who sees what, the item shape, filters, pagination, ordering."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_filters import MultipleChoiceFilter, RangeFilter

from server.api.filters import OpportunityFilter, _reads
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
URL = "/api/opportunities/"

HIDDEN_FROM_ANONYMOUS = [
    {"status": Opportunity.Status.DRAFT},
    {"status": Opportunity.Status.ON_HOLD},
    {"status": Opportunity.Status.FILLED},
    {"status": Opportunity.Status.CLOSED},
    {"status": Opportunity.Status.OPEN, "expires_on": timezone.localdate() - timedelta(days=1)},
]


def ids(response):
    return {item["id"] for item in response.json()["results"]}


@pytest.mark.parametrize(
    "fields", HIDDEN_FROM_ANONYMOUS, ids=lambda f: f["status"] + ("+expired" if "expires_on" in f else "")
)
def test_anonymous_never_sees_unpublished_or_expired(api, fields):
    visible = OpenOpportunityFactory()
    hidden = OpportunityFactory(**fields)

    listed = api.get(URL)
    assert listed.status_code == 200
    assert ids(listed) == {str(visible.pk)}
    assert api.get(f"{URL}{hidden.pk}/").status_code == 404
    assert api.get(f"{URL}{visible.pk}/").status_code == 200
    # Asking for the status explicitly changes nothing.
    assert ids(api.get(URL, {"status": fields["status"]})) <= {str(visible.pk)}


def test_open_opportunity_expiring_today_is_still_public(api):
    today = OpenOpportunityFactory(expires_on=timezone.localdate())
    assert ids(api.get(URL)) == {str(today.pk)}


def test_item_shape(api):
    cop = CommunityOfPracticeFactory(name="Data Science", slug="data-science")
    role = RoleFactory(title="Data Analyst", community_of_practice=cop)
    project = ProjectFactory(name="Food Oasis", slug="food-oasis", timezone="America/New_York")
    MeetingTimeFactory(project=project, label="All team", weekday=1, start=17 * 60, end=24 * 60)
    opportunity = OpenOpportunityFactory(project=project, role=role, title="", expires_on=timezone.localdate())
    OpportunitySkillFactory(opportunity=opportunity, skill=SkillFactory(name="SQL"), level=4)
    OpportunitySkillFactory(opportunity=opportunity, skill=SkillFactory(name="Python"), level=2)
    OpportunitySkillFactory(
        opportunity=opportunity, skill=SkillFactory(name="Tableau"), level=1, kind=OpportunitySkill.Kind.PREFERRED
    )

    item = api.get(f"{URL}{opportunity.pk}/").json()

    assert list(item) == [
        "id", "title", "status", "project", "role", "community_of_practice", "body", "experience_level",
        "min_hours_per_week", "work_environment", "positions", "required_skills", "preferred_skills",
        "meeting_times", "published_at", "expires_on", "updated_at",
    ]  # fmt: skip
    assert item["id"] == str(opportunity.pk)
    assert item["title"] == "Data Analyst"
    assert item["status"] == "open"
    assert item["project"] == {"slug": "food-oasis", "name": "Food Oasis"}
    assert item["role"] == {"id": role.pk, "title": "Data Analyst"}
    assert item["community_of_practice"] == {"slug": "data-science", "name": "Data Science"}
    assert item["required_skills"] == [{"name": "Python", "level": 2}, {"name": "SQL", "level": 4}]
    assert item["preferred_skills"] == [{"name": "Tableau", "level": 1}]
    assert item["meeting_times"] == [
        {"label": "All team", "weekday": "Tue", "start": "17:00", "end": "24:00", "timezone": "America/New_York"}
    ]
    assert item["expires_on"] == timezone.localdate().isoformat()
    assert item["published_at"] is not None


def test_unknown_or_malformed_id_is_json_404(api):
    for path in (f"{URL}00000000-0000-4000-8000-000000000000/", f"{URL}not-a-uuid/"):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


class TestFilters:
    def test_community_project_role(self, api):
        data = CommunityOfPracticeFactory(name="Data Science", slug="data-science")
        ux = CommunityOfPracticeFactory(name="UI/UX", slug="ui-ux")
        analyst = RoleFactory(community_of_practice=data)
        designer = RoleFactory(community_of_practice=ux)
        oasis = ProjectFactory(slug="food-oasis")
        a = OpenOpportunityFactory(role=analyst, project=oasis)
        b = OpenOpportunityFactory(role=designer)

        assert ids(api.get(URL, {"community_of_practice": "data-science"})) == {str(a.pk)}
        assert ids(api.get(URL, {"community_of_practice": "ui-ux"})) == {str(b.pk)}
        assert ids(api.get(URL, {"project": "food-oasis"})) == {str(a.pk)}
        assert ids(api.get(URL, {"role": designer.pk})) == {str(b.pk)}

    def test_unknown_slug_is_400_naming_the_parameter(self, api):
        response = api.get(URL, {"community_of_practice": "astrology"})
        assert response.status_code == 400
        assert "community_of_practice" in response.json()
        response = api.get(URL, {"role": "abc"})
        assert response.status_code == 400
        assert "role" in response.json()

    def test_skill_repeated_means_all_of_them(self, api):
        python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
        both = OpenOpportunityFactory()
        OpportunitySkillFactory(opportunity=both, skill=python)
        OpportunitySkillFactory(opportunity=both, skill=sql, kind=OpportunitySkill.Kind.PREFERRED)
        only_python = OpenOpportunityFactory()
        OpportunitySkillFactory(opportunity=only_python, skill=python)
        OpenOpportunityFactory()

        assert ids(api.get(URL, {"skill": "python"})) == {str(both.pk), str(only_python.pk)}
        assert ids(api.get(URL + "?skill=Python&skill=sql")) == {str(both.pk)}
        response = api.get(URL, {"skill": "Cobol"})
        assert response.status_code == 400
        assert response.json() == {"skill": ['"Cobol" is not a known skill.']}

    def test_work_environment_experience_max_hours(self, api):
        remote = OpenOpportunityFactory(work_environment="remote", experience_level="beginner", min_hours_per_week=4)
        onsite = OpenOpportunityFactory(
            work_environment="in_person", experience_level="advanced", min_hours_per_week=10
        )

        assert ids(api.get(URL, {"work_environment": "in_person"})) == {str(onsite.pk)}
        assert ids(api.get(URL, {"experience_level": "beginner"})) == {str(remote.pk)}
        assert ids(api.get(URL, {"max_hours": 4})) == {str(remote.pk)}
        assert ids(api.get(URL, {"max_hours": 10})) == {str(remote.pk), str(onsite.pk)}
        response = api.get(URL, {"work_environment": "moon"})
        assert response.status_code == 400
        assert "work_environment" in response.json()

    def test_search(self, api):
        match = OpenOpportunityFactory(title="Frontend developer", body="React and maps")
        OpenOpportunityFactory(title="Researcher", body="Interviews")
        assert ids(api.get(URL, {"search": "react"})) == {str(match.pk)}

    def test_search_reaches_the_role_title_and_the_project_name_and_every_term_must_match(self, api):
        by_role = OpenOpportunityFactory(role=RoleFactory(title="Cartographer"), title="Maps", body="")
        by_project = OpenOpportunityFactory(project=ProjectFactory(name="Cartography Lab"), title="Data", body="")
        by_body = OpenOpportunityFactory(title="Other", body="Some CARTOGRAPHY work, remote")
        OpenOpportunityFactory(title="Unrelated", body="Nothing")
        assert ids(api.get(URL, {"search": "cartograph"})) == {str(by_role.pk), str(by_project.pk), str(by_body.pk)}
        assert ids(api.get(URL, {"search": "cartograph remote"})) == {str(by_body.pk)}
        assert ids(api.get(URL, {"search": "cartograph lab"})) == {str(by_project.pk)}
        assert api.get(URL, {"search": "cartograph"}).json()["count"] == 3

    def test_parameters_that_are_not_filters_leave_the_filters_alone_and_filters_still_apply(self, api):
        remote = OpenOpportunityFactory(work_environment="remote")
        hybrid = OpenOpportunityFactory(work_environment="hybrid")
        assert ids(api.get(URL, {"page": 1, "ordering": "published_at", "other": "x"})) == {
            str(remote.pk),
            str(hybrid.pk),
        }
        assert ids(api.get(URL, {"page": 1, "work_environment": "hybrid"})) == {str(hybrid.pk)}
        # The form class is shared by requests; each request's values are its own.
        assert ids(api.get(URL, {"work_environment": "remote"})) == {str(remote.pk)}
        assert api.get(URL, {"work_environment": "moon"}).status_code == 400
        assert ids(api.get(URL)) == {str(remote.pk), str(hybrid.pk)}

    def test_ordering(self, api):
        now = timezone.now()
        old = OpenOpportunityFactory(published_at=now - timedelta(days=3), min_hours_per_week=8)
        new = OpenOpportunityFactory(published_at=now, min_hours_per_week=2)
        mid = OpenOpportunityFactory(published_at=now - timedelta(days=1), min_hours_per_week=5)

        def order(**params):
            return [item["id"] for item in api.get(URL, params).json()["results"]]

        assert order() == [str(new.pk), str(mid.pk), str(old.pk)]  # newest first by default
        assert order(ordering="published_at") == [str(old.pk), str(mid.pk), str(new.pk)]
        assert order(ordering="-min_hours_per_week") == [str(old.pk), str(mid.pk), str(new.pk)]
        assert order(ordering="min_hours_per_week") == [str(new.pk), str(mid.pk), str(old.pk)]

    def test_unknown_ordering_is_400_naming_it(self, api):
        response = api.get(URL, {"ordering": "-body"})
        assert response.status_code == 400
        assert '"-body" is not one of' in response.json()["ordering"][0]


class TestPagination:
    def test_shape_and_page_size(self, api):
        OpenOpportunityFactory.create_batch(5)
        body = api.get(URL, {"page_size": 2}).json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == 5
        assert len(body["results"]) == 2
        assert body["previous"] is None
        assert "page=2" in body["next"]
        last = api.get(URL, {"page_size": 2, "page": 3}).json()
        assert len(last["results"]) == 1
        assert last["next"] is None

    def test_a_full_page_is_100(self, api):
        OpenOpportunityFactory.create_batch(101)
        body = api.get(URL, {"page_size": 100}).json()
        assert body["count"] == 101
        assert len(body["results"]) == 100

    @pytest.mark.parametrize(
        ("param", "value"),
        [
            ("page_size", "101"),
            ("page_size", "1001"),
            ("page_size", "0"),
            ("page_size", "null"),
            ("page_size", ""),
            ("page", "0"),
            ("page", "-1"),
            ("page", "abc"),
            ("page", "last"),
            ("page", "1.5"),
        ],
    )
    def test_what_the_schema_refuses_the_server_refuses(self, api, param, value):
        # The schema documents page >= 1 and 1 <= page_size <= 100 (issue 12): nothing else is
        # quietly replaced by a default.
        response = api.get(URL, {param: value})
        assert response.status_code == 400
        assert list(response.json()) == [param]

    def test_page_and_page_size_are_documented_with_their_bounds(self, api):
        schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/opportunities/"]["get"]["parameters"]}
        assert parameters["page"] == {"type": "integer", "minimum": 1}
        assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 100}

    def test_page_out_of_range_is_json_404(self, api):
        response = api.get(URL, {"page": 9})
        assert response.status_code == 404
        assert "detail" in response.json()


def test_list_costs_the_same_queries_for_1_and_100_items(api):
    projects = ProjectFactory.create_batch(3)
    for project in projects:
        MeetingTimeFactory(project=project)
    skills = SkillFactory.create_batch(3)
    for index in range(100):
        opportunity = OpenOpportunityFactory(project=projects[index % 3])
        OpportunitySkillFactory(opportunity=opportunity, skill=skills[index % 3])

    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(1) == queries(100)
    assert queries(100) <= 5  # count, page, skills, meeting times (+ at most one more)


class TestStaffVisibility:
    def test_organizer_sees_every_status(self, organizer_api):
        rows = [OpportunityFactory(status=status) for status in Opportunity.Status.values]
        assert ids(organizer_api.get(URL, {"page_size": 100})) == {str(row.pk) for row in rows}
        assert ids(organizer_api.get(URL, {"status": "draft"})) == {str(rows[0].pk)}
        assert organizer_api.get(f"{URL}{rows[0].pk}/").status_code == 200

    def test_pm_sees_own_drafts_and_public_but_never_other_drafts(self, pm_api, managed_project, other_project):
        own_draft = OpportunityFactory(project=managed_project)
        other_draft = OpportunityFactory(project=other_project)
        other_open = OpenOpportunityFactory(project=other_project)

        assert ids(pm_api.get(URL)) == {str(own_draft.pk), str(other_open.pk)}
        assert pm_api.get(f"{URL}{own_draft.pk}/").status_code == 200
        assert pm_api.get(f"{URL}{other_draft.pk}/").status_code == 404

    def test_session_login_works_like_a_token(self, pm_client, managed_project):
        draft = OpportunityFactory(project=managed_project)
        assert pm_client.get(f"{URL}{draft.pk}/").status_code == 200


def test_a_filter_of_several_parameters_counts_as_given_when_any_of_them_is():
    """The filter backend skips django-filter when no filter parameter is given; a range
    filter reads `<name>_min` / `<name>_max`, a multiple choice the parameter itself."""
    hours = RangeFilter().field.widget
    assert _reads("hours", hours, QueryDict("hours_min=2"))
    assert _reads("hours", hours, QueryDict("hours_max=9"))
    assert not _reads("hours", hours, QueryDict("hours=2&other=1"))
    statuses = MultipleChoiceFilter(choices=[("open", "Open")]).field.widget
    assert _reads("status", statuses, QueryDict("status=open"))
    assert not _reads("status", statuses, QueryDict("page=2"))


def test_each_filterset_gets_filters_of_its_own():
    """The filters are copied shallowly per request (filters._ShallowCopiedFilters): still one
    copy per filterset, each naming its own filterset as parent, never the class's originals."""
    first, second = OpportunityFilter(QueryDict("max_hours=4")), OpportunityFilter(QueryDict("max_hours=9"))
    for name, original in OpportunityFilter.base_filters.items():
        mine, theirs = first.filters[name], second.filters[name]
        assert mine is not theirs and original not in (mine, theirs)
        assert (mine.parent, theirs.parent) == (first, second)
        assert original.__dict__.get("parent") is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, which keeps no statistics")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("max_hours=10", "opportunity_public_filters"),  # the count, covered: not the hours order's index
        ("ordering=min_hours_per_week", "opportunity_public_by_hours"),
        ("", "opportunity_public_order"),
    ],
)
def test_sqlite_plans_a_list_from_its_index(api, query, index):
    OpenOpportunityFactory()
    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"{URL}?{query}").status_code == 200
    # The count for the filter, the page's ids for an order.
    wanted = "SELECT COUNT(*)" if "max_hours" in query else 'SELECT "server_opportunity"."id" AS "pk" FROM'
    (statement,) = [q["sql"] for q in queries if q["sql"].startswith(wanted)]
    with connection.cursor() as cursor:
        plan = " ".join(row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}"))
    assert index in plan, plan
