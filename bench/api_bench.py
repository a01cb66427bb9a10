"""REST API benchmark: latency, throughput and CPU cost of the public endpoints under gunicorn.

Seeds a throwaway database with the real catalog and N opportunities (default 10,000, of which
~6,000 open), serves the app with gunicorn (2 sync workers, debug off) on 127.0.0.1, and for
each scenario runs a bounded load loop (a few client threads for a few seconds each,
http.client, one connection per request as gunicorn's sync workers close them). Prints p50 /
p95 latency, requests per second, each p50 against the health check's, and the CPU time per
request of the same scenario served in one process (Django's test client), against health's.

Anonymous reads are answered from validators and a shared cache (server/api/caching.py), so
every read is measured three ways:

- built: the page is built on every request. Each request's URL carries a query parameter no
  filter reads (`_=<n>`, unique in the run), so the ETag, and with it the cache key, is new
  every time: the real path of a cache miss (validators, filters, queries, JSON, storing the
  page), without `If-None-Match`. Match bodies vary the same way (hours and levels).
- cached: the same URL (or body) again: the page comes from the shared cache.
- 304: `If-None-Match` with the page's current ETag: answered without building anything.

The health check is the baseline: routing, middleware, `SELECT 1` and the task queue's two
figures (one indexed aggregate). The first ranking in a process builds the matching tables
(server/matching/compact.py): warm-up requests run before anything is timed.

    .venv/bin/python bench/api_bench.py                    # SQLite in a temporary directory
    .venv/bin/python bench/api_bench.py --seconds 5 --threads 4 --port 8201
    .venv/bin/python bench/api_bench.py --only list --keep /tmp/api-bench   # reuse a seeded database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctj_api_bench .venv/bin/python bench/api_bench.py

With DATABASE_URL the database must exist; it is seeded (idempotent) but never dropped. On
PostgreSQL the CPU column is the app's alone (the database server's work is another process),
and each request opens a connection unless DJANGO_CONN_MAX_AGE says otherwise (production: 60).
Targets (issue 17, CPU per request built in one process unless said): list page ≤ 6 ms and
≤ 9× health, filtered lists ≤ 10 ms, detail ≤ 4 ms, a 304 ≤ 2× health, a cached page ≤ 3×
health, match p50 ≤ 150 ms (wall, 4 client threads, 2 workers) at ~6,000 open opportunities.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUILT, CACHED, NOT_MODIFIED = "built", "cached", "304"


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: list[str]
    method: str = "GET"
    body: dict | None = None
    mode: str = BUILT
    etags: dict[str, str] | None = None  # path → its current ETag, for the 304 mode

    @property
    def label(self) -> str:
        return self.name if self.mode == BUILT else f"{self.name} · {self.mode}"


# One counter for the whole run (and each CPU child): every "built" request is unique.
_unique = itertools.count(1)


def build_request(scenario: Scenario, index: int) -> tuple[str, dict | None, dict[str, str]]:
    """(path, body, headers) of the `index`-th request of a scenario."""
    path = scenario.paths[index % len(scenario.paths)]
    body, headers = scenario.body, {}
    if scenario.mode == NOT_MODIFIED:
        headers["If-None-Match"] = scenario.etags[path]
    elif scenario.mode == BUILT and not scenario.name.startswith("health"):
        n = next(_unique)
        if body is None:
            path += f"{'&' if '?' in path else '?'}_={n}"
        else:
            body = unique_match_body(body, n)
    return path, body, headers


def unique_match_body(body: dict, n: int) -> dict:
    """The same question with other answers (hours 1-40, each skill's level 1-5): a new entry
    of the match cache each time, for 40 × 5³ = 5,000 requests, at the same ranking cost."""
    levels, hours = divmod(n % 5000, 40)
    skills = [{**skill, "level": 1 + (levels // 5**i) % 5} for i, skill in enumerate(body["skills"])]
    return {**body, "skills": skills, "max_hours_per_week": 1 + hours}


def run_manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "application/json", **(headers or {})}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    etag = response.getheader("ETag")
    connection.close()
    return response.status, data, elapsed, etag


def wait_until_up(port, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/api/health/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /api/health/ in time")


def expected_status(scenario: Scenario) -> int:
    return 304 if scenario.mode == NOT_MODIFIED else 200


def load(port, scenario: Scenario, *, seconds, threads):
    """Send the scenario's requests for `seconds` from `threads` threads."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    wanted = expected_status(scenario)

    def worker(offset):
        mine, bad, index = [], [], offset
        while time.monotonic() < stop_at:
            path, body, headers = build_request(scenario, index)
            status, _, elapsed, _ = request(port, scenario.method, path, body, headers)
            index += 1
            (mine if status == wanted else bad).append(elapsed if status == wanted else status)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.monotonic() - started
    if errors:
        raise SystemExit(f"{scenario.label}: {len(errors)} requests not {wanted}, e.g. status {errors[0]}")
    return latencies, wall


def summary(latencies, wall):
    latencies = sorted(latencies)
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
        "rps": len(latencies) / wall,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=4.0, help="load time per scenario (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all scenarios (default 3)")
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this text")
    parser.add_argument("--keep", metavar="DIR", help="reuse (or create) the SQLite database in DIR")
    args = parser.parse_args()

    workdir = args.keep or tempfile.mkdtemp(prefix="ctj_api_bench_")
    os.makedirs(workdir, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to https, quiet logs.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The anonymous throttle (120/minute by default) would answer 429 to a load test. Per
        # second, so the throttle's history (one timestamp per request in the window, read and
        # written on every request) stays as short as with the real rate.
        "API_ANON_RATE": "1000000/second",
        "API_APPLICATION_RATE": "1000000/second",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    database = env["DATABASE_URL"].split("://")[0]

    print(
        f"database: {database} · {args.opportunities} opportunities · gunicorn {args.workers} workers · "
        f"{args.threads} client threads × {args.seconds:g} s per scenario in {args.rounds} rounds"
    )
    started = time.perf_counter()
    run_manage(env, "migrate", "--no-input")
    run_manage(env, "seed_demo", "--volunteers", "500", "--opportunities", str(args.opportunities), "--seed", "7")
    print(f"seeded in {time.perf_counter() - started:.1f} s")

    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers", str(args.workers),
            "--bind", f"127.0.0.1:{args.port}",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        wait_until_up(args.port)
        run_scenarios(args, env)
    finally:
        server.terminate()
        server.wait(timeout=30)


def cpu_per_request(env, scenarios):
    """Median CPU time per request of each scenario, served in one process without HTTP
    (Django's test client). CPU time, unlike wall time, hardly depends on how busy the
    machine is, so this column compares runs made under different loads."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([asdict(scenario) for scenario in scenarios], handle)
    child = subprocess.run(
        [PYTHON, __file__, "--cpu-child", handle.name], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    os.unlink(handle.name)
    return json.loads(child.stdout.strip().splitlines()[-1])


def cpu_child(path, repeat=40):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    with open(path) as handle:
        scenarios = [Scenario(**fields) for fields in json.load(handle)]
    result = {}
    for scenario in scenarios:
        if scenario.mode == NOT_MODIFIED:  # ETags name the absolute URL: this client's host, not the server's
            scenario = Scenario(**{**asdict(scenario), "etags": {p: client.get(p)["ETag"] for p in scenario.paths}})

        def call(index, scenario=scenario):
            target, body, headers = build_request(scenario, index)
            extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
            if scenario.method == "POST":
                return client.post(target, body, content_type="application/json", **extra)
            return client.get(target, **extra)

        for index in range(len(scenario.paths) + 2):  # warm-up: the matching tables, the cached pages
            call(index)
        times = []
        for index in range(repeat if scenario.method == "GET" else 15):
            started = time.process_time()
            response = call(index)
            times.append(time.process_time() - started)
            if response.status_code != expected_status(scenario):
                raise SystemExit(f"{scenario.label}: status {response.status_code}")
        result[scenario.label] = statistics.median(times) * 1000
    print(json.dumps(result))


def scenarios_for(port) -> tuple[list[Scenario], int]:
    status, body, _, _ = request(port, "GET", "/api/opportunities/?page_size=100")
    if status != 200:
        raise SystemExit(f"/api/opportunities/ answered {status}: {body[:200]!r}")
    page = json.loads(body)
    ids = [item["id"] for item in page["results"]]
    open_count = page["count"]
    slugs = [c["slug"] for c in json.loads(request(port, "GET", "/api/communities/")[1])["results"]]
    skills = sorted({s["name"] for item in page["results"] for s in item["required_skills"]})
    rng = random.Random(1)
    filtered = [
        f"/api/opportunities/?community_of_practice={rng.choice(slugs)}&work_environment=remote&max_hours=10"
        for _ in range(20)
    ]
    by_skill = [f"/api/opportunities/?skill={rng.choice(skills).replace(' ', '%20')}" for _ in range(20)]
    pages = [f"/api/opportunities/?page={rng.randint(1, max(1, open_count // 20))}" for _ in range(20)]
    match = {
        "skills": [{"name": name, "level": 3} for name in skills[:3]],
        "max_hours_per_week": 8,
        "availability": "Mon 18:00-21:00; Wed 18:00-21:00",
    }
    built = [
        Scenario("health (baseline)", ["/api/health/"]),
        Scenario("list, page 20", ["/api/opportunities/"]),
        Scenario("list, random page", pages),
        Scenario("list, cop + env + max_hours", filtered),
        Scenario("list, skill", by_skill),
        Scenario("list, search", ["/api/opportunities/?search=engineer"]),
        Scenario("list, ordering", ["/api/opportunities/?ordering=min_hours_per_week"]),
        Scenario("detail", [f"/api/opportunities/{pk}/" for pk in ids]),
        Scenario("communities", ["/api/communities/"]),
        Scenario("roles", ["/api/roles/"]),
        Scenario("skills, page 100", ["/api/skills/?page_size=100"]),
        Scenario("projects", ["/api/projects/"]),
        Scenario("match (POST)", ["/api/match/"], method="POST", body=match),
    ]
    # The same few pages asked again and again (a crowd reading the board's first pages).
    repeated = [
        Scenario(s.name, s.paths[:5])
        for s in built
        if s.name in {"list, page 20", "list, cop + env + max_hours", "detail", "projects"}
    ]
    cached = [Scenario(s.name, s.paths, mode=CACHED) for s in repeated]
    cached.append(Scenario("match (POST)", ["/api/match/"], method="POST", body=match, mode=CACHED))
    not_modified = [
        Scenario(s.name, s.paths, mode=NOT_MODIFIED, etags={path: request(port, "GET", path)[3] for path in s.paths})
        for s in repeated
    ]
    return built + cached + not_modified, open_count


def run_scenarios(args, env):
    port = args.port
    every, open_count = scenarios_for(port)
    chosen = [s for s in every if args.only in s.name or s.name.startswith("health")]
    for scenario in chosen:  # warm up both workers (the matching tables, the cached pages)
        load(port, scenario, seconds=0.3, threads=2)
    # Rounds interleave the scenarios in time, so a change in the machine's load (it is shared)
    # weighs on all of them alike rather than on whichever ran at that moment.
    collected = {scenario.label: ([], 0.0) for scenario in chosen}
    for _ in range(args.rounds):
        for scenario in chosen:
            latencies, wall = load(port, scenario, seconds=args.seconds / args.rounds, threads=args.threads)
            total, walls = collected[scenario.label]
            collected[scenario.label] = (total + latencies, walls + wall)
    cpu = cpu_per_request(env, chosen)
    results = {label: {**summary(*found), "cpu": cpu[label]} for label, found in collected.items()}
    health = results["health (baseline)"]
    print(f"open opportunities: {open_count}")
    print_table("Pages built on every request (unique URL or body, no If-None-Match)", chosen, BUILT, results, health)
    print_table("Cached anonymous answers (the same URL or body again)", chosen, CACHED, results, health)
    print_table("304: If-None-Match with the current ETag", chosen, NOT_MODIFIED, results, health)
    print_targets(results, health, open_count)
    load_average = os.getloadavg()
    print(f"load average during the run: {load_average[0]:.1f} {load_average[1]:.1f} {load_average[2]:.1f} "
          f"on {os.cpu_count()} CPUs (a shared machine: compare the CPU columns, measured in one process)")  # fmt: skip


def print_table(title, scenarios, mode, results, health):
    rows = [s for s in scenarios if s.mode == mode or (mode != BUILT and s.name.startswith("health"))]
    if len(rows) < 2 and mode != BUILT:
        return
    print(f"\n{title}")
    print(
        f"{'endpoint':<30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p50 / health':>13} "
        f"{'CPU ms':>7} {'CPU / health':>13}"
    )
    for scenario in rows:
        found = results[scenario.label]
        print(
            f"{scenario.name:<30} {found['n']:>8} {found['p50']:>8.1f} {found['p95']:>8.1f} {found['rps']:>8.1f} "
            f"{found['p50'] / health['p50']:>12.1f}× {found['cpu']:>7.2f} {found['cpu'] / health['cpu']:>12.1f}×"
        )


def print_targets(results, health, open_count):
    """Issue 17's acceptance targets, each with the figure it is about."""
    checks = []

    def check(what, label, value, limit, unit):
        if label in results:
            checks.append((what, label, value(results[label]), limit, unit))

    check("list page CPU ≤ 6 ms", "list, page 20", lambda r: r["cpu"], 6, "ms")
    check("list page CPU ≤ 9× health", "list, page 20", lambda r: r["cpu"] / health["cpu"], 9, "×")
    for name in ("list, random page", "list, cop + env + max_hours", "list, skill", "list, search", "list, ordering"):
        check("filtered list CPU ≤ 10 ms", name, lambda r: r["cpu"], 10, "ms")
    check("detail CPU ≤ 4 ms", "detail", lambda r: r["cpu"], 4, "ms")
    for label in results:
        if label.endswith(f"· {NOT_MODIFIED}"):
            check("304 CPU ≤ 2× health", label, lambda r: r["cpu"] / health["cpu"], 2, "×")
        elif label.endswith(f"· {CACHED}") and not label.startswith("match"):
            check("cached page CPU ≤ 3× health", label, lambda r: r["cpu"] / health["cpu"], 3, "×")
    check(f"match p50 ≤ 150 ms ({open_count} open)", "match (POST)", lambda r: r["p50"], 150, "ms")
    print(f"\nTargets (health: {health['cpu']:.2f} ms CPU, {health['p50']:.1f} ms p50)")
    for what, label, value, limit, unit in checks:
        print(f"  {'met   ' if value <= limit else 'MISSED'} {what:<38} {label:<36} {value:7.2f} {unit}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--cpu-child":
        cpu_child(sys.argv[2])
    else:
        main()
