"""Opportunities: the postings project managers write and organisers oversee."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeNumericFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator

from server import services
from server.admin.base import HistoryAdmin
from server.admin.filters import DayRangeFilter
from server.admin.matching import TopVolunteersMixin
from server.admin.scoping import ManagedProjectInlineMixin
from server.models import Application, Opportunity, OpportunitySkill, PreferredSkill, RequiredSkill
from server.models.opportunities import skill_list_errors
from server.permissions import applications_managed_by, manages_project, projects_managed_by
from server.resources import OpportunityResource

Status = Opportunity.Status

STATUS_COLOURS = {
    Status.DRAFT: "info",
    Status.OPEN: "success",
    Status.ON_HOLD: "warning",
    Status.FILLED: "primary",
    Status.CLOSED: "danger",
}

# (status, past tense for messages, button text, icon)
TRANSITIONS = {
    "publish": (Status.OPEN, "Published", "Publish", "rocket_launch"),
    "hold": (Status.ON_HOLD, "Put on hold", "Put on hold", "pause_circle"),
    "fill": (Status.FILLED, "Marked as filled", "Mark filled", "task_alt"),
    "close": (Status.CLOSED, "Closed", "Close", "cancel"),
}


class SkillRequirementFormSet(TabularInline.formset):
    """Saves rows with the inline's kind and refuses a skill listed as both required and preferred."""

    kind = OpportunitySkill.Kind.REQUIRED
    siblings: list = []

    def skill_items(self):
        return [
            (form.cleaned_data["skill"].pk, form.cleaned_data["skill"].name)
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("skill")
            and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        # The model's skill-list rules and words (skill_list_errors), as in the API and the import.
        field = "preferred_skills" if self.kind == OpportunitySkill.Kind.PREFERRED else "required_skills"
        required = []
        if self.kind == OpportunitySkill.Kind.PREFERRED:
            for sibling in self.siblings:
                if sibling is not self and sibling.kind == OpportunitySkill.Kind.REQUIRED:
                    sibling.is_valid()
                    required = sibling.skill_items()
        mine = self.skill_items()
        errors = skill_list_errors(
            required=required if field == "preferred_skills" else mine,
            preferred=mine if field == "preferred_skills" else [],
        ).get(field)
        if errors:
            raise forms.ValidationError(errors)
        super().clean()

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


class OpportunityApplicationInline(TabularInline):
    model = Application
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
class OpportunityAdmin(TopVolunteersMixin, HistoryAdmin):
    resource_classes = [OpportunityResource]
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
        ("role__community_of_practice", RelatedDropdownFilter),
        ("project", AutocompleteSelectFilter),
        ("role", AutocompleteSelectFilter),
        ("work_environment", ChoicesDropdownFilter),
        ("experience_level", ChoicesDropdownFilter),
        ("min_hours_per_week", RangeNumericFilter),
        ("published_at", DayRangeFilter),
    ]
    search_fields = ["title", "body", "project__name", "role__title"]
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
    actions = ["publish_selected", "hold_selected", "fill_selected", "close_selected", "duplicate_selected"]
    actions_row = ["publish_row", "hold_row", "fill_row", "close_row", "duplicate_row"]
    actions_detail = ["publish_row", "hold_row", "fill_row", "close_row", "duplicate_row"]

    # --- rows -----------------------------------------------------------------------------

    def get_queryset(self, request):
        return Opportunity.objects.managed_by(request.user).select_related(
            "project", "role__community_of_practice", "created_by", "updated_by"
        )

    def annotate_page(self, request, rows):
        """Applications per row, counted for the shown page only (one query, not a GROUP BY over 100k)."""
        counts = dict(
            Application.objects.filter(opportunity__in=[row.pk for row in rows])
            .values_list("opportunity")
            .annotate(total=Count("pk"))
            .values_list("opportunity", "total")
        )
        for row in rows:
            row.applications_total = counts.get(row.pk, 0)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = projects_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def in_scope(self, request, obj):
        return manages_project(request.user, obj.project)

    def has_duplicate_permission(self, request, obj=None):
        """Duplicating makes a new posting in the same project: add permission, and the row in scope."""
        return self.has_add_permission(request) and self._scoped(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
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

    # --- actions --------------------------------------------------------------------------

    def _transition(self, request, opportunities, name):
        to, done_verb, _, _ = TRANSITIONS[name]
        self.apply_to_each(
            request,
            opportunities,
            lambda opportunity: services.opportunity_transition(opportunity=opportunity, to=to, by=request.user),
            verb=done_verb,
            noun_plural="opportunities",
        )

    def _duplicate(self, request, opportunities):
        copies = []
        for opportunity in opportunities:
            if not self.has_duplicate_permission(request, opportunity):
                self.message_user(request, f'You may not duplicate "{opportunity.title}".', level="error")
                continue
            copies.append(services.opportunity_duplicate(opportunity=opportunity, by=request.user))
        self.report(request, copies, [], "Duplicated as new drafts:", "opportunities")
        return copies

    def _row(self, request, object_id, name):
        self.refuse_cross_site(request)
        opportunity = self.get_scoped_object_or_404(request, object_id)
        self._transition(request, [opportunity], name)
        return HttpResponseRedirect(request.headers.get("referer") or self._change_url(opportunity))

    def get_actions_detail(self, request, object_id):
        """On the change page offer only the transitions the posting's current status allows."""
        actions = super().get_actions_detail(request, object_id)
        opportunity = self.get_object(request, object_id) if object_id else None
        if opportunity is None:
            return actions
        allowed = {f"{name}_row" for name, (to, *_) in TRANSITIONS.items() if services.can_transition(opportunity, to)}
        return [a for a in actions if a.method.original_function_name in allowed | {"duplicate_row"}]

    def _change_url(self, opportunity):
        return reverse("admin:server_opportunity_change", args=[opportunity.pk])

    @action(description="Publish selected", permissions=["change"], icon="rocket_launch")
    def publish_selected(self, request, queryset):
        self._transition(request, queryset, "publish")

    @action(description="Put selected on hold", permissions=["change"], icon="pause_circle")
    def hold_selected(self, request, queryset):
        self._transition(request, queryset, "hold")

    @action(description="Mark selected as filled", permissions=["change"], icon="task_alt")
    def fill_selected(self, request, queryset):
        self._transition(request, queryset, "fill")

    @action(description="Close selected", permissions=["change"], icon="cancel")
    def close_selected(self, request, queryset):
        self._transition(request, queryset, "close")

    @action(description="Duplicate selected as drafts", permissions=["duplicate"], icon="content_copy")
    def duplicate_selected(self, request, queryset):
        self._duplicate(request, queryset)

    @action(description="Publish", permissions=["change"], icon="rocket_launch", url_path="publish")
    def publish_row(self, request, object_id):
        return self._row(request, object_id, "publish")

    @action(description="Put on hold", permissions=["change"], icon="pause_circle", url_path="hold")
    def hold_row(self, request, object_id):
        return self._row(request, object_id, "hold")

    @action(description="Mark filled", permissions=["change"], icon="task_alt", url_path="fill")
    def fill_row(self, request, object_id):
        return self._row(request, object_id, "fill")

    @action(description="Close", permissions=["change"], icon="cancel", url_path="close")
    def close_row(self, request, object_id):
        return self._row(request, object_id, "close")

    @action(description="Duplicate", permissions=["duplicate"], icon="content_copy", url_path="duplicate")
    def duplicate_row(self, request, object_id):
        self.refuse_cross_site(request)
        opportunity = self.get_scoped_object_or_404(request, object_id)
        copies = self._duplicate(request, [opportunity])
        return HttpResponseRedirect(self._change_url(copies[0] if copies else opportunity))
