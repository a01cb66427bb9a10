"""server.matching.scoring: hand-computed examples for every component and the score, the UTC
conversion it relies on, and property tests."""

import dataclasses
from datetime import date

import pytest
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
    skills_component,
)
from server.schedule import Slot, merge_intervals, parse_schedule, schedule_to_utc, to_utc_intervals

# A summer week (US daylight time: New York UTC-4, Los Angeles UTC-7) and a winter one.
SUMMER = date(2026, 7, 15)
WINTER = date(2026, 1, 14)


def utc(text, tz, reference=SUMMER):
    return schedule_to_utc(parse_schedule(text), tz, reference)


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
def test_fast_utc_conversion_equals_converting_each_slot(schedule, tz, reference):
    exact = merge_intervals(interval for slot in schedule for interval in to_utc_intervals(slot, tz, reference))
    assert schedule_to_utc(schedule, tz, reference) == exact


@pytest.mark.parametrize("reference", [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25)])
@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Europe/Berlin"])
def test_utc_conversion_in_daylight_saving_change_weeks(reference, tz):
    schedule = parse_schedule("Sun 00:00-24:00; Mon 00:00-04:00; Sat 22:00-24:00")
    exact = merge_intervals(interval for slot in schedule for interval in to_utc_intervals(slot, tz, reference))
    assert schedule_to_utc(schedule, tz, reference) == exact


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
        meetings=schedule_to_utc(meetings, draw(st.sampled_from(ZONES)), SUMMER),
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
