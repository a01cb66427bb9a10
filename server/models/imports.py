"""Admin CSV imports as background jobs: the uploaded file (kept in the database, since app
containers are stateless) and the job that checks and writes it, with its progress."""

from django.conf import settings
from django.db import models

KIND_MODELS = {
    "communities": "communityofpractice",
    "roles": "role",
    "skills": "skill",
    "projects": "project",
    "opportunities": "opportunity",
    "volunteers": "volunteer",
    "applications": "application",
}
IMPORT_KINDS = ["communities", "roles", "skills", "projects", "opportunities", "volunteers", "applications"]


class ImportUpload(models.Model):
    """An uploaded file, between the admin's preview and the job that imports it."""

    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file_name


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Phase(models.TextChoices):
        WAITING = "waiting", "Waiting for a worker"
        CHECKING = "checking", "Reading and checking"
        WRITING = "writing", "Writing"
        DONE = "done", "Done"

    kind = models.CharField(max_length=20, choices=[(kind, kind) for kind in IMPORT_KINDS])
    file_format = models.CharField(max_length=10, default="csv")
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    upload = models.ForeignKey(ImportUpload, null=True, on_delete=models.SET_NULL, related_name="jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.WAITING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=200, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first 1,000 errors.")
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import job"
        indexes = [models.Index(fields=["status", "created_at"], name="import_job_status_idx")]

    def __str__(self):
        return f"{self.kind} import of {self.file_name}"

    @property
    def kind_model(self) -> str:
        """The model name of the admin list the imported rows show in."""
        return KIND_MODELS.get(self.kind, "")

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
