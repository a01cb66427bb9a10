"""Fixtures for background work, shared by every test package: the real task worker and a
real SMTP server.

- `run_tasks()` runs, in this process and this test's transaction, every task that is ready
  (with `include_deferred=True` also those whose `run_after` is still ahead, as if the time had
  come) through django-tasks-db's own worker code, and returns how many ran. Tasks enqueued in
  `transaction.on_commit` callbacks need `transactional_db` or
  `django_capture_on_commit_callbacks(execute=True)` first.
- `db_worker` starts real `manage.py db_worker` subprocesses against the test database
  (needs `transactional_db`: the subprocess sees only committed rows). `db_worker.start()`,
  `db_worker.wait_until_idle()`, `db_worker.kill()`; stopped after the test.
- `smtp_server`: an aiosmtpd server on 127.0.0.1 that records what it accepts (`messages`) and
  can refuse the next N messages (`refuse(n)`) or answer slowly (`delay`); while it runs the
  test's settings (and `smtp_server.env` for a subprocess) send through it.
"""

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection, transaction

ROOT = Path(__file__).resolve().parents[2]


# --- the worker, in process ------------------------------------------------------------------
def _next_task(include_deferred):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY) if include_deferred else DBTaskResult.objects.ready()
    )
    with transaction.atomic():
        task_result = ready.select_for_update(skip_locked=True).first()
        if task_result is not None:
            task_result.claim("pytest-in-process")
    return task_result


@pytest.fixture
def run_tasks(db):
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest-in-process",
        excluded_queue_names=[],
    )

    def run(*, include_deferred: bool = False, limit: int = 100) -> int:
        ran = 0
        while ran < limit and (task_result := _next_task(include_deferred)) is not None:
            worker.run_task(task_result)
            ran += 1
        return ran

    return run


# --- the worker, as real subprocesses --------------------------------------------------------
def subprocess_database_url() -> str:
    """The URL of the database this test process uses, for a subprocess."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"


class WorkerProcesses:
    def __init__(self, extra_env):
        self.extra_env = extra_env
        self.processes: list[subprocess.Popen] = []

    def env(self, **extra):
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="server.tests.worker_settings",
            DATABASE_URL=subprocess_database_url(),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def start(self, count: int = 1, **env) -> list[subprocess.Popen]:
        started = []
        for _ in range(count):
            worker_id = f"pytest-{uuid.uuid4().hex[:12]}"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--interval",
                    "0.1",
                    "--no-startup-delay",
                    "--no-reload",
                    "--worker-id",
                    worker_id,
                ],
                cwd=ROOT,
                env=self.env(**env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            process.worker_id = worker_id
            started.append(process)
        self.processes += started
        return started

    def wait_until_idle(self, timeout: float = 60, include_deferred: bool = False) -> None:
        """Until no task is ready or running (deferred ones count with include_deferred)."""
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = (
                DBTaskResult.objects.ready()
                if not include_deferred
                else DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            )
            if not waiting.exists() and not DBTaskResult.objects.running().exists():
                return
            for process in self.processes:
                if process.poll() is not None and process.returncode not in (0, -signal.SIGKILL):
                    raise AssertionError(f"db_worker exited with {process.returncode}:\n{process.stdout.read()}")
            time.sleep(0.1)
        raise AssertionError(f"the task queue was not idle after {timeout} s")

    def kill(self, process=None) -> None:
        for one in [process] if process else self.processes:
            if one.poll() is None:
                os.killpg(one.pid, signal.SIGKILL)
                one.wait(10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def db_worker(transactional_db, request):
    smtp = request.getfixturevalue("smtp_server") if "smtp_server" in request.fixturenames else None
    workers = WorkerProcesses(smtp.env if smtp else {})
    yield workers
    workers.stop()


# --- a real SMTP server ----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, in the order accepted
        self.refused = 0
        self._to_refuse = 0
        self.delay = 0.0

    def refuse(self, count: int) -> None:
        self._to_refuse = count

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._to_refuse > 0:
            self._to_refuse -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


class SMTPServer:
    def __init__(self, handler, host, port):
        self.handler, self.host, self.port = handler, host, port
        self.env = {
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": host,
            "DJANGO_EMAIL_PORT": str(port),
        }

    @property
    def messages(self):
        return self.handler.messages

    def refuse(self, count: int) -> None:
        self.handler.refuse(count)

    @property
    def delay(self):
        return self.handler.delay

    @delay.setter
    def delay(self, seconds):
        self.handler.delay = seconds


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield SMTPServer(handler, controller.hostname, controller.port)
    finally:
        controller.stop()
