"""What one request of each kind of the load check costs the machine, all told.

    python bench/reliability/endpoint_cpu.py --base-url http://127.0.0.1:8500 --database ctj_serve

Against a running `make serve` (and `make worker`, when the code has one) on PostgreSQL, sends
only one kind of the load check's requests at a time (bench/reliability/load.py's lists,
details, matches, health checks and new applications, built by its request_for), from a few
client threads for a few seconds, and reads the CPU time the server's processes used meanwhile
from /proc: every gunicorn process, every task worker (`db_worker`) and the PostgreSQL backends
of `--database`. After the applications it waits until the worker has run every task that is
due (their emails), however long that takes, so the worker's share is counted in full.
Prints, per kind, the CPU milliseconds per request of each group and their sum: the load
check's requests per second on two cores are bounded by that sum, weighted by its mix.

Run the server with GUNICORN_MAX_REQUESTS raised (a recycled gunicorn process takes its CPU
time with it) and the rates raised as in .ci/run. Linux only; prints, asserts nothing.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.reliability.common import Client  # noqa: E402
from bench.reliability.load import discover, request_for  # noqa: E402

KINDS = ["health", "list", "detail", "match", "apply"]
GROUPS = ("gunicorn", "worker", "postgres")  # process_groups' keys, in the order printed


def _pids(*command: str) -> list[int]:
    found = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return [int(line.split()[0]) for line in found.splitlines() if line.strip()]


def process_groups(database: str) -> dict[str, list[int]]:
    backends = subprocess.run(["ps", "-o", "pid=,args=", "-C", "postgres"], capture_output=True, text=True).stdout
    return {
        "gunicorn": _pids("pgrep", "-f", "gunicorn --config"),
        "worker": _pids("pgrep", "-f", "db_worker"),
        "postgres": [int(line.split()[0]) for line in backends.splitlines() if f" {database} " in line],
    }


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return (int(fields[11]) + int(fields[12])) / 100  # clock ticks: USER_HZ is 100 on Linux


class CpuMeter:
    """The CPU the server's processes use while it runs, per group.

    Samples every process of each group a few times a second and keeps, per process, the
    first and the last figure seen: a PostgreSQL backend that closes (DJANGO_CONN_MAX_AGE) or a
    process that starts meanwhile keeps what it used, up to its last sample, instead of
    vanishing from a before/after difference."""

    def __init__(self, database: str):
        self.database, self.first, self.last, self.stopped = database, {}, {}, threading.Event()
        self.sample(baseline=True)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self, *, baseline: bool = False) -> None:
        for group, pids in process_groups(self.database).items():
            for pid in pids:
                if (seconds := cpu_seconds(pid)) is not None:
                    self.first.setdefault((group, pid), seconds if baseline else 0.0)
                    self.last[(group, pid)] = seconds

    def run(self) -> None:
        while not self.stopped.wait(0.25):
            self.sample()

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        self.thread.join()
        self.sample()
        used = Counter()
        for (group, pid), seconds in self.last.items():
            used[group] += seconds - self.first[(group, pid)]
        return used


DUE_TASKS = """
    SELECT count(*) FROM django_tasks_database_dbtaskresult
    WHERE status IN ('READY', 'RUNNING') AND (run_after <= now() OR run_after >= '9999-01-01')
"""  # django-tasks-db stores "no run_after" as 9999-01-01


def wait_for_worker(database: str, timeout: float) -> float:
    """Seconds until no task is due or running; 0 when the code has no task table."""
    started = time.monotonic()
    database_url = os.environ.get("DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{database}"
    with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as connection:
        if connection.execute("SELECT to_regclass('django_tasks_database_dbtaskresult')").fetchone()[0] is None:
            return 0.0
        while connection.execute(DUE_TASKS).fetchone()[0]:
            if time.monotonic() - started > timeout:
                raise SystemExit(f"the worker did not catch up within {timeout:.0f} s")
            time.sleep(0.2)
    return time.monotonic() - started


def load_one_kind(kind: str, args, opportunities, skills) -> Counter:
    statuses, lock, stop_at, run_id = Counter(), threading.Lock(), time.monotonic() + args.seconds, uuid.uuid4().hex[:8]

    def client(number: int) -> None:
        rng, connection, sent = random.Random(f"{run_id}-{number}"), Client(args.base_url), 0
        while time.monotonic() < stop_at:
            sent += 1
            method, path, body = request_for(kind, rng, opportunities, skills, f"cpu-{run_id}-{number}-{sent}")
            response = connection.request(method, path, body=body)
            with lock:
                statuses[response.status] += 1

    threads = [threading.Thread(target=client, args=(number,)) for number in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--database", required=True, help="the server's PostgreSQL database name")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--settle", type=float, default=600, help="at most this long for the worker to catch up")
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()

    opportunities, skills = discover(args.base_url)
    print(f"{'kind':<7} {'requests':>8} {'req/s':>7}  CPU ms per request: gunicorn  worker  postgres  all")
    for kind in args.kinds.split(","):
        meter = CpuMeter(args.database)
        statuses = load_one_kind(kind, args, opportunities, skills)
        drained = wait_for_worker(args.database, args.settle) if kind == "apply" else 0.0
        used = meter.stop()
        count = sum(statuses.values())
        per_request = {group: used[group] * 1000 / count for group in GROUPS}
        figures = "  ".join(f"{per_request[group]:>8.2f}" for group in GROUPS)
        print(
            f"{kind:<7} {count:>8} {count / args.seconds:>7.1f}  {'':>20}{figures}  {sum(per_request.values()):>5.2f}"
            f"  {dict(statuses)}" + (f"  worker caught up {drained:.1f} s after the last request" if drained else ""),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
