"""Matching: hand-computed examples for every component and the score, the UTC conversion,
property tests, and the two rankings (results, tie-breaking, scoping, query counts)."""

import dataclasses
import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from server import matching
from server.matching import (
    Breakdown,
    Need,
    Profile,
    availability_component,
    combine,
    evaluate,
    hours_component,
    interest_component,
    profile_for_volunteer,
    rank_opportunities,
    rank_volunteers,
    skills_component,
    utc_week_intervals,
)
from server.models import Opportunity, Volunteer
from server.schedule import Slot, parse_schedule, schedule_to_utc
from server.tests import factories as f

# A summer week (US daylight time: New York UTC-4, Los Angeles UTC-7) and a winter one.
SUMMER = date(2026, 7, 15)
WINTER = date(2026, 1, 14)


def utc(text, tz, reference=SUMMER):
    return utc_week_intervals(parse_schedule(text), tz, reference)


# --- skills --------------------------------------------------------------------------------


def test_skills_is_one_when_the_opportunity_lists_none():
    assert skills_component(required={}, preferred={}, levels={}) == 1.0
    assert skills_component(required={}, preferred={}, levels={1: 5}) == 1.0


def test_skills_counts_levels_up_to_the_level_asked():
    # Python 4 of 4 asked, Django 2 of 3 asked: (4 + 2) / (4 + 3)
    assert skills_component(required={1: 4, 2: 3}, preferred={}, levels={1: 5, 2: 2}) == pytest.approx(6 / 7)


def test_skills_a_missing_skill_counts_zero():
    assert skills_component(required={1: 4, 2: 2}, preferred={}, levels={1: 4}) == pytest.approx(4 / 6)
    assert skills_component(required={1: 4}, preferred={}, levels={}) == 0.0


def test_skills_preferred_weigh_half():
    # required Python 4 (has 4), preferred Docker 2 (lacks): (4 + 0.5·0) / (4 + 0.5·2) = 4 / 5
    assert skills_component(required={1: 4}, preferred={2: 2}, levels={1: 4}) == pytest.approx(0.8)
    # only the preferred one: (0 + 0.5·2) / (4 + 0.5·2) = 1 / 5
    assert skills_component(required={1: 4}, preferred={2: 2}, levels={2: 3}) == pytest.approx(0.2)


# --- hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_hours", "min_hours", "expected"),
    [(10, 5, 1.0), (5, 5, 1.0), (4, 8, 0.5), (3, 12, 0.25), (None, 5, 0.5), (None, 40, 0.5)],
)
def test_hours(max_hours, min_hours, expected):
    assert hours_component(max_hours=max_hours, min_hours=min_hours) == pytest.approx(expected)


# --- availability --------------------------------------------------------------------------


def test_availability_is_one_without_meetings_and_half_without_availability():
    assert availability_component(meetings=[], availability=None) == 1.0
    assert availability_component(meetings=[], availability=utc("Mon 09:00-10:00", "UTC")) == 1.0
    assert availability_component(meetings=utc("Mon 18:00-19:00", "UTC"), availability=None) == 0.5
    assert availability_component(meetings=utc("Mon 18:00-19:00", "UTC"), availability=[]) == 0.5


def test_availability_new_york_volunteer_and_los_angeles_meetings():
    # LA Mon 18:00-19:00 is NY Mon 21:00-22:00: inside NY 20:00-23:00.
    volunteer = utc("Mon 20:00-23:00", "America/New_York")
    assert availability_component(meetings=utc("Mon 18:00-19:00", "America/Los_Angeles"), availability=volunteer) == 1
    # LA Mon 19:00-21:00 is NY 22:00-24:00: one hour of two.
    meetings = utc("Mon 19:00-21:00", "America/Los_Angeles")
    assert availability_component(meetings=meetings, availability=volunteer) == pytest.approx(0.5)
    # The same wall times compared naively would overlap fully; in UTC the NY evening is over.
    assert availability_component(meetings=utc("Mon 21:00-22:00", "America/Los_Angeles"), availability=volunteer) == 0


def test_availability_across_midnight_and_the_end_of_the_utc_week():
    # LA Sun 17:00-19:00 (UTC-7) is Mon 00:00-02:00 UTC, the start of the UTC week.
    meetings = utc("Sun 17:00-19:00", "America/Los_Angeles")
    assert meetings == [(0, 120)]
    # A Berlin volunteer (UTC+2) free Mon 01:00-03:00 local = Sun 23:00 - Mon 01:00 UTC.
    volunteer = utc("Mon 01:00-03:00", "Europe/Berlin")
    assert volunteer == [(0, 60), (7 * 1440 - 60, 7 * 1440)]
    assert availability_component(meetings=meetings, availability=volunteer) == pytest.approx(0.5)
    # A New York volunteer free Sun 20:00-24:00 (UTC-4) = Mon 00:00-04:00 UTC.
    assert availability_component(meetings=meetings, availability=utc("Sun 20:00-24:00", "America/New_York")) == 1.0


def test_availability_counts_overlapping_meetings_once():
    # Two meetings at the same hour plus one more: two distinct hours of meeting time.
    meetings = utc("Tue 18:00-19:00 (All team); Tue 18:00-19:00 (Design); Thu 18:00-19:00", "America/Los_Angeles")
    assert sum(end - start for start, end in meetings) == 120
    volunteer = utc("Tue 17:00-20:00", "America/Los_Angeles")
    assert availability_component(meetings=meetings, availability=volunteer) == pytest.approx(0.5)


def test_availability_follows_daylight_saving_time_of_the_week():
    # London and New York: 5 hours apart in January, and in July (both on summer time).
    meetings_jan = utc("Wed 12:00-13:00", "Europe/London", WINTER)
    meetings_jul = utc("Wed 12:00-13:00", "Europe/London", SUMMER)
    assert meetings_jan == [(2 * 1440 + 12 * 60, 2 * 1440 + 13 * 60)]
    assert meetings_jul == [(2 * 1440 + 11 * 60, 2 * 1440 + 12 * 60)]
    for reference in (WINTER, SUMMER):
        volunteer = utc("Wed 07:00-08:00", "America/New_York", reference)
        meetings = utc("Wed 12:00-13:00", "Europe/London", reference)
        assert availability_component(meetings=meetings, availability=volunteer) == 1.0


# --- interest ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_ids", "community", "expected"),
    [
        ({7}, None, 1.0),  # the role itself
        ({7, 8}, 99, 1.0),  # the role, whatever the community
        ({8}, 1, 0.5),  # another role, but the opportunity's role is in V's community
        (set(), 1, 0.5),  # only a community, the right one
        (set(), None, 0.5),  # said neither
        ({8}, None, 0.0),  # other roles only
        (set(), 2, 0.0),  # another community only
        ({8}, 2, 0.0),
    ],
)
def test_interest(role_ids, community, expected):
    # The opportunity's role is 7, in community 1.
    got = interest_component(role_id=7, role_community_id=1, role_ids=role_ids, community_of_practice_id=community)
    assert got == expected


# --- the score -----------------------------------------------------------------------------


def test_score_weights_and_rounding():
    assert combine(skills=1, hours=1, availability=1, interest=1) == 100.0
    assert combine(skills=0, hours=0, availability=0, interest=0) == 0.0
    assert combine(skills=6 / 7, hours=0.5, availability=0.5, interest=0.5) == 67.9  # 42.857 + 10 + 10 + 5
    assert combine(skills=0.8, hours=1, availability=0.5, interest=0) == 70.0


def test_breakdown_carries_the_exact_components_of_the_score():
    score, breakdown = evaluate(skills=2 / 3, hours=1 / 3, availability=1.0, interest=0.5)
    # 100 × (0.3333… + 0.0666… + 0.2 + 0.05) = 65.0
    assert score == 65.0
    # DESIGN.md rounds only the score: the components are the formula's values, unrounded.
    assert breakdown == Breakdown(skills=2 / 3, hours=1 / 3, availability=1.0, interest=0.5)
    assert breakdown.as_dict() == {"skills": 2 / 3, "hours": 1 / 3, "availability": 1.0, "interest": 0.5}
    assert combine(**breakdown.as_dict()) == score


# --- UTC conversion: the fast path equals the reference implementation ------------------------

ZONES = [
    "UTC",
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]


@st.composite
def slots(draw):
    weekday = draw(st.integers(0, 6))
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(start + 1, 1440))
    return Slot(weekday, start, end)


@settings(max_examples=300, deadline=None)
@given(
    schedule=st.lists(slots(), max_size=4),
    tz=st.sampled_from(ZONES),
    reference=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
)
def test_utc_week_intervals_equals_schedule_to_utc(schedule, tz, reference):
    assert utc_week_intervals(schedule, tz, reference) == schedule_to_utc(schedule, tz, reference)


@pytest.mark.parametrize("reference", [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25)])
@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Europe/Berlin"])
def test_utc_week_intervals_in_daylight_saving_change_weeks(reference, tz):
    schedule = parse_schedule("Sun 00:00-24:00; Mon 00:00-04:00; Sat 22:00-24:00")
    assert utc_week_intervals(schedule, tz, reference) == schedule_to_utc(schedule, tz, reference)


# --- properties ------------------------------------------------------------------------------

SKILL_IDS = st.integers(1, 8)
LEVELS = st.integers(1, 5)


@st.composite
def needs(draw):
    required = draw(st.dictionaries(SKILL_IDS, LEVELS, max_size=4))
    preferred = draw(st.dictionaries(SKILL_IDS.filter(lambda skill: skill not in required), LEVELS, max_size=3))
    meetings = draw(st.lists(slots(), max_size=3))
    return Need(
        min_hours=draw(st.integers(1, 40)),
        role_id=draw(st.integers(1, 4)),
        role_community_id=draw(st.integers(1, 3)),
        required=required,
        preferred=preferred,
        meetings=utc_week_intervals(meetings, draw(st.sampled_from(ZONES)), SUMMER),
    )


@st.composite
def profiles(draw):
    return Profile(
        community_of_practice_id=draw(st.none() | st.integers(1, 3)),
        role_ids=frozenset(draw(st.sets(st.integers(1, 4), max_size=2))),
        skills=draw(st.dictionaries(SKILL_IDS, LEVELS, max_size=6)),
        max_hours_per_week=draw(st.none() | st.integers(1, 40)),
        timezone=draw(st.sampled_from(ZONES)),
        availability=tuple(draw(st.lists(slots(), max_size=4))),
    )


def score_of(profile, need):
    return matching.score(profile=profile, need=need, reference=SUMMER)


@settings(max_examples=300, deadline=None)
@given(profile=profiles(), need=needs())
def test_every_component_and_the_score_stay_in_range(profile, need):
    value, breakdown = score_of(profile, need)
    assert 0.0 <= value <= 100.0
    for component in breakdown.as_dict().values():
        assert 0.0 <= component <= 1.0


@settings(max_examples=150, deadline=None)
@given(profile=profiles(), need=needs(), skill=SKILL_IDS, data=st.data())
def test_raising_a_skill_level_never_lowers_the_score(profile, need, skill, data):
    current = profile.skills.get(skill, 0)
    if current == 5:
        return
    raised = dataclasses.replace(profile, skills={**profile.skills, skill: data.draw(st.integers(current + 1, 5))})
    assert score_of(raised, need)[0] >= score_of(profile, need)[0]


@settings(max_examples=150, deadline=None)
@given(profile=profiles().filter(lambda p: p.max_hours_per_week is not None), need=needs(), data=st.data())
def test_raising_hours_never_lowers_the_score(profile, need, data):
    hours = data.draw(st.integers(profile.max_hours_per_week, 40))
    raised = dataclasses.replace(profile, max_hours_per_week=hours)
    assert score_of(raised, need)[0] >= score_of(profile, need)[0]


@settings(max_examples=150, deadline=None)
@given(profile=profiles().filter(lambda p: p.availability), need=needs(), extra=slots())
def test_more_availability_never_lowers_the_score(profile, need, extra):
    # From "not given" (0.5) to a slot that misses every meeting can lower it; that is the
    # contract's neutral default, so the property holds from the first slot on.
    more = dataclasses.replace(profile, availability=(*profile.availability, extra))
    assert score_of(more, need)[0] >= score_of(profile, need)[0]


@settings(max_examples=150, deadline=None)
@given(profile=profiles(), need=needs(), skill=st.integers(9, 12), level=LEVELS)
def test_adding_a_required_skill_the_volunteer_lacks_never_raises_the_score(profile, need, skill, level):
    harder = dataclasses.replace(need, required={**need.required, skill: level})
    assert score_of(profile, harder)[0] <= score_of(profile, need)[0]


def test_not_given_is_neutral_not_zero():
    """The defaults in words: a profile that says nothing scores 0.5 on hours, availability and interest."""
    need = Need(min_hours=5, role_id=1, role_community_id=1, meetings=utc("Mon 18:00-19:00", "UTC"))
    value, breakdown = score_of(Profile(), need)
    assert breakdown == Breakdown(skills=1.0, hours=0.5, availability=0.5, interest=0.5)
    assert value == 75.0


# --- rankings against the database ---------------------------------------------------------


@pytest.fixture
def summer(monkeypatch):
    """Place schedules on a fixed summer week so the expected numbers do not depend on today."""
    monkeypatch.setattr(matching, "reference_date", lambda: SUMMER)


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

    assert [m.volunteer for m in matches] == [ny, blank]
    # Nora: skills (4 + 0) / (4 + 1) = 0.8, hours 1, availability 1 (NY 21-22 inside 20-23), interest 1.
    assert matches[0].score == 90.0
    assert matches[0].breakdown == Breakdown(skills=0.8, hours=1.0, availability=1.0, interest=1.0)
    # Blank: no skills 0, no hours 0.5, no availability 0.5, neither roles nor community 0.5.
    assert matches[1].score == 25.0
    assert matches[1].breakdown == Breakdown(skills=0.0, hours=0.5, availability=0.5, interest=0.5)


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
    few = count()
    for index in range(12):
        make_volunteer(skills=[(posting["python"], index % 5 + 1)], slots="Mon 17:00-19:00; Tue 10:00-11:00")
    assert count() == few
    assert few <= 6


def test_profile_for_volunteer(posting):
    volunteer = make_volunteer(
        timezone="Europe/Berlin",
        slots="Tue 18:00-20:00; Mon 09:00-10:00",
        skills=[(posting["python"], 3)],
        max_hours_per_week=8,
        roles=[posting["opportunity"].role],
    )
    profile = profile_for_volunteer(volunteer)
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
    matches = rank_opportunities(profile=Profile(), queryset=queryset)
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

    few = count()
    for index in range(10):
        extra = f.OpenOpportunityFactory(min_hours_per_week=index + 1)
        f.MeetingTimeFactory(project=extra.project)
        f.OpportunitySkillFactory(opportunity=extra, skill=posting["docker"], level=index % 5 + 1)
    assert count() == few
    assert few <= 4


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
        meetings=utc_week_intervals([m.slot for m in project.meeting_times.all()], project.timezone, SUMMER),
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
            volunteer.pk: matching.score(profile=profile_for_volunteer(volunteer), need=need, reference=SUMMER)
            for volunteer in crowd["volunteers"]
        }
        matches = rank_volunteers(opportunity=opportunity, limit=100)
        assert len(matches) == len(expected)
        assert {m.volunteer.pk: (m.score, m.breakdown) for m in matches} == expected
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_rank_opportunities_agrees_with_the_pure_score(crowd):
    for volunteer in crowd["volunteers"]:
        profile = profile_for_volunteer(volunteer)
        expected = {
            opportunity.pk: matching.score(profile=profile, need=need_of(opportunity), reference=SUMMER)
            for opportunity in crowd["opportunities"]
        }
        matches = rank_opportunities(profile=profile, limit=100)
        assert {m.opportunity.pk: (m.score, m.breakdown) for m in matches} == expected
