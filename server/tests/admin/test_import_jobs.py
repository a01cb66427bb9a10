"""Admin imports as background jobs (server/admin/imports.py, server/admin/background.py,
server/tasks/imports.py): a small preview, Confirm queues a job, the worker writes, the job
page shows progress then the summary or the errors."""

import csv
import io
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from server.admin.imports import FULL_PREVIEW_ROWS, SAMPLES, sample_csv
from server.csv_columns import COLUMNS
from server.importing import import_file
from server.models import ImportJob, ImportUpload, Volunteer
from server.tasks.imports import fail_stale_jobs

pytestmark = pytest.mark.django_db
HEADER = ",".join(COLUMNS["volunteers"])


def volunteers_csv(count, start=0, bad=()):
    lines = [HEADER]
    for number in range(start, start + count):
        availability = "Mon 25:00-26:00" if number in bad else "Mon 18:00-20:00"
        lines.append(f"v{number}@example.org,Volunteer {number},,,,,,{availability},,")
    return ("\n".join(lines) + "\n").encode()


def upload(client, data, model="volunteer", name="people.csv"):
    return client.post(
        reverse(f"admin:server_{model}_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, data, "text/csv")},
    )


def confirm(client, response, model="volunteer"):
    form = response.context["confirm_form"]
    return client.post(reverse(f"admin:server_{model}_process_import"), {**form.initial, "resource": "0"})


def job_page(client, job):
    return client.get(reverse("admin:server_importjob_change", args=[job.pk])).content.decode()


def test_a_large_file_previews_its_first_rows_and_the_job_imports_it(organizer_client, organizer, run_tasks):
    data = volunteers_csv(FULL_PREVIEW_ROWS + 500)
    response = upload(organizer_client, data)
    page = response.content.decode()
    assert f"The file has about {FULL_PREVIEW_ROWS + 500} rows; below are the first 20." in page
    assert page.count('<tr class="new') == 20
    assert ImportUpload.objects.get().content == data  # stored in the database, not on disk
    response = confirm(organizer_client, response)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:server_importjob_change", args=[job.pk])
    assert (job.status, job.kind, job.file_name, job.size, job.created_by) == (
        "queued",
        "volunteers",
        "people.csv",
        len(data),
        organizer,
    )
    assert 'hx-trigger="every 500ms"' in job_page(organizer_client, job)  # the page polls while it waits
    assert not Volunteer.objects.exists()
    run_tasks()
    job.refresh_from_db()
    assert (job.status, job.phase, job.summary) == ("succeeded", "done", "new 2500, updated 0, unchanged 0, errors 0")
    assert (job.rows_read, job.rows_checked, job.rows_written) == (2500, 2500, 2500)
    assert Volunteer.objects.count() == 2500
    page = job_page(organizer_client, job)
    assert "Import finished: new 2500, updated 0, unchanged 0, errors 0." in page
    assert 'hx-trigger="every 500ms"' not in page  # finished: no more polling
    listing = organizer_client.get(reverse("admin:server_importjob_changelist")).content.decode()
    for shown in ["people.csv", "volunteers", "organizer@example.org", "Succeeded", "new 2500", "KB"]:
        assert shown in listing


def test_errors_are_listed_counted_and_downloadable_and_nothing_is_written(organizer_client, run_tasks):
    data = volunteers_csv(FULL_PREVIEW_ROWS + 200, bad=range(2100, 2103))
    response = confirm(organizer_client, upload(organizer_client, data))  # the first rows look fine
    job = ImportJob.objects.get()
    run_tasks()
    job.refresh_from_db()
    assert (job.status, job.error_count, job.rows_written) == ("failed", 3, 0)
    assert job.errors[0] == 'row 2102, availability: "Mon 25:00-26:00" is not a time range'
    assert not Volunteer.objects.exists()
    page = job_page(organizer_client, job)
    assert "The file has errors; nothing was written." in page and "3 errors" in page
    response = organizer_client.get(reverse("admin:server_importjob_errors", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["error"] and len(rows) == 4
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-errors.csv"'


def test_only_the_first_thousand_errors_are_kept_with_the_count(organizer_client, run_tasks):
    data = volunteers_csv(FULL_PREVIEW_ROWS + 1500, bad=range(100, FULL_PREVIEW_ROWS + 1500))
    upload_response = upload(organizer_client, data)
    assert "is not a time range" not in upload_response.content.decode()  # first 20 rows are fine
    confirm(organizer_client, upload_response)
    run_tasks()
    job = ImportJob.objects.get()
    assert len(job.errors) == 1000
    assert job.error_count >= 1000
    assert f"{job.error_count} errors; the first 1000 below" in job_page(organizer_client, job)


def test_an_unchanged_re_import_says_so_and_offers_no_confirm(organizer_client, organizer):
    data = volunteers_csv(5)
    import_file(kind="volunteers", data=data, user=organizer)
    response = upload(organizer_client, data)
    page = response.content.decode()
    assert "Nothing to import: every row matches what is stored." in page
    assert response.context.get("confirm_form") is None
    assert "Confirm import" not in page
    assert not ImportUpload.objects.exists()


def test_the_projects_preview_shows_main_columns_with_whole_values(organizer_client, demo_accounts):
    meetings = "Tue 15:00-16:00 (PM Meeting); Tue 17:00-18:00 (All Hands Meeting, Every 2nd Tuesday); Thu 18:00-19:00"
    text = ",".join(COLUMNS["projects"]) + f'\nNew Project,,active,,,,America/Los_Angeles,pm@example.org,"{meetings}"\n'
    response = upload(organizer_client, text.encode(), model="project")
    result = response.context["result"]
    assert result.diff_headers == ["name", "status", "timezone", "managers", "meeting_times"]
    cell = result.valid_rows()[0].diff[-1]
    assert cell == "Tue 15:00-16:00 (PM Meeting) …"  # cut between meetings, never inside one
    assert "4 others are imported too" in response.content.decode()


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_kind_has_a_sample_file_with_its_exact_columns(organizer_client, kind):
    model = {
        "communities": "communityofpractice",
        "roles": "role",
        "skills": "skill",
        "projects": "project",
        "opportunities": "opportunity",
        "volunteers": "volunteer",
        "applications": "application",
    }[kind]
    import_page = organizer_client.get(reverse(f"admin:server_{model}_import")).content.decode()
    assert "communities → roles → skills → projects → opportunities → volunteers → applications" in import_page
    response = organizer_client.get(reverse(f"admin:server_{model}_import_sample"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(COLUMNS[kind]) and len(rows) == 2


def test_the_sample_files_import_into_the_demo_catalog_in_order(demo_accounts):
    for kind in ["communities", "roles", "skills", "projects", "opportunities", "volunteers"]:
        report = import_file(kind=kind, data=sample_csv(kind), dry_run=kind == "opportunities")
        assert report.errors == [], kind


def test_project_managers_see_no_jobs_tasks_or_emails(pm_client, organizer, run_tasks):
    job = ImportJob.objects.create(kind="volunteers", file_name="x.csv", created_by=organizer)
    for name in [
        "admin:server_importjob_changelist",
        "admin:django_tasks_database_dbtaskresult_changelist",
        "admin:server_outboundemail_changelist",
    ]:
        assert pm_client.get(reverse(name)).status_code == 403, name
    assert pm_client.get(reverse("admin:server_importjob_progress", args=[job.pk])).status_code == 403
    assert pm_client.get(reverse("admin:server_importjob_errors", args=[job.pk])).status_code == 403


def test_organizers_see_task_results_and_emails(organizer_client):
    from server.tasks.mail import queue_email

    queue_email(key="x", to=["a@example.org"], subject="Hello there", body="b")
    tasks = organizer_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).content.decode()
    assert "deliver email" in tasks and "Ready" in tasks
    emails = organizer_client.get(reverse("admin:server_outboundemail_changelist")).content.decode()
    assert "Hello there" in emails and "Pending" in emails


def test_a_job_whose_worker_died_is_failed_with_a_reason_and_can_be_retried(organizer_client, organizer, run_tasks):
    data = volunteers_csv(3)
    from server.tasks.imports import create_job, store_upload

    job = create_job(upload=store_upload(data=data, file_name="a.csv", user=organizer), kind="volunteers")
    task = DBTaskResult.objects.get()
    task.claim("a worker that will die")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", phase="writing", rows_checked=3, worker_host=os.uname().nodename, worker_pid=dead.pid
    )
    assert fail_stale_jobs() == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.failure_reason.startswith("The worker running this import stopped (killed or crashed) while writing")
    assert DBTaskResult.objects.get().status == "FAILED"
    page = job_page(organizer_client, job)
    assert "Retry the import" in page
    assert organizer_client.get(reverse("admin:server_importjob_retry", args=[job.pk])).status_code == 405
    organizer_client.post(reverse("admin:server_importjob_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "queued"
    run_tasks()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.summary) == ("succeeded", 1, "new 3, updated 0, unchanged 0, errors 0")


def test_a_running_job_with_a_live_worker_is_left_running(organizer):
    job = ImportJob.objects.create(
        kind="volunteers", file_name="x.csv", status="running", worker_host=os.uname().nodename, worker_pid=os.getpid()
    )
    assert fail_stale_jobs() == 0
    job.refresh_from_db()
    assert job.status == "running"


def test_a_job_runs_once_even_if_its_task_runs_twice(organizer, run_tasks):
    from server.tasks.imports import create_job, run_import_job, store_upload

    job = create_job(upload=store_upload(data=volunteers_csv(2), file_name="a.csv"), kind="volunteers")
    run_import_job.enqueue(job_id=job.pk)
    run_tasks()
    assert Volunteer.objects.count() == 2
    returns = sorted(result.return_value for result in DBTaskResult.objects.all())
    assert returns == [
        f"import job {job.pk}: new 2, updated 0, unchanged 0, errors 0",
        f"import job {job.pk}: not queued, nothing to do",
    ]


def test_the_dashboard_counts_failed_tasks_for_organizers_only(organizer_client, project_manager, run_tasks, settings):
    from django.test import Client

    from server.tasks.mail import queue_email

    settings.EMAIL_BACKEND = "server.tests.api.test_applications.BrokenBackend"
    settings.EMAIL_RETRY_DELAYS = []
    queue_email(key="x", to=["a@example.org"], subject="s", body="b")
    run_tasks()
    page = organizer_client.get(reverse("admin:index")).content.decode()
    card = page[page.find('data-testid="tasks-card"') :][:1500]
    assert "1 failed task" in card and "1 email not delivered" in card, card
    pm_client = Client()
    pm_client.force_login(project_manager)
    assert "failed task" not in pm_client.get(reverse("admin:index")).content.decode()


def test_the_polled_fragment_asks_for_one_reload_when_the_job_is_finished(organizer_client, organizer, run_tasks):
    from server.tasks.imports import create_job, store_upload

    job = create_job(upload=store_upload(data=volunteers_csv(2), file_name="a.csv"), kind="volunteers")
    url = reverse("admin:server_importjob_progress", args=[job.pk])
    waiting = organizer_client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 500ms"' in waiting.content.decode() and "HX-Refresh" not in waiting
    run_tasks()
    done = organizer_client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Import finished: new 2" in done.content.decode()
