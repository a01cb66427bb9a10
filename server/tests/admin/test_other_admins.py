"""Applications, volunteers, projects, the catalog, users and groups: the organizer's everyday edits."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from server.models import Application, CommunityOfPractice, Project, Skill, User, Volunteer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [choice.value for choice in Application.Status])
def test_bulk_application_status_actions(organizer_client, world, status):
    applications = [world["my_application"], world["their_application"]]
    data = {"action": f"mark_selected_{status}", "_selected_action": [a.pk for a in applications], "index": "0"}
    if status in ("contacted", "interviewing", "onboarded", "declined"):  # the volunteer hears of it: asks first
        data.update({"_confirmed": "yes", "_form_submitted": "True"})
    response = organizer_client.post(reverse("admin:server_application_changelist"), data, follow=True)
    assert response.status_code == 200
    label = Application.Status(status).label.lower()
    assert f"Marked 2 applications as {label}." in [str(m) for m in response.context["messages"]]
    assert {a.status for a in Application.objects.all()} == {status}


def test_application_row_action_as_organizer(organizer_client, world):
    application = world["their_application"]
    url = reverse("admin:server_application_mark_onboarded", args=[application.pk])
    organizer_client.get(url)
    application.refresh_from_db()
    assert application.status == Application.Status.NEW  # a GET only asks
    response = organizer_client.post(url, {"_form_submitted": "True"}, follow=True)
    assert "Marked 1 application as onboarded." in [str(m) for m in response.context["messages"]]
    application.refresh_from_db()
    assert application.status == Application.Status.ONBOARDED


def test_declining_from_the_change_page_saves_the_notes_then_asks(organizer_client, world):
    application = world["their_application"]
    url = reverse("admin:server_application_change", args=[application.pk])
    content = organizer_client.get(url).content.decode()
    assert 'name="server_application_mark_new_submit"' not in content  # it is new already
    assert 'name="server_application_mark_contacted_submit"' in content
    response = organizer_client.post(
        url, {"status": "new", "internal_notes": "Called twice", "server_application_mark_declined_submit": ""}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:server_application_mark_declined", args=[application.pk]))
    application.refresh_from_db()
    assert (application.internal_notes, application.status) == ("Called twice", Application.Status.NEW)
    response = organizer_client.post(response["Location"], {"_form_submitted": "True"})
    assert response["Location"] == url
    application.refresh_from_db()
    assert (application.internal_notes, application.status) == ("Called twice", Application.Status.DECLINED)


def test_application_list_shows_coloured_status_labels(organizer_client, world):
    content = organizer_client.get(reverse("admin:server_application_changelist")).content.decode()
    assert "bg-blue-100" in content  # "new" is an info label


def test_application_change_keeps_who_applied_to_what(organizer_client, world):
    application = world["my_application"]
    response = organizer_client.get(reverse("admin:server_application_change", args=[application.pk]))
    form = response.context["adminform"].form
    assert "opportunity" not in form.fields and "volunteer" not in form.fields
    # The status moves by the form's "Mark …" buttons (server/tests/admin/test_applications.py).
    assert list(form.fields) == ["internal_notes"]


def test_organizer_adds_a_volunteer_with_skills_and_availability(organizer_client, world):
    data = {
        "name": "Grace Hopper",
        "email": "GRACE@example.com",
        "status": "active",
        "community_of_practice": world["engineering"].pk,
        "roles": [world["developer"].pk],
        "experience_level": "advanced",
        "max_hours_per_week": "8",
        "timezone": "America/New_York",
        "notes": "",
        "people_depot_id": "",
        "skill_levels-TOTAL_FORMS": "1",
        "skill_levels-INITIAL_FORMS": "0",
        "skill_levels-0-skill": world["python"].pk,
        "skill_levels-0-level": "5",
        "weekly_availability": "Mon 18:00-20:00\nwed 9:00-12:30",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
    }
    response = organizer_client.post(reverse("admin:server_volunteer_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    grace = Volunteer.objects.get(email="grace@example.com")
    assert [str(slot) for slot in grace.availability.all()] == ["Mon 18:00-20:00", "Wed 09:00-12:30"]
    assert [str(skill) for skill in grace.skill_levels.all()] == ["Python:5"]


def test_bad_availability_is_a_form_error(organizer_client, world):
    data = {
        "name": "Bad Slot",
        "email": "bad@example.com",
        "status": "active",
        "experience_level": "beginner",
        "timezone": "America/Los_Angeles",
        "skill_levels-TOTAL_FORMS": "0",
        "skill_levels-INITIAL_FORMS": "0",
        "weekly_availability": "Mon 25:00-26:00",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
    }
    response = organizer_client.post(reverse("admin:server_volunteer_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["weekly_availability"] == ['"Mon 25:00-26:00" is not a time range']
    assert not Volunteer.objects.filter(email="bad@example.com").exists()


def test_a_label_is_refused_in_availability(organizer_client, world):
    volunteer = Volunteer.objects.create(name="Lin", email="lin.label@example.com")
    response = organizer_client.get(reverse("admin:server_volunteer_change", args=[volunteer.pk]))
    form = response.context["adminform"].form
    assert form.initial["weekly_availability"] == ""
    data = {
        **form.initial,
        "weekly_availability": "Mon 18:00-20:00 (Standup)",
        "roles": [],
        "community_of_practice": "",
        "max_hours_per_week": "",
        "people_depot_id": "",
        "skill_levels-TOTAL_FORMS": "0",
        "skill_levels-INITIAL_FORMS": "0",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
    }
    response = organizer_client.post(reverse("admin:server_volunteer_change", args=[volunteer.pk]), data)
    assert response.status_code == 200
    assert "which only meeting times can have" in response.context["adminform"].form.errors["weekly_availability"][0]
    assert not volunteer.availability.exists()


def test_organizer_edits_a_project_and_its_managers(organizer_client, world, project_manager):
    project = world["theirs"]
    data = {
        "name": "VRMS",
        "slug": "vrms",
        "status": "on_hold",
        "description": "",
        "website_url": "",
        "repository_url": "",
        "slack_channel": "#vrms",
        "people_depot_id": "",
        "timezone": "America/Los_Angeles",
        "managers": [project_manager.pk],
        "weekly_meetings": "Tue 17:00-18:00 (All team); Thu 18:30-19:00",
    }
    response = organizer_client.post(reverse("admin:server_project_change", args=[project.pk]), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.status == Project.Status.ON_HOLD
    assert list(project.managers.all()) == [project_manager]
    assert [str(m) for m in project.meeting_times.all()] == ["Tue 17:00-18:00 (All team)", "Thu 18:30-19:00"]
    page = organizer_client.get(reverse("admin:server_project_change", args=[project.pk])).content.decode()
    assert "Tue 17:00-18:00 (All team); Thu 18:30-19:00</textarea>" in page


def test_catalog_adds_and_refuses_a_duplicate_skill(organizer_client, world):
    response = organizer_client.post(
        reverse("admin:server_skill_add"), {"name": "PYTHON", "communities_of_practice": [], "description": ""}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    response = organizer_client.post(
        reverse("admin:server_communityofpractice_add"), {"name": "Civic Data", "slug": "", "description": ""}
    )
    assert response.status_code == 302
    assert CommunityOfPractice.objects.get(name="Civic Data").slug == "civic-data"
    assert Skill.objects.filter(name__iexact="python").count() == 1


def test_organizer_creates_a_staff_user_by_email(organizer_client, world):
    response = organizer_client.post(
        reverse("admin:server_user_add"),
        {
            "email": "New.Person@Example.org",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("a-long-pass-phrase-42")
    assert organizer_client.get(reverse("admin:server_user_change", args=[user.pk])).status_code == 200
    assert organizer_client.get(reverse("admin:auth_user_password_change", args=[user.pk])).status_code == 200


def test_groups_page_lists_both_staff_groups(organizer_client, world):
    response = organizer_client.get(reverse("admin:auth_group_changelist"))
    assert {group.name for group in response.context["cl"].result_list} == {"Organizers", "Project managers"}
    group = Group.objects.get(name="Project managers")
    assert organizer_client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 200


def test_pm_cannot_import(pm_client, world):
    response = pm_client.get(reverse("admin:server_opportunity_import"))
    assert response.status_code == 403
