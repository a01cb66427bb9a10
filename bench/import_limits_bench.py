"""Import limits benchmark (issue 12 point 6): peak memory and time for the files an attacker or
a mistake would upload. Each scenario runs in a fresh child process with its own temporary
SQLite database (peak RSS from getrusage is that scenario's alone, file included):

- a 60 MB volunteers CSV whose every row is wrong (about a million rows), through
  `import_file` (the import_csv command's path) and through the admin's dry run
  (`VolunteerResource.import_data` of the uploaded bytes, as the import page does);
- an XLSX "zip bomb": a few MB zipped, 2,000,000 rows unpacked, generated here (never committed),
  through `import_file` and the admin's dry run.

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


def child(scenario: str, database: str, megabytes: int, bomb_rows: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from server.importing import import_file
    from server.resources import VolunteerResource
    from server.seeding import SeedReport, load_catalog
    from server.tabular.formats import RawFile

    call_command("migrate", verbosity=0)
    load_catalog(SeedReport())
    data = xlsx_bomb(bomb_rows) if scenario.startswith("bomb") else all_bad_csv(megabytes)
    started = time.perf_counter()
    if scenario.endswith("admin"):
        result = VolunteerResource().import_data(RawFile(data), dry_run=True)
        report = result.report
    else:
        report = import_file(kind="volunteers", data=data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "bytes": len(data),
                "seconds": seconds,
                "peak_mb": peak,
                "errors_listed": len(report.errors),
                "errors": report.error_count,
                "first": report.error_lines()[0] if report.errors else "",
                "last": report.error_lines()[-1] if report.errors else "",
            }
        )
    )


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
    print(f"{'scenario':44} {'file MB':>8} {'seconds':>8} {'peak MB':>8} {'errors':>9}  last line")
    plan = [
        ("csv", f"all-bad CSV, import_file ({args.megabytes} MB)"),
        ("csv_admin", "all-bad CSV, admin dry run"),
        ("bomb", f"XLSX bomb ({args.bomb_rows:,} rows), import_file"),
        ("bomb_admin", "XLSX bomb, admin dry run"),
    ]
    worst = 0.0
    for scenario, label in plan:
        r = measure(scenario, args.megabytes, args.bomb_rows)
        worst = max(worst, r["peak_mb"])
        print(
            f"{label:44} {r['bytes'] / 2**20:>8.1f} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} {r['errors']:>9,}  "
            f"{r['last'][:70]}",
            flush=True,
        )
    print(f"\nworst peak {worst:.0f} MB (goal < 1024 MB); load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
