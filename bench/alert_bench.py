"""Alert benchmark: scoring one newly published opportunity against every active alert.

    .venv/bin/python bench/alert_bench.py [--alerts 100000] [--repeat 5]

Builds its own throwaway SQLite database (a temporary file, removed at the end) with N
confirmed alerts (5 skills out of 20, two 3-hour weekly slots in one of six zones, 0-2 roles,
min_score 0-80), then times `server.alerts.matching.alert_scores` — the step of a digest run
that grows with the number of alerts (the candidates' rows, the matching package's numpy
table, the scores) — for two opportunities:

1. one asking for 3 of the 20 skills (the alerts holding none of them are not even read:
   no skill in common is no match);
2. one listing no skills, so every alert is a candidate (the worst case).

For each: p50 wall-clock and p50 CPU time of the process (SQLite runs in-process, so CPU time
counts all the work and is much less sensitive than wall-clock time to other jobs on a shared
machine), the number of candidates and of matches, then the same scores computed one alert at
a time with the pure functions (`alert_scores_one_by_one`, on the same rows), checked equal,
and the ratio; then how much of it is reading the rows, and the ratio of the scoring alone.
Goal: ≤ 2 s for 100,000 alerts. A CPU check (a fixed loop, shared with match_bench) before and
after says how busy the machine was. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match_bench import cpu_check, setup_django, timed  # noqa: E402  (the same set-up, timing and CPU check)

ZONES = ["America/Los_Angeles", "America/New_York", "America/Chicago", "Europe/London", "Asia/Kolkata", "UTC"]
GOAL_MS = 2000.0


def build(*, alerts: int, seed: int = 15) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from server import models as m

    rng = random.Random(seed)
    now = timezone.now()
    batch = 5000
    with transaction.atomic():
        community = m.CommunityOfPractice.objects.create(name="Engineering", slug="engineering")
        roles = m.Role.objects.bulk_create(
            [m.Role(title=f"Role {i}", community_of_practice=community) for i in range(10)]
        )
        skills = m.Skill.objects.bulk_create([m.Skill(name=f"Skill {i}") for i in range(20)])
        project = m.Project.objects.create(name="Project", slug="project", timezone="America/Los_Angeles")
        m.MeetingTime.objects.bulk_create(
            [m.MeetingTime(project=project, weekday=day, start=18 * 60, end=19 * 60 + 30) for day in (0, 3)]
        )
        rows = [
            m.Alert(
                email=f"v{i}@example.com",
                max_hours_per_week=rng.choice([None, *range(2, 21)]),
                timezone=rng.choice(ZONES),
                min_score=rng.choice([0, 40, 60, 70, 80]),
                confirmed_at=now,
            )
            for i in range(alerts)
        ]
        m.Alert.objects.bulk_create(rows, batch_size=batch)
        levels, slots, interests = [], [], []
        through = m.Alert.roles.through
        for alert in rows:
            for skill in rng.sample(skills, 5):
                levels.append(m.AlertSkill(alert=alert, skill=skill, level=rng.randint(1, 5)))
            for weekday in rng.sample(range(7), 2):
                start = rng.randrange(6, 21) * 60
                slots.append(m.AlertSlot(alert=alert, weekday=weekday, start=start, end=start + 180))
            for role in rng.sample(roles, rng.randint(0, 2)):
                interests.append(through(alert_id=alert.pk, role_id=role.pk))
        m.AlertSkill.objects.bulk_create(levels, batch_size=batch)
        m.AlertSlot.objects.bulk_create(slots, batch_size=batch)
        through.objects.bulk_create(interests, batch_size=batch)

        def posting(title, asked):
            opportunity = m.Opportunity.objects.create(
                project=project, role=roles[0], title=title, min_hours_per_week=5, status="open", published_at=now
            )
            m.OpportunitySkill.objects.bulk_create(
                m.OpportunitySkill(opportunity=opportunity, skill=skill, level=3, kind="required") for skill in asked
            )
            return opportunity

        return {"three skills": posting("Three skills", skills[:3]), "no skills": posting("No skills", [])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(str(Path(folder) / "bench.sqlite3"))
        from server.alerts.matching import alert_rows, alert_scores, alert_scores_one_by_one, candidates_for
        from server.matching import need_for, reference_date

        started = time.perf_counter()
        postings = build(alerts=args.alerts)
        print(f"built {args.alerts:,} confirmed alerts in {time.perf_counter() - started:.1f} s")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
        print(f"CPU check: fixed loop of 3e6 additions {cpu_check():.0f} ms (compare runs by it)")
        for label, opportunity in postings.items():
            need = need_for(opportunity, reference_date())
            candidates = candidates_for(need).count()
            load_wall, load_cpu, _ = timed(lambda n=need: alert_rows(n), args.repeat)
            wall, cpu, scores = timed(lambda o=opportunity: alert_scores(o), args.repeat)
            started, started_cpu = time.perf_counter(), time.process_time()
            reference = alert_scores_one_by_one(opportunity)
            naive_wall = (time.perf_counter() - started) * 1000
            naive_cpu = (time.process_time() - started_cpu) * 1000
            same = "same" if reference == scores else "DIFFERENT"
            verdict = "meets" if wall <= GOAL_MS else "misses"
            print(
                f"{label}: {candidates:,} candidates, {len(scores):,} matches; "
                f"vectorised p50 {wall:.0f} ms wall / {cpu:.0f} ms CPU ({verdict} the {GOAL_MS:.0f} ms goal); "
                f"one by one {naive_wall:.0f} ms wall / {naive_cpu:.0f} ms CPU; "
                f"ratio {naive_wall / wall:.1f}x wall, {naive_cpu / cpu:.1f}x CPU; results {same}"
            )
            print(
                f"  of which reading the rows: {load_wall:.0f} ms wall / {load_cpu:.0f} ms CPU; scoring after it: "
                f"vectorised {cpu - load_cpu:.0f} ms CPU, one by one {naive_cpu - load_cpu:.0f} ms CPU "
                f"(ratio {(naive_cpu - load_cpu) / max(cpu - load_cpu, 1):.1f}x)"
            )
        print(f"CPU check again: {cpu_check():.0f} ms")


if __name__ == "__main__":
    main()
