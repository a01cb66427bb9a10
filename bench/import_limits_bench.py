"""Import limits benchmark (issue 12 point 6): peak memory and time for the files an attacker or
a mistake would upload. Each scenario runs in a fresh child process with its own temporary
SQLite database (peak RSS from getrusage is that scenario's alone, file included):

- a 60 MB volunteers CSV whose every row is wrong (about a million rows), through
  `import_file` (the import_csv command's path) and through the admin's path: the import page's
  preview (`preview_report`, what the web request does), then the stored upload's import job
  (`run_import_job`, what the task worker does), both in the child so its peak covers both (its
  first 25 rows are valid, so the preview, which reads only the first rows, offers Confirm);
- an XLSX "zip bomb": a few MB zipped, 2,000,000 rows unpacked, generated here (never committed),
  through the same two paths.

    .venv/bin/python bench/import_limits_bench.py [--megabytes 60] [--bomb-rows 2000000]

Goals: every scenario under 1,024 MB peak; the bomb refused within seconds; the all-bad file
answered with 1,000 errors and the count of the rest.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.csv_columns import COLUMNS  # noqa: E402  (plain data, no Django)


def all_bad_csv(megabytes: int) -> bytes:
    """Every row wrong in several cells (email, community, hours, zone, availability, skills)."""
    header = ",".join(COLUMNS["volunteers"]) + "\n"
    parts, size, index = [header.encode()], len(header), 0
    while size < megabytes * 2**20:
        row = f"nobody{index},N{index},Nowhere,,,99,Mars/Base,Mon 25:00-26:00,Cobol:9,gone\n".encode()
        parts.append(row)
        size += len(row)
        index += 1
    return b"".join(parts)


def xlsx_bomb(rows: int) -> bytes:
    """A real workbook whose sheet repeats one small row `rows` times: it zips to a few MB."""
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    cells = "".join(
        f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in ("a@b.org", "A", "", "", "", "", "", "", "", "")
    )
    row = f"<row>{cells}</row>".encode() * 1000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
                continue
            with archive.open(info.filename, "w") as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                for _ in range(rows // 1000):
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def good_first(data: bytes) -> bytes:
    """The same file, its first rows made valid: the admin's preview reads only the first rows,
    finds nothing wrong and offers Confirm, so the import job has to check the whole file."""
    from import_bench import volunteers_csv

    from server.admin.imports import PREVIEW_ROWS

    good = volunteers_csv(PREVIEW_ROWS + 5).encode()
    return good + data.split(b"\n", PREVIEW_ROWS + 6)[-1]


def child(scenario: str, database: str, megabytes: int, bomb_rows: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from server.importing import import_file
    from server.seeding import SeedReport, load_catalog

    call_command("migrate", verbosity=0)
    load_catalog(SeedReport())
    data = xlsx_bomb(bomb_rows) if scenario.startswith("bomb") else all_bad_csv(megabytes)
    if scenario == "csv_admin":
        data = good_first(data)
    file_format = "xlsx" if scenario.startswith("bomb") else "csv"
    started = time.perf_counter()
    preview_seconds = None
    if scenario.endswith("admin"):
        report, preview_seconds = admin_path(data, file_format)
    else:
        report = import_file(kind="volunteers", data=data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = report.error_lines() if hasattr(report, "error_lines") else report
    print(
        json.dumps(
            {
                "bytes": len(data),
                "seconds": seconds,
                "preview_seconds": preview_seconds,
                "peak_mb": peak,
                "errors": report.error_count,
                "last": lines[-1] if lines else "",
            }
        )
    )


def admin_path(data: bytes, file_format: str):
    """The import page's request (a small preview), then, when the preview accepts the file,
    the import job a worker runs on the stored upload. Returns the final report (the preview's
    when it refused the file, as the admin then offers no Confirm) and the preview's seconds."""
    from server.admin.imports import preview_report
    from server.models import ImportJob, User
    from server.tasks.imports import create_job, run_import_job, store_upload
    from server.widgets import CellError

    user = User.objects.filter(is_superuser=True).first()
    started = time.perf_counter()
    try:
        preview, _, _ = preview_report(kind="volunteers", data=data, file_format=file_format, user=user)
    except (CellError, ValueError) as error:  # the page says the file cannot be read
        return _Refused([str(error)], 1), time.perf_counter() - started
    preview_seconds = time.perf_counter() - started
    if not preview.ok:
        return preview, preview_seconds
    upload = store_upload(data=data, file_name=f"bench.{file_format}", user=user)
    job = create_job(upload=upload, kind="volunteers", file_format=file_format, user=user)
    run_import_job.call(job_id=job.pk)  # the worker's work, in this process
    job = ImportJob.objects.get(pk=job.pk)
    lines = list(job.errors) or [job.failure_reason or job.summary]
    if job.error_count > len(job.errors):
        lines.append(f"… and {job.error_count - len(job.errors)} more errors")
    return _Refused(lines, job.error_count), preview_seconds


class _Refused(list):
    """The lines and the count the table prints, for an outcome that is not an ImportReport."""

    def __init__(self, lines: list[str], error_count: int):
        super().__init__(lines)
        self.error_count = error_count


def measure(scenario: str, megabytes: int, bomb_rows: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="import-limits-") as directory:
        database = os.path.join(directory, "bench.sqlite3")
        output = subprocess.run(
            [sys.executable, __file__, "--child", scenario, database, str(megabytes), str(bomb_rows)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=3600,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=60, help="Size of the all-bad CSV.")
    parser.add_argument("--bomb-rows", type=int, default=2_000_000, help="Rows the XLSX bomb unpacks to.")
    parser.add_argument("--child", nargs=4, metavar=("SCENARIO", "DATABASE", "MB", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scenario, database, megabytes, rows = args.child
        child(scenario, database, int(megabytes), int(rows))
        return
    print(f"Import limits benchmark, SQLite, {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    print(f"{'scenario':44} {'file MB':>8} {'seconds':>8} {'preview':>8} {'peak MB':>8} {'errors':>9}  last line")
    plan = [
        ("csv", f"all-bad CSV, import_file ({args.megabytes} MB)"),
        ("csv_admin", "all-bad CSV, admin preview + import job"),
        ("bomb", f"XLSX bomb ({args.bomb_rows:,} rows), import_file"),
        ("bomb_admin", "XLSX bomb, admin preview + import job"),
    ]
    worst = 0.0
    for scenario, label in plan:
        r = measure(scenario, args.megabytes, args.bomb_rows)
        worst = max(worst, r["peak_mb"])
        preview = "" if r["preview_seconds"] is None else f"{r['preview_seconds']:.2f}"
        print(
            f"{label:44} {r['bytes'] / 2**20:>8.1f} {r['seconds']:>8.1f} {preview:>8} {r['peak_mb']:>8.0f} "
            f"{r['errors']:>9,}  "
            f"{r['last'][:70]}",
            flush=True,
        )
    print(f"\nworst peak {worst:.0f} MB (goal < 1024 MB); load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
