"""`python manage.py tasks_status`: how the task queue stands (queued / running / failed)."""

from django.core.management.base import BaseCommand

from server.tasks.status import queue_figures


class Command(BaseCommand):
    help = "Print the task queue's queued / running / failed counts (and deferred, oldest wait)."

    def handle(self, *args, **options):
        figures = queue_figures()
        self.stdout.write(
            "queued {queued}, running {running}, failed {failed}, deferred {deferred}, "
            "oldest queued {oldest_seconds} s".format(**figures)
        )
