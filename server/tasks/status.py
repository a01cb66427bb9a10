"""Figures about the task queue, read by `tasks_status`, /api/health/ and the dashboard.

"Queued" means ready to run now (deferred tasks whose `run_after` is still ahead are counted
apart); the oldest queued task's age is how long it has been waiting since it could have run,
so a growing number says the workers are too few or stuck.
"""

from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


def waiting_figures(*, now=None) -> dict[str, int]:
    """queued and oldest_seconds, in one query: what /api/health/ reports (a load balancer
    asks often, so it reads no more than it says)."""
    now = now or timezone.now()
    no_date, came_due = Q(run_after=get_date_max()), Q(run_after__lte=now)
    found = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        queued=Count("pk", filter=no_date | came_due),
        no_date=Min("enqueued_at", filter=no_date),
        came_due=Min("run_after", filter=came_due),
    )
    oldest = min((since for since in (found["no_date"], found["came_due"]) if since is not None), default=None)
    return {
        "queued": found["queued"],
        "oldest_seconds": max(0, int((now - oldest).total_seconds())) if oldest else 0,
    }


def queue_figures(*, now=None) -> dict[str, int]:
    """queued, oldest_seconds, deferred, running, failed (failed: all kept results)."""
    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    return {
        **waiting_figures(now=now),
        "deferred": waiting.exclude(run_after=get_date_max()).filter(run_after__gt=now).count(),
        "running": DBTaskResult.objects.running().count(),
        "failed": DBTaskResult.objects.failed().count(),
    }


def failed_task_count() -> int:
    return DBTaskResult.objects.failed().count()
