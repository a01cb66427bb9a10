"""import_csv / export_csv: the command lines, output and exit codes of DESIGN.md."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from server import models
from server.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"


def import_csv(*args):
    out = io.StringIO()
    try:
        call_command("import_csv", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_import_prints_the_summary_as_its_last_line(tmp_path):
    code, out = import_csv("communities", str(DATA / "communities.csv"))
    assert code == 0
    assert out.splitlines()[-1] == "new 5, updated 0, unchanged 0, errors 0"
    code, out = import_csv("communities", str(DATA / "communities.csv"))
    assert out.splitlines()[-1] == "new 0, updated 0, unchanged 5, errors 0"


def test_dry_run_writes_nothing():
    code, out = import_csv("communities", str(DATA / "communities.csv"), "--dry-run")
    assert code == 0
    assert out.splitlines()[-1] == "new 5, updated 0, unchanged 0, errors 0"
    assert models.CommunityOfPractice.objects.count() == 0


def test_errors_are_listed_one_per_line_and_exit_1(tmp_path):
    path = tmp_path / "volunteers.csv"
    path.write_text(
        "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status\n"
        "ok@example.org,Ok,,,,,,,,\n"
        'bad@example.org,Bad,,,,,,"Mon 25:00-26:00",,\n'
        "nope,Nope,,,,,,,,\n"
    )
    code, out = import_csv("volunteers", str(path))
    assert code == 1
    assert out.splitlines() == [
        'row 3, availability: "Mon 25:00-26:00" is not a time range',
        'row 4, email: "nope" is not an email address',
        "new 0, updated 0, unchanged 0, errors 2",
    ]
    assert models.Volunteer.objects.count() == 0


def test_unknown_kind_and_missing_file_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_csv", "planets", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_csv", "communities", str(tmp_path / "missing.csv"))


def test_export_to_stdout_and_to_a_file_reimports_unchanged(tmp_path):
    VolunteerFactory(email="ana@example.org", name="Ana")
    out = io.StringIO()
    call_command("export_csv", "volunteers", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status"
    )
    assert lines[1].startswith("ana@example.org,Ana,")
    path = tmp_path / "volunteers.csv"
    call_command("export_csv", "volunteers", "--output", str(path))
    assert path.read_text().splitlines() == lines
    code, out = import_csv("volunteers", str(path))
    assert (code, out.splitlines()[-1]) == (0, "new 0, updated 0, unchanged 1, errors 0")


def test_no_progress_on_stderr_when_it_is_not_a_terminal(capsys):
    call_command("import_csv", "communities", str(DATA / "communities.csv"))
    assert capsys.readouterr().err == ""
