"""Weekly schedules: the `Mon 18:00-20:00; Wed 09:00-12:30` cell format and its arithmetic.

A slot is a weekday (0 = Monday) with a start and end in minutes since midnight
(end may be 1440, written `24:00`). Meeting times may carry a label:
`Tue 17:00-18:00 (All team)`. Slots are stored in their owner's time zone; to compare
two people in different zones both sides are placed on a concrete week and converted to
UTC, so daylight saving time is applied as it is that week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_LOOKUP = {name.lower(): index for names in (DAY_ABBREVIATIONS, DAY_NAMES) for index, name in enumerate(names)}

_SLOT_RE = re.compile(
    r"^(?P<day>[A-Za-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s*\((?P<label>[^;]*)\))?$"
)
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


class ScheduleError(ValueError):
    """A schedule cell that cannot be read; the message quotes the offending text."""


@dataclass(frozen=True, order=True)
class Slot:
    weekday: int
    start: int
    end: int
    label: str = ""

    def __post_init__(self):
        check_slot(self.weekday, self.start, self.end)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return format_slot(self)


def check_slot(weekday: int, start: int, end: int) -> None:
    """The one statement of a valid slot, for the cell format, the models and the admin: a day
    Mon…Sun, within one day, ending after it starts (overnight slots are split at midnight)."""
    if not 0 <= weekday <= 6:
        raise ScheduleError(f"weekday {weekday} is not between 0 (Mon) and 6 (Sun)")
    if not 0 <= start < MINUTES_PER_DAY or not 0 < end <= MINUTES_PER_DAY:
        raise ScheduleError(f"{start}-{end} is outside one day")
    if end <= start:
        text = f"{DAY_ABBREVIATIONS[weekday]} {format_time(start)}-{format_time(end)}"
        raise ScheduleError(f'"{text}" ends before it starts (split overnight slots at midnight)')


def parse_weekday(text: str) -> int:
    """`Mon`, `monday`, `MON` → 0."""
    try:
        return _DAY_LOOKUP[text.strip().lower()]
    except KeyError:
        raise ScheduleError(f'"{text}" is not a day (use Mon…Sun)') from None


def parse_time(text: str, *, allow_end_of_day: bool = False) -> int:
    """`18:30` → 1110 minutes. `24:00` is accepted only as an end."""
    match = _TIME_RE.match(text.strip())
    if not match:
        raise ScheduleError(f'"{text}" is not a time (use 24-hour HH:MM)')
    hours, minutes = int(match.group(1)), int(match.group(2))
    if allow_end_of_day and (hours, minutes) == (24, 0):
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        raise ScheduleError(f'"{text}" is not a time (use 24-hour HH:MM)')
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_slot(text: str) -> Slot:
    text = text.strip()
    match = _SLOT_RE.match(text)
    if not match:
        raise ScheduleError(f'"{text}" is not a time range (use e.g. "Mon 18:00-20:00")')
    weekday = parse_weekday(match.group("day"))
    try:
        start = parse_time(match.group("start"))
        end = parse_time(match.group("end"), allow_end_of_day=True)
    except ScheduleError:
        raise ScheduleError(f'"{text}" is not a time range') from None
    return Slot(weekday, start, end, (match.group("label") or "").strip())  # Slot checks itself (check_slot)


def parse_schedule(text: str | None) -> list[Slot]:
    """Parse a whole cell. Blank → no slots. Duplicates are kept once, order is kept."""
    if text is None or not text.strip():
        return []
    slots: list[Slot] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        slot = parse_slot(part)
        if slot not in slots:
            slots.append(slot)
    return slots


def format_slot(slot: Slot) -> str:
    text = f"{DAY_ABBREVIATIONS[slot.weekday]} {format_time(slot.start)}-{format_time(slot.end)}"
    return f"{text} ({slot.label})" if slot.label else text


def format_schedule(slots) -> str:
    return "; ".join(format_slot(slot) for slot in slots)


# --- time zones -------------------------------------------------------------------------


def is_valid_timezone(name: str) -> bool:
    if not name or name != name.strip() or name not in known_timezones():
        return False  # checked first: ZoneInfo searches the import path for every unknown name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_TIMEZONES: frozenset[str] | None = None


def known_timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES


def week_start(reference: date) -> date:
    """The Monday of the week that contains `reference`."""
    return reference - timedelta(days=reference.weekday())


def to_utc_intervals(slot: Slot, tz_name: str, reference: date) -> list[tuple[int, int]]:
    """The slot as minute intervals of the UTC week (Mon 00:00 UTC = 0), for the week of
    `reference`. A slot that crosses midnight Sunday→Monday in UTC comes back as two."""
    zone = ZoneInfo(tz_name)
    day = week_start(reference) + timedelta(days=slot.weekday)
    # Convert each wall time on its own so a DST change that day is applied.
    start_utc = _wall_to_utc(day, slot.start, zone)
    end_utc = _wall_to_utc(day, slot.end, zone)
    monday_utc = datetime.combine(week_start(reference), time(0), tzinfo=ZoneInfo("UTC"))
    start = int((start_utc - monday_utc).total_seconds() // 60) % MINUTES_PER_WEEK
    length = int((end_utc - start_utc).total_seconds() // 60)
    if length <= 0:  # only possible inside a DST gap
        return []
    end = start + length
    if end <= MINUTES_PER_WEEK:
        return [(start, end)]
    return [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]


def _wall_to_utc(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    extra_days, minute_of_day = divmod(minutes, MINUTES_PER_DAY)
    wall = datetime.combine(day + timedelta(days=extra_days), time(minute_of_day // 60, minute_of_day % 60))
    return wall.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


def schedule_to_utc(slots, tz_name: str, reference: date) -> list[tuple[int, int]]:
    """All slots of a schedule (Slot or (weekday, start, end)) as merged, sorted minute
    intervals of the UTC week containing `reference` (Mon 00:00 UTC = 0).

    The one UTC conversion of weekly schedules (matching, alerts, display). A week without a
    change of UTC offset (almost every week) is plain arithmetic; a week with one converts each
    slot with `to_utc_intervals`, which applies the change on its day. Matching converts tens of
    thousands of slots per call, hence the fast path.
    """
    monday = week_start(reference)
    offset = constant_offset(tz_name, monday)
    intervals: list[tuple[int, int]] = []
    for slot in slots:
        weekday, start, end = (slot.weekday, slot.start, slot.end) if isinstance(slot, Slot) else slot[:3]
        if offset is None:
            intervals.extend(to_utc_intervals(Slot(weekday, start, end), tz_name, reference))
            continue
        utc_start = (weekday * MINUTES_PER_DAY + start - offset) % MINUTES_PER_WEEK
        utc_end = utc_start + end - start
        if utc_end <= MINUTES_PER_WEEK:
            intervals.append((utc_start, utc_end))
        else:  # crosses Sunday → Monday in UTC: wrap to the start of the same week
            intervals.append((utc_start, MINUTES_PER_WEEK))
            intervals.append((0, utc_end - MINUTES_PER_WEEK))
    if len(intervals) == 1:
        return intervals
    return merge_intervals(intervals)


@lru_cache(maxsize=4096)
def constant_offset(tz_name: str, monday: date) -> int | None:
    """The zone's UTC offset in whole minutes if it is the same all through the local week of
    `monday` (checked hourly, which catches any change), else None (a daylight-saving week)."""
    zone = ZoneInfo(tz_name)
    start = datetime(monday.year, monday.month, monday.day)
    offsets = {(start + timedelta(hours=hour)).replace(tzinfo=zone).utcoffset() for hour in range(7 * 24 + 1)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    seconds = int(offset.total_seconds())
    if seconds % 60:
        return None
    return seconds // 60


def merge_intervals(intervals) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def overlap_minutes(a, b) -> int:
    """Minutes two lists of sorted, non-overlapping intervals share."""
    total = i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            total += end - start
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def convert_slot(slot: Slot, from_tz: str, to_tz: str, reference: date) -> list[Slot]:
    """The same moments as slots of another zone's week (split where they cross midnight)."""
    zone = ZoneInfo(to_tz)
    monday_utc = datetime.combine(week_start(reference), time(0), tzinfo=ZoneInfo("UTC"))
    result = []
    for start, end in to_utc_intervals(slot, from_tz, reference):
        start_local = (monday_utc + timedelta(minutes=start)).astimezone(zone)
        length = end - start
        cursor, remaining = start_local, length
        while remaining > 0:
            minute_of_day = cursor.hour * 60 + cursor.minute
            chunk = min(remaining, MINUTES_PER_DAY - minute_of_day)
            result.append(Slot(cursor.weekday(), minute_of_day, minute_of_day + chunk, slot.label))
            cursor += timedelta(minutes=chunk)
            remaining -= chunk
    return result
