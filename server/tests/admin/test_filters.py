"""Every changelist filter and search narrows the list as a user would expect."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from server.models import Opportunity

pytestmark = pytest.mark.django_db


def titles(client, **params):
    response = client.get(reverse("admin:server_opportunity_changelist"), params)
    assert response.status_code == 200
    assert "e" not in response.wsgi_request.GET, "the admin refused the filter"
    return sorted(opportunity.title for opportunity in response.context["cl"].result_list)


def test_filter_by_status(organizer_client, world):
    assert titles(organizer_client, status__exact="open") == ["Product designer", "VRMS designer"]


def test_filter_by_community_of_practice(organizer_client, world):
    assert titles(organizer_client, role__community_of_practice__id__exact=world["engineering"].pk) == [
        "Django developer",
        "Secret VRMS draft",
    ]


def test_filter_by_project_and_role(organizer_client, world):
    assert titles(organizer_client, project__id__exact=world["theirs"].pk) == ["Secret VRMS draft", "VRMS designer"]
    assert titles(organizer_client, role__id__exact=world["designer"].pk) == ["Product designer", "VRMS designer"]


def test_filter_by_work_environment_and_experience(organizer_client, world):
    Opportunity.objects.filter(pk=world["my_draft"].pk).update(work_environment="hybrid", experience_level="advanced")
    assert titles(organizer_client, work_environment__exact="hybrid") == ["Django developer"]
    assert titles(organizer_client, experience_level__exact="advanced") == ["Django developer"]


def test_filter_by_hours_range(organizer_client, world):
    Opportunity.objects.filter(pk=world["my_draft"].pk).update(min_hours_per_week=20)
    assert titles(organizer_client, min_hours_per_week_from="10", min_hours_per_week_to="25") == ["Django developer"]


def test_filter_by_published_date_range_includes_the_last_day(organizer_client, world):
    today = timezone.localdate()
    Opportunity.objects.filter(pk=world["their_open"].pk).update(published_at=timezone.now() - timedelta(days=40))
    assert titles(organizer_client, published_at_from=str(today), published_at_to=str(today)) == ["Product designer"]


def test_bad_date_in_a_filter_is_refused_not_a_traceback(organizer_client, world):
    response = organizer_client.get(reverse("admin:server_opportunity_changelist"), {"published_at_from": "nope"})
    assert response.status_code == 200
    assert 'published at: "nope" is not a date' in str(list(response.context["messages"])[0])


def test_search_on_title_body_project_and_role(organizer_client, world):
    assert titles(organizer_client, q="VRMS") == ["Secret VRMS draft", "VRMS designer"]
    assert titles(organizer_client, q="Backend") == ["Django developer", "Secret VRMS draft"]
    Opportunity.objects.filter(pk=world["my_open"].pk).update(body="Figma and research")
    assert titles(organizer_client, q="research") == ["Product designer"]


def test_pm_filters_stay_inside_their_projects(pm_client, world):
    assert titles(pm_client, project__id__exact=world["theirs"].pk) == []
    assert titles(pm_client, status__exact="open") == ["Product designer"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("server_application", {"status__exact": "new"}),
        ("server_application", {"source__exact": "admin"}),
        ("server_application", {"q": "ada"}),
        ("server_volunteer", {"status__exact": "active"}),
        ("server_volunteer", {"experience_level__exact": "beginner"}),
        ("server_volunteer", {"max_hours_per_week_from": "1", "max_hours_per_week_to": "40"}),
        ("server_volunteer", {"q": "lovelace"}),
        ("server_project", {"status__exact": "active"}),
        ("server_project", {"q": "food"}),
        ("server_role", {"q": "designer"}),
        ("server_skill", {"q": "pyth"}),
        ("server_communityofpractice", {"q": "ui"}),
        ("server_user", {"q": "organizer"}),
    ],
)
def test_other_changelists_filter_and_search(organizer_client, world, name, params):
    world["ada"].max_hours_per_week = 10
    world["ada"].save()
    response = organizer_client.get(reverse(f"admin:{name}_changelist"), params)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


def test_application_filters_narrow_the_list(organizer_client, world):
    response = organizer_client.get(
        reverse("admin:server_application_changelist"), {"opportunity__project__id__exact": world["mine"].pk}
    )
    assert list(response.context["cl"].result_list) == [world["my_application"]]
    response = organizer_client.get(reverse("admin:server_application_changelist"), {"status__exact": "onboarded"})
    assert list(response.context["cl"].result_list) == []


# --- skill with minimum level, search by skill -------------------------------------------


def volunteer_names(client, **params):
    response = client.get(reverse("admin:server_volunteer_changelist"), params)
    assert response.status_code == 200
    assert "e" not in response.wsgi_request.GET, "the admin refused the filter"
    return sorted(volunteer.name for volunteer in response.context["cl"].result_list)


@pytest.fixture
def skilled(world):
    from server.models import OpportunitySkill, VolunteerSkill
    from server.tests.factories import VolunteerFactory

    grace = VolunteerFactory(name="Grace Hopper")
    VolunteerSkill.objects.create(volunteer=world["ada"], skill=world["python"], level=2)
    VolunteerSkill.objects.create(volunteer=world["ada"], skill=world["figma"], level=5)
    VolunteerSkill.objects.create(volunteer=grace, skill=world["python"], level=4)
    OpportunitySkill.objects.create(opportunity=world["my_draft"], skill=world["python"], level=4, kind="required")
    OpportunitySkill.objects.create(opportunity=world["my_open"], skill=world["python"], level=2, kind="preferred")
    return {"grace": grace}


def test_volunteer_search_finds_a_skill(organizer_client, world, skilled):
    assert volunteer_names(organizer_client, q="Python") == ["Ada Lovelace", "Grace Hopper"]


def test_volunteer_skill_filter_with_minimum_level(organizer_client, world, skilled):
    python = world["python"].pk
    assert volunteer_names(organizer_client, skill=python) == ["Ada Lovelace", "Grace Hopper"]
    assert volunteer_names(organizer_client, skill=python, skill_level=3) == ["Grace Hopper"]
    # One condition: Ada holds Python (at 2) and Figma at 5, which is not "Python at 3 or more".
    assert volunteer_names(organizer_client, skill=python, skill_level=5) == []


def test_opportunity_skill_filter_and_search(organizer_client, world, skilled):
    python = world["python"].pk
    assert titles(organizer_client, skill=python) == ["Django developer", "Product designer"]
    assert titles(organizer_client, skill=python, skill_level=3) == ["Django developer"]
    assert titles(organizer_client, q="Python") == ["Django developer", "Product designer"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"skill": "nope"}, 'skill: "nope"'),
        ({"skill": "1", "skill_level": "9"}, 'skill_level: "9"'),
        ({"skill_level": "3"}, "choose a skill too"),
    ],
)
def test_bad_skill_filter_values_are_named_not_a_traceback(organizer_client, world, params, message):
    response = organizer_client.get(reverse("admin:server_volunteer_changelist"), params)
    assert response.status_code == 200
    assert message in " ".join(str(m) for m in response.context["messages"])


def test_active_filters_are_listed_with_links_that_drop_them(organizer_client, world, skilled):
    response = organizer_client.get(
        reverse("admin:server_volunteer_changelist"),
        {"skill": world["python"].pk, "skill_level": "3", "status__exact": "active", "q": "grace"},
    )
    html = response.content.decode()
    assert 'data-testid="active-filters"' in html
    assert "Python, level 3 or more" in html
    assert "Status:</span>" in html and "Active</span>" in html
    assert "Search:</span>" in html and "grace</span>" in html
    assert "?q=grace&amp;status__exact=active" in html  # the skill chip's link keeps the rest


def test_no_active_filters_no_summary(organizer_client, world):
    html = organizer_client.get(reverse("admin:server_volunteer_changelist")).content.decode()
    assert 'data-testid="active-filters"' not in html


def test_opportunity_list_puts_the_last_changed_first_and_has_status_tabs(organizer_client, world):
    Opportunity.objects.filter(pk=world["their_draft"].pk).update(updated_at=timezone.now() + timedelta(minutes=1))
    response = organizer_client.get(reverse("admin:server_opportunity_changelist"))
    assert response.context["cl"].result_list[0] == world["their_draft"]
    assert "?status__exact=draft" in response.content.decode()  # the Draft tab


# --- scoped filters: a PM never reads another project's rows through a filter ----------------


def test_pm_cannot_read_another_projects_draft_title_through_the_opportunity_filter(pm_client, world):
    response = pm_client.get(
        reverse("admin:server_application_changelist"), {"opportunity__id__exact": world["their_draft"].pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret VRMS draft" not in html
    assert "(not found)" in html  # the active-filter summary says it found nothing in scope


def test_pm_application_filters_offer_their_projects_only(pm_client, project_manager, world):
    from server.tests.factories import ProjectFactory

    ProjectFactory(name="Another of mine").managers.add(project_manager)
    response = pm_client.get(reverse("admin:server_application_changelist"))
    specs = {spec.field_path: spec for spec in response.context["cl"].filter_specs if hasattr(spec, "field_path")}
    assert [label for _, label in specs["opportunity__project"].lookup_choices] == ["Another of mine", "Food Oasis"]


def test_pm_autocomplete_of_opportunities_stays_in_scope(pm_client, world):
    response = pm_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "server", "model_name": "application", "field_name": "opportunity", "term": "VRMS"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_pm_add_application_cannot_preselect_another_projects_draft(pm_client, world):
    # PMs do not add applications in the admin (the API does): refused before any lookup.
    response = pm_client.get(reverse("admin:server_application_add"), {"opportunity": world["their_draft"].pk})
    assert response.status_code == 403
    assert "Secret VRMS draft" not in response.content.decode()


def test_organizer_add_application_preselects_only_what_the_field_offers(organizer_client, world):
    response = organizer_client.get(reverse("admin:server_application_add"), {"opportunity": world["their_draft"].pk})
    assert response.status_code == 200
    assert "Secret VRMS draft" in response.content.decode()


def test_organizer_sees_the_draft_title_in_the_filter(organizer_client, world):
    response = organizer_client.get(
        reverse("admin:server_application_changelist"), {"opportunity__id__exact": world["their_draft"].pk}
    )
    assert "Secret VRMS draft" in response.content.decode()
