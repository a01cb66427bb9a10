"""Compact, column-wise copies of every candidate, scored for a whole pool at once with numpy.

A ranking scores every candidate, so at 100,000 volunteers the per-candidate Python of the
pure functions (scoring.py) costs seconds. These tables hold the same inputs as arrays —
skills as (candidate, skill, level) entries sorted by skill, availability as slot entries
pointing at the distinct (zone, slot) pairs, hours, roles and communities as columns — and
compute the four components with the exact arithmetic of scoring.py in the same order, so
the unrounded sum is bit-for-bit the one the pure functions give. They only shortlist: the
rankings then score the winners again with the pure functions.

Availability per candidate is the sum of the minutes each of their slots covers, which equals
the minutes of the merged slots when the slots do not overlap each other (true for almost
everyone: checked at build time) and the zone keeps one UTC offset all week (checked per
ranking). Everyone else is computed exactly with the pure functions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from server.matching.loading import as_date, as_datetime
from server.matching.scoring import PREFERRED_WEIGHT, REQUIRED_WEIGHT, WEIGHTS, Need, Profile, attended_minutes
from server.models import OpportunitySkill, Volunteer
from server.schedule import MINUTES_PER_DAY, Slot, constant_offset, overlap_minutes, schedule_to_utc, week_start

NO_DATE = date.max.toordinal()
CLOSE = 3 * 60  # minutes: more than any change of UTC offset within a week (at most two hours)


def raw_scores(skills, hours, availability, interest):
    """100 × the weighted sum, added in the order `scoring.combine` adds (same floats)."""
    total = WEIGHTS["skills"] * skills + WEIGHTS["hours"] * hours
    total = total + WEIGHTS["availability"] * availability
    total = total + WEIGHTS["interest"] * interest
    return 100 * total


def _index(raws) -> dict:
    return {raw: index for index, raw in enumerate(raws)}


def _entries(index: dict, found: list[tuple], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Entry rows (owner raw key, values…) of owners in `index` as (owner positions, values)."""
    kept = [(index[row[0]], *row[1:]) for row in found if row[0] in index]
    if not kept:
        return np.zeros(0, dtype=np.int64), np.zeros((0, width), dtype=np.int64)
    array = np.array(kept, dtype=np.int64)
    return array[:, 0], array[:, 1:]


class VolunteerTable:
    """Every active volunteer (as of the build) in columns."""

    def __init__(self, found: dict[str, list[tuple]]):
        people = [row for row in found["volunteers"] if row[3] == Volunteer.Status.ACTIVE]
        self.raws = [row[0] for row in people]
        self.names = [row[1] for row in people]
        self.emails = [row[2] for row in people]
        self.index = _index(self.raws)
        n = self.size = len(people)
        self.community = np.array([-1 if row[4] is None else row[4] for row in people], dtype=np.int64)
        self.hours = np.array([np.nan if row[5] is None else row[5] for row in people], dtype=np.float64)
        self.zones = sorted({row[6] for row in people})
        zone_code = {name: code for code, name in enumerate(self.zones)}
        self.zone = np.array([zone_code[row[6]] for row in people], dtype=np.int64)

        owner, roles = _entries(self.index, found["roles"], 1)
        by_owner = np.argsort(owner, kind="stable")
        self.role_owner, self.role_id = owner[by_owner], roles[by_owner, 0]
        self.own_role_start = np.searchsorted(self.role_owner, np.arange(n + 1))
        self.gave_roles = np.bincount(self.role_owner, minlength=n) > 0

        owner, values = _entries(self.index, found["skills"], 2)
        by_skill = np.lexsort((owner, values[:, 0]))
        self.skill_owner, self.skill_id, self.skill_level = owner[by_skill], values[by_skill, 0], values[by_skill, 1]
        by_owner = np.argsort(owner, kind="stable")
        self.own_skill_id, self.own_skill_level = values[by_owner, 0], values[by_owner, 1]
        self.own_skill_start = np.searchsorted(owner[by_owner], np.arange(n + 1))

        owner, values = _entries(self.index, found["slots"], 3)
        order = np.lexsort((values[:, 2], values[:, 1], values[:, 0], owner))
        owner, values = owner[order], values[order]
        self.slot_owner, self.slot_values = owner, values
        self.own_slot_start = np.searchsorted(owner, np.arange(n + 1))
        keys = (
            (self.zone[owner] * 7 + values[:, 0]) * (MINUTES_PER_DAY + 1) ** 2
            + values[:, 1] * (MINUTES_PER_DAY + 1)
            + values[:, 2]
        )
        self.slot_keys, self.slot_key_of = np.unique(keys, return_inverse=True)
        self.slot_count = np.bincount(owner, minlength=n)
        # Slots of one person that overlap in local time (sorted by day and start, a slot
        # starting before the previous one ends): their minutes must be merged, not added.
        same_day = (owner[1:] == owner[:-1]) & (values[1:, 0] == values[:-1, 0])
        overlapping = same_day & (values[1:, 1] < values[:-1, 2])
        self.overlapping = np.zeros(n, dtype=bool)
        self.overlapping[owner[1:][overlapping]] = True
        # Slots less than CLOSE minutes apart in the local week (the last one wrapping round to
        # the first): in a week where the zone's offset changes, a wall time converts with the
        # offset before or after the change (by at most two hours), so only such neighbours
        # can overlap once in UTC; everyone else's minutes still add up exactly.
        minute = values[:, 0] * MINUTES_PER_DAY
        same = owner[1:] == owner[:-1]
        gaps = (minute[1:] + values[1:, 1]) - (minute[:-1] + values[:-1, 2])
        self.close = np.zeros(n, dtype=bool)
        self.close[owner[1:][same & (gaps < CLOSE)]] = True
        first, last = self.own_slot_start[:-1], self.own_slot_start[1:] - 1
        several = np.flatnonzero(self.slot_count > 1)
        wrap = (minute[first[several]] + values[first[several], 1] + 7 * MINUTES_PER_DAY) - (
            minute[last[several]] + values[last[several], 2]
        )
        self.close[several[wrap < CLOSE]] = True

    def profile(self, index: int) -> Profile:
        """One row back as a Profile, for the pure functions."""
        skills = slice(self.own_skill_start[index], self.own_skill_start[index + 1])
        slots = slice(self.own_slot_start[index], self.own_slot_start[index + 1])
        roles = slice(self.own_role_start[index], self.own_role_start[index + 1])
        return Profile(
            community_of_practice_id=None if self.community[index] < 0 else int(self.community[index]),
            role_ids=frozenset(self.role_id[roles].tolist()),
            skills=dict(zip(self.own_skill_id[skills].tolist(), self.own_skill_level[skills].tolist(), strict=True)),
            max_hours_per_week=None if np.isnan(self.hours[index]) else int(self.hours[index]),
            timezone=self.zones[self.zone[index]],
            availability=tuple(Slot(*slot) for slot in self.slot_values[slots].tolist()),
        )

    def scores(self, need: Need, reference: date) -> tuple[np.ndarray, np.ndarray]:
        """(100 × unrounded score, holds a skill asked or none asked) for every row."""
        return (
            raw_scores(
                self._skills(need), self._hours(need), self._availability(need, reference), self._interest(need)
            ),
            self._matches(need),
        )

    def _got(self, need: Need) -> np.ndarray:
        got = np.zeros(self.size)
        for weight, asked in ((REQUIRED_WEIGHT, need.required), (PREFERRED_WEIGHT, need.preferred)):
            for skill_id, level in asked.items():
                lo, hi = np.searchsorted(self.skill_id, [skill_id, skill_id + 1])
                got[self.skill_owner[lo:hi]] += weight * np.minimum(self.skill_level[lo:hi], level)
        return got

    def _skills(self, need: Need) -> np.ndarray:
        wanted = 0.0
        for weight, asked in ((REQUIRED_WEIGHT, need.required), (PREFERRED_WEIGHT, need.preferred)):
            for level in asked.values():
                wanted += weight * level
        if wanted <= 0:
            return np.ones(self.size)
        return self._got(need) / wanted

    def _matches(self, need: Need) -> np.ndarray:
        if not (need.required or need.preferred):
            return np.ones(self.size, dtype=bool)
        return self._got(need) > 0

    def _hours(self, need: Need) -> np.ndarray:
        hours = self.hours
        with np.errstate(invalid="ignore"):
            if need.min_hours <= 0:
                covered = np.ones(self.size)
            else:
                covered = np.where(hours >= need.min_hours, 1.0, np.maximum(hours, 0) / need.min_hours)
        return np.where(np.isnan(hours), 0.5, covered)

    def _availability(self, need: Need, reference: date) -> np.ndarray:
        if not need.meetings:
            return np.ones(self.size)
        covered_by_key = np.array(
            [self._covered(int(key), need, reference) for key in self.slot_keys.tolist()], dtype=np.float64
        )
        covered = np.bincount(self.slot_owner, weights=covered_by_key[self.slot_key_of], minlength=self.size)
        total = sum(end - start for start, end in need.meetings)
        result = np.where(self.slot_count > 0, covered / total, 0.5)
        monday = week_start(reference)
        shifting = [code for code, name in enumerate(self.zones) if constant_offset(name, monday) is None]
        exact = self.overlapping | (self.close & np.isin(self.zone, shifting))
        for index in np.flatnonzero(exact).tolist():
            slots = self.slot_values[self.own_slot_start[index] : self.own_slot_start[index + 1]].tolist()
            availability = schedule_to_utc(slots, self.zones[self.zone[index]], reference)
            minutes, _ = attended_minutes(meetings=need.meetings, availability=availability)
            result[index] = minutes / total
        return result

    def _covered(self, key: int, need: Need, reference: date) -> int:
        key, end = divmod(key, MINUTES_PER_DAY + 1)
        key, start = divmod(key, MINUTES_PER_DAY + 1)
        zone, weekday = divmod(key, 7)
        return overlap_minutes(need.meetings, schedule_to_utc([(weekday, start, end)], self.zones[zone], reference))

    def _interest(self, need: Need) -> np.ndarray:
        wants = np.zeros(self.size, dtype=bool)
        wants[self.role_owner[self.role_id == need.role_id]] = True
        gave_community = self.community >= 0
        if need.role_community_id is None:
            same = np.zeros(self.size, dtype=bool)
        else:
            same = self.community == need.role_community_id
        half = same | ~(self.gave_roles | gave_community)
        return np.where(wants, 1.0, np.where(half, 0.5, 0.0))


class OpportunityTable:
    """Every open opportunity (as of the build) in columns; expiry is checked per ranking."""

    def __init__(self, found: dict[str, list[tuple]]):
        postings = [row for row in found["opportunities"] if row[1] == "open"]
        self.raws = [row[0] for row in postings]
        self.index = _index(self.raws)
        n = self.size = len(postings)
        self.expires = np.array(
            [NO_DATE if row[2] is None else as_date(row[2]).toordinal() for row in postings], dtype=np.int64
        )
        self.published = [as_datetime(row[3]) for row in postings]
        self.min_hours = np.array([row[4] for row in postings], dtype=np.int64)
        self.role_id = np.array([row[5] for row in postings], dtype=np.int64)
        self.project_id = np.array([row[6] for row in postings], dtype=np.int64)

        owner, values = _entries(
            self.index,
            [
                (raw, skill, level, kind == OpportunitySkill.Kind.REQUIRED)
                for raw, skill, level, kind in found["skills"]
            ],
            3,
        )
        self.skill_owner, self.skill_id, self.skill_level = owner, values[:, 0], values[:, 1]
        self.skill_required = values[:, 2].astype(bool)
        self.skill_weight = np.where(self.skill_required, REQUIRED_WEIGHT, PREFERRED_WEIGHT)
        self.wanted = np.bincount(owner, weights=self.skill_weight * self.skill_level, minlength=n)
        by_owner = np.argsort(owner, kind="stable")
        self.own = by_owner
        self.own_start = np.searchsorted(owner[by_owner], np.arange(n + 1))

    def public(self, today: date) -> np.ndarray:
        """Not expired on `today` (Opportunity.is_past, as a column; no date never expires): the
        table holds open postings only, so this is Opportunity.public_q for all at once."""
        return self.expires >= today.toordinal()

    def skills_of(self, index: int) -> tuple[dict, dict]:
        required, preferred = {}, {}
        for entry in self.own[self.own_start[index] : self.own_start[index + 1]].tolist():
            asked = required if self.skill_required[entry] else preferred
            asked[int(self.skill_id[entry])] = int(self.skill_level[entry])
        return required, preferred

    def scores(self, *, profile: Profile, availability_by_project: dict, communities: dict):
        """(100 × unrounded score, holds a skill asked or none asked) for every row, given
        each project's availability component and each role's community."""
        skills, matches = self._skills(profile)
        hours = self._hours(profile)
        projects = np.array(sorted(availability_by_project), dtype=np.int64)
        values = np.array([availability_by_project[p] for p in projects.tolist()], dtype=np.float64)
        availability = np.ones(self.size)
        if len(projects):
            at = np.searchsorted(projects, self.project_id).clip(0, len(projects) - 1)
            found = projects[at] == self.project_id
            availability = np.where(found, values[at], 1.0)
        return raw_scores(skills, hours, availability, self._interest(profile, communities)), matches

    def _skills(self, profile: Profile):
        top = int(self.skill_id.max()) + 1 if len(self.skill_id) else 1
        levels = np.zeros(top, dtype=np.int64)
        for skill_id, level in profile.skills.items():
            if 0 <= skill_id < top:
                levels[skill_id] = level
        held = np.minimum(levels[self.skill_id], self.skill_level)
        got = np.bincount(self.skill_owner, weights=self.skill_weight * held, minlength=self.size)
        asks = self.wanted > 0
        skills = np.where(asks, got / np.where(asks, self.wanted, 1.0), 1.0)
        return skills, ~asks | (got > 0)

    def _hours(self, profile: Profile):
        if profile.max_hours_per_week is None:
            return np.full(self.size, 0.5)
        max_hours = profile.max_hours_per_week
        minimum = self.min_hours
        fraction = max(max_hours, 0) / np.where(minimum > 0, minimum, 1)
        return np.where((minimum <= 0) | (max_hours >= minimum), 1.0, fraction)

    def _interest(self, profile: Profile, communities: dict):
        wants = np.isin(self.role_id, np.array(sorted(profile.role_ids), dtype=np.int64))
        community = profile.community_of_practice_id
        if community is None:
            same = np.zeros(self.size, dtype=bool)
        else:
            same_roles = np.array(sorted(r for r, c in communities.items() if c == community), dtype=np.int64)
            same = np.isin(self.role_id, same_roles)
        neither = not profile.role_ids and community is None
        return np.where(wants, 1.0, np.where(same | neither, 0.5, 0.0))


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def published_key(published: datetime | None) -> tuple:
    """Newer first, postings never published last (the ranking's tie order), in whole
    microseconds so no two distinct times compare equal."""
    return (1, 0) if published is None else (0, -((published - EPOCH) // MICROSECOND))
