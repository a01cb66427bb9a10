"""Applications: who applied to what, and how far along they are."""

from django.contrib import admin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server import services
from server.admin.application_actions import ApplicationActionsMixin
from server.admin.base import HistoryAdmin
from server.admin.filters import DayRangeFilter
from server.models import Application
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
    list_display = ["volunteer_name", "volunteer_email", "opportunity_title", "project", "status_label", "source",
                    "created_at"]
    list_select_related = ["volunteer", "opportunity__project"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("source", ChoicesDropdownFilter),
        ("opportunity__project", RelatedDropdownFilter),
        ("opportunity__role__community_of_practice", RelatedDropdownFilter),
        ("opportunity", AutocompleteSelectFilter),
        ("created_at", DayRangeFilter),
    ]
    search_fields = ["volunteer__name", "volunteer__email", "opportunity__title", "opportunity__project__name"]
    autocomplete_fields = ["opportunity", "volunteer"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "opportunity",
        "volunteer",
        "applicant_name",  # the name given when applying (the volunteer's stored name may differ)
        "status",
        "source",
        "message",
        "internal_notes",
        "created_at",
        "updated_at",
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

    def save_model(self, request, obj, form, change):
        """A status picked in the form moves through the service too (first response, email)."""
        if not (change and "status" in form.changed_data):
            return super().save_model(request, obj, form, change)
        status, obj.status = obj.status, form.initial["status"]
        super().save_model(request, obj, form, change)
        services.application_set_status(application=obj, status=status, by=request.user)

    def get_readonly_fields(self, request, obj=None):
        # Who applied to what does not change after the fact; the status and notes do.
        if obj is not None:
            return [*self.readonly_fields, "opportunity", "volunteer", "applicant_name", "source", "message"]
        return self.readonly_fields

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
