"""Query parameters of the lists, declared with django-filter so they appear in the schema."""

import copy

import django_filters
from django import forms
from django.db.models import F, Q
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters

from server.models import CommunityOfPractice, Opportunity, OpportunitySkill, Project, Role, Skill
from server.models.catalog import skill_key


class SkillNamesField(forms.ModelMultipleChoiceField):
    """Skill names matched ignoring case; an unknown name is a 400 that quotes it."""

    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_choice": '"%(value)s" is not a known skill.',
    }

    def clean(self, value):
        # An absent parameter is no skill: [] rather than Django's `queryset.none()`, which the
        # filter below would have to evaluate to find it empty.
        if not value and not self.required:
            return []
        return super().clean(value)

    def _check_values(self, value):
        names = {skill_key(name): str(name) for name in value}
        found = self.queryset.named(names)
        for key, original in names.items():
            if key not in found:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": original}
                )
        return list(found.values())


class SkillNamesFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SkillNamesField

    def filter(self, qs, value):
        # One subquery per skill asked ("all of them"), driven by the skill's index: no join, so
        # no DISTINCT over whole rows. to_field_name="name" only documents the parameter as names.
        for skill in value or ():
            qs = qs.filter(pk__in=OpportunitySkill.objects.filter(skill=skill).values("opportunity_id"))
        return qs


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend (the API's default), skipped when the request gives none of the
    filterset's parameters: a filterset with nothing to filter still builds, binds and
    validates a form (about half a millisecond), then returns the queryset unchanged."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            _reads(name, item.field.widget, request.query_params) for name, item in filterset_class.base_filters.items()
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _reads(name: str, widget, params) -> bool:
    """Whether a filter's form field finds its parameter among `params`: a widget of several
    parameters (a range's `_min`/`_max`) says so itself; any other reads the one named after
    the filter. (Select-multiple widgets never say a value is omitted, as a browser sends no
    empty list, hence not `value_omitted_from_data` for all.)"""
    if isinstance(widget, forms.MultiWidget):
        return not widget.value_omitted_from_data(params, {}, name)
    return name in params


class SearchFilter(filters.SearchFilter):
    """DRF's `?search=` (every term in one of `search_fields`, ignoring case), with a field of
    a related row (`role__title`) matched by a subquery on that small table instead of a join
    made for every opportunity: on SQLite a search's count scans ~6,000 open postings, and
    the two joined look-ups per row were a quarter of its cost. Only plain fields and
    foreign keys, which is what the views search."""

    def filter_queryset(self, request, queryset, view):
        fields = self.get_search_fields(view, request)
        terms = self.get_search_terms(request)
        for term in terms if fields else ():
            matches = Q()
            for field in fields:
                matches |= _contains(queryset.model, field, term)
            queryset = queryset.filter(matches)
        return queryset


def _contains(model, field: str, term: str) -> Q:
    name, _, rest = field.partition("__")
    if not rest:
        return Q(**{f"{name}__icontains": term})
    related = model._meta.get_field(name).related_model
    return Q(**{f"{name}__in": related._default_manager.filter(_contains(related, rest, term)).values("pk")})


class _ShallowCopiedFilters(dict):
    """A filterset class's `base_filters`, which django-filter deep-copies for every request
    (`FilterSet.__init__`) so that each request can set a filter's `parent` and `model`: for
    the opportunity filters that copied their querysets, choices and widgets, about 40,000
    objects and half a millisecond. A shallow copy of each filter is enough for that; what the
    copies share (their options, `extra`) is only read once the form class is built."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(item) for name, item in self.items()}


class HoursAtMostFilter(django_filters.NumberFilter):
    """`min_hours_per_week <= N` (the filter's `lookup_expr`), compared as `min_hours_per_week + 0`
    so no index range scan is planned on the column: SQLite, which keeps no statistics, would otherwise read the open
    postings through the hours-ordering index (opportunity_public_by_hours) and look up every
    row (5 ms at 6,000 open) instead of counting them in the covering index
    opportunity_public_filters (0.5 ms). An expression on the column keeps the term off every
    index, as SQLite's documented unary `+` does (which Django cannot write); PostgreSQL plans
    the query from its statistics and never scans by this column alone anyway."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.alias(_hours=F(self.field_name) + 0).filter(**{f"_hours__{self.lookup_expr}": value})


class StaticFormFilterSet(django_filters.FilterSet):
    """django-filter builds a form class, and a form field per filter, on every request (about
    0.4 ms for the opportunity filters, half of what the filterset costs). These fields depend on
    nothing in the request, so each filterset class builds its form class once; Django still
    copies the fields into every form instance, so no request sees another's values."""

    @classmethod
    def get_filters(cls):
        return _ShallowCopiedFilters(super().get_filters())

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class OpportunityFilter(StaticFormFilterSet):
    community_of_practice = django_filters.ModelChoiceFilter(
        field_name="role__community_of_practice",
        to_field_name="slug",
        queryset=CommunityOfPractice.objects.all(),
        help_text="Slug of a community of practice.",
    )
    project = django_filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Project.objects.all(), help_text="Slug of a project."
    )
    role = django_filters.ModelChoiceFilter(queryset=Role.objects.all(), help_text="Id of a role.")
    skill = SkillNamesFilter(
        field_name="skill_requirements__skill",
        to_field_name="name",
        queryset=Skill.objects.all(),
        conjoined=True,
        help_text="Skill name (any case); repeat the parameter to ask for all of several skills.",
    )
    max_hours = HoursAtMostFilter(
        field_name="min_hours_per_week",
        lookup_expr="lte",
        min_value=0,
        max_value=168,  # hours in a week; the schema says the same (views.OpportunityViewSet)
        help_text="Only opportunities asking at most this many hours per week.",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Opportunity.Status.choices,
        help_text="Staff only in effect: anonymous callers see open opportunities whatever they ask.",
    )

    class Meta:
        model = Opportunity
        fields = ["community_of_practice", "project", "role", "skill", "work_environment", "experience_level"]


class RoleFilter(StaticFormFilterSet):
    community_of_practice = django_filters.ModelChoiceFilter(
        to_field_name="slug", queryset=CommunityOfPractice.objects.all(), help_text="Slug of a community of practice."
    )

    class Meta:
        model = Role
        fields = ["community_of_practice"]


class SkillFilter(StaticFormFilterSet):
    community_of_practice = django_filters.ModelChoiceFilter(
        field_name="communities_of_practice",
        to_field_name="slug",
        queryset=CommunityOfPractice.objects.all(),
        help_text="Slug of a community of practice.",
    )

    class Meta:
        model = Skill
        fields = ["community_of_practice"]
