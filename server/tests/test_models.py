"""Constraints hold in the database as well as in validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from server.models import MeetingTime, Opportunity, Skill, Volunteer, VolunteerSkill
from server.tests.factories import (
    CommunityOfPracticeFactory,
    OpportunityFactory,
    ProjectFactory,
    RoleFactory,
    SkillFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def test_slugs_and_titles_default():
    cop = CommunityOfPracticeFactory(name="Project/Product Management")
    assert cop.slug == "projectproduct-management"
    assert ProjectFactory(name="Food Oasis").slug == "food-oasis"
    role = RoleFactory(title="Data Engineer", community_of_practice=cop)
    assert OpportunityFactory(role=role, title="").title == "Data Engineer"


def test_same_role_title_in_two_communities():
    RoleFactory(title="Data Engineer", community_of_practice=CommunityOfPracticeFactory(name="Data Science"))
    RoleFactory(title="Data Engineer", community_of_practice=CommunityOfPracticeFactory(name="DevOps"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(title="Data Engineer", community_of_practice=CommunityOfPracticeFactory(name="DevOps"))


def test_skill_level_six_is_refused_by_validation_and_database():
    row = VolunteerSkill(volunteer=VolunteerFactory(), skill=SkillFactory(), level=6)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "level" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_volunteer_email_unique_ignoring_case():
    VolunteerFactory(email="ana@example.com")
    duplicate = Volunteer(email="ANA@example.com", name="Ana again")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(email="ANA@example.com", name="x")
    # The database refuses even a write that skips save()'s lower-casing.
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.bulk_create([Volunteer(email="Ana@Example.com", name="x")])


def test_skill_name_unique_ignoring_case():
    SkillFactory(name="Python")
    with pytest.raises(ValidationError, match="already exists"):
        Skill(name="PYTHON").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Skill.objects.create(name="python")


def test_meeting_ending_before_it_starts():
    project = ProjectFactory()
    meeting = MeetingTime(project=project, weekday=0, start=20 * 60, end=18 * 60)
    with pytest.raises(ValidationError, match="ends before it starts"):
        meeting.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()
    MeetingTime.objects.create(project=project, weekday=6, start=23 * 60, end=24 * 60)


def test_hours_range():
    opportunity = OpportunityFactory.build(project=ProjectFactory(), role=RoleFactory(), min_hours_per_week=41)
    with pytest.raises(ValidationError):
        opportunity.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        opportunity.save()


def test_timezone_must_be_iana():
    project = ProjectFactory.build(name="X", timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="IANA"):
        project.full_clean()


def test_public_queryset_hides_drafts_and_expired():
    from datetime import timedelta

    from django.utils import timezone

    visible = OpportunityFactory(status="open")
    OpportunityFactory(status="draft")
    OpportunityFactory(status="open", expires_on=timezone.localdate() - timedelta(days=1))
    OpportunityFactory(status="open", expires_on=timezone.localdate())
    assert visible in Opportunity.objects.public()
    assert Opportunity.objects.public().count() == 2


def test_str():
    volunteer = VolunteerFactory(name="Ana", email="ana@example.com")
    assert str(volunteer) == "Ana <ana@example.com>"
    assert str(MeetingTime(weekday=1, start=1020, end=1080, label="All team")) == "Tue 17:00-18:00 (All team)"


def test_bound_messages_name_the_bounds_a_field_has():
    from server.models.validators import range_error

    assert range_error(0, 1, 1000) == '"0" is not between 1 and 1000'
    assert range_error(0, 1, None) == '"0" is less than 1'
    assert range_error(9, None, 5) == '"9" is more than 5'
