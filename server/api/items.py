"""The opportunity item of DESIGN.md ("REST API"), built as plain data: its one home.

The list, the detail, the write responses and the match results all build their items here,
from a constant number of queries whatever the number of items: the page's ids (the caller's
filtered, ordered, sliced queryset), then the rows with their project, role and community as
plain values (no model instance), the skills of all of them and their projects' meeting
times. Those three have the same shape on every page, so each is compiled once per number
of ids (statements.InStatement). A DRF serializer per item cost ~0.4 ms of Python per item
(field objects, model instances, attribute lookups); these dicts are what the JSON renderer
writes.

serializers.OpportunitySerializer declares the same item for the OpenAPI schema, and renders
it the ordinary DRF way; a test holds the two byte-for-byte equal on the seeded data.
"""

from __future__ import annotations

from collections import defaultdict

from rest_framework import serializers

from server.api.statements import InStatement
from server.models import MeetingTime, Opportunity, OpportunitySkill, Project
from server.schedule import DAY_ABBREVIATIONS, format_time

# DRF's own formats for dates and times (ISO 8601 in the current time zone, "Z" for UTC), so
# the plain items spell them exactly as the serializers do.
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()

COLUMNS = (
    "pk",
    "title",
    "status",
    "project__slug",
    "project__name",
    "role_id",
    "role__title",
    "role__community_of_practice__slug",
    "role__community_of_practice__name",
    "body",
    "experience_level",
    "min_hours_per_week",
    "work_environment",
    "positions",
    "published_at",
    "expires_on",
    "updated_at",
    "project_id",
    "project__timezone",
)


def meeting_time(*, label: str, weekday: int, start: int, end: int, timezone: str) -> dict:
    """A weekly meeting as the API shows it (in the project's zone; `end` may be "24:00")."""
    return {
        "label": label,
        "weekday": DAY_ABBREVIATIONS[weekday],
        "start": format_time(start),
        "end": format_time(end),
        "timezone": timezone,
    }


def _datetime(value):
    return None if value is None else _DATETIME.to_representation(value)


def opportunity_items(queryset) -> list[dict]:
    """The items of the opportunities of `queryset` (already scoped, filtered, ordered and
    sliced by the caller), in its order: their ids (one query), then items_by_pk."""
    return items_by_pk(list(queryset.values_list("pk", flat=True)))


def items_by_pk(pks) -> list[dict]:
    """The items of these opportunities in this order (ids that match no row are left out):
    three queries, each compiled once per number of ids (statements.InStatement)."""
    rows = {row[0]: row for row in _ROWS.rows(pks)}
    if not rows:
        return []
    skills = _skills(list(rows))
    meetings = _meetings({row[17]: row[18] for row in rows.values()})
    items = []
    for pk in pks:
        if pk not in rows:
            continue
        (
            _,
            title,
            status,
            project_slug,
            project_name,
            role_id,
            role_title,
            community_slug,
            community_name,
            body,
            experience_level,
            min_hours,
            work_environment,
            positions,
            published_at,
            expires_on,
            updated_at,
            project_id,
            _,
        ) = rows[pk]
        required, preferred = skills.get(pk, ((), ()))
        items.append(
            {
                "id": str(pk),
                "title": title,
                "status": status,
                "project": {"slug": project_slug, "name": project_name},
                "role": {"id": role_id, "title": role_title},
                "community_of_practice": {"slug": community_slug, "name": community_name},
                "body": body,
                "experience_level": experience_level,
                "min_hours_per_week": min_hours,
                "work_environment": work_environment,
                "positions": positions,
                "required_skills": list(required),
                "preferred_skills": list(preferred),
                "meeting_times": meetings.get(project_id, []),
                "published_at": _datetime(published_at),
                "expires_on": None if expires_on is None else _DATE.to_representation(expires_on),
                "updated_at": _datetime(updated_at),
            }
        )
    return items


_ROWS = InStatement(Opportunity, lambda pks: Opportunity.objects.filter(pk__in=pks).order_by().values_list(*COLUMNS))
_SKILL_ROWS = InStatement(
    Opportunity,
    lambda pks: (
        OpportunitySkill.objects.filter(opportunity__in=pks)
        .order_by("skill__name")
        .values_list("opportunity_id", "kind", "level", "skill__name")
    ),
)
_MEETING_ROWS = InStatement(
    Project,
    lambda ids: (
        MeetingTime.objects.filter(project__in=ids)
        .order_by("weekday", "start", "end", "pk")
        .values_list("project_id", "label", "weekday", "start", "end")
    ),
)


def _skills(pks) -> dict:
    """opportunity pk → (required, preferred), each [{name, level}] by name: one query."""
    found = defaultdict(lambda: ([], []))
    for pk, kind, level, name in _SKILL_ROWS.rows(pks):
        required, preferred = found[pk]
        (required if kind == OpportunitySkill.Kind.REQUIRED else preferred).append({"name": name, "level": level})
    return found


def _meetings(zones: dict) -> dict:
    """project id → its meeting times (project id → time zone given): one query. A project's
    list is shared by its items: the renderer only reads it."""
    found = defaultdict(list)
    for project_id, label, weekday, start, end in _MEETING_ROWS.rows(sorted(zones)):
        found[project_id].append(
            meeting_time(label=label, weekday=weekday, start=start, end=end, timezone=zones[project_id])
        )
    return found


def match_results(matches) -> list[dict]:
    """The API's match results (serializers.MatchSerializer's shape) for rankings'
    OpportunityMatch values, best first: the winners' items in three queries."""
    items = {item["id"]: item for item in items_by_pk([match.opportunity.pk for match in matches])}
    return [
        {
            "opportunity": items[str(match.opportunity.pk)],
            "score": match.score,
            "breakdown": match.breakdown.as_dict(),
            "explanation": dict(match.explanation),
        }
        for match in matches
        if str(match.opportunity.pk) in items
    ]


class ItemPages:
    """What the paginator pages over: counted on the filtered queryset itself (no joins), and
    each page's slice built as items (opportunity_items: the sort and the skipping of earlier
    pages handle ids only, the wide rows are read for the page's items alone)."""

    ordered = True  # the views always order (StableOrderingFilter); Django's paginator asks

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return opportunity_items(self.queryset[window])
