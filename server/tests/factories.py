"""factory-boy factories for every model. Catalog rows come from the real catalog where
tests load it (`catalog` fixture); these make self-contained rows otherwise."""

import factory
from django.utils import timezone

from server import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    first_name = "Staff"
    is_staff = True
    password = factory.django.Password("pass-word-123")


class CommunityOfPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CommunityOfPractice
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Community {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Role

    title = factory.Sequence(lambda n: f"Role {n}")
    community_of_practice = factory.SubFactory(CommunityOfPracticeFactory)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    name = factory.Sequence(lambda n: f"Project {n}")
    timezone = "America/Los_Angeles"


class MeetingTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MeetingTime

    project = factory.SubFactory(ProjectFactory)
    label = "Team meeting"
    weekday = 0
    start = 18 * 60
    end = 19 * 60


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Opportunity

    project = factory.SubFactory(ProjectFactory)
    role = factory.SubFactory(RoleFactory)
    body = "Help us build things."
    min_hours_per_week = 5


class OpenOpportunityFactory(OpportunityFactory):
    status = models.Opportunity.Status.OPEN
    published_at = factory.LazyFunction(timezone.now)


class OpportunitySkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OpportunitySkill

    opportunity = factory.SubFactory(OpportunityFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 3


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Volunteer

    email = factory.Sequence(lambda n: f"volunteer{n}@example.com")
    name = factory.Sequence(lambda n: f"Volunteer {n}")
    timezone = "America/Los_Angeles"


class VolunteerSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.VolunteerSkill

    volunteer = factory.SubFactory(VolunteerFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 3


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AvailabilitySlot

    volunteer = factory.SubFactory(VolunteerFactory)
    weekday = 0
    start = 17 * 60
    end = 21 * 60


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Application

    opportunity = factory.SubFactory(OpenOpportunityFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
