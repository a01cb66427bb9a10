from datetime import date, timedelta

import pytest
from django.utils import timezone

from server import services
from server.models import Application, Opportunity, Volunteer
from server.tests.factories import OpenOpportunityFactory, OpportunityFactory, OpportunitySkillFactory, UserFactory

Status = Opportunity.Status
pytestmark = pytest.mark.django_db


def test_publish_sets_published_at_once_and_records_who():
    user = UserFactory()
    opportunity = OpportunityFactory()
    services.opportunity_publish(opportunity=opportunity, by=user)
    first = opportunity.published_at
    assert opportunity.status == Status.OPEN and first is not None and opportunity.updated_by == user
    services.opportunity_hold(opportunity=opportunity)
    services.opportunity_publish(opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.published_at == first


def test_fill_and_close_stamp_their_times():
    opportunity = OpenOpportunityFactory()
    services.opportunity_fill(opportunity=opportunity)
    assert opportunity.filled_at is not None
    services.opportunity_close(opportunity=opportunity)
    assert opportunity.closed_at is not None and opportunity.status == Status.CLOSED


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        (Status.DRAFT, services.opportunity_hold, "Cannot put on hold"),
        (Status.DRAFT, services.opportunity_fill, "Cannot mark as filled"),
        (Status.CLOSED, services.opportunity_publish, "Cannot publish"),
        (Status.OPEN, services.opportunity_publish, "already open"),
    ],
)
def test_refuses_transitions_that_make_no_sense(start, action, message):
    opportunity = OpportunityFactory(status=start)
    with pytest.raises(services.ServiceError, match=message):
        action(opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == start


def test_expired_posting_cannot_be_published():
    opportunity = OpportunityFactory(expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(services.ServiceError, match="expired"):
        services.opportunity_publish(opportunity=opportunity)


def test_duplicate_is_a_new_draft_with_the_same_skills():
    original = OpenOpportunityFactory()
    OpportunitySkillFactory(opportunity=original, level=4)
    OpportunitySkillFactory(opportunity=original, kind="preferred", level=2)
    copy = services.opportunity_duplicate(opportunity=original)
    assert copy.pk != original.pk and copy.status == Status.DRAFT and copy.published_at is None
    assert sorted(copy.skill_requirements.values_list("skill_id", "kind", "level")) == sorted(
        original.skill_requirements.values_list("skill_id", "kind", "level")
    )


def test_apply_creates_volunteer_and_never_duplicates():
    opportunity = OpenOpportunityFactory()
    first, created = services.application_apply(opportunity=opportunity, email="Ana@Example.com ", name="Ana")
    again, created_again = services.application_apply(opportunity=opportunity, email="ana@example.com", name="Ana R")
    assert created and not created_again and first.pk == again.pk
    assert Application.objects.count() == 1
    assert Volunteer.objects.get().email == "ana@example.com"
    # An application never renames the volunteer: the first name stays, each one keeps its own.
    assert Volunteer.objects.get().name == "Ana"
    other = services.application_apply(opportunity=OpenOpportunityFactory(), email="ana@example.com", name="Ana R")[0]
    assert (other.applicant_name, Volunteer.objects.get().name) == ("Ana R", "Ana")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ON_HOLD, Status.FILLED, Status.CLOSED])
def test_apply_only_to_open(status):
    opportunity = OpportunityFactory(status=status)
    with pytest.raises(services.ServiceError, match="not open"):
        services.application_apply(opportunity=opportunity, email="a@example.com", name="A")
    assert not Volunteer.objects.exists()


def test_apply_refuses_expired():
    opportunity = OpenOpportunityFactory(expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(services.ServiceError):
        services.application_apply(opportunity=opportunity, email="a@example.com", name="A")


def test_the_transition_table_names_every_status_and_follows_the_allowed_moves():
    assert set(services.TRANSITIONS) == set(Opportunity.Status.values)
    assert [t.name for t in services.allowed_transitions(Opportunity.Status.DRAFT)] == ["publish", "close"]
    assert [t.name for t in services.allowed_transitions(Opportunity.Status.OPEN)] == ["hold", "fill", "close"]
    assert services.allowed_transitions(Opportunity.Status.CLOSED) == []
    assert services.transition_label(Opportunity.Status.FILLED) == "Mark filled"


def test_check_transition_lets_an_import_create_any_status_but_not_an_expired_open_one():
    services.check_transition(title="T", current=None, to="filled", expires_on=None)
    with pytest.raises(services.ServiceError, match="expired on 2020-01-01"):
        services.check_transition(title="T", current=None, to="open", expires_on=date(2020, 1, 1))
    with pytest.raises(services.ServiceError, match='Cannot put on hold "T": it is draft.'):
        services.check_transition(title="T", current="draft", to="on_hold", expires_on=None)
