"""server.matching.ranking: the two rankings against the database (results, the no-skill rule,
tie-breaking, scoping, query counts, agreement with the pure score)."""

import dataclasses
import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from server import matching
from server.matching import (
    Breakdown,
    Need,
    Profile,
    rank_opportunities,
    rank_volunteers,
    saved_profile,
    scoring,
)
from server.models import Opportunity, Volunteer
from server.schedule import Slot, parse_schedule, schedule_to_utc
from server.tests import factories as f

# A summer week (US daylight time: New York UTC-4, Los Angeles UTC-7) and a winter one.
SUMMER = date(2026, 7, 15)
WINTER = date(2026, 1, 14)


def utc(text, tz, reference=SUMMER):
    return schedule_to_utc(parse_schedule(text), tz, reference)


# --- rankings against the database ---------------------------------------------------------


@pytest.fixture
def summer(monkeypatch):
    """Place schedules on a fixed summer week so the expected numbers do not depend on today."""
    monkeypatch.setattr(scoring, "reference_date", lambda: SUMMER)


@pytest.fixture
def posting(db, summer):
    """An LA project meeting Mon 18:00-19:00, asking Python 4 (required) and Docker 2 (preferred), 5 h/week."""
    project = f.ProjectFactory(timezone="America/Los_Angeles")
    f.MeetingTimeFactory(project=project, weekday=0, start=18 * 60, end=19 * 60)
    python, docker = f.SkillFactory(name="Python"), f.SkillFactory(name="Docker")
    opportunity = f.OpenOpportunityFactory(project=project, min_hours_per_week=5)
    f.OpportunitySkillFactory(opportunity=opportunity, skill=python, level=4, kind="required")
    f.OpportunitySkillFactory(opportunity=opportunity, skill=docker, level=2, kind="preferred")
    return {"opportunity": opportunity, "python": python, "docker": docker, "project": project}


def make_volunteer(*, skills=(), slots="", roles=(), **fields):
    volunteer = f.VolunteerFactory(**fields)
    for skill, level in skills:
        f.VolunteerSkillFactory(volunteer=volunteer, skill=skill, level=level)
    for slot in parse_schedule(slots):
        f.AvailabilitySlotFactory(volunteer=volunteer, weekday=slot.weekday, start=slot.start, end=slot.end)
    volunteer.roles.set(roles)
    return volunteer


def test_rank_volunteers_hand_computed(posting):
    opportunity = posting["opportunity"]
    ny = make_volunteer(
        name="Nora",
        timezone="America/New_York",
        slots="Mon 20:00-23:00",
        skills=[(posting["python"], 4)],
        max_hours_per_week=10,
        roles=[opportunity.role],
    )
    blank = make_volunteer(name="Blank", max_hours_per_week=None)
    make_volunteer(name="Inactive", status=Volunteer.Status.INACTIVE, skills=[(posting["python"], 5)])

    matches = rank_volunteers(opportunity=opportunity)

    # Blank holds none of the skills asked: no skill in common, no match.
    assert [m.volunteer for m in matches] == [ny]
    # Nora: skills (4 + 0) / (4 + 1) = 0.8, hours 1, availability 1 (NY 21-22 inside 20-23), interest 1.
    assert matches[0].score == 90.0
    assert matches[0].breakdown == Breakdown(skills=0.8, hours=1.0, availability=1.0, interest=1.0)
    # Blank's score is still defined by the formula: no skills 0, no hours 0.5, no availability
    # 0.5, neither roles nor community 0.5.
    need = matching.need_for(opportunity, SUMMER)
    assert matching.score(profile=saved_profile(blank), need=need, reference=SUMMER) == (
        25.0,
        Breakdown(skills=0.0, hours=0.5, availability=0.5, interest=0.5),
    )


def test_rank_volunteers_ties_by_name_then_email(posting):
    same = {"skills": [(posting["python"], 2)], "max_hours_per_week": 5}
    zed = make_volunteer(name="Zed", email="zed@example.com", **same)
    ann_b = make_volunteer(name="Ann", email="b@example.com", **same)
    ann_a = make_volunteer(name="Ann", email="a@example.com", **same)
    bob = make_volunteer(name="bob", email="bob@example.com", **same)

    matches = rank_volunteers(opportunity=posting["opportunity"])

    assert len({m.score for m in matches}) == 1
    assert [m.volunteer for m in matches] == [ann_a, ann_b, bob, zed]


def test_rank_volunteers_limit_and_queryset(posting):
    volunteers = [make_volunteer(skills=[(posting["python"], level)]) for level in (1, 2, 3, 4, 5)]
    top = rank_volunteers(opportunity=posting["opportunity"], limit=2)
    assert {m.volunteer for m in top} == {volunteers[3], volunteers[4]}
    assert top[0].score == top[1].score  # levels 4 and 5 both cover the 4 asked
    narrowed = rank_volunteers(
        opportunity=posting["opportunity"], queryset=Volunteer.objects.filter(pk__in=[volunteers[0].pk])
    )
    assert [m.volunteer for m in narrowed] == [volunteers[0]]
    assert rank_volunteers(opportunity=posting["opportunity"], limit=0) == []


def test_rank_volunteers_uses_a_constant_number_of_queries(posting):
    opportunity = Opportunity.objects.get(pk=posting["opportunity"].pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            rank_volunteers(opportunity=opportunity)
        return len(queries)

    make_volunteer(skills=[(posting["python"], 3)], slots="Mon 17:00-19:00", roles=[opportunity.role])
    count()  # the first call of a process (or after a rollback) builds the compact table
    few = count()
    for index in range(12):
        make_volunteer(skills=[(posting["python"], index % 5 + 1)], slots="Mon 17:00-19:00; Tue 10:00-11:00")
    # Right after writes: the changed candidates are read again, in four queries whatever their number.
    assert count() == few + 4
    assert count() == few
    # the opportunity, the change log, the winners, the skill and role names
    assert few <= 5


def test_saved_profile(posting):
    volunteer = make_volunteer(
        timezone="Europe/Berlin",
        slots="Tue 18:00-20:00; Mon 09:00-10:00",
        skills=[(posting["python"], 3)],
        max_hours_per_week=8,
        roles=[posting["opportunity"].role],
    )
    profile = saved_profile(volunteer)
    assert profile == Profile(
        community_of_practice_id=None,
        role_ids=frozenset({posting["opportunity"].role_id}),
        skills={posting["python"].pk: 3},
        max_hours_per_week=8,
        timezone="Europe/Berlin",
        availability=(Slot(0, 540, 600), Slot(1, 1080, 1200)),
    )


def test_rank_opportunities_only_open_unexpired_best_first(posting):
    opportunity = posting["opportunity"]
    project = posting["project"]
    no_skills = f.OpenOpportunityFactory(project=project, min_hours_per_week=20)
    f.OpportunityFactory(project=project)  # draft
    f.OpenOpportunityFactory(project=project, expires_on=timezone.localdate() - timedelta(days=1))
    closed = f.OpenOpportunityFactory(project=project)
    Opportunity.objects.filter(pk=closed.pk).update(status=Opportunity.Status.CLOSED)
    profile = Profile(
        skills={posting["python"].pk: 4},
        max_hours_per_week=10,
        timezone="America/New_York",
        availability=tuple(parse_schedule("Mon 20:00-23:00")),
    )

    matches = rank_opportunities(profile=profile)

    assert [m.opportunity for m in matches] == [no_skills, opportunity]
    # no skills listed: 1; hours 10/20 = 0.5; availability 1; interest: neither given, 0.5.
    assert matches[0].breakdown == Breakdown(skills=1.0, hours=0.5, availability=1.0, interest=0.5)
    assert matches[0].score == 85.0
    assert matches[1].breakdown == Breakdown(skills=0.8, hours=1.0, availability=1.0, interest=0.5)
    assert matches[1].score == 85.0 - 10 + 10  # 40 + 20 + 20 + 5
    # Equal scores: the newer publication first.
    assert no_skills.published_at > opportunity.published_at


def test_rank_opportunities_ties_by_newer_published_at_then_id(db, summer):
    now = timezone.now()
    older = f.OpenOpportunityFactory(published_at=now - timedelta(days=3))
    newer = f.OpenOpportunityFactory(published_at=now - timedelta(days=1))
    same = [f.OpenOpportunityFactory(published_at=now - timedelta(days=2)) for _ in range(3)]
    matches = rank_opportunities(profile=Profile())
    assert len({m.score for m in matches}) == 1
    assert [m.opportunity for m in matches] == [newer, *sorted(same, key=lambda o: str(o.pk)), older]


def test_rank_opportunities_queryset_narrows_and_supplies_objects(posting):
    other = f.OpenOpportunityFactory()
    queryset = Opportunity.objects.filter(project=posting["project"]).select_related("project", "role")
    matches = rank_opportunities(profile=Profile(skills={posting["python"].pk: 1}), queryset=queryset)
    assert [m.opportunity for m in matches] == [posting["opportunity"]]
    assert other not in [m.opportunity for m in matches]
    with CaptureQueriesContext(connection) as queries:
        assert matches[0].opportunity.project.name == posting["project"].name
    assert len(queries) == 0  # select_related of the caller's queryset was kept


def test_rank_opportunities_uses_a_constant_number_of_queries(posting):
    profile = Profile(skills={posting["python"].pk: 2}, availability=tuple(parse_schedule("Mon 09:00-17:00")))

    def count():
        with CaptureQueriesContext(connection) as queries:
            rank_opportunities(profile=profile)
        return len(queries)

    count()  # builds the compact table
    few = count()
    for index in range(10):
        extra = f.OpenOpportunityFactory(min_hours_per_week=index + 1)
        f.MeetingTimeFactory(project=extra.project)
        f.OpportunitySkillFactory(opportunity=extra, skill=posting["docker"], level=index % 5 + 1)
    assert count() == few + 2  # the changed postings read again (two queries)
    assert count() == few
    # the change log, meeting times, role communities, the winners, skill and role names
    assert few <= 6


# --- the fast rankings agree with the pure score, pair by pair ---------------------------------


def need_of(opportunity: Opportunity) -> Need:
    """The pure description of an opportunity, built the slow, obvious way."""
    kinds = {"required": {}, "preferred": {}}
    for requirement in opportunity.skill_requirements.all():
        kinds[requirement.kind][requirement.skill_id] = requirement.level
    project = opportunity.project
    return Need(
        min_hours=opportunity.min_hours_per_week,
        role_id=opportunity.role_id,
        role_community_id=opportunity.role.community_of_practice_id,
        required=kinds["required"],
        preferred=kinds["preferred"],
        meetings=schedule_to_utc([m.slot for m in project.meeting_times.all()], project.timezone, SUMMER),
    )


@pytest.fixture
def crowd(db, summer):
    """Random volunteers and postings covering every case: zones, overlapping slots, no data."""
    rng = random.Random(20261126)
    communities = [f.CommunityOfPracticeFactory() for _ in range(2)]
    roles = [f.RoleFactory(community_of_practice=communities[i % 2]) for i in range(4)]
    skills = [f.SkillFactory() for _ in range(5)]
    zones = ["America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Kiritimati"]
    projects = []
    for index in range(4):
        project = f.ProjectFactory(timezone=zones[index])
        for _ in range(index):  # the first project has no meeting times
            start = rng.randrange(0, 23) * 60
            f.MeetingTimeFactory(project=project, weekday=rng.randrange(7), start=start, end=start + 90)
        projects.append(project)
    f.MeetingTimeFactory(project=projects[3], weekday=0, start=0, end=60)  # overlaps nothing or something
    opportunities = []
    for index in range(12):
        opportunity = f.OpenOpportunityFactory(
            project=projects[index % 4], role=roles[index % 4], min_hours_per_week=rng.randint(1, 20)
        )
        for kind, skill in zip(
            ["required", "required", "preferred"], rng.sample(skills, rng.randint(0, 3)), strict=False
        ):
            f.OpportunitySkillFactory(opportunity=opportunity, skill=skill, level=rng.randint(1, 5), kind=kind)
        opportunities.append(opportunity)
    volunteers = []
    for index in range(40):
        volunteer = f.VolunteerFactory(
            timezone=rng.choice(zones),
            max_hours_per_week=rng.choice([None, 2, 5, 10, 40]),
            community_of_practice=rng.choice([None, *communities]),
        )
        for skill in rng.sample(skills, rng.randint(0, 4)):
            f.VolunteerSkillFactory(volunteer=volunteer, skill=skill, level=rng.randint(1, 5))
        for _ in range(rng.choice([0, 1, 2, 3])):
            start = rng.randrange(0, 22) * 60
            f.AvailabilitySlotFactory(
                volunteer=volunteer, weekday=rng.randrange(7), start=start, end=min(1440, start + rng.randint(30, 300))
            )
        volunteer.roles.set(rng.sample(roles, rng.randint(0, 2)))
        volunteers.append(volunteer)
        if index == 0:  # one volunteer with overlapping slots on the same evening
            f.AvailabilitySlotFactory(volunteer=volunteer, weekday=2, start=17 * 60, end=20 * 60)
            f.AvailabilitySlotFactory(volunteer=volunteer, weekday=2, start=18 * 60, end=22 * 60)
    return {"opportunities": opportunities, "volunteers": volunteers}


def test_rank_volunteers_agrees_with_the_pure_score(crowd):
    for opportunity in crowd["opportunities"]:
        need = need_of(opportunity)
        expected = {
            volunteer.pk: matching.score(profile=saved_profile(volunteer), need=need, reference=SUMMER)
            for volunteer in crowd["volunteers"]
        }
        expected = {pk: found for pk, found in expected.items() if matching.is_match(need=need, breakdown=found[1])}
        matches = rank_volunteers(opportunity=opportunity, limit=100)
        assert len(matches) == len(expected)
        assert {m.volunteer.pk: (m.score, m.breakdown) for m in matches} == expected
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_rank_opportunities_agrees_with_the_pure_score(crowd):
    for volunteer in crowd["volunteers"]:
        profile = saved_profile(volunteer)
        expected = {
            opportunity.pk: matching.score(profile=profile, need=need_of(opportunity), reference=SUMMER)
            for opportunity in crowd["opportunities"]
            if matching.is_match(
                need=need_of(opportunity),
                breakdown=matching.score(profile=profile, need=need_of(opportunity), reference=SUMMER)[1],
            )
        }
        matches = rank_opportunities(profile=profile, limit=100)
        assert {m.opportunity.pk: (m.score, m.breakdown) for m in matches} == expected


def test_a_posting_with_no_skills_listed_matches_everyone_active(db, summer):
    opportunity = f.OpenOpportunityFactory()
    with_skill = make_volunteer(name="Has skills", skills=[(f.SkillFactory(), 3)])
    without = make_volunteer(name="No skills")
    make_volunteer(name="Away", status=Volunteer.Status.INACTIVE)
    matches = rank_volunteers(opportunity=opportunity, limit=10)
    assert {m.volunteer for m in matches} == {with_skill, without}
    assert all(m.breakdown.skills == 1.0 for m in matches)


def test_a_pair_with_no_skill_in_common_is_never_ranked_either_way(posting):
    outsider = make_volunteer(name="Outsider", skills=[(f.SkillFactory(name="Cobol"), 5)], max_hours_per_week=40)
    assert outsider not in [m.volunteer for m in rank_volunteers(opportunity=posting["opportunity"], limit=100)]
    profile = saved_profile(outsider)
    assert posting["opportunity"] not in [m.opportunity for m in rank_opportunities(profile=profile, limit=100)]


@pytest.mark.parametrize(
    "reference",
    [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25)],
    ids=["US spring forward", "US fall back", "EU spring forward", "EU fall back"],
)
def test_rankings_agree_with_the_pure_score_in_daylight_saving_weeks(crowd, monkeypatch, reference):
    """Weeks in which a zone changes its UTC offset: slots close to each other (or across the
    change) are converted exactly, everyone else by adding their slots' minutes."""
    monkeypatch.setattr(scoring, "reference_date", lambda: reference)
    rng = random.Random(7)
    for volunteer in crowd["volunteers"][:10]:  # slots an hour or two apart on the change day
        start = rng.choice([0, 60, 120, 180])
        f.AvailabilitySlotFactory(volunteer=volunteer, weekday=6, start=start, end=start + 90)
        f.AvailabilitySlotFactory(volunteer=volunteer, weekday=6, start=start + 120, end=start + 200)
    for opportunity in crowd["opportunities"]:
        project = opportunity.project
        need = dataclasses.replace(
            need_of(opportunity),
            meetings=schedule_to_utc([m.slot for m in project.meeting_times.all()], project.timezone, reference),
        )
        expected = {}
        for volunteer in crowd["volunteers"]:
            found = matching.score(profile=saved_profile(volunteer), need=need, reference=reference)
            if matching.is_match(need=need, breakdown=found[1]):
                expected[volunteer.pk] = found
        matches = rank_volunteers(opportunity=opportunity, limit=100)
        assert {m.volunteer.pk: (m.score, m.breakdown) for m in matches} == expected
