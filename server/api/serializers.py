"""Shapes of the REST API (DESIGN.md "REST API"). Reads are nested; writes take slugs and ids.

Serializers only translate: rules about statuses and skills live in server.services.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from server.api.items import meeting_time
from server.matching import Profile
from server.models import Application, CommunityOfPractice, Opportunity, Project, Role, Skill, Volunteer
from server.models.choices import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN
from server.models.opportunities import OpportunitySkill, skill_errors, skill_list_errors
from server.models.validators import bound_messages, validate_timezone, value_bounds
from server.schedule import DAY_ABBREVIATIONS, ScheduleError, known_timezones, parse_schedule

# Caps on the lists a body may carry, checked before any item costs a query (issue 12: a
# caller must not choose what a request costs). Far above what a person lists.
MAX_SKILLS = 100
MAX_ROLES = 50


class CappedListField(serializers.ListField):
    """DRF's ListField checks max_length after validating every item; this one first, so a
    20,000-item list costs one len()."""

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


def model_bounded(model, name: str, field_class=serializers.CharField, **kwargs):
    """A plain serializer's field for `model`'s field `name`: its length or range, said in the
    model's words (models.validators), as the admin and the CSV import say them."""
    model_field = model._meta.get_field(name)
    minimum, maximum = value_bounds(model_field)
    bounds = {"max_length": model_field.max_length, "min_value": minimum, "max_value": maximum}
    kwargs.update({key: value for key, value in bounds.items() if value is not None})
    return field_class(error_messages=bound_messages(model_field), **kwargs)


# --- small nested shapes --------------------------------------------------------------------


class CommunityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommunityOfPractice
        fields = ["slug", "name"]
        read_only_fields = fields


class ProjectRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["slug", "name"]
        read_only_fields = fields


class RoleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "title"]
        read_only_fields = fields


class SkillLevelSerializer(serializers.Serializer):
    """A skill an opportunity asks for: `{"name": "Python", "level": 4}`."""

    name = model_bounded(Skill, "name")
    level = serializers.IntegerField(min_value=SKILL_LEVEL_MIN, max_value=SKILL_LEVEL_MAX)

    def to_representation(self, instance):
        if isinstance(instance, OpportunitySkill):
            return {"name": instance.skill.name, "level": instance.level}
        return super().to_representation(instance)

    def validate_name(self, value):
        """Names match existing skills ignoring case; an unknown name is an error, never a new skill."""
        # One look-up function per request (the context is the root serializer's), so a body
        # listing many skills reads the catalog once.
        find = self.context.get("_find_skill")
        if find is None:
            find = self.context["_find_skill"] = Skill.objects.finder()
        skill = find(value)
        if skill is None:
            raise serializers.ValidationError(f'"{value}" is not a known skill.')
        return skill


class MeetingTimeSerializer(serializers.Serializer):
    """A weekly meeting in the project's time zone; `end` may be "24:00"."""

    label = serializers.CharField(read_only=True)
    weekday = serializers.ChoiceField(choices=DAY_ABBREVIATIONS, read_only=True)
    start = serializers.RegexField(r"^\d{2}:\d{2}$", read_only=True, help_text="HH:MM, 24-hour")
    end = serializers.RegexField(r"^\d{2}:\d{2}$", read_only=True, help_text="HH:MM, 24-hour; 24:00 is midnight")
    timezone = serializers.CharField(read_only=True, help_text="The project's IANA time zone")

    def to_representation(self, instance):
        return _meeting_time(instance, instance.project.timezone)


def _meeting_time(meeting, timezone: str) -> dict:
    return meeting_time(
        label=meeting.label, weekday=meeting.weekday, start=meeting.start, end=meeting.end, timezone=timezone
    )


def _meeting_times(project) -> list[dict]:
    # Plain dicts rather than a serializer per row: a page of 100 items would build 100 of them.
    return [_meeting_time(meeting, project.timezone) for meeting in project.meeting_times.all()]


# --- opportunities --------------------------------------------------------------------------


# The item as the OpenAPI schema declares it. Responses are built as plain data by
# server.api.items (a constant number of queries, no serializer per item); this serializer
# renders the same item the ordinary DRF way, a few queries per item, and test_items.py holds
# the two byte for byte equal: it is the reference, not a path any response takes. (Comments,
# not the docstring: the docstring is the schema component's public description.)
class OpportunitySerializer(serializers.ModelSerializer):
    """The opportunity item of DESIGN.md, for lists, details and the match results."""

    project = ProjectRefSerializer(read_only=True)
    role = RoleRefSerializer(read_only=True)
    community_of_practice = CommunityRefSerializer(source="role.community_of_practice", read_only=True)
    required_skills = serializers.SerializerMethodField()
    preferred_skills = serializers.SerializerMethodField()
    meeting_times = serializers.SerializerMethodField()

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "title",
            "status",
            "project",
            "role",
            "community_of_practice",
            "body",
            "experience_level",
            "min_hours_per_week",
            "work_environment",
            "positions",
            "required_skills",
            "preferred_skills",
            "meeting_times",
            "published_at",
            "expires_on",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SkillLevelSerializer(many=True))
    def get_required_skills(self, opportunity):
        return self._skills(opportunity, OpportunitySkill.Kind.REQUIRED)

    @extend_schema_field(SkillLevelSerializer(many=True))
    def get_preferred_skills(self, opportunity):
        return self._skills(opportunity, OpportunitySkill.Kind.PREFERRED)

    @extend_schema_field(MeetingTimeSerializer(many=True))
    def get_meeting_times(self, opportunity):
        meetings = opportunity.project.meeting_times.order_by("weekday", "start", "end", "pk")
        return [_meeting_time(meeting, opportunity.project.timezone) for meeting in meetings]

    @staticmethod
    def _skills(opportunity, kind):
        rows = opportunity.skill_requirements.filter(kind=kind).select_related("skill").order_by("skill__name")
        return SkillLevelSerializer(rows, many=True).data


class BoundedModelSerializer(serializers.ModelSerializer):
    """Fields built from the model keep its bounds and say them in its words (models.validators)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        messages = bound_messages(model_field)
        if messages:
            kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        return field_class, kwargs


class OpportunityWriteSerializer(BoundedModelSerializer):
    """What staff send to create or change an opportunity: `project` by slug, `role` by id.
    Bounds (lengths, hours, positions) are the model's."""

    project = serializers.SlugRelatedField(slug_field="slug", queryset=Project.objects.all())
    role = serializers.PrimaryKeyRelatedField(queryset=Role.objects.all())
    status = serializers.ChoiceField(choices=Opportunity.Status.choices, required=False)
    required_skills = SkillLevelSerializer(many=True, required=False, max_length=MAX_SKILLS)
    preferred_skills = SkillLevelSerializer(many=True, required=False, max_length=MAX_SKILLS)

    class Meta:
        model = Opportunity
        fields = [
            "project",
            "role",
            "title",
            "status",
            "body",
            "experience_level",
            "min_hours_per_week",
            "work_environment",
            "positions",
            "required_skills",
            "preferred_skills",
            "expires_on",
        ]

    def validate(self, attrs):
        errors = skill_list_errors(
            required=[(item["name"].pk, item["name"].name) for item in attrs.get("required_skills", [])],
            preferred=[(item["name"].pk, item["name"].name) for item in attrs.get("preferred_skills", [])],
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- matching -------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": sorted(known_timezones())})
class TimeZoneField(serializers.CharField):
    """An IANA zone name; the schema lists them all, so it says which strings are refused."""


class MatchRequestSerializer(serializers.Serializer):
    """A volunteer's answers in the qualifier flow. Nothing is stored."""

    community_of_practice = serializers.SlugRelatedField(
        slug_field="slug", queryset=CommunityOfPractice.objects.all(), required=False, allow_null=True
    )
    # Ids checked in one query (validate_roles), after the length cap: never a query per item.
    roles = CappedListField(
        child=serializers.IntegerField(min_value=1),
        max_length=MAX_ROLES,
        required=False,
        help_text=f"Ids of the roles of interest (at most {MAX_ROLES}).",
    )
    # The one answer without "?" in the contract: always sent, possibly empty.
    skills = SkillLevelSerializer(
        many=True,
        max_length=MAX_SKILLS,
        help_text=f"The volunteer's skills with levels 1-5 (at most {MAX_SKILLS}); may be empty.",
    )
    max_hours_per_week = model_bounded(
        Volunteer, "max_hours_per_week", serializers.IntegerField, required=False, allow_null=True
    )
    timezone = model_bounded(
        Volunteer,
        "timezone",
        TimeZoneField,
        validators=[validate_timezone],  # the model's rule and words
        required=False,
        help_text="IANA zone of `availability`; the organisation's zone by default.",
    )
    availability = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text='Weekly slots, e.g. "Mon 18:00-20:00; Sat 10:00-12:00".',
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)

    def validate_roles(self, value):
        found = Role.objects.in_bulk(set(value))
        unknown = [str(pk) for pk in dict.fromkeys(value) if pk not in found]
        if unknown:
            raise serializers.ValidationError(f"No role has the id {', '.join(unknown)}.")
        return [found[pk] for pk in dict.fromkeys(value)]

    def validate_availability(self, value):
        try:
            return tuple(parse_schedule(value))
        except ScheduleError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate_skills(self, value):
        errors = skill_errors([(item["name"].pk, item["name"].name) for item in value])
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def to_profile(self) -> Profile:
        data = self.validated_data
        cop = data.get("community_of_practice")
        return Profile(
            community_of_practice_id=cop.pk if cop else None,
            role_ids=frozenset(role.pk for role in data.get("roles", [])),
            skills={item["name"].pk: item["level"] for item in data["skills"]},
            max_hours_per_week=data.get("max_hours_per_week"),
            timezone=data.get("timezone") or settings.ORG_TIME_ZONE,
            availability=data.get("availability", ()),
        )


class BreakdownSerializer(serializers.Serializer):
    skills = serializers.FloatField(min_value=0, max_value=1)
    hours = serializers.FloatField(min_value=0, max_value=1)
    availability = serializers.FloatField(min_value=0, max_value=1)
    interest = serializers.FloatField(min_value=0, max_value=1)


class ExplanationSerializer(serializers.Serializer):
    """The breakdown in words (DESIGN.md, "Matching"), one sentence per component."""

    skills = serializers.CharField(help_text="Skills held and missing with levels, e.g. `Python 4 of 3 ✓ · no SQL`.")
    hours = serializers.CharField(help_text="e.g. `10 h/week ≥ 5 needed`.")
    availability = serializers.CharField(help_text="e.g. `can attend 2 h of 3 h of meetings`.")
    interest = serializers.CharField(help_text="e.g. `Back End Developer is a role of interest`.")


# Declared for the schema; the results are built as plain data by items.match_results.
class MatchSerializer(serializers.Serializer):
    opportunity = OpportunitySerializer()
    score = serializers.FloatField(min_value=0, max_value=100)
    breakdown = BreakdownSerializer()
    explanation = ExplanationSerializer(help_text="Why, in words: the same numbers as `breakdown`.")


class MatchResultsSerializer(serializers.Serializer):
    results = MatchSerializer(many=True)


# --- catalog --------------------------------------------------------------------------------


class CommunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = CommunityOfPractice
        fields = ["slug", "name", "description"]
        read_only_fields = fields


class RoleSerializer(serializers.ModelSerializer):
    community_of_practice = CommunityRefSerializer(read_only=True)

    class Meta:
        model = Role
        fields = ["id", "title", "community_of_practice", "description"]
        read_only_fields = fields


class SkillSerializer(serializers.ModelSerializer):
    communities_of_practice = CommunityRefSerializer(many=True, read_only=True)

    class Meta:
        model = Skill
        fields = ["id", "name", "communities_of_practice", "description"]
        read_only_fields = fields


class BlankAsNullURLField(serializers.URLField):
    """A URL that may be unset: `null` rather than an empty string that is not a URL."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class ProjectSerializer(serializers.ModelSerializer):
    website_url = BlankAsNullURLField()
    repository_url = BlankAsNullURLField()
    meeting_times = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "slug",
            "name",
            "status",
            "description",
            "website_url",
            "repository_url",
            "slack_channel",
            "timezone",
            "meeting_times",
        ]
        read_only_fields = fields

    @extend_schema_field(MeetingTimeSerializer(many=True))
    def get_meeting_times(self, project):
        return _meeting_times(project)


# --- applications, tokens, health ----------------------------------------------------------


class ApplicationCreateSerializer(serializers.Serializer):
    opportunity = serializers.UUIDField(help_text="The id of an open opportunity.")
    name = model_bounded(Application, "applicant_name")
    email = model_bounded(Volunteer, "email", serializers.EmailField)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate_opportunity(self, value):
        # One message for "no such id" and "not open": a draft's existence is nobody's business.
        opportunity = Opportunity.objects.public().filter(pk=value).first()
        if opportunity is None:
            raise serializers.ValidationError(f"No open opportunity has the id {value}.")
        return opportunity


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Application.Status.choices, read_only=True)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class TaskQueueSerializer(serializers.Serializer):
    queued = serializers.IntegerField(read_only=True, help_text="Tasks ready to run now.")
    oldest_seconds = serializers.IntegerField(read_only=True, help_text="How long the oldest has waited.")


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "error"], read_only=True)
    database = serializers.ChoiceField(choices=["ok", "unavailable"], read_only=True)
    version = serializers.CharField(read_only=True)
    tasks = TaskQueueSerializer(read_only=True, required=False)
