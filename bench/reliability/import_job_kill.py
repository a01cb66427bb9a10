"""An admin import job whose task worker is killed half way (SIGKILL) leaves every table as it
was, the job is marked failed with a reason, and retrying it imports the file in full.

    DATABASE_URL=postgres://... python bench/reliability/import_job_kill.py [--rows 40000]

The job path of import_kill.py: the file is stored and queued as the admin's Confirm does
(server.tasks.imports.create_job), a real `manage.py db_worker` picks it up; once the job
reports two thirds of the rows written in its open transaction, the worker is SIGKILLed. The
domain tables (all but the job, upload and task-result rows, which record what happened) must
match their fingerprints; the stale-job check the admin runs marks the job failed; a retry
with a fresh worker then imports every row. Run it on a scratch database.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.reliability.common import Checks, wait_until, worker_command  # noqa: E402
from bench.reliability.import_kill import (  # noqa: E402
    WORKER_BOOKKEEPING,
    connect,
    fingerprint,
    import_env,
    write_csv,
)

APP_NAME = "ctj-import-job-kill"
BOOKKEEPING = {"server_importjob", "server_importupload", *WORKER_BOOKKEEPING}


def worker_writing(database_url: str) -> bool:
    with connect(database_url) as connection:
        return bool(
            connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
                [APP_NAME],
            ).fetchone()[0]
        )


def sessions(database_url: str) -> int:
    with connect(database_url) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        ).fetchone()[0]


def start_worker(database_url: str) -> subprocess.Popen:
    env = import_env(database_url)
    env["PGAPPNAME"] = APP_NAME
    return subprocess.Popen(
        [*worker_command(), "--worker-id", f"job-kill-{uuid.uuid4().hex[:8]}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def setup_django(database_url: str) -> None:
    os.environ.update(import_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--kill-at", type=float, default=2 / 3, help="share of the rows written before the kill")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url (or DATABASE_URL) must name a scratch PostgreSQL database")
    if args.database_url.split("@")[-1].split("/")[0].split(":")[0] not in {"127.0.0.1", "localhost"}:
        raise SystemExit("reliability checks only run against a database on this machine")
    setup_django(args.database_url)
    from server.models import ImportJob
    from server.tasks.imports import create_job, fail_stale_jobs, retry_job, store_upload

    checks = Checks("import_job_kill")
    run_id = uuid.uuid4().hex[:8]
    folder = Path(tempfile.mkdtemp(prefix="ctj-import-job-kill-"))
    path = folder / "volunteers.csv"
    worker = None
    try:
        write_csv(args.database_url, path, args.rows, run_id)
        data = path.read_bytes()
        before = fingerprint(args.database_url)
        job = create_job(upload=store_upload(data=data, file_name=path.name), kind="volunteers")
        started = time.monotonic()
        worker = start_worker(args.database_url)
        wait_until(
            lambda: ImportJob.objects.filter(pk=job.pk, phase="writing").exists() and worker_writing(args.database_url),
            timeout=args.timeout,
            interval=0.02,
            what="the job's worker to start writing",
        )
        print(f"  {args.rows} rows checked, writing after {time.monotonic() - started:.1f} s", flush=True)
        kill_at = int(args.rows * args.kill_at)
        wait_until(  # the worker reports the rows its open transaction holds, from a second connection
            lambda: ImportJob.objects.filter(pk=job.pk, rows_written__gte=kill_at).exists(),
            timeout=args.timeout,
            interval=0.02,
            what=f"the job to have written {kill_at} rows",
        )
        job.refresh_from_db()
        checks.check(
            job.status == "running" and job.rows_written < args.rows,
            f"the job still writing, {job.rows_written} of {args.rows} rows in its transaction",
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        checks.check(worker.returncode == -signal.SIGKILL, f"worker killed with SIGKILL (exit {worker.returncode})")
        wait_until(lambda: sessions(args.database_url) == 0, timeout=30, what="PostgreSQL to drop the dead session")
        after = fingerprint(args.database_url)
        changed = sorted(t for t in before if t not in BOOKKEEPING and before[t] != after.get(t))
        checks.check(not changed, f"every domain table's rows exactly as before (changed: {changed})")
        checks.check(fail_stale_jobs() == 1, "the stale-job check found the dead worker's job")
        job.refresh_from_db()
        checks.check(
            job.status == "failed" and "Nothing was written" in job.failure_reason,
            f"the job is failed with a reason: {job.failure_reason!r}",
        )
        retry_job(job=job)
        worker = start_worker(args.database_url)
        wait_until(
            lambda: ImportJob.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).exists(),
            timeout=args.timeout,
            what="the retried job",
        )
        job.refresh_from_db()
        checks.check(
            job.status == "succeeded" and job.summary.startswith(f"new {args.rows},"),
            f"the retried job imports the file in full: {job.summary or job.failure_reason}",
        )
    except Exception as error:  # noqa: BLE001 - report, then clean up
        checks.check(False, f"harness error: {error!r}")
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
