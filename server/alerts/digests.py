"""Digests: which alerts a newly published opportunity is due to, and each alert's digest.

Publishing an opportunity (the `opportunity_published` signal of server.services) enqueues
`match_published_opportunity`: it scores the opportunity against every active alert at once
(the candidates are the alerts holding at least one of its skills: no skill in common is no
match), records a pending delivery for each alert whose score reaches its `min_score`, and
enqueues that alert's `send_digest` for when its frequency allows (now, or `run_after` the end
of its daily / weekly period).

`send_digest` sends the alert's pending opportunities that are still open, best first, at most
10, and marks them sent (the rest skipped) in the same transaction: run twice, it mails once,
and no opportunity ever reaches an alert twice (one AlertDelivery row per pair, ever).
"""

from datetime import timedelta

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

from server.alerts.emails import queue_digest
from server.alerts.matching import active_alerts, alert_scores, explained
from server.models import Alert, AlertDelivery, Digest, Opportunity
from server.services import opportunity_published
from server.tasks.mail import absolute_url

DIGEST_LIMIT = 10
EXPLANATION_LABELS = {"skills": "Skills", "hours": "Hours", "availability": "Meetings", "interest": "Interest"}
PERIODS = {Alert.Frequency.DAILY: timedelta(days=1), Alert.Frequency.WEEKLY: timedelta(days=7)}


def next_digest_at(alert: Alert, *, now=None):
    """When the alert's next digest may go out: now, or one period after the last one."""
    now = now or timezone.now()
    if alert.last_sent_at is None:
        return now
    return max(now, alert.last_sent_at + PERIODS[alert.frequency])


@task()
def match_published_opportunity(*, opportunity_id: str) -> int:
    """Record the opportunity as due to every alert it matches; schedule their digests.

    Idempotent: a second run finds the deliveries recorded and schedules nothing new.
    """
    opportunity = Opportunity.objects.public().filter(pk=opportunity_id).first()
    if opportunity is None:
        return 0
    scores = alert_scores(opportunity)
    if not scores:
        return 0
    already = set(
        AlertDelivery.objects.filter(opportunity=opportunity, alert_id__in=scores).values_list("alert_id", flat=True)
    )
    new = {alert_id: score for alert_id, score in scores.items() if alert_id not in already}
    AlertDelivery.objects.bulk_create(
        (AlertDelivery(alert_id=alert_id, opportunity=opportunity, score=score) for alert_id, score in new.items()),
        ignore_conflicts=True,
        batch_size=1000,
    )
    now = timezone.now()
    for alert in Alert.objects.filter(pk__in=new).only("pk", "frequency", "last_sent_at"):
        schedule_digest(alert=alert, now=now)
    return len(new)


def schedule_digest(*, alert: Alert, now=None) -> None:
    when = next_digest_at(alert, now=now)
    now = now or timezone.now()
    if when > now:
        if not default_task_backend.supports_defer:
            return  # the next publication after the period will schedule it
        send_digest.using(run_after=when).enqueue(alert_id=alert.pk)
    else:
        send_digest.enqueue(alert_id=alert.pk)


def digest_items(*, alert: Alert, deliveries: list[AlertDelivery]) -> list[dict]:
    """The opportunities still open among `deliveries`, scored now and explained, best first
    (ties: newer first, then id, as every ranking)."""
    by_opportunity = {delivery.opportunity_id: delivery for delivery in deliveries}
    still_open = [delivery.opportunity for delivery in deliveries if delivery.opportunity.is_public]
    items = [
        {
            "delivery": by_opportunity[opportunity.pk],
            "opportunity": opportunity,
            "score": score,
            "explanation": [f"{EXPLANATION_LABELS[part]}: {sentence}" for part, sentence in explanation.items()],
            "url": absolute_url(reverse("api:opportunity-detail", args=[opportunity.pk])),
        }
        for opportunity, score, explanation in explained(alert=alert, opportunities=still_open)
    ]
    items.sort(
        key=lambda item: (-item["score"], -item["opportunity"].published_at.timestamp(), str(item["opportunity"].pk))
    )
    return items


@task()
def send_digest(*, alert_id: int) -> int:
    """Send the alert's digest if its frequency allows and something new is waiting.

    Returns how many opportunities it carried (0: nothing sent).
    """
    with transaction.atomic():
        alert = active_alerts().select_for_update().filter(pk=alert_id).first()
        if alert is None:
            return 0
        now = timezone.now()
        if next_digest_at(alert, now=now) > now:
            return 0
        pending = list(
            AlertDelivery.objects.filter(alert=alert, state=AlertDelivery.State.PENDING).select_related(
                "opportunity__project"
            )
        )
        if not pending:
            return 0
        items = digest_items(alert=alert, deliveries=pending)
        chosen = items[:DIGEST_LIMIT]
        sent_ids = {item["delivery"].pk for item in chosen}
        skipped = [delivery.pk for delivery in pending if delivery.pk not in sent_ids]
        if skipped:
            AlertDelivery.objects.filter(pk__in=skipped).update(state=AlertDelivery.State.SKIPPED)
        if not chosen:
            return 0
        digest = Digest.objects.create(alert=alert, sent_at=now, opportunity_count=len(chosen))
        AlertDelivery.objects.filter(pk__in=sent_ids).update(state=AlertDelivery.State.SENT, digest=digest)
        alert.last_sent_at = now
        alert.save(update_fields=["last_sent_at"])
        queue_digest(alert=alert, digest_id=digest.pk, items=chosen)
    return len(chosen)


@receiver(opportunity_published)
def on_opportunity_published(*, opportunity: Opportunity, **kwargs) -> None:
    """The publish hook (server.services signal): enqueue the matching in the publishing
    transaction, so the task exists exactly when the publication is committed."""
    match_published_opportunity.enqueue(opportunity_id=str(opportunity.pk))
