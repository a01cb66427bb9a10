import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from server.models.catalog import Role, Skill
from server.models.choices import (
    CSV_DEFAULT_PERMISSIONS,
    HOURS_MAX,
    HOURS_MIN,
    ExperienceLevel,
)
from server.models.fields import SKILL_LEVEL_MESSAGE, hours_per_week_field, skill_level_field, skill_level_in_range
from server.models.projects import Project
from server.models.scope import scoped_to_managed
from server.models.validators import BODY_MAX_LENGTH, POSITIONS_MAX


class OpportunityQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: open and not past its expiry date (Opportunity.public_q)."""
        return self.filter(Opportunity.public_q())

    def managed_by(self, user):
        """Rows a staff user may work on: all for organizers, their projects' for PMs (models.scope)."""
        return scoped_to_managed(self, user, project="project")


class Opportunity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        FILLED = "filled", "Filled"
        CLOSED = "closed", "Closed"

    class WorkEnvironment(models.TextChoices):
        REMOTE = "remote", "Remote"
        HYBRID = "hybrid", "Hybrid"
        IN_PERSON = "in_person", "In person"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="opportunities")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(max_length=200, blank=True, help_text="Leave blank to use the role's title.")
    body = models.TextField(blank=True, max_length=BODY_MAX_LENGTH, validators=[MaxLengthValidator(BODY_MAX_LENGTH)])
    experience_level = models.CharField(
        max_length=20, choices=ExperienceLevel.choices, default=ExperienceLevel.BEGINNER, db_index=True
    )
    min_hours_per_week = hours_per_week_field(default=HOURS_MIN, db_index=True)
    work_environment = models.CharField(
        max_length=20, choices=WorkEnvironment.choices, default=WorkEnvironment.REMOTE, db_index=True
    )
    positions = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(POSITIONS_MAX)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    expires_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    filled_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OpportunityQuerySet.as_manager()

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "opportunities"
        indexes = [
            # The API list's default order (newest published first, then its tie-breakers), with
            # the id: a page is read in order from the index, the rows skipped before a later
            # page never touch the table, nor do the ids a `?skill=` subquery checks.
            models.Index(fields=["status", "-published_at", "-created_at", "id"], name="opportunity_public_order"),
            # `?ordering=min_hours_per_week` with its tie-breakers: the first page is read from
            # the index instead of sorting every open row (2.5 ms on SQLite at 6,000 open).
            models.Index(
                fields=["status", "min_hours_per_week", "-created_at", "id"], name="opportunity_public_by_hours"
            ),
            models.Index(fields=["project", "status"], name="opportunity_project_status"),
            # The public filter (open and not expired) with the columns the API's list filters
            # on: the count of a filtered list (role, community via role, project, environment,
            # level, hours, skill via id) reads the index only, never the wide rows (bodies).
            models.Index(
                fields=[
                    "status",
                    "expires_on",
                    "work_environment",
                    "experience_level",
                    "min_hours_per_week",
                    "role",
                    "project",
                    "id",
                ],
                name="opportunity_public_filters",
            ),
            # The admin list's order (Meta.ordering plus the pk the admin adds): the first page of
            # 100k rows is read from the index instead of sorting the table.
            models.Index(fields=["-published_at", "-created_at", "-id"], name="opportunity_admin_list_order"),
            # The admin list's default order since drafts must be easy to find: last changed first.
            models.Index(fields=["-updated_at", "-id"], name="opportunity_admin_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_hours_per_week__gte=HOURS_MIN, min_hours_per_week__lte=HOURS_MAX),
                name="opportunity_min_hours_range",
                violation_error_message=f"Minimum hours per week must be between {HOURS_MIN} and {HOURS_MAX}.",
            ),
            models.CheckConstraint(
                condition=models.Q(positions__gte=1),
                name="opportunity_positions_positive",
                violation_error_message="Positions must be at least 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "open", "on_hold", "filled", "closed"]),
                name="opportunity_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(experience_level__in=["beginner", "intermediate", "advanced"]),
                name="opportunity_experience_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(work_environment__in=["remote", "hybrid", "in_person"]),
                name="opportunity_work_environment_valid",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.project.name}" if self.project_id else self.title

    def save(self, *args, **kwargs):
        if not self.title and self.role_id:
            self.title = self.default_title(self.title, self.role.title)
        super().save(*args, **kwargs)

    @staticmethod
    def default_title(title: str, role_title: str) -> str:
        """A posting without a title is titled after its role (save() and the CSV import)."""
        return title or role_title

    @staticmethod
    def is_past(expires_on, today=None) -> bool:
        """Whether a posting with this expiry date has expired: the one statement of "expired"
        (`today` for a caller that checks many rows against one date; the matching tables hold
        the same rule as a column, compact.OpportunityTable.public)."""
        return expires_on is not None and expires_on < (today or timezone.localdate())

    @property
    def community_of_practice(self):
        return self.role.community_of_practice

    @property
    def is_expired(self) -> bool:
        return self.is_past(self.expires_on)

    @staticmethod
    def public_q(prefix: str = "") -> models.Q:
        """The one definition of "public" (open and not expired) as a filter; `prefix` reaches
        opportunities from another model ("opportunities__" from a project). `is_public` is
        the same rule on one row."""
        today = timezone.localdate()
        return models.Q(**{f"{prefix}status": Opportunity.Status.OPEN}) & (
            models.Q(**{f"{prefix}expires_on__isnull": True}) | models.Q(**{f"{prefix}expires_on__gte": today})
        )

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.OPEN and not self.is_expired


def listed_twice(name: str) -> str:
    return f'"{name}" is listed twice'


def skill_errors(items, *, elsewhere=frozenset()) -> list[str]:
    """The rules of one skill list, for every door (a volunteer's skills, an opportunity's
    required or preferred ones, a match request's): each skill listed once, and none of those
    in `elsewhere` (the required ones, for the preferred list). `items` are (key, name) pairs
    (any hashable key: a pk or a Skill). Returns the messages, empty when fine."""
    seen, errors = set(), []
    for key, name in items:
        if key in seen:
            errors.append(listed_twice(name))
        elif key in elsewhere:
            errors.append(f'"{name}" is both required and preferred')
        seen.add(key)
    return errors


def skill_list_errors(*, required, preferred) -> dict[str, list[str]]:
    """An opportunity's two lists (skill_errors of each; never both required and preferred).
    Returns {field: [messages]}, empty when fine."""
    required = list(required)
    errors = {
        "required_skills": skill_errors(required),
        "preferred_skills": skill_errors(preferred, elsewhere={key for key, _ in required}),
    }
    return {field: messages for field, messages in errors.items() if messages}


class OpportunitySkill(models.Model):
    """A skill an opportunity asks for, at a level, either required or preferred."""

    class Kind(models.TextChoices):
        REQUIRED = "required", "Required"
        PREFERRED = "preferred", "Preferred"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="skill_requirements")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = skill_level_field()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REQUIRED)

    class Meta:
        ordering = ["kind", "skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "skill"],
                name="opportunity_skill_unique",
                violation_error_message="A skill can be listed once per opportunity (required or preferred).",
            ),
            skill_level_in_range(name="opportunity_skill_level_range", message=SKILL_LEVEL_MESSAGE),
            models.CheckConstraint(
                condition=models.Q(kind__in=["required", "preferred"]), name="opportunity_skill_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.skill.name}:{self.level}"


class RequiredSkill(OpportunitySkill):
    """Proxy so the admin can show required and preferred skills as separate inlines."""

    class Meta:
        proxy = True


class PreferredSkill(OpportunitySkill):
    class Meta:
        proxy = True
