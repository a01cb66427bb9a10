"""server.matching.explain: the contract's sentences, worked by hand."""

from datetime import date

import pytest

from server.matching import Need, Profile
from server.matching.explain import Names, explain, format_duration, hours_sentence
from server.schedule import parse_schedule, schedule_to_utc

SUMMER = date(2026, 7, 15)  # New York UTC-4, Los Angeles UTC-7
PYTHON, DJANGO, SQL, DOCKER = 1, 2, 3, 4
NAMES = Names(
    skills={PYTHON: "Python", DJANGO: "Django", SQL: "SQL", DOCKER: "Docker"},
    roles={7: "Back End Developer"},
    communities={5: "Engineering"},
)


def need(**fields):
    base = {"min_hours": 5, "role_id": 7, "role_community_id": 5}
    return Need(**{**base, **fields})


def test_new_york_volunteer_against_a_los_angeles_meeting_reads_as_expected():
    # LA meets Mon 18:00-21:00 (= NY 21:00-24:00); the NY volunteer is free Mon 19:00-23:00,
    # so 2 of the 3 hours. Python 4 of 3 asked, Django 1 of 3, no SQL.
    posting = need(
        required={PYTHON: 3, DJANGO: 3, SQL: 2},
        meetings=schedule_to_utc(parse_schedule("Mon 18:00-21:00"), "America/Los_Angeles", SUMMER),
    )
    volunteer = Profile(
        role_ids=frozenset({7}),
        skills={PYTHON: 4, DJANGO: 1},
        max_hours_per_week=10,
        timezone="America/New_York",
        availability=tuple(parse_schedule("Mon 19:00-23:00")),
    )
    assert explain(profile=volunteer, need=posting, names=NAMES, reference=SUMMER) == {
        "skills": "Python 4 of 3 ✓ · Django 1 of 3 · no SQL",
        "hours": "10 h/week ≥ 5 needed",
        "availability": "can attend 2 h of 3 h of meetings",
        "interest": "Back End Developer is a role of interest",
    }


def test_preferred_skills_come_after_required_and_say_so():
    posting = need(required={PYTHON: 3}, preferred={DOCKER: 2})
    sentence = explain(profile=Profile(skills={DOCKER: 2}), need=posting, names=NAMES, reference=SUMMER)["skills"]
    assert sentence == "no Python · Docker 2 of 2 ✓ (preferred)"


def test_not_given_and_nothing_asked():
    said_nothing = explain(profile=Profile(), need=need(), names=NAMES, reference=SUMMER)
    assert said_nothing == {
        "skills": "no skills listed: open to everyone",
        "hours": "hours not given (5 h/week needed)",
        "availability": "the project has no meeting times",
        "interest": "no roles or community of practice given",
    }
    meets = need(meetings=schedule_to_utc(parse_schedule("Tue 10:00-11:00"), "UTC", SUMMER))
    assert explain(profile=Profile(), need=meets, names=NAMES, reference=SUMMER)["availability"] == (
        "availability not given"
    )


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (Profile(community_of_practice_id=5), "Back End Developer is in the Engineering community of practice"),
        (Profile(role_ids=frozenset({8})), "Back End Developer is not a role of interest"),
        (Profile(community_of_practice_id=6), "Back End Developer is not a role of interest"),
    ],
)
def test_interest_sentences(profile, expected):
    assert explain(profile=profile, need=need(), names=NAMES, reference=SUMMER)["interest"] == expected


def test_hours_and_durations():
    assert hours_sentence(max_hours=3, min_hours=5) == "3 h/week < 5 needed"
    assert hours_sentence(max_hours=5, min_hours=5) == "5 h/week ≥ 5 needed"
    assert [format_duration(m) for m in (0, 45, 60, 90, 180)] == ["0 h", "45 min", "1 h", "1 h 30 min", "3 h"]
