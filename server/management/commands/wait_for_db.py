import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections


class Command(BaseCommand):
    help = "Wait until the database accepts connections (used before migrate when containers start together)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0, help="Give up after this many seconds (default 60).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between attempts (default 1).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, timeout, interval, database, **options):
        if database not in connections:
            raise CommandError(f"Unknown database alias {database!r}; settings define {', '.join(connections)}.")
        connection = connections[database]
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                self.stdout.write(f"Database {database!r} is ready (attempt {attempt}).")
                return
            except DatabaseError as error:
                connection.close()
                if time.monotonic() + interval > deadline:
                    raise CommandError(
                        f"Database {database!r} still unavailable after {timeout:g}s: {str(error).strip()}"
                    ) from None
                self.stderr.write(f"Waiting for database {database!r}: {str(error).strip().splitlines()[0]}")
                time.sleep(interval)
