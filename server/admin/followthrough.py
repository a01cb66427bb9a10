"""The response figures' card, on the dashboard (every project the user may see) and on a
project's change page (that project, for those who manage it). The numbers come from
server.followthrough.selectors; this module only words and links them."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from server.followthrough.selectors import WINDOW_DAYS, response_figures
from server.models import Application, Project
from server.permissions import applications_managed_by, manages_project


def format_wait(wait: timedelta | None) -> str:
    """ "3 d 4 h", "5 h", "under an hour"; "" for no wait."""
    if wait is None:
        return ""
    days, hours = wait.days, wait.seconds // 3600
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    return f"{hours} h" if hours else "under an hour"


def _card(applications, *, awaiting_href: str, now=None) -> dict:
    now = now or timezone.now()
    figures = response_figures(applications, now=now)
    oldest = format_wait(figures.oldest_wait(now))
    median_hours = figures.median_hours_to_first_response
    return {
        "chart_title": f"Applications of the last {WINDOW_DAYS} days: how far they got",
        "window_days": WINDOW_DAYS,
        "has_funnel": figures.funnel[0][1] > 0,  # no chart of zeros: an empty state says so
        "figures": figures,
        "kpis": [
            {
                "title": "Awaiting a first response",
                "value": figures.awaiting,
                "footer": f"Oldest waiting {oldest}" if oldest else "Nobody is waiting",
                "href": awaiting_href,
                "testid": "awaiting",
            },
            {
                "title": "Median hours to first response",
                "value": "—" if median_hours is None else median_hours,
                "footer": f"{figures.responses_counted} first response{'s' if figures.responses_counted != 1 else ''}"
                f", last {WINDOW_DAYS} days",
                "href": "",
                "testid": "median-hours",
            },
        ],
        "chart": json.dumps(
            {
                "labels": [label for label, _ in figures.funnel],
                "datasets": [
                    {
                        "label": f"Applications of the last {WINDOW_DAYS} days",
                        "data": [count for _, count in figures.funnel],
                        "backgroundColor": "var(--color-primary-600)",
                        "maxBarThickness": 56,
                    }
                ],
            }
        ),
    }


def dashboard_response_card(user, *, now=None) -> dict:
    changelist = reverse("admin:server_application_changelist")
    return _card(applications_managed_by(user), awaiting_href=f"{changelist}?status__exact=new", now=now)


def project_response_card(user, project: Project, *, now=None) -> dict | None:
    """None for a project the user does not manage: its applicants are not theirs to see."""
    if not manages_project(user, project):
        return None
    changelist = reverse("admin:server_application_changelist")
    applications = Application.objects.filter(opportunity__project=project)
    href = f"{changelist}?status__exact=new&opportunity__project__id__exact={project.pk}"
    return _card(applications, awaiting_href=href, now=now)
