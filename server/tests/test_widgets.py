"""Cell formats of DESIGN.md: every widget reads what it writes and refuses bad cells with a
message that quotes the value."""

import uuid
from datetime import date, datetime

import pytest

from server.models import Opportunity
from server.models.choices import ExperienceLevel
from server.tabular.lookups import Lookups
from server.tests.factories import CommunityOfPracticeFactory, RoleFactory, SkillFactory, UserFactory
from server.widgets import (
    CellError,
    ChoiceWidget,
    DateWidget,
    EmailWidget,
    IntegerWidget,
    NameListWidget,
    ScheduleWidget,
    SkillLevelsWidget,
    SlugWidget,
    TextWidget,
    TimeZoneWidget,
    URLWidget,
    UUIDWidget,
    escape_formula,
    hours_widget,
    split_list,
    unescape_formula,
)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "=1+1"])
def test_formula_cells_are_escaped_and_unescaped(text):
    escaped = escape_formula(text)
    assert escaped == "'" + text
    assert unescape_formula(escaped) == text


def test_ordinary_cells_are_left_alone():
    assert escape_formula("Python") == "Python"
    assert escape_formula(None) is None
    assert unescape_formula("'quoted'") == "'quoted'"


def test_split_list_drops_blanks_and_spaces():
    assert split_list(" a; b ;;c ") == ["a", "b", "c"]


def test_text_widget_strips_and_enforces_length():
    assert TextWidget(max_length=5).clean("  abc ") == "abc"
    with pytest.raises(CellError, match="longer than 5 characters"):
        TextWidget(max_length=5).clean("abcdef")


def test_slug_and_url_widgets():
    assert SlugWidget().clean("food-oasis") == "food-oasis"
    with pytest.raises(CellError, match='"food oasis" is not a slug'):
        SlugWidget().clean("food oasis")
    assert URLWidget().clean("https://example.org") == "https://example.org"
    with pytest.raises(CellError, match='"not a url" is not a URL'):
        URLWidget().clean("not a url")


def test_choice_widget_takes_value_or_label_in_any_case():
    widget = ChoiceWidget(Opportunity.Status)
    assert widget.clean("OPEN") == "open"
    assert widget.clean("On hold") == "on_hold"
    with pytest.raises(CellError, match='"opened" is not one of draft, open, on_hold, filled, closed'):
        widget.clean("opened")
    assert ChoiceWidget(ExperienceLevel).render("advanced") == "advanced"


@pytest.mark.parametrize("value, expected", [("7", 7), (" 40 ", 40), (3.0, 3), (12, 12), ("5.0", 5)])
def test_integer_widget_reads_whole_numbers(value, expected):
    assert hours_widget().clean(value) == expected


@pytest.mark.parametrize("value", ["3.5", "three", "", "1e3", True, "0x10", "99999999999999"])
def test_integer_widget_refuses_other_text(value):
    with pytest.raises(CellError, match="is not a whole number"):
        IntegerWidget().clean(value)


@pytest.mark.parametrize("value", ["0", "41", "-3"])
def test_hours_outside_1_to_40_are_errors(value):
    with pytest.raises(CellError, match=f'"{value}" is not between 1 and 40'):
        hours_widget().clean(value)


def test_email_widget_lowercases_and_validates():
    assert EmailWidget().clean(" Ana@Example.ORG ") == "ana@example.org"
    with pytest.raises(CellError, match='"ana-at-example" is not an email address'):
        EmailWidget().clean("ana-at-example")


def test_timezone_widget():
    assert TimeZoneWidget().clean("Europe/London") == "Europe/London"
    with pytest.raises(CellError, match='"Mars/Olympus" is not an IANA time zone'):
        TimeZoneWidget().clean("Mars/Olympus")


def test_date_widget():
    assert DateWidget().clean("2026-03-31") == date(2026, 3, 31)
    assert DateWidget().clean(datetime(2026, 3, 31, 0, 0)) == date(2026, 3, 31)
    assert DateWidget().clean("2026-03-31 00:00:00") == date(2026, 3, 31)
    assert DateWidget().render(date(2026, 3, 31)) == "2026-03-31"
    with pytest.raises(CellError, match='"31/03/2026" is not a date'):
        DateWidget().clean("31/03/2026")


def test_uuid_widget():
    value = uuid.uuid4()
    assert UUIDWidget().clean(str(value)) == value
    with pytest.raises(CellError, match='"abc" is not an id'):
        UUIDWidget().clean("abc")


def test_schedule_widget_reads_availability_as_a_set():
    widget = ScheduleWidget()
    assert widget.clean("wed 09:00-12:30; Mon 18:00-20:00; Monday 18:00-20:00") == ((0, 1080, 1200), (2, 540, 750))


def test_schedule_widget_errors_quote_the_slot():
    with pytest.raises(CellError, match='"Mon 25:00-26:00" is not a time range'):
        ScheduleWidget().clean("Mon 25:00-26:00")
    with pytest.raises(CellError, match="ends before it starts"):
        ScheduleWidget().clean("Mon 22:00-02:00")
    with pytest.raises(CellError, match="only meeting times can have"):
        ScheduleWidget().clean("Mon 18:00-19:00 (Team)")


def test_schedule_widget_keeps_labels_for_meeting_times():
    assert ScheduleWidget(label_max_length=120).clean("Tue 17:00-18:00 (All team)") == ((1, 1020, 1080, "All team"),)


@pytest.mark.django_db
def test_skill_levels_resolve_names_case_insensitively():
    python = SkillFactory(name="Python")
    colon = SkillFactory(name="Issue Labeling: size")
    widget = SkillLevelsWidget()
    lookups = Lookups()
    assert widget.clean("python:4; Issue Labeling: size:2", lookups=lookups) == tuple(
        sorted([(python.pk, 4), (colon.pk, 2)])
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cell, message",
    [
        ("Python:6", '"Python:6" has a level that is not 1–5'),
        ("Python:0", '"Python:0" has a level that is not 1–5'),
        ("Python", '"Python" is not skill:level'),
        ("Cobol:3", '"Cobol" is not a skill'),
        ("Python:3; python:2", '"python" is listed twice'),
        ("Python:x", "has a level that is not"),
    ],
)
def test_skill_level_errors(cell, message):
    SkillFactory(name="Python")
    with pytest.raises(CellError, match=message):
        SkillLevelsWidget().clean(cell, lookups=Lookups())


@pytest.mark.django_db
def test_name_lists_resolve_and_render():
    devops = CommunityOfPracticeFactory(name="DevOps")
    data = CommunityOfPracticeFactory(name="Data Science")
    widget = NameListWidget(resolver="community", label="community of practice")
    assert widget.clean("devops; Data Science", lookups=Lookups()) == tuple(sorted([devops.pk, data.pk]))
    with pytest.raises(CellError, match='"Design" is not a community of practice'):
        widget.clean("Design", lookups=Lookups())
    assert widget.render([devops, data]) == "Data Science; DevOps"


@pytest.mark.django_db
def test_managers_must_be_staff_emails():
    staff = UserFactory(email="pm@example.org")
    UserFactory(email="someone@example.org", is_staff=False)
    widget = NameListWidget(resolver="manager", label="manager", attribute="email")
    assert widget.clean("PM@example.org", lookups=Lookups()) == (staff.pk,)
    with pytest.raises(CellError, match='"someone@example.org" is not the email of a staff user'):
        widget.clean("someone@example.org", lookups=Lookups())


@pytest.mark.django_db
def test_role_lookup_prefers_the_given_community_and_reports_ambiguity():
    data = CommunityOfPracticeFactory(name="Data Science")
    devops = CommunityOfPracticeFactory(name="DevOps")
    in_data = RoleFactory(title="Data Engineer", community_of_practice=data)
    in_devops = RoleFactory(title="Data Engineer", community_of_practice=devops)
    lookups = Lookups()
    assert lookups.role("data engineer", devops.pk) == in_devops.pk
    assert lookups.role("Data Engineer", None, prefer=data.pk) == in_data.pk
    with pytest.raises(CellError, match='"Data Engineer" is a role in Data Science and DevOps'):
        lookups.role("Data Engineer", None)
    with pytest.raises(CellError, match='"Astronaut" is not a role'):
        lookups.role("Astronaut", None)
