"""Several app containers starting at once against a new database all come up.

    python bench/reliability/concurrent_migrate.py [--starts 3] [--pg-port 55432]

Each container's entrypoint runs `manage.py migrate_with_lock`. Django's own migrate takes no
lock, so N containers migrating an empty database at once race and most fail with duplicate
key errors. This starts a throwaway PostgreSQL (initdb in a temporary folder, never the shared
server), runs --starts copies of migrate_with_lock at the same moment and checks every one
succeeds and the schema is complete. For comparison (printed, not asserted: a race), it then
does the same with plain `migrate` on a second empty database.
"""

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.reliability.common import Checks  # noqa: E402
from bench.reliability.pgtemp import TemporaryPostgres  # noqa: E402


def start_together(command: str, database_url: str, count: int) -> list[subprocess.CompletedProcess]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DATABASE_URL=database_url, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        output, _ = process.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, output, ""))
    return results


def unapplied(database_url: str) -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DATABASE_URL=database_url, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    plan = subprocess.run(
        [sys.executable, "manage.py", "showmigrations", "--plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [line for line in plan.stdout.splitlines() if line.startswith("[ ]")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--pg-port", type=int, default=55432)
    args = parser.parse_args()
    checks = Checks("concurrent_migrate")
    postgres = TemporaryPostgres(args.pg_port)
    try:
        postgres.init()
        postgres.start()
        postgres.create_database("locked")
        postgres.create_database("unlocked")
        locked = start_together("migrate_with_lock", postgres.database_url("locked"), args.starts)
        for number, result in enumerate(locked, 1):
            checks.check(
                result.returncode == 0,
                f"start {number}: migrate_with_lock exit {result.returncode} {result.stdout.strip()[-200:]}",
            )
        missing = unapplied(postgres.database_url("locked"))
        checks.check(not missing, f"every migration applied once ({len(missing)} left)")
        plain = start_together("migrate", postgres.database_url("unlocked"), args.starts)
        failed = sum(result.returncode != 0 for result in plain)
        print(f"  for comparison, plain migrate: {failed} of {args.starts} simultaneous starts failed", flush=True)
    except Exception as error:  # noqa: BLE001 - report, then clean up
        checks.check(False, f"harness error: {error!r}")
    finally:
        postgres.destroy()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
