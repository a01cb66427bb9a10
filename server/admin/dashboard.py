"""The admin home page: KPI cards, open postings per community, stale postings; plus the
environment label and the sidebar badge. Every figure is scoped to the signed-in user's projects."""

import json
from datetime import timedelta
from statistics import median

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from server.admin.alerts import dashboard_alert_figures
from server.admin.background import tasks_card
from server.models import Application, Opportunity, Volunteer
from server.permissions import applications_managed_by, can_see_all_projects

STALE_AFTER_DAYS = 30
FILL_WINDOW_DAYS = 90
NEW_APPLICATION_DAYS = 7
STALE_LIMIT = 20
BADGE_CAP = 99


def environment_callback(request):
    """Unfold's environment label: Development when DEBUG is on, Production otherwise."""
    return ["Development", "info"] if settings.DEBUG else ["Production", "danger"]


def new_applications_badge(request):
    """Sidebar badge: applications still in status "new" that the user can see."""
    if not request.user.is_authenticated or not request.user.has_perm("server.view_application"):
        return None
    # Counting stops at the cap: the badge says "99+", and a page never counts 100k rows to say it.
    new = applications_managed_by(request.user).filter(status=Application.Status.NEW)
    count = new.values("pk")[: BADGE_CAP + 1].count()
    return f"{BADGE_CAP}+" if count > BADGE_CAP else (count or None)


def median_days_to_fill(opportunities, *, now) -> float | None:
    """Median days from first publication to filled, over postings filled in the last 90 days."""
    spans = opportunities.filter(
        filled_at__gte=now - timedelta(days=FILL_WINDOW_DAYS), published_at__isnull=False
    ).values_list("published_at", "filled_at")
    days = [(filled - published).total_seconds() / 86400 for published, filled in spans if filled >= published]
    return round(median(days), 1) if days else None


def stale_postings(opportunities, *, now):
    """Open for more than 30 days and nobody has applied: the postings that need a look."""
    return (
        opportunities.filter(status=Opportunity.Status.OPEN, published_at__lt=now - timedelta(days=STALE_AFTER_DAYS))
        .filter(~Exists(Application.objects.filter(opportunity=OuterRef("pk"))))
        .select_related("project", "role__community_of_practice")
        .order_by("published_at")
    )


def open_per_community(opportunities):
    rows = (
        opportunities.filter(status=Opportunity.Status.OPEN)
        .values("role__community_of_practice__name")
        .annotate(total=Count("pk"))
        .order_by("role__community_of_practice__name")
    )
    return [(row["role__community_of_practice__name"], row["total"]) for row in rows]


def dashboard_figures(user, *, now=None) -> dict:
    now = now or timezone.now()
    opportunities = Opportunity.objects.managed_by(user)
    applications = applications_managed_by(user)
    if can_see_all_projects(user):
        volunteers = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
    else:
        # A PM's dashboard is about their projects: the active volunteers who applied to them.
        volunteers = Volunteer.objects.filter(
            status=Volunteer.Status.ACTIVE, pk__in=applications.values("volunteer")
        )
    per_community = open_per_community(opportunities)
    return {
        # Every posting's role has a community, so the chart's bars add up to the open count.
        "open_opportunities": sum(total for _, total in per_community),
        "recent_applications": applications.filter(
            created_at__gte=now - timedelta(days=NEW_APPLICATION_DAYS)
        ).count(),
        "active_volunteers": volunteers.count(),
        "median_days_to_fill": median_days_to_fill(opportunities, now=now),
        "open_per_community": per_community,
        "stale": list(stale_postings(opportunities, now=now)[:STALE_LIMIT]),
    }


def dashboard_callback(request, context):
    figures = dashboard_figures(request.user)
    scoped = not can_see_all_projects(request.user)
    median_days = figures["median_days_to_fill"]
    changelist = reverse("admin:server_opportunity_changelist")
    context.update(
        {
            "scope_note": "Your projects only." if scoped else "All projects.",
            "kpis": [
                {
                    "title": "Open opportunities",
                    "value": figures["open_opportunities"],
                    "footer": "Status open now",
                    "href": f"{changelist}?status__exact=open",
                },
                {
                    "title": "Applications, last 7 days",
                    "value": figures["recent_applications"],
                    "footer": "Received since " + (timezone.localdate() - timedelta(days=7)).strftime("%b %-d"),
                    "href": reverse("admin:server_application_changelist"),
                },
                {
                    "title": "Active volunteers",
                    "value": figures["active_volunteers"],
                    "footer": "Who applied to your projects" if scoped else "In the pool",
                    "href": reverse("admin:server_volunteer_changelist") + "?status__exact=active",
                },
                {
                    "title": "Median days to fill",
                    "value": "—" if median_days is None else median_days,
                    "footer": f"Postings filled in the last {FILL_WINDOW_DAYS} days",
                    "href": f"{changelist}?status__exact=filled",
                },
            ],
            "chart": json.dumps(
                {
                    "labels": [name for name, _ in figures["open_per_community"]],
                    "datasets": [
                        {
                            "label": "Open opportunities",
                            "data": [total for _, total in figures["open_per_community"]],
                            "backgroundColor": "var(--color-primary-600)",
                            "maxBarThickness": 56,
                        }
                    ],
                }
            ),
            "stale_table": {
                "headers": ["Opportunity", "Project", "Community of practice", "Published", "Days open"],
                "rows": [
                    [
                        format_html(
                            '<a class="text-primary-600 underline" href="{}">{}</a>',
                            reverse("admin:server_opportunity_change", args=[opportunity.pk]),
                            opportunity.title,
                        ),
                        opportunity.project.name,
                        opportunity.role.community_of_practice.name,
                        timezone.localtime(opportunity.published_at).strftime("%Y-%m-%d"),
                        (timezone.now() - opportunity.published_at).days,
                    ]
                    for opportunity in figures["stale"]
                ],
            },
            "stale_count": len(figures["stale"]),
            "stale_after_days": STALE_AFTER_DAYS,
            "alerts_card": dashboard_alert_figures(request),
            "tasks_card": tasks_card(request.user),  # Organizers only (server/admin/background.py)
        }
    )
    return context
