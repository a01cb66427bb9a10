from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any constant shared by every app container; "ctj-migrate" as an integer.
LOCK_ID = 0x63746A6D


class Command(BaseCommand):
    help = (
        "Run migrate while holding a PostgreSQL advisory lock, so several app containers starting "
        "at once apply migrations one after the other instead of racing. Plain migrate elsewhere."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
            try:
                call_command("migrate", interactive=False, verbosity=options["verbosity"])
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
