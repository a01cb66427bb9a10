from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.schedule import (
    MINUTES_PER_WEEK,
    ScheduleError,
    Slot,
    convert_slot,
    format_schedule,
    merge_intervals,
    overlap_minutes,
    parse_schedule,
    parse_slot,
    schedule_to_utc,
    to_utc_intervals,
)

JANUARY = date(2026, 1, 14)  # PST (UTC-8), EST (UTC-5)
JULY = date(2026, 7, 15)  # PDT (UTC-7)


def test_parse_days_any_case_and_full_names():
    slots = parse_schedule("mon 18:00-20:00; WEDNESDAY 09:00-12:30;Sun 00:00-24:00")
    assert slots == [Slot(0, 1080, 1200), Slot(2, 540, 750), Slot(6, 0, 1440)]


def test_parse_label_with_commas_and_slashes():
    slot = parse_slot("Tue 17:00-18:00 (All Hands Meeting, Every 2nd Tuesday)")
    assert slot == Slot(1, 1020, 1080, "All Hands Meeting, Every 2nd Tuesday")
    assert parse_slot("Sat 11:00-12:00 (PM/Org Meeting)").label == "PM/Org Meeting"


def test_format_is_canonical():
    assert format_schedule(parse_schedule("monday 9:00 - 10:30 ;tue 17:00-18:00 (Team)")) == (
        "Mon 09:00-10:30; Tue 17:00-18:00 (Team)"
    )


def test_blank_is_empty_and_duplicates_collapse():
    assert parse_schedule("") == []
    assert parse_schedule(None) == []
    assert parse_schedule("Mon 18:00-19:00; Mon 18:00-19:00") == [Slot(0, 1080, 1140)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon 25:00-26:00", '"Mon 25:00-26:00" is not a time range'),
        ("Funday 10:00-11:00", '"Funday" is not a day'),
        ("Mon 20:00-18:00", '"Mon 20:00-18:00" ends before it starts'),
        ("Mon 22:00-02:00", "split overnight slots"),
        ("Mon 18:00", '"Mon 18:00" is not a time range'),
        ("Mon 24:00-24:00", '"Mon 24:00-24:00" is not a time range'),
        ("Mon 10:60-11:00", '"Mon 10:60-11:00" is not a time range'),
    ],
)
def test_errors_quote_the_bad_text(text, message):
    with pytest.raises(ScheduleError, match=message.replace("(", r"\(")):
        parse_schedule(f"Tue 10:00-11:00; {text}")


slots = st.builds(
    lambda day, start, length, label: Slot(day, start, min(start + length, 1440), label),
    st.integers(0, 6),
    st.integers(0, 1439),
    st.integers(1, 600),
    st.one_of(
        st.just(""), st.text(st.characters(blacklist_characters=";()\r\n", codec="utf-8"), max_size=20).map(str.strip)
    ),
)


@given(st.lists(slots, max_size=6, unique=True))
def test_format_parse_round_trip(schedule):
    text = format_schedule(schedule)
    assert parse_schedule(text) == schedule
    assert format_schedule(parse_schedule(text)) == text


def test_utc_conversion_los_angeles_winter_and_summer():
    # Mon 18:00 PST = Tue 02:00 UTC; Mon 18:00 PDT = Tue 01:00 UTC.
    assert to_utc_intervals(Slot(0, 1080, 1140), "America/Los_Angeles", JANUARY) == [(1440 + 120, 1440 + 180)]
    assert to_utc_intervals(Slot(0, 1080, 1140), "America/Los_Angeles", JULY) == [(1440 + 60, 1440 + 120)]


def test_utc_conversion_wraps_the_end_of_the_week():
    # Sun 23:00-24:00 in Los Angeles is Mon 07:00-08:00 UTC the next week: wrapped to the start.
    assert to_utc_intervals(Slot(6, 1380, 1440), "America/Los_Angeles", JANUARY) == [(420, 480)]
    # Mon 05:00-06:00 in Kolkata (UTC+5:30) is Sun 23:30 - Mon 00:30 UTC: split at the boundary.
    assert to_utc_intervals(Slot(0, 300, 360), "Asia/Kolkata", JANUARY) == [
        (MINUTES_PER_WEEK - 30, MINUTES_PER_WEEK),
        (0, 30),
    ]


def test_new_york_volunteer_overlaps_los_angeles_meeting():
    meeting = schedule_to_utc([Slot(0, 18 * 60, 19 * 60)], "America/Los_Angeles", JANUARY)  # 21:00-22:00 NY
    evening_ny = schedule_to_utc([Slot(0, 20 * 60 + 30, 23 * 60)], "America/New_York", JANUARY)
    assert overlap_minutes(meeting, evening_ny) == 60
    early_ny = schedule_to_utc([Slot(0, 18 * 60, 21 * 60 + 15)], "America/New_York", JANUARY)
    assert overlap_minutes(meeting, early_ny) == 15


def test_convert_slot_splits_at_midnight():
    converted = convert_slot(Slot(0, 22 * 60, 23 * 60, "Late"), "America/Los_Angeles", "America/New_York", JANUARY)
    assert converted == [Slot(1, 60, 120, "Late")]
    split = convert_slot(Slot(0, 20 * 60 + 30, 22 * 60), "America/Los_Angeles", "America/New_York", JANUARY)
    assert split == [Slot(0, 23 * 60 + 30, 1440), Slot(1, 0, 60)]


def test_merge_and_overlap():
    assert merge_intervals([(10, 20), (15, 30), (40, 50)]) == [(10, 30), (40, 50)]
    assert overlap_minutes([(0, 10), (20, 30)], [(5, 25)]) == 10
    assert overlap_minutes([], [(0, 10)]) == 0


@given(st.lists(slots, max_size=5), st.lists(slots, max_size=5), st.sampled_from(["America/New_York", "Asia/Kolkata"]))
def test_overlap_is_bounded_and_symmetric(a, b, zone):
    ua, ub = schedule_to_utc(a, "America/Los_Angeles", JANUARY), schedule_to_utc(b, zone, JANUARY)
    shared = overlap_minutes(ua, ub)
    assert shared == overlap_minutes(ub, ua)
    assert 0 <= shared <= min(sum(e - s for s, e in ua), sum(e - s for s, e in ub))
