"""Admin changelist render time at 1k and at 100k rows: prints both timings and their ratio.

    .venv/bin/python bench/admin_bench.py [--small 1000] [--large 100000] [--runs 9]

Two databases are filled by server.seeding (the generator behind seed_demo: the real
catalog, 22 projects, N opportunities, N volunteers, ~2 applications per posting) and the
renders alternate between them, small, large, small, large..., so a busy machine slows both
sizes alike and the ratio stays meaningful. Each figure is the median of --runs renders of
the page as the superuser, through Django's test client (no network, DEBUG off).

Databases: two SQLite files in a temporary directory by default. With BENCH_DATABASE_URL
(e.g. postgres://postgres@127.0.0.1:5432/ctj_admin_bench) the script uses, and creates
when missing, the databases <name>_small and <name>_large next to it; they are left in
place, so a second run skips the filling (pass --refill to start again).

Goal: the opportunity changelist at 100k within 2x its time at 1k.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("opportunities", "admin:server_opportunity_changelist", {}),
    ("opportunities, status=open", "admin:server_opportunity_changelist", {"status__exact": "open"}),
    ("opportunities, CoP filter", "admin:server_opportunity_changelist", {"role__community_of_practice__id__exact": 1}),
    ("opportunities, search", "admin:server_opportunity_changelist", {"q": "Data"}),
    ("volunteers", "admin:server_volunteer_changelist", {}),
    ("volunteers, status=active", "admin:server_volunteer_changelist", {"status__exact": "active"}),
    ("applications", "admin:server_application_changelist", {}),
]


def configure(database_url: str, tmp: str) -> dict[str, str]:
    """Point Django at the database URL; return the two database names to switch between."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        return {"small": f"{tmp}/small.sqlite3", "large": f"{tmp}/large.sqlite3"}
    base = connection.settings_dict["NAME"]
    names = {"small": f"{base}_small", "large": f"{base}_large"}
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        existing = {row[0] for row in cursor.fetchall()}
        for name in names.values():
            if name not in existing:
                cursor.execute(f'CREATE DATABASE "{name}"')
    return names


def use(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def fill(count: int, refill: bool) -> str:
    from django.core.management import call_command
    from django.db import connection

    from server.models import Opportunity
    from server.seeding import seed_demo

    call_command("migrate", verbosity=0)
    if refill:
        call_command("flush", interactive=False, verbosity=0)
    note = "already filled"
    if Opportunity.objects.count() < count:
        started = time.perf_counter()
        seed_demo(password="civictech", volunteers=count, opportunities=count, seed=7)
        note = f"filled in {time.perf_counter() - started:.1f}s"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as a live database has
    return note


def sizes() -> str:
    from server.models import Application, Opportunity, Volunteer

    return (
        f"{Opportunity.objects.count():,} opportunities, {Volunteer.objects.count():,} volunteers, "
        f"{Application.objects.count():,} applications"
    )


def render(client, url, params) -> float:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--refill", action="store_true", help="empty and refill existing PostgreSQL databases")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ctj-admin-bench-") as tmp:
        names = configure(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/unused.sqlite3", tmp)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from server.models import User

        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(f"database: {connection.vendor}")
        clients = {}
        for size, count in (("small", args.small), ("large", args.large)):
            use(names[size])
            note = fill(count, args.refill)
            print(f"{size}: {sizes()} ({note})")
            clients[size] = Client()
            clients[size].force_login(User.objects.get(email="admin@example.org"))

        timings = {(label, size): [] for label, _, _ in PAGES for size in names}
        for label, name, params in PAGES:
            url = reverse(name)
            for size in names:  # warm-up: templates, caches, database pages
                use(names[size])
                render(clients[size], url, params)
                render(clients[size], url, params)
            for _ in range(args.runs):
                for size in names:
                    use(names[size])
                    timings[(label, size)].append(render(clients[size], url, params))
        use(names["small"])

    print(f"\nmedian of {args.runs} renders, milliseconds (small and large alternate)")
    print(f"{'page':<30}{args.small:>10,}{args.large:>10,}{'ratio':>8}")
    ratios = {}
    for label, _, _ in PAGES:
        small = statistics.median(timings[(label, "small")])
        large = statistics.median(timings[(label, "large")])
        ratios[label] = large / small
        print(f"{label:<30}{small:>10.1f}{large:>10.1f}{ratios[label]:>8.2f}")
    verdict = "meets" if ratios["opportunities"] < 2 else "MISSES"
    print(f"\nopportunity changelist: ratio {ratios['opportunities']:.2f} ({verdict} the goal of < 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
