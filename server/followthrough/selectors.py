"""Response figures (DESIGN.md "Applicant follow-through"): how long applicants wait for an
answer. Read by the dashboard (the user's projects) and the project page (one project); the
caller passes an already scoped queryset of applications (permissions.applications_managed_by).

- awaiting: applications still new that nobody has answered, and since when the oldest waits;
- median hours from application to first response (Application.first_response_at, stamped by
  the first status change a manager makes), over the responses given in the last 90 days;
- the 90-day funnel over the applications received in the last 90 days: how many reached
  contacted, interviewing and onboarded (at any time, so an application contacted and later
  declined still counts as contacted; read from the history, and the current status), and how
  many are now declined and withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from server.models import Application

Status = Application.Status
WINDOW_DAYS = 90
# A stage counts every application that reached it or a later one.
STAGES = [
    ("Applied", None),
    ("Contacted", (Status.CONTACTED, Status.INTERVIEWING, Status.ONBOARDED)),
    ("Interviewing", (Status.INTERVIEWING, Status.ONBOARDED)),
    ("Onboarded", (Status.ONBOARDED,)),
]
ENDINGS = [("Declined", Status.DECLINED), ("Withdrawn", Status.WITHDRAWN)]


@dataclass(frozen=True)
class ResponseFigures:
    awaiting: int
    oldest_waiting_since: datetime | None
    median_hours_to_first_response: float | None
    responses_counted: int
    funnel: list[tuple[str, int]]

    def oldest_wait(self, now: datetime) -> timedelta | None:
        return None if self.oldest_waiting_since is None else now - self.oldest_waiting_since


def awaiting_first_response(applications):
    return applications.filter(status=Status.NEW, first_response_at__isnull=True)


def median_hours_to_first_response(applications, *, now: datetime) -> tuple[float | None, int]:
    """(median hours, how many responses it is over) for first responses of the last 90 days."""
    spans = applications.filter(
        first_response_at__gte=now - timedelta(days=WINDOW_DAYS), first_response_at__isnull=False
    ).values_list("created_at", "first_response_at")
    hours = [max(0.0, (answered - applied).total_seconds() / 3600) for applied, answered in spans]
    return (round(median(hours), 1) if hours else None), len(hours)


def _reached(statuses) -> Q:
    history = Application.history.model.objects.filter(id=OuterRef("pk"), status__in=statuses)
    return Q(status__in=statuses) | Q(Exists(history))


def funnel(applications, *, now: datetime) -> list[tuple[str, int]]:
    """[(stage, count)] for the applications received in the last 90 days, in one query."""
    recent = applications.filter(created_at__gte=now - timedelta(days=WINDOW_DAYS))
    counts = {label: Count("pk", filter=_reached(statuses)) if statuses else Count("pk") for label, statuses in STAGES}
    counts.update({label: Count("pk", filter=Q(status=status)) for label, status in ENDINGS})
    totals = recent.order_by().aggregate(**counts)
    return [(label, totals[label]) for label, _ in [*STAGES, *ENDINGS]]


def response_figures(applications, *, now: datetime | None = None) -> ResponseFigures:
    now = now or timezone.now()
    waiting = awaiting_first_response(applications).order_by().aggregate(count=Count("pk"), oldest=Min("created_at"))
    median_hours, counted = median_hours_to_first_response(applications, now=now)
    return ResponseFigures(
        awaiting=waiting["count"],
        oldest_waiting_since=waiting["oldest"],
        median_hours_to_first_response=median_hours,
        responses_counted=counted,
        funnel=funnel(applications, now=now),
    )
