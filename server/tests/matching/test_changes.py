"""The compact tables stay correct after every kind of write: seed_demo, the CSV importer (its
raw bulk writer), the API, the admin, and plain ORM writes (save, QuerySet.update, delete,
bulk_create, many-to-many). After each write both rankings are compared with the naive
version: every candidate scored one by one with the pure functions, read through the ORM."""

import random

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from server import matching
from server.importing import import_file
from server.matching import changes, scoring, triggers
from server.models import (
    AvailabilitySlot,
    MatchChange,
    Opportunity,
    Skill,
    Volunteer,
    VolunteerSkill,
)
from server.schedule import schedule_to_utc
from server.seeding import seed_demo
from server.tests import factories as f

pytestmark = pytest.mark.django_db


# --- the naive versions ---------------------------------------------------------------------------


def need_of(opportunity: Opportunity, reference) -> matching.Need:
    kinds = {"required": {}, "preferred": {}}
    for requirement in opportunity.skill_requirements.all():
        kinds[requirement.kind][requirement.skill_id] = requirement.level
    project = opportunity.project
    return matching.Need(
        min_hours=opportunity.min_hours_per_week,
        role_id=opportunity.role_id,
        role_community_id=opportunity.role.community_of_practice_id,
        required=kinds["required"],
        preferred=kinds["preferred"],
        meetings=schedule_to_utc([m.slot for m in project.meeting_times.all()], project.timezone, reference),
    )


def naive_volunteers(opportunity, limit):
    reference = scoring.reference_date()
    need = need_of(opportunity, reference)
    found = []
    for volunteer in Volunteer.objects.filter(status=Volunteer.Status.ACTIVE):
        value, breakdown = matching.score(profile=matching.saved_profile(volunteer), need=need, reference=reference)
        if matching.is_match(need=need, breakdown=breakdown):
            found.append(((-value, volunteer.name.casefold(), volunteer.name, volunteer.email), volunteer.pk, value))
    return [(pk, value) for _, pk, value in sorted(found)[:limit]]


def naive_opportunities(profile, limit):
    reference = scoring.reference_date()
    found = []
    for opportunity in Opportunity.objects.public().select_related("project", "role"):
        need = need_of(opportunity, reference)
        value, breakdown = matching.score(profile=profile, need=need, reference=reference)
        if matching.is_match(need=need, breakdown=breakdown):
            key = (-value, -opportunity.published_at.timestamp(), opportunity.pk.hex)
            found.append((key, opportunity.pk, value))
    return [(pk, value) for _, pk, value in sorted(found)[:limit]]


def assert_rankings_agree(rng, label, limit=100):
    """Every public posting's ranking of volunteers, and the ranking of postings for a few
    volunteers (the most recently created among them, whom the last write touched)."""
    for opportunity in Opportunity.objects.public().order_by("pk"):
        got = [(m.volunteer.pk, m.score) for m in matching.rank_volunteers(opportunity=opportunity, limit=limit)]
        assert got == naive_volunteers(opportunity, limit), label
    people = list(Volunteer.objects.order_by("pk"))
    latest = list(Volunteer.objects.order_by("-created_at", "pk")[:2])
    for volunteer in [*rng.sample(people, min(3, len(people))), *latest]:
        profile = matching.saved_profile(volunteer)
        got = [(m.opportunity.pk, m.score) for m in matching.rank_opportunities(profile=profile, limit=limit)]
        assert got == naive_opportunities(profile, limit), label


# --- every write path -------------------------------------------------------------------------------


@pytest.fixture
def organizer_api(organizer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=organizer)[0].key}")
    return client


def test_triggers_are_installed():
    from django.db import connection

    assert triggers.installed(connection) == triggers.EXPECTED


def test_rankings_equal_the_naive_version_after_every_kind_of_write(organizer_client, organizer_api):
    rng = random.Random(20261201)
    seed_demo(password="not-used-here", volunteers=25, opportunities=12, seed=3)
    assert_rankings_agree(rng, "after seed_demo")

    skills = list(Skill.objects.order_by("name").values_list("name", flat=True)[:6])
    header = (
        "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status"
    )
    lines = [
        f"csv{i}@example.com,Csv Person {i},,,beginner,{rng.randint(1, 40)},America/New_York,"
        f'"Mon {rng.randint(8, 20)}:00-22:00; Thu 18:00-19:30",'
        f'"{skills[i % 6]}:{rng.randint(1, 5)}; {skills[(i + 1) % 6]}:{rng.randint(1, 5)}",active'
        for i in range(12)
    ]
    report = import_file(kind="volunteers", data="\n".join([header, *lines]) + "\n")
    assert not report.errors, report.errors
    assert_rankings_agree(rng, "after a CSV import of new volunteers")
    # The same people again with other levels and hours: the update path of the importer.
    changed = [line.replace("America/New_York", "Europe/Berlin").replace(":5", ":1") for line in lines]
    report = import_file(kind="volunteers", data="\n".join([header, *changed]) + "\n")
    assert not report.errors, report.errors
    assert_rankings_agree(rng, "after a CSV re-import changing volunteers")

    project = f.ProjectFactory(timezone="America/Los_Angeles")
    f.MeetingTimeFactory(project=project, weekday=0, start=18 * 60, end=20 * 60)
    role = f.RoleFactory()
    response = organizer_api.post(
        "/api/opportunities/",
        {
            "project": project.slug,
            "role": role.pk,
            "status": "open",
            "min_hours_per_week": 4,
            "required_skills": [{"name": skills[0], "level": 3}],
            "preferred_skills": [{"name": skills[1], "level": 2}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()["id"]
    assert_rankings_agree(rng, "after an API create")
    response = organizer_api.patch(
        f"/api/opportunities/{created}/", {"required_skills": [{"name": skills[2], "level": 5}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert_rankings_agree(rng, "after an API patch of skills")

    held = Opportunity.objects.public().order_by("pk")[0]
    response = organizer_client.post(
        reverse("admin:server_opportunity_changelist"), {"action": "hold_selected", "_selected_action": [held.pk]}
    )
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=held.pk).status == Opportunity.Status.ON_HOLD
    assert_rankings_agree(rng, "after an admin action holding a posting")
    gone = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).order_by("pk")[0]
    response = organizer_client.post(reverse("admin:server_volunteer_delete", args=[gone.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Volunteer.objects.filter(pk=gone.pk).exists()
    assert_rankings_agree(rng, "after an admin delete")

    Volunteer.objects.filter(email__startswith="csv1").update(status=Volunteer.Status.INACTIVE)
    VolunteerSkill.objects.filter(volunteer__email__startswith="csv2").update(level=5)
    AvailabilitySlot.objects.filter(volunteer__email__startswith="csv3").delete()
    person = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).order_by("-pk")[0]
    person.roles.set([role])
    person.max_hours_per_week = 1
    person.save()
    newcomers = Volunteer.objects.bulk_create(
        [Volunteer(email=f"bulk{i}@example.com", name=f"Bulk {i}", timezone="Asia/Kolkata") for i in range(5)]
    )
    VolunteerSkill.objects.bulk_create(
        [VolunteerSkill(volunteer=v, skill=Skill.objects.get(name=skills[2]), level=4) for v in newcomers]
    )
    Opportunity.objects.filter(pk=created).update(min_hours_per_week=1)
    assert_rankings_agree(rng, "after QuerySet.update, delete, m2m set, save and bulk_create")


def test_a_rolled_back_write_is_not_seen(django_db_blocker):
    """A snapshot that saw rows later rolled back (a failed import's savepoint) is rebuilt."""
    from django.db import transaction

    python = f.SkillFactory(name="Python")
    opportunity = f.OpenOpportunityFactory()
    f.OpportunitySkillFactory(opportunity=opportunity, skill=python, level=3)
    keeper = f.VolunteerFactory(name="Keeper")
    f.VolunteerSkillFactory(volunteer=keeper, skill=python, level=3)
    assert [m.volunteer for m in matching.rank_volunteers(opportunity=opportunity)] == [keeper]
    try:
        with transaction.atomic():
            ghost = f.VolunteerFactory(name="Ghost")
            f.VolunteerSkillFactory(volunteer=ghost, skill=python, level=5)
            assert [m.volunteer.name for m in matching.rank_volunteers(opportunity=opportunity)] == ["Ghost", "Keeper"]
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert [m.volunteer for m in matching.rank_volunteers(opportunity=opportunity)] == [keeper]


def test_many_changes_rebuild_the_table(monkeypatch):
    monkeypatch.setattr(changes, "REBUILD_AFTER", 3)
    python = f.SkillFactory(name="Python")
    opportunity = f.OpenOpportunityFactory()
    f.OpportunitySkillFactory(opportunity=opportunity, skill=python, level=3)
    matching.rank_volunteers(opportunity=opportunity)
    people = [f.VolunteerFactory(name=f"Person {i}") for i in range(6)]
    for person in people:
        f.VolunteerSkillFactory(volunteer=person, skill=python, level=3)
    assert MatchChange.objects.count() >= 12
    found = matching.rank_volunteers(opportunity=opportunity)
    assert [m.volunteer for m in found] == people
    snapshot = changes.current(changes.VOLUNTEERS)
    assert snapshot.overlay == {} and snapshot.table.size == 6  # rebuilt, not patched


def volunteers_file(count: int, skill: str) -> str:
    header = (
        "email,name,community_of_practice,roles,experience_level,max_hours_per_week,timezone,availability,skills,status"
    )
    lines = [f"bulk{i}@example.com,Bulk {i},,,beginner,10,UTC,,{skill}:3,active" for i in range(count)]
    return "\n".join([header, *lines]) + "\n"


def test_a_large_import_is_logged_as_one_change(monkeypatch):
    """Past what a refresh follows one by one, the importer's write logs one EVERYTHING row
    instead of a row per volunteer, skill, slot and role; the triggers are back afterwards."""
    from django.db import connection

    monkeypatch.setattr(changes, "REBUILD_AFTER", 3)
    python = f.SkillFactory(name="Python")
    opportunity = f.OpenOpportunityFactory()
    f.OpportunitySkillFactory(opportunity=opportunity, skill=python, level=3)
    assert matching.rank_volunteers(opportunity=opportunity) == []
    before = MatchChange.objects.order_by("-pk").values_list("pk", flat=True).first()

    report = import_file(kind="volunteers", data=volunteers_file(6, "Python"))

    assert not report.errors and report.new == 6
    logged = list(MatchChange.objects.filter(pk__gt=before).values_list("kind", "object_id"))
    assert logged == [("v", triggers.EVERYTHING)]
    assert triggers.installed(connection) == triggers.EXPECTED
    assert sorted(m.volunteer.name for m in matching.rank_volunteers(opportunity=opportunity)) == [
        f"Bulk {i}" for i in range(6)
    ]
    snapshot = changes.current(changes.VOLUNTEERS)
    assert snapshot.overlay == {} and snapshot.table.size == 6  # rebuilt from the EVERYTHING row
    f.VolunteerFactory(name="After")  # the triggers log one by one again
    assert MatchChange.objects.filter(pk__gt=before).exclude(object_id=triggers.EVERYTHING).exists()


def test_a_small_import_is_logged_row_by_row():
    before = MatchChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    f.SkillFactory(name="Python")

    report = import_file(kind="volunteers", data=volunteers_file(2, "Python"))

    assert not report.errors and report.new == 2
    logged = {
        value.replace("-", "")
        for value in MatchChange.objects.filter(pk__gt=before, kind="v").values_list("object_id", flat=True)
    }
    assert logged == {pk.hex for pk in Volunteer.objects.values_list("pk", flat=True)}


def test_a_rolled_back_bulk_write_keeps_the_triggers_and_logs_nothing():
    from django.db import connection, transaction

    before = MatchChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), triggers.logged_as_one_change(Volunteer, using="default"):
        raise RuntimeError("the write failed")
    assert triggers.installed(connection) == triggers.EXPECTED
    assert MatchChange.objects.count() == before
    f.VolunteerFactory()
    assert MatchChange.objects.count() > before  # still logging


@pytest.mark.django_db(transaction=True)
def test_a_bulk_write_needs_the_callers_transaction():
    with pytest.raises(RuntimeError, match="transaction"), triggers.logged_as_one_change(Volunteer, using="default"):
        pass


@pytest.mark.django_db(transaction=True)
def test_writers_do_not_wait_for_each_other_and_the_log_stays_in_commit_order():
    """Two transactions write volunteers; the one that started first commits last. On
    PostgreSQL the second does not wait for the first (it would, within its lock timeout, if the
    log's lock were taken when a row is written), and the log lists the two in commit order, so
    a reader that has read up to one id never sees an older id appear later."""
    import threading

    from django.db import connection, transaction

    started, let_go = threading.Event(), threading.Event()
    slow = {}

    def slow_writer():
        try:
            with transaction.atomic():
                slow["pk"] = Volunteer.objects.create(email="slow@example.org", name="Slow").pk
                started.set()
                let_go.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert started.wait(10)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                fast = Volunteer.objects.create(email="fast@example.org", name="Fast")
            else:  # SQLite has one writer at a time: the second writes once the first is done
                let_go.set()
                writer.join()
                fast = Volunteer.objects.create(email="fast@example.org", name="Fast")
    finally:
        let_go.set()
        writer.join()
    # object_id is the key as the database spells it (a UUID's hex on SQLite).
    rows = MatchChange.objects.filter(kind="v").values_list("object_id", "pk")
    logged = {key.replace("-", ""): pk for key, pk in rows}
    first, last = (fast.pk, slow["pk"]) if connection.vendor == "postgresql" else (slow["pk"], fast.pk)
    assert logged[first.hex] < logged[last.hex]
