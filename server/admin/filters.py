"""List filters shared by several admin pages: scoped related filters, skill with minimum level,
the active-filter summary and the status tabs."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.dateparse import parse_date
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    AutocompleteSelectMultipleFilter,
    DropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)
from unfold.contrib.filters.forms import AutocompleteDropdownForm
from unfold.widgets import INPUT_CLASSES

from server.models import Opportunity, OpportunitySkill, Skill, VolunteerSkill
from server.models.choices import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN
from server.permissions import applications_managed_by, can_see_all_projects, projects_managed_by


class DayRangeFilter(RangeDateFilter):
    """A date range on a datetime field that includes the whole last day.

    Unfold's RangeDateFilter compares the datetime with midnight, which would drop
    everything published on the "to" day itself.
    """

    def queryset(self, request, queryset):
        filters = {}
        for suffix, lookup in (("_from", "gte"), ("_to", "lte")):
            value = self.used_parameters.get(f"{self.parameter_name}{suffix}")
            if isinstance(value, str) and value:
                try:
                    day = parse_date(value)
                except ValueError:
                    day = None
                if day is None:
                    label = self.title if isinstance(self.title, str) else self.parameter_name
                    messages.error(request, f'{label}: "{value}" is not a date (YYYY-MM-DD); that bound was ignored.')
                    continue
                filters[f"{self.parameter_name}__date__{lookup}"] = day
        return queryset.filter(**filters)


# --- scoped related filters ----------------------------------------------------------------
#
# Unfold's related filters read their choices, and the label of the value in the URL, from the
# related model's whole table. A project manager could then read another project's draft title
# with `?opportunity__id__exact=<its id>`. These variants take both from a scope instead: by
# default the related model's admin queryset (the rows its own list and its autocomplete view
# show, scoped in server.permissions), or an explicit `scope(request)`.


class ScopedRelatedMixin:
    """Choices and the shown value of a related filter come from a scope, never the whole table."""

    scope = None  # callable(request) -> queryset; None: the related model admin's get_queryset

    def scoped_queryset(self, request, model_admin, field=None):
        if self.scope is not None:
            return self.scope(request)
        related = (field or self.field).remote_field.model
        related_admin = model_admin.admin_site._registry.get(related)
        if related_admin is None:
            # Not in the admin: nobody browses it, so nothing to offer.
            return related._default_manager.none()
        return related_admin.get_queryset(request).select_related(None).prefetch_related(None).order_by()

    def scoped_label(self, raw) -> str:
        """The shown value's label, from the scope (an id outside it reads as "not found")."""
        try:
            found = self.scoped_queryset(self.request, self.model_admin).filter(pk=raw).first()
        except (ValueError, ValidationError):
            found = None
        return str(found) if found is not None else f"{raw} (not found)"


class ScopedRelatedDropdownFilter(ScopedRelatedMixin, RelatedDropdownFilter):
    def field_choices(self, field, request, model_admin):
        queryset = self.scoped_queryset(request, model_admin, field)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return [(obj.pk, str(obj)) for obj in queryset.order_by(*(ordering or queryset.model._meta.ordering or ["pk"]))]


class _ScopedAutocompleteMixin(ScopedRelatedMixin):
    def choices(self, changelist):
        for choice in super().choices(changelist):
            # The form looks the selected value up in this queryset: scope it like the autocomplete.
            choice["form"].fields[self.lookup_kwarg].queryset = self.scoped_queryset(self.request, self.model_admin)
            yield choice


class ScopedAutocompleteSelectFilter(_ScopedAutocompleteMixin, AutocompleteSelectFilter):
    pass


class ScopedAutocompleteSelectMultipleFilter(_ScopedAutocompleteMixin, AutocompleteSelectMultipleFilter):
    pass


def scoped(filter_class, scope):
    """`filter_class` with its choices taken from `scope(request)` (a function of server.permissions)."""
    return type(f"{filter_class.__name__}_{scope.__name__}", (filter_class,), {"scope": staticmethod(scope)})


def managed_projects(request):
    return projects_managed_by(request.user)


# --- skill and minimum level ----------------------------------------------------------------


class SkillLevelForm(forms.Form):
    """A skill (autocomplete, from the catalog) and a minimum level 1–5, one filter."""

    def __init__(self, *args, skill_field, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SkillLevelFilter.skill_parameter] = forms.ModelChoiceField(
            label="By skill",
            required=False,
            queryset=Skill.objects.all(),
            widget=AutocompleteSelect(skill_field, admin_site, attrs={"class": "unfold-filter-autocomplete"}),
        )
        self.fields[SkillLevelFilter.level_parameter] = forms.IntegerField(
            label=f"Minimum level ({SKILL_LEVEL_MIN}–{SKILL_LEVEL_MAX})",
            required=False,
            min_value=SKILL_LEVEL_MIN,
            max_value=SKILL_LEVEL_MAX,
            widget=forms.NumberInput(
                attrs={"class": " ".join(INPUT_CLASSES), "placeholder": "Any level", "min": 1, "max": 5}
            ),
        )

    Media = AutocompleteDropdownForm.Media


class SkillLevelFilter(admin.ListFilter):
    """Rows holding a skill at a minimum level, in one condition (an EXISTS on the level table):
    two separate filters on a multi-valued relation would match "Python at any level and some
    skill at level 4". Subclasses name the level table and its foreign key to the row."""

    title = "skill"
    template = "unfold/filters/filters_field.html"
    form_class = SkillLevelForm
    skill_parameter = "skill"
    level_parameter = "skill_level"
    level_model = None  # e.g. VolunteerSkill
    row_field = None  # its foreign key to the listed model, e.g. "volunteer"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request, self.model_admin = request, model_admin
        for name in self.expected_parameters():
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value
        self.errors = {}
        self.form = self._form(self.used_parameters)
        if self.used_parameters and not self.form.is_valid():
            # Say what was wrong (in queryset()) and show the filter without the bad values: the
            # autocomplete widget would otherwise look "nope" up as a skill id.
            self.errors = dict(self.form.errors)
            self.form = self._form({k: v for k, v in self.used_parameters.items() if k not in self.errors})
            self.form.is_valid()

    def _form(self, data):
        return self.form_class(
            data=data or None,
            skill_field=self.level_model._meta.get_field("skill"),
            admin_site=self.model_admin.admin_site,
        )

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.skill_parameter, self.level_parameter]

    def choices(self, changelist):
        yield {"form": self.form}

    def describe(self) -> str:
        """How the active-filter summary names this filter's value, e.g. "Python, level 3 or more"."""
        if self.errors or not self.form.is_valid() or self.form.cleaned_data.get(self.skill_parameter) is None:
            return "(ignored)"
        level = self.form.cleaned_data.get(self.level_parameter)
        skill = self.form.cleaned_data[self.skill_parameter].name
        return f"{skill}, level {level} or more" if level else f"{skill}, any level"

    def queryset(self, request, queryset):
        if not self.used_parameters:
            return queryset
        if self.errors:
            for name, errors in self.errors.items():
                value = self.used_parameters.get(name, "")
                messages.error(request, f'{name}: "{value}": {" ".join(errors)} The skill filter was ignored.')
            return queryset
        skill = self.form.cleaned_data[self.skill_parameter]
        level = self.form.cleaned_data[self.level_parameter]
        if skill is None:
            if level is not None:
                messages.error(request, "skill_level: choose a skill too; the minimum level was ignored.")
            return queryset
        held = self.level_model.objects.filter(**{self.row_field: OuterRef("pk")}, skill=skill)
        if level is not None:
            held = held.filter(level__gte=level)
        return queryset.filter(Exists(held))


class VolunteerSkillLevelFilter(SkillLevelFilter):
    """Volunteers with the skill at the level or above."""

    level_model = VolunteerSkill
    row_field = "volunteer"


class OpportunitySkillLevelFilter(SkillLevelFilter):
    """Opportunities asking for the skill (required or preferred) at the level or above."""

    level_model = OpportunitySkill
    row_field = "opportunity"


# --- volunteers who applied ----------------------------------------------------------------


def who_applied(user, volunteers):
    """The volunteers among `volunteers` with an application the user can see (for a PM: to
    their projects). The dashboard's "Active volunteers" of a PM counts these, and its link
    lists them through AppliedFilter."""
    return volunteers.filter(pk__in=applications_managed_by(user).values("volunteer"))


class AppliedFilter(DropdownFilter):
    title = "applications"
    parameter_name = "applied"

    def lookups(self, request, model_admin):
        return [("yes", "Applied to your projects" if not can_see_all_projects(request.user) else "Applied to any")]

    def queryset(self, request, queryset):
        return who_applied(request.user, queryset) if self.value() == "yes" else queryset


class PublicFilter(DropdownFilter):
    """Opportunities volunteers can see now (Opportunity.public_q: open and not expired), the
    dashboard's "Open opportunities"; a posting can stay open past its date until the expiry
    task closes it (an imported one is never scheduled)."""

    title = "public"
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("yes", "Public now (open, not expired)"), ("no", "Not public")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Opportunity.public_q())
        if self.value() == "no":
            return queryset.exclude(Opportunity.public_q())
        return queryset


# --- what the list shows as filtered --------------------------------------------------------


def _choice_label(spec, raw: str) -> str:
    if hasattr(spec, "scoped_label"):
        return spec.scoped_label(raw)
    for value, label in getattr(spec, "lookup_choices", None) or ():
        if str(value) == raw:
            return str(label)
    field = getattr(spec, "field", None)
    if isinstance(field, models.BooleanField):
        return {"1": "Yes", "0": "No", "True": "Yes", "False": "No"}.get(raw, raw)
    for value, label in getattr(field, "flatchoices", None) or ():
        if str(value) == raw:
            return str(label)
    return raw


def _describe(spec, used: dict) -> str:
    if hasattr(spec, "describe"):
        return spec.describe()
    names = spec.expected_parameters()
    low = next((used[name] for name in names if name.endswith("_from") and name in used), None)
    high = next((used[name] for name in names if name.endswith("_to") and name in used), None)
    if low is not None or high is not None:
        return f"{low or '…'} – {high or '…'}"
    values = [part for value in used.values() for part in str(value).split(",")]
    return ", ".join(_choice_label(spec, value) for value in values)


def active_filters(changelist) -> list[dict]:
    """One entry per filter (and the search) in effect: what it is, its value, and a link without it."""
    params = changelist.params
    chips = []
    for spec in changelist.filter_specs:
        used = {name: params[name] for name in spec.expected_parameters() if params.get(name) not in (None, "")}
        if not used:
            continue
        chips.append(
            {
                "title": str(spec.title).strip().capitalize(),
                "value": _describe(spec, used),
                "remove": changelist.get_query_string(remove=spec.expected_parameters()),
            }
        )
    if changelist.query:
        chips.append(
            {"title": "Search", "value": changelist.query, "remove": changelist.get_query_string(remove=[SEARCH_VAR])}
        )
    return chips


# --- status tabs (UNFOLD["TABS"]) -----------------------------------------------------------


def _status_tab(changelist: str, status, request) -> dict:
    return {
        "title": status.label if status else "All",
        "link": f"{reverse(changelist)}?status__exact={status.value}" if status else reverse(changelist),
        "active": (request.GET.get("status__exact") or "") == (status.value if status else ""),
    }


def status_tabs(request) -> list[dict]:
    """Tabs above the opportunity and application lists, one per status: a new draft is one
    click away however many postings are open."""
    from server.models import Application, Opportunity

    return [
        {
            "models": [f"server.{model._meta.model_name}"],
            "items": [
                _status_tab(f"admin:server_{model._meta.model_name}_changelist", status, request)
                for status in (None, *model.Status)
            ],
        }
        for model in (Opportunity, Application)
    ]
