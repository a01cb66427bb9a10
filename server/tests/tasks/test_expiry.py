"""Opportunities close themselves at the end of expires_on (server/tasks/expiry.py)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from server.models import Opportunity
from server.services import opportunity_hold, opportunity_publish
from server.tasks.expiry import end_of_day, expire_opportunity
from server.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def expiry_tasks():
    return [
        (result.run_after, result.args_kwargs["kwargs"])
        for result in DBTaskResult.objects.filter(task_path="server.tasks.expiry.expire_opportunity", status="READY")
    ]


def published(expires_on):
    return opportunity_publish(opportunity=OpportunityFactory(expires_on=expires_on))


def test_the_end_of_the_day_is_midnight_in_the_org_time_zone(settings):
    settings.ORG_TIME_ZONE = "America/Los_Angeles"
    end = end_of_day(datetime.date(2026, 3, 7))
    assert end == datetime.datetime(2026, 3, 8, 8, 0, tzinfo=datetime.UTC)  # PST, the day before DST
    assert end.astimezone(ZoneInfo("America/Los_Angeles")).time() == datetime.time(0, 0)


def test_publishing_enqueues_the_expiry_for_the_end_of_that_day():
    day = timezone.localdate() + datetime.timedelta(days=10)
    opportunity = published(day)
    assert expiry_tasks() == [(end_of_day(day), {"opportunity_id": str(opportunity.pk), "expires_on": day.isoformat()})]


def test_no_date_or_a_draft_enqueues_nothing():
    published(None)
    OpportunityFactory(expires_on=timezone.localdate() + datetime.timedelta(days=3))  # a draft
    assert expiry_tasks() == []


def test_changing_the_date_enqueues_it_again_and_only_the_new_date_closes(run_tasks):
    first = timezone.localdate() + datetime.timedelta(days=10)
    later = first + datetime.timedelta(days=20)
    opportunity = published(first)
    opportunity = Opportunity.objects.get(pk=opportunity.pk)  # as the admin or the API loads it
    opportunity.save()  # saved unchanged: nothing new
    assert len(expiry_tasks()) == 1
    opportunity.expires_on = later
    opportunity.save()
    assert [kwargs["expires_on"] for _, kwargs in expiry_tasks()] == [first.isoformat(), later.isoformat()]
    run_tasks(include_deferred=True)  # the old date's task finds the posting changed
    opportunity.refresh_from_db()
    assert opportunity.status == "open"


def test_at_the_end_of_the_day_the_posting_closes_with_reason_expired(run_tasks):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    opportunity = published(timezone.localdate())
    Opportunity.objects.filter(pk=opportunity.pk).update(expires_on=yesterday)  # the day went by
    expire_opportunity.enqueue(opportunity_id=str(opportunity.pk), expires_on=yesterday.isoformat())
    before = timezone.now()
    run_tasks()
    opportunity.refresh_from_db()
    assert opportunity.status == "closed"
    assert opportunity.closed_at >= before
    assert opportunity.history.first().history_change_reason == "expired"
    assert not opportunity.is_public


def test_a_posting_changed_meanwhile_is_left_as_it_is(run_tasks):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    opportunity = published(timezone.localdate())
    opportunity_hold(opportunity=opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(expires_on=yesterday)
    expire_opportunity.enqueue(opportunity_id=str(opportunity.pk), expires_on=yesterday.isoformat())
    run_tasks()
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.closed_at) == ("on_hold", None)


def test_a_task_run_early_comes_back_on_time(run_tasks):
    day = timezone.localdate() + datetime.timedelta(days=2)
    opportunity = published(day)
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(seconds=1))  # a clock ahead
    run_tasks()
    opportunity.refresh_from_db()
    assert opportunity.status == "open"
    assert [run_after for run_after, _ in expiry_tasks()] == [end_of_day(day)]
