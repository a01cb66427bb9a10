"""The database goes away while the app runs, then comes back.

    python bench/reliability/db_outage.py [--port 8501] [--pg-port 55432]

Starts its own PostgreSQL (initdb in a temporary folder, port --pg-port, never the shared
server) and the production start (`make serve`, persistent connections with health checks)
against it, seeds a little data and warms every endpoint. Then stops PostgreSQL and checks:
/api/health/ answers 503 promptly; list, detail, match and applications answer a JSON 503
(code "database_unavailable"), never an HTML page, a 500 or a hang; the admin answers too.
Then starts PostgreSQL again and checks the same server (same process, no restart) is healthy and serves data again.
Everything is stopped and removed at the end, whatever happens.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.reliability.common import Checks, Client, wait_until  # noqa: E402
from bench.reliability.pgtemp import TemporaryPostgres  # noqa: E402

PROMPT_SECONDS = 5.0  # an outage answer must come at least this fast
ROUNDS = 6  # requests per endpoint during the outage, to reach every worker and thread


def server_env(database_url: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_", "API_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_CONN_MAX_AGE="300",
        DJANGO_DB_CONNECT_TIMEOUT="3",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",  # no SMTP server here
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="30",
        API_ANON_RATE="100000/minute",
        API_APPLICATION_RATE="100000/minute",
        PORT=str(port),
    )
    return env


def endpoints(client: Client, opportunity_id: str, email: str) -> dict:
    return {
        "list": lambda: client.get("/api/opportunities/?page_size=5"),
        "detail": lambda: client.get(f"/api/opportunities/{opportunity_id}/"),
        "match": lambda: client.post("/api/match/", {"skills": [{"name": "Python", "level": 3}]}),
        "apply": lambda: client.post(
            "/api/applications/", {"opportunity": opportunity_id, "name": "Outage Tester", "email": email}
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8501, help="app server port on 127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=55432, help="throwaway PostgreSQL port on 127.0.0.1")
    args = parser.parse_args()
    checks = Checks("db_outage")
    base_url = f"http://127.0.0.1:{args.port}"
    postgres = TemporaryPostgres(args.pg_port)
    server = None
    log_path = postgres.folder / "serve.log"
    try:
        postgres.init()
        postgres.start()
        postgres.create_database("ctj_outage")
        database_url = postgres.database_url("ctj_outage")
        env = server_env(database_url, args.port)
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                ["make", "--no-print-directory", "serve"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = Client(base_url, timeout=15)
        wait_until(lambda: client.get("/api/health/").status == 200, timeout=180, what="server healthy")
        print(f"  server up on {base_url} against PostgreSQL on port {args.pg_port}", flush=True)
        seed = subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--volunteers", "20", "--opportunities", "15"],
            cwd=ROOT,
            env={**env, "DJANGO_DEBUG": "0"},
            capture_output=True,
            text=True,
            timeout=180,
        )
        checks.check(seed.returncode == 0, f"seeded: {seed.stdout.strip()[-120:]} {seed.stderr[-300:]}")
        listing = client.get("/api/opportunities/?page_size=5")
        opportunity_id = listing.json()["results"][0]["id"]
        before = endpoints(client, opportunity_id, "outage-before@example.org")
        for _ in range(ROUNDS):  # warm persistent connections in every worker thread we can reach
            for name, call in before.items():
                response = call()
                if response.status >= 300:
                    checks.check(False, f"before the outage {name} -> {response.status} {response.body[:200]!r}")

        master_pid = server.pid
        postgres.stop("fast")
        print("  PostgreSQL stopped", flush=True)

        during = endpoints(client, opportunity_id, "outage-during@example.org")
        slowest = 0.0
        for round_number in range(ROUNDS):
            health = client.get("/api/health/")
            slowest = max(slowest, health.seconds)
            checks.check(
                health.status == 503 and health.is_json and health.seconds < PROMPT_SECONDS,
                f"round {round_number}: /api/health/ -> {health.status} in {health.seconds:.2f}s {health.body[:80]!r}",
            )
            for name, call in during.items():
                try:
                    response = call()
                except Exception as error:  # noqa: BLE001 - a dropped connection or timeout is a failure
                    checks.check(False, f"round {round_number}: {name} raised {error!r}")
                    continue
                slowest = max(slowest, response.seconds)
                checks.check(
                    response.status == 503
                    and response.is_json
                    and response.json().get("code") == "database_unavailable"
                    and response.seconds < PROMPT_SECONDS,
                    f"round {round_number}: {name} -> {response.status} JSON in {response.seconds:.2f}s "
                    f"{response.body[:100]!r}",
                )
        admin = client.get("/admin/login/")
        checks.check(
            admin.status in (200, 503) and b"Traceback" not in admin.body and admin.seconds < PROMPT_SECONDS,
            f"/admin/login/ during the outage -> {admin.status} in {admin.seconds:.2f}s",
        )
        print(f"  slowest answer during the outage: {slowest:.2f}s", flush=True)

        postgres.start()
        restarted = time.monotonic()
        print("  PostgreSQL started again", flush=True)
        wait_until(lambda: client.get("/api/health/").status == 200, timeout=30, what="health back to 200")
        recovered = time.monotonic() - restarted
        checks.check(server.poll() is None and server.pid == master_pid, "the same server process is still running")
        checks.check(True, f"health answered 200 again {recovered:.2f}s after PostgreSQL came back")
        after = endpoints(client, opportunity_id, "outage-after@example.org")
        for _ in range(ROUNDS):  # every worker thread must have reconnected, not just one
            for name, call in after.items():
                response = call()
                if response.status not in (200, 201):
                    checks.check(False, f"after recovery {name} -> {response.status} {response.body[:200]!r}")
        checks.check(True, f"after recovery list, detail, match and apply answered {ROUNDS} times each")
        log_text = log_path.read_text(errors="replace")
        checks.check("WORKER TIMEOUT" not in log_text, "no gunicorn worker timed out (nothing hung)")
    except Exception as error:  # noqa: BLE001 - report, then clean up
        checks.check(False, f"harness error: {error!r}")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if checks.failures and log_path.exists():
            print("---- server log (tail) ----\n" + "\n".join(log_path.read_text(errors="replace").splitlines()[-40:]))
        postgres.destroy()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
