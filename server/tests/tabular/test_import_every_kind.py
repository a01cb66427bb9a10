"""Rules every kind shares: round trip export → import, BOM / CRLF / header spelling, missing
columns, duplicate keys, typed spreadsheet cells, errors in column order."""

import uuid

import pytest

from server import models
from server.tests.factories import (
    ApplicationFactory,
    OpenOpportunityFactory,
    OpportunityFactory,
    VolunteerFactory,
)
from server.tests.tabular.files import OPPORTUNITY_HEADER, VOLUNTEER_HEADER, counts, exported, run

pytestmark = pytest.mark.django_db


# --- all kinds --------------------------------------------------------------------------------


def test_every_kind_round_trips_export_to_import_unchanged(catalog):
    opportunity = OpenOpportunityFactory(project=models.Project.objects.first(), role=models.Role.objects.first())
    ApplicationFactory(opportunity=opportunity)
    before = counts()
    for kind in ("communities", "roles", "skills", "projects", "opportunities", "volunteers", "applications"):
        report = run(kind, exported(kind))
        assert report.errors == [], kind
        assert report.new == report.updated == 0, kind
    assert counts() == before


def test_nul_characters_are_refused_rather_than_sent_to_the_database():
    report = run("communities", "name,slug,description\nOps,,bad\x00text\n")
    assert report.errors == ["row 2, description: Null characters are not allowed."]


def test_a_volunteers_roles_round_trip_even_when_the_title_is_in_another_community(people):
    """A DevOps volunteer interested in Data Science's "Data Engineer": the export writes the
    title only, and re-importing keeps the role they hold rather than switching to DevOps'."""
    volunteer = VolunteerFactory(email="cy@example.org", community_of_practice=people["devops"])
    data_engineer = models.Role.objects.get(title="Data Engineer", community_of_practice=people["data"])
    volunteer.roles.add(data_engineer)
    nobody = VolunteerFactory(email="dee@example.org")
    nobody.roles.add(data_engineer)
    assert run("volunteers", exported("volunteers")).summary == "new 0, updated 0, unchanged 2, errors 0"
    assert list(volunteer.roles.all()) == [data_engineer]


# --- the same rules for every kind --------------------------------------------------------------


def kind_files(world):
    """A valid two-row file per kind (header, rows), and the key column of each."""
    opportunity = str(world["opportunity"].pk)
    return {
        "communities": ("name,slug,description", ["Security,security,Keeps us safe", "QA,,Tests"], "name"),
        "roles": ("title,community_of_practice,description", ["Pen Tester,DevOps,", "Analyst,Data Science,"], "title"),
        "skills": ("name,communities_of_practice,description", ["Rust,DevOps,", "Go,DevOps; Data Science,"], "name"),
        "projects": (
            "name,slug,status,website_url,repository_url,slack_channel,timezone,managers,meeting_times",
            ["Home Unite Us,,active,,,,,,Mon 18:00-19:00", "311 Data,,on_hold,,,,Europe/London,,"],
            "name",
        ),
        "opportunities": (
            OPPORTUNITY_HEADER,
            [
                f"{opportunity},Food Oasis,Site Reliability Engineer,DevOps,SRE,,,,,,Python:3,,,",
                f"{uuid.UUID(int=7)},Food Oasis,Data Engineer,Data Science,,,,,,,,SQL:2,,",
            ],
            "id",
        ),
        "volunteers": (
            VOLUNTEER_HEADER,
            ["ana@example.org,Ana,,,,,,,Python:2,", "bo@example.org,Bo,,,,,,,SQL:1,"],
            "email",
        ),
        "applications": (
            "opportunity_id,volunteer_email,status,message",
            [f"{opportunity},ana@example.org,,", f"{opportunity},bo@example.org,new,Hi"],
            "opportunity_id",
        ),
    }


@pytest.fixture
def world(people):
    opportunity = OpportunityFactory(
        project=models.Project.objects.get(), role=models.Role.objects.get(title="Site Reliability Engineer")
    )
    VolunteerFactory(email="ana@example.org", name="Ana")
    VolunteerFactory(email="bo@example.org", name="Bo")
    return {"opportunity": opportunity}


KINDS = ("communities", "roles", "skills", "projects", "opportunities", "volunteers", "applications")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_imports_reimports_unchanged_and_round_trips(world, kind):
    header, rows, _ = kind_files(world)[kind]
    text = "\n".join([header, *rows]) + "\n"
    first = run(kind, text)
    assert first.errors == []
    assert first.new + first.updated == 2
    assert run(kind, text).summary == "new 0, updated 0, unchanged 2, errors 0"
    everything = run(kind, exported(kind))
    assert everything.errors == [] and everything.new == everything.updated == 0


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_reads_bom_crlf_and_header_case(world, kind):
    header, rows, _ = kind_files(world)[kind]
    text = "\r\n".join([header.upper().replace(",", " , "), *rows, ""]) + "\r\n"
    report = run(kind, ("\ufeff" + text).encode("utf-8"))
    assert report.errors == []
    assert report.new + report.updated == 2


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_refuses_a_missing_column_before_any_row(world, kind):
    header, rows, _ = kind_files(world)[kind]
    columns = header.split(",")
    text = ",".join(columns[:-1]) + "\n" + "\n".join(row.rsplit(",", 1)[0] for row in rows) + "\n"
    before = counts()
    report = run(kind, text)
    assert report.errors == [f"row 1, header: missing column {columns[-1]}"]
    assert counts() == before


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_refuses_a_duplicate_key_inside_the_file(world, kind):
    header, rows, key = kind_files(world)[kind]
    before = counts()
    report = run(kind, "\n".join([header, rows[0], rows[1], rows[0]]) + "\n")
    if kind == "applications":  # the key is two columns; rows 2 and 4 share both
        assert report.errors == [f'row 4, {key}: "{world["opportunity"].pk}" already appears in row 2']
    else:
        assert len(report.errors) == 1 and report.errors[0].startswith(f"row 4, {key}: ")
        assert report.errors[0].endswith("already appears in row 2")
    assert counts() == before


def test_typed_cells_from_a_spreadsheet_import_like_text(people):
    """XLSX through the admin gives numbers, dates and None rather than text."""
    import tablib

    from server.resources import VolunteerResource

    dataset = tablib.Dataset(headers=VOLUNTEER_HEADER.split(","))
    dataset.append(["ana@example.org", "Ana", None, None, None, 12.0, None, None, None, None])
    result = VolunteerResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert models.Volunteer.objects.get().max_hours_per_week == 12


def test_an_unknown_volunteer_email_is_quoted_as_written_in_the_file():
    ApplicationFactory()
    opportunity_id = models.Opportunity.objects.get().pk
    report = run(
        "applications",
        f"opportunity_id,volunteer_email,status,message\n{opportunity_id},NoBody@Example.org,new,\n",
    )
    assert report.errors == ['row 2, volunteer_email: "NoBody@Example.org" is not a volunteer']


def test_a_bad_roles_cell_is_listed_with_the_other_errors_of_its_row_in_column_order():
    header = (
        "email,name,community_of_practice,roles,experience_level,max_hours_per_week,"
        "timezone,availability,skills,status\n"
    )
    report = run("volunteers", header + "a@example.org,A,,No Such Role,,0,,,,\n")
    assert report.errors == [
        'row 2, roles: "No Such Role" is not a role',
        'row 2, max_hours_per_week: "0" is not between 1 and 40',
    ]
    assert not models.Volunteer.objects.exists()
