import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from server import models

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            models.CommunityOfPractice,
            models.Role,
            models.Skill,
            models.Project,
            models.MeetingTime,
            models.User,
            models.Volunteer,
            models.VolunteerSkill,
            models.AvailabilitySlot,
            models.Opportunity,
            models.OpportunitySkill,
            models.Application,
        )
    }


def test_seed_loads_the_real_catalog_and_is_idempotent():
    call_command("seed_demo", "--volunteers", "50", "--opportunities", "20", "--password", "secret-pass-1")
    first = counts()
    assert first["CommunityOfPractice"] == 5
    assert first["Role"] == 23
    assert first["Skill"] == 227
    assert first["Project"] == 22
    assert first["Volunteer"] == 50 and first["Opportunity"] == 20
    call_command("seed_demo", "--volunteers", "50", "--opportunities", "20")
    assert counts() == first


def test_seed_is_deterministic_for_a_seed():
    call_command("seed_demo", "--volunteers", "30", "--opportunities", "10", "--seed", "7")
    titles = list(models.Opportunity.objects.order_by("id").values_list("id", "title", "status"))
    models.Application.objects.all().delete()
    models.Opportunity.objects.all().delete()
    call_command("seed_demo", "--volunteers", "30", "--opportunities", "10", "--seed", "7")
    assert list(models.Opportunity.objects.order_by("id").values_list("id", "title", "status")) == titles


def test_demo_accounts_sign_in_with_email_and_manage_their_projects():
    call_command("seed_demo", "--volunteers", "0", "--opportunities", "0", "--password", "secret-pass-1")
    admin = authenticate(username="admin@example.org", password="secret-pass-1")
    assert admin is not None and admin.is_superuser
    pm = authenticate(username="pm@example.org", password="secret-pass-1")
    assert pm.is_staff and not pm.is_superuser
    assert pm.groups.filter(name="Project managers").exists()
    assert set(pm.managed_projects.values_list("name", flat=True)) == {"Civic Tech Jobs", "Food Oasis"}
    pm2 = models.User.objects.get(email="pm2@example.org")
    assert set(pm2.managed_projects.values_list("name", flat=True)) == {"VRMS"}


def test_meeting_times_come_with_labels():
    call_command("seed_demo", "--volunteers", "0", "--opportunities", "0")
    expunge = models.Project.objects.get(name="Expunge Assist")
    labels = set(expunge.meeting_times.values_list("label", flat=True))
    assert "All Hands Meeting, Every 2nd Tuesday" in labels
