"""The import service, kind by kind: create, update, unchanged, blank keeps, every error path,
all-or-nothing."""

import uuid
from datetime import date

import pytest

from server import models, services
from server.importing import run_import
from server.tabular.kinds import KINDS
from server.tabular.lookups import Lookups
from server.tabular.plan import check_headers, file_keys
from server.tabular.reading import read_file
from server.tests.factories import (
    ApplicationFactory,
    CommunityOfPracticeFactory,
    OpenOpportunityFactory,
    OpportunityFactory,
    UserFactory,
    VolunteerFactory,
)
from server.tests.tabular.files import DATA, OPPORTUNITY_HEADER, VOLUNTEER_HEADER, exported, run

pytestmark = pytest.mark.django_db


# --- the real catalog ---------------------------------------------------------------------


def test_the_shared_catalog_imports_into_an_empty_database_and_reimports_unchanged():
    expected = {"communities": 5, "roles": 23, "skills": 227, "projects": 22}
    for kind, count in expected.items():
        report = run(kind, (DATA / f"{kind}.csv").read_bytes())
        assert report.errors == []
        assert (report.new, report.updated, report.unchanged) == (count, 0, 0)
    assert models.CommunityOfPractice.objects.count() == 5
    assert models.Role.objects.count() == 23
    assert models.Skill.objects.count() == 227
    assert models.Project.objects.count() == 22
    for kind, count in expected.items():
        report = run(kind, (DATA / f"{kind}.csv").read_bytes())
        assert report.summary == f"new 0, updated 0, unchanged {count}, errors 0"
    for kind, count in expected.items():
        again = run(kind, exported(kind))
        assert again.summary == f"new 0, updated 0, unchanged {count}, errors 0", kind
    expunge = models.Project.objects.get(name="Expunge Assist")
    assert expunge.slug == "expunge-assist"
    assert "All Hands Meeting, Every 2nd Tuesday" in set(expunge.meeting_times.values_list("label", flat=True))


# --- header and file rules ----------------------------------------------------------------


def test_headers_match_in_any_case_and_order_with_spaces_bom_crlf_and_blank_lines():
    text = "\ufeff Description , NAME ,slug\r\nSecurity,Security,\r\n\r\n,,\r\nOps people,Ops,ops\r\n"
    report = run("communities", text.encode("utf-8"))
    assert report.errors == []
    assert report.new == 2
    assert models.CommunityOfPractice.objects.get(name="Security").slug == "security"
    assert models.CommunityOfPractice.objects.get(name="Ops").description == "Ops people"


def test_missing_and_unknown_columns_are_an_error_before_any_row():
    report = run("communities", "name,colour\nOps,blue\n")
    assert report.errors == [
        "row 1, header: missing columns slug, description",
        'row 1, header: unknown column "colour" (the communities columns are name, slug, description)',
    ]
    assert report.summary == "new 0, updated 0, unchanged 0, errors 2"
    assert models.CommunityOfPractice.objects.count() == 0


def test_a_file_that_is_not_utf8_is_a_clear_error():
    report = run("communities", "name,slug,description\nCaf\xe9,,\n".encode("latin-1"))
    assert report.errors and "not UTF-8" in report.errors[0]


def test_empty_file_and_duplicate_header():
    assert run("communities", "").errors == ["row 1, header: the file is empty"]
    assert 'the column "name" appears twice' in run("communities", "name,slug,description,name\n").errors[0]


def test_extra_cells_beyond_the_header_are_an_error():
    report = run("communities", "name,slug,description\nOps,ops,,surprise\n")
    assert report.errors == ["row 2: more cells than columns in the header"]


# --- communities, roles, skills -------------------------------------------------------------


def test_community_create_update_unchanged_and_blank_keeps():
    assert run("communities", "name,slug,description\nOps,ops-team,Keeps things up\n").new == 1
    report = run("communities", "name,slug,description\nops,,\n")
    assert report.summary == "new 0, updated 0, unchanged 1, errors 0"
    community = models.CommunityOfPractice.objects.get()
    assert (community.name, community.slug, community.description) == ("Ops", "ops-team", "Keeps things up")
    report = run("communities", "name,slug,description\nOps,,Runs things\n")
    assert report.summary == "new 0, updated 1, unchanged 0, errors 0"
    community.refresh_from_db()
    assert community.description == "Runs things" and community.slug == "ops-team"


def test_slug_clashes_are_errors():
    CommunityOfPracticeFactory(name="Ops", slug="ops")
    report = run("communities", "name,slug,description\nOperations,ops,\nOther,other,\nOther2,other,\n")
    assert report.errors == [
        'row 2, slug: "ops" is already used by an existing row',
        'row 4, slug: "other" is already used by row 3',
    ]
    assert models.CommunityOfPractice.objects.count() == 1


def test_roles_need_a_known_community_and_a_unique_key_in_the_file(people):
    report = run(
        "roles",
        "title,community_of_practice,description\nAnalyst,Data Science,\nAnalyst,data science,\nPilot,Aviation,\n",
    )
    assert report.errors == [
        'row 3, title: "Analyst" already appears in row 2',
        'row 4, community_of_practice: "Aviation" is not a community of practice',
    ]
    report = run("roles", "title,community_of_practice,description\nAnalyst,Data Science,Reads data\n")
    assert report.new == 1
    assert models.Role.objects.get(title="Analyst").community_of_practice == people["data"]
    report = run("roles", "title,community_of_practice,description\nAnalyst,,\n")
    assert report.errors == ["row 2, community_of_practice: is required"]


def test_skills_match_case_insensitively_and_set_their_communities(people):
    report = run("skills", "name,communities_of_practice,description\npython,Data Science; DevOps,\nRust,DevOps,\n")
    assert report.summary == "new 1, updated 1, unchanged 0, errors 0"
    python = models.Skill.objects.get(name__iexact="python")
    assert python.name == "Python"
    assert set(python.communities_of_practice.values_list("name", flat=True)) == {"Data Science", "DevOps"}
    report = run("skills", "name,communities_of_practice,description\nPython,Nowhere,\n")
    assert report.errors == ['row 2, communities_of_practice: "Nowhere" is not a community of practice']


# --- projects ----------------------------------------------------------------------------------


def test_projects_with_managers_meeting_times_and_history():
    pm = UserFactory(email="pm@example.org")
    organizer = UserFactory(email="boss@example.org")
    text = (
        "name,slug,status,website_url,repository_url,slack_channel,timezone,managers,meeting_times\n"
        "VRMS,,active,https://vrms.io,,#vrms,America/New_York,PM@example.org,"
        '"Tue 17:00-18:00 (All team); Thu 18:00-19:00"\n'
    )
    report = run("projects", text, user=organizer)
    assert report.summary == "new 1, updated 0, unchanged 0, errors 0"
    project = models.Project.objects.get(name="VRMS")
    assert project.slug == "vrms" and project.timezone == "America/New_York"
    assert list(project.managers.all()) == [pm]
    assert [str(m) for m in project.meeting_times.all()] == ["Tue 17:00-18:00 (All team)", "Thu 18:00-19:00"]
    record = project.history.get()
    assert record.history_user == organizer and record.history_change_reason == "CSV import"
    assert run("projects", text).unchanged == 1


def test_project_errors_name_row_column_and_value():
    text = (
        "name,slug,status,website_url,repository_url,slack_channel,timezone,managers,meeting_times\n"
        "A,,paused,,,,Mars/Base,nobody@example.org,Mon 25:00-26:00\n"
        "B,b b,active,ftp:/x,,,,,\n"
    )
    report = run("projects", text)
    assert report.errors == [
        'row 2, status: "paused" is not one of active, on_hold, completed, closed',
        'row 2, timezone: "Mars/Base" is not an IANA time zone (e.g. America/Los_Angeles)',
        'row 2, managers: "nobody@example.org" is not the email of a staff user',
        'row 2, meeting_times: "Mon 25:00-26:00" is not a time range',
        'row 3, slug: "b b" is not a slug (letters, digits, - and _ only)',
        'row 3, website_url: "ftp:/x" is not a URL',
    ]
    assert models.Project.objects.count() == 0


# --- volunteers --------------------------------------------------------------------------------


def test_volunteer_create_resolves_roles_within_the_community(people):
    text = (
        f"{VOLUNTEER_HEADER}\n"
        "Ana@Example.org,Ana,DevOps,Data Engineer; Site Reliability Engineer,advanced,10,Europe/London,"
        '"Mon 18:00-20:00; Sat 10:00-12:00",Python:4; docker:3,active\n'
    )
    report = run("volunteers", text)
    assert report.summary == "new 1, updated 0, unchanged 0, errors 0"
    ana = models.Volunteer.objects.get()
    assert ana.email == "ana@example.org"
    assert {(r.title, r.community_of_practice.name) for r in ana.roles.all()} == {
        ("Data Engineer", "DevOps"),
        ("Site Reliability Engineer", "DevOps"),
    }
    assert {(s.skill.name, s.level) for s in ana.skill_levels.all()} == {("Python", 4), ("Docker", 3)}
    assert [str(s) for s in ana.availability.all()] == ["Mon 18:00-20:00", "Sat 10:00-12:00"]
    assert ana.history.get().history_type == "+"
    assert run("volunteers", text).summary == "new 0, updated 0, unchanged 1, errors 0"
    assert run("volunteers", exported("volunteers")).summary == "new 0, updated 0, unchanged 1, errors 0"


def test_the_write_reports_the_rows_written_after_each_chunk(people):
    """What an import job shows while it writes: raw creates come in chunks of 10,000, updates
    in the ORM's batches; the last count is every row written, unchanged rows not counted."""
    rows = "".join(f"v{n}@example.org,V{n},,,,,,,Python:2,\n" for n in range(25_000))
    counts = []
    report = run("volunteers", f"{VOLUNTEER_HEADER}\n{rows}", written=counts.append)
    assert report.new == 25_000
    assert counts == [10_000, 20_000, 25_000]
    counts.clear()
    changed = "".join(f"v{n}@example.org,W{n},,,,,,,,\n" for n in range(3))
    report = run("volunteers", f"{VOLUNTEER_HEADER}\n{changed}v9@example.org,V9,,,,,,,,\n", written=counts.append)
    assert (report.updated, report.unchanged, counts) == (3, 1, [3])
    assert run("volunteers", "bad header\n", written=counts.append).errors and counts == [3]  # nothing written


def test_a_preview_checks_its_few_rows_against_only_the_stored_volunteers_they_name(people):
    """The admin previews the first rows of a file (a list in memory): with tens of thousands
    of volunteers stored it looks up the emails those rows name rather than loading them all,
    and says what the whole run would say about each row."""
    run("volunteers", f"{VOLUNTEER_HEADER}\nana@example.org,Ana,,,,,,,Python:2,\nbo@example.org,Bo,,,,,,,,\n")
    rows = " ANA@Example.org ,Ana Changed,,,,,,,,\ncy@example.org,Cy,,,,,,,,\nbo@example.org,Bo,,,,,,,,\n"
    text = f"{VOLUNTEER_HEADER}\n{rows}"
    headers, rows = read_file(text)
    rows = list(rows)
    previewed = run_import(kind="volunteers", headers=headers, rows=rows, dry_run=True)
    streamed = run_import(kind="volunteers", headers=headers, rows=iter(rows), dry_run=True)
    assert previewed.summary == streamed.summary == "new 1, updated 1, unchanged 1, errors 0"
    assert [row.action for row in previewed.preview] == [row.action for row in streamed.preview]
    kind = KINDS["volunteers"](lookups=Lookups())
    positions, _ = check_headers(KINDS["volunteers"], headers)
    assert file_keys(kind, positions, rows) == {"ana@example.org", "cy@example.org", "bo@example.org"}
    assert file_keys(kind, positions, iter(rows)) is None  # a stream is checked against every stored row
    assert set(kind.load_existing_keys({"ana@example.org"})) == {"ana@example.org"}
    assert (
        kind.load_existing_keys({"ana@example.org"})["ana@example.org"]["skills"]
        == kind.load_existing()["ana@example.org"]["skills"]
    )


def test_volunteer_role_is_ambiguous_without_a_community(people):
    report = run("volunteers", f"{VOLUNTEER_HEADER}\nbo@example.org,Bo,,Data Engineer,,,,,,\n")
    assert report.errors == [
        'row 2, roles: "Data Engineer" is a role in Data Science and DevOps: say which community of practice'
    ]


def test_volunteer_update_blank_keeps_and_changed_cells_replace(people):
    run(
        "volunteers",
        f'{VOLUNTEER_HEADER}\nana@example.org,Ana,DevOps,Data Engineer,beginner,5,,"Mon 18:00-20:00",Python:2,\n',
    )
    ana = models.Volunteer.objects.get()
    report = run("volunteers", f"{VOLUNTEER_HEADER}\nANA@example.org,,,,,,,,SQL:5; Python:3,inactive\n")
    assert report.summary == "new 0, updated 1, unchanged 0, errors 0"
    ana.refresh_from_db()
    assert (ana.name, ana.max_hours_per_week, ana.status) == ("Ana", 5, "inactive")
    assert ana.community_of_practice == people["devops"]
    assert [str(s) for s in ana.availability.all()] == ["Mon 18:00-20:00"]
    assert {(s.skill.name, s.level) for s in ana.skill_levels.all()} == {("SQL", 5), ("Python", 3)}
    assert ana.roles.get().community_of_practice == people["devops"]
    assert ana.history.count() == 2
    latest = ana.history.order_by("-history_id").first()
    assert (latest.history_type, latest.status, latest.name) == ("~", "inactive", "Ana")


def test_volunteer_error_paths_and_all_or_nothing(people):
    text = (
        f"{VOLUNTEER_HEADER}\n"
        "good@example.org,Good,,,,,,,,\n"
        "not-an-email,Bad,,,,,,,,\n"
        "lvl@example.org,Lvl,,,,,,,Python:7,\n"
        'slot@example.org,Slot,,,,,,"Mon 25:00-26:00",,\n'
        "hours@example.org,Hours,,,,41,,,,\n"
        "Good@example.org,Again,,,,,,,,\n"
        "role@example.org,Role,,Astronaut,,,,,,\n"
        "new@example.org,,,,,,,,,\n"
        "skill@example.org,Skill,,,,,,,Cobol:3,\n"
        "cop@example.org,Cop,Nowhere,,expert,,,,,\n"
    )
    report = run("volunteers", text)
    assert report.errors == [
        'row 3, email: "not-an-email" is not an email address',
        'row 4, skills: "Python:7" has a level that is not 1–5',
        'row 5, availability: "Mon 25:00-26:00" is not a time range',
        'row 6, max_hours_per_week: "41" is not between 1 and 40',
        'row 7, email: "Good@example.org" already appears in row 2',
        'row 8, roles: "Astronaut" is not a role',
        "row 9, name: is required for a new volunteer",
        'row 10, skills: "Cobol" is not a skill',
        'row 11, community_of_practice: "Nowhere" is not a community of practice',
        'row 11, experience_level: "expert" is not one of beginner, intermediate, advanced',
    ]
    assert report.summary == "new 0, updated 0, unchanged 0, errors 10"
    assert models.Volunteer.objects.count() == 0


def test_dry_run_reports_without_writing(people):
    report = run("volunteers", f"{VOLUNTEER_HEADER}\nana@example.org,Ana,,,,,,,,\n", dry_run=True)
    assert report.summary == "new 1, updated 0, unchanged 0, errors 0"
    assert models.Volunteer.objects.count() == 0


def test_formula_cells_are_escaped_on_export_and_reimport_unchanged(people):
    VolunteerFactory(email="eve@example.org", name='=HYPERLINK("http://evil")')
    text = exported("volunteers")
    assert "'=HYPERLINK" in text
    assert run("volunteers", text).summary == "new 0, updated 0, unchanged 1, errors 0"
    assert models.Volunteer.objects.get().name == '=HYPERLINK("http://evil")'


# --- opportunities -----------------------------------------------------------------------------


def test_opportunity_create_defaults_title_and_needs_the_community_when_the_role_is_ambiguous(people):
    organizer = UserFactory(email="boss@example.org")
    text = (
        f"{OPPORTUNITY_HEADER}\n"
        ",Food Oasis,Data Engineer,DevOps,,open,advanced,6,remote,2,"
        "Python:3; SQL:2,Docker:1,- build pipelines,2030-01-31\n"
        ",Food Oasis,Data Engineer,,,,,,,,,,,\n"
        ",Food Oasis,Site Reliability Engineer,,,,,,,,Python:3,python:2,,\n"
        ",Food Oasis,Site Reliability Engineer,Data Science,,,,,,,,,,\n"
        ",Nowhere,Site Reliability Engineer,,,,,0,,0,,,,soon\n"
    )
    report = run("opportunities", text, user=organizer)
    assert report.errors == [
        'row 3, role: "Data Engineer" is a role in Data Science and DevOps: say which community of practice',
        'row 4, preferred_skills: "Python" is both required and preferred',
        'row 5, role: "Site Reliability Engineer" is not a role in Data Science',
        'row 6, project: "Nowhere" is not a project',
        'row 6, min_hours_per_week: "0" is not between 1 and 40',
        'row 6, positions: "0" is not between 1 and 1000',
        'row 6, expires_on: "soon" is not a date (use YYYY-MM-DD)',
    ]
    report = run("opportunities", "\n".join(text.splitlines()[:2]) + "\n", user=organizer)
    assert report.summary == "new 1, updated 0, unchanged 0, errors 0"
    opportunity = models.Opportunity.objects.get()
    assert opportunity.title == "Data Engineer"
    assert opportunity.role.community_of_practice == people["devops"]
    assert opportunity.status == "open" and opportunity.published_at is not None
    assert opportunity.created_by == organizer
    assert opportunity.body == "- build pipelines" and opportunity.expires_on == date(2030, 1, 31)
    assert {(s.skill.name, s.level, s.kind) for s in opportunity.skill_requirements.all()} == {
        ("Python", 3, "required"),
        ("SQL", 2, "required"),
        ("Docker", 1, "preferred"),
    }
    text = exported("opportunities")
    assert "'- build pipelines" in text
    assert run("opportunities", text).summary == "new 0, updated 0, unchanged 1, errors 0"


def test_opportunity_update_by_id_follows_the_status_rules(people):
    opportunity = OpportunityFactory(project=models.Project.objects.get(), role=models.Role.objects.first())
    row = f"{opportunity.id},,,,,{{status}},,,,,,,,\n"
    report = run("opportunities", OPPORTUNITY_HEADER + "\n" + row.format(status="filled"))
    assert report.errors == [f'row 2, status: Cannot mark as filled "{opportunity.title}": it is draft.']
    report = run("opportunities", OPPORTUNITY_HEADER + "\n" + row.format(status="open"))
    assert report.summary == "new 0, updated 1, unchanged 0, errors 0"
    opportunity.refresh_from_db()
    assert opportunity.status == "open" and opportunity.published_at is not None
    report = run("opportunities", OPPORTUNITY_HEADER + "\n" + row.format(status="closed"))
    opportunity.refresh_from_db()
    assert opportunity.closed_at is not None
    assert opportunity.history.count() == 3


def test_opportunity_open_past_expiry_is_refused_as_publishing_it_is(people):
    """The import goes through services.check_transition: the message is opportunity_publish's."""
    project, role = models.Project.objects.get(), models.Role.objects.first()
    cop = role.community_of_practice.name
    text = f"{OPPORTUNITY_HEADER}\n,{project.name},{role.title},{cop},Old,open,,,,,,,,2020-01-31\n"
    report = run("opportunities", text)
    draft = OpportunityFactory(project=project, role=role, title="Old", expires_on=date(2020, 1, 31))
    with pytest.raises(services.ServiceError) as refused:
        services.opportunity_publish(opportunity=draft)
    assert report.errors == [f"row 2, status: {refused.value.messages[0]}"]
    assert refused.value.messages[0] == 'Cannot publish "Old": it expired on 2020-01-31. Change the expiry date first.'
    update = f"{OPPORTUNITY_HEADER}\n{draft.id},,,,,open,,,,,,,,\n"
    assert run("opportunities", update).errors == [f"row 2, status: {refused.value.messages[0]}"]
    assert models.Opportunity.objects.get().status == "draft"


def test_opportunity_with_an_unknown_id_is_created_with_that_id(people):
    new_id = uuid.uuid4()
    text = f"{OPPORTUNITY_HEADER}\n{new_id},Food Oasis,Site Reliability Engineer,,,,,,,,,,,\n"
    assert run("opportunities", text).new == 1
    assert models.Opportunity.objects.filter(pk=new_id).exists()
    assert run("opportunities", text).unchanged == 1
    assert run("opportunities", f"{OPPORTUNITY_HEADER}\nnot-a-uuid,,,,,,,,,,,,,\n").errors == [
        'row 2, id: "not-a-uuid" is not an id (a UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427)'
    ]


# --- applications ------------------------------------------------------------------------------


def test_applications_are_recorded_with_source_import():
    opportunity = OpenOpportunityFactory()
    volunteer = VolunteerFactory(email="ana@example.org")
    text = f"opportunity_id,volunteer_email,status,message\n{opportunity.id},ANA@example.org,,Hello\n"
    assert run("applications", text).summary == "new 1, updated 0, unchanged 0, errors 0"
    application = models.Application.objects.get()
    assert (application.volunteer, application.source, application.status) == (volunteer, "import", "new")
    assert run("applications", exported("applications")).unchanged == 1
    report = run(
        "applications", f"opportunity_id,volunteer_email,status,message\n{opportunity.id},ana@example.org,contacted,\n"
    )
    assert report.updated == 1
    application.refresh_from_db()
    assert application.status == "contacted" and application.message == "Hello"


def test_application_references_must_exist():
    ApplicationFactory()
    missing = uuid.uuid4()
    report = run(
        "applications",
        f"opportunity_id,volunteer_email,status,message\n{missing},nobody@example.org,new,\n",
    )
    assert report.errors == [
        f'row 2, opportunity_id: "{missing}" is not an opportunity',
        'row 2, volunteer_email: "nobody@example.org" is not a volunteer',
    ]
