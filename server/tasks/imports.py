"""Admin CSV imports as jobs: the file is stored in the database, a task worker checks and
writes it through the importer's one entry point (server.importing.import_file, the same the
`import_csv` command runs in the foreground), and the job row carries the progress the admin
page polls.

All-or-nothing is the importer's: every row is checked before anything is written, and the
write is one transaction, so a worker killed half way leaves no row behind (the database rolls
the transaction back when the connection drops). The job row then still says "running";
`fail_stale_jobs` (run whenever the admin shows jobs) notices that its worker is gone — its
process no longer exists on this machine, or, from another machine, its heartbeat stopped for
`IMPORT_JOB_STALE_SECONDS` — and marks it failed with the reason. `retry_job` queues it again.
"""

import contextlib
import datetime
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from server.models import ImportJob, ImportUpload

logger = logging.getLogger(__name__)
ERRORS_KEPT = 1000
PROGRESS_EVERY = 0.2  # seconds between progress writes (the page polls twice a second)
HEARTBEAT_EVERY = 1.0  # also how often the written rows are shown
Status, Phase = ImportJob.Status, ImportJob.Phase


def estimate_rows(data: bytes) -> int:
    """Data rows of a CSV file, counted by line ends (a cell with a line break counts twice)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(0, lines - 1)


def store_upload(*, data: bytes, file_name: str, user=None) -> ImportUpload:
    return ImportUpload.objects.create(file_name=file_name[:255], size=len(data), content=data, uploaded_by=user)


@transaction.atomic
def create_job(*, upload: ImportUpload, kind: str, file_format: str = "csv", user=None) -> ImportJob:
    """A queued job for the stored upload; its task is committed with it."""
    job = ImportJob.objects.create(
        kind=kind,
        file_format=file_format,
        file_name=upload.file_name,
        size=upload.size,
        upload=upload,
        created_by=user,
        rows_total=estimate_rows(bytes(upload.content)) if file_format == "csv" else 0,
    )
    _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    result = run_import_job.enqueue(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)


@transaction.atomic
def retry_job(*, job: ImportJob) -> ImportJob:
    """Queue a failed job again, from the start (its file is still stored)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.FAILED:
        raise ValueError(f"Only a failed import can be retried; this one is {job.get_status_display().lower()}.")
    if job.upload_id is None:
        raise ValueError("The file of this import is no longer stored; upload it again.")
    for name, value in _fresh_state().items():
        setattr(job, name, value)
    job.save()
    _enqueue(job)
    return job


def _fresh_state() -> dict:
    return {
        "status": Status.QUEUED,
        "phase": Phase.WAITING,
        "rows_read": 0,
        "rows_checked": 0,
        "rows_written": 0,
        "summary": "",
        "error_count": 0,
        "errors": [],
        "failure_reason": "",
        "worker_host": "",
        "worker_pid": None,
        "started_at": None,
        "heartbeat_at": None,
        "finished_at": None,
    }


def _claim(job_id: int) -> ImportJob | None:
    """Mark the job running for this process, unless another worker has it already."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return None
        now = timezone.now()
        job.status, job.phase = Status.RUNNING, Phase.CHECKING
        job.started_at = job.heartbeat_at = now
        job.worker_host, job.worker_pid = socket.gethostname(), os.getpid()
        job.attempts += 1
        job.save()
    return job


class _Progress:
    """The importer's progress callback: rows read and checked so far, written to the job row
    at most every PROGRESS_EVERY seconds. The importer reports every 1,000 rows and once more
    when every row is checked; after that it writes."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.last_count = -1
        self.last_write = 0.0

    def __call__(self, count: int, *args, **kwargs) -> None:
        final = count % 1000 != 0 or count == self.last_count
        self.last_count = count
        now = time.monotonic()
        if not final and now - self.last_write < PROGRESS_EVERY:
            return
        self.last_write = now
        fields = {"rows_read": count, "rows_checked": count, "heartbeat_at": timezone.now()}
        if final:
            fields.update(phase=Phase.WRITING, rows_total=count)
        ImportJob.objects.filter(pk=self.job.pk).update(**fields)


class _Heartbeat(threading.Thread):
    """Touches the job's heartbeat from its own connection while the import runs, so other
    machines can tell a slow import from a dead worker, and carries the rows written so far:
    the write is one transaction, so only another connection can show its progress (on
    PostgreSQL; SQLite's single writer lock keeps the count for the end)."""

    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"import-job-{job_id}-heartbeat")
        self.job_id = job_id
        self.stopped = threading.Event()
        self.rows_written = 0

    def written(self, rows: int) -> None:  # the importer's callback, from the importing thread
        self.rows_written = rows

    def run(self):
        try:
            while not self.stopped.wait(HEARTBEAT_EVERY):
                fields = {"heartbeat_at": timezone.now()}
                if self.rows_written:
                    fields["rows_written"] = self.rows_written
                # SQLite: the import may hold the write lock; then the next beat tries again.
                with contextlib.suppress(DatabaseError):
                    ImportJob.objects.filter(pk=self.job_id, status=Status.RUNNING).update(**fields)
        finally:
            connection.close()


def _read_and_import(job: ImportJob, data: bytes, progress, written):
    from server.importing import import_file, run_import

    if job.file_format != "json":  # CSV and XLSX: the importer's streaming reader
        return import_file(kind=job.kind, data=data, user=job.created_by, progress=progress, written=written)
    from import_export.formats.base_formats import JSON

    dataset = JSON().create_dataset(data)
    rows = ((number, list(cells)) for number, cells in enumerate(dataset, start=2))
    return run_import(
        kind=job.kind,
        headers=list(dataset.headers or []),
        rows=rows,
        user=job.created_by,
        progress=progress,
        written=written,
    )


@task()
def run_import_job(*, job_id: int) -> str:
    """Check and write one import job. Runs it once: a job that is not queued is left alone."""
    job = _claim(job_id)
    if job is None:
        return f"import job {job_id}: not queued, nothing to do"
    heartbeat = None if connection.in_atomic_block else _Heartbeat(job.pk)
    if heartbeat:
        heartbeat.start()
    try:
        data = bytes(ImportUpload.objects.values_list("content", flat=True).get(pk=job.upload_id))
        report = _read_and_import(job, data, _Progress(job), heartbeat.written if heartbeat else None)
    except Exception as error:
        _finish(job, failure=f"The import stopped with an error and wrote nothing: {type(error).__name__}: {error}")
        raise
    finally:
        if heartbeat:
            heartbeat.stopped.set()
            heartbeat.join(10)
    _finish(job, report=report)
    return f"import job {job_id}: {report.summary}"


def _finish(job: ImportJob, *, report=None, failure: str = "") -> None:
    fields = {"phase": Phase.DONE, "finished_at": timezone.now(), "heartbeat_at": timezone.now()}
    if report is not None:
        errors = list(report.errors)  # the importer lists the first 1,000 and counts the rest
        fields.update(
            status=Status.SUCCEEDED if report.ok else Status.FAILED,
            summary=report.summary,
            error_count=report.error_count,
            errors=errors[:ERRORS_KEPT],
            rows_written=(report.new + report.updated) if report.ok else 0,
            failure_reason="" if report.ok else "The file has errors; nothing was written.",
        )
    else:
        fields.update(status=Status.FAILED, failure_reason=failure[:5000])
    ImportJob.objects.filter(pk=job.pk).update(**fields)


# --- jobs whose worker died -------------------------------------------------------------------
def _process_gone(pid: int | None) -> bool:
    if not pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child its parent has not reaped yet is a zombie: gone all the same
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _worker_gone(job: ImportJob, *, now) -> bool:
    if job.worker_host == socket.gethostname():
        return _process_gone(job.worker_pid)
    stale = datetime.timedelta(seconds=settings.IMPORT_JOB_STALE_SECONDS)
    return job.heartbeat_at is None or now - job.heartbeat_at > stale


def fail_stale_jobs() -> int:
    """Mark failed the running jobs whose worker is gone; returns how many."""
    now = timezone.now()
    failed = 0
    for job in ImportJob.objects.filter(status=Status.RUNNING).defer("errors"):
        if not _worker_gone(job, now=now):
            continue
        reason = (
            f"The worker running this import stopped (killed or crashed) while {job.get_phase_display().lower()}, "
            f"after {job.rows_checked:,} rows were checked. Nothing was written. Retry it."
        )
        updated = ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
            status=Status.FAILED, phase=Phase.DONE, failure_reason=reason, finished_at=now
        )
        if updated and job.task_id:
            DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="server.tasks.imports.WorkerLost",
                traceback=reason,
            )
        failed += updated
        logger.warning("Import job %s failed: %s", job.pk, reason)
    return failed
