"""Background-work benchmark (issue 13). Prints its figures and the two ratios:

1. import: 100k volunteers through the admin end to end (upload → preview → Confirm → a real
   `db_worker` checks and writes → the job page shows the summary), against
   `manage.py import_csv` of the same file, each into a fresh database with the real catalog.
   Goal: admin / import_csv ≤ 1.3.
2. api: POST /api/applications/ against a real gunicorn with a real worker, the mail server
   (aiosmtpd, in this process) answering at once, then only after 5 s (rounds A B B A). Goal:
   the p50 with the slow server within 10 % of the fast one (the request never talks to the
   mail server). With the fast server the worker sends while the requests are timed, so on two
   cores those rounds share the CPU with it; with the slow one it waits on the socket.

    .venv/bin/python bench/tasks_bench.py [--rows 100000] [--rounds 1] [--applications 60] [--only import|api]

SQLite files in a temporary folder by default; `--postgres postgres://postgres@127.0.0.1:5432`
uses scratch databases `ctj_tasks_bench_*` there (created and dropped). Ports 8650-8659.
Times are wall clock on whatever else the machine is doing: compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8652

from bench.reliability.common import wait_until, worker_command  # noqa: E402


def base_env(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="WARNING",
        API_APPLICATION_RATE="1000000/minute",
        API_ANON_RATE="1000000/minute",
    )
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def start(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def stop(process) -> None:
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker(env) -> subprocess.Popen:
    return start(env, *worker_command())


class Databases:
    def __init__(self, postgres: str | None):
        self.postgres = postgres
        self.folder = Path(tempfile.mkdtemp(prefix="ctj-tasks-bench-"))
        self.created = []

    def new(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.folder / name}.sqlite3"
        database = f"ctj_tasks_bench_{name}_{uuid.uuid4().hex[:6]}"
        subprocess.run(["psql", f"{self.postgres}/postgres", "-qc", f'CREATE DATABASE "{database}"'], check=True)
        self.created.append(database)
        return f"{self.postgres}/{database}"

    def drop(self):
        for database in self.created:
            drop = f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
            subprocess.run(["psql", f"{self.postgres}/postgres", "-qc", drop], check=False)
        for leftover in self.folder.glob("*"):
            leftover.unlink()
        self.folder.rmdir()


def prepared(databases: Databases, name: str, *seed_args) -> dict:
    env = base_env(databases.new(name))
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "seed_demo", "--volunteers", "0", "--opportunities", "0", *seed_args, stdout=subprocess.DEVNULL)
    return env


# --- 1. import ---------------------------------------------------------------------------------
def write_file(env, rows: int, path: Path) -> None:
    code = (
        "import django, sys; django.setup(); sys.path.insert(0, 'bench'); from import_bench import volunteers_csv; "
        f"open({str(path)!r}, 'w').write(volunteers_csv({rows}))"
    )
    subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=True
    )


def admin_child(path: str) -> None:
    """In a child with the app's settings: the organiser's clicks, through Django's test client."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # so the client hands back the response's context (the confirm form)
    # No collectstatic for a bench: pages name static files without the manifest's hashes.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    override_settings(STORAGES=storages).enable()

    from server.models import ImportJob, User

    client = Client()
    client.force_login(User.objects.get(email="admin@example.org"))
    data = Path(path).read_bytes()
    started = time.perf_counter()
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(
        reverse("admin:server_volunteer_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("v.csv", data, "text/csv")},
    )
    preview_seconds = time.perf_counter() - started
    form = preview.context["confirm_form"]
    client.post(reverse("admin:server_volunteer_process_import"), {**form.initial, "resource": "0"})
    job = ImportJob.objects.latest("pk")
    url = reverse("admin:server_importjob_progress", args=[job.pk])
    polls = 0
    while True:  # the page as the browser polls it, until the job's row says it is finished
        assert client.get(url).status_code == 200
        job.refresh_from_db()
        if job.finished:
            break
        polls += 1
        time.sleep(0.5)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "preview_seconds": preview_seconds,
                "summary": job.summary,
                "polls": polls,
            }
        )
    )


def import_once(databases: Databases, rows: int, path: Path, round_: int) -> float:
    """One round: import_csv into a fresh database, then the admin path into another; the ratio."""
    cli_env = prepared(databases, f"cli{round_}")
    started = time.perf_counter()
    out = manage(cli_env, "import_csv", "volunteers", str(path), capture_output=True, text=True).stdout
    cli = time.perf_counter() - started
    print(f"  import_csv:  {cli:6.1f} s  {out.strip().splitlines()[-1]}", flush=True)

    admin_env = prepared(databases, f"admin{round_}")
    running = worker(admin_env)
    try:
        time.sleep(2)  # the worker is up before the organiser clicks, as in production
        output = subprocess.run(
            [sys.executable, __file__, "--admin-child", str(path)],
            cwd=ROOT,
            env={**admin_env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
        )
        if output.returncode:
            raise SystemExit(f"the admin run failed:\n{output.stderr[-3000:]}")
        output = output.stdout
    finally:
        stop(running)
    admin = json.loads(output.strip().splitlines()[-1])
    if not (admin["summary"] or "").startswith(f"new {rows}"):
        raise SystemExit(f"the admin job did not import the file: {admin}")  # no ratio from a vacuous run
    print(
        f"  admin job:   {admin['seconds']:6.1f} s  {admin['summary']} (preview {admin['preview_seconds']:.2f} s, "
        f"{admin['polls']} polls of the progress page)",
        flush=True,
    )
    return admin["seconds"] / cli


def bench_import(databases: Databases, rows: int, rounds: int) -> float:
    path = databases.folder / "volunteers.csv"
    write_file(prepared(databases, "file"), rows, path)  # the file names the real catalog's skills
    ratios = []
    for round_ in range(rounds):
        ratios.append(import_once(databases, rows, path, round_))
        print(f"  round {round_ + 1}: ratio admin / import_csv {ratios[-1]:.2f}", flush=True)
    ratio = statistics.median(ratios)
    print(f"  ratio admin / import_csv, median of {rounds}: {ratio:.2f} (goal ≤ 1.3)", flush=True)
    return ratio


# --- 2. api ------------------------------------------------------------------------------------
def apply(base: str, opportunity: int, email: str) -> float:
    """One anonymous application; its response time in seconds."""
    body = json.dumps({"opportunity": opportunity, "name": "Bench", "email": email})
    request = urllib.request.Request(f"{base}/api/applications/", body.encode(), {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201, response.status
    return time.perf_counter() - started


def wait_for_empty_queue(base: str) -> None:
    """Until /api/health/ reports no task due (deferred reminders are not due yet)."""

    def empty() -> bool:
        return not json.load(urllib.request.urlopen(f"{base}/api/health/"))["tasks"]["queued"]

    wait_until(empty, timeout=300, interval=0.5, what="the worker to empty the queue")


def timed_round(base: str, handler, target: int, round_: int, label: str, applications: int) -> list[float]:
    """One round of applications; with the slow server the worker is inside a 5 s conversation
    for all of it (the worst case), with the fast one it sends the emails as they come."""
    wait_for_empty_queue(base)  # what the last round queued is sent (fast now) before this one
    handler.delay = 5.0 if "5 s" in label else 0.0
    opened = handler.conversations
    apply(base, target, f"first{round_}@example.org")
    talking = "the worker to talk to the mail server"
    wait_until(lambda: handler.conversations > opened, timeout=60, interval=0.05, what=talking)
    accepted, started_before = len(handler.messages), handler.conversations
    times = [apply(base, target, f"bench{round_}-{number}@example.org") for number in range(applications)]
    during = handler.conversations - started_before + bool(handler.delay)  # + the one in progress
    print(
        f"  round {round_ + 1}, {label:15s} p50 {statistics.median(times) * 1000:6.1f} ms over {applications} "
        f"applications; the worker in {during} mail conversations meanwhile",
        flush=True,
    )
    if not handler.delay:
        wait_for_empty_queue(base)
        sent = len(handler.messages) - accepted
        print(f"    the worker then sent {sent} emails ({sent / applications:.0f} per application)", flush=True)
        if sent < applications:
            raise SystemExit("the applications queued no email: nothing was measured")
    handler.delay = 0.0
    return times


def bench_api(databases: Databases, applications: int) -> dict:
    from aiosmtpd.controller import Controller

    from server.tests.conftest import RecordingHandler

    class CountingHandler(RecordingHandler):
        conversations = 0  # messages whose DATA began, answered or not yet

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            self.conversations += 1
            return await super().handle_DATA(server, session, envelope)

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=PORT + 1, ready_timeout=10)
    controller.start()
    env = prepared(databases, "api", "--opportunities", "60")
    env.update(
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(PORT + 1),
        DJANGO_EMAIL_TIMEOUT="30",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
    )
    server = start(
        env, str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.conf.py", "config.wsgi"
    )
    running = worker(env)
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/health/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        # A posting of a project with managers, so every application queues an email to send.
        managed = "&".join(f"project={slug}" for slug in ["civic-tech-jobs"])
        opportunities = json.load(urllib.request.urlopen(f"{base}/api/opportunities/?{managed}"))["results"]
        opportunities = opportunities or json.load(urllib.request.urlopen(f"{base}/api/opportunities/"))["results"]
        target = opportunities[0]["id"]
        for number in range(16):  # both gunicorn workers and their threads warmed up, not timed
            apply(base, target, f"warm-{number}@example.org")
        wait_for_empty_queue(base)
        results = {"smtp at once": [], "smtp after 5 s": []}
        # In the order A B B A, so a drift over the run (a warmer server, a fuller database)
        # weighs on both kinds of round alike.
        for round_, label in enumerate(["smtp at once", "smtp after 5 s", "smtp after 5 s", "smtp at once"]):
            results[label] += timed_round(base, handler, target, round_, label, applications)
        fast, slow = (statistics.median(results[label]) * 1000 for label in results)
        ratio = slow / fast
        print(f"  p50 over both rounds: at once {fast:.1f} ms, after 5 s {slow:.1f} ms", flush=True)
        print(f"  ratio slow / fast SMTP p50: {ratio:.2f} (goal within 10 %: ≤ 1.10)", flush=True)
        return {"fast_ms": fast, "slow_ms": slow, "ratio": ratio}
    finally:
        stop(running)
        stop(server)
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1, help="import rounds (import_csv, then admin); median ratio")
    parser.add_argument("--applications", type=int, default=60)
    parser.add_argument("--only", choices=["import", "api"])
    parser.add_argument("--postgres", help="e.g. postgres://postgres@127.0.0.1:5432 (scratch databases there)")
    parser.add_argument("--admin-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.admin_child:
        return admin_child(args.admin_child)
    print(f"tasks bench on {'PostgreSQL' if args.postgres else 'SQLite'}; load {os.getloadavg()[0]:.1f}", flush=True)
    databases = Databases(args.postgres)
    try:
        if args.only in (None, "import"):
            print(f"1. admin import of {args.rows:,} volunteers vs import_csv", flush=True)
            bench_import(databases, args.rows, args.rounds)
        if args.only in (None, "api"):
            print("2. API application p50, mail server fast vs slow", flush=True)
            bench_api(databases, args.applications)
    finally:
        databases.drop()


if __name__ == "__main__":
    main()
