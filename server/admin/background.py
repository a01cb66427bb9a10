"""Background work in the admin, for Organizers only: import jobs (with the job page and its
progress), the task results of django-tasks-db, and the outgoing emails."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult, get_date_max
from unfold.admin import ModelAdmin
from unfold.decorators import display

from server.models import ImportJob, OutboundEmail
from server.permissions import can_see_all_projects
from server.tasks.imports import fail_stale_jobs, retry_job
from server.tasks.status import queue_figures

JOB_COLOURS = {"queued": "info", "running": "warning", "succeeded": "success", "failed": "danger"}
TASK_COLOURS = {"READY": "info", "RUNNING": "warning", "SUCCESSFUL": "success", "FAILED": "danger"}
EMAIL_COLOURS = {"pending": "info", "sending": "warning", "sent": "success", "failed": "danger"}


def organizers_only(request) -> bool:
    """Sidebar permission of the background-work pages."""
    return can_see_all_projects(request.user)


def tasks_card(user) -> dict | None:
    """The dashboard's background-work card, for Organizers: failed tasks, queue, last imports."""
    if not can_see_all_projects(user):
        return None
    figures = queue_figures()
    failed_url = reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    return {
        "failed": figures["failed"],
        "queued": figures["queued"],
        "oldest_seconds": figures["oldest_seconds"],
        "running": figures["running"],
        "failed_url": failed_url,
        "jobs_url": reverse("admin:server_importjob_changelist"),
        "failed_emails": OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
    }


class OrganizersOnly(ModelAdmin):
    """Read-only pages that only Organizers (and superusers) see."""

    def has_module_permission(self, request):
        return can_see_all_projects(request.user)

    def has_view_permission(self, request, obj=None):
        return can_see_all_projects(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def file_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


def job_progress(job: ImportJob) -> dict:
    """What the job page's bar and counters show."""
    total = max(job.rows_total, job.rows_checked, 1)
    checked = min(100, round(100 * job.rows_checked / total))
    if job.status == ImportJob.Status.SUCCEEDED:
        percent = 100
    elif job.phase == ImportJob.Phase.WRITING:
        # Checking fills 90 %, writing the rest; the written rows are seen on PostgreSQL (the
        # worker reports them from a second connection), on SQLite only when the write commits.
        percent = 90 + min(9, 9 * job.rows_written // total)
    else:
        percent = round(0.9 * checked)
    return {
        "percent": percent,
        "counters": [
            ("Rows read", number_format(job.rows_read, force_grouping=True)),
            ("Checked", number_format(job.rows_checked, force_grouping=True)),
            ("Written", number_format(job.rows_written, force_grouping=True)),
            ("Rows in the file", ("about " if not job.finished else "") + number_format(total, force_grouping=True)),
        ],
    }


@admin.register(ImportJob)
class ImportJobAdmin(OrganizersOnly):
    list_display = ["file_name", "kind", "created_by", "created_at", "size_display", "status_label", "summary"]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "created_by__email"]
    list_select_related = ["created_by"]
    list_display_links = ["file_name"]
    change_form_outer_before_template = "admin/server/importjob/progress_card.html"
    fields = [
        "kind",
        "file_name",
        "size_display",
        "file_format",
        "created_by",
        "created_at",
        "status",
        "summary",
        "failure_reason",
        "attempts",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("errors")

    @display(description="Size", ordering="size")
    def size_display(self, obj):
        return file_size(obj.size)

    @display(description="Status", ordering="status", label=JOB_COLOURS)
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

    def changelist_view(self, request, extra_context=None):
        fail_stale_jobs()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        fail_stale_jobs()
        job = get_object_or_404(ImportJob, pk=object_id) if self.has_view_permission(request) else None
        extra = {**(extra_context or {}), **self.progress_context(request, job)} if job else extra_context
        return super().change_view(request, object_id, form_url, extra)

    def progress_context(self, request, job):
        return {
            "job": job,
            "progress": job_progress(job),
            "errors_shown": job.errors[:1000],
            "progress_url": reverse("admin:server_importjob_progress", args=[job.pk]),
            "errors_url": reverse("admin:server_importjob_errors", args=[job.pk]),
            "retry_url": reverse("admin:server_importjob_retry", args=[job.pk]),
            "changelist_url": reverse(f"admin:server_{job.kind_model}_changelist") if job.kind_model else "",
        }

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:job_id>/progress/", view(self.progress_view), name="server_importjob_progress"),
            path("<int:job_id>/errors.csv", view(self.errors_view), name="server_importjob_errors"),
            path("<int:job_id>/retry/", view(require_POST(self.retry_view)), name="server_importjob_retry"),
            *super().get_urls(),
        ]

    def _job(self, request, job_id) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(ImportJob, pk=job_id)

    def progress_view(self, request, job_id):
        """The fragment the job page polls (htmx, every second) until the job is finished."""
        fail_stale_jobs()
        job = self._job(request, job_id)
        context = self.progress_context(request, job)
        response = TemplateResponse(request, "admin/server/importjob/progress.html", context)
        if job.finished and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"  # once, so the job's details below show the outcome too
        return response

    def errors_view(self, request, job_id):
        job = self._job(request, job_id)

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())
        rows = [["error"], *([error] for error in job.errors)]
        if job.error_count > len(job.errors):
            more = job.error_count - len(job.errors)
            rows.append([f"… and {more:,} more errors (the first {len(job.errors):,} are kept)"])
        response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response

    def retry_view(self, request, job_id):
        job = self._job(request, job_id)
        try:
            retry_job(job=job)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, "The import is queued again.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:server_importjob_change", args=[job.pk]))


# django-tasks-db registers a plain admin; this one has Unfold's look and is for Organizers.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(OrganizersOnly):
    list_display = [
        "task_name",
        "status_label",
        "enqueued_at",
        "run_after_display",
        "started_at",
        "finished_at",
        "attempts",
        "queue_name",
    ]
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path", "id"]
    ordering = ["-enqueued_at"]
    fields = [
        "id",
        "task_path",
        "status",
        "args_kwargs",
        "enqueued_at",
        "run_after_display",
        "started_at",
        "finished_at",
        "worker_ids",
        "return_value",
        "exception_class_path",
        "traceback_display",
    ]
    readonly_fields = fields

    @display(description="Task", ordering="task_path")
    def task_name(self, obj):
        return obj.task_path.rsplit(".", 1)[-1].replace("_", " ")

    @display(description="Status", ordering="status", label=TASK_COLOURS)
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

    @display(description="Run after", ordering="run_after", empty_value="—")
    def run_after_display(self, obj):
        return None if obj.run_after == get_date_max() else obj.run_after

    @display(description="Attempts")
    def attempts(self, obj):
        return len(obj.worker_ids)

    @display(description="Traceback")
    def traceback_display(self, obj):
        from django.utils.html import format_html

        return format_html('<pre class="whitespace-pre-wrap text-xs">{}</pre>', obj.traceback) if obj.traceback else "—"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(OrganizersOnly):
    list_display = ["subject", "recipients", "status_label", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key"]
    fields = ["key", "subject", "to", "cc", "status", "attempts", "last_error", "created_at", "sent_at", "body"]
    readonly_fields = fields

    @display(description="To")
    def recipients(self, obj):
        return ", ".join(obj.to)

    @display(description="Status", ordering="status", label=EMAIL_COLOURS)
    def status_label(self, obj):
        return obj.status, obj.get_status_display()
