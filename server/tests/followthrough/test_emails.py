"""Every follow-through email renders in both parts, links only to SITE_URL, and says what
the contract asks (server/followthrough/emails.py and the templates under emails/)."""

import re

import pytest
from django.core import mail

from server import services
from server.followthrough import emails
from server.models import Application
from server.tests.factories import (
    OpenOpportunityFactory,
    OpportunitySkillFactory,
    SkillFactory,
    VolunteerFactory,
    VolunteerSkillFactory,
)
from server.tests.followthrough.conftest import SENDER, SITE

pytestmark = pytest.mark.django_db
Status = Application.Status
LINK = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


@pytest.fixture
def strict_templates(settings):
    """A variable a template names but the context lacks fails the test instead of rendering empty."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "string_if_invalid": "MISSING[%s]"}}
    ]


def every_email(application):
    yield "confirmation", emails.confirmation(application)
    yield "new, new volunteer", emails.new_application(application, new_volunteer=True)
    yield "new, known volunteer", emails.new_application(application, new_volunteer=False)
    for status in emails.VOLUNTEER_TOLD:
        yield f"status {status}", emails.status_change(application, status=status, note="See you Tuesday.")
        yield f"status {status}, no note", emails.status_change(application, status=status)
    yield "reminder", emails.reminder(application, escalate=False)
    yield "last reminder", emails.reminder(application, escalate=True)
    yield "withdrawn", emails.withdrawn(application)


def test_every_email_renders_both_parts_with_links_only_to_the_site(apply, strict_templates):
    application = apply()
    rendered = list(every_email(application))
    assert len(rendered) == 14
    for name, email in rendered:
        assert email is not None, name
        for part in (email.subject, email.text, email.html):
            assert "MISSING[" not in part, name
        assert email.subject and "\n" not in email.subject, name
        assert "Data Analyst" in email.subject + email.text, name
        assert "<html" in email.html and "<html" not in email.text, name
        links = LINK.findall(email.text) + LINK.findall(email.html)
        assert links, f"{name} has no link"
        assert all(link.startswith(SITE + "/") for link in links), (name, links)


def test_statuses_the_volunteer_is_not_told_of_have_no_email(apply):
    application = apply()
    assert emails.status_change(application, status=Status.NEW) is None
    assert emails.status_change(application, status=Status.WITHDRAWN) is None


def test_the_confirmation_says_what_happens_next_and_carries_the_link(apply):
    application = apply()
    email = emails.confirmation(application)
    assert email.to == ["ana@example.com"]
    link = emails.application_url(application)
    assert link.startswith(f"{SITE}/applications/")
    for part in (email.text, email.html):
        assert link in part
        assert "Food Oasis" in part and "What happens next" in part
        assert "3 days" in part  # the first reminder mark


def test_the_managers_hear_whether_the_volunteer_is_new_or_known(apply, opportunity):
    VolunteerFactory(email="known@example.com", name="Known Person")
    application = apply(email="known@example.com", name="Someone Else")
    known = emails.new_application(application, new_volunteer=False)
    assert known.to == ["manager@example.org"]  # the inactive manager is left out
    assert 'Known volunteer: already in the volunteer pool as "Known Person"' in known.text
    assert known.text.startswith("Someone Else <known@example.com> applied")  # the name they gave
    assert "known volunteer" in known.subject
    new = emails.new_application(apply(email="new@example.com"), new_volunteer=True)
    assert "New volunteer" in new.text and "New volunteer" in new.html
    admin_link = f"{SITE}/admin/server/application/{application.pk}/change/"
    assert admin_link in known.text and admin_link in known.html


def test_the_note_is_shown_in_both_parts_and_escaped_in_html(apply):
    email = emails.status_change(apply(), status=Status.CONTACTED, note="Call me <b>Monday</b> & bring ideas")
    assert "Call me <b>Monday</b> & bring ideas" in email.text
    assert "Call me &lt;b&gt;Monday&lt;/b&gt; &amp; bring ideas" in email.html


def test_a_declined_email_is_kind_and_suggests_up_to_three_other_matches(apply, opportunity):
    python = SkillFactory(name="Python")
    volunteer = VolunteerFactory(email="ana@example.com", name="Ana Silva")
    VolunteerSkillFactory(volunteer=volunteer, skill=python, level=4)
    OpportunitySkillFactory(opportunity=opportunity, skill=python, level=3)
    others = []
    for number in range(5):
        other = OpenOpportunityFactory(title=f"Python helper {number}")
        OpportunitySkillFactory(opportunity=other, skill=python, level=3)
        others.append(other)
    unrelated = OpenOpportunityFactory(title="Needs Figma")
    OpportunitySkillFactory(opportunity=unrelated, skill=SkillFactory(name="Figma"), level=3)
    already = others[0]
    services.application_apply(opportunity=already, email="ana@example.com", name="Ana")
    email = emails.status_change(apply(), status=Status.DECLINED)
    suggested = [line for line in email.text.splitlines() if line.startswith("- ")]
    assert len(suggested) == 3
    assert all("Python helper" in line for line in suggested)
    assert "Python helper 0" not in email.text  # already applied there
    assert "Data Analyst (" not in "\n".join(suggested)  # nor the declined one
    assert "Needs Figma" not in email.text
    assert "not about you" in email.text and "Thank you for applying" in email.html


def test_reminders_go_to_the_managers_and_the_last_one_copies_the_organizers(apply, project, project_manager):
    application = apply()
    first = emails.reminder(application, escalate=False)
    assert (first.to, first.cc) == (["manager@example.org"], [])
    last = emails.reminder(application, escalate=True)
    assert (last.to, last.cc) == (["manager@example.org"], ["organizer@example.org"])
    project_manager.is_active = False
    project_manager.save()
    nobody = emails.reminder(application, escalate=False)
    assert (nobody.to, nobody.cc) == (["organizer@example.org"], [])  # no active manager: the Organizers


def test_an_organisation_overrides_the_wording_with_its_own_templates(apply, settings, tmp_path):
    (tmp_path / "emails").mkdir()
    subject = tmp_path / "emails" / "application_confirmation.subject.txt"
    subject.write_text("Thanks from Hack for LA, {{ applicant_name }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert emails.confirmation(apply()).subject == "Thanks from Hack for LA, Ana Silva"


def test_emails_leave_from_the_organisations_sender(apply, run_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        apply()
    run_tasks()
    assert len(mail.outbox) == 2
    assert {message.from_email for message in mail.outbox} == {SENDER}
    for message in mail.outbox:
        assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
