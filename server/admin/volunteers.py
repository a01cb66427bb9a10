"""Volunteers: the pool organisers curate and project managers recruit from (read-only for them)."""

from django.contrib import admin
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import (
    AutocompleteSelectMultipleFilter,
    ChoicesDropdownFilter,
    RangeNumericFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server.admin.base import HistoryAdmin
from server.admin.matching import TopOpportunitiesMixin
from server.models import Application, AvailabilitySlot, Volunteer, VolunteerSkill
from server.permissions import applications_managed_by
from server.resources import VolunteerResource


class VolunteerSkillInline(TabularInline):
    model = VolunteerSkill
    fields = ["skill", "level"]
    autocomplete_fields = ["skill"]
    extra = 0
    tab = True
    verbose_name_plural = "skills"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill")


class AvailabilityInline(TabularInline):
    model = AvailabilitySlot
    fields = ["weekday", "start", "end"]
    extra = 0
    tab = True
    verbose_name_plural = "availability (volunteer's time zone)"


class VolunteerApplicationInline(TabularInline):
    """The volunteer's applications; a project manager sees only those to their projects."""

    model = Application
    fields = ["opportunity", "status", "source", "created_at"]
    readonly_fields = ["opportunity", "status", "source", "created_at"]
    extra = 0
    tab = True
    show_change_link = True
    can_delete = False
    verbose_name_plural = "applications"

    def get_queryset(self, request):
        return applications_managed_by(request.user, super().get_queryset(request)).select_related(
            "opportunity__project"
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Volunteer)
class VolunteerAdmin(TopOpportunitiesMixin, HistoryAdmin):
    resource_classes = [VolunteerResource]
    list_display = [
        "name",
        "email",
        "community_of_practice",
        "experience_level",
        "max_hours_per_week",
        "timezone",
        "status_label",
    ]
    list_select_related = ["community_of_practice"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("community_of_practice", RelatedDropdownFilter),
        ("experience_level", ChoicesDropdownFilter),
        ("roles", AutocompleteSelectMultipleFilter),
        ("max_hours_per_week", RangeNumericFilter),
    ]
    search_fields = ["name", "email", "notes"]
    show_full_result_count = False
    paginator = InfinitePaginator
    autocomplete_fields = ["roles"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "email", "status"]}),
        (
            "Interests",
            {"fields": ["community_of_practice", "roles", "experience_level", "max_hours_per_week", "timezone"]},
        ),
        ("Notes", {"fields": ["notes", "people_depot_id", "created_at", "updated_at"]}),
    ]
    inlines = [VolunteerSkillInline, AvailabilityInline, VolunteerApplicationInline]

    @display(description="Status", ordering="status", label={"active": "success", "inactive": ""})
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

