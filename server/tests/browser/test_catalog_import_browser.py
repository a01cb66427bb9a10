"""An organiser's first day in Chromium: the real catalog (../shared/data) imported through the
admin into an empty database, kind by kind in the order the import page states (preview, Confirm,
the job page's summary, run by a real task worker), and a file with errors refused with every
error named and nothing written."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.models import CommunityOfPractice, Project, Role, Skill
from server.seeding import SeedReport, ensure_accounts
from server.tests.browser.conftest import open_page, sign_in, snap

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data"
# The same four files are copied into the repository for seed_demo; CI lays shared/ beside the clone.
DATA = SHARED if SHARED.is_dir() else ROOT / "server" / "fixtures" / "catalog"

# kind (file), admin model name, model, rows in the file
CATALOG = [
    ("communities", "communityofpractice", CommunityOfPractice, 5),
    ("roles", "role", Role, 23),
    ("skills", "skill", Skill, 227),
    ("projects", "project", Project, 22),
]


@pytest.fixture
def empty_page(chromium, live_server, transactional_db, request):
    """A fresh install: the demo accounts and nothing else."""
    ensure_accounts(password="civictech", report=SeedReport())
    yield from open_page(chromium, live_server, request)


def upload(page, model: str, path: Path):
    page.goto(f"/admin/server/{model}/import/")
    page.set_input_files("input[name=import_file]", str(path))
    page.select_option("select[name=format]", label="csv")
    page.get_by_role("button", name="Submit").click()


def test_an_organiser_imports_the_catalog_into_an_empty_database(empty_page, db_worker):
    page = empty_page
    db_worker.start()
    sign_in(page, "admin@example.org")
    for kind, model, table, rows in CATALOG:
        upload(page, model, DATA / f"{kind}.csv")
        summary = page.locator("[data-import-summary-line]")
        expect(summary).to_have_text(f"new {rows}, updated 0, unchanged 0, errors 0")
        assert table.objects.count() == 0, "the preview wrote rows"
        page.get_by_role("button", name="Confirm import").click()
        expect(page.locator("[data-testid=import-summary]")).to_have_text(
            f"Import finished: new {rows}, updated 0, unchanged 0, errors 0.", timeout=60_000
        )
        assert table.objects.count() == rows
    snap(page, "catalog-imported")
    assert Role.objects.filter(title="Data Engineer").count() == 2  # in Data Science and in DevOps

    # The same file again: nothing to do, and no Confirm to press.
    upload(page, "skill", DATA / "skills.csv")
    expect(page.locator("[data-import-summary-line]")).to_have_text("new 0, updated 0, unchanged 227, errors 0")
    expect(page.locator("[data-import-nothing]")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)


def test_an_import_with_errors_names_each_and_writes_nothing(empty_page, tmp_path):
    page = empty_page
    sign_in(page, "admin@example.org")
    bad = tmp_path / "roles.csv"
    bad.write_text(
        "title,community_of_practice,description\n"
        "Back End Developer,Engineering,\n"  # no such community: the catalog is empty
        "Researcher,Design,\n"  # nor this one
    )
    upload(page, "role", bad)
    errors = page.locator("[data-import-errors] li")
    expect(errors.first).to_be_visible()
    listed = errors.all_inner_texts()
    assert any(e.startswith('row 2, community_of_practice: "Engineering"') for e in listed), listed
    assert any(e.startswith('row 3, community_of_practice: "Design"') for e in listed), listed
    expect(page.locator("[data-import-summary-line]")).to_have_text("new 0, updated 0, unchanged 0, errors 2")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    snap(page, "import-with-errors")
    assert Role.objects.count() == 0
