"""Volunteers: the pool organisers curate and project managers recruit from (read-only for them)."""

from django import forms
from django.contrib import admin
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeNumericFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server.admin.base import HistoryAdmin, SkillListFormSet
from server.admin.filters import (
    AppliedFilter,
    ScopedAutocompleteSelectMultipleFilter,
    ScopedRelatedDropdownFilter,
    VolunteerSkillLevelFilter,
)
from server.admin.matching import TopOpportunitiesMixin
from server.admin.schedules import (
    ScheduleAdminMixin,
    ScheduleFormMixin,
    WeeklyScheduleField,
    help_text,
    schedule_display,
    schedule_text,
)
from server.models import Application, Volunteer, VolunteerSkill
from server.permissions import applications_managed_by
from server.resources import VolunteerResource
from server.widgets import SkillLevelsWidget


def skills_text(volunteer) -> str:
    """`Python:4; Django:3`, the CSV cell format (one formatter: server.widgets)."""
    return SkillLevelsWidget().render(volunteer.skill_levels.select_related("skill")) or "None given"


def availability_text(volunteer) -> str:
    """`Tue 18:00-19:30; Sun 11:00-12:30 (America/Los_Angeles)`: the week in the volunteer's zone."""
    text = schedule_text(slot.slot for slot in volunteer.availability.all())
    return f"{text} ({volunteer.timezone})" if text else "None given"


class VolunteerSkillInline(TabularInline):
    model = VolunteerSkill
    formset = SkillListFormSet
    fields = ["skill", "level"]
    autocomplete_fields = ["skill"]
    extra = 0
    tab = True
    verbose_name_plural = "skills"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill")


AVAILABILITY_EXAMPLE = "Mon 18:00-20:00; Wed 09:00-12:30"


class VolunteerForm(ScheduleFormMixin, forms.ModelForm):
    """The volunteer's fields plus their whole week of availability as one text field."""

    weekly_availability = WeeklyScheduleField(
        label="Weekly availability",
        example=AVAILABILITY_EXAMPLE,
        help_text=help_text(whose="volunteer's", example=AVAILABILITY_EXAMPLE),
    )

    class Meta:
        model = Volunteer
        fields = []  # the admin's fieldsets choose them (and its formfield_for_dbfield builds them)

    schedule_field, schedule_related = "weekly_availability", "availability"


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
class VolunteerAdmin(ScheduleAdminMixin, TopOpportunitiesMixin, HistoryAdmin):
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
        AppliedFilter,
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
            {
                "fields": [
                    "community_of_practice",
                    "roles",
                    "experience_level",
                    "max_hours_per_week",
                    "timezone",
                    "weekly_availability",
                ]
            },
        ),
        ("Notes", {"fields": ["notes", "people_depot_id", "created_at", "updated_at"]}),
    ]
    inlines = [VolunteerSkillInline, VolunteerApplicationInline]
    form = VolunteerForm

    weekly_availability = schedule_display("availability", "Weekly availability")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A project manager reads the volunteer without the skills inline (no permission on
            # it): the skills in the CSV cell format, next to name and email, to judge a match.
            return [fieldsets[0], ("Skills", {"fields": ["skills_summary"]}), *fieldsets[1:]]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "skills_summary"]

    @display(description="Skills")
    def skills_summary(self, obj):
        return skills_text(obj)

    @display(description="Status", ordering="status", label={"active": "success", "inactive": ""})
    def status_label(self, obj):
        return obj.status, obj.get_status_display()
