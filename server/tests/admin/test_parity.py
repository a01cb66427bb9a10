"""One rule, one message, through every door (issue 11): the same bad value is refused by the
CSV import, the admin form and the API in the same words, and the same good values store the
same row. The words come from their one home (models.validators, models.opportunities,
services.check_transition, schedule.check_slot); this test checks that no door has its own.
"""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from server.csv_columns import COLUMNS
from server.importing import import_file
from server.models import Opportunity, Project, Volunteer
from server.tests.admin.test_opportunity_form import PREFERRED, REQUIRED, with_skills
from server.tests.admin.test_scoping import opportunity_post

pytestmark = pytest.mark.django_db

PAST = date(2020, 1, 31)
LONG_TITLE = "T" * 201


@pytest.fixture
def api(organizer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=organizer)[0].key}")
    return client


# --- the three doors ---------------------------------------------------------------------------


def csv_import(kind, *, user=None, **cells):
    """A one-row file of `kind` with these cells (the others blank), imported."""
    header = COLUMNS[kind]
    row = ",".join(_cell(cells.get(column, "")) for column in header)
    return import_file(kind=kind, user=user, data=",".join(header) + "\n" + row + "\n")


def csv_errors(kind, **cells) -> list[str]:
    return [error.split(": ", 1)[1] for error in csv_import(kind, **cells).errors]


def _cell(value) -> str:
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n;') else text


def csv_opportunity(world, **cells):
    base = {
        "project": world["mine"].name,
        "role": world["developer"].title,
        "title": "Data wrangler",
        "body": "Wrangle data.",
        "experience_level": "intermediate",
        "min_hours_per_week": 6,
        "work_environment": "remote",
        "positions": 1,
    }
    return csv_errors("opportunities", **{**base, **cells})


def admin_opportunity(client, world, *, required=(), preferred=(), **fields) -> list[str]:
    data = opportunity_post(world, world["mine"], **fields)
    with_skills(data, REQUIRED, [(world[name], level) for name, level in required])
    with_skills(data, PREFERRED, [(world[name], level) for name, level in preferred])
    response = client.post(reverse("admin:server_opportunity_add"), data)
    assert response.status_code == 200, "the admin saved a row it should refuse"
    errors = [message for messages in response.context["adminform"].form.errors.values() for message in messages]
    for inline in response.context["inline_admin_formsets"]:
        errors += list(inline.formset.non_form_errors())
    return errors


def api_opportunity(api, world, *, required=(), preferred=(), **fields) -> list[str]:
    body = {
        "project": world["mine"].slug,
        "role": world["developer"].pk,
        "title": "Data wrangler",
        "body": "Wrangle data.",
        "experience_level": "intermediate",
        "min_hours_per_week": 6,
        "work_environment": "remote",
        "positions": 1,
        "required_skills": [{"name": world[name].name, "level": level} for name, level in required],
        "preferred_skills": [{"name": world[name].name, "level": level} for name, level in preferred],
        **fields,
    }
    response = api.post("/api/opportunities/", body, format="json")
    assert response.status_code == 400, response.content
    return [message for messages in response.json().values() for message in messages]


# --- bad values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", LONG_TITLE, f'"{"T" * 40}…" is longer than 200 characters'),
        ("positions", 1001, '"1001" is not between 1 and 1000'),
        ("body", "b" * 20_001, f'"{"b" * 40}…" is longer than 20000 characters'),
        ("title", "Data\x00wrangler", "Null characters are not allowed."),
    ],
)
def test_a_bad_field_is_refused_in_the_same_words_everywhere(organizer_client, api, world, field, value, message):
    assert csv_opportunity(world, **{field: value}) == [message]
    assert admin_opportunity(organizer_client, world, **{field: value}) == [message]
    assert api_opportunity(api, world, **{field: value}) == [message]
    assert not Opportunity.objects.filter(title__startswith="Data").exists()


@pytest.mark.parametrize(
    ("required", "preferred", "message"),
    [
        ([("python", 4), ("python", 2)], [], '"Python" is listed twice'),
        ([("python", 4)], [("python", 2)], '"Python" is both required and preferred'),
    ],
)
def test_skill_list_rules_are_the_same_everywhere(organizer_client, api, world, required, preferred, message):
    cells = {
        "required_skills": "; ".join(f"{world[n].name}:{level}" for n, level in required),
        "preferred_skills": "; ".join(f"{world[n].name}:{level}" for n, level in preferred),
    }
    assert csv_opportunity(world, **cells) == [message]
    assert admin_opportunity(organizer_client, world, required=required, preferred=preferred) == [message]
    assert api_opportunity(api, world, required=required, preferred=preferred) == [message]


def test_open_past_its_expiry_is_refused_everywhere_with_the_publish_message(organizer_client, api, world):
    message = 'Cannot publish "Data wrangler": it expired on 2020-01-31. Change the expiry date first.'
    assert csv_opportunity(world, status="open", expires_on=PAST.isoformat()) == [message]
    assert api_opportunity(api, world, status="open", expires_on=PAST.isoformat()) == [message]
    # The admin publishes with an action on a saved draft.
    draft = world["my_draft"]
    draft.title, draft.expires_on = "Data wrangler", PAST
    draft.save()
    response = organizer_client.post(
        reverse("admin:server_opportunity_changelist"), {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Opportunity.objects.filter(status="open", expires_on=PAST).exists()


def admin_project(client, **fields):
    data = {"name": "Parity", "slug": "parity", "status": "active", "timezone": "America/Los_Angeles"}
    data.update(fields)
    response = client.post(reverse("admin:server_project_add"), data)
    assert response.status_code == 200, "the admin saved a project it should refuse"
    errors = [message for messages in response.context["adminform"].form.errors.values() for message in messages]
    for inline in response.context["inline_admin_formsets"]:
        errors += [message for form in inline.formset.forms for ms in form.errors.values() for message in ms]
    return errors


def volunteer_post(*, skills=(), **fields) -> dict:
    data = {
        "name": "Parity",
        "email": "parity@example.org",
        "status": "active",
        "experience_level": "beginner",
        "timezone": "America/Los_Angeles",
        "skill_levels-TOTAL_FORMS": str(len(skills)),
        "skill_levels-INITIAL_FORMS": "0",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
        **fields,
    }
    for index, (skill, level) in enumerate(skills):
        data.update({f"skill_levels-{index}-skill": skill.pk, f"skill_levels-{index}-level": level})
    return data


def admin_volunteer(client, *, skills=(), **fields):
    response = client.post(reverse("admin:server_volunteer_add"), volunteer_post(skills=skills, **fields))
    assert response.status_code == 200, "the admin saved a volunteer it should refuse"
    errors = [message for messages in response.context["adminform"].form.errors.values() for message in messages]
    for inline in response.context["inline_admin_formsets"]:
        errors += list(inline.formset.non_form_errors())
    return errors


def api_match(api, **fields):
    response = api.post("/api/match/", {"skills": [], **fields}, format="json")
    assert response.status_code == 400, response.content
    return [message for messages in response.json().values() for message in messages]


def csv_volunteer(**cells):
    return csv_errors("volunteers", **{"email": "parity@example.org", "name": "Parity", **cells})


def api_alert(api, **fields):
    response = api.post("/api/alerts/", {"email": "parity@example.org", "skills": [], **fields}, format="json")
    assert response.status_code == 400, response.content
    return [message for messages in response.json().values() for message in messages]


def test_an_unknown_time_zone_is_refused_in_the_same_words_everywhere(organizer_client, api, world):
    message = '"Mars/Base" is not an IANA time zone (e.g. America/Los_Angeles)'
    assert csv_errors("projects", name="Parity", timezone="Mars/Base") == [message]
    assert csv_volunteer(timezone="Mars/Base") == [message]
    assert admin_project(organizer_client, timezone="Mars/Base") == [message]
    assert admin_volunteer(organizer_client, timezone="Mars/Base") == [message]
    assert api_match(api, timezone="Mars/Base") == [message]
    assert api_alert(api, timezone="Mars/Base") == [message]


def test_an_overnight_slot_is_refused_in_the_same_words_everywhere(organizer_client, api, world):
    message = '"Mon 22:00-02:00" ends before it starts (split overnight slots at midnight)'
    assert csv_errors("projects", name="Parity", meeting_times="Mon 22:00-02:00") == [message]
    assert csv_volunteer(availability="Mon 22:00-02:00") == [message]
    assert admin_project(organizer_client, weekly_meetings="Mon 22:00-02:00") == [message]
    assert admin_volunteer(organizer_client, weekly_availability="Mon 22:00-02:00") == [message]
    assert api_match(api, availability="Mon 22:00-02:00") == [message]
    assert api_alert(api, availability="Mon 22:00-02:00") == [message]


def test_a_volunteer_skill_listed_twice_is_refused_in_the_same_words_everywhere(organizer_client, api, world):
    message = '"Python" is listed twice'
    twice = [{"name": "Python", "level": 4}, {"name": "Python", "level": 2}]
    assert csv_volunteer(skills="Python:4; Python:2") == [message]
    assert admin_volunteer(organizer_client, skills=[(world["python"], 4), (world["python"], 2)]) == [message]
    assert api_match(api, skills=twice) == [message]
    assert api_alert(api, skills=twice) == [message]
    assert not Volunteer.objects.filter(email="parity@example.org").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 151, f'"{"N" * 40}…" is longer than 150 characters'),
        ("name", "Par\x00ity", "Null characters are not allowed."),
        ("max_hours_per_week", 41, '"41" is not between 1 and 40'),
    ],
)
def test_a_bad_volunteer_field_is_refused_in_the_same_words_everywhere(organizer_client, api, field, value, message):
    assert csv_volunteer(**{field: value}) == [message]
    assert admin_volunteer(organizer_client, **{field: value}) == [message]
    if field == "max_hours_per_week":  # the API takes a profile's hours, not a volunteer's name
        assert api_match(api, **{field: value}) == [message]


# --- good values -------------------------------------------------------------------------------


STORED = (
    "title",
    "body",
    "status",
    "experience_level",
    "min_hours_per_week",
    "work_environment",
    "positions",
    "expires_on",
    "project_id",
    "role_id",
)


def stored(opportunity) -> tuple:
    skills = {(s.skill.name, s.level, s.kind) for s in opportunity.skill_requirements.all()}
    authors = (opportunity.created_by_id, opportunity.updated_by_id)
    return tuple(getattr(opportunity, name) for name in STORED), skills, authors


def test_the_same_good_values_store_the_same_row_through_every_door(organizer, organizer_client, api, world):
    values = {"title": "Parity row", "positions": 1000, "body": "x" * 20_000, "expires_on": "2031-05-01"}
    report = csv_import(
        "opportunities",
        user=organizer,
        project=world["mine"].name,
        role=world["developer"].title,
        status="draft",
        experience_level="intermediate",
        min_hours_per_week=6,
        work_environment="remote",
        required_skills="Python:4",
        preferred_skills="Figma:2",
        **values,
    )
    assert report.ok, report.errors
    data = opportunity_post(world, world["mine"], **values)
    with_skills(data, REQUIRED, [(world["python"], 4)])
    with_skills(data, PREFERRED, [(world["figma"], 2)])
    assert organizer_client.post(reverse("admin:server_opportunity_add"), data).status_code == 302
    response = api.post(
        "/api/opportunities/",
        {
            "project": world["mine"].slug,
            "role": world["developer"].pk,
            "experience_level": "intermediate",
            "min_hours_per_week": 6,
            "work_environment": "remote",
            "required_skills": [{"name": "Python", "level": 4}],
            "preferred_skills": [{"name": "Figma", "level": 2}],
            **values,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    rows = [stored(o) for o in Opportunity.objects.filter(title="Parity row")]
    assert len(rows) == 3
    assert rows[0] == rows[1] == rows[2]


def project_row(project) -> tuple:
    meetings = sorted((m.weekday, m.start, m.end, m.label) for m in project.meeting_times.all())
    return project.slug, project.status, project.timezone, project.slack_channel, meetings


def test_the_same_good_project_stores_the_same_row_through_the_csv_and_the_admin(organizer, organizer_client):
    cells = {"status": "active", "timezone": "Europe/London", "slack_channel": "#parity"}
    meetings = "Mon 18:00-19:30 (Standup); Thu 09:00-24:00"
    report = csv_import("projects", user=organizer, name="Parity CSV", meeting_times=meetings, **cells)
    assert report.ok, report.errors
    response = organizer_client.post(
        reverse("admin:server_project_add"), {"name": "Parity admin", "weekly_meetings": meetings, **cells}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    by_csv, by_admin = Project.objects.get(name="Parity CSV"), Project.objects.get(name="Parity admin")
    assert by_csv.slug == "parity-csv" and by_admin.slug == "parity-admin"  # models.catalog.default_slug
    assert project_row(by_csv)[1:] == project_row(by_admin)[1:]
    assert len(project_row(by_csv)[4]) == 2


def volunteer_row(volunteer) -> tuple:
    skills = sorted((s.skill.name, s.level) for s in volunteer.skill_levels.all())
    slots = sorted((s.weekday, s.start, s.end) for s in volunteer.availability.all())
    plain = ("name", "experience_level", "max_hours_per_week", "timezone", "status")
    return tuple(getattr(volunteer, name) for name in plain), skills, slots


def test_the_same_good_volunteer_stores_the_same_row_through_the_csv_and_the_admin(organizer, organizer_client, world):
    fields = {"experience_level": "advanced", "max_hours_per_week": 40, "timezone": "Asia/Tokyo"}
    availability = "Sat 10:00-12:00; Mon 18:00-24:00"
    report = csv_import(
        "volunteers",
        user=organizer,
        email="csv@example.org",
        name="Parity",
        availability=availability,
        skills="Python:4; Figma:2",
        status="active",
        **fields,
    )
    assert report.ok, report.errors
    data = volunteer_post(
        skills=[(world["python"], 4), (world["figma"], 2)],
        email="admin@example.org",
        weekly_availability=availability,
        **fields,
    )
    response = organizer_client.post(reverse("admin:server_volunteer_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    by_csv, by_admin = (Volunteer.objects.get(email=email) for email in ("csv@example.org", "admin@example.org"))
    assert volunteer_row(by_csv) == volunteer_row(by_admin)
    assert volunteer_row(by_csv)[1] == [("Figma", 2), ("Python", 4)]
