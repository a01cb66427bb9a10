from django.conf import settings
from django.db import models
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from server.models.catalog import default_slug
from server.models.choices import CSV_DEFAULT_PERMISSIONS
from server.models.fields import WeeklySlot, slot_within_one_day, timezone_field
from server.models.validators import validate_no_semicolon
from server.schedule import Slot


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    description = models.TextField(blank=True)
    website_url = models.URLField(blank=True)
    repository_url = models.URLField(blank=True)
    # Often a link to the channel rather than its #name, so not a SlugField.
    slack_channel = models.CharField(max_length=200, blank=True)
    timezone = timezone_field()
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_projects", blank=True, limit_choices_to={"is_staff": True}
    )
    people_depot_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "on_hold", "completed", "closed"]),
                name="project_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = default_slug(self.name)
        if self.people_depot_id == "":
            self.people_depot_id = None
        super().save(*args, **kwargs)


class MeetingTime(WeeklySlot):
    """A weekly meeting, in the project's time zone."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meeting_times")
    label = models.CharField(max_length=120, blank=True, validators=[validate_no_semicolon])

    class Meta:
        ordering = ["project", "weekday", "start", "end"]
        constraints = [
            slot_within_one_day(
                name="meeting_time_valid_range", message="A meeting must end after it starts, within one day."
            ),
        ]

    @property
    def slot(self) -> Slot:
        return Slot(self.weekday, self.start, self.end, self.label)
