"""CSV import benchmark (issue 4). One run prints, for each scenario: seconds, rows/s, peak memory.

Scenarios, each in a fresh child process with its own temporary SQLite database holding the
real catalog (so peak memory is that scenario's alone, read from getrusage):
- ours: server.importing (the import_csv path) with 10k and 100k volunteers (5 skills and
  2 availability slots each) and 20k opportunities;
- baseline: the same 10k volunteers through an out-of-the-box django-import-export
  ModelResource (per-row instance load and save, ForeignKeyWidget / ManyToManyWidget, one
  query per skill, no caching);
- floor: the same 10k volunteers read with the csv module and written with raw bulk_create
  (no validation, no comparison, no history): what the database itself costs.
Then the two ratios: baseline / ours and ours / floor, on the same 10k file.

    .venv/bin/python bench/import_bench.py [--small] [--skip-baseline]

Needs no test runner: the child processes point DATABASE_URL at a temporary file before
django.setup(). Times are wall clock on whatever else the machine is doing: compare the
ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.csv_columns import COLUMNS  # noqa: E402  (plain data, no Django)

VOLUNTEER_COLUMNS = COLUMNS["volunteers"]
OPPORTUNITY_COLUMNS = COLUMNS["opportunities"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


# --- data -----------------------------------------------------------------------------------


def _catalog():
    from server.models import Project, Role, Skill

    roles = [(r.title, r.community_of_practice.name) for r in Role.objects.select_related("community_of_practice")]
    return (
        roles,
        list(Skill.objects.values_list("name", flat=True)),
        list(Project.objects.values_list("name", flat=True)),
    )


def volunteers_csv(count: int, seed: int = 4) -> str:
    rng = random.Random(seed)
    roles, skills, _ = _catalog()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(VOLUNTEER_COLUMNS)
    for index in range(count):
        title, community = rng.choice(roles)
        days = rng.sample(range(7), 2)
        slots = "; ".join(f"{DAYS[d]} {rng.randint(8, 20):02d}:00-{rng.randint(21, 23):02d}:30" for d in sorted(days))
        writer.writerow(
            [
                f"volunteer{index:06d}@example.net",
                f"Volunteer {index}",
                community,
                title,
                rng.choice(["beginner", "intermediate", "advanced"]),
                rng.randint(1, 40),
                rng.choice(["America/Los_Angeles", "America/New_York", "Europe/London"]),
                slots,
                "; ".join(f"{name}:{rng.randint(1, 5)}" for name in rng.sample(skills, 5)),
                "active",
            ]
        )
    return buffer.getvalue()


def opportunities_csv(count: int, seed: int = 5) -> str:
    rng = random.Random(seed)
    roles, skills, projects = _catalog()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OPPORTUNITY_COLUMNS)
    for index in range(count):
        title, community = rng.choice(roles)
        picked = rng.sample(skills, 5)
        writer.writerow(
            [
                "",
                rng.choice(projects),
                title,
                community,
                f"{title} #{index}",
                rng.choice(["draft", "open"]),
                rng.choice(["beginner", "intermediate", "advanced"]),
                rng.randint(1, 20),
                rng.choice(["remote", "hybrid", "in_person"]),
                rng.randint(1, 3),
                "; ".join(f"{name}:{rng.randint(1, 5)}" for name in picked[:3]),
                "; ".join(f"{name}:{rng.randint(1, 5)}" for name in picked[3:]),
                "Help us ship the next release.",
                "",
            ]
        )
    return buffer.getvalue()


# --- scenarios (run in a child process) -------------------------------------------------------


def ours(kind: str, text: str) -> int:
    from server.importing import import_file

    report = import_file(kind=kind, data=text)
    assert not report.errors, report.errors[:5]
    return report.new


def baseline(text: str) -> int:
    """What a first, out-of-the-box resource looks like: every row loaded, compared and saved
    on its own; each skill looked up with its own query."""
    import tablib
    from import_export import fields, resources, widgets

    from server.models import AvailabilitySlot, CommunityOfPractice, Role, Skill, Volunteer, VolunteerSkill
    from server.schedule import parse_schedule

    class PlainVolunteerResource(resources.ModelResource):
        community_of_practice = fields.Field(
            attribute="community_of_practice",
            column_name="community_of_practice",
            widget=widgets.ForeignKeyWidget(CommunityOfPractice, field="name"),
        )
        roles = fields.Field(
            attribute="roles", column_name="roles", widget=widgets.ManyToManyWidget(Role, field="title", separator=";")
        )

        class Meta:
            model = Volunteer
            import_id_fields = ("email",)
            fields = (
                "email",
                "name",
                "community_of_practice",
                "experience_level",
                "max_hours_per_week",
                "timezone",
                "status",
            )

        def after_save_instance(self, instance, row, **kwargs):
            if kwargs.get("dry_run"):
                return
            for item in row["skills"].split(";"):
                name, _, level = item.strip().rpartition(":")
                VolunteerSkill.objects.create(
                    volunteer=instance, skill=Skill.objects.get(name__iexact=name), level=int(level)
                )
            for slot in parse_schedule(row["availability"]):
                AvailabilitySlot.objects.create(
                    volunteer=instance, weekday=slot.weekday, start=slot.start, end=slot.end
                )

    dataset = tablib.Dataset().load(text, format="csv")
    result = PlainVolunteerResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    return result.totals["new"]


def floor(text: str) -> int:
    """The database's own cost: rows built from dict lookups and bulk_create, nothing checked."""
    import uuid

    from django.db import transaction

    from server.models import AvailabilitySlot, CommunityOfPractice, Role, Skill, Volunteer, VolunteerSkill
    from server.schedule import parse_schedule

    communities = dict(CommunityOfPractice.objects.values_list("name", "pk"))
    skills = {name.lower(): pk for name, pk in Skill.objects.values_list("name", "pk")}
    roles = {(t, c): pk for t, c, pk in Role.objects.values_list("title", "community_of_practice__name", "pk")}
    volunteers, skill_rows, slot_rows, role_rows = [], [], [], []
    for row in csv.DictReader(io.StringIO(text)):
        pk = uuid.uuid4()
        volunteers.append(
            Volunteer(
                id=pk,
                email=row["email"],
                name=row["name"],
                community_of_practice_id=communities[row["community_of_practice"]],
                experience_level=row["experience_level"],
                max_hours_per_week=int(row["max_hours_per_week"]),
                timezone=row["timezone"],
                status=row["status"],
            )
        )
        role_rows.append(
            Volunteer.roles.through(volunteer_id=pk, role_id=roles[(row["roles"], row["community_of_practice"])])
        )
        for item in row["skills"].split("; "):
            name, _, level = item.rpartition(":")
            skill_rows.append(VolunteerSkill(volunteer_id=pk, skill_id=skills[name.lower()], level=int(level)))
        for slot in parse_schedule(row["availability"]):
            slot_rows.append(AvailabilitySlot(volunteer_id=pk, weekday=slot.weekday, start=slot.start, end=slot.end))
    with transaction.atomic():
        Volunteer.objects.bulk_create(volunteers, batch_size=500)
        Volunteer.roles.through.objects.bulk_create(role_rows, batch_size=900)
        VolunteerSkill.objects.bulk_create(skill_rows, batch_size=900)
        AvailabilitySlot.objects.bulk_create(slot_rows, batch_size=900)
    return len(volunteers)


def child(scenario: str, count: int, database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from server.seeding import SeedReport, load_catalog

    call_command("migrate", verbosity=0)
    load_catalog(SeedReport())
    text = opportunities_csv(count) if scenario == "opportunities" else volunteers_csv(count)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    if scenario == "volunteers":
        rows = ours("volunteers", text)
    elif scenario == "opportunities":
        rows = ours("opportunities", text)
    elif scenario == "baseline":
        rows = baseline(text)
    else:
        rows = floor(text)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from server.models import AvailabilitySlot, VolunteerSkill

    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu": cpu,
                "peak_mb": peak / 1024,
                "before_mb": rss_before / 1024,
                "skills": VolunteerSkill.objects.count(),
                "slots": AvailabilitySlot.objects.count(),
            }
        )
    )


# --- the run ---------------------------------------------------------------------------------


def measure(scenario: str, count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="import-bench-") as directory:
        database = os.path.join(directory, "bench.sqlite3")
        output = subprocess.run(
            [sys.executable, __file__, "--child", scenario, str(count), database],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="1k / 5k / 2k rows: a quick check, not the figures.")
    parser.add_argument("--skip-baseline", action="store_true", help="Skip the slow out-of-the-box baseline.")
    parser.add_argument("--child", nargs=3, metavar=("SCENARIO", "COUNT", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scenario, count, database = args.child
        child(scenario, int(count), database)
        return
    small, large, opportunities = (1_000, 5_000, 2_000) if args.small else (10_000, 100_000, 20_000)
    print(f"CSV import benchmark, SQLite, {os.cpu_count()} CPUs; each scenario in a fresh process and database.")
    print(f"load average before: {os.getloadavg()[0]:.1f} (the machine is shared: compare ratios and CPU seconds)")
    print(f"{'scenario':50} {'rows':>8} {'seconds':>8} {'CPU s':>7} {'rows/s':>8} {'peak MB':>8}")
    results = {}
    plan = [
        ("ours_small", "volunteers", small, f"import_csv volunteers {small:,} (5 skills, 2 slots)"),
        ("ours_large", "volunteers", large, f"import_csv volunteers {large:,} (5 skills, 2 slots)"),
        ("opportunities", "opportunities", opportunities, f"import_csv opportunities {opportunities:,} (5 skills)"),
        ("floor", "floor", small, f"floor: raw bulk_create, same {small:,} volunteers"),
    ]
    if not args.skip_baseline:
        plan.append(("baseline", "baseline", small, f"out-of-the-box resource, same {small:,} volunteers"))
    for name, scenario, count, label in plan:
        result = measure(scenario, count)
        results[name] = result
        print(
            f"{label:50} {result['rows']:>8,} {result['seconds']:>8.2f} {result['cpu']:>7.2f} "
            f"{result['rows'] / result['seconds']:>8,.0f} {result['peak_mb']:>8.0f}",
            flush=True,
        )
    ours_small, ours_cpu = results["ours_small"]["seconds"], results["ours_small"]["cpu"]
    print()
    if "baseline" in results:
        baseline = results["baseline"]
        print(
            f"speed-up over the out-of-the-box resource: {baseline['seconds'] / ours_small:.1f}x wall, "
            f"{baseline['cpu'] / ours_cpu:.1f}x CPU (goal >= 5x)"
        )
    floor = results["floor"]
    print(
        f"cost over the raw bulk_create floor:        {ours_small / floor['seconds']:.2f}x wall, "
        f"{ours_cpu / floor['cpu']:.2f}x CPU (goal <= 2.5x)"
    )
    large_result = results["ours_large"]
    print(
        f"{large:,} volunteers: {large_result['seconds']:.1f} s wall, {large_result['cpu']:.1f} s CPU (goal <= 20 s), "
        f"peak {large_result['peak_mb']:.0f} MB (goal < 1024 MB)"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
