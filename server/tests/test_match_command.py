"""`manage.py match`: the ranked table in both directions, the reasons in words, the no-skill
rule, and clear errors."""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from server.tests import factories as f


def run(*args) -> list[str]:
    out = StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def data(db):
    python = f.SkillFactory(name="Python")
    opportunity = f.OpenOpportunityFactory(title="Backend developer", min_hours_per_week=5)
    f.OpportunitySkillFactory(opportunity=opportunity, skill=python, level=4)
    strong = f.VolunteerFactory(name="Strong Match", email="strong@example.com", max_hours_per_week=10)
    f.VolunteerSkillFactory(volunteer=strong, skill=python, level=4)
    strong.roles.add(opportunity.role)
    weak = f.VolunteerFactory(name="Weak Match", email="weak@example.com")
    f.VolunteerSkillFactory(volunteer=weak, skill=python, level=1)
    f.VolunteerFactory(name="No Python", email="none@example.com", max_hours_per_week=40)  # never listed
    return {"opportunity": opportunity, "strong": strong, "weak": weak}


def test_volunteers_for_an_opportunity(data):
    lines = run("--opportunity", str(data["opportunity"].pk))
    assert lines[0].startswith("Top 10 active volunteers for Backend developer")
    assert lines[1].split() == ["rank", "score", "skills", "hours", "availability", "interest", "name", "email"]
    # strong: skills 1, hours 1, availability 1 (no meeting times), interest 1 → 100.0
    assert lines[3].split() == [
        "1",
        "100.0",
        "1.000",
        "1.000",
        "1.000",
        "1.000",
        "Strong",
        "Match",
        "strong@example.com",
    ]
    # weak: Python 1 of 4 → 0.25·0.5 + 0.5·0.2 + 1·0.2 + 0.5·0.1 → 47.5
    assert lines[4].split() == ["2", "47.5", "0.250", "0.500", "1.000", "0.500", "Weak", "Match", "weak@example.com"]
    # "No Python" holds none of the skills asked: left out.
    assert "none@example.com" not in "\n".join(lines)
    assert lines[5:] == [
        "",
        "Why:",
        "   1. skills: Python 4 of 4 ✓; hours: 10 h/week ≥ 5 needed; availability: the project has no meeting "
        "times; interest: Developer is a role of interest".replace("Developer", data["opportunity"].role.title),
        "   2. skills: Python 1 of 4; hours: hours not given (5 h/week needed); availability: the project has no "
        "meeting times; interest: no roles or community of practice given",
    ]


def test_limit(data):
    lines = run("--opportunity", str(data["opportunity"].pk), "--limit", "1")
    assert lines[0].startswith("Top 1 active volunteers")
    assert len(lines) == 7 and "strong@example.com" in lines[3]


def test_opportunities_for_a_volunteer(data):
    f.OpportunityFactory(title="Draft posting")  # never listed
    lines = run("--volunteer", "STRONG@example.com")
    assert lines[0] == "Top 20 open opportunities for Strong Match <strong@example.com>"
    assert lines[1].split()[:9] == [
        "rank",
        "score",
        "skills",
        "hours",
        "availability",
        "interest",
        "title",
        "project",
        "id",
    ]
    assert len(lines) == 7  # header, rule, one row, blank, "Why:", one reason line
    assert lines[3].split()[:6] == ["1", "100.0", "1.000", "1.000", "1.000", "1.000"]
    assert "Backend developer" in lines[3] and str(data["opportunity"].pk) in lines[3]


def test_nothing_to_list(db):
    volunteer = f.VolunteerFactory(email="alone@example.com", status="inactive")
    assert run("--volunteer", volunteer.email)[-1] == "No open opportunities."
    assert run("--opportunity", str(f.OpportunityFactory().pk))[-1] == "No active volunteers."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--opportunity", "not-a-uuid"), '--opportunity: "not-a-uuid" is not an opportunity id (a UUID).'),
        (("--volunteer", "nobody@example.com"), '--volunteer: no volunteer with email "nobody@example.com".'),
        (("--opportunity", "{uuid}", "--limit", "0"), "--limit must be between 1 and 1000, not 0."),
    ],
)
def test_errors_say_what_was_wrong(db, args, message):
    args = tuple(arg.replace("{uuid}", str(uuid.uuid4())) for arg in args)
    with pytest.raises(CommandError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        run(*args)


def test_unknown_opportunity_id(db):
    missing = uuid.uuid4()
    with pytest.raises(CommandError, match=f'no opportunity with id "{missing}"'):
        run("--opportunity", str(missing))


def test_one_target_is_required(db):
    with pytest.raises(CommandError, match="one of the arguments --opportunity --volunteer is required"):
        run()
