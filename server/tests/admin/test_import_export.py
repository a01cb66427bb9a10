"""CSV import/export in the admin: Organizers import with a small preview then confirm; project
managers get no import (button or URL) and export only the rows they can see."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from server import models
from server.groups import ensure_groups

pytestmark = pytest.mark.django_db

VOLUNTEER_HEADER = (
    "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status"
)


def upload(client, model, text, name="file.csv"):
    return client.post(
        reverse(f"admin:server_{model}_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


def export(client, model):
    response = client.post(reverse(f"admin:server_{model}_export"), {"resource": "0", "format": "0"})
    assert response.status_code == 200, response.content[:500]
    return list(
        csv.reader(
            io.StringIO(
                b"".join(response.streaming_content).decode()
                if response.streaming
                else response.content.decode("utf-8-sig")
            )
        )
    )


def test_organizer_previews_then_confirms_an_import(organizer_client, organizer, world, run_tasks):
    text = f"{VOLUNTEER_HEADER}\nbo@example.org,Bo,Engineering,Backend Developer,,,,Mon 18:00-20:00,Python:3,\n"
    response = upload(organizer_client, "volunteer", text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "new 1, updated 0, unchanged 0, errors 0" in page
    assert "bo@example.org" in page
    assert not models.Volunteer.objects.filter(email="bo@example.org").exists()  # a dry run so far
    confirm = response.context["confirm_form"]
    response = organizer_client.post(
        reverse("admin:server_volunteer_process_import"), {**confirm.initial, "resource": "0"}, follow=True
    )
    assert response.status_code == 200
    job = models.ImportJob.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:server_importjob_change", args=[job.pk])
    assert not models.Volunteer.objects.filter(email="bo@example.org").exists()  # the worker imports
    assert run_tasks() == 1
    bo = models.Volunteer.objects.get(email="bo@example.org")
    assert [str(slot) for slot in bo.availability.all()] == ["Mon 18:00-20:00"]
    assert bo.history.get().history_user == organizer
    page = organizer_client.get(reverse("admin:server_importjob_change", args=[job.pk])).content.decode()
    assert "Import finished: new 1, updated 0, unchanged 0, errors 0." in page


def test_import_errors_are_listed_without_tracebacks_and_nothing_is_offered_to_confirm(organizer_client, world):
    text = f'{VOLUNTEER_HEADER}\nbo@example.org,Bo,,,,,,"Mon 25:00-26:00",,\nnope,No,,,,,,,,\n'
    response = upload(organizer_client, "volunteer", text)
    page = response.content.decode()
    assert "row 2, availability: &quot;Mon 25:00-26:00&quot; is not a time range" in page
    assert "row 3, email: &quot;nope&quot; is not an email address" in page
    assert "Traceback" not in page and "CellError" not in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not models.Volunteer.objects.filter(email="bo@example.org").exists()


def test_the_preview_of_a_large_file_shows_a_summary_and_one_page_of_rows(organizer_client, world):
    rows = "".join(f"v{i}@example.org,Volunteer {i},,,,,,,,\n" for i in range(300))
    response = upload(organizer_client, "volunteer", VOLUNTEER_HEADER + "\n" + rows)
    page = response.content.decode()
    assert "new 300, updated 0, unchanged 0, errors 0" in page
    assert page.count('<tr class="new') == 20
    assert "and 280 more rows" in page
    assert "v299@example.org" not in page


def test_project_managers_cannot_import(pm_client, world):
    changelist = pm_client.get(reverse("admin:server_opportunity_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:server_opportunity_import") not in changelist.content.decode()
    assert pm_client.get(reverse("admin:server_opportunity_import")).status_code == 403
    response = upload(pm_client, "opportunity", "id,project\n")
    assert response.status_code == 403


def test_organizers_see_the_import_button(organizer_client, world):
    changelist = organizer_client.get(reverse("admin:server_volunteer_changelist"))
    assert reverse("admin:server_volunteer_import") in changelist.content.decode()


def test_a_project_managers_export_holds_only_their_rows(pm_client, world):
    rows = export(pm_client, "opportunity")
    assert rows[0][:3] == ["id", "project", "role"]
    assert {row[4] for row in rows[1:]} == {"Django developer", "Product designer"}
    applications = export(pm_client, "application")
    assert [row[0] for row in applications[1:]] == [str(world["my_open"].pk)]


def test_exports_are_only_for_models_with_a_csv_kind(organizer_client, world):
    ensure_groups()
    assert organizer_client.get(reverse("admin:server_user_export")).status_code == 403
    assert organizer_client.get(reverse("admin:server_user_import")).status_code == 403
    assert organizer_client.get(reverse("admin:server_volunteer_export")).status_code == 200


def test_project_managers_do_not_export_volunteers(pm_client, world):
    assert pm_client.get(reverse("admin:server_volunteer_export")).status_code == 403


def test_admin_export_reimports_unchanged(organizer_client, world):
    rows = export(organizer_client, "opportunity")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    from server.importing import import_file

    report = import_file(kind="opportunities", data=buffer.getvalue())
    assert report.summary == f"new 0, updated 0, unchanged {models.Opportunity.objects.count()}, errors 0"
