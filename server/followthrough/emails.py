"""The follow-through emails, rendered from Django templates under emails/ (DESIGN.md
"Applicant follow-through"): each has a subject, a plain-text part and an HTML part, and every
link in them is absolute, built from SITE_URL.

An organisation changes the wording by overriding a template (same path in a directory listed
first in TEMPLATES DIRS, e.g. EMAIL_TEMPLATES_DIR). Building an email reads the database and
renders; sending is the tasks' business (server/followthrough/tasks.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from server.followthrough import recipients
from server.followthrough.tokens import application_token
from server.matching import rank_opportunities, saved_profile
from server.models import Application, Opportunity

Status = Application.Status

# The statuses a manager moves an application to that the volunteer is told of.
VOLUNTEER_TOLD = (Status.CONTACTED, Status.INTERVIEWING, Status.ONBOARDED, Status.DECLINED)
OTHER_MATCHES = 3
NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Email:
    to: list[str]
    subject: str
    text: str
    html: str
    cc: list[str] = field(default_factory=list)


def absolute_url(path: str) -> str:
    """A link that works from a mail client: SITE_URL + path."""
    return settings.SITE_URL.rstrip("/") + path


def application_url(application: Application) -> str:
    """The volunteer's personal application link."""
    return absolute_url(reverse("followthrough:application", args=[application_token(application)]))


def admin_url(application: Application) -> str:
    return absolute_url(reverse("admin:server_application_change", args=[application.pk]))


def render(name: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of emails/<name>.subject.txt, .txt and .html.

    The subject is one line whatever the template's line breaks."""
    context = {"site_name": settings.UNFOLD["SITE_TITLE"], "site_url": absolute_url("/"), **context}
    subject = re.sub(r"\s+", " ", render_to_string(f"emails/{name}.subject.txt", context)).strip()
    return subject, render_to_string(f"emails/{name}.txt", context), render_to_string(f"emails/{name}.html", context)


def load(application_id: int) -> Application | None:
    return (
        Application.objects.select_related("opportunity__project", "opportunity__role", "volunteer")
        .filter(pk=application_id)
        .first()
    )


def _context(application: Application) -> dict:
    opportunity = application.opportunity
    return {
        "application": application,
        "opportunity": opportunity,
        "project": opportunity.project,
        "volunteer": application.volunteer,
        # The name the applicant typed (an anonymous call never renames a stored volunteer).
        "applicant_name": application.applicant_name or application.volunteer.name,
        "reminder_days": list(settings.APPLICATION_REMINDER_DAYS),
    }


def _email(name: str, *, to: list[str], cc: list[str] | None = None, context: dict) -> Email | None:
    if not to:
        return None
    subject, text, html = render(name, context)
    return Email(to=list(to), cc=list(cc or []), subject=subject, text=text, html=html)


def confirmation(application: Application) -> Email | None:
    """To the volunteer: what they applied to, what happens next, their application link."""
    context = {**_context(application), "application_url": application_url(application)}
    return _email("application_confirmation", to=[application.volunteer.email], context=context)


def new_application(application: Application, *, new_volunteer: bool) -> Email | None:
    """To the managers (or the Organizers): who applied, whether the volunteer is new, the admin link."""
    to, fell_back = recipients.managers_or_organizers(application.opportunity.project)
    context = {
        **_context(application),
        "new_volunteer": new_volunteer,
        "no_manager": fell_back,
        "admin_url": admin_url(application),
    }
    return _email("application_new", to=to, context=context)


def other_matches(application: Application, *, limit: int = OTHER_MATCHES) -> list[Opportunity]:
    """Up to `limit` open opportunities that match the volunteer (the contract's ranking),
    leaving out every opportunity they already applied to."""
    volunteer = application.volunteer
    candidates = (
        Opportunity.objects.public()
        .exclude(pk__in=Application.objects.filter(volunteer=volunteer).values("opportunity"))
        .select_related("project")
    )
    ranked = rank_opportunities(profile=saved_profile(volunteer), limit=limit, queryset=candidates)
    return [match.opportunity for match in ranked]


def status_change(application: Application, *, status: str, note: str = "") -> Email | None:
    """To the volunteer when a manager moves the application on, with the manager's note.
    A declined volunteer is pointed to up to three other open opportunities that match them."""
    if status not in VOLUNTEER_TOLD:
        return None
    context = {
        **_context(application),
        "status": status,
        "status_label": Status(status).label,
        "note": note.strip()[:NOTE_MAX_LENGTH],
        "application_url": application_url(application),
        "suggestions": other_matches(application) if status == Status.DECLINED else [],
    }
    return _email("application_status", to=[application.volunteer.email], context=context)


def reminder(application: Application, *, escalate: bool, now=None) -> Email | None:
    """To the managers while nobody has answered; the last one with the Organizers in copy."""
    project = application.opportunity.project
    if escalate:
        to, cc = recipients.escalation(project)
    else:
        (to, _), cc = recipients.managers_or_organizers(project), []
    waited = (now or timezone.now()) - application.created_at
    context = {
        **_context(application),
        "escalate": escalate,
        "days_waiting": waited.days,
        "admin_url": admin_url(application),
    }
    return _email("application_reminder", to=to, cc=cc, context=context)


def withdrawn(application: Application) -> Email | None:
    """To the managers (or the Organizers): the volunteer withdrew through their link."""
    to, fell_back = recipients.managers_or_organizers(application.opportunity.project)
    context = {**_context(application), "no_manager": fell_back, "admin_url": admin_url(application)}
    return _email("application_withdrawn", to=to, context=context)
