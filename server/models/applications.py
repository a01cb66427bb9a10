from django.db import models
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from server.models.choices import CSV_DEFAULT_PERMISSIONS
from server.models.opportunities import Opportunity
from server.models.volunteers import Volunteer


class Application(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        INTERVIEWING = "interviewing", "Interviewing"
        ONBOARDED = "onboarded", "Onboarded"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        API = "api", "API"
        ADMIN = "admin", "Admin"
        IMPORT = "import", "Import"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="applications")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    # The name the applicant typed, kept with the application: an anonymous application never
    # changes the stored volunteer (DESIGN.md), whose name only staff and imports change.
    applicant_name = models.CharField(max_length=150, blank=True)
    message = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True, help_text="Seen by staff only.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ADMIN)
    created_at = models.DateTimeField(default=now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["-created_at"]
        # The admin list's order (Meta.ordering plus the "-pk" the admin adds for a total order).
        indexes = [models.Index(fields=["-created_at", "-id"], name="application_admin_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "volunteer"],
                name="application_unique_per_volunteer",
                violation_error_message="This volunteer has already applied to this opportunity.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["new", "contacted", "interviewing", "onboarded", "declined", "withdrawn"]
                ),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=["api", "admin", "import"]), name="application_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer.name} → {self.opportunity.title}"
