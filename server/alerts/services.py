"""The rules of an alert's life: subscribe (double opt-in), confirm, unsubscribe.

The API, the pages and the admin call these; nothing else changes an alert's state.

- Subscribing stores the profile and sends a confirmation, nothing else. Asking again with the
  same address replaces the profile and sends a new confirmation; until that one is confirmed
  the alert is not active (every new profile is confirmed by the address's owner, so nobody
  can change what someone else receives without their click).
- Unsubscribing clears the profile and keeps only the address, marked unsubscribed: it stays
  suppressed. A new subscription from it sends a confirmation (the one email a suppressed
  address can get), and nothing more until that is confirmed.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from server.alerts.emails import drop_queued_digests, queue_confirmation
from server.models import Alert, AlertDelivery, AlertSkill, AlertSlot, CommunityOfPractice, Skill
from server.models.alerts import MIN_SCORE_DEFAULT
from server.models.validators import default_timezone
from server.schedule import Slot


@transaction.atomic
def alert_subscribe(
    *,
    email: str,
    skills: Iterable[tuple[Skill, int]],
    name: str = "",
    community_of_practice: CommunityOfPractice | None = None,
    roles: Iterable = (),
    max_hours_per_week: int | None = None,
    timezone_name: str | None = None,
    availability: Iterable[Slot] = (),
    frequency: str = Alert.Frequency.WEEKLY,
    min_score: float = MIN_SCORE_DEFAULT,
) -> Alert:
    """Create or replace the alert of `email` and send (after commit) a confirmation link."""
    email = email.strip().lower()
    alert = Alert.objects.select_for_update().filter(email=email).first()
    if alert is None:
        # get_or_create: two first requests for one address at once make one row.
        alert, _ = Alert.objects.get_or_create(email=email)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
    alert.name = name.strip()
    alert.community_of_practice = community_of_practice
    alert.max_hours_per_week = max_hours_per_week
    alert.timezone = timezone_name or default_timezone()
    alert.frequency = frequency
    alert.min_score = min_score
    alert.confirmed_at = None
    alert.confirmation_number += 1
    alert.confirmation_sent_at = timezone.now()
    alert.save()
    alert.roles.set(list(roles))
    AlertSkill.objects.filter(alert=alert).delete()
    AlertSkill.objects.bulk_create(AlertSkill(alert=alert, skill=skill, level=level) for skill, level in skills)
    AlertSlot.objects.filter(alert=alert).delete()
    AlertSlot.objects.bulk_create(
        AlertSlot(alert=alert, weekday=slot.weekday, start=slot.start, end=slot.end) for slot in availability
    )
    # Matches found for the old profile are not this profile's: a fresh start.
    AlertDelivery.objects.filter(alert=alert, state=AlertDelivery.State.PENDING).delete()

    queue_confirmation(alert=alert)  # stored and enqueued in this transaction: sent once, if committed
    return alert


@transaction.atomic
def alert_confirm(*, alert: Alert) -> Alert:
    """The address's owner opened the latest confirmation link: digests may go out from now."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
    alert.unsubscribed_at = None
    alert.save(update_fields=["confirmed_at", "unsubscribed_at", "updated_at"])
    return alert


@transaction.atomic
def alert_unsubscribe(*, alert: Alert) -> Alert:
    """Stop every email to this address: clear the profile, keep the address as suppressed.

    The record of what was already sent stays (so a later subscription never repeats an
    opportunity); what was waiting for the next digest is dropped. Idempotent.
    """
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    alert.name = ""
    alert.community_of_practice = None
    alert.max_hours_per_week = None
    alert.timezone = default_timezone()
    alert.confirmed_at = None
    alert.confirmation_number += 1  # an old confirmation link no longer confirms
    alert.confirmation_sent_at = None
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
    alert.save()
    alert.roles.clear()
    AlertSkill.objects.filter(alert=alert).delete()
    AlertSlot.objects.filter(alert=alert).delete()
    AlertDelivery.objects.filter(alert=alert, state=AlertDelivery.State.PENDING).delete()
    drop_queued_digests(alert=alert)
    return alert
