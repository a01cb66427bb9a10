"""The opportunity form: required and preferred skills in their own inlines, authorship, history."""

import pytest
from django.urls import reverse

from server.models import Opportunity, OpportunitySkill
from server.tests.admin.test_scoping import opportunity_post

pytestmark = pytest.mark.django_db
REQUIRED, PREFERRED = "skill_requirements", "skill_requirements-2"


def with_skills(data, prefix, rows, initial=0):
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    for index, (skill, level) in enumerate(rows):
        data[f"{prefix}-{index}-skill"] = skill.pk
        data[f"{prefix}-{index}-level"] = str(level)
    return data


def test_inline_prefixes_are_what_the_tests_post(organizer_client, world):
    response = organizer_client.get(reverse("admin:server_opportunity_add"))
    prefixes = [formset.formset.prefix for formset in response.context["inline_admin_formsets"]]
    assert prefixes == [REQUIRED, PREFERRED, "applications"]


def test_create_with_two_required_skills_and_one_preferred(pm_client, world):
    data = opportunity_post(world, world["mine"])
    with_skills(data, REQUIRED, [(world["python"], 4), (world["django"], 3)])
    with_skills(data, PREFERRED, [(world["figma"], 2)])
    response = pm_client.post(reverse("admin:server_opportunity_add"), data)
    assert response.status_code == 302
    created = Opportunity.objects.get(title="Data wrangler")
    kinds = {(r.skill.name, r.level, r.kind) for r in created.skill_requirements.all()}
    assert kinds == {("Python", 4, "required"), ("Django", 3, "required"), ("Figma", 2, "preferred")}


def test_change_page_shows_each_kind_in_its_own_inline(organizer_client, world):
    opportunity = world["my_draft"]
    OpportunitySkill.objects.create(opportunity=opportunity, skill=world["python"], level=4, kind="required")
    OpportunitySkill.objects.create(opportunity=opportunity, skill=world["figma"], level=2, kind="preferred")
    response = organizer_client.get(reverse("admin:server_opportunity_change", args=[opportunity.pk]))
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert [form.instance.skill.name for form in formsets[REQUIRED].forms] == ["Python"]
    assert [form.instance.skill.name for form in formsets[PREFERRED].forms] == ["Figma"]


def test_a_skill_both_required_and_preferred_is_a_form_error(organizer_client, world):
    data = opportunity_post(world, world["mine"])
    with_skills(data, REQUIRED, [(world["python"], 4)])
    with_skills(data, PREFERRED, [(world["python"], 2)])
    response = organizer_client.post(reverse("admin:server_opportunity_add"), data)
    assert response.status_code == 200
    assert "&quot;Python&quot; is both required and preferred" in response.content.decode()
    assert not Opportunity.objects.filter(title="Data wrangler").exists()


def test_the_same_skill_twice_in_one_list_is_a_form_error(organizer_client, world):
    data = opportunity_post(world, world["mine"])
    with_skills(data, REQUIRED, [(world["python"], 4), (world["python"], 2)])
    response = organizer_client.post(reverse("admin:server_opportunity_add"), data)
    assert response.status_code == 200
    assert not Opportunity.objects.filter(title="Data wrangler").exists()


def test_skill_level_out_of_range_is_a_form_error(organizer_client, world):
    data = opportunity_post(world, world["mine"])
    with_skills(data, REQUIRED, [(world["python"], 7)])
    response = organizer_client.post(reverse("admin:server_opportunity_add"), data)
    assert response.status_code == 200
    assert not Opportunity.objects.filter(title="Data wrangler").exists()


def test_hours_out_of_range_is_a_form_error(organizer_client, world):
    response = organizer_client.post(
        reverse("admin:server_opportunity_add"), opportunity_post(world, world["mine"], min_hours_per_week="41")
    )
    assert response.status_code == 200
    assert "min_hours_per_week" in response.context["adminform"].form.errors


def test_changing_records_updated_by_and_history(organizer_client, organizer, world):
    opportunity = world["my_draft"]
    data = opportunity_post(world, world["mine"], title="Renamed draft")
    response = organizer_client.post(reverse("admin:server_opportunity_change", args=[opportunity.pk]), data)
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Renamed draft"
    assert opportunity.updated_by == organizer
    assert opportunity.history.first().history_user == organizer
    history = organizer_client.get(reverse("admin:server_opportunity_history", args=[opportunity.pk]))
    assert "Renamed draft" in history.content.decode()
