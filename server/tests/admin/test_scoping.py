"""A project manager lists, opens and changes only their projects' rows; anything else is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from server.models import Application, MeetingTime, Opportunity
from server.tests.factories import MeetingTimeFactory

pytestmark = pytest.mark.django_db


def listed(client, name, **params):
    response = client.get(reverse(f"admin:{name}_changelist"), params)
    assert response.status_code == 200
    return response.context["cl"].result_list


def test_pm_lists_only_their_projects_opportunities(pm_client, world):
    titles = {opportunity.title for opportunity in listed(pm_client, "server_opportunity")}
    assert titles == {"Django developer", "Product designer"}


def test_organizer_lists_every_opportunity(organizer_client, world):
    assert len(listed(organizer_client, "server_opportunity")) == 4


def test_pm_lists_only_applications_to_their_projects(pm_client, world):
    assert list(listed(pm_client, "server_application")) == [world["my_application"]]


def test_pm_lists_only_their_meeting_times(pm_client, world):
    mine = MeetingTimeFactory(project=world["mine"])
    MeetingTimeFactory(project=world["theirs"])
    assert list(listed(pm_client, "server_meetingtime")) == [mine]


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("their_draft", "server_opportunity"),
        ("their_open", "server_opportunity"),
        ("their_application", "server_application"),
    ],
)
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_pm_typing_the_url_of_another_projects_row_gets_404(pm_client, world, key, name, view):
    response = pm_client.get(reverse(f"admin:{name}_{view}", args=[world[key].pk]))
    # One promised code per page (README): the row is outside the PM's queryset, so its change
    # page is a 404, and so is the delete page of an opportunity (PMs may delete their own);
    # history, and deleting an application (no delete permission), are refused with a 403.
    expected = 404 if view == "change" or (view == "delete" and name == "server_opportunity") else 403
    assert response.status_code == expected
    assert b"Secret VRMS draft" not in response.content


def test_pm_cannot_change_another_projects_opportunity_by_posting(pm_client, world):
    draft = world["their_draft"]
    response = pm_client.post(reverse("admin:server_opportunity_change", args=[draft.pk]), {"title": "Hijacked"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Secret VRMS draft"


def test_pm_cannot_run_row_actions_on_another_projects_opportunity(pm_client, world):
    draft = world["their_draft"]
    url = reverse("admin:server_opportunity_publish_row", args=[draft.pk])
    assert pm_client.get(url).status_code == 404  # not even the confirmation (it would show the title)
    response = pm_client.post(url, {"_form_submitted": "True"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


def test_pm_cannot_change_another_projects_meeting_time(pm_client, world):
    theirs = MeetingTimeFactory(project=world["theirs"])
    response = pm_client.get(reverse("admin:server_meetingtime_change", args=[theirs.pk]))
    assert response.status_code == 404


def test_pm_project_choices_are_only_their_projects(pm_client, world):
    response = pm_client.get(reverse("admin:server_opportunity_add"))
    choices = {label for _, label in response.context["adminform"].form.fields["project"].choices if _}
    assert choices == {"Food Oasis"}


def test_organizer_project_choices_are_every_project(organizer_client, world):
    response = organizer_client.get(reverse("admin:server_opportunity_add"))
    choices = {label for _, label in response.context["adminform"].form.fields["project"].choices if _}
    assert choices == {"Food Oasis", "VRMS"}


def opportunity_post(world, project, **extra):
    data = {
        "project": project.pk,
        "role": world["developer"].pk,
        "title": "Data wrangler",
        "body": "Wrangle data.",
        "experience_level": "intermediate",
        "min_hours_per_week": "6",
        "work_environment": "remote",
        "positions": "1",
        "expires_on": "",
    }
    for prefix in ("skill_requirements", "skill_requirements-2", "applications"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(extra)
    return data


def test_pm_cannot_create_an_opportunity_for_another_project(pm_client, world):
    response = pm_client.post(reverse("admin:server_opportunity_add"), opportunity_post(world, world["theirs"]))
    assert response.status_code == 200
    assert "project" in response.context["adminform"].form.errors
    assert not Opportunity.objects.filter(title="Data wrangler").exists()


def test_pm_creates_an_opportunity_for_their_project_and_is_recorded_as_author(pm_client, world, project_manager):
    response = pm_client.post(reverse("admin:server_opportunity_add"), opportunity_post(world, world["mine"]))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    created = Opportunity.objects.get(title="Data wrangler")
    assert created.created_by == project_manager
    assert created.updated_by == project_manager
    assert created.status == Opportunity.Status.DRAFT


def test_pm_reads_projects_but_cannot_change_their_fields(pm_client, world):
    project = world["theirs"]
    response = pm_client.get(reverse("admin:server_project_change", args=[project.pk]))
    assert response.status_code == 200
    assert "name" not in response.context["adminform"].form.fields
    response = pm_client.post(reverse("admin:server_project_change", args=[project.pk]), {"name": "Renamed"})
    assert response.status_code == 403


def test_pm_edits_meeting_times_of_their_project_on_the_project_page(pm_client, world):
    project = world["mine"]
    data = {"weekly_meetings": "Tue 17:00-18:00 (All team)", "name": "Renamed"}
    response = pm_client.post(reverse("admin:server_project_change", args=[project.pk]), data)
    assert response.status_code == 302
    assert [str(meeting) for meeting in project.meeting_times.all()] == ["Tue 17:00-18:00 (All team)"]
    project.refresh_from_db()
    assert project.name == "Food Oasis"  # every project field stays read-only for a PM


def test_pm_cannot_add_meeting_times_to_another_project(pm_client, world):
    project = world["theirs"]
    data = {"weekly_meetings": "Tue 17:00-18:00 (Sneaky)"}
    response = pm_client.post(reverse("admin:server_project_change", args=[project.pk]), data)
    assert response.status_code == 403
    assert not MeetingTime.objects.filter(label="Sneaky").exists()
    page = pm_client.get(reverse("admin:server_project_change", args=[project.pk])).content.decode()
    assert 'name="weekly_meetings"' not in page


def test_volunteer_page_shows_a_pm_only_applications_to_their_projects(pm_client, organizer, world):
    url = reverse("admin:server_volunteer_change", args=[world["ada"].pk])
    response = pm_client.get(url)
    assert response.status_code == 200
    assert b"Product designer" in response.content
    assert b"VRMS designer" not in response.content
    organizer_client = Client()
    organizer_client.force_login(organizer)
    assert b"VRMS designer" in organizer_client.get(url).content


def test_pm_cannot_change_a_volunteer(pm_client, world):
    ada = world["ada"]
    response = pm_client.post(reverse("admin:server_volunteer_change", args=[ada.pk]), {"name": "Changed"})
    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.name == "Ada Lovelace"


def test_pm_cannot_delete_projects_or_catalog_entries(pm_client, world):
    assert pm_client.get(reverse("admin:server_project_delete", args=[world["mine"].pk])).status_code == 403
    assert pm_client.get(reverse("admin:server_role_delete", args=[world["designer"].pk])).status_code == 403


def test_pm_deletes_only_their_own_projects_opportunities(pm_client, world):
    response = pm_client.post(reverse("admin:server_opportunity_delete", args=[world["my_draft"].pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Opportunity.objects.filter(pk=world["my_draft"].pk).exists()
    theirs = world["their_draft"]
    response = pm_client.post(reverse("admin:server_opportunity_delete", args=[theirs.pk]), {"post": "yes"})
    assert response.status_code == 404  # outside the PM's queryset
    assert Opportunity.objects.filter(pk=theirs.pk).exists()


def test_pm_changes_the_status_of_an_application_to_their_project(pm_client, world):
    application = world["my_application"]
    url = reverse("admin:server_application_mark_contacted", args=[application.pk])
    response = pm_client.post(url, {"_form_submitted": "True"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.CONTACTED


def test_pm_cannot_change_the_status_of_another_projects_application(pm_client, world):
    application = world["their_application"]
    url = reverse("admin:server_application_mark_contacted", args=[application.pk])
    response = pm_client.post(url, {"_form_submitted": "True"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.NEW


def test_pm_cannot_open_an_old_version_of_a_row_moved_out_of_their_project(pm_client, world):
    opportunity = world["my_draft"]
    old_version = opportunity.history.earliest()
    opportunity.project = world["theirs"]
    opportunity.save()
    url = reverse("admin:server_opportunity_simple_history", args=[opportunity.pk, old_version.history_id])
    assert pm_client.get(url).status_code == 404
    assert pm_client.post(url, {"title": "Pulled back"}).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.project == world["theirs"]


def test_pm_opens_an_old_version_of_their_own_row(pm_client, world):
    opportunity = world["my_draft"]
    version = opportunity.history.earliest()
    url = reverse("admin:server_opportunity_simple_history", args=[opportunity.pk, version.history_id])
    assert pm_client.get(url).status_code == 200


def test_pm_adds_meeting_times_only_to_their_projects(pm_client, world):
    url = reverse("admin:server_meetingtime_add")
    form = pm_client.get(url).context["adminform"].form
    choices = {label for value, label in form.fields["project"].choices if value}
    assert choices == {"Food Oasis"}
    data = {"project": world["theirs"].pk, "label": "Sneaky", "weekday": "2", "start": "10:00", "end": "11:00"}
    response = pm_client.post(url, data)
    assert response.status_code == 200
    assert not MeetingTime.objects.filter(label="Sneaky").exists()
    data["project"] = world["mine"].pk
    assert pm_client.post(url, data).status_code == 302
    assert MeetingTime.objects.get(label="Sneaky").project == world["mine"]
