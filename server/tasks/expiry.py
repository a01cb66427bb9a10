"""Opportunities close themselves at the end of their `expires_on` day (in ORG_TIME_ZONE).

`schedule_expiry` enqueues `expire_opportunity` with `run_after` at midnight after that day.
A post_save receiver calls it whenever a posting is saved open with an expiry date it was not
scheduled for: when it is published (services.opportunity_transition, whoever calls it) and
when its date changes (admin, API). Bulk writes (the CSV import) send no signal and schedule
nothing; such a posting still stops being public after its date (Opportunity.is_public).
The task re-reads the posting and closes it (status closed, closed_at, history reason
"expired") only if it is still open and still expires on the day the task was enqueued for;
otherwise it does nothing, so a changed posting is left as the person left it.
"""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from server.models import Opportunity
from server.services import opportunity_close

logger = logging.getLogger(__name__)
EXPIRED = "expired"


def end_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight after `day` in the organisation's zone: when a posting that expires on `day` closes."""
    midnight = datetime.time(tzinfo=ZoneInfo(settings.ORG_TIME_ZONE))
    return datetime.datetime.combine(day + datetime.timedelta(days=1), midnight)


def schedule_expiry(*, opportunity: Opportunity) -> None:
    """Enqueue the expiry of an open posting with an expiry date (nothing otherwise)."""
    if opportunity.status != Opportunity.Status.OPEN or opportunity.expires_on is None:
        return
    expire_opportunity.using(run_after=end_of_day(opportunity.expires_on)).enqueue(
        opportunity_id=str(opportunity.pk), expires_on=opportunity.expires_on.isoformat()
    )
    opportunity._scheduled_expiry = opportunity.expires_on


@task()
def expire_opportunity(*, opportunity_id: str, expires_on: str) -> str:
    day = datetime.date.fromisoformat(expires_on)
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().filter(pk=opportunity_id).first()
        if opportunity is None or opportunity.status != Opportunity.Status.OPEN or opportunity.expires_on != day:
            return f"{opportunity_id}: changed since, left as it is"
        if timezone.now() < end_of_day(day):  # run early (a clock ahead): come back on time
            schedule_expiry(opportunity=opportunity)
            return f"{opportunity_id}: not expired yet, rescheduled"
        opportunity._change_reason = EXPIRED  # django-simple-history's reason for this change
        opportunity_close(opportunity=opportunity)
    logger.info("Opportunity %s expired on %s and was closed", opportunity_id, expires_on)
    return f"{opportunity_id}: closed, expired on {expires_on}"


@receiver(post_init, sender=Opportunity, dispatch_uid="expiry_remember_loaded_date")
def _remember_loaded_date(sender, instance, **kwargs):
    # Only what was loaded: touching a deferred field here would cost a query per row.
    loaded = instance.__dict__
    instance._scheduled_expiry = loaded.get("expires_on") if loaded.get("status") == Opportunity.Status.OPEN else None


@receiver(post_save, sender=Opportunity, dispatch_uid="expiry_when_the_date_changes")
def _reschedule_when_the_date_changes(sender, instance, raw=False, **kwargs):
    """An open posting saved with another expiry date (admin, API) gets a task for that date."""
    if raw or instance.status != Opportunity.Status.OPEN or instance.expires_on is None:
        return
    if getattr(instance, "_scheduled_expiry", None) != instance.expires_on:
        # Enqueued in the caller's transaction: a save that is rolled back schedules nothing.
        schedule_expiry(opportunity=instance)
