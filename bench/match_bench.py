"""Matching benchmark: how fast the two rankings of server.matching are, and how many queries they take.

    .venv/bin/python bench/match_bench.py [--volunteers 20000] [--opportunities 5000] [--subset 2000] [--repeat 9]

Builds its own throwaway SQLite database (a temporary file, removed at the end), fills it with
generated data, then measures:

1. top 10 active volunteers for one opportunity among N volunteers (5 skills and 2 weekly
   slots each), p50 over repeated calls, and the queries one call makes;
2. top 20 open opportunities among M for an unsaved profile, the same way;
3. both again on a subset of 2k candidates, next to a naive version that reads each
   candidate's skills, roles and slots with a query per candidate (the per-object way),
   and the ratio naive / ranked.

The naive version is checked to give the same ranking, so the comparison is of equal work.
Goals (SQLite, this machine): ≤ 300 ms and ≤ 200 ms p50, at most 6 queries. Figures are
printed, never asserted: the machine may be shared (other jobs change wall-clock times, but
not query counts or the ratio's order of magnitude).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ZONES = ["America/Los_Angeles", "America/New_York", "America/Chicago", "Europe/London", "Asia/Kolkata", "UTC"]
GOALS = {"volunteers": 300.0, "opportunities": 200.0, "queries": 6}


def setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def timed(function, repeat: int) -> tuple[float, float, list]:
    """p50 wall-clock and p50 CPU milliseconds over `repeat` calls (after one warm-up call), and
    the last result. SQLite runs inside this process, so CPU time counts all the work while
    staying much less sensitive than wall-clock time to other jobs on a shared machine."""
    result = function()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


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


def build(*, volunteers: int, opportunities: int, subset: int, seed: int = 7) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from server import models as m

    rng = random.Random(seed)
    now = timezone.now()
    batch = 2000
    with transaction.atomic():
        communities = m.CommunityOfPractice.objects.bulk_create(
            [m.CommunityOfPractice(name=f"Community {i}", slug=f"community-{i}") for i in range(5)]
        )
        roles = m.Role.objects.bulk_create(
            [m.Role(title=f"Role {i}", community_of_practice=communities[i % 5]) for i in range(25)]
        )
        skills = m.Skill.objects.bulk_create([m.Skill(name=f"Skill {i}") for i in range(200)])
        projects = m.Project.objects.bulk_create(
            [m.Project(name=f"Project {i}", slug=f"project-{i}", timezone=rng.choice(ZONES)) for i in range(60)]
        )
        meetings = []
        for project in projects:
            for _ in range(rng.randint(1, 3)):
                start = rng.randrange(7, 21) * 60
                meetings.append(m.MeetingTime(project=project, weekday=rng.randrange(7), start=start, end=start + 60))
        m.MeetingTime.objects.bulk_create(meetings)

        people = [
            m.Volunteer(
                email=f"{'subset' if i < subset else 'v'}{i}@example.com",
                name=f"Volunteer {i:05d}",
                community_of_practice=rng.choice([None, *communities]),
                max_hours_per_week=rng.choice([None, *range(2, 21)]),
                timezone=rng.choice(ZONES),
                status=m.Volunteer.Status.ACTIVE if rng.random() < 0.9 else m.Volunteer.Status.INACTIVE,
            )
            for i in range(volunteers)
        ]
        m.Volunteer.objects.bulk_create(people, batch_size=batch)
        levels, slots, interests = [], [], []
        through = m.Volunteer.roles.through
        for person in people:
            for skill in rng.sample(skills, 5):
                levels.append(m.VolunteerSkill(volunteer=person, skill=skill, level=rng.randint(1, 5)))
            for weekday in rng.sample(range(7), 2):
                start = rng.randrange(6, 21) * 60
                slots.append(m.AvailabilitySlot(volunteer=person, weekday=weekday, start=start, end=start + 180))
            for role in rng.sample(roles, rng.randint(0, 2)):
                interests.append(through(volunteer_id=person.pk, role_id=role.pk))
        m.VolunteerSkill.objects.bulk_create(levels, batch_size=batch)
        m.AvailabilitySlot.objects.bulk_create(slots, batch_size=batch)
        through.objects.bulk_create(interests, batch_size=batch)

        postings = [
            m.Opportunity(
                project=projects[i % len(projects)],
                role=roles[i % len(roles)],
                title=f"{'Subset' if i < subset else 'Posting'} {i}",
                min_hours_per_week=rng.randint(1, 20),
                status=m.Opportunity.Status.OPEN,
                published_at=now - timedelta(minutes=rng.randrange(60 * 24 * 90)),
            )
            for i in range(opportunities)
        ]
        m.Opportunity.objects.bulk_create(postings, batch_size=batch)
        asked = []
        for posting in postings:
            for index, skill in enumerate(rng.sample(skills, rng.randint(2, 5))):
                kind = m.OpportunitySkill.Kind.REQUIRED if index < 3 else m.OpportunitySkill.Kind.PREFERRED
                asked.append(m.OpportunitySkill(opportunity=posting, skill=skill, level=rng.randint(1, 5), kind=kind))
        m.OpportunitySkill.objects.bulk_create(asked, batch_size=batch)

    volunteer = people[0]
    return {"opportunity": postings[0], "volunteer": volunteer}


# --- the naive versions: a query (or three) per candidate ------------------------------------


def naive_rank_volunteers(opportunity, queryset, limit=10):
    from server import matching

    reference = matching.reference_date()
    need = matching._need_for(opportunity, reference)
    scored = []
    for volunteer in queryset.filter(status="active"):
        profile = matching.profile_for_volunteer(volunteer)  # three queries per volunteer
        score, breakdown = matching.score(profile=profile, need=need, reference=reference)
        scored.append(((-score, volunteer.name.casefold(), volunteer.name, volunteer.email), volunteer, score))
    scored.sort(key=lambda item: item[0])
    return [(volunteer, score) for _, volunteer, score in scored[:limit]]


def naive_rank_opportunities(profile, queryset, limit=20):
    from server import matching

    reference = matching.reference_date()
    scored = []
    for opportunity in queryset.public().select_related("project", "role"):
        required, preferred = {}, {}
        for requirement in opportunity.skill_requirements.all():  # one query per opportunity
            (required if requirement.kind == "required" else preferred)[requirement.skill_id] = requirement.level
        meetings = matching.utc_week_intervals(
            [mt.slot for mt in opportunity.project.meeting_times.all()],  # and one more
            opportunity.project.timezone,
            reference,
        )
        need = matching.Need(
            min_hours=opportunity.min_hours_per_week,
            role_id=opportunity.role_id,
            role_community_id=opportunity.role.community_of_practice_id,
            required=required,
            preferred=preferred,
            meetings=meetings,
        )
        score, _ = matching.score(profile=profile, need=need, reference=reference)
        scored.append(((-score, -opportunity.published_at.timestamp(), str(opportunity.pk)), opportunity, score))
    scored.sort(key=lambda item: item[0])
    return [(opportunity, score) for _, opportunity, score in scored[:limit]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=20_000)
    parser.add_argument("--opportunities", type=int, default=5_000)
    parser.add_argument("--subset", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="match-bench-") as directory:
        setup_django(str(Path(directory) / "bench.sqlite3"))
        from django.db import connection

        from server.matching import Profile, profile_for_volunteer, rank_opportunities, rank_volunteers
        from server.models import Opportunity, Volunteer

        started = time.perf_counter()
        data = build(volunteers=args.volunteers, opportunities=args.opportunities, subset=args.subset)
        built = time.perf_counter() - started
        check = time.perf_counter()
        sum(range(3_000_000))
        calibration = (time.perf_counter() - check) * 1000
        print(
            f"data: {args.volunteers} volunteers (5 skills, 2 slots each), {args.opportunities} open opportunities, "
            f"built in {built:.1f}s; SQLite {connection.Database.sqlite_version}; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"CPU check sum(range(3e6)) {calibration:.0f} ms (compare runs by it: the machine may be shared)"
        )
        opportunity = Opportunity.objects.select_related("role").get(pk=data["opportunity"].pk)
        saved = profile_for_volunteer(data["volunteer"])
        profile = Profile(
            community_of_practice_id=saved.community_of_practice_id,
            role_ids=saved.role_ids,
            skills=saved.skills,
            max_hours_per_week=10,
            timezone="America/New_York",
            availability=saved.availability,
        )
        repeat = args.repeat

        def volunteers_all():
            return rank_volunteers(opportunity=opportunity, limit=10)

        def opportunities_all():
            return rank_opportunities(profile=profile, limit=20)

        subset_volunteers = Volunteer.objects.filter(email__startswith="subset")
        subset_opportunities = Opportunity.objects.filter(title__startswith="Subset")

        def volunteers_subset():
            return rank_volunteers(opportunity=opportunity, limit=10, queryset=subset_volunteers)

        def opportunities_subset():
            return rank_opportunities(profile=profile, limit=20, queryset=subset_opportunities)

        def volunteers_naive():
            return naive_rank_volunteers(opportunity, subset_volunteers)

        def opportunities_naive():
            return naive_rank_opportunities(profile, subset_opportunities)

        cases = [
            (
                f"top 10 of {args.volunteers} volunteers",
                volunteers_all,
                GOALS["volunteers"],
                volunteers_subset,
                volunteers_naive,
            ),
            (
                f"top 20 of {args.opportunities} opportunities",
                opportunities_all,
                GOALS["opportunities"],
                opportunities_subset,
                opportunities_naive,
            ),
        ]
        naive_repeat = max(1, repeat // 3)
        print()
        print(f"p50 over {repeat} calls after a warm-up (naive: {naive_repeat}), milliseconds")
        for label, ranked, goal, ranked_subset, naive in cases:
            p50, cpu, result = timed(ranked, repeat)
            queries = count_queries(ranked)
            sub_p50, _, sub_result = timed(ranked_subset, repeat)
            sub_queries = count_queries(ranked_subset)
            naive_p50, _, naive_result = timed(naive, naive_repeat)
            naive_queries = count_queries(naive)
            same = [(getattr(m, "volunteer", None) or m.opportunity, m.score) for m in sub_result] == naive_result
            verdict = "meets" if p50 <= goal and queries <= GOALS["queries"] else "MISSES"
            print(
                f"{label}: p50 {p50:.1f} ms (CPU {cpu:.1f} ms), {queries} queries "
                f"(goal ≤ {goal:.0f} ms, ≤ 6 queries: {verdict})"
            )
            print(f"  scores: best {result[0].score}, last {result[-1].score}")
            print(
                f"  on {args.subset}: ranked p50 {sub_p50:.1f} ms ({sub_queries} queries), "
                f"naive p50 {naive_p50:.1f} ms ({naive_queries} queries), "
                f"naive/ranked {naive_p50 / sub_p50:.1f}x, same ranking: {same}"
            )
        connection.close()


if __name__ == "__main__":
    main()
