"""Projects and their weekly meeting times.

Project managers see every project (the catalog) read-only, and edit the meeting times of
the projects they manage through the project page's one "Meeting times" field.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import display

from server.admin.base import BaseAdmin, HistoryAdmin
from server.admin.followthrough import project_response_card
from server.admin.schedules import (
    ScheduleAdminMixin,
    ScheduleFormMixin,
    WeeklyScheduleField,
    help_text,
    schedule_display,
)
from server.admin.scoping import ProjectRowMixin
from server.models import MeetingTime, Opportunity, Project
from server.permissions import can_see_all_projects, manages_project, meeting_times_managed_by
from server.resources import ProjectResource
from server.schedule import format_slot

PROJECT_COLOURS = {
    Project.Status.ACTIVE: "success",
    Project.Status.ON_HOLD: "warning",
    Project.Status.COMPLETED: "info",
    Project.Status.CLOSED: "danger",
}


MEETINGS_EXAMPLE = "Tue 17:00-18:00 (All team); Thu 18:00-19:00 (Engineering)"


class ProjectForm(ScheduleFormMixin, forms.ModelForm):
    """The project's fields plus its weekly meeting times as one text field (labels in brackets)."""

    weekly_meetings = WeeklyScheduleField(
        label_max_length=MeetingTime._meta.get_field("label").max_length,
        label="Meeting times",
        example=MEETINGS_EXAMPLE,
        help_text=help_text(whose="project's", example=MEETINGS_EXAMPLE) + " (the label in brackets is optional)",
    )

    class Meta:
        model = Project
        fields = []  # the admin's fieldsets choose them (and its formfield_for_dbfield builds them)

    schedule_field, schedule_related = "weekly_meetings", "meeting_times"


@admin.register(Project)
class ProjectAdmin(ScheduleAdminMixin, HistoryAdmin):
    resource_classes = [ProjectResource]
    list_display = ["name", "status_label", "timezone", "open_opportunities", "meeting_count", "managers_list"]
    list_filter = [("status", ChoicesDropdownFilter), ("managers", RelatedDropdownFilter)]
    search_fields = ["name", "description", "slack_channel"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["managers"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "description"]}),
        ("Meeting times", {"fields": ["weekly_meetings"]}),
        ("Links", {"fields": ["website_url", "repository_url", "slack_channel", "people_depot_id"]}),
        ("Team", {"fields": ["timezone", "managers", "created_at", "updated_at"]}),
    ]
    form = ProjectForm

    weekly_meetings = schedule_display("meeting_times", "Meeting times")

    change_form_outer_after_template = "admin/server/project_response_figures.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, object_id)
        if project is not None:
            extra_context = {**(extra_context or {}), "response": project_response_card(request.user, project)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_total=Count("opportunities", filter=Opportunity.public_q("opportunities__"), distinct=True),
                meeting_total=Count("meeting_times", distinct=True),
            )
            .prefetch_related("managers")
        )

    def has_change_permission(self, request, obj=None):
        # A PM "changes" their own project only to edit its meeting times; every project field stays read-only.
        if can_see_all_projects(request.user) or obj is None:
            return super().has_change_permission(request, obj)
        if not isinstance(obj, Project):
            obj = self.get_object(request, str(obj))
        return (
            obj is not None
            and request.user.has_perm("server.change_meetingtime")
            and manages_project(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        if can_see_all_projects(request.user):
            return self.readonly_fields
        return [field.name for field in Project._meta.fields if field.name != "id"] + ["managers"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if can_see_all_projects(request.user) else {}

    @display(description="Status", ordering="status", label=PROJECT_COLOURS)
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

    @display(description="Open opportunities", ordering="open_total")
    def open_opportunities(self, obj):
        return obj.open_total

    @display(description="Meetings", ordering="meeting_total")
    def meeting_count(self, obj):
        return obj.meeting_total

    @display(description="Managers")
    def managers_list(self, obj):
        return ", ".join(manager.email for manager in obj.managers.all())


@admin.register(MeetingTime)
class MeetingTimeAdmin(ProjectRowMixin, BaseAdmin):
    list_display = ["project", "meeting"]
    list_select_related = ["project"]
    list_filter = [("project", RelatedDropdownFilter), ("weekday", ChoicesDropdownFilter)]
    search_fields = ["label", "project__name"]
    fields = ["project", "label", "weekday", "start", "end"]

    def get_queryset(self, request):
        return meeting_times_managed_by(request.user, super().get_queryset(request))

    @display(description="Meeting", ordering="weekday")
    def meeting(self, obj):
        return format_slot(obj.slot)
