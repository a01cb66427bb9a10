"""POST /api/applications/: apply, never duplicate, only open opportunities, notify, throttle."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from rest_framework.settings import api_settings

from server.models import Application, OutboundEmail, Volunteer
from server.tests.factories import OpenOpportunityFactory, OpportunityFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db
URL = "/api/applications/"


@pytest.fixture
def opportunity(project_manager, managed_project):
    return OpenOpportunityFactory(project=managed_project, title="Data Analyst")


def apply(api, target, **extra):
    return api.post(URL, {"opportunity": str(target.pk), "name": "Ana Silva", "email": "ana@example.com", **extra})


def test_apply_creates_volunteer_and_application(api, opportunity):
    response = apply(api, opportunity, message="I know pandas.")
    assert response.status_code == 201
    application = Application.objects.get()
    assert response.json() == {"id": application.pk, "status": "new"}
    assert application.source == "api"
    assert application.message == "I know pandas."
    assert application.volunteer.email == "ana@example.com"


def test_applying_twice_returns_the_existing_application(api, opportunity):
    first = apply(api, opportunity)
    again = apply(api, opportunity, email="ANA@example.com ", message="second try")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Application.objects.count() == 1
    assert Volunteer.objects.count() == 1


def managers_email():
    return next(message for message in mail.outbox if message.to == ["manager@example.org"])


def test_an_anonymous_application_never_changes_an_existing_volunteer(
    api, opportunity, django_capture_on_commit_callbacks, run_tasks, organizer_client
):
    # Anyone may post anyone's email: the volunteer's stored fields stay as staff left them,
    # and the name and message given stay with the application.
    known = VolunteerFactory(email="ana@example.com", name="A. Silva", notes="Met at the hack night.")
    before = {field.attname: getattr(known, field.attname) for field in Volunteer._meta.concrete_fields}
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(api, opportunity, name="Mallory", email="ANA@example.com", message="Hi")
    assert response.status_code == 201
    known.refresh_from_db()
    assert {field.attname: getattr(known, field.attname) for field in Volunteer._meta.concrete_fields} == before
    assert Volunteer.objects.count() == 1
    application = Application.objects.get()
    assert (application.volunteer, application.applicant_name, application.message) == (known, "Mallory", "Hi")
    run_tasks()
    body = managers_email().body
    assert 'Known volunteer: already in the volunteer pool as "A. Silva".' in body
    assert "Mallory <ana@example.com> applied" in body
    # Staff see both: the volunteer as stored, the name given on the application.
    page = organizer_client.get(f"/admin/server/application/{application.pk}/change/").content.decode()
    assert "Mallory" in page and "A. Silva" in page


def test_a_new_volunteer_gets_the_name_given(api, opportunity, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        apply(api, opportunity)
    run_tasks()
    application = Application.objects.get()
    assert (application.volunteer.name, application.applicant_name) == ("Ana Silva", "Ana Silva")
    run_tasks()
    assert "New volunteer: this email was not in the volunteer pool before." in managers_email().body


@pytest.mark.parametrize("status", ["draft", "on_hold", "filled", "closed"])
def test_only_open_opportunities_accept_applications(api, status):
    closed = OpportunityFactory(status=status, title="Secret draft title")
    response = apply(api, closed)
    assert response.status_code == 400
    message = response.json()["opportunity"][0]
    assert "No open opportunity" in message
    assert "Secret" not in message  # a draft's title never leaks
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("opportunity", "123"), ("name", ""), ("message", ["a list"])],
)
def test_bad_input_names_the_field(api, opportunity, field, value):
    response = apply(api, opportunity, **{field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_managers_are_emailed_by_the_worker_after_commit(
    api, opportunity, project_manager, django_capture_on_commit_callbacks, run_tasks, settings
):
    settings.SITE_URL = "https://jobs.example.org"
    UserFactory(email="inactive@example.org", is_active=False)
    opportunity.project.managers.add(UserFactory(email="second@example.org"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = apply(api, opportunity, message="Hello!")
    assert response.status_code == 201
    assert not OutboundEmail.objects.exists()  # nothing before the transaction commits
    for callback in callbacks:
        callback()
    assert mail.outbox == []  # the request queues, never sends
    run_tasks()
    # The volunteer's confirmation (server/tests/followthrough) and one email to the managers.
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.com", "manager@example.org"]
    message = next(message for message in mail.outbox if message.to != ["ana@example.com"])
    assert sorted(message.to) == ["manager@example.org", "second@example.org"]
    assert "Data Analyst" in message.subject
    assert "Ana Silva <ana@example.com>" in message.body
    assert "Hello!" in message.body
    application = Application.objects.get()
    assert f"https://jobs.example.org/admin/server/application/{application.pk}/change/" in message.body


def test_a_repeated_application_sends_no_second_email(api, opportunity, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        apply(api, opportunity)
    with django_capture_on_commit_callbacks(execute=True):
        apply(api, opportunity)
    run_tasks()
    assert len(mail.outbox) == 2  # one confirmation, one email to the managers


def test_a_failing_mail_server_does_not_fail_the_application(
    api, opportunity, django_capture_on_commit_callbacks, run_tasks
):
    broken = override_settings(EMAIL_BACKEND="server.tests.api.test_applications.BrokenBackend")
    with broken, django_capture_on_commit_callbacks(execute=True):
        response = apply(api, opportunity)
    assert response.status_code == 201
    assert Application.objects.count() == 1
    with broken:
        run_tasks()
    email = OutboundEmail.objects.get(key__endswith=":confirmation")
    assert (email.status, email.attempts) == ("pending", 1)  # retried later
    assert "SMTP is down" in email.last_error


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


@pytest.mark.throttle
def test_anonymous_applications_are_throttled(api, opportunity, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "applications", "2/hour")
    assert apply(api, opportunity).status_code == 201
    assert apply(api, opportunity).status_code == 200
    response = apply(api, opportunity)
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]
    assert response["Retry-After"]


def test_staff_recording_applications_are_not_throttled(organizer_api, opportunity, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "applications", "1/hour")
    # The first records the application (201), the next two find it (200): none is a 429.
    assert [apply(organizer_api, opportunity).status_code for _ in range(3)] == [201, 200, 200]


@pytest.mark.parametrize("content_type", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_a_form_post_applies_like_json(client, opportunity, content_type):
    # A job board's plain HTML form (and Django's test client by default) posts form data.
    from urllib.parse import urlencode

    fields = {"opportunity": str(opportunity.pk), "name": "Ana Silva", "email": "ana@example.com"}
    if content_type == "multipart/form-data":
        response = client.post(URL, fields)
    else:
        response = client.post(URL, urlencode(fields), content_type=content_type)
    assert response.status_code == 201, response.content
    assert response.json() == {"id": Application.objects.get().pk, "status": "new"}
