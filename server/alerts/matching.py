"""Alerts scored with the matching package (server.matching): no second scoring here.

An alert's profile has the shapes of a volunteer's, so a pool of alerts is loaded into the
matching package's compact numpy table (`compact.VolunteerTable`, fed the same four kinds of
rows: people, roles, skills, slots) and scored against one newly published opportunity in one
vectorised pass. The candidates are the active alerts holding at least one of the skills the
opportunity lists (no skill in common is no match), or every active alert when it lists none.
Each digest then re-scores its few opportunities with the pure functions and explains them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from server import matching
from server.matching.compact import VolunteerTable
from server.matching.loading import rows
from server.models import Alert, AlertSkill, AlertSlot, Opportunity
from server.schedule import Slot

ROUNDING = 0.051  # a raw score this far below a threshold may still round up to reach it
ACTIVE = "active"  # the status VolunteerTable keeps


def active_alerts():
    """Alerts that may receive digests: confirmed and not unsubscribed since."""
    return Alert.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


def candidates_for(need: matching.Need):
    """Active alerts that can match `need`: those holding one of its skills, if it lists any."""
    candidates = active_alerts()
    asked = need.required.keys() | need.preferred.keys()
    if asked:
        candidates = candidates.filter(pk__in=AlertSkill.objects.filter(skill_id__in=asked).values("alert_id"))
    return candidates


def alert_rows(need: matching.Need) -> tuple[dict[str, list[tuple]], list[float]]:
    """The rows VolunteerTable reads for scoring `need`, and each candidate's min_score in the
    order of the people rows. Four queries at most, and only the rows the score reads: the
    levels in the skills `need` asks (none when it asks none), the slots only when its project
    meets. Roles and slots are read whole, not narrowed by a subquery (cheaper); the table
    drops the rows of anyone who is not a candidate."""
    people = rows(
        candidates_for(need)
        .order_by()
        .values_list("pk", "min_score", "community_of_practice_id", "max_hours_per_week", "timezone")
    )
    asked = need.required.keys() | need.preferred.keys()
    skills = AlertSkill.objects.filter(skill_id__in=asked) if asked else AlertSkill.objects.none()
    found = {
        "volunteers": [(pk, "", "", ACTIVE, community, hours, zone) for pk, _, community, hours, zone in people],
        "roles": rows(Alert.roles.through.objects.order_by().values_list("alert_id", "role_id")),
        "skills": rows(skills.order_by().values_list("alert_id", "skill_id", "level")),
        "slots": rows(AlertSlot.objects.order_by().values_list("alert_id", "weekday", "start", "end"))
        if need.meetings
        else [],
    }
    return found, [row[1] for row in people]


def alert_scores(opportunity: Opportunity) -> dict[int, float]:
    """alert id → score, for every active alert that the opportunity matches at its min_score."""
    reference = matching.reference_date()
    need = matching.need_for(opportunity, reference)
    if need is None:
        return {}
    found, min_scores = alert_rows(need)
    if not min_scores:
        return {}
    table = VolunteerTable(found)
    values, matches = table.scores(need, reference)
    thresholds = np.array(min_scores, dtype=np.float64)
    close = np.flatnonzero(matches & (values >= thresholds - ROUNDING))
    result = {}
    for row, value in zip(close.tolist(), values[close].tolist(), strict=True):
        rounded = round(value, 1)  # the score as the pure functions round it
        if rounded >= min_scores[row]:
            result[table.raws[row]] = rounded
    return result


def alert_scores_one_by_one(opportunity: Opportunity) -> dict[int, float]:
    """The same as alert_scores with the pure functions, one alert at a time (the benchmark's
    and the tests' reference)."""
    reference = matching.reference_date()
    need = matching.need_for(opportunity, reference)
    if need is None:
        return {}
    found, min_scores = alert_rows(need)
    people = {row[0] for row in found["volunteers"]}
    roles, skills, slots = defaultdict(set), defaultdict(dict), defaultdict(list)
    for alert_id, role_id in found["roles"]:
        if alert_id in people:
            roles[alert_id].add(role_id)
    for alert_id, skill_id, level in found["skills"]:
        skills[alert_id][skill_id] = level
    for alert_id, *slot in found["slots"]:
        slots[alert_id].append(Slot(*slot))
    result = {}
    for (pk, _, _, _, community, hours, zone), min_score in zip(found["volunteers"], min_scores, strict=True):
        profile = matching.Profile(
            community_of_practice_id=community,
            role_ids=frozenset(roles[pk]),
            skills=skills[pk],
            max_hours_per_week=hours,
            timezone=zone,
            availability=tuple(sorted(slots[pk])),
        )
        found_score, breakdown = matching.score(profile=profile, need=need, reference=reference)
        if matching.is_match(need=need, breakdown=breakdown) and found_score >= min_score:
            result[pk] = found_score
    return result


def explained(*, alert: Alert, opportunities: list[Opportunity]) -> list[tuple[Opportunity, float, dict[str, str]]]:
    """(opportunity, score, explanation in words) for each that still matches the alert."""
    reference = matching.reference_date()
    profile = matching.saved_profile(alert)
    needs = [(opportunity, matching.need_for(opportunity, reference)) for opportunity in opportunities]
    needs = [(opportunity, need) for opportunity, need in needs if need is not None]
    names = matching.loading.names_for(
        skill_ids={skill for _, need in needs for skill in (*need.required, *need.preferred)},
        role_ids={need.role_id for _, need in needs},
    )
    result = []
    for opportunity, need in needs:
        found, breakdown = matching.score(profile=profile, need=need, reference=reference)
        if matching.is_match(need=need, breakdown=breakdown):
            explanation = matching.explain(profile=profile, need=need, names=names, reference=reference)
            result.append((opportunity, found, explanation))
    return result
