from server.models.alerts import Alert, AlertDelivery, AlertSkill, AlertSlot, Digest
from server.models.applications import Application
from server.models.catalog import CommunityOfPractice, Role, Skill
from server.models.choices import ExperienceLevel, Weekday
from server.models.email import OutboundEmail
from server.models.imports import ImportJob, ImportUpload
from server.models.matching import MatchChange
from server.models.opportunities import Opportunity, OpportunitySkill, PreferredSkill, RequiredSkill
from server.models.projects import MeetingTime, Project
from server.models.users import User
from server.models.volunteers import AvailabilitySlot, Volunteer, VolunteerSkill

__all__ = [
    "Alert",
    "AlertDelivery",
    "AlertSkill",
    "AlertSlot",
    "Digest",
    "Application",
    "AvailabilitySlot",
    "CommunityOfPractice",
    "ExperienceLevel",
    "ImportJob",
    "ImportUpload",
    "MatchChange",
    "MeetingTime",
    "Opportunity",
    "OutboundEmail",
    "OpportunitySkill",
    "PreferredSkill",
    "Project",
    "RequiredSkill",
    "Role",
    "Skill",
    "User",
    "Volunteer",
    "VolunteerSkill",
    "Weekday",
]
