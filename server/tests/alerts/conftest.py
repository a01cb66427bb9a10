"""Shared rows for the alert tests: a catalog of three skills, a project meeting on Mondays."""

import pytest

from server.models import OpportunitySkill
from server.tests.factories import (
    MeetingTimeFactory,
    OpportunityFactory,
    OpportunitySkillFactory,
    ProjectFactory,
    SkillFactory,
)


@pytest.fixture
def skills(db):
    return {name: SkillFactory(name=name) for name in ("Python", "Django", "SQL", "Figma")}


@pytest.fixture
def project(db):
    project = ProjectFactory(name="Food Oasis", slug="food-oasis", timezone="America/Los_Angeles")
    MeetingTimeFactory(project=project, weekday=0, start=18 * 60, end=19 * 60)
    return project


@pytest.fixture
def make_draft(project, skills):
    """A draft asking for `required` skills ({name: level}); publish it with the service."""

    def make(title="Back End Developer", required=None, min_hours=5):
        opportunity = OpportunityFactory(project=project, title=title, min_hours_per_week=min_hours)
        for name, level in (required if required is not None else {"Python": 3}).items():
            OpportunitySkillFactory(
                opportunity=opportunity, skill=skills[name], level=level, kind=OpportunitySkill.Kind.REQUIRED
            )
        return opportunity

    return make
