"""The score of one volunteer against one opportunity: four pure components and their sum.

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
  computed from the unrounded components, which the breakdown carries as they are.
- No skill in common, no match: when O lists skills and V holds none of them, the pair is
  left out of every ranking (`is_match`); its score is still defined.

Everything here is plain values in, plain values out, so it can be tested without a
database; the rankings (server.matching.ranking) call these functions for every score they
return, and the vectorised shortlist (server.matching.compact) follows the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from server.schedule import Slot, overlap_minutes, schedule_to_utc

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
class Need:
    """An opportunity reduced to what scoring reads (plain values, no database)."""

    min_hours: int
    role_id: int
    role_community_id: int | None = None
    required: dict[int, int] = field(default_factory=dict)  # skill id -> level asked
    preferred: dict[int, int] = field(default_factory=dict)
    meetings: list[Interval] = field(default_factory=list)  # merged UTC-week intervals (schedule_to_utc)


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

    Both arguments are sorted, merged UTC-week intervals (see `schedule_to_utc`), so a minute
    where two meetings overlap counts once. 1.0 when there are no meetings; 0.5 when the
    volunteer gave no availability.
    """
    if not meetings:
        return 1.0
    if not availability:
        return 0.5
    covered, total = attended_minutes(meetings=meetings, availability=availability)
    return covered / total


def attended_minutes(*, meetings: list[Interval], availability: list[Interval]) -> tuple[int, int]:
    """(meeting minutes the volunteer can attend, all meeting minutes): the two numbers behind
    the availability component and its sentence."""
    return overlap_minutes(meetings, availability), sum(end - start for start, end in meetings)


def interest_component(
    *, role_id: int, role_community_id: int | None, role_ids: Iterable[int], community_of_practice_id: int | None
) -> float:
    """1.0 for a role of interest; 0.5 for a role in the volunteer's community or when the
    volunteer said neither; else 0.0."""
    role_ids = role_ids if isinstance(role_ids, (set, frozenset)) else frozenset(role_ids)
    if role_id in role_ids:
        return 1.0
    same_community = community_of_practice_id is not None and community_of_practice_id == role_community_id
    if same_community or not (role_ids or community_of_practice_id is not None):
        return 0.5
    return 0.0


def combine(*, skills: float, hours: float, availability: float, interest: float) -> float:
    """The score from unrounded components (the vectorised shortlist adds in the same order)."""
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


def is_match(*, need: Need, breakdown: Breakdown) -> bool:
    """The no-skill rule: a posting that lists skills matches only people holding one of them."""
    return breakdown.skills > 0 or not (need.required or need.preferred)


# --- one pair -----------------------------------------------------------------------------------


def score(*, profile: Profile, need: Need, reference: date) -> tuple[float, Breakdown]:
    """(score, breakdown) of one profile against one opportunity, for the week of `reference`."""
    availability = schedule_to_utc(profile.availability, profile.timezone, reference) or None
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
