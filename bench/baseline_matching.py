"""BASELINE for bench/match_bench.py: server/matching.py as it was on main before the matching package
(commit 9f0a24b), kept verbatim so the bench can compare today's ranking with it. Not used by the app.

Matching volunteers and opportunities: the score, its four reasons, and the two rankings.

The numbers are a public contract (DESIGN.md, "Matching"). For a volunteer V and an
opportunity O every component is in [0, 1]:

- skills: Σ w·min(v, r) / Σ w·r over O's skills (w = 1 required, 0.5 preferred); 1.0 when O
  lists no skills.
- hours: 1.0 if V's max hours cover O's minimum, else the fraction; 0.5 when V gave none.
- availability: minutes of O's project meeting times covered by V's availability ÷ total
  meeting minutes, both placed on the current week in UTC. 1.0 when the project has no
  meeting times; 0.5 when V gave no availability. Meeting times that overlap each other are
  merged first, so a minute of meeting counts once: the question is "how much of the team's
  meeting time can this person attend", and two meetings at the same hour are still one hour.
- interest: 1.0 if O's role is among V's roles; else 0.5 if the role is in V's community of
  practice, or V gave neither roles nor a community; else 0.0.
- score = round(100 × (0.5·skills + 0.2·hours + 0.2·availability + 0.1·interest), 1),
  computed from the unrounded components, which the breakdown carries as they are (the
  admin and the `match` command round them for display).

The component functions are pure (plain values in, a float out) so they can be tested and
reasoned about without a database. The two rankings load everything they need in a constant
number of queries (no query per candidate), score in memory and fetch only the winners as
model instances.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F
from django.utils import timezone

from server.models import (
    AvailabilitySlot,
    MeetingTime,
    Opportunity,
    OpportunitySkill,
    Volunteer,
    VolunteerSkill,
)
from server.schedule import MINUTES_PER_DAY, MINUTES_PER_WEEK, Slot, merge_intervals, overlap_minutes, week_start
from server.schedule import to_utc_intervals as _exact_to_utc_intervals

WEIGHTS = {"skills": 0.5, "hours": 0.2, "availability": 0.2, "interest": 0.1}
REQUIRED_WEIGHT = 1.0
PREFERRED_WEIGHT = 0.5

Interval = tuple[int, int]


# --- values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What matching needs to know about a volunteer, saved or not (the API's qualifier)."""

    community_of_practice_id: int | None = None
    role_ids: frozenset[int] = frozenset()
    skills: dict[int, int] = field(default_factory=dict)  # skill_id -> level 1..5
    max_hours_per_week: int | None = None
    timezone: str = "UTC"  # IANA
    availability: tuple[Slot, ...] = ()  # weekly slots in `timezone`; empty = not given


@dataclass(frozen=True)
class Breakdown:
    skills: float
    hours: float
    availability: float
    interest: float

    def as_dict(self) -> dict:
        return {
            "skills": self.skills,
            "hours": self.hours,
            "availability": self.availability,
            "interest": self.interest,
        }


@dataclass(frozen=True)
class OpportunityMatch:
    opportunity: Opportunity
    score: float
    breakdown: Breakdown


@dataclass(frozen=True)
class VolunteerMatch:
    volunteer: Volunteer
    score: float
    breakdown: Breakdown


# --- the four components (pure) ---------------------------------------------------------------


def skills_component(*, required: Mapping[int, int], preferred: Mapping[int, int], levels: Mapping[int, int]) -> float:
    """Σ w·min(v, r) / Σ w·r. `required`/`preferred`: skill id → level asked; `levels`: the volunteer's."""
    wanted = got = 0.0
    for weight, asked in ((REQUIRED_WEIGHT, required), (PREFERRED_WEIGHT, preferred)):
        for skill_id, level in asked.items():
            wanted += weight * level
            got += weight * min(levels.get(skill_id, 0), level)
    if wanted <= 0:
        return 1.0
    return got / wanted


def hours_component(*, max_hours: int | None, min_hours: int) -> float:
    """1.0 when the volunteer's hours cover the minimum, else the fraction; 0.5 when not given."""
    if max_hours is None:
        return 0.5
    if min_hours <= 0 or max_hours >= min_hours:
        return 1.0
    return max(max_hours, 0) / min_hours


def availability_component(*, meetings: list[Interval], availability: list[Interval] | None) -> float:
    """Share of meeting minutes the volunteer can attend.

    Both arguments are sorted, merged UTC-week intervals (see `utc_week_intervals`), so a
    minute where two meetings overlap counts once. 1.0 when there are no meetings; 0.5 when the
    volunteer gave no availability.
    """
    if not meetings:
        return 1.0
    if not availability:
        return 0.5
    total = sum(end - start for start, end in meetings)
    return overlap_minutes(meetings, availability) / total


def interest_component(
    *, role_id: int, role_community_id: int | None, role_ids: Iterable[int], community_of_practice_id: int | None
) -> float:
    """1.0 for a role of interest; 0.5 for a role in the volunteer's community or when the
    volunteer said neither; else 0.0."""
    role_ids = role_ids if isinstance(role_ids, (set, frozenset)) else frozenset(role_ids)
    return _interest(
        wants_role=role_id in role_ids,
        gave_roles=bool(role_ids),
        same_community=community_of_practice_id is not None and community_of_practice_id == role_community_id,
        gave_community=community_of_practice_id is not None,
    )


def _interest(*, wants_role: bool, gave_roles: bool, same_community: bool, gave_community: bool) -> float:
    if wants_role:
        return 1.0
    if same_community or not (gave_roles or gave_community):
        return 0.5
    return 0.0


def combine(*, skills: float, hours: float, availability: float, interest: float) -> float:
    """The score from unrounded components."""
    return _combine(skills, hours, availability, interest)


def _combine(skills: float, hours: float, availability: float, interest: float) -> float:
    raw = (
        WEIGHTS["skills"] * skills
        + WEIGHTS["hours"] * hours
        + WEIGHTS["availability"] * availability
        + WEIGHTS["interest"] * interest
    )
    return round(100 * raw, 1)


def evaluate(*, skills: float, hours: float, availability: float, interest: float) -> tuple[float, Breakdown]:
    """(score, breakdown): the score and the exact components it comes from, so the score can
    be recomputed from the breakdown with the formula (rounding is for display: admin, CLI)."""
    score = combine(skills=skills, hours=hours, availability=availability, interest=interest)
    return score, Breakdown(skills, hours, availability, interest)


# --- weekly schedules in UTC --------------------------------------------------------------------


def utc_week_intervals(slots: Iterable, tz_name: str, reference: date) -> list[Interval]:
    """Weekly slots (Slot or (weekday, start, end)) of zone `tz_name` as sorted, merged
    minute intervals of the UTC week containing `reference` (Mon 00:00 UTC = 0).

    Same result as `server.schedule.schedule_to_utc`, but a week without a change of UTC
    offset (almost every week) is plain arithmetic instead of a datetime conversion per slot:
    ranking converts tens of thousands of slots per call.
    """
    monday = week_start(reference)
    offset = _constant_offset(tz_name, monday)
    intervals: list[Interval] = []
    for slot in slots:
        weekday, start, end = (slot.weekday, slot.start, slot.end) if isinstance(slot, Slot) else slot[:3]
        if offset is None:
            intervals.extend(_exact_to_utc_intervals(Slot(weekday, start, end), tz_name, reference))
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
def _constant_offset(tz_name: str, monday: date) -> int | None:
    """The zone's UTC offset in whole minutes if it is the same all through the local week of
    `monday` (checked hourly, which catches any change), else None."""
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


# --- scoring one pair ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """An opportunity reduced to what scoring reads (plain values, no database)."""

    min_hours: int
    role_id: int
    role_community_id: int | None = None
    required: dict[int, int] = field(default_factory=dict)  # skill id -> level asked
    preferred: dict[int, int] = field(default_factory=dict)
    meetings: list[Interval] = field(default_factory=list)  # merged UTC-week intervals (utc_week_intervals)


def score(*, profile: Profile, need: Need, reference: date) -> tuple[float, Breakdown]:
    """(score, breakdown) of one profile against one opportunity, for the week of `reference`."""
    availability = utc_week_intervals(profile.availability, profile.timezone, reference) or None
    return evaluate(
        skills=skills_component(required=need.required, preferred=need.preferred, levels=profile.skills),
        hours=hours_component(max_hours=profile.max_hours_per_week, min_hours=need.min_hours),
        availability=availability_component(meetings=need.meetings, availability=availability),
        interest=interest_component(
            role_id=need.role_id,
            role_community_id=need.role_community_id,
            role_ids=profile.role_ids,
            community_of_practice_id=profile.community_of_practice_id,
        ),
    )


def reference_date() -> date:
    """The day whose week meeting times and availability are placed on (DST as it is now)."""
    return timezone.localdate()


# --- loading ------------------------------------------------------------------------------------


def profile_for_volunteer(volunteer: Volunteer) -> Profile:
    """A saved volunteer as a Profile (three small queries: skills, roles, availability)."""
    return Profile(
        community_of_practice_id=volunteer.community_of_practice_id,
        role_ids=frozenset(volunteer.roles.values_list("pk", flat=True)),
        skills=dict(VolunteerSkill.objects.filter(volunteer=volunteer).values_list("skill_id", "level")),
        max_hours_per_week=volunteer.max_hours_per_week,
        timezone=volunteer.timezone,
        availability=tuple(
            Slot(weekday, start, end)
            for weekday, start, end in AvailabilitySlot.objects.filter(volunteer=volunteer)
            .order_by("weekday", "start", "end")
            .values_list("weekday", "start", "end")
        ),
    )


def _rows(queryset) -> list[tuple]:
    """A values_list queryset's rows as the database driver returns them.

    Ranking reads tens of thousands of rows; Django's per-value conversion (every UUID parsed
    into uuid.UUID on SQLite, where it is stored as text) was about half of the time. Used only
    for ids, integers, text and booleans, whose raw values hash and compare consistently within
    one database; the winners are converted (`_pk`) and fetched through the ORM.
    """
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _pk(model, raw):
    return model._meta.pk.to_python(raw)


def _skills_by_opportunity(requirements) -> dict[object, tuple[dict[int, int], dict[int, int]]]:
    """opportunity id (raw) → (required, preferred), each skill id → level."""
    skills: dict[object, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for opportunity_id, skill_id, level, kind in _rows(
        requirements.order_by().values_list("opportunity_id", "skill_id", "level", "kind")
    ):
        required, preferred = skills[opportunity_id]
        (required if kind == OpportunitySkill.Kind.REQUIRED else preferred)[skill_id] = level
    return skills


def _meetings_by_project(meeting_times) -> dict[int, list[tuple[int, int, int]]]:
    meetings: dict[int, list] = defaultdict(list)
    for project_id, weekday, start, end in _rows(
        meeting_times.order_by().values_list("project_id", "weekday", "start", "end")
    ):
        meetings[project_id].append((weekday, start, end))
    return meetings


def _need_for(opportunity: Opportunity, reference: date) -> Need | None:
    """One saved opportunity as a Need, in one query: its row joined to its project's meeting
    times and its skills (a handful of rows, meetings × skills). None when it is not saved."""
    rows = list(
        Opportunity.objects.filter(pk=opportunity.pk)
        .order_by()
        .values_list(
            "min_hours_per_week",
            "role_id",
            "role__community_of_practice_id",
            "project__timezone",
            "project__meeting_times__weekday",
            "project__meeting_times__start",
            "project__meeting_times__end",
            "skill_requirements__skill_id",
            "skill_requirements__level",
            "skill_requirements__kind",
        )
    )
    if not rows:
        return None
    min_hours, role_id, role_community_id, tz_name = rows[0][:4]
    meetings = {row[4:7] for row in rows if row[4] is not None}
    required, preferred = {}, {}
    for *_, skill_id, level, kind in rows:
        if skill_id is not None:
            (required if kind == OpportunitySkill.Kind.REQUIRED else preferred)[skill_id] = level
    return Need(
        min_hours=min_hours,
        role_id=role_id,
        role_community_id=role_community_id,
        required=required,
        preferred=preferred,
        meetings=utc_week_intervals(sorted(meetings), tz_name, reference),
    )


class _Coverage:
    """Minutes of one set of meetings (merged UTC-week intervals) covered by weekly slots,
    memoised per slot: volunteers' slots repeat (Mon 18:00-21:00 in Los Angeles, …), so ranking
    thousands of them converts and intersects each distinct slot once.

    Slots of one person that do not overlap in local time do not overlap in UTC either when the
    zone keeps one offset all week, so their covered minutes add up; otherwise (overlapping
    slots, or a week with a daylight-saving change) the slots are converted and merged first,
    exactly as `availability_component` does.
    """

    def __init__(self, meetings: list[Interval], reference: date):
        self.meetings = meetings
        self.reference = reference
        self.monday = week_start(reference)
        self.by_slot: dict[tuple, int] = {}

    def minutes(self, slots: list[tuple[int, int, int]], tz_name: str) -> int:
        if not slots:
            return 0
        if len(slots) == 1 or (_disjoint(slots) and _constant_offset(tz_name, self.monday) is not None):
            total = 0
            for slot in slots:
                key = (tz_name, *slot)
                if key not in self.by_slot:
                    self.by_slot[key] = overlap_minutes(
                        self.meetings, utc_week_intervals((slot,), tz_name, self.reference)
                    )
                total += self.by_slot[key]
            return total
        return overlap_minutes(self.meetings, utc_week_intervals(slots, tz_name, self.reference))


def _disjoint(slots: list[tuple[int, int, int]]) -> bool:
    if len(slots) == 2:
        (day_a, start_a, end_a), (day_b, start_b, end_b) = slots
        return day_a != day_b or end_a <= start_b or end_b <= start_a
    ordered = sorted(slots)
    return all(a[0] != b[0] or a[2] <= b[1] for a, b in zip(ordered, ordered[1:], strict=False))


# --- rankings -----------------------------------------------------------------------------------


def rank_opportunities(*, profile: Profile, limit: int = 20, queryset=None) -> list[OpportunityMatch]:
    """The `limit` best open, unexpired opportunities for a profile, best first.

    `queryset` (optional) narrows the candidates (e.g. to a project manager's) and is where the
    returned Opportunity objects come from, so callers may select_related/prefetch_related it.
    Ties: newer published_at first, then id. Four queries whatever the number of candidates.
    """
    if limit <= 0:
        return []
    source = Opportunity.objects.all() if queryset is None else queryset
    if hasattr(source, "public"):
        candidates = source.public()
    else:
        candidates = Opportunity.objects.public().filter(pk__in=source.values("pk"))
    candidates = candidates.select_related(None).prefetch_related(None)
    # Rows come newest first (then by id), so a row's position breaks ties in score.
    rows = _rows(
        candidates.order_by(F("published_at").desc(nulls_last=True), "pk").values_list(
            "pk", "min_hours_per_week", "role_id", "role__community_of_practice_id", "project_id", "project__timezone"
        )
    )
    if not rows:
        return []
    if queryset is None:  # a join is much cheaper than IN (subquery) on SQLite; extra rows are never read
        requirements = OpportunitySkill.objects.filter(opportunity__status=Opportunity.Status.OPEN)
    else:
        requirements = OpportunitySkill.objects.filter(opportunity__in=candidates.values("pk"))
    skills = _skills_by_opportunity(requirements)
    meetings = _meetings_by_project(MeetingTime.objects.filter(project_id__in=candidates.values("project_id")))

    reference = reference_date()
    availability = utc_week_intervals(profile.availability, profile.timezone, reference) or None
    per_project: dict[int, float] = {}
    no_skills: tuple[dict, dict] = ({}, {})
    scored = []
    components = []
    for index, (pk, min_hours, role_id, role_community_id, project_id, tz_name) in enumerate(rows):
        if project_id not in per_project:
            per_project[project_id] = availability_component(
                meetings=utc_week_intervals(meetings.get(project_id, ()), tz_name, reference),
                availability=availability,
            )
        required, preferred = skills.get(pk, no_skills)
        parts = (
            skills_component(required=required, preferred=preferred, levels=profile.skills),
            hours_component(max_hours=profile.max_hours_per_week, min_hours=min_hours),
            per_project[project_id],
            interest_component(
                role_id=role_id,
                role_community_id=role_community_id,
                role_ids=profile.role_ids,
                community_of_practice_id=profile.community_of_practice_id,
            ),
        )
        scored.append((-_combine(*parts), index))
        components.append(parts)
    best = heapq.nsmallest(limit, scored)
    by_pk = source.in_bulk([_pk(Opportunity, rows[index][0]) for _, index in best])
    matches = []
    for _, index in best:
        found = by_pk.get(_pk(Opportunity, rows[index][0]))
        if found is not None:
            matches.append(OpportunityMatch(found, *_evaluate(components[index])))
    return matches


def _evaluate(parts: tuple[float, float, float, float]) -> tuple[float, Breakdown]:
    skills, hours, availability, interest = parts
    return evaluate(skills=skills, hours=hours, availability=availability, interest=interest)


def rank_volunteers(*, opportunity: Opportunity, limit: int = 10, queryset=None) -> list[VolunteerMatch]:
    """The `limit` best active volunteers for an opportunity, best first.

    `queryset` (optional) narrows the candidates and is where the returned Volunteer objects
    come from. Ties: name (ignoring case), then email. At most six queries: the opportunity
    (with its skills and meeting times), the volunteers, their roles of interest, their levels
    in the skills asked, their availability (when the project meets), and the winners.
    """
    if limit <= 0:
        return []
    reference = reference_date()
    need = _need_for(opportunity, reference)
    if need is None:
        return []
    meetings = need.meetings
    source = Volunteer.objects.all() if queryset is None else queryset
    candidates = source.filter(status=Volunteer.Status.ACTIVE).order_by().select_related(None).prefetch_related(None)
    rows = _rows(
        candidates.values_list("pk", "name", "email", "community_of_practice_id", "max_hours_per_week", "timezone")
    )
    if not rows:
        return []
    # The rows below are read whole rather than correlated per volunteer in the query above
    # (three times cheaper on SQLite). Without a narrowing queryset every volunteer's rows are
    # read, which beats IN (subquery); the rows of anyone not ranked are never looked at.
    narrow = {"volunteer__in": candidates.values("pk")} if queryset is not None else {}
    chose_roles, wants_role = set(), set()
    for volunteer_id, role_id in _rows(
        Volunteer.roles.through.objects.filter(**narrow).order_by().values_list("volunteer_id", "role_id")
    ):
        chose_roles.add(volunteer_id)
        if role_id == need.role_id:
            wants_role.add(volunteer_id)
    asked = need.required.keys() | need.preferred.keys()
    levels: dict[object, dict[int, int]] = defaultdict(dict)
    if asked:
        for volunteer_id, skill_id, level in _rows(
            VolunteerSkill.objects.filter(skill_id__in=asked, **narrow)
            .order_by()
            .values_list("volunteer_id", "skill_id", "level")
        ):
            levels[volunteer_id][skill_id] = level
    slots: dict[object, list] = defaultdict(list)
    if meetings:
        for volunteer_id, weekday, start, end in _rows(
            AvailabilitySlot.objects.filter(**narrow).order_by().values_list("volunteer_id", "weekday", "start", "end")
        ):
            slots[volunteer_id].append((weekday, start, end))

    without_skills = skills_component(required=need.required, preferred=need.preferred, levels={})
    not_given = availability_component(meetings=meetings, availability=None)
    meeting_minutes = sum(end - start for start, end in meetings)
    coverage = _Coverage(meetings, reference)

    # Hours and interest take few distinct values: each is computed once per distinct input.
    hours_for: dict[int | None, float] = {}
    interest_for: dict[tuple, float] = {}
    scored = []
    components = []
    for index, row in enumerate(rows):
        pk, name, email, community_id, max_hours, tz_name = row
        own_levels = levels.get(pk)
        own_slots = slots.get(pk)
        availability = coverage.minutes(own_slots, tz_name) / meeting_minutes if own_slots else not_given
        hours = hours_for.get(max_hours)
        if hours is None:
            hours = hours_for[max_hours] = hours_component(max_hours=max_hours, min_hours=need.min_hours)
        key = (pk in wants_role, pk in chose_roles, community_id)
        interest = interest_for.get(key)
        if interest is None:
            interest = interest_for[key] = _interest(
                wants_role=key[0],
                gave_roles=key[1],
                same_community=community_id is not None and community_id == need.role_community_id,
                gave_community=community_id is not None,
            )
        skills = (
            skills_component(required=need.required, preferred=need.preferred, levels=own_levels)
            if own_levels
            else without_skills
        )
        scored.append((-_combine(skills, hours, availability, interest), index))
        components.append((skills, hours, availability, interest))
    # Best scores first; among equal scores by name (ignoring case), then email. Only the rows
    # tied with the last place need their names compared.
    cutoff = heapq.nsmallest(limit, scored)[-1][0]
    best = sorted(
        (negative, rows[index][1].casefold(), rows[index][1], rows[index][2], index)
        for negative, index in scored
        if negative <= cutoff
    )[:limit]
    by_pk = source.in_bulk([_pk(Volunteer, rows[item[-1]][0]) for item in best])
    matches = []
    for item in best:
        found = by_pk.get(_pk(Volunteer, rows[item[-1]][0]))
        if found is not None:
            matches.append(VolunteerMatch(found, *_evaluate(components[item[-1]])))
    return matches
