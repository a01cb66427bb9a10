"""Property tests: whatever is in the cells, the importer answers with a report (never an
exception) and a file with any error writes nothing at all."""

import csv
import io
from unittest import mock

import pytest
from django.db import IntegrityError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import models
from server.importing import KINDS, import_file
from server.tabular import write
from server.tests.tabular.files import counts

pytestmark = pytest.mark.django_db


# Text that looks like the formats (days, times, levels, separators) as well as plain noise.
fragments = st.sampled_from(
    [
        "Mon",
        "18:00",
        "-",
        "24:00",
        ";",
        ":",
        "5",
        "0",
        "Python",
        "DevOps",
        "Data Engineer",
        "=1+1",
        "@",
        "'",
        '"',
        "UI/UX",
        "open",
        "draft",
        "a@b.org",
        "America/Los_Angeles",
        "(x)",
        " ",
        "\n",
        "é",
        "\x00",
    ]
)
cell = st.one_of(
    st.just(""),
    st.text(max_size=30),
    st.lists(fragments, max_size=6).map("".join),
    st.integers(-5, 50).map(str),
)


def snapshot():
    return counts()


def as_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", list(KINDS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_garbage_never_raises_and_never_writes_half_a_file(catalog, kind, data):
    columns = KINDS[kind].columns
    rows = data.draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=4))
    before = snapshot()
    report = import_file(kind=kind, data=as_csv(columns, rows))
    assert report.summary.startswith("new ")
    if report.errors:
        assert snapshot() == before
        assert all(error.startswith("row ") for error in report.errors)
    else:
        assert report.new + report.updated + report.unchanged <= len(rows)


@settings(max_examples=30, deadline=None)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_are_a_report_not_an_exception(raw):
    report = import_file(kind="communities", data=raw)
    assert isinstance(report.errors, list)


def test_a_database_failure_half_way_rolls_everything_back(catalog):
    text = (
        "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status\n"
        "ana@example.org,Ana,DevOps,,,,,Mon 18:00-20:00,Python:3,\n"
    )
    before = snapshot()
    original = write.insert_rows

    def fail_on_slots(model, attnames, rows, **kwargs):
        if model is models.AvailabilitySlot:
            raise IntegrityError("boom")
        return original(model, attnames, rows, **kwargs)

    with mock.patch.object(write, "insert_rows", side_effect=fail_on_slots):
        report = import_file(kind="volunteers", data=text)
    assert report.errors == ["the database refused the import, nothing was written: boom"]
    assert snapshot() == before
