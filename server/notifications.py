"""Emails the tool sends. Each is queued (server.tasks.mail.queue_email) under the key of its
event and delivered by a task worker through Django's email backend: the console while
developing, SMTP (DJANGO_EMAIL_* settings) in production, memory or a local SMTP server in
tests."""

import logging

from django.urls import NoReverseMatch, reverse

from server.models import Application
from server.tasks.mail import absolute_url, queue_email

logger = logging.getLogger(__name__)


def notify_managers_of_application(*, application_id: int, new_volunteer: bool = False) -> int:
    """Tell the managers of the opportunity's project that someone applied.

    One message addressed to all of them, queued once per application, saying whether the
    applicant is new to the volunteer pool or already known (then with the stored name beside
    the one given: an anonymous application never changes a volunteer). Returns the number of
    recipients (0 when the project has no active manager, and then nothing is queued).
    """
    application = (
        Application.objects.select_related("opportunity__project", "opportunity__role", "volunteer")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return 0
    opportunity, volunteer = application.opportunity, application.volunteer
    recipients = sorted(
        opportunity.project.managers.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        logger.info("No manager to notify of application %s on %s", application.pk, opportunity.project)
        return 0
    try:
        admin_path = reverse("admin:server_application_change", args=[application.pk])
    except NoReverseMatch:  # the admin is not mounted (e.g. an API-only deployment)
        admin_path = ""
    given_name = application.applicant_name or volunteer.name
    if new_volunteer:
        known = "New volunteer: this email was not in the volunteer pool before."
    else:
        known = f'Known volunteer: already in the volunteer pool as "{volunteer.name}".'
    lines = [
        f'{given_name} <{volunteer.email}> applied to "{opportunity.title}" ({opportunity.project.name}).',
        known,
        "",
        f"Message: {application.message}" if application.message else "No message.",
    ]
    if admin_path:
        lines += ["", f"Review the application in the admin: {absolute_url(admin_path)}"]
    queue_email(
        key=f"application:{application.pk}:managers",
        to=recipients,
        subject=f"New application: {opportunity.title} ({opportunity.project.name})",
        body="\n".join(lines),
    )
    return len(recipients)
