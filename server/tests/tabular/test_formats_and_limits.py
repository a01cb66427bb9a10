"""The file formats and their limits (issue 12 points 6-7, issue 10 point 10): errors capped at
1,000 with the count of the rest; XLSX read as a stream and refused past its limits (a zip bomb
within seconds); CSV downloads with a BOM, XLSX with typed numbers and dates on a sheet named
after the kind; exported values, escaped or not, re-import unchanged through CSV and XLSX."""

import io
import time
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import models
from server.importing import import_file
from server.resources import CommunityResource
from server.tabular import reading
from server.tabular.formats import CSVFile, XLSXFile
from server.widgets import escape_formula, unescape_formula

pytestmark = pytest.mark.django_db

COMMUNITY_HEADER = "name,slug,description"


# --- the error cap -------------------------------------------------------------------------------


def test_errors_are_listed_up_to_1000_then_counted(capsys):
    rows = "".join(f"Community {i},not a slug!,\n" for i in range(1500))
    report = import_file(kind="communities", data=f"{COMMUNITY_HEADER}\n{rows}")
    assert len(report.errors) == 1000
    assert report.errors[0] == 'row 2, slug: "not a slug!" is not a slug (letters, digits, - and _ only)'
    assert report.error_lines()[-1] == "… and 500 more errors"
    assert report.summary == "new 0, updated 0, unchanged 0, errors 1500"
    assert not models.CommunityOfPractice.objects.exists()


# --- XLSX ---------------------------------------------------------------------------------------


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb(rows: int) -> bytes:
    """A workbook whose one sheet repeats a row `rows` times: tiny zipped, huge unpacked."""
    template = openpyxl.Workbook()
    buffer = io.BytesIO()
    template.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
                continue
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
                for _ in range(rows // 1000):
                    sheet.write(row * 1000)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_an_xlsx_file_imports_like_its_csv(catalog):
    data = workbook([["name", "slug", "description"], ["Civic Data", None, "=SUM(A1)"], [None, None, None]])
    report = import_file(kind="communities", data=data)
    assert report.summary == "new 1, updated 0, unchanged 0, errors 0"
    assert models.CommunityOfPractice.objects.get(name="Civic Data").slug == "civic-data"


def test_a_zip_bomb_is_refused_within_seconds_without_reading_it():
    data = bomb(2_000_000)
    assert len(data) < 5 * 2**20
    started = time.perf_counter()
    report = import_file(kind="communities", data=data)
    assert time.perf_counter() - started < 5
    assert len(report.errors) == 1
    assert report.errors[0].startswith("the workbook unpacks to ")
    assert report.errors[0].endswith("MB an import reads: split it, or import it as CSV")


def test_an_xlsx_sheet_past_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_ROWS", 5)
    rows = [["name", "slug", "description"]] + [[f"C{i}", None, None] for i in range(10)]
    report = import_file(kind="communities", data=workbook(rows))
    assert report.errors == ["row 7: the sheet has more than 5 rows: split it"]
    assert not models.CommunityOfPractice.objects.exists()


def test_an_xlsx_sheet_past_the_column_limit_is_refused():
    report = import_file(kind="communities", data=workbook([[f"c{i}" for i in range(60)]]))
    assert report.errors == ["row 1: more than 50 columns"]


def test_a_broken_workbook_is_a_message_not_a_traceback():
    assert import_file(kind="communities", data=b"PK\x03\x04 not really a zip").errors == [
        "the file is not an XLSX workbook"
    ]


# --- exported values re-import unchanged ---------------------------------------------------------

# What a person can store: no NUL, no surrounding whitespace (every door strips it), no control
# characters a spreadsheet cannot hold; with formula starts and quotes in plenty.
stored_text = (
    st.text(
        alphabet=st.one_of(
            st.sampled_from("=+-@'\"; ,:\n"), st.characters(categories=["L", "N", "P", "S"], exclude_characters="\x00")
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@given(stored_text)
def test_escaping_is_undone_exactly(text):
    assert unescape_formula(escape_formula(text)) == text
    assert escape_formula(text)[:1] not in ("=", "+", "-", "@")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=stored_text)
def test_exported_values_reimport_unchanged_through_csv_and_xlsx(db, description):
    community, _ = models.CommunityOfPractice.objects.update_or_create(
        name="Property", defaults={"slug": "property", "description": description}
    )
    dataset = CommunityResource().export(models.CommunityOfPractice.objects.filter(pk=community.pk))
    for file_format in (CSVFile(), XLSXFile()):
        data = file_format.export_data(dataset)
        report = import_file(kind="communities", data=data)
        assert report.summary == "new 0, updated 0, unchanged 1, errors 0", (file_format, report.errors)
    community.refresh_from_db()
    assert community.description == description
