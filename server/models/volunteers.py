import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from server.models.catalog import CommunityOfPractice, Role, Skill
from server.models.choices import (
    CSV_DEFAULT_PERMISSIONS,
    HOURS_MAX,
    HOURS_MIN,
    ExperienceLevel,
)
from server.models.fields import (
    SKILL_LEVEL_MESSAGE,
    WeeklySlot,
    hours_per_week_field,
    skill_level_field,
    skill_level_in_range,
    slot_within_one_day,
    timezone_field,
)


class Volunteer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=150)
    community_of_practice = models.ForeignKey(
        CommunityOfPractice, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteers"
    )
    roles = models.ManyToManyField(
        Role, related_name="interested_volunteers", blank=True, verbose_name="roles of interest"
    )
    experience_level = models.CharField(
        max_length=20, choices=ExperienceLevel.choices, default=ExperienceLevel.BEGINNER, db_index=True
    )
    max_hours_per_week = hours_per_week_field(null=True, blank=True)
    timezone = timezone_field()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    notes = models.TextField(blank=True)
    people_depot_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["name", "email"]
        indexes = [
            models.Index(fields=["name", "email"], name="volunteer_name_email"),
            # The admin list's order (Meta.ordering plus the "-pk" the admin adds for a total order).
            models.Index(fields=["name", "email", "-id"], name="volunteer_admin_list_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="volunteer_email_ci_unique",
                violation_error_message="A volunteer with this email already exists (emails ignore case).",
            ),
            models.CheckConstraint(
                condition=models.Q(max_hours_per_week__isnull=True)
                | models.Q(max_hours_per_week__gte=HOURS_MIN, max_hours_per_week__lte=HOURS_MAX),
                name="volunteer_max_hours_range",
                violation_error_message=f"Maximum hours per week must be between {HOURS_MIN} and {HOURS_MAX}.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "inactive"]), name="volunteer_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        if self.people_depot_id == "":
            self.people_depot_id = None
        super().save(*args, **kwargs)


class VolunteerSkill(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = skill_level_field()

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "skill"],
                name="volunteer_skill_unique",
                violation_error_message="This skill is already listed for the volunteer.",
            ),
            skill_level_in_range(name="volunteer_skill_level_range", message=SKILL_LEVEL_MESSAGE),
        ]

    def __str__(self):
        return f"{self.skill.name}:{self.level}"


class AvailabilitySlot(WeeklySlot):
    """A weekly window in which the volunteer can meet, in the volunteer's time zone."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="availability")

    class Meta:
        ordering = ["weekday", "start", "end"]
        constraints = [
            slot_within_one_day(
                name="availability_valid_range",
                message="An availability slot must end after it starts, within one day.",
            ),
        ]
