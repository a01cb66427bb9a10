"""Import jobs with the real worker (`db_worker` subprocesses) on SQLite and PostgreSQL: a
worker SIGKILLed while writing leaves the tables as they were and the job failed; two
workers never run the same job twice."""

import hashlib
import time

import pytest
from django.apps import apps
from django.db import connection

from server.csv_columns import COLUMNS
from server.models import ImportJob, Volunteer
from server.tasks.imports import create_job, fail_stale_jobs, retry_job, store_upload
from server.tests.factories import CommunityOfPracticeFactory, SkillFactory

TABLES = ["server.Volunteer", "server.VolunteerSkill", "server.AvailabilitySlot", "server.HistoricalVolunteer"]


def volunteers_csv(count: int, prefix: str = "kill") -> bytes:
    lines = [",".join(COLUMNS["volunteers"])]
    lines += [
        f"{prefix}{n}@example.org,Volunteer {n},Engineering,,intermediate,{n % 20 + 1},America/Los_Angeles,"
        f'"Mon 18:00-20:00; Sat 09:00-12:30",Python:{n % 5 + 1},active'
        for n in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


def fingerprint() -> dict:
    """Per table: row count and a hash over every row's values, in key order."""
    result = {}
    for label in TABLES:
        model = apps.get_model(label)
        digest = hashlib.md5()
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
        result[label] = (model.objects.count(), digest.hexdigest())
    return result


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def catalog_for_import(transactional_db):
    SkillFactory(name="Python")
    CommunityOfPracticeFactory(name="Engineering")


def test_a_worker_killed_while_writing_leaves_the_tables_unchanged_and_the_job_failed(
    db_worker, catalog_for_import, organizer
):
    Volunteer.objects.create(email="kept@example.org", name="Kept")
    before = fingerprint()
    data = volunteers_csv(30_000)
    job = create_job(upload=store_upload(data=data, file_name="big.csv"), kind="volunteers", user=organizer)
    (worker,) = db_worker.start()
    wait_for(lambda: ImportJob.objects.filter(pk=job.pk, phase="writing").exists(), 240, "the job to start writing")
    if connection.vendor == "postgresql":  # the worker shows the rows written: kill at two thirds
        wait_for(lambda: ImportJob.objects.filter(pk=job.pk, rows_written__gte=20_000).exists(), 240, "⅔ written")
    else:  # SQLite's one writer lock keeps the count for the commit: kill a moment into the write
        time.sleep(0.3)
    job.refresh_from_db()
    assert job.status == "running", "the write finished before the kill: raise the row count"
    db_worker.kill(worker)
    assert fingerprint() == before  # nothing of the half-written transaction is left
    assert fail_stale_jobs() == 1  # what the admin runs when it shows the job
    job.refresh_from_db()
    assert job.status == "failed"
    assert "stopped (killed or crashed) while writing" in job.failure_reason
    assert "Nothing was written" in job.failure_reason
    retry_job(job=job)  # and the same file imports when left alone
    db_worker.start()
    wait_for(lambda: ImportJob.objects.filter(pk=job.pk, status="succeeded").exists(), 300, "the retried job")
    assert Volunteer.objects.count() == 30_001


def test_two_workers_never_run_the_same_import_job_twice(db_worker, catalog_for_import):
    files = [volunteers_csv(50, prefix=f"job{n}-") for n in range(6)]
    jobs = [create_job(upload=store_upload(data=data, file_name="f.csv"), kind="volunteers") for data in files]
    for job in jobs[:3]:  # the same job enqueued again: a second task must find it taken
        from server.tasks.imports import run_import_job

        run_import_job.enqueue(job_id=job.pk)
    db_worker.start(count=2)
    db_worker.wait_until_idle(timeout=240)
    for job in jobs:
        job.refresh_from_db()
        summary = "new 50, updated 0, unchanged 0, errors 0"
        assert (job.status, job.attempts, job.summary) == ("succeeded", 1, summary), job.errors
    assert Volunteer.objects.count() == 300
