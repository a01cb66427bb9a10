"""The "Top matches" sections of the opportunity and volunteer change pages, each row with its
reasons in words (and the number behind each) and whether the person already applied.

The ranking and the sentences are server.matching's; this module only scopes them to what the
user may see and lays them out as an Unfold table below the form. A project manager reaches
only their own opportunities' pages, and on a volunteer's page sees only their own projects'
openings. Pairs with no skill in common are never listed (the ranking leaves them out).
"""

from django.urls import reverse
from django.utils.html import format_html

from server.matching import rank_opportunities, rank_volunteers, saved_profile
from server.models import Application, Opportunity
from server.permissions import manages_project

TOP = 10
COMPONENTS = ("skills", "hours", "availability", "interest")
COMPONENT_HEADERS = ["Score", "Skills", "Hours", "Availability", "Interest"]
LEGEND = (
    "Score out of 100 = 50 × skills + 20 × hours + 20 × availability + 10 × interest; the number under each "
    "reason is its part from 0 to 1. People holding none of the skills a posting asks for are left out. "
    "Availability compares the project's meeting times with the volunteer's, both in UTC for this week."
)


def _reasons(match) -> list:
    breakdown = match.breakdown.as_dict()
    return [
        format_html("<strong>{}</strong>", f"{match.score:.1f}"),
        *(
            format_html(
                '{}<br><span class="text-xs text-base-500">{}</span>',
                match.explanation[name],
                f"{breakdown[name]:.2f}",
            )
            for name in COMPONENTS
        ),
    ]


def _applied(application) -> str:
    if application is None:
        return "—"
    pk, status = application
    return format_html(
        '<a href="{}" class="text-primary-600 dark:text-primary-500">Applied ({})</a>',
        reverse("admin:server_application_change", args=[pk]),
        Application.Status(status).label,
    )


class TopMatchesMixin:
    """Adds `top_matches` to the change page's context and renders it after the form."""

    change_form_outer_after_template = "admin/server/top_matches.html"

    def top_matches(self, request, obj) -> dict | None:
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context["top_matches"] = self.top_matches(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class TopVolunteersMixin(TopMatchesMixin):
    """On an opportunity: the 10 best active volunteers."""

    def top_matches(self, request, obj):
        if not manages_project(request.user, obj.project):
            return None
        matches = rank_volunteers(opportunity=obj, limit=TOP)
        applied = {
            volunteer_id: (pk, status)
            for pk, volunteer_id, status in Application.objects.filter(
                opportunity=obj, volunteer__in=[match.volunteer.pk for match in matches]
            ).values_list("pk", "volunteer_id", "status")
        }
        rows = [
            [
                rank,
                format_html(
                    '<a href="{}" class="text-primary-600 dark:text-primary-500">{}</a>',
                    reverse("admin:server_volunteer_change", args=[match.volunteer.pk]),
                    match.volunteer.name,
                ),
                match.volunteer.email,
                _applied(applied.get(match.volunteer.pk)),
                *_reasons(match),
            ]
            for rank, match in enumerate(matches, 1)
        ]
        return {
            "title": f"Top matches: the {TOP} best active volunteers",
            "legend": LEGEND,
            "empty": (
                "No active volunteer holds any of the skills this posting asks for."
                if obj.skill_requirements.exists()
                else "No active volunteers."
            ),
            "table": {"headers": ["#", "Volunteer", "Email", "Applied", *COMPONENT_HEADERS], "rows": rows},
        }


class TopOpportunitiesMixin(TopMatchesMixin):
    """On a volunteer: the 10 best open opportunities the user may see."""

    def top_matches(self, request, obj):
        queryset = Opportunity.objects.managed_by(request.user).select_related("project")
        matches = rank_opportunities(profile=saved_profile(obj), limit=TOP, queryset=queryset)
        applied = {
            opportunity_id: (pk, status)
            for pk, opportunity_id, status in Application.objects.filter(
                volunteer=obj, opportunity__in=[match.opportunity.pk for match in matches]
            ).values_list("pk", "opportunity_id", "status")
        }
        rows = [
            [
                rank,
                format_html(
                    '<a href="{}" class="text-primary-600 dark:text-primary-500">{}</a>',
                    reverse("admin:server_opportunity_change", args=[match.opportunity.pk]),
                    match.opportunity.title,
                ),
                match.opportunity.project.name,
                _applied(applied.get(match.opportunity.pk)),
                *_reasons(match),
            ]
            for rank, match in enumerate(matches, 1)
        ]
        return {
            "title": f"Top matches: the {TOP} best open opportunities",
            "legend": LEGEND,
            "empty": "No open opportunity you can see asks for a skill this volunteer holds (or for none).",
            "table": {"headers": ["#", "Opportunity", "Project", "Applied", *COMPONENT_HEADERS], "rows": rows},
        }
