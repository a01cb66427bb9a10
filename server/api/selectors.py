"""Reads behind the opportunity endpoints: who sees which rows, and the item's nested data.

The nested parts of an item (skills with levels, the project's meeting times) are loaded for a
whole page at once, as plain values: two queries per page whatever its size, and no model
instance built per skill or meeting (the list endpoint's main cost in Python).
"""

from collections import defaultdict

from django.db.models import Q

from server.models import MeetingTime, Opportunity, OpportunitySkill
from server.permissions import can_see_all_projects, projects_managed_by
from server.schedule import DAY_ABBREVIATIONS, format_time


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def opportunities_for(user):
    """What a caller may read: organizers everything; project managers their projects'
    opportunities in any status plus everyone's public ones; anyone else the public ones."""
    queryset = Opportunity.objects.all()
    if not is_staff(user):
        return queryset.public()
    if can_see_all_projects(user):
        return queryset
    managed = projects_managed_by(user).values("pk")
    public = Opportunity.objects.public().values("pk")
    return queryset.filter(Q(project__in=managed) | Q(pk__in=public))


def with_item_data(queryset):
    """The rows joined with what the item shows of their project, role and community."""
    return queryset.select_related("project", "role__community_of_practice")


def meeting_time_data(meeting, timezone: str) -> dict:
    """The API's shape of a weekly meeting (in the project's zone; `end` may be "24:00")."""
    return {
        "label": meeting.label,
        "weekday": DAY_ABBREVIATIONS[meeting.weekday],
        "start": format_time(meeting.start),
        "end": format_time(meeting.end),
        "timezone": timezone,
    }


def attach_item_data(opportunities) -> None:
    """Set `item_skills` ({kind: [{name, level}]}) and `item_meeting_times` on each opportunity
    (loaded with with_item_data), in two queries for the lot."""
    opportunities = [o for o in opportunities if not hasattr(o, "item_skills")]
    if not opportunities:
        return
    skills = defaultdict(lambda: {OpportunitySkill.Kind.REQUIRED: [], OpportunitySkill.Kind.PREFERRED: []})
    rows = (
        OpportunitySkill.objects.filter(opportunity__in=[o.pk for o in opportunities])
        .order_by("skill__name")
        .values_list("opportunity_id", "kind", "level", "skill__name")
    )
    for opportunity_id, kind, level, name in rows:
        skills[opportunity_id][kind].append({"name": name, "level": level})
    meetings = defaultdict(list)
    projects = {o.project_id: o.project for o in opportunities}
    rows = (
        MeetingTime.objects.filter(project__in=projects)
        .order_by("weekday", "start", "end")
        .values_list("project_id", "label", "weekday", "start", "end")
    )
    for project_id, label, weekday, start, end in rows:
        meetings[project_id].append(
            {
                "label": label,
                "weekday": DAY_ABBREVIATIONS[weekday],
                "start": format_time(start),
                "end": format_time(end),
                "timezone": projects[project_id].timezone,
            }
        )
    for opportunity in opportunities:
        opportunity.item_skills = skills[opportunity.pk]
        opportunity.item_meeting_times = meetings[opportunity.project_id]
