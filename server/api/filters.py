"""Query parameters of the lists, declared with django-filter so they appear in the schema."""

import django_filters
from django import forms

from server.models import CommunityOfPractice, Opportunity, OpportunitySkill, Project, Role, Skill
from server.models.catalog import skill_key


class SkillNamesField(forms.ModelMultipleChoiceField):
    """Skill names matched ignoring case; an unknown name is a 400 that quotes it."""

    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_choice": '"%(value)s" is not a known skill.',
    }

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


class OpportunityFilter(django_filters.FilterSet):
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
    max_hours = django_filters.NumberFilter(
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


class RoleFilter(django_filters.FilterSet):
    community_of_practice = django_filters.ModelChoiceFilter(
        to_field_name="slug", queryset=CommunityOfPractice.objects.all(), help_text="Slug of a community of practice."
    )

    class Meta:
        model = Role
        fields = ["community_of_practice"]


class SkillFilter(django_filters.FilterSet):
    community_of_practice = django_filters.ModelChoiceFilter(
        field_name="communities_of_practice",
        to_field_name="slug",
        queryset=CommunityOfPractice.objects.all(),
        help_text="Slug of a community of practice.",
    )

    class Meta:
        model = Skill
        fields = ["community_of_practice"]
