"""The admin home page: KPI cards, open postings per community, stale postings, a first-run
hint; plus the environment label and the sidebar badge. Every figure is scoped to the
signed-in user's projects.

Built to be extended: the figures are selectors (plain functions of a user and a time), each
KPI card and each panel a small builder in KPI_CARDS / PANELS. Another area adds a card by
appending a builder `(board: Dashboard) -> dict | None` (None: not shown to this user); a
panel's dict names its template (rendered with `panel`).
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from server.admin.alerts import dashboard_alert_figures
from server.admin.background import tasks_card
from server.admin.filters import who_applied
from server.admin.followthrough import dashboard_response_card
from server.models import Application, CommunityOfPractice, Opportunity, Volunteer
from server.permissions import applications_managed_by, can_see_all_projects

STALE_AFTER_DAYS = 30
FILL_WINDOW_DAYS = 90
NEW_APPLICATION_DAYS = 7
STALE_LIMIT = 20
BADGE_CAP = 99

# The catalog and then what refers to it: each kind's rows name rows of the kinds before it.
IMPORT_ORDER = [
    ("communities", "server_communityofpractice"),
    ("roles", "server_role"),
    ("skills", "server_skill"),
    ("projects", "server_project"),
    ("volunteers", "server_volunteer"),
    ("opportunities", "server_opportunity"),
    ("applications", "server_application"),
]


def environment_callback(request):
    """Unfold's environment label: Development when DEBUG is on, Production otherwise."""
    return ["Development", "info"] if settings.DEBUG else ["Production", "danger"]


def new_applications_badge(request):
    """Sidebar badge: applications still in status "new" that the user can see; "" for none
    (the badge template shows nothing then, never "None" or "0")."""
    if not request.user.is_authenticated or not request.user.has_perm("server.view_application"):
        return ""
    # Counting stops at the cap: the badge says "99+", and a page never counts 100k rows to say it.
    new = applications_managed_by(request.user).filter(status=Application.Status.NEW)
    count = new.values("pk")[: BADGE_CAP + 1].count()
    return f"{BADGE_CAP}+" if count > BADGE_CAP else (count or "")


def show_date(value) -> str:
    """The admin's one date format (config/formats/en/formats.py), as the lists show dates."""
    return formats.date_format(value, "DATE_FORMAT")


# --- selectors ---------------------------------------------------------------------------


def first_day(days: int, *, now) -> date:
    """The first local day of a window of `days` days ending today: the same bound as the
    list filters' "from" date, so a KPI and the list it links to count the same rows."""
    return timezone.localtime(now).date() - timedelta(days=days - 1)


def recent_applications(applications, *, now):
    return applications.filter(created_at__date__gte=first_day(NEW_APPLICATION_DAYS, now=now))


def median_days_to_fill(opportunities, *, now) -> float | None:
    """Median days from first publication to filled, over postings filled in the last 90 days."""
    spans = opportunities.filter(
        filled_at__date__gte=first_day(FILL_WINDOW_DAYS, now=now), published_at__isnull=False
    ).values_list("published_at", "filled_at")
    days = [(filled - published).total_seconds() / 86400 for published, filled in spans if filled >= published]
    return round(median(days), 1) if days else None


def open_for_long(opportunities, *, now):
    """Public (open and not expired: Opportunity.public_q) and published over 30 days ago."""
    return opportunities.filter(Opportunity.public_q(), published_at__lt=now - timedelta(days=STALE_AFTER_DAYS))


def stale_postings(opportunities, *, now):
    """Open for more than 30 days and nobody has applied: the postings that need a look."""
    return (
        open_for_long(opportunities, now=now)
        .filter(~Exists(Application.objects.filter(opportunity=OuterRef("pk"))))
        .select_related("project", "role__community_of_practice")
        .order_by("published_at")
    )


def open_per_community(opportunities):
    rows = (
        opportunities.filter(Opportunity.public_q())
        .values("role__community_of_practice__name")
        .annotate(total=Count("pk"))
        .order_by("role__community_of_practice__name")
    )
    return [(row["role__community_of_practice__name"], row["total"]) for row in rows]


def active_volunteers(user):
    active = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
    # A PM's dashboard is about their projects: the active volunteers who applied to them.
    return active if can_see_all_projects(user) else who_applied(user, active)


def dashboard_figures(user, *, now=None) -> dict:
    now = now or timezone.now()
    opportunities = Opportunity.objects.managed_by(user)
    applications = applications_managed_by(user)
    per_community = open_per_community(opportunities)
    return {
        # Every posting's role has a community, so the chart's bars add up to the open count.
        "open_opportunities": sum(total for _, total in per_community),
        "recent_applications": recent_applications(applications, now=now).count(),
        "active_volunteers": active_volunteers(user).count(),
        "median_days_to_fill": median_days_to_fill(opportunities, now=now),
        "open_per_community": per_community,
        "stale": list(stale_postings(opportunities, now=now)[:STALE_LIMIT]),
        "open_for_long": open_for_long(opportunities, now=now).exists(),
    }


# --- KPI cards and panels ----------------------------------------------------------------


@dataclass
class Dashboard:
    """What the builders share for one page view: the request, the time, the figures."""

    request: object
    now: object
    figures: dict

    @property
    def scoped(self) -> bool:
        return not can_see_all_projects(self.request.user)


def _list(name: str, **params) -> str:
    url = reverse(f"admin:server_{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def open_opportunities_card(board):
    return {
        "title": "Open opportunities",
        "value": board.figures["open_opportunities"],
        "footer": "Open and not expired",
        "href": _list("opportunity", public="yes"),
    }


def recent_applications_card(board):
    since = first_day(NEW_APPLICATION_DAYS, now=board.now)
    return {
        "title": "Applications, last 7 days",
        "value": board.figures["recent_applications"],
        "footer": f"Received since {show_date(since)}",
        "href": _list("application", created_at_from=since.isoformat()),
    }


def active_volunteers_card(board):
    return {
        "title": "Active volunteers",
        "value": board.figures["active_volunteers"],
        "footer": "Who applied to your projects" if board.scoped else "In the pool",
        "href": _list("volunteer", status__exact="active", **({"applied": "yes"} if board.scoped else {})),
    }


def median_days_card(board):
    median_days = board.figures["median_days_to_fill"]
    since = first_day(FILL_WINDOW_DAYS, now=board.now)
    return {
        "title": "Median days to fill",
        "value": "—" if median_days is None else median_days,
        "footer": f"Filled since {show_date(since)}",
        "href": _list("opportunity", filled_at_from=since.isoformat()),
    }


KPI_CARDS = [open_opportunities_card, recent_applications_card, active_volunteers_card, median_days_card]


def first_run_panel(board):
    """Organizers on an empty catalog: what to import, in which order, with the import pages."""
    user = board.request.user
    if not can_see_all_projects(user) or CommunityOfPractice.objects.exists():
        return None
    steps = [
        {"kind": kind, "href": reverse(f"admin:{name}_import")}
        for kind, name in IMPORT_ORDER
        if user.has_perm(f"server.import_{name.removeprefix('server_')}")
    ]
    return {
        "title": "First run: import the catalog",
        "template": "admin_lists/dashboard/first_run.html",
        "steps": steps,
    }


def open_per_community_panel(board):
    rows = board.figures["open_per_community"]
    chart = {
        "labels": [f"{name} ({total})" for name, total in rows],
        "datasets": [
            {
                "label": "Open opportunities",
                "data": [total for _, total in rows],
                "backgroundColor": "var(--color-primary-600)",
                "maxBarThickness": 56,
            }
        ],
    }
    return {
        "title": "Open opportunities per community of practice",
        "template": "admin_lists/dashboard/per_community.html",
        "rows": rows,
        "chart": json.dumps(chart),
    }


def stale_postings_panel(board):
    rows = [
        [
            format_html(
                '<a class="text-primary-600 underline" href="{}">{}</a>',
                reverse("admin:server_opportunity_change", args=[opportunity.pk]),
                opportunity.title,
            ),
            opportunity.project.name,
            opportunity.role.community_of_practice.name,
            show_date(timezone.localtime(opportunity.published_at)),
            (board.now - opportunity.published_at).days,
        ]
        for opportunity in board.figures["stale"]
    ]
    if rows:
        empty = ""
    elif board.figures["open_for_long"]:
        empty = f"No stale postings: every posting open for more than {STALE_AFTER_DAYS} days has applicants."
    else:
        empty = f"No stale postings: no posting has been open for more than {STALE_AFTER_DAYS} days."
    return {
        "title": "Stale postings",
        "template": "admin_lists/dashboard/stale.html",
        "table": {
            "headers": ["Opportunity", "Project", "Community of practice", "Published", "Days open"],
            "rows": rows,
        },
        "empty": empty,
    }


def background_panel(board):
    """Failed and queued tasks, for Organizers only (server/admin/background.py)."""
    card = tasks_card(board.request.user)
    if card is None:
        return None
    return {"title": "Background work", "template": "admin/server/tasks_card.html", "tasks_card": card}


def response_panel(board):
    """How fast applicants hear back (server/admin/followthrough.py)."""
    card = dashboard_response_card(board.request.user, now=board.now)
    return {"title": "Applicant response", "template": "admin/server/response_panel.html", "response": card}


def alerts_panel(board):
    """Volunteer alerts, for Organizers only (server/admin/alerts.py)."""
    figures = dashboard_alert_figures(board.request)
    if figures is None:
        return None
    return {"title": "Volunteer alerts", "template": "admin/alerts_card.html", "alerts": figures}


PANELS = [
    first_run_panel,
    response_panel,
    open_per_community_panel,
    background_panel,
    alerts_panel,
    stale_postings_panel,
]


def dashboard_callback(request, context):
    now = timezone.now()
    board = Dashboard(request=request, now=now, figures=dashboard_figures(request.user, now=now))
    context.update(
        {
            "scope_note": "Your projects only." if board.scoped else "All projects.",
            "kpis": [card for build in KPI_CARDS if (card := build(board)) is not None],
            "panels": [panel for build in PANELS if (panel := build(board)) is not None],
        }
    )
    return context
