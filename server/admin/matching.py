"""The "Top matches" sections of the opportunity and volunteer change pages, each row with its reasons.

The ranking is server.matching's; this module only scopes it to what the user may see and
lays it out as an Unfold table below the form. A project manager reaches only their own
opportunities' pages, and on a volunteer's page sees only their own projects' openings.
"""

from django.urls import reverse
from django.utils.html import format_html

from server.matching import profile_for_volunteer, rank_opportunities, rank_volunteers
from server.models import Opportunity
from server.permissions import manages_project

TOP = 10
COMPONENT_HEADERS = ["Score", "Skills", "Hours", "Availability", "Interest"]
LEGEND = (
    "Score out of 100 = 50 × skills + 20 × hours + 20 × availability + 10 × interest; each reason from 0 to 1. "
    "Availability compares the project's meeting times with the volunteer's, both in UTC for this week."
)


def _reasons(match) -> list:
    breakdown = match.breakdown
    return [
        format_html("<strong>{}</strong>", f"{match.score:.1f}"),
        *(f"{value:.2f}" for value in (breakdown.skills, breakdown.hours, breakdown.availability, breakdown.interest)),
    ]


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
        rows = [
            [
                rank,
                format_html(
                    '<a href="{}" class="text-primary-600 dark:text-primary-500">{}</a>',
                    reverse("admin:server_volunteer_change", args=[match.volunteer.pk]),
                    match.volunteer.name,
                ),
                match.volunteer.email,
                *_reasons(match),
            ]
            for rank, match in enumerate(rank_volunteers(opportunity=obj, limit=TOP), 1)
        ]
        return {
            "title": f"Top matches: the {TOP} best active volunteers",
            "legend": LEGEND,
            "table": {"headers": ["#", "Volunteer", "Email", *COMPONENT_HEADERS], "rows": rows},
        }


class TopOpportunitiesMixin(TopMatchesMixin):
    """On a volunteer: the 10 best open opportunities the user may see."""

    def top_matches(self, request, obj):
        queryset = Opportunity.objects.managed_by(request.user).select_related("project")
        matches = rank_opportunities(profile=profile_for_volunteer(obj), limit=TOP, queryset=queryset)
        rows = [
            [
                rank,
                format_html(
                    '<a href="{}" class="text-primary-600 dark:text-primary-500">{}</a>',
                    reverse("admin:server_opportunity_change", args=[match.opportunity.pk]),
                    match.opportunity.title,
                ),
                match.opportunity.project.name,
                *_reasons(match),
            ]
            for rank, match in enumerate(matches, 1)
        ]
        return {
            "title": f"Top matches: the {TOP} best open opportunities",
            "legend": LEGEND,
            "table": {"headers": ["#", "Opportunity", "Project", *COMPONENT_HEADERS], "rows": rows},
        }
