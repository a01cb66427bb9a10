"""Reads for matching: database rows in, plain values (scoring.Profile / Need, records) out.

Every read here is a fixed number of queries whatever the number of rows; the rankings use
these and nothing else to touch the database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections

from server.matching.explain import Names
from server.matching.scoring import Need, Profile
from server.models import (
    AvailabilitySlot,
    MeetingTime,
    Opportunity,
    OpportunitySkill,
    Role,
    Skill,
    Volunteer,
    VolunteerSkill,
)
from server.schedule import Slot, schedule_to_utc


def rows(queryset) -> list[tuple]:
    """A values_list queryset's rows as the database driver returns them.

    Ranking reads up to hundreds of thousands of rows; Django's per-value conversion (every UUID
    parsed into uuid.UUID on SQLite, where it is stored as text) was about half of the time. The
    raw values (ids, integers, text) hash and compare consistently within one database; the
    winners are converted (`to_pk`) and fetched through the ORM.
    """
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def to_pk(raw) -> uuid.UUID:
    """A raw primary key (SQLite: 32 hex characters; PostgreSQL: uuid.UUID) as Django's value."""
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(raw)


def raw_key(text: str, *, using: str):
    """The change log's text id (a trigger's `id::text` or stored hex) in the raw form `rows`
    returns for primary keys, so the two can be compared."""
    value = uuid.UUID(text)
    return value if connections[using].vendor == "postgresql" else value.hex


def as_date(raw) -> date | None:
    if raw is None or isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw)[:10])


def as_datetime(raw) -> datetime | None:
    """SQLite returns text in UTC without a zone; PostgreSQL an aware datetime."""
    if raw is None:
        return None
    value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- one volunteer, one opportunity -------------------------------------------------------------


def saved_profile(saved) -> Profile:
    """A saved volunteer or alert as a Profile: both keep the same answers under the same names
    (community, roles, skill_levels, hours, time zone, availability). Three small queries."""
    return Profile(
        community_of_practice_id=saved.community_of_practice_id,
        role_ids=frozenset(saved.roles.values_list("pk", flat=True)),
        skills=dict(saved.skill_levels.values_list("skill_id", "level")),
        max_hours_per_week=saved.max_hours_per_week,
        timezone=saved.timezone,
        availability=tuple(
            Slot(weekday, start, end)
            for weekday, start, end in saved.availability.order_by("weekday", "start", "end").values_list(
                "weekday", "start", "end"
            )
        ),
    )


def need_for(opportunity: Opportunity, reference: date) -> Need | None:
    """One saved opportunity as a Need, in one query: its row joined to its project's meeting
    times and its skills (a handful of rows, meetings × skills). None when it is not saved."""
    found = list(
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
    if not found:
        return None
    min_hours, role_id, role_community_id, tz_name = found[0][:4]
    meetings = {row[4:7] for row in found if row[4] is not None}
    required, preferred = {}, {}
    for *_, skill_id, level, kind in found:
        if skill_id is not None:
            (required if kind == OpportunitySkill.Kind.REQUIRED else preferred)[skill_id] = level
    return Need(
        min_hours=min_hours,
        role_id=role_id,
        role_community_id=role_community_id,
        required=required,
        preferred=preferred,
        meetings=schedule_to_utc(sorted(meetings), tz_name, reference),
    )


def names_for(*, skill_ids, role_ids) -> Names:
    """Skill names, role titles and the roles' community names for the explanations (2 queries)."""
    skills = dict(Skill.objects.filter(pk__in=set(skill_ids)).values_list("pk", "name")) if skill_ids else {}
    roles, communities = {}, {}
    for pk, title, community_id, community in Role.objects.filter(pk__in=set(role_ids)).values_list(
        "pk", "title", "community_of_practice_id", "community_of_practice__name"
    ):
        roles[pk] = title
        if community_id is not None:
            communities[community_id] = community
    return Names(skills=skills, roles=roles, communities=communities)


# --- every candidate: the compact tables' input -------------------------------------------------


@dataclass(frozen=True)
class VolunteerRecord:
    """A volunteer as ranking reads it (raw primary key, plain values)."""

    raw: object
    name: str
    email: str
    active: bool
    community_of_practice_id: int | None
    max_hours_per_week: int | None
    timezone: str
    role_ids: frozenset = frozenset()
    skills: dict = field(default_factory=dict)
    slots: tuple = ()

    def profile(self) -> Profile:
        return Profile(
            community_of_practice_id=self.community_of_practice_id,
            role_ids=self.role_ids,
            skills=self.skills,
            max_hours_per_week=self.max_hours_per_week,
            timezone=self.timezone,
            availability=self.slots,
        )


@dataclass(frozen=True)
class OpportunityRecord:
    """An opportunity as ranking reads it (raw primary key, plain values)."""

    raw: object
    status: str
    expires_on: date | None
    published_at: datetime | None
    min_hours: int
    role_id: int
    project_id: int
    required: dict = field(default_factory=dict)
    preferred: dict = field(default_factory=dict)


VOLUNTEER_COLUMNS = ("pk", "name", "email", "status", "community_of_practice_id", "max_hours_per_week", "timezone")
OPPORTUNITY_COLUMNS = ("pk", "status", "expires_on", "published_at", "min_hours_per_week", "role_id", "project_id")


def volunteer_rows(ids=None) -> dict[str, list[tuple]]:
    """The raw rows of every volunteer (or of `ids`, raw keys) and of their roles, skills and
    slots: four queries."""
    narrow = {} if ids is None else {"volunteer_id__in": list(ids)}
    people = Volunteer.objects.order_by() if ids is None else Volunteer.objects.filter(pk__in=list(ids)).order_by()
    return {
        "volunteers": rows(people.values_list(*VOLUNTEER_COLUMNS)),
        "roles": rows(
            Volunteer.roles.through.objects.filter(**narrow).order_by().values_list("volunteer_id", "role_id")
        ),
        "skills": rows(
            VolunteerSkill.objects.filter(**narrow).order_by().values_list("volunteer_id", "skill_id", "level")
        ),
        "slots": rows(
            AvailabilitySlot.objects.filter(**narrow).order_by().values_list("volunteer_id", "weekday", "start", "end")
        ),
    }


def volunteer_records(ids) -> dict[object, VolunteerRecord | None]:
    """raw key → record for each of `ids` (None: deleted). Four queries."""
    found = volunteer_rows(ids)
    roles, skills, slots = defaultdict(set), defaultdict(dict), defaultdict(list)
    for volunteer_id, role_id in found["roles"]:
        roles[volunteer_id].add(role_id)
    for volunteer_id, skill_id, level in found["skills"]:
        skills[volunteer_id][skill_id] = level
    for volunteer_id, *slot in found["slots"]:
        slots[volunteer_id].append(tuple(slot))
    records: dict[object, VolunteerRecord | None] = dict.fromkeys(ids)
    for raw, name, email, status, community_id, max_hours, tz_name in found["volunteers"]:
        records[raw] = VolunteerRecord(
            raw=raw,
            name=name,
            email=email,
            active=status == Volunteer.Status.ACTIVE,
            community_of_practice_id=community_id,
            max_hours_per_week=max_hours,
            timezone=tz_name,
            role_ids=frozenset(roles[raw]),
            skills=skills[raw],
            slots=tuple(Slot(*slot) for slot in sorted(slots[raw])),
        )
    return records


def opportunity_rows(ids=None) -> dict[str, list[tuple]]:
    """The raw rows of every open opportunity (or of `ids`, whatever their status) and their
    skills: two queries."""
    if ids is None:
        postings = Opportunity.objects.filter(status=Opportunity.Status.OPEN)
        requirements = OpportunitySkill.objects.filter(opportunity__status=Opportunity.Status.OPEN)
    else:
        postings = Opportunity.objects.filter(pk__in=list(ids))
        requirements = OpportunitySkill.objects.filter(opportunity_id__in=list(ids))
    return {
        "opportunities": rows(postings.order_by().values_list(*OPPORTUNITY_COLUMNS)),
        "skills": rows(requirements.order_by().values_list("opportunity_id", "skill_id", "level", "kind")),
    }


def opportunity_records(ids) -> dict[object, OpportunityRecord | None]:
    """raw key → record for each of `ids` (None: deleted). Two queries."""
    found = opportunity_rows(ids)
    skills = defaultdict(lambda: ({}, {}))
    for opportunity_id, skill_id, level, kind in found["skills"]:
        required, preferred = skills[opportunity_id]
        (required if kind == OpportunitySkill.Kind.REQUIRED else preferred)[skill_id] = level
    records: dict[object, OpportunityRecord | None] = dict.fromkeys(ids)
    for raw, status, expires_on, published_at, min_hours, role_id, project_id in found["opportunities"]:
        required, preferred = skills[raw]
        records[raw] = OpportunityRecord(
            raw=raw,
            status=status,
            expires_on=as_date(expires_on),
            published_at=as_datetime(published_at),
            min_hours=min_hours,
            role_id=role_id,
            project_id=project_id,
            required=required,
            preferred=preferred,
        )
    return records


def project_meetings() -> dict[int, tuple[str, list[tuple[int, int, int]]]]:
    """project id → (time zone, weekly meeting slots) for every project that meets (one query;
    read fresh on every ranking: projects are few and edited in the admin)."""
    meetings: dict[int, tuple[str, list]] = {}
    for project_id, tz_name, weekday, start, end in rows(
        MeetingTime.objects.order_by().values_list("project_id", "project__timezone", "weekday", "start", "end")
    ):
        meetings.setdefault(project_id, (tz_name, []))[1].append((weekday, start, end))
    return meetings


def role_communities() -> dict[int, int | None]:
    """role id → its community of practice id (one query; the catalog is small)."""
    return dict(rows(Role.objects.order_by().values_list("pk", "community_of_practice_id")))
