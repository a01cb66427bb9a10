"""Load loop: N concurrent clients for S seconds across the public API, against a running server.

    python bench/reliability/load.py --base-url http://127.0.0.1:8500 --clients 50 --seconds 20

Each client mixes opportunity lists (with filters and pages), details, matches, health checks
and applications. Some applications are sent twice at the same moment from two connections
(a double-click), some are retried later. Passes when there is no 5xx, no connection error or
timeout, no 429 (the server should run with API_ANON_RATE / API_APPLICATION_RATE raised), and
the database (DATABASE_URL, read with psycopg) holds every application submitted exactly once.
Prints request counts, throughput (req/s) and latency per endpoint, the list endpoint's
requests per second on a line of its own (issue 17 compares it between runs), and how many
database sessions waited for a lock, sampled twice a second (none of these asserted).
"""

import argparse
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.reliability.common import Checks, Client, percentile  # noqa: E402

WEIGHTS = {"list": 30, "detail": 25, "match": 15, "health": 10, "apply": 20}
LIST_QUERIES = [
    "",
    "?page=2&page_size=10",
    "?work_environment=remote",
    "?experience_level=beginner&ordering=-published_at",
    "?max_hours=10",
    "?search=data",
    "?ordering=min_hours_per_week&page_size=50",
]


def match_body(rng: random.Random, skills: list[dict]) -> dict:
    """A qualifier's answers: 1 to 5 of the skills at random levels, hours, maybe availability."""
    chosen = rng.sample(skills, min(len(skills), rng.randint(1, 5))) if skills else []
    body = {
        "skills": [{"name": skill["name"], "level": rng.randint(1, 5)} for skill in chosen],
        "max_hours_per_week": rng.randint(2, 20),
        "availability": rng.choice(["Mon 18:00-21:00; Wed 18:00-21:00", "Sat 09:00-17:00", ""]),
        "limit": 20,
    }
    if not body["availability"]:
        del body["availability"]
    return body


def request_for(kind: str, rng: random.Random, opportunities, skills, unique: str) -> tuple[str, str, dict | None]:
    """(method, path, body) of one request of `kind` (a key of WEIGHTS); `unique` names a new
    applicant. run_client adds retries and double-clicks of applications on top."""
    if kind == "list":
        return "GET", f"/api/opportunities/{rng.choice(LIST_QUERIES)}", None
    if kind == "detail":
        return "GET", f"/api/opportunities/{rng.choice(opportunities)['id']}/", None
    if kind == "match":
        return "POST", "/api/match/", match_body(rng, skills)
    if kind == "health":
        return "GET", "/api/health/", None
    return "POST", "/api/applications/", application_body(rng, opportunities, unique)


def application_body(rng: random.Random, opportunities: list[dict], unique: str) -> dict:
    """A first application from a new volunteer (`unique` makes the email new)."""
    return {
        "opportunity": rng.choice(opportunities)["id"],
        "name": f"Load Tester {unique}",
        "email": f"load-{unique}@example.org",
        "message": "Submitted by the reliability load loop.",
    }


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.submitted: set[tuple[str, str]] = set()  # (opportunity id, email) answered 200/201
        self.bad_bodies: list[str] = []
        self.retries = 0  # requests re-sent because the server had closed an idle keep-alive connection

    def record(self, kind: str, response) -> None:
        with self.lock:
            self.statuses[kind][response.status] += 1
            self.latencies[kind].append(response.seconds)
            if response.status >= 400 and len(self.bad_bodies) < 10:
                self.bad_bodies.append(f"{kind} {response.status}: {response.body[:200]!r}")

    def error(self, kind: str, error: Exception) -> None:
        with self.lock:
            self.statuses[kind]["error"] += 1
            if len(self.errors) < 10:
                self.errors.append(f"{kind}: {error!r}")


def discover(base_url: str) -> tuple[list[dict], list[dict]]:
    client = Client(base_url)
    response = client.get("/api/opportunities/?page_size=100")
    if response.status != 200:
        raise SystemExit(f"cannot list opportunities: {response.status} {response.body[:200]!r}")
    opportunities = response.json()["results"]
    if not opportunities:
        raise SystemExit("no open opportunities to load-test against: seed the database first (seed_demo)")
    names = {skill["name"] for item in opportunities for skill in item.get("required_skills", [])}
    return opportunities, [{"name": name} for name in sorted(names)]


def run_client(number: int, args, run_id: str, opportunities, skills, stats: Stats, stop_at: float) -> None:
    rng = random.Random(f"{run_id}-{number}")
    client = Client(args.base_url, timeout=args.request_timeout)
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    applied: list[dict] = []
    sequence = 0

    def call(kind, method, path, body=None, on=client):
        try:
            response = on.request(method, path, body=body)
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            stats.error(kind, error)
            return None
        stats.record(kind, response)
        return response

    def apply(payload, on=client):
        response = call("apply", "POST", "/api/applications/", payload, on=on)
        if response is not None and response.status in (200, 201):
            with stats.lock:
                stats.submitted.add((payload["opportunity"], payload["email"]))
        return response

    while time.monotonic() < stop_at:
        kind = rng.choices(kinds, weights)[0]
        if kind != "apply":
            call(kind, *request_for(kind, rng, opportunities, skills, unique=""))
        else:
            roll = rng.random()
            if applied and roll < 0.15:
                apply(rng.choice(applied))  # a retry later: must answer 200, not add a row
                continue
            sequence += 1
            payload = application_body(rng, opportunities, f"{run_id}-{number}-{sequence}")
            applied.append(payload)
            if roll < 0.35:
                # A double-click: the same application from two connections at the same moment.
                twin = Client(args.base_url, timeout=args.request_timeout)
                other = threading.Thread(target=apply, args=(payload, twin))
                other.start()
                apply(payload)
                other.join()
                twin.close()
            else:
                apply(payload)
    client.close()
    with stats.lock:
        stats.retries += client.retries


def tally(stats: Stats, wanted) -> int:
    """Responses (not connection errors) whose status satisfies `wanted`, over every endpoint."""
    return sum(
        count
        for counter in stats.statuses.values()
        for status, count in counter.items()
        if status != "error" and wanted(status)
    )


def stored_applications(database_url: str, run_id: str) -> Counter:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT a.opportunity_id::text, v.email FROM server_application a "
            "JOIN server_volunteer v ON v.id = a.volunteer_id WHERE v.email LIKE %s",
            [f"load-{run_id}-%"],
        ).fetchall()
    return Counter((opportunity.replace("-", ""), email) for opportunity, email in rows)


class LockWaits(threading.Thread):
    """Samples, twice a second, how many of the database's sessions wait for a lock: writers
    queueing on one lock show here long before they show as errors (printed, not asserted)."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.database_url, self.samples, self.stopped = database_url, [], threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=10, autocommit=True) as connection:
            while not self.stopped.wait(0.5):
                waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
                waiting += "(SELECT oid FROM pg_database WHERE datname = current_database())"
                self.samples.append(connection.execute(waiting).fetchone()[0])

    def report(self) -> str:
        self.stopped.set()
        self.join(5)
        if not self.samples:
            return "no samples"
        count = len(self.samples)
        return f"max {max(self.samples)}, mean {sum(self.samples) / count:.1f} over {count} samples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--request-timeout", type=float, default=30)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url (or DATABASE_URL) must name the server's PostgreSQL database")

    checks = Checks("load")
    opportunities, skills = discover(args.base_url)
    run_id = uuid.uuid4().hex[:8]
    stats = Stats()
    print(f"load: {args.clients} clients, {args.seconds:g}s, {len(opportunities)} open opportunities", flush=True)
    started = time.monotonic()
    stop_at = started + args.seconds
    threads = [
        threading.Thread(target=run_client, args=(n, args, run_id, opportunities, skills, stats, stop_at), daemon=True)
        for n in range(args.clients)
    ]
    lock_waits = LockWaits(args.database_url)
    lock_waits.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + args.request_timeout + 10)
    elapsed = time.monotonic() - started
    waits = lock_waits.report()
    checks.check(not any(thread.is_alive() for thread in threads), "every client finished (nothing hangs)")

    total = sum(sum(counter.values()) for counter in stats.statuses.values())
    print(f"  {total} requests in {elapsed:.1f}s = {total / elapsed:.0f} req/s", flush=True)
    print(f"  {stats.retries} re-sent after the server closed an idle keep-alive connection", flush=True)
    print(
        f"  {'endpoint':<8} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses", flush=True
    )
    for kind in WEIGHTS:
        latencies = stats.latencies[kind]
        count = sum(stats.statuses[kind].values())
        print(
            f"  {kind:<8} {count:>6} {count / elapsed:>7.1f} {percentile(latencies, 0.5) * 1000:>8.0f} "
            f"{percentile(latencies, 0.95) * 1000:>8.0f} {max(latencies, default=0) * 1000:>8.0f}  "
            f"{dict(sorted(stats.statuses[kind].items(), key=str))}",
            flush=True,
        )
    lists = sum(stats.statuses["list"].values())
    print(f"  list endpoint: {lists / elapsed:.1f} req/s ({lists} requests in {elapsed:.1f}s)", flush=True)
    print(f"  sessions waiting for a lock: {waits}", flush=True)
    server_errors = tally(stats, lambda status: status >= 500)
    connection_errors = sum(c["error"] for c in stats.statuses.values())
    throttled = sum(c[429] for c in stats.statuses.values())
    checks.check(server_errors == 0, f"no 5xx responses ({server_errors})")
    if stats.bad_bodies:
        print(f"  first error responses: {stats.bad_bodies}", flush=True)
    checks.check(connection_errors == 0, f"no connection errors or timeouts ({connection_errors}) {stats.errors}")
    checks.check(throttled == 0, f"no 429 (throttles raised for the test) ({throttled})")
    client_errors = tally(stats, lambda status: 400 <= status < 500)
    checks.check(client_errors == 0, f"no 4xx: every request the loop makes is valid ({client_errors})")
    for kind in WEIGHTS:
        ok = sum(count for status, count in stats.statuses[kind].items() if status in (200, 201))
        checks.check(ok > 0, f"{kind}: {ok} successful responses")

    stored = stored_applications(args.database_url, run_id)
    submitted = {(opportunity.replace("-", ""), email) for opportunity, email in stats.submitted}
    duplicates = {key: count for key, count in stored.items() if count > 1}
    missing = submitted - set(stored)
    unexpected = set(stored) - submitted
    checks.check(len(submitted) > 0, f"{len(submitted)} distinct applications submitted")
    checks.check(not duplicates, f"no application stored twice ({len(duplicates)})")
    checks.check(not missing, f"every accepted application is stored ({len(missing)} missing)")
    checks.check(not unexpected, f"nothing stored that was not accepted ({len(unexpected)})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
