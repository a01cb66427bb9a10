"""Matching volunteers and opportunities: the score, its four reasons, and the two rankings.

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
  computed from the unrounded components; the breakdown shows them rounded to 3 decimals.

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

from django.db.models import Exists, OuterRef
from django.utils import timezone

from server.models import (
    AvailabilitySlot,
    MeetingTime,
    Opportunity,
    OpportunitySkill,
    Role,
    Volunteer,
    VolunteerSkill,
)
from server.schedule import MINUTES_PER_DAY, MINUTES_PER_WEEK, Slot, merge_intervals, overlap_minutes, week_start
from server.schedule import to_utc_intervals as _exact_to_utc_intervals

WEIGHTS = {"skills": 0.5, "hours": 0.2, "availability": 0.2, "interest": 0.1}
REQUIRED_WEIGHT = 1.0
PREFERRED_WEIGHT = 0.5
BREAKDOWN_DECIMALS = 3

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
    raw = (
        WEIGHTS["skills"] * skills
        + WEIGHTS["hours"] * hours
        + WEIGHTS["availability"] * availability
        + WEIGHTS["interest"] * interest
    )
    return round(100 * raw, 1)


def evaluate(*, skills: float, hours: float, availability: float, interest: float) -> tuple[float, Breakdown]:
    """(score, breakdown): the score from the exact components, the breakdown rounded for people."""
    score = combine(skills=skills, hours=hours, availability=availability, interest=interest)
    digits = BREAKDOWN_DECIMALS
    return score, Breakdown(
        round(skills, digits), round(hours, digits), round(availability, digits), round(interest, digits)
    )


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
    id: object = None
    published_at: datetime | None = None


def score(*, profile: Profile, need: Need, reference: date) -> tuple[float, Breakdown]:
    """(score, breakdown) of one profile against one opportunity, for the week of `reference`."""
    return _score(profile, utc_week_intervals(profile.availability, profile.timezone, reference) or None, need)


def _score(profile: Profile, availability_utc: list[Interval] | None, need: Need) -> tuple[float, Breakdown]:
    return evaluate(
        skills=skills_component(required=need.required, preferred=need.preferred, levels=profile.skills),
        hours=hours_component(max_hours=profile.max_hours_per_week, min_hours=need.min_hours),
        availability=availability_component(meetings=need.meetings, availability=availability_utc),
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


def _load_needs(opportunities, reference: date) -> list[Need]:
    """Every opportunity of the queryset as a Need, in three queries."""
    rows = list(
        opportunities.order_by().values_list(
            "pk",
            "min_hours_per_week",
            "role_id",
            "role__community_of_practice_id",
            "project_id",
            "project__timezone",
            "published_at",
        )
    )
    if not rows:
        return []
    skills = _skills_by_opportunity(OpportunitySkill.objects.filter(opportunity__in=opportunities.values("pk")))
    meetings: dict[int, list] = defaultdict(list)
    for project_id, weekday, start, end in (
        MeetingTime.objects.filter(project_id__in=opportunities.values("project_id"))
        .order_by()
        .values_list("project_id", "weekday", "start", "end")
    ):
        meetings[project_id].append((weekday, start, end))
    project_meetings: dict[int, list[Interval]] = {}
    needs = []
    for pk, min_hours, role_id, role_community_id, project_id, tz_name, published_at in rows:
        if project_id not in project_meetings:
            project_meetings[project_id] = utc_week_intervals(meetings.get(project_id, ()), tz_name, reference)
        required, preferred = skills.get(pk, ({}, {}))
        needs.append(
            Need(
                min_hours=min_hours,
                role_id=role_id,
                role_community_id=role_community_id,
                required=required,
                preferred=preferred,
                meetings=project_meetings[project_id],
                id=pk,
                published_at=published_at,
            )
        )
    return needs


def _skills_by_opportunity(requirements) -> dict[object, tuple[dict[int, int], dict[int, int]]]:
    """opportunity id → (required, preferred), each skill id → level."""
    skills: dict[object, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for opportunity_id, skill_id, level, kind in requirements.order_by().values_list(
        "opportunity_id", "skill_id", "level", "kind"
    ):
        required, preferred = skills[opportunity_id]
        (required if kind == OpportunitySkill.Kind.REQUIRED else preferred)[skill_id] = level
    return skills


def _need_for(opportunity: Opportunity, reference: date) -> Need:
    """One opportunity as a Need in two queries (its skills; its project's meeting times).

    The role's community is left out: rank_volunteers compares it in SQL instead.
    """
    required, preferred = _skills_by_opportunity(OpportunitySkill.objects.filter(opportunity=opportunity)).get(
        opportunity.pk, ({}, {})
    )
    rows = list(
        MeetingTime.objects.filter(project_id=opportunity.project_id)
        .order_by()
        .values_list("weekday", "start", "end", "project__timezone")
    )
    meetings = utc_week_intervals(rows, rows[0][3], reference) if rows else []
    return Need(
        min_hours=opportunity.min_hours_per_week,
        role_id=opportunity.role_id,
        required=required,
        preferred=preferred,
        meetings=meetings,
        id=opportunity.pk,
        published_at=opportunity.published_at,
    )


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
    candidates = (
        source.public()
        if hasattr(source, "public")
        else Opportunity.objects.public().filter(pk__in=source.values("pk"))
    )
    candidates = candidates.prefetch_related(None).select_related(None)
    reference = reference_date()
    availability_utc = utc_week_intervals(profile.availability, profile.timezone, reference) or None
    scored = []
    for need in _load_needs(candidates, reference):
        score, breakdown = _score(profile, availability_utc, need)
        published = need.published_at.timestamp() if need.published_at else float("-inf")
        scored.append(((-score, -published, str(need.id)), need.id, score, breakdown))
    best = heapq.nsmallest(limit, scored, key=lambda item: item[0])
    by_pk = source.in_bulk([pk for _, pk, _, _ in best])
    return [OpportunityMatch(by_pk[pk], score, breakdown) for _, pk, score, breakdown in best if pk in by_pk]


def rank_volunteers(*, opportunity: Opportunity, limit: int = 10, queryset=None) -> list[VolunteerMatch]:
    """The `limit` best active volunteers for an opportunity, best first.

    `queryset` (optional) narrows the candidates and is where the returned Volunteer objects
    come from. Ties: name (ignoring case), then email. At most six queries: the opportunity's
    skills and meetings, the volunteers, their levels in the skills asked, their availability,
    and the winners.
    """
    if limit <= 0:
        return []
    reference = reference_date()
    need = _need_for(opportunity, reference)
    source = Volunteer.objects.all() if queryset is None else queryset
    candidates = source.filter(status=Volunteer.Status.ACTIVE).order_by().prefetch_related(None).select_related(None)
    roles = Volunteer.roles.through.objects.filter(volunteer_id=OuterRef("pk"))
    rows = candidates.annotate(
        wants_role=Exists(roles.filter(role_id=need.role_id)),
        gave_roles=Exists(roles),
        same_community=Exists(
            Role.objects.filter(pk=need.role_id, community_of_practice_id=OuterRef("community_of_practice_id"))
        ),
    ).values_list(
        "pk",
        "name",
        "email",
        "community_of_practice_id",
        "max_hours_per_week",
        "timezone",
        "wants_role",
        "gave_roles",
        "same_community",
    )
    candidate_ids = candidates.values("pk")

    asked = need.required.keys() | need.preferred.keys()
    levels: dict[object, dict[int, int]] = defaultdict(dict)
    if asked:
        for volunteer_id, skill_id, level in (
            VolunteerSkill.objects.filter(volunteer__in=candidate_ids, skill_id__in=asked)
            .order_by()
            .values_list("volunteer_id", "skill_id", "level")
        ):
            levels[volunteer_id][skill_id] = level
    slots: dict[object, list] = defaultdict(list)
    if need.meetings:
        for volunteer_id, weekday, start, end in (
            AvailabilitySlot.objects.filter(volunteer__in=candidate_ids)
            .order_by()
            .values_list("volunteer_id", "weekday", "start", "end")
        ):
            slots[volunteer_id].append((weekday, start, end))

    no_levels: dict[int, int] = {}
    scored = []
    for pk, name, email, community_id, max_hours, tz_name, wants_role, gave_roles, same_community in rows:
        own = slots.get(pk)
        availability = availability_component(
            meetings=need.meetings, availability=utc_week_intervals(own, tz_name, reference) if own else None
        )
        score, breakdown = evaluate(
            skills=skills_component(required=need.required, preferred=need.preferred, levels=levels.get(pk, no_levels)),
            hours=hours_component(max_hours=max_hours, min_hours=need.min_hours),
            availability=availability,
            interest=_interest(
                wants_role=wants_role,
                gave_roles=gave_roles,
                same_community=same_community,
                gave_community=community_id is not None,
            ),
        )
        scored.append(((-score, name.casefold(), name, email), pk, score, breakdown))
    best = heapq.nsmallest(limit, scored, key=lambda item: item[0])
    by_pk = source.in_bulk([pk for _, pk, _, _ in best])
    return [VolunteerMatch(by_pk[pk], score, breakdown) for _, pk, score, breakdown in best if pk in by_pk]
