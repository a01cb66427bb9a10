"""Each kind's columns and the cell format of each: the one declaration the importer reads with
and the resources (server/resources.py) export with. Bounds come from the model fields.

Adding a CSV column: add it to the contract's list (server/csv_columns.py) and give it a
widget here; the kind says where it is stored (server/tabular/kinds/).
"""

from __future__ import annotations

from server.csv_columns import COLUMNS
from server.models import (
    Application,
    CommunityOfPractice,
    MeetingTime,
    Opportunity,
    OpportunitySkill,
    Project,
    Role,
    Skill,
    Volunteer,
)
from server.models.choices import ExperienceLevel
from server.models.validators import value_bounds
from server.widgets import (
    ChoiceWidget,
    DateWidget,
    EmailWidget,
    IntegerWidget,
    NameListWidget,
    NaturalKeyWidget,
    ScheduleWidget,
    SkillLevelsWidget,
    SkillRequirementsWidget,
    SlugWidget,
    TextWidget,
    TimeZoneWidget,
    URLWidget,
    UUIDWidget,
)


def text(model, name, widget=TextWidget):
    """A text cell bounded by the model field's own max_length (the one home of the bound)."""
    return widget(max_length=model._meta.get_field(name).max_length)


def whole(model, name):
    """A whole-number cell bounded by the model field's validators."""
    minimum, maximum = value_bounds(model._meta.get_field(name))
    return IntegerWidget(minimum=minimum, maximum=maximum)


CELLS = {
    "communities": {
        "name": text(CommunityOfPractice, "name"),
        "slug": text(CommunityOfPractice, "slug", SlugWidget),
        "description": TextWidget(),
    },
    "roles": {
        "title": text(Role, "title"),
        "community_of_practice": NaturalKeyWidget(resolver="community"),
        "description": TextWidget(),
    },
    "skills": {
        "name": text(Skill, "name"),
        "communities_of_practice": NameListWidget(resolver="community", label="community of practice"),
        "description": TextWidget(),
    },
    "projects": {
        "name": text(Project, "name"),
        "slug": text(Project, "slug", SlugWidget),
        "status": ChoiceWidget(Project.Status),
        "website_url": text(Project, "website_url", URLWidget),
        "repository_url": text(Project, "repository_url", URLWidget),
        "slack_channel": text(Project, "slack_channel"),
        "timezone": TimeZoneWidget(),
        "managers": NameListWidget(resolver="manager", label="manager", attribute="email"),
        "meeting_times": ScheduleWidget(label_max_length=MeetingTime._meta.get_field("label").max_length),
    },
    "opportunities": {
        "id": UUIDWidget(),
        "project": NaturalKeyWidget(resolver="project"),
        "role": NaturalKeyWidget(resolver="role", attribute="title"),
        "community_of_practice": NaturalKeyWidget(resolver="community"),
        "title": text(Opportunity, "title"),
        "status": ChoiceWidget(Opportunity.Status),
        "experience_level": ChoiceWidget(ExperienceLevel),
        "min_hours_per_week": whole(Opportunity, "min_hours_per_week"),
        "work_environment": ChoiceWidget(Opportunity.WorkEnvironment),
        "positions": whole(Opportunity, "positions"),
        "required_skills": SkillRequirementsWidget(OpportunitySkill.Kind.REQUIRED),
        "preferred_skills": SkillRequirementsWidget(OpportunitySkill.Kind.PREFERRED),
        "body": text(Opportunity, "body"),
        "expires_on": DateWidget(),
    },
    "volunteers": {
        "email": text(Volunteer, "email", EmailWidget),
        "name": text(Volunteer, "name"),
        "community_of_practice": NaturalKeyWidget(resolver="community"),
        "roles": NameListWidget(resolver="role", label="role", attribute="title"),
        "experience_level": ChoiceWidget(ExperienceLevel),
        "max_hours_per_week": whole(Volunteer, "max_hours_per_week"),
        "timezone": TimeZoneWidget(),
        "availability": ScheduleWidget(),
        "skills": SkillLevelsWidget(),
        "status": ChoiceWidget(Volunteer.Status),
    },
    "applications": {
        "opportunity_id": UUIDWidget(),
        "volunteer_email": text(Volunteer, "email", EmailWidget),
        "status": ChoiceWidget(Application.Status),
        "message": text(Application, "message"),
    },
}

if any(tuple(CELLS[kind]) != columns for kind, columns in COLUMNS.items()):
    raise RuntimeError("server/tabular/cells.py must list the columns of server/csv_columns.py, in order")
