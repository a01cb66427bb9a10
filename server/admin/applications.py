"""Applications: who applied to what, and how far along they are."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator

from server import services
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


def _status_actions():
    """One bulk and one row action per application status, all through services.application_set_status."""
    bulk, row = {}, {}
    for status in Status:

        def bulk_action(self, request, queryset, status=status):
            self._set_status(request, queryset, status)

        def row_action(self, request, object_id, status=status):
            self.refuse_cross_site(request)
            application = self.get_scoped_object_or_404(request, object_id)
            self._set_status(request, [application], status)
            url = reverse("admin:server_application_change", args=[application.pk])
            return HttpResponseRedirect(request.headers.get("referer") or url)

        bulk_action.__name__ = f"mark_selected_{status.value}"
        row_action.__name__ = f"mark_{status.value}"
        bulk[bulk_action.__name__] = action(
            bulk_action, description=f"Mark selected as {status.label.lower()}", permissions=["change"]
        )
        row[row_action.__name__] = action(
            row_action, description=f"Mark {status.label.lower()}", permissions=["change"], url_path=status.value
        )
    return bulk, row


_BULK, _ROW = _status_actions()


@admin.register(Application)
class ApplicationAdmin(HistoryAdmin):
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
    actions = list(_BULK)
    actions_row = list(_ROW)
    actions_detail = list(_ROW)

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

    def _set_status(self, request, applications, status):
        self.apply_to_each(
            request,
            applications,
            lambda row: services.application_set_status(application=row, status=status, by=request.user),
            verb=f"Marked as {Status(status).label.lower()}:",
            noun_plural="applications",
        )


# The status actions are generated above, one per status; attach them as methods.
for _name, _method in {**_BULK, **_ROW}.items():
    setattr(ApplicationAdmin, _name, _method)
