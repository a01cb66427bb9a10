import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from server.exporting import export_rows
from server.resources import KIND_ORDER


class Command(BaseCommand):
    help = "Export every row of one kind as CSV with the headers import_csv reads (DESIGN.md)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KIND_ORDER, help="What to export.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, kind, output, **options):
        progress = None
        if sys.stderr.isatty():

            def progress(count):
                sys.stderr.write(f"\r{count} rows written")
                sys.stderr.flush()

        if output:
            try:
                with open(output, "w", newline="", encoding="utf-8") as handle:
                    self._write(handle, kind, progress)
            except OSError as error:
                raise CommandError(f"cannot write {output}: {error.strerror}") from None
        else:
            self._write(self.stdout, kind, progress)
        if progress is not None:
            sys.stderr.write("\n")

    def _write(self, stream, kind, progress):
        writer = csv.writer(stream, lineterminator="\n")
        for row in export_rows(kind=kind, progress=progress):
            writer.writerow(row)
