"""The application change page: what a PM reads to judge an applicant, and status buttons that
save the notes first and offer only a move to another status."""

import pytest
from django.urls import reverse

from server.models import Application, AvailabilitySlot, OpportunitySkill, VolunteerSkill

pytestmark = pytest.mark.django_db


def change_url(application):
    return reverse("admin:server_application_change", args=[application.pk])


@pytest.fixture
def application(world):
    ada = world["ada"]
    VolunteerSkill.objects.create(volunteer=ada, skill=world["python"], level=4)
    VolunteerSkill.objects.create(volunteer=ada, skill=world["django"], level=3)
    AvailabilitySlot.objects.create(volunteer=ada, weekday=0, start=18 * 60, end=20 * 60)
    OpportunitySkill.objects.create(opportunity=world["my_open"], skill=world["python"], level=3, kind="required")
    application = world["my_application"]
    application.message = "I would love to help with the designs."
    application.save()
    return application


def test_change_page_shows_the_applicant(pm_client, application):
    html = pm_client.get(change_url(application)).content.decode()
    assert 'href="mailto:ada@example.com"' in html
    assert "Ada Lovelace" in html
    assert "I would love to help with the designs." in html
    assert "Django:3; Python:4" in html
    assert "Mon 18:00-20:00 (America/Los_Angeles)" in html
    assert "out of 100 for this opportunity" in html
    assert "Python" in html.split("out of 100 for this opportunity", 1)[1].split("</ul>", 1)[0]  # the reasons


def test_no_skill_in_common_reads_as_no_match(pm_client, world):
    OpportunitySkill.objects.create(opportunity=world["my_open"], skill=world["figma"], level=2, kind="required")
    html = pm_client.get(change_url(world["my_application"])).content.decode()
    assert "No match: the volunteer holds none of the skills" in html


def test_buttons_offer_only_other_statuses(pm_client, application):
    response = pm_client.get(change_url(application))
    names = [action.action_name for action in response.context["actions_submit_line"]]
    assert "server_application_mark_new_submit" not in names
    assert "server_application_mark_contacted_submit" in names and len(names) == len(Application.Status) - 1
    assert "Mark new" not in response.content.decode()


def test_notes_typed_then_a_status_button_keeps_both(pm_client, application, project_manager):
    response = pm_client.post(
        change_url(application),
        {"internal_notes": "Call on Monday.", "server_application_mark_contacted_submit": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == change_url(application)
    application.refresh_from_db()
    assert (application.status, application.internal_notes) == ("contacted", "Call on Monday.")
    html = pm_client.get(change_url(application)).content.decode()
    assert "Status: New → Contacted" in html
    assert "Internal notes: — → “Call on Monday.”" in html
    assert project_manager.email in html
    history = html.split('class="history-table')[1].split("</table>")[0]
    assert "None" not in history and "Change reason" not in history


def test_plain_save_keeps_the_status(pm_client, application):
    pm_client.post(change_url(application), {"internal_notes": "Only a note.", "_continue": "1"})
    application.refresh_from_db()
    assert (application.status, application.internal_notes) == ("new", "Only a note.")


def test_a_posted_status_field_does_not_move_the_status(pm_client, application):
    # Status is read-only on the form; only the buttons (services.application_set_status) move it.
    pm_client.post(change_url(application), {"internal_notes": "", "status": "onboarded", "_continue": "1"})
    application.refresh_from_db()
    assert application.status == "new"


def test_opportunity_inline_keeps_an_existing_applicants_volunteer(organizer_client, world):
    opportunity = world["my_open"]
    response = organizer_client.get(reverse("admin:server_opportunity_change", args=[opportunity.pk]))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Application)
    existing = formset.formset.forms[0]
    assert existing.fields["volunteer"].disabled


def test_pm_reads_a_volunteers_skills_and_availability(pm_client, application):
    ada = application.volunteer
    html = pm_client.get(reverse("admin:server_volunteer_change", args=[ada.pk])).content.decode()
    assert "Django:3; Python:4" in html  # the skills, though the skills inline is not theirs to see
    assert "Mon 18:00-20:00" in html  # the weekly availability


def test_history_page_has_no_empty_change_reason(pm_client, application):
    pm_client.post(change_url(application), {"internal_notes": "x", "server_application_mark_contacted_submit": ""})
    html = pm_client.get(reverse("admin:server_application_history", args=[application.pk])).content.decode()
    assert 'id="change-history"' in html
    assert "Change reason" not in html and ">None<" not in html.replace(" ", "").replace("\n", "")
