from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from server.models.catalog import default_slug
from server.models.choices import CSV_DEFAULT_PERMISSIONS, Weekday
from server.models.fields import MinuteOfDayField, slot_within_one_day
from server.models.validators import default_timezone, validate_no_semicolon, validate_timezone
from server.schedule import ScheduleError, Slot, check_slot


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
    timezone = models.CharField(max_length=64, default=default_timezone, validators=[validate_timezone])
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


class MeetingTime(models.Model):
    """A weekly meeting, in the project's time zone."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meeting_times")
    label = models.CharField(max_length=120, blank=True, validators=[validate_no_semicolon])
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = MinuteOfDayField()
    end = MinuteOfDayField(allow_end_of_day=True)

    class Meta:
        ordering = ["project", "weekday", "start", "end"]
        constraints = [
            slot_within_one_day(
                name="meeting_time_valid_range", message="A meeting must end after it starts, within one day."
            ),
        ]

    def __str__(self):
        return str(self.slot)

    @property
    def slot(self) -> Slot:
        return Slot(self.weekday, self.start, self.end, self.label)

    def clean(self):
        # The schedule's own rule and words (schedule.check_slot), as in the CSV cell and the API.
        super().clean()
        if None not in (self.weekday, self.start, self.end):
            try:
                check_slot(self.weekday, self.start, self.end)
            except ScheduleError as error:
                raise ValidationError({"end": str(error)}) from None
