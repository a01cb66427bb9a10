"""Volunteers: the pool organisers curate and project managers recruit from (read-only for them)."""

from django.contrib import admin
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeNumericFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server.admin.base import HistoryAdmin
from server.admin.filters import (
    ScopedAutocompleteSelectMultipleFilter,
    ScopedRelatedDropdownFilter,
    VolunteerSkillLevelFilter,
)
from server.admin.matching import TopOpportunitiesMixin
from server.models import Application, AvailabilitySlot, Volunteer, VolunteerSkill
from server.permissions import applications_managed_by
from server.resources import VolunteerResource
from server.schedule import format_schedule
from server.widgets import SkillLevelsWidget


def skills_text(volunteer) -> str:
    """`Python:4; Django:3`, the CSV cell format (one formatter: server.widgets)."""
    return SkillLevelsWidget().render(volunteer.skill_levels.select_related("skill")) or "None given"


def availability_text(volunteer) -> str:
    """`Tue 18:00-19:30; Sun 11:00-12:30 (America/Los_Angeles)`: the week in the volunteer's zone."""
    slots = sorted((slot.slot for slot in volunteer.availability.all()), key=lambda s: (s.weekday, s.start))
    return f"{format_schedule(slots)} ({volunteer.timezone})" if slots else "None given"


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
        VolunteerSkillLevelFilter,
        ("community_of_practice", ScopedRelatedDropdownFilter),
        ("experience_level", ChoicesDropdownFilter),
        ("roles", ScopedAutocompleteSelectMultipleFilter),
        ("max_hours_per_week", RangeNumericFilter),
    ]
    # A skill's name finds the volunteers who hold it ("Python").
    search_fields = ["name", "email", "notes", "skill_levels__skill__name"]
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
    profile_fields = ["skills_summary", "availability_summary"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A project manager reads the volunteer (no skill or availability inlines for them):
            # the skills and weekly availability in the CSV cell formats, to judge a match.
            return [fieldsets[0], ("Skills and availability", {"fields": self.profile_fields}), *fieldsets[1:]]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.profile_fields]

    @display(description="Skills")
    def skills_summary(self, obj):
        return skills_text(obj)

    @display(description="Availability")
    def availability_summary(self, obj):
        return availability_text(obj)

    @display(description="Status", ordering="status", label={"active": "success", "inactive": ""})
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

