"""Every match says why in words, one sentence per component (DESIGN.md, "Matching").

The sentences are built from the same inputs as the numbers (scoring.py), so they cannot
disagree: `Python 4 of 3 ✓ · Django 1 of 3 · no SQL`, `10 h/week ≥ 5 needed`,
`can attend 2 h of 3 h of meetings`, `Back End Developer is a role of interest`. The admin's
Top matches, `manage.py match` and the API's `explanation` all show these strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from server.matching.scoring import Need, Profile, attended_minutes
from server.schedule import schedule_to_utc

SEPARATOR = " · "


@dataclass(frozen=True)
class Names:
    """Display names for the ids a Need and a Profile carry (loaded once per ranking)."""

    skills: Mapping[int, str] = field(default_factory=dict)
    roles: Mapping[int, str] = field(default_factory=dict)
    communities: Mapping[int, str] = field(default_factory=dict)  # community id -> name


def explain(*, profile: Profile, need: Need, names: Names, reference: date) -> dict[str, str]:
    """{"skills", "hours", "availability", "interest"} → one sentence each."""
    return {
        "skills": skills_sentence(need=need, levels=profile.skills, names=names.skills),
        "hours": hours_sentence(max_hours=profile.max_hours_per_week, min_hours=need.min_hours),
        "availability": availability_sentence(profile=profile, need=need, reference=reference),
        "interest": interest_sentence(profile=profile, need=need, names=names),
    }


def skills_sentence(*, need: Need, levels: Mapping[int, int], names: Mapping[int, str]) -> str:
    """Each skill asked, required first then preferred; within each, those reached first (✓),
    then those held below the level asked, then the missing ones (`no <skill>`), by name."""
    if not (need.required or need.preferred):
        return "no skills listed: open to everyone"
    parts = []
    for asked, suffix in ((need.required, ""), (need.preferred, " (preferred)")):
        described = []
        for skill_id, level in asked.items():
            name = names.get(skill_id, f"skill {skill_id}")
            held = levels.get(skill_id, 0)
            if held <= 0:
                described.append((2, name.casefold(), f"no {name}{suffix}"))
            elif held >= level:
                described.append((0, name.casefold(), f"{name} {held} of {level} ✓{suffix}"))
            else:
                described.append((1, name.casefold(), f"{name} {held} of {level}{suffix}"))
        parts.extend(text for *_, text in sorted(described))
    return SEPARATOR.join(parts)


def hours_sentence(*, max_hours: int | None, min_hours: int) -> str:
    if max_hours is None:
        return f"hours not given ({min_hours} h/week needed)"
    if max_hours >= min_hours:
        return f"{max_hours} h/week ≥ {min_hours} needed"
    return f"{max_hours} h/week < {min_hours} needed"


def availability_sentence(*, profile: Profile, need: Need, reference: date) -> str:
    if not need.meetings:
        return "the project has no meeting times"
    availability = schedule_to_utc(profile.availability, profile.timezone, reference)
    if not availability:
        return "availability not given"
    covered, total = attended_minutes(meetings=need.meetings, availability=availability)
    return f"can attend {format_duration(covered)} of {format_duration(total)} of meetings"


def interest_sentence(*, profile: Profile, need: Need, names: Names) -> str:
    role = names.roles.get(need.role_id, "this role")
    if need.role_id in profile.role_ids:
        return f"{role} is a role of interest"
    community = profile.community_of_practice_id
    if community is not None and community == need.role_community_id:
        return f"{role} is in the {names.communities.get(community, 'same')} community of practice"
    if not profile.role_ids and community is None:
        return "no roles or community of practice given"
    return f"{role} is not a role of interest"


def format_duration(minutes: int) -> str:
    """90 → `1 h 30 min`, 120 → `2 h`, 45 → `45 min`, 0 → `0 h`."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours} h"
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min"
