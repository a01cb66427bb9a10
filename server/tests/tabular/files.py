"""Helpers of the import tests: run a file, export a kind, count the rows of every table."""

import csv
import io
from pathlib import Path

from server import models
from server.exporting import export_rows
from server.importing import import_file

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "catalog"
VOLUNTEER_HEADER = (
    "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status"
)
OPPORTUNITY_HEADER = (
    "id,project,role,community_of_practice,title,status,experience_level,min_hours_per_week,"
    "work_environment,positions,required_skills,preferred_skills,body,expires_on"
)


def run(kind, text, **kwargs):
    return import_file(kind=kind, data=text, **kwargs)


def exported(kind, queryset=None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_rows(kind=kind, queryset=queryset))
    return buffer.getvalue()


# Every table an import writes, for "nothing was written" checks.
IMPORTED_MODELS = (
    models.CommunityOfPractice,
    models.Role,
    models.Skill,
    models.Project,
    models.MeetingTime,
    models.Volunteer,
    models.VolunteerSkill,
    models.AvailabilitySlot,
    models.Opportunity,
    models.OpportunitySkill,
    models.Application,
)


def counts():
    return [model.objects.count() for model in IMPORTED_MODELS]
