"""Admin changelist render time at 1k and at 100k rows: prints both timings and their ratio.

    .venv/bin/python bench/admin_bench.py [--small 1000] [--large 100000] [--runs 7]

Uses a fresh SQLite file in a temporary directory unless BENCH_DATABASE_URL names a
throwaway database (it is migrated and filled; use an empty one). Goal: ratio under 2 for
the opportunity changelist. The data comes from server.seeding (the same generator as
seed_demo), so the rows look like production: 22 projects, 23 roles, skills, applications.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def grow(*, volunteers: int, opportunities: int, seed: int = 7) -> float:
    from server.seeding import (
        SeedReport,
        ensure_accounts,
        generate_applications,
        generate_opportunities,
        generate_volunteers,
        load_catalog,
    )

    started = time.perf_counter()
    report = SeedReport()
    load_catalog(report)
    ensure_accounts(password="civictech", report=report)
    rng = random.Random(seed)
    # Same seeds every call: the first N rows are identical, so growing only adds the rest.
    generate_volunteers(count=volunteers, rng=random.Random(rng.getrandbits(64)), report=report)
    generate_opportunities(count=opportunities, rng=random.Random(rng.getrandbits(64)), report=report)
    generate_applications(rng=random.Random(rng.getrandbits(64)), report=report, per_opportunity=2)
    return time.perf_counter() - started


PAGES = [
    ("opportunities", "admin:server_opportunity_changelist", {}),
    ("opportunities, status=open", "admin:server_opportunity_changelist", {"status__exact": "open"}),
    ("opportunities, search", "admin:server_opportunity_changelist", {"q": "Data"}),
    ("volunteers", "admin:server_volunteer_changelist", {}),
    ("applications", "admin:server_application_changelist", {}),
]


def measure(client, runs: int) -> dict[str, float]:
    from django.urls import reverse

    results = {}
    for label, name, params in PAGES:
        url = reverse(name)
        for _ in range(2):  # warm caches (templates, database pages)
            assert client.get(url, params).status_code == 200
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        results[label] = statistics.median(timings) * 1000
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ctj-admin-bench-") as tmp:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        setup_django(database_url)
        from django.db import connection
        from django.test import Client

        from server.models import Application, Opportunity, User, Volunteer

        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"database: {connection.vendor}")
        client = Client()
        seconds = grow(volunteers=args.small, opportunities=args.small)
        client.force_login(User.objects.get(email="admin@example.org"))

        def sizes():
            return (
                f"{Opportunity.objects.count():,} opportunities, {Volunteer.objects.count():,} volunteers, "
                f"{Application.objects.count():,} applications"
            )

        print(f"small: {sizes()} (made in {seconds:.1f}s)")
        small = measure(client, args.runs)
        seconds = grow(volunteers=args.large, opportunities=args.large)
        print(f"large: {sizes()} (made in {seconds:.1f}s)")
        large = measure(client, args.runs)

        print(f"\nmedian of {args.runs} renders, milliseconds")
        print(f"{'page':<30}{args.small:>10,}{args.large:>10,}{'ratio':>8}")
        for label in small:
            ratio = large[label] / small[label]
            print(f"{label:<30}{small[label]:>10.1f}{large[label]:>10.1f}{ratio:>8.2f}")
        ratio = large["opportunities"] / small["opportunities"]
        verdict = "meets" if ratio < 2 else "MISSES"
        print(f"\nopportunity changelist ratio {ratio:.2f} ({verdict} the goal of < 2)")
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
