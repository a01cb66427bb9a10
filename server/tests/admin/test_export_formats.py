"""Admin downloads (issue 10 point 10): CSV with a UTF-8 BOM so Excel keeps accents, XLSX with
numbers and dates typed on a sheet named after the kind; both re-import unchanged."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from server import models
from server.importing import import_file

pytestmark = pytest.mark.django_db


def admin_export(client, model, format_index):
    response = client.post(reverse(f"admin:server_{model}_export"), {"resource": "0", "format": str(format_index)})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_downloads_start_with_a_bom_and_reimport(organizer_client, world):
    data = admin_export(organizer_client, "opportunity", 0)
    assert data.startswith(b"\xef\xbb\xbf")
    report = import_file(kind="opportunities", data=data)
    assert report.summary == f"new 0, updated 0, unchanged {models.Opportunity.objects.count()}, errors 0"


def test_xlsx_exports_keep_numbers_and_dates_typed_on_a_sheet_named_after_the_kind(organizer_client, world):
    opportunity = world["my_draft"]
    opportunity.expires_on, opportunity.positions = date(2031, 5, 1), 3
    opportunity.save()
    data = admin_export(organizer_client, "opportunity", 1)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "opportunities"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    header = [cell.value for cell in sheet[1]]
    row = rows[str(opportunity.pk)]
    assert row[header.index("positions")].value == 3 and row[header.index("positions")].data_type == "n"
    assert row[header.index("min_hours_per_week")].data_type == "n"
    assert row[header.index("expires_on")].is_date
    assert row[header.index("expires_on")].value.date() == date(2031, 5, 1)
    # and the same file re-imports unchanged, through the admin's own upload
    response = organizer_client.post(
        reverse("admin:server_opportunity_import"),
        {"resource": "0", "format": "1", "import_file": SimpleUploadedFile("o.xlsx", data)},
    )
    count = models.Opportunity.objects.count()
    assert f"new 0, updated 0, unchanged {count}, errors 0" in response.content.decode()
