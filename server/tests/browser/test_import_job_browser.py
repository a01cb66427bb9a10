"""An organiser imports 100,000 volunteers through the admin in Chromium: a small preview,
Confirm, then the job page whose bar moves while a real task worker checks the rows, and the
summary at the end."""

import csv
import io
import time

import pytest
from django.db import connection
from playwright.sync_api import Error as PlaywrightError

from server.csv_columns import COLUMNS
from server.models import Volunteer
from server.tests.browser.conftest import sign_in, snap

pytestmark = pytest.mark.browser
ROWS = 100_000


def big_file(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS["volunteers"])
    for n in range(ROWS):
        writer.writerow(
            [
                f"bulk{n}@example.org",
                f"Bulk {n}",
                "Engineering",
                "",
                "intermediate",
                n % 20 + 1,
                "America/Los_Angeles",
                "Mon 18:00-20:00; Sat 09:00-12:30",
                "Python:3",
                "active",
            ]
        )
    path = tmp_path / "volunteers-100k.csv"
    path.write_text(out.getvalue())
    return path


def test_a_100k_admin_import_shows_its_progress_and_ends_with_the_summary(page, db_worker, tmp_path):
    path = big_file(tmp_path)
    before = Volunteer.objects.count()
    db_worker.start()
    sign_in(page, "admin@example.org")
    page.goto("/admin/server/volunteer/import/")
    assert "communities → roles → skills → projects → opportunities → volunteers → applications" in page.inner_text(
        "[data-testid=import-help]"
    )
    page.set_input_files("input[name=import_file]", str(path))
    page.select_option("select[name=format]", label="csv")
    started = time.monotonic()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("[data-import-partial]")
    preview_seconds = time.monotonic() - started
    assert "about 100000 rows; below are the first 20" in page.inner_text("[data-import-partial]")
    assert preview_seconds < 20, f"the preview took {preview_seconds:.1f} s"
    snap(page, "import-100k-preview")
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_selector("[data-testid=import-bar]")
    seen, writing = [], []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            status = page.get_attribute("#import-progress", "data-status")
            percent = int(page.get_attribute("#import-progress", "data-percent"))
        except PlaywrightError:  # the page reloads itself once the job is finished
            continue
        if not seen or seen[-1] != percent:
            seen.append(percent)
            if len(seen) == 3:
                snap(page, "import-100k-progress")
            if 90 < percent < 100 and not writing:
                writing.append(percent)
                snap(page, "import-100k-writing")
        if status in ("succeeded", "failed"):
            break
        time.sleep(0.25)
    assert page.get_attribute("#import-progress", "data-status") == "succeeded", page.inner_text("#import-progress")
    assert len([p for p in seen if 0 < p < 100]) >= 3, f"the bar moved only through {seen}"
    assert seen == sorted(seen)
    if connection.vendor == "postgresql":  # the rows written show while the transaction runs
        assert writing, f"no written rows were shown: {seen}"
    page.wait_for_selector("[data-testid=import-summary]")
    assert page.inner_text("[data-testid=import-summary]") == (
        f"Import finished: new {ROWS}, updated 0, unchanged 0, errors 0."
    )
    assert Volunteer.objects.count() == before + ROWS
