"""Matching benchmark: how fast the two rankings of server.matching are, how many queries they
take, and how they compare with the naive per-candidate version and with main's old ranking.

    .venv/bin/python bench/match_bench.py [--volunteers 100000] [--opportunities 100000]
                                          [--subset 2000] [--repeat 9]

Builds its own throwaway SQLite database (a temporary file, removed at the end) and fills it
through seed_demo's bulk paths (the real catalog; volunteers with 1-5 skills, 1-3 slots and
1-2 roles; opportunities with 2-5 skills), then makes every posting open. Then, in one run:

1. CPU check: a fixed pure-Python loop, timed (compare runs by it: the machine may be shared);
2. top 10 active volunteers for one opportunity and top 20 open opportunities for a profile:
   p50 wall and CPU over repeated calls (steady state, after the first call built the compact
   tables; the cold build and the refresh after one write are printed too), queries per call;
3. both on a subset of 2,000 candidates next to the naive version (a query or three per
   candidate, every candidate scored with the pure functions), checked to give the same
   ranking, and the ratio naive / ranked;
4. the same rankings with main's code before this work (bench/baseline_matching.py, which
   did not yet leave out pairs with no skill in common) on the full pool: the ratio baseline /
   ranked.

Goals (issue 16): ≤ 250 ms p50 each at 100,000, a constant number of queries, same ranking.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GOAL_MS = 250.0


def setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def cpu_check() -> float:
    """Milliseconds of a fixed pure-Python loop: the machine's state, to compare runs by."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return (time.process_time() - started) * 1000


def timed(function, repeat: int) -> tuple[float, float, object]:
    """p50 wall-clock and p50 CPU milliseconds over `repeat` calls (after one warm-up call)."""
    result = function()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def once(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def count_queries(function) -> int:
    """Queries one call makes (counted by an execute wrapper: the debug log keeps only 9000)."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return count


def build(*, volunteers: int, opportunities: int, seed: int = 7) -> None:
    from django.db import transaction
    from django.db.models import F
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from server.models import Opportunity
    from server.seeding import SeedReport, generate_opportunities, generate_volunteers, load_catalog

    report = SeedReport()
    rng = random.Random(seed)
    with transaction.atomic():
        load_catalog(report)
        generate_volunteers(count=volunteers, rng=random.Random(rng.getrandbits(64)), report=report)
        generate_opportunities(count=opportunities, rng=random.Random(rng.getrandbits(64)), report=report)
        Opportunity.objects.update(
            status=Opportunity.Status.OPEN,
            published_at=Coalesce(F("published_at"), F("created_at")),
            expires_on=None,
            filled_at=None,
            closed_at=None,
        )
    assert Opportunity.objects.public().count() == opportunities, timezone.now()


# --- the naive versions: every candidate read with its own queries, scored with the pure functions --


def naive_rank_volunteers(opportunity, queryset, limit=10):
    from server import matching
    from server.matching import scoring

    reference = scoring.reference_date()
    need = matching.need_for(opportunity, reference)
    found = []
    for volunteer in queryset.filter(status="active"):
        profile = matching.saved_profile(volunteer)  # three queries per volunteer
        score, breakdown = matching.score(profile=profile, need=need, reference=reference)
        if matching.is_match(need=need, breakdown=breakdown):
            found.append(((-score, volunteer.name.casefold(), volunteer.name, volunteer.email), volunteer, score))
    found.sort(key=lambda item: item[0])
    return [(volunteer, score) for _, volunteer, score in found[:limit]]


def naive_rank_opportunities(profile, queryset, limit=20):
    from server import matching
    from server.matching import scoring
    from server.schedule import schedule_to_utc

    reference = scoring.reference_date()
    found = []
    for opportunity in queryset.public().select_related("project", "role"):
        required, preferred = {}, {}
        for requirement in opportunity.skill_requirements.all():  # one query per opportunity
            (required if requirement.kind == "required" else preferred)[requirement.skill_id] = requirement.level
        project = opportunity.project
        need = matching.Need(
            min_hours=opportunity.min_hours_per_week,
            role_id=opportunity.role_id,
            role_community_id=opportunity.role.community_of_practice_id,
            required=required,
            preferred=preferred,
            meetings=schedule_to_utc([m.slot for m in project.meeting_times.all()], project.timezone, reference),
        )
        score, breakdown = matching.score(profile=profile, need=need, reference=reference)
        if matching.is_match(need=need, breakdown=breakdown):
            key = (-score, -opportunity.published_at.timestamp(), opportunity.pk.hex)
            found.append((key, opportunity, score))
    found.sort(key=lambda item: item[0])
    return [(opportunity, score) for _, opportunity, score in found[:limit]]


_CLIENTS: list = []


def admin_page(opportunity) -> bool:
    """GET the opportunity's admin change page as an Organizer (signed in once); True when the
    Top matches section is on it."""
    from django.test import Client

    from server.groups import ensure_groups
    from server.models import User

    if not _CLIENTS:
        user = User.objects.create_user(email="bench-organizer@example.org", password="bench", is_staff=True)
        user.groups.add(ensure_groups()[0])
        _CLIENTS.append(Client())
        _CLIENTS[0].force_login(user)
    from django.conf import settings
    from django.test import override_settings

    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):  # no collectstatic manifest in a throwaway bench
        response = _CLIENTS[0].get(f"/admin/server/opportunity/{opportunity.pk}/change/")
    return response.status_code == 200 and b'id="top-matches"' in response.content


def main() -> None:  # noqa: C901 - a script reading top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--subset", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="match-bench-") as directory:
        setup_django(str(Path(directory) / "bench.sqlite3"))
        import baseline_matching
        from django.db import connection

        from server.matching import Profile, changes, rank_opportunities, rank_volunteers, saved_profile
        from server.models import Opportunity, Skill, Volunteer

        started = time.perf_counter()
        build(volunteers=args.volunteers, opportunities=args.opportunities)
        built = time.perf_counter() - started
        print(
            f"data: {args.volunteers} volunteers, {args.opportunities} open opportunities (seed_demo bulk paths), "
            f"built in {built:.1f}s; SQLite {connection.Database.sqlite_version}; {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        print(f"CPU check: fixed loop of 3e6 additions {cpu_check():.0f} ms (compare runs by it)")

        opportunity = (
            Opportunity.objects.filter(skill_requirements__isnull=False).select_related("role").order_by("pk").first()
        )
        saved = saved_profile(Volunteer.objects.order_by("email").first())
        profile = Profile(
            community_of_practice_id=saved.community_of_practice_id,
            role_ids=saved.role_ids,
            skills=saved.skills,
            max_hours_per_week=10,
            timezone="America/New_York",
            availability=saved.availability,
        )
        subset_volunteers = Volunteer.objects.filter(
            pk__in=list(Volunteer.objects.order_by("email").values_list("pk", flat=True)[: args.subset])
        )
        subset_opportunities = Opportunity.objects.filter(
            pk__in=list(Opportunity.objects.order_by("pk").values_list("pk", flat=True)[: args.subset])
        )

        def volunteers_all():
            return rank_volunteers(opportunity=opportunity, limit=10)

        def opportunities_all():
            return rank_opportunities(profile=profile, limit=20)

        cases = [
            (
                f"top 10 of {args.volunteers} volunteers",
                volunteers_all,
                lambda: rank_volunteers(opportunity=opportunity, limit=10, queryset=subset_volunteers),
                lambda: naive_rank_volunteers(opportunity, subset_volunteers),
                lambda: baseline_matching.rank_volunteers(opportunity=opportunity, limit=10),
                lambda: Volunteer.objects.filter(pk=Volunteer.objects.order_by("email").first().pk).update(
                    max_hours_per_week=12
                ),
            ),
            (
                f"top 20 of {args.opportunities} opportunities",
                opportunities_all,
                lambda: rank_opportunities(profile=profile, limit=20, queryset=subset_opportunities),
                lambda: naive_rank_opportunities(profile, subset_opportunities),
                lambda: baseline_matching.rank_opportunities(profile=profile, limit=20),
                lambda: Opportunity.objects.filter(pk=opportunity.pk).update(min_hours_per_week=3),
            ),
        ]
        repeat, naive_repeat = args.repeat, max(1, args.repeat // 3)
        print(f"\np50 over {repeat} calls after a warm-up (naive and baseline: {naive_repeat}), milliseconds")
        for label, ranked, ranked_subset, naive, baseline, write in cases:
            changes.forget()
            cold = once(ranked)
            p50, cpu, result = timed(ranked, repeat)
            queries = count_queries(ranked)
            write()
            refresh = once(ranked)
            sub_p50, _, sub_result = timed(ranked_subset, repeat)
            naive_p50, _, naive_result = timed(naive, naive_repeat)
            same = [(getattr(m, "volunteer", None) or m.opportunity, m.score) for m in sub_result] == naive_result
            base_p50, base_cpu, _ = timed(baseline, naive_repeat)
            verdict = "meets" if p50 <= GOAL_MS else "MISSES"
            print(
                f"{label}: p50 {p50:.1f} ms (CPU {cpu:.1f} ms), {queries} queries "
                f"(goal ≤ {GOAL_MS:.0f} ms: {verdict}); first call (builds the table) {cold:.0f} ms, "
                f"first call after a write {refresh:.0f} ms"
            )
            print(f"  scores: best {result[0].score}, last {result[-1].score}; {len(result)} results")
            print(
                f"  on {args.subset}: ranked p50 {sub_p50:.1f} ms ({count_queries(ranked_subset)} queries), "
                f"naive p50 {naive_p50:.1f} ms ({count_queries(naive)} queries), "
                f"naive/ranked {naive_p50 / sub_p50:.1f}x, same ranking: {same}"
            )
            print(
                f"  main's ranking before (bench/baseline_matching.py) on the full pool: p50 {base_p50:.1f} ms "
                f"(CPU {base_cpu:.1f} ms), {count_queries(baseline)} queries; baseline/ranked {base_p50 / p50:.1f}x"
            )
        admin_p50, admin_cpu, admin_section = timed(lambda: admin_page(opportunity), naive_repeat)
        print(
            f"\nadmin: the opportunity change page with its Top matches section (test client, whole page): "
            f"p50 {admin_p50:.1f} ms (CPU {admin_cpu:.1f} ms, goal ≤ 500 ms); section shown: {admin_section}"
        )
        skill_count = Skill.objects.count()
        print(f"\ncatalog: {skill_count} skills; CPU check again: {cpu_check():.0f} ms")
        connection.close()


if __name__ == "__main__":
    main()
