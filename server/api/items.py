"""The opportunity item of DESIGN.md ("REST API"), built as plain data: its one home.

The list, the detail, the write responses and the match results all build their items here,
from a constant number of queries whatever the number of items: the rows with their project,
role and community (one query of plain values, no model instance), the skills of all of them
(one query) and their projects' meeting times (one query). A DRF serializer per item cost
~0.4 ms of Python per item (field objects, model instances, attribute lookups); these dicts
are what the JSON renderer writes.

serializers.OpportunitySerializer declares the same item for the OpenAPI schema, and renders
it the ordinary DRF way; a test holds the two byte-for-byte equal on the seeded data.
"""

from __future__ import annotations

from collections import defaultdict

from rest_framework import serializers

from server.models import MeetingTime, Opportunity, OpportunitySkill
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
    sliced by the caller), in its order: three queries."""
    rows = list(queryset.values_list(*COLUMNS))
    if not rows:
        return []
    skills = _skills([row[0] for row in rows])
    meetings = _meetings({row[17]: row[18] for row in rows})
    items = []
    for (
        pk,
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
    ) in rows:
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


def _skills(pks) -> dict:
    """opportunity pk → (required, preferred), each [{name, level}] by name: one query."""
    found = defaultdict(lambda: ([], []))
    rows = (
        OpportunitySkill.objects.filter(opportunity__in=pks)
        .order_by("skill__name")
        .values_list("opportunity_id", "kind", "level", "skill__name")
    )
    for pk, kind, level, name in rows:
        required, preferred = found[pk]
        (required if kind == OpportunitySkill.Kind.REQUIRED else preferred).append({"name": name, "level": level})
    return found


def _meetings(zones: dict) -> dict:
    """project id → its meeting times (project id → time zone given): one query. A project's
    list is shared by its items: the renderer only reads it."""
    found = defaultdict(list)
    rows = (
        MeetingTime.objects.filter(project__in=list(zones))
        .order_by("weekday", "start", "end", "pk")
        .values_list("project_id", "label", "weekday", "start", "end")
    )
    for project_id, label, weekday, start, end in rows:
        found[project_id].append(
            meeting_time(label=label, weekday=weekday, start=start, end=end, timezone=zones[project_id])
        )
    return found


def match_results(matches) -> list[dict]:
    """The API's match results (serializers.MatchSerializer's shape) for rankings'
    OpportunityMatch values, best first: the winners' items in three queries."""
    pks = [match.opportunity.pk for match in matches]
    items = {item["id"]: item for item in opportunity_items(Opportunity.objects.filter(pk__in=pks))}
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
    each page's slice built as items (opportunity_items)."""

    ordered = True  # the views always order (StableOrderingFilter); Django's paginator asks

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return opportunity_items(self.queryset[window])
