"""Staff writes on /api/opportunities/: scope, status transitions, skills, bad input."""

import pytest

from server.models import Opportunity, OpportunitySkill
from server.tests.factories import OpenOpportunityFactory, OpportunityFactory, RoleFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/opportunities/"


@pytest.fixture
def role():
    return RoleFactory(title="Data Analyst")


@pytest.fixture
def skills():
    return {name: SkillFactory(name=name) for name in ("Python", "SQL", "Tableau")}


def payload(project, role, **extra):
    return {"project": project.slug, "role": role.pk, "min_hours_per_week": 6, **extra}


class TestCreate:
    def test_pm_creates_in_own_project_with_skills(self, pm_api, project_manager, managed_project, role, skills):
        response = pm_api.post(
            URL,
            payload(
                managed_project,
                role,
                body="Analyse food deserts.",
                required_skills=[{"name": "python", "level": 3}, {"name": "SQL", "level": 2}],
                preferred_skills=[{"name": "Tableau", "level": 1}],
            ),
        )
        assert response.status_code == 201, response.json()
        item = response.json()
        assert item["status"] == "draft"
        assert item["title"] == "Data Analyst"
        assert item["project"]["slug"] == managed_project.slug
        assert item["required_skills"] == [{"name": "Python", "level": 3}, {"name": "SQL", "level": 2}]
        assert item["preferred_skills"] == [{"name": "Tableau", "level": 1}]
        opportunity = Opportunity.objects.get(pk=item["id"])
        assert opportunity.created_by == project_manager
        assert opportunity.updated_by == project_manager
        assert opportunity.published_at is None

    def test_create_as_open_goes_through_the_transition(self, organizer_api, other_project, role):
        response = organizer_api.post(URL, payload(other_project, role, status="open"))
        assert response.status_code == 201
        assert response.json()["status"] == "open"
        assert response.json()["published_at"] is not None

    def test_pm_may_not_create_in_another_project(self, pm_api, other_project, role):
        response = pm_api.post(URL, payload(other_project, role))
        assert response.status_code == 403
        assert "vrms" in response.json()["detail"]
        assert not Opportunity.objects.exists()

    def test_anonymous_may_not_write(self, api, other_project, role):
        response = api.post(URL, payload(other_project, role))
        assert response.status_code == 401
        assert not Opportunity.objects.exists()

    def test_non_staff_token_may_not_write(self, other_project, role):
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        user = UserFactory(is_staff=False)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        assert client.post(URL, payload(other_project, role)).status_code == 403

    def test_unknown_skill_is_400_naming_it(self, organizer_api, other_project, role, skills):
        response = organizer_api.post(
            URL, payload(other_project, role, required_skills=[{"name": "Python", "level": 3}, {"name": "Cobol"}])
        )
        assert response.status_code == 400
        # Errors of a list name the item (by its index) and the field within it.
        assert response.json()["required_skills"] == {
            "1": {"name": ['"Cobol" is not a known skill.'], "level": ["This field is required."]}
        }
        assert not Opportunity.objects.exists()

    def test_skill_both_required_and_preferred_is_400(self, organizer_api, other_project, role, skills):
        response = organizer_api.post(
            URL,
            payload(
                other_project,
                role,
                required_skills=[{"name": "Python", "level": 3}],
                preferred_skills=[{"name": "python", "level": 2}],
            ),
        )
        assert response.status_code == 400
        assert "Python" in response.json()["preferred_skills"][0]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("min_hours_per_week", "lots"),
            ("min_hours_per_week", 41),
            ("positions", 0),
            ("work_environment", "moon"),
            ("role", 999999),
            ("project", "no-such-project"),
            ("expires_on", "next week"),
            ("required_skills", "Python:3"),
            ("status", "published"),
        ],
    )
    def test_wrong_types_are_400_naming_the_field(self, organizer_api, other_project, role, field, value):
        response = organizer_api.post(URL, {**payload(other_project, role), field: value})
        assert response.status_code == 400
        assert field in response.json()
        assert not Opportunity.objects.exists()

    def test_bad_json_is_400(self, organizer_api):
        response = organizer_api.generic("POST", URL, '{"project": ', content_type="application/json")
        assert response.status_code == 400
        assert "JSON parse error" in response.json()["detail"]

    def test_missing_fields_are_named(self, organizer_api):
        response = organizer_api.post(URL, {})
        assert response.status_code == 400
        assert set(response.json()) == {"project", "role"}


class TestChange:
    def test_pm_patches_own_opportunity(self, pm_api, project_manager, managed_project, skills):
        opportunity = OpportunityFactory(project=managed_project, min_hours_per_week=5)
        OpportunitySkill.objects.create(opportunity=opportunity, skill=skills["SQL"], level=2)
        response = pm_api.patch(
            f"{URL}{opportunity.pk}/",
            {"min_hours_per_week": 10, "preferred_skills": [{"name": "Tableau", "level": 2}]},
        )
        assert response.status_code == 200, response.json()
        assert response.json()["min_hours_per_week"] == 10
        # Required skills were not sent, so they stay; preferred ones are replaced.
        assert response.json()["required_skills"] == [{"name": "SQL", "level": 2}]
        assert response.json()["preferred_skills"] == [{"name": "Tableau", "level": 2}]
        opportunity.refresh_from_db()
        assert opportunity.updated_by == project_manager

    def test_patch_status_uses_the_transition_rules(self, pm_api, managed_project):
        opportunity = OpportunityFactory(project=managed_project)
        response = pm_api.patch(f"{URL}{opportunity.pk}/", {"status": "open"})
        assert response.status_code == 200
        opportunity.refresh_from_db()
        assert opportunity.status == "open"
        assert opportunity.published_at is not None

        response = pm_api.patch(f"{URL}{opportunity.pk}/", {"status": "closed"})
        assert response.status_code == 200
        opportunity.refresh_from_db()
        assert opportunity.closed_at is not None

        # Closed is final: refused with the service's message, and nothing else is written.
        response = pm_api.patch(f"{URL}{opportunity.pk}/", {"status": "open", "min_hours_per_week": 20})
        assert response.status_code == 400
        assert "Cannot publish" in response.json()["status"][0]
        opportunity.refresh_from_db()
        assert (opportunity.status, opportunity.min_hours_per_week) == ("closed", 5)

    def test_pm_writing_to_another_project_fails(self, pm_api, other_project):
        public = OpenOpportunityFactory(project=other_project)
        draft = OpportunityFactory(project=other_project)
        for opportunity in (public, draft):
            assert pm_api.patch(f"{URL}{opportunity.pk}/", {"min_hours_per_week": 9}).status_code == 404
            assert pm_api.put(f"{URL}{opportunity.pk}/", payload(other_project, opportunity.role)).status_code == 404
            assert pm_api.delete(f"{URL}{opportunity.pk}/").status_code == 404
        assert set(Opportunity.objects.values_list("min_hours_per_week", flat=True)) == {5}

    def test_pm_may_not_move_an_opportunity_to_another_project(self, pm_api, managed_project, other_project):
        opportunity = OpportunityFactory(project=managed_project)
        response = pm_api.patch(f"{URL}{opportunity.pk}/", {"project": other_project.slug})
        assert response.status_code == 403
        opportunity.refresh_from_db()
        assert opportunity.project == managed_project

    def test_put_replaces(self, organizer_api, other_project, role):
        opportunity = OpportunityFactory(project=other_project, body="old", positions=3)
        response = organizer_api.put(f"{URL}{opportunity.pk}/", payload(other_project, role, body="new"))
        assert response.status_code == 200
        assert response.json()["body"] == "new"
        assert response.json()["role"]["id"] == role.pk

    def test_delete_within_scope(self, pm_api, organizer_api, managed_project, other_project):
        mine, theirs = OpportunityFactory(project=managed_project), OpportunityFactory(project=other_project)
        assert pm_api.delete(f"{URL}{mine.pk}/").status_code == 204
        assert not Opportunity.objects.filter(pk=mine.pk).exists()
        assert pm_api.delete(f"{URL}{theirs.pk}/").status_code == 404
        assert organizer_api.delete(f"{URL}{theirs.pk}/").status_code == 204
        assert not Opportunity.objects.exists()
