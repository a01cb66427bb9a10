"""Applications: who applied to what, and how far along they are.

The change page is what a project manager reads to judge an applicant: the volunteer's name,
email (mailto), message, skills, availability and match score, then the application's own
status, notes and full history. Status changes are the form's own buttons
(server.admin.application_actions): the form, internal notes included, is saved first, then
the status set through services.application_set_status; only other statuses are offered.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server.admin.application_actions import ApplicationActionsMixin
from server.admin.base import HistoryAdmin
from server.admin.filters import (
    DayRangeFilter,
    ScopedAutocompleteSelectFilter,
    ScopedRelatedDropdownFilter,
    managed_projects,
    scoped,
)
from server.admin.history import history_table
from server.admin.volunteers import availability_text, skills_text
from server.matching import rank_volunteers
from server.models import Application, Volunteer
from server.models.opportunities import Opportunity
from server.permissions import applications_managed_by, manages_project
from server.resources import ApplicationResource

Status = Application.Status

APPLICATION_COLOURS = {
    Status.NEW: "info",
    Status.CONTACTED: "primary",
    Status.INTERVIEWING: "warning",
    Status.ONBOARDED: "success",
    Status.DECLINED: "danger",
    Status.WITHDRAWN: "",
}


@admin.register(Application)
class ApplicationAdmin(ApplicationActionsMixin, HistoryAdmin):
    resource_classes = [ApplicationResource]
    list_display = [
        "volunteer_name",
        "volunteer_email",
        "opportunity_title",
        "project",
        "status_label",
        "source",
        "created_at",
    ]
    list_select_related = ["volunteer", "opportunity__project"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("source", ChoicesDropdownFilter),
        ("opportunity__project", scoped(ScopedRelatedDropdownFilter, managed_projects)),
        ("opportunity__role__community_of_practice", ScopedRelatedDropdownFilter),
        ("opportunity", ScopedAutocompleteSelectFilter),
        ("created_at", DayRangeFilter),
    ]
    search_fields = ["volunteer__name", "volunteer__email", "opportunity__title", "opportunity__project__name"]
    autocomplete_fields = ["opportunity", "volunteer"]
    readonly_fields = ["created_at", "updated_at"]
    add_fields = ["opportunity", "volunteer", "status", "source", "message", "internal_notes"]
    applicant_fields = [
        "volunteer_link",
        "applicant_name",  # the name given when applying (the stored name may differ)
        "volunteer_email_link",
        "message",
        "volunteer_skills",
        "volunteer_availability",
        "match_score",
    ]
    show_full_result_count = False
    paginator = InfinitePaginator
    change_form_template = "admin/server/change_form.html"
    status_colours = APPLICATION_COLOURS

    def get_queryset(self, request):
        return applications_managed_by(request.user, super().get_queryset(request)).select_related(
            "volunteer", "opportunity__project"
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "opportunity":
            kwargs["queryset"] = Opportunity.objects.managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def in_scope(self, request, obj):
        return manages_project(request.user, obj.opportunity.project)

    # --- the change page ------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Five status buttons and Save fill the bar at 1400 px; a status button already stays on
        # the page, so "Save and continue editing" goes (it would be cut off at the left).
        extra_context = {"show_save_and_continue": False, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_fields})]
        return [
            ("Applicant", {"fields": self.applicant_fields}),
            (
                "Application",
                {"fields": ["opportunity", "current_status", "source", "internal_notes", ("created_at", "updated_at")]},
            ),
            ("History", {"fields": ["history_list"], "classes": ["history"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # Who applied to what does not change after the fact; the status moves by the buttons.
        if obj is not None:
            return [
                *self.readonly_fields,
                *self.applicant_fields,
                "opportunity",
                "current_status",
                "source",
                "history_list",
            ]
        return self.readonly_fields

    @display(description="Volunteer")
    def volunteer_link(self, obj):
        return format_html(
            '<a class="text-primary-600 underline dark:text-primary-500" href="{}">{}</a>',
            reverse("admin:server_volunteer_change", args=[obj.volunteer.pk]),
            obj.volunteer.name,
        )

    @display(description="Email")
    def volunteer_email_link(self, obj):
        email = obj.volunteer.email
        return format_html(
            '<a class="text-primary-600 underline dark:text-primary-500" href="mailto:{}">{}</a>', email, email
        )

    @display(description="Skills")
    def volunteer_skills(self, obj):
        return skills_text(obj.volunteer)

    @display(description="Availability")
    def volunteer_availability(self, obj):
        return availability_text(obj.volunteer)

    @display(description="Match score")
    def match_score(self, obj):
        found = rank_volunteers(
            opportunity=obj.opportunity, limit=1, queryset=Volunteer.objects.filter(pk=obj.volunteer_id)
        )
        if not found:
            # DESIGN.md "Matching": no skill in common, no match (and inactive volunteers are not ranked).
            return "No match: the volunteer holds none of the skills this posting asks for, or is inactive."
        match = found[0]
        reasons = format_html_join(
            "", "<li>{}</li>", ((match.explanation[name],) for name in ("skills", "hours", "availability", "interest"))
        )
        return format_html(
            "<strong>{}</strong> out of 100 for this opportunity<ul class='list-disc ml-5 mt-1 text-sm'>{}</ul>",
            f"{match.score:.1f}",
            reasons,
        )

    @display(description="Status")
    def current_status(self, obj):
        return format_html(
            "<strong class='current-status'>{}</strong><div class='text-xs mt-1'>The Mark … buttons below save "
            "your edits (internal notes included) and then change the status.</div>",
            obj.get_status_display(),
        )

    @display(description="Changes")
    def history_list(self, obj):
        table = history_table(obj)
        if not table["rows"]:
            return "No recorded changes yet."
        header = format_html_join("", "<th class='pr-4 py-1 text-left'>{}</th>", ((h,) for h in table["headers"]))
        body = format_html_join(
            "",
            "<tr class='border-t border-base-200 dark:border-base-800'><td class='pr-4 py-1 whitespace-nowrap'>{}"
            "</td><td class='pr-4 py-1'>{}</td><td class='py-1'>{}</td></tr>",
            table["rows"],
        )
        return format_html(
            '<table class="history-table w-full text-sm"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            header,
            body,
        )

    # --- list columns ---------------------------------------------------------------------

    @display(description="Volunteer", ordering="volunteer__name")
    def volunteer_name(self, obj):
        return obj.volunteer.name

    @display(description="Email", ordering="volunteer__email")
    def volunteer_email(self, obj):
        return obj.volunteer.email

    @display(description="Opportunity", ordering="opportunity__title")
    def opportunity_title(self, obj):
        return obj.opportunity.title

    @display(description="Project", ordering="opportunity__project__name")
    def project(self, obj):
        return obj.opportunity.project.name

    @display(description="Status", ordering="status", label=APPLICATION_COLOURS)
    def status_label(self, obj):
        return obj.status, obj.get_status_display()
