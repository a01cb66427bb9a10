"""Opportunities: the postings project managers write and organisers oversee."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeNumericFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server import services
from server.admin.base import HistoryAdmin, SkillListFormSet
from server.admin.filters import (
    DayRangeFilter,
    OpportunitySkillLevelFilter,
    PublicFilter,
    ScopedAutocompleteSelectFilter,
    ScopedRelatedDropdownFilter,
)
from server.admin.matching import TopVolunteersMixin
from server.admin.opportunity_actions import OpportunityActionsMixin
from server.admin.scoping import ManagedProjectInlineMixin, ProjectRowMixin
from server.models import Application, Opportunity, OpportunitySkill, PreferredSkill, RequiredSkill
from server.models.opportunities import skill_errors
from server.permissions import applications_managed_by
from server.resources import OpportunityResource

Status = Opportunity.Status

STATUS_COLOURS = {
    Status.DRAFT: "info",
    Status.OPEN: "success",
    Status.ON_HOLD: "warning",
    Status.FILLED: "primary",
    Status.CLOSED: "danger",
}


class SkillRequirementFormSet(SkillListFormSet):
    """Saves rows with the inline's kind; the preferred list also refuses a required skill."""

    kind = OpportunitySkill.Kind.REQUIRED
    siblings: list = []

    def list_errors(self) -> list[str]:
        required = []
        if self.kind == OpportunitySkill.Kind.PREFERRED:
            for sibling in self.siblings:
                if sibling is not self and sibling.kind == OpportunitySkill.Kind.REQUIRED:
                    sibling.is_valid()
                    required = sibling.skill_items()
        return skill_errors(self.skill_items(), elsewhere={key for key, _ in required})

    def save_new(self, form, commit=True):
        form.instance.kind = self.kind
        return super().save_new(form, commit=commit)

    def save_existing(self, form, obj, commit=True):
        form.instance.kind = self.kind
        return super().save_existing(form, obj, commit=commit)


class SkillRequirementInline(ManagedProjectInlineMixin, TabularInline):
    formset = SkillRequirementFormSet
    fields = ["skill", "level"]
    autocomplete_fields = ["skill"]
    extra = 0
    tab = True
    kind = OpportunitySkill.Kind.REQUIRED

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.kind).select_related("skill")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.kind = self.kind
        return formset


class RequiredSkillInline(SkillRequirementInline):
    model = RequiredSkill
    kind = OpportunitySkill.Kind.REQUIRED
    verbose_name = "required skill"
    verbose_name_plural = "required skills"


class PreferredSkillInline(SkillRequirementInline):
    model = PreferredSkill
    kind = OpportunitySkill.Kind.PREFERRED
    verbose_name = "preferred skill"
    verbose_name_plural = "preferred skills"


class ApplicationInlineForm(forms.ModelForm):
    """Who applied does not change after the fact: an existing row's volunteer is disabled (so a
    posted value is ignored, not just hidden); only a new row picks its volunteer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "volunteer" in self.fields:
            self.fields["volunteer"].disabled = True


class OpportunityApplicationInline(TabularInline):
    model = Application
    form = ApplicationInlineForm
    fields = ["volunteer", "status", "source", "created_at"]
    readonly_fields = ["source", "created_at"]
    autocomplete_fields = ["volunteer"]
    extra = 0
    tab = True
    show_change_link = True
    verbose_name_plural = "applications"

    def get_queryset(self, request):
        return applications_managed_by(request.user, super().get_queryset(request)).select_related("volunteer")


@admin.register(Opportunity)
class OpportunityAdmin(ProjectRowMixin, OpportunityActionsMixin, TopVolunteersMixin, HistoryAdmin):
    resource_classes = [OpportunityResource]
    page_counts = {"applications_total": (Application, "opportunity")}
    list_display = [
        "title",
        "project",
        "community_of_practice_display",
        "status_label",
        "hours",
        "work_environment",
        "applications_count",
        "published_on",
    ]
    list_display_links = ["title"]
    list_select_related = ["project", "role__community_of_practice"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        PublicFilter,
        OpportunitySkillLevelFilter,
        ("role__community_of_practice", ScopedRelatedDropdownFilter),
        ("project", ScopedAutocompleteSelectFilter),
        ("role", ScopedAutocompleteSelectFilter),
        ("work_environment", ChoicesDropdownFilter),
        ("experience_level", ChoicesDropdownFilter),
        ("min_hours_per_week", RangeNumericFilter),
        ("published_at", DayRangeFilter),
        ("filled_at", DayRangeFilter),
    ]
    search_fields = ["title", "body", "project__name", "role__title", "skill_requirements__skill__name"]
    # Last changed first: a draft just written (or edited) tops the list, not page 3 after 50 open
    # postings. The status tabs (server.admin.filters.status_tabs) narrow to drafts in one click.
    ordering = ["-updated_at"]
    show_full_result_count = False
    paginator = InfinitePaginator
    autocomplete_fields = ["role"]
    readonly_fields = [
        "status",
        "published_at",
        "filled_at",
        "closed_at",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["project", "role", "title", "body"]}),
        (
            "Requirements",
            {"fields": ["experience_level", "min_hours_per_week", "work_environment", "positions", "expires_on"]},
        ),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "published_at",
                    "filled_at",
                    "closed_at",
                    ("created_by", "created_at"),
                    ("updated_by", "updated_at"),
                ],
            },
        ),
    ]
    inlines = [RequiredSkillInline, PreferredSkillInline, OpportunityApplicationInline]
    change_form_template = "admin/server/change_form.html"
    status_colours = STATUS_COLOURS

    # --- rows -----------------------------------------------------------------------------

    def get_queryset(self, request):
        return Opportunity.objects.managed_by(request.user).select_related(
            "project", "role__community_of_practice", "created_by", "updated_by"
        )

    def save_model(self, request, obj, form, change):
        services.stamp_editor(opportunity=obj, by=request.user, new=not change)
        super().save_model(request, obj, form, change)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        skill_formsets = [formset for formset in formsets if isinstance(formset, SkillRequirementFormSet)]
        for formset in skill_formsets:
            formset.siblings = skill_formsets
        return formsets, inline_instances

    # --- columns --------------------------------------------------------------------------

    @display(description="Community of practice", ordering="role__community_of_practice__name")
    def community_of_practice_display(self, obj):
        return obj.role.community_of_practice.name

    @display(description="Status", ordering="status", label=STATUS_COLOURS)
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

    @display(description="Hours / week", ordering="min_hours_per_week")
    def hours(self, obj):
        return obj.min_hours_per_week

    @display(description="Published", ordering="published_at", empty_value="—")
    def published_on(self, obj):
        return timezone.localtime(obj.published_at).date() if obj.published_at else None

    @display(description="Applications")
    def applications_count(self, obj):
        total = getattr(obj, "applications_total", None)
        return obj.applications.count() if total is None else total
