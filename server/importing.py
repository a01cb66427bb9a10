"""CSV import: the one entry point every door uses (the import_csv command, the admin's import
through server.resources, seed_demo, and background import jobs).

    import_file(kind="volunteers", data=b"...", user=user, dry_run=False, progress=callback, written=callback)
        -> ImportReport(new, updated, unchanged, errors, preview)

`kind` is one of server.tabular.kinds.KINDS (DESIGN.md "CSV import/export"); `data` the file's
bytes or text; `progress(rows_read)` is called every 1,000 rows while checking, and
`written(rows_written)` after each chunk the write puts in its transaction. `run_import` is the same for
rows already split into cells (the admin's tablib dataset).

The rules (DESIGN.md "CSV import/export"):
- the header is checked before any row is read: every column, no others, in any case/order;
- every cell goes through its column's widget (server/tabular/cells.py); a bad cell is an error
  naming row, column and value (the header is row 1, so the first data row is row 2);
- all-or-nothing: rows are all read and checked first (server/tabular/plan.py), and only a
  file without errors is written (server/tabular/write.py), inside one transaction;
- a blank cell keeps the stored value on update; a row whose cells all match the stored
  values is "unchanged" and not written at all, so re-importing a file changes nothing.

Speed: django-import-export's per-row machinery (one instance load and one save per row)
manages a few hundred volunteers a second. Here the widgets still parse and validate every
cell, but lookups are cached once per file, existing rows are loaded in one query per table
as plain tuples, and writes are bulk INSERT / UPDATE of tuples in batches, history rows too.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

from django.db import DatabaseError, IntegrityError, transaction

from server.tabular.kinds import KINDS
from server.tabular.lookups import Lookups
from server.tabular.plan import check_headers, plan_rows
from server.tabular.reading import read_file
from server.tabular.report import ImportReport, PreviewRow
from server.tabular.write import bulk_write_settings, insert_rows, write_plan
from server.widgets import CellError

__all__ = [
    "KINDS",
    "ImportReport",
    "Lookups",
    "PreviewRow",
    "bulk_write_settings",
    "import_file",
    "insert_rows",
    "run_import",
]


def run_import(
    *,
    kind: str,
    headers: list,
    rows: Iterable[tuple[int, list]],
    user=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    written: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then (unless dry_run or any error) write them all in one transaction."""
    kind_class = KINDS[kind]
    handler = kind_class(lookups=Lookups(), user=user)
    report = ImportReport(kind=kind, dry_run=dry_run, columns=list(kind_class.columns))
    positions, header_errors = check_headers(kind_class, headers)
    if header_errors:
        report.errors.extend(header_errors)
        return report

    # The plan holds a few small containers per row; with 100k rows CPython's cyclic collector
    # would walk them all again and again (none of them form cycles), so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(handler, positions, rows, report, (progress, written), dry_run)
    finally:
        gc.unfreeze()  # what the planner froze (tabular.plan._collect_young) is collectable again
        if collecting:
            gc.enable()


def _run(handler, positions, rows, report, callbacks, dry_run) -> ImportReport:
    progress, written = callbacks
    try:
        plan = plan_rows(handler, positions, rows, report, progress)
    except CellError as error:  # a file that stops being CSV half way
        report.errors.append(str(error))
    if report.errors:
        report.new = report.updated = report.unchanged = 0
        report.preview = []
        return report
    if not dry_run:
        try:
            creates, updates = plan
            with transaction.atomic(), bulk_write_settings(handler.model, rows=len(creates) + len(updates)):
                write_plan(handler, plan, written=written)
        except (IntegrityError, DatabaseError) as error:
            report.errors.append(f"the database refused the import, nothing was written: {error}")
            report.new = report.updated = report.unchanged = 0
    return report


def import_file(*, kind: str, data, user=None, dry_run: bool = False, progress=None, written=None) -> ImportReport:
    """Import a whole file: CSV (bytes, text or a binary file object) or XLSX (bytes), told
    apart by content. The one entry point of the command, the admin, seed_demo and import jobs."""
    try:
        headers, rows = read_file(data)
    except CellError as error:
        return ImportReport(kind=kind, dry_run=dry_run, errors=[str(error)])
    if not headers:
        return ImportReport(kind=kind, dry_run=dry_run, errors=["row 1, header: the file is empty"])
    return run_import(
        kind=kind, headers=headers, rows=rows, user=user, dry_run=dry_run, progress=progress, written=written
    )
