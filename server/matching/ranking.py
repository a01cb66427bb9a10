"""The two rankings: the best active volunteers for an opportunity, the best open
opportunities for a volunteer (saved or the API's qualifier answers).

Both follow the same three steps, in a constant number of queries whatever the pool:
1. score every candidate at once on the compact tables (compact.py, kept current by
   changes.py) and keep a shortlist: everyone whose rounded score can still reach the
   `limit`-th place, ties included;
2. candidates changed since the tables were built are scored one by one with the pure
   functions (scoring.py) and join the shortlist;
3. the shortlist is ordered (score, then the contract's tie order), the no-skill rule has
   already left out pairs with no skill in common, and the winners are scored again with the
   pure functions, explained in words (explain.py) and fetched as model instances.
The result equals scoring every candidate with the pure functions (the naive version the
tests and bench/match_bench.py compare with).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from server.matching import changes, loading, scoring
from server.matching.compact import published_key
from server.matching.explain import explain
from server.matching.scoring import Breakdown, Need, Profile, availability_component, is_match, score
from server.models import Opportunity, Volunteer
from server.schedule import schedule_to_utc

ROUNDING = 0.051  # a raw score this far below a rounded one may still round up to it


@dataclass(frozen=True)
class OpportunityMatch:
    opportunity: Opportunity
    score: float
    breakdown: Breakdown
    explanation: dict[str, str]


@dataclass(frozen=True)
class VolunteerMatch:
    volunteer: Volunteer
    score: float
    breakdown: Breakdown
    explanation: dict[str, str]


def _allowed(queryset) -> set | None:
    """Raw keys of a narrowing queryset's rows; None when it narrows nothing (one query)."""
    if queryset is None or not queryset.query.has_filters():
        return None
    return {row[0] for row in loading.rows(queryset.order_by().values_list("pk"))}


def _mask(table, snapshot, allowed) -> np.ndarray:
    keep = ~snapshot.dead
    if allowed is not None:
        narrowed = np.zeros(table.size, dtype=bool)
        narrowed[[table.index[raw] for raw in allowed if raw in table.index]] = True
        keep &= narrowed
    return keep


def _shortlist(values: np.ndarray, eligible: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """(row, exact rounded score) of every eligible row that can reach the `limit`-th place:
    rounding is monotonic, so the limit-th best raw score gives the cut, ties included."""
    rows = np.flatnonzero(eligible)
    if not len(rows):
        return []
    cut = -np.inf
    if len(rows) > limit:
        kth = np.partition(values[rows], len(rows) - limit)[len(rows) - limit]
        cut = round(float(kth), 1)
        rows = rows[values[rows] >= cut - ROUNDING]
    return [
        (row, rounded)
        for row, value in zip(rows.tolist(), values[rows].tolist(), strict=True)
        if (rounded := round(value, 1)) >= cut
    ]


def _hex(raw) -> str:
    return raw.hex if hasattr(raw, "hex") and not isinstance(raw, str) else raw


# --- volunteers for an opportunity -----------------------------------------------------------------


def rank_volunteers(*, opportunity: Opportunity, limit: int = 10, queryset=None) -> list[VolunteerMatch]:
    """The `limit` best active volunteers for an opportunity, best first; fewer when fewer hold
    one of its skills. `queryset` (optional) narrows the candidates and is where the returned
    Volunteer objects come from. Ties: name (ignoring case), then email."""
    if limit <= 0:
        return []
    reference = scoring.reference_date()
    need = loading.need_for(opportunity, reference)
    if need is None:
        return []
    snapshot = changes.current(changes.VOLUNTEERS)
    table = snapshot.table
    allowed = _allowed(queryset)
    candidates = []  # (order key, raw key, profile or the table row)
    if table.size:
        values, matches = table.scores(need, reference)
        for row, rounded in _shortlist(values, matches & _mask(table, snapshot, allowed), limit):
            name = table.names[row]
            candidates.append(((-rounded, name.casefold(), name, table.emails[row]), table.raws[row], row))
    for raw, record in snapshot.overlay.items():
        if record is None or not record.active or (allowed is not None and raw not in allowed):
            continue
        profile = record.profile()
        found, breakdown = score(profile=profile, need=need, reference=reference)
        if is_match(need=need, breakdown=breakdown):
            candidates.append(((-found, record.name.casefold(), record.name, record.email), raw, profile))
    best = sorted(candidates, key=lambda candidate: candidate[0])[:limit]
    source = Volunteer.objects.all() if queryset is None else queryset
    by_pk = source.in_bulk([loading.to_pk(raw) for _, raw, _ in best])
    names = loading.names_for(skill_ids=need.required.keys() | need.preferred.keys(), role_ids=[need.role_id])
    matches = []
    for _, raw, profile in best:
        volunteer = by_pk.get(loading.to_pk(raw))
        if volunteer is None:
            continue
        profile = table.profile(profile) if isinstance(profile, int) else profile
        found, breakdown = score(profile=profile, need=need, reference=reference)
        explanation = explain(profile=profile, need=need, names=names, reference=reference)
        matches.append(VolunteerMatch(volunteer, found, breakdown, explanation))
    return matches


# --- opportunities for a volunteer -----------------------------------------------------------------


def rank_opportunities(*, profile: Profile, limit: int = 20, queryset=None) -> list[OpportunityMatch]:
    """The `limit` best open, unexpired opportunities for a profile, best first; fewer when
    fewer list a skill the profile holds (or none). `queryset` (optional) narrows the
    candidates (e.g. to a project manager's) and is where the returned Opportunity objects
    come from, so callers may select_related it. Ties: newer published_at first, then id."""
    if limit <= 0:
        return []
    reference = scoring.reference_date()
    today = timezone.localdate()
    snapshot = changes.current(changes.OPPORTUNITIES)
    table = snapshot.table
    allowed = _allowed(queryset)
    meetings = {
        project_id: schedule_to_utc(slots, tz_name, reference)
        for project_id, (tz_name, slots) in loading.project_meetings().items()
    }
    communities = loading.role_communities()
    availability = schedule_to_utc(profile.availability, profile.timezone, reference) or None
    per_project = {
        project_id: availability_component(meetings=intervals, availability=availability)
        for project_id, intervals in meetings.items()
    }

    def need_of(*, min_hours, role_id, project_id, required, preferred) -> Need:
        return Need(
            min_hours=min_hours,
            role_id=role_id,
            role_community_id=communities.get(role_id),
            required=required,
            preferred=preferred,
            meetings=meetings.get(project_id, []),
        )

    candidates = []  # (order key, raw key, need)
    if table.size:
        values, matches = table.scores(profile=profile, availability_by_project=per_project, communities=communities)
        eligible = matches & table.public(today) & _mask(table, snapshot, allowed)
        for row, rounded in _shortlist(values, eligible, limit):
            raw = table.raws[row]
            candidates.append(((-rounded, published_key(table.published[row]), _hex(raw)), raw, row))
    for raw, record in snapshot.overlay.items():
        if record is None or record.status != Opportunity.Status.OPEN:
            continue
        if Opportunity.is_past(record.expires_on, today) or (allowed is not None and raw not in allowed):
            continue
        need = need_of(
            min_hours=record.min_hours,
            role_id=record.role_id,
            project_id=record.project_id,
            required=record.required,
            preferred=record.preferred,
        )
        found, breakdown = score(profile=profile, need=need, reference=reference)
        if is_match(need=need, breakdown=breakdown):
            candidates.append(((-found, published_key(record.published_at), _hex(raw)), raw, need))
    best = sorted(candidates, key=lambda candidate: candidate[0])[:limit]
    needs = []
    for _, raw, need in best:
        if isinstance(need, int):
            required, preferred = table.skills_of(need)
            need = need_of(
                min_hours=int(table.min_hours[need]),
                role_id=int(table.role_id[need]),
                project_id=int(table.project_id[need]),
                required=required,
                preferred=preferred,
            )
        needs.append((raw, need))
    source = Opportunity.objects.all() if queryset is None else queryset
    by_pk = source.in_bulk([loading.to_pk(raw) for raw, _ in needs])
    names = loading.names_for(
        skill_ids={skill for _, need in needs for skill in (*need.required, *need.preferred)},
        role_ids={need.role_id for _, need in needs},
    )
    results = []
    for raw, need in needs:
        opportunity = by_pk.get(loading.to_pk(raw))
        if opportunity is None:
            continue
        found, breakdown = score(profile=profile, need=need, reference=reference)
        explanation = explain(profile=profile, need=need, names=names, reference=reference)
        results.append(OpportunityMatch(opportunity, found, breakdown, explanation))
    return results
