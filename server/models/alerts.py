"""Volunteer alerts (DESIGN.md "Volunteer alerts"): a saved matching profile, no account.

An `Alert` holds the same answers as `POST /api/match/` plus how often to hear and how good a
match must be. It is one row per email address for good: unsubscribing clears the profile and
keeps the address with `unsubscribed_at` set, so the address stays suppressed (nothing but a new
confirmation is ever sent to it until it confirms again).

`AlertDelivery` is the through table between alerts and opportunities: one row per pair, ever,
so an opportunity is never sent to an alert twice. A row is `pending` while it waits for the
alert's next digest, `sent` once a `Digest` carried it, `skipped` when a digest had better
opportunities to show (at most 10 per digest) or it was no longer open by then.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now

from server.models.catalog import CommunityOfPractice, Role, Skill
from server.models.choices import CSV_DEFAULT_PERMISSIONS
from server.models.fields import (
    WeeklySlot,
    hours_per_week_field,
    skill_level_field,
    skill_level_in_range,
    slot_within_one_day,
    timezone_field,
)
from server.models.opportunities import Opportunity

MIN_SCORE_DEFAULT = 60


class Alert(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=150, blank=True)
    community_of_practice = models.ForeignKey(
        CommunityOfPractice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="+", verbose_name="roles of interest")
    max_hours_per_week = hours_per_week_field(null=True, blank=True)
    timezone = timezone_field()
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    min_score = models.FloatField(default=MIN_SCORE_DEFAULT, validators=[MinValueValidator(0), MaxValueValidator(100)])
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest confirmation request: its number (raised by every subscribe and unsubscribe, so
    # only the latest link confirms; it also keys the confirmation email) and when it was made.
    confirmation_number = models.PositiveIntegerField(default=0, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        # export_alert for the admin's export (Organizers hold every server permission).
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["-created_at", "email"]
        verbose_name = "volunteer alert"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="alert_email_unique", violation_error_message="This address has an alert."
            ),
            models.CheckConstraint(
                condition=models.Q(min_score__gte=0, min_score__lte=100),
                name="alert_min_score_range",
                violation_error_message="The minimum score must be between 0 and 100.",
            ),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        """Confirmed and not unsubscribed since: the only state in which digests go out."""
        return self.confirmed_at is not None and self.unsubscribed_at is None


class AlertSkill(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="skill_levels")
    # A skill deleted from the catalog leaves the alerts that named it (CASCADE on this row only).
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = skill_level_field()

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "skill"], name="alert_skill_unique"),
            skill_level_in_range(name="alert_skill_level_range"),
        ]
        indexes = [models.Index(fields=["skill", "alert"], name="alert_skill_by_skill")]

    def __str__(self):
        return f"{self.skill.name}:{self.level}"


class AlertSlot(WeeklySlot):
    """A weekly window of the alert's availability, in the alert's time zone (as AvailabilitySlot
    for volunteers, so matching reads both the same way)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="availability")

    class Meta:
        ordering = ["weekday", "start", "end"]
        constraints = [
            slot_within_one_day(name="alert_slot_valid_range"),
        ]


class Digest(models.Model):
    """One digest email as sent: when, to which alert, how many opportunities."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="digests")
    sent_at = models.DateTimeField(default=now, db_index=True)
    opportunity_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Digest to {self.alert.email} at {self.sent_at:%Y-%m-%d %H:%M}"


class AlertDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    digest = models.ForeignKey(Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name_plural = "alert deliveries"
        constraints = [models.UniqueConstraint(fields=["alert", "opportunity"], name="alert_delivery_once")]
        indexes = [models.Index(fields=["state", "alert"], name="alert_delivery_state")]

    def __str__(self):
        return f"{self.opportunity_id} → {self.alert_id} ({self.state})"
