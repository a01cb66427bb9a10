"""REST API benchmark: latency and throughput of the read endpoints under gunicorn.

Seeds a throwaway database with the real catalog and N opportunities (default 10,000),
serves the app with gunicorn (2 sync workers, debug off) on 127.0.0.1, and for each endpoint
runs a bounded load loop (a few client threads for a few seconds each, http.client, one
connection per request as gunicorn's sync workers close them). Prints p50 / p95 latency,
requests per second and the ratio of each p50 to the health check's p50 measured in the same
run (the cost of a request that does almost nothing: routing, middleware, one SELECT 1).

    .venv/bin/python bench/api_bench.py                    # SQLite in a temporary directory
    .venv/bin/python bench/api_bench.py --seconds 5 --threads 4 --port 8201
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctj_api_bench .venv/bin/python bench/api_bench.py

With DATABASE_URL the database must exist; it is seeded (idempotent) but never dropped.
Goal on the 2-core reference machine with SQLite: list p50 under 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run_manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def request(port, method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, data, elapsed


def wait_until_up(port, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/api/health/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /api/health/ in time")


def load(port, paths, *, seconds, threads, method="GET", body=None):
    """Hit `paths` (cycled per thread) for `seconds` from `threads` threads."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset):
        mine, bad, index = [], [], offset
        while time.monotonic() < stop_at:
            status, _, elapsed = request(port, method, paths[index % len(paths)], body)
            index += 1
            (mine if status < 400 else bad).append(elapsed if status < 400 else status)
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
        raise SystemExit(f"{paths[0]}: {len(errors)} failed requests, e.g. status {errors[0]}")
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
    parser.add_argument("--seconds", type=float, default=4.0, help="load time per endpoint (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all endpoints (default 3)")
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="run only endpoints whose name contains this text")
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
        f"{args.threads} client threads × {args.seconds:g} s per endpoint in {args.rounds} rounds"
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
        run_endpoints(args, env)
    finally:
        server.terminate()
        server.wait(timeout=30)


def cpu_per_request(env, scenarios):
    """Median CPU time per request of each endpoint, served in one process without HTTP
    (Django's test client). CPU time, unlike wall time, hardly depends on how busy the
    machine is, so this column compares runs made under different loads."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([[name, paths, method, body] for name, paths, method, body in scenarios], handle)
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
        scenarios = json.load(handle)
    result = {}
    for name, paths, method, body in scenarios:

        def call(index, paths=paths, method=method, body=body):
            target = paths[index % len(paths)]
            if method == "POST":
                return client.post(target, body, content_type="application/json")
            return client.get(target)

        for index in range(3):
            call(index)
        times = []
        for index in range(repeat if method == "GET" else 5):
            started = time.process_time()
            response = call(index)
            times.append(time.process_time() - started)
            if response.status_code >= 400:
                raise SystemExit(f"{name}: status {response.status_code}")
        result[name] = statistics.median(times) * 1000
    print(json.dumps(result))


def run_endpoints(args, env):
    port = args.port
    status, body, _ = request(port, "GET", "/api/opportunities/?page_size=100")
    if status != 200:
        raise SystemExit(f"/api/opportunities/ answered {status}: {body[:200]!r}")
    items = json.loads(body)["results"]
    ids = [item["id"] for item in items]
    open_count = json.loads(body)["count"]
    _, body, _ = request(port, "GET", "/api/communities/")
    slugs = [c["slug"] for c in json.loads(body)["results"]]
    skills = sorted({s["name"] for item in items for s in item["required_skills"]})
    rng = random.Random(1)
    filtered = [
        f"/api/opportunities/?community_of_practice={rng.choice(slugs)}&work_environment=remote&max_hours=10"
        for _ in range(20)
    ]
    by_skill = [f"/api/opportunities/?skill={rng.choice(skills).replace(' ', '%20')}" for _ in range(20)]
    pages = [f"/api/opportunities/?page={rng.randint(1, max(1, open_count // 20))}" for _ in range(20)]
    scenarios = [
        ("health (baseline)", ["/api/health/"], "GET", None),
        ("list, page 20", ["/api/opportunities/"], "GET", None),
        ("list, random page", pages, "GET", None),
        ("list, cop + env + max_hours", filtered, "GET", None),
        ("list, skill", by_skill, "GET", None),
        ("list, search", ["/api/opportunities/?search=engineer"], "GET", None),
        ("list, ordering", ["/api/opportunities/?ordering=min_hours_per_week"], "GET", None),
        ("detail", [f"/api/opportunities/{pk}/" for pk in ids], "GET", None),
        ("communities", ["/api/communities/"], "GET", None),
        ("roles", ["/api/roles/"], "GET", None),
        ("skills, page 100", ["/api/skills/?page_size=100"], "GET", None),
        ("projects", ["/api/projects/"], "GET", None),
        (
            "match (POST)",
            ["/api/match/"],
            "POST",
            {"skills": [{"name": name, "level": 3} for name in skills[:3]], "max_hours_per_week": 8,
             "availability": "Mon 18:00-21:00; Wed 18:00-21:00"},
        ),
    ]  # fmt: skip
    chosen = [s for s in scenarios if args.only in s[0] or s[0].startswith("health")]
    for _, paths, method, body in chosen:
        load(port, paths, seconds=0.3, threads=1, method=method, body=body)  # warm up both workers
    # Rounds interleave the endpoints in time, so a change in the machine's load (it is shared)
    # weighs on all of them alike rather than on whichever ran at that moment.
    collected = {name: ([], 0.0) for name, *_ in chosen}
    for _ in range(args.rounds):
        for name, paths, method, body in chosen:
            seconds = args.seconds / args.rounds
            latencies, wall = load(port, paths, seconds=seconds, threads=args.threads, method=method, body=body)
            total, walls = collected[name]
            collected[name] = (total + latencies, walls + wall)
    cpu = cpu_per_request(env, chosen)
    print(f"open opportunities: {open_count}")
    print(
        f"{'endpoint':<30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p50 / health':>13} "
        f"{'CPU ms':>7} {'CPU / health':>13}"
    )
    baseline = cpu_baseline = None
    for name, (latencies, wall) in collected.items():
        result = summary(latencies, wall)
        baseline = baseline or result["p50"]
        cpu_baseline = cpu_baseline or cpu[name]
        print(
            f"{name:<30} {result['n']:>8} {result['p50']:>8.1f} {result['p95']:>8.1f} {result['rps']:>8.1f} "
            f"{result['p50'] / baseline:>12.1f}× {cpu[name]:>7.1f} {cpu[name] / cpu_baseline:>12.1f}×"
        )
    load_average = os.getloadavg()
    print(f"load average during the run: {load_average[0]:.1f} {load_average[1]:.1f} {load_average[2]:.1f} "
          f"on {os.cpu_count()} CPUs (shared machine: other builds were running)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--cpu-child":
        cpu_child(sys.argv[2])
    else:
        main()
