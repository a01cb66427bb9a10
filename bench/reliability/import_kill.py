"""An import killed half way (SIGKILL) leaves the database exactly as it was.

    DATABASE_URL=postgres://... python bench/reliability/import_kill.py [--rows 40000]

Writes a valid volunteers CSV of --rows new volunteers (catalog names read from the database),
fingerprints every table (row count and an md5 over all rows), starts
`manage.py import_csv volunteers FILE`, waits until its transaction has started writing
(PostgreSQL assigned it a transaction id), lets it write a little longer, then kills it with
SIGKILL: no cleanup code runs. After PostgreSQL has dropped the dead session, every table
must match its fingerprint. Finally the same file is imported to the end, to show the file
was valid and the kill alone made the difference (those rows stay: run it on a scratch
database such as CI's throwaway one).
"""

import argparse
import csv
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.reliability.common import Checks, wait_until  # noqa: E402
from server.csv_columns import COLUMNS  # noqa: E402  (plain data, no Django)

APP_NAME = "ctj-import-kill"
HEADERS = COLUMNS["volunteers"]


def connect(database_url: str):
    import psycopg

    return psycopg.connect(database_url, autocommit=True, connect_timeout=10)


# Rows the task worker running next to the server writes on its own (the load check's emails
# being delivered): not the import's, so not compared.
WORKER_BOOKKEEPING = {"django_tasks_database_dbtaskresult", "server_outboundemail"}


def fingerprint(database_url: str) -> dict[str, tuple[int, str]]:
    """Per table in the public schema: (row count, md5 of every row's text, in order)."""
    with connect(database_url) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        result = {}
        for table in tables:
            count, digest = connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            result[table] = (count, digest)
        return result


def write_csv(database_url: str, path: Path, rows: int, run_id: str) -> None:
    with connect(database_url) as connection:
        communities = [name for (name,) in connection.execute("SELECT name FROM server_communityofpractice")]
        skills = [name for (name,) in connection.execute("SELECT name FROM server_skill ORDER BY name LIMIT 200")]
    if not communities or not skills:
        raise SystemExit("the database has no catalog: run migrate and seed_demo (or load the catalog) first")
    rng = random.Random(run_id)
    slots = [
        "Mon 18:00-20:00",
        "Tue 17:00-19:00; Thu 18:00-21:00",
        "Sat 09:00-12:30",
        "Wed 12:00-13:00; Sun 10:00-14:00",
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(rows):
            chosen = rng.sample(skills, rng.randint(1, 4))
            writer.writerow(
                [
                    f"kill-{run_id}-{number}@example.org",
                    f"Import Kill {number}",
                    rng.choice(communities),
                    "",
                    rng.choice(["beginner", "intermediate", "advanced"]),
                    rng.randint(2, 20),
                    rng.choice(["America/Los_Angeles", "America/New_York", "Europe/London"]),
                    rng.choice(slots),
                    "; ".join(f"{name}:{rng.randint(1, 5)}" for name in chosen),
                    "active",
                ]
            )


def writing_backend(database_url: str) -> int | None:
    """The import's backend pid once its transaction has written something (has an xid)."""
    with connect(database_url) as connection:
        row = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL", [APP_NAME]
        ).fetchone()
    return row[0] if row else None


def import_sessions(database_url: str) -> int:
    with connect(database_url) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        ).fetchone()[0]


def import_env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        PGAPPNAME=APP_NAME,  # libpq names the session, so it can be found in pg_stat_activity
    )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--write-for", type=float, default=0.5, help="seconds to let it write before the kill")
    parser.add_argument("--timeout", type=float, default=240, help="give up on the import after this long")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("--database-url (or DATABASE_URL) must name a scratch PostgreSQL database")
    host = args.database_url.split("@")[-1].split("/")[0].split(":")[0]
    if host not in {"127.0.0.1", "localhost"}:
        raise SystemExit("reliability checks only run against a database on this machine")

    checks = Checks("import_kill")
    run_id = uuid.uuid4().hex[:8]
    folder = Path(tempfile.mkdtemp(prefix="ctj-import-kill-"))
    path = folder / "volunteers.csv"
    process = None
    try:
        write_csv(args.database_url, path, args.rows, run_id)
        print(f"  {args.rows} volunteers in {path.stat().st_size / 1e6:.1f} MB", flush=True)
        before = fingerprint(args.database_url)
        command = [sys.executable, "manage.py", "import_csv", "volunteers", str(path)]
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=ROOT, env=import_env(args.database_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        backend = wait_until(
            lambda: writing_backend(args.database_url) or (process.poll() is not None and -1),
            timeout=args.timeout,
            interval=0.02,
            what="the import to start writing",
        )
        if backend == -1:
            output = process.stdout.read().decode(errors="replace")[-500:]
            checks.check(False, f"the import ended before it wrote anything to kill (raise --rows): {output}")
            return checks.finish()
        wrote_after = time.monotonic() - started
        time.sleep(args.write_for)
        still_running = process.poll() is None
        checks.check(
            still_running,
            f"import still writing {args.write_for:g}s into its transaction (started writing after {wrote_after:.1f}s)",
        )
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        checks.check(process.returncode == -signal.SIGKILL, f"import killed with SIGKILL (exit {process.returncode})")
        wait_until(
            lambda: import_sessions(args.database_url) == 0, timeout=30, what="PostgreSQL to drop the dead session"
        )
        after = fingerprint(args.database_url)
        changed = sorted(t for t in before if t not in WORKER_BOOKKEEPING and before[t] != after.get(t))
        checks.check(set(before) == set(after), "the same tables exist")
        checks.check(
            not changed,
            f"every table but the worker's bookkeeping exactly as before ({len(before)} tables; changed: {changed})",
        )
        volunteers = after.get("server_volunteer", (0, ""))[0]
        print(f"  server_volunteer rows before and after: {before['server_volunteer'][0]} / {volunteers}", flush=True)

        complete = subprocess.run(
            command, cwd=ROOT, env=import_env(args.database_url), capture_output=True, text=True, timeout=args.timeout
        )
        last_line = (complete.stdout.strip().splitlines() or [""])[-1]
        checks.check(
            complete.returncode == 0 and last_line.startswith(f"new {args.rows},"),
            f"the same file imports in full when left alone: {last_line} {complete.stderr[-300:]}",
        )
    except Exception as error:  # noqa: BLE001 - report, then clean up
        checks.check(False, f"harness error: {error!r}")
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
