import sys

from django.core.management.base import BaseCommand, CommandError

from server.importing import import_file
from server.resources import KIND_ORDER


class Command(BaseCommand):
    help = (
        "Import a CSV file of one kind (DESIGN.md). All or nothing: any error and nothing is written. "
        "Rows are numbered as in a spreadsheet: the header is row 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KIND_ORDER, help="What the file holds.")
        parser.add_argument("path", help="The CSV file (UTF-8, with or without BOM).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, write nothing.")

    def handle(self, *args, kind, path, dry_run, **options):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        progress = None
        if sys.stderr.isatty():

            def progress(count):
                sys.stderr.write(f"\r{count} rows read")
                sys.stderr.flush()

        report = import_file(kind=kind, data=data, dry_run=dry_run, progress=progress)
        if progress is not None:
            sys.stderr.write("\n")
        for error in report.error_lines():  # the first 1,000, then how many more
            self.stdout.write(error)
        self.stdout.write(report.summary)
        if report.errors:
            self.stdout.flush()
            sys.exit(1)
