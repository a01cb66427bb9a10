"""Demo data: the real Hack for LA catalog plus generated, plausible people and postings.

Generation is deterministic for a seed and idempotent: rows are identified by stable keys
(catalog names, `volunteerNNNNNN@example.net`, UUIDs drawn from the seeded generator), so a
second run finds them all and adds nothing. Writes go through bulk_create in batches so
100k volunteers take seconds, not minutes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from server import services
from server.groups import ensure_groups
from server.importing import bulk_write_settings, import_file, insert_rows
from server.models import (
    Application,
    AvailabilitySlot,
    CommunityOfPractice,
    Opportunity,
    OpportunitySkill,
    Project,
    Role,
    Skill,
    User,
    Volunteer,
    VolunteerSkill,
)

CATALOG_DIR = Path(__file__).resolve().parent / "fixtures" / "catalog"
BATCH = 2000
DEMO_PM_PROJECTS = {"pm@example.org": ["Civic Tech Jobs", "Food Oasis"], "pm2@example.org": ["VRMS"]}
VOLUNTEER_TIMEZONES = [
    ("America/Los_Angeles", 60),
    ("America/Denver", 8),
    ("America/Chicago", 10),
    ("America/New_York", 15),
    ("Europe/London", 3),
    ("Asia/Kolkata", 4),
]
FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Isla",
    "Jamal",
    "Kira",
    "Luis",
    "Maya",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wen",
    "Yara",
    "Zoe",
]
LAST_NAMES = [
    "Nguyen",
    "Garcia",
    "Kim",
    "Patel",
    "Johnson",
    "Okafor",
    "Rossi",
    "Chen",
    "Silva",
    "Haddad",
    "Novak",
    "Brown",
    "Ito",
    "Lopez",
    "Martin",
    "Singh",
    "Walker",
    "Cohen",
    "Reyes",
    "Ahmed",
]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.created[name] = self.created.get(name, 0) + count

    def __str__(self) -> str:
        parts = [f"{name} {count}" for name, count in self.created.items()]
        return "created: " + (", ".join(parts) if parts else "nothing (already seeded)")


CATALOG_KINDS = ("communities", "roles", "skills", "projects")


@transaction.atomic
def load_catalog(report: SeedReport) -> None:
    """Communities, roles, skills and projects (with meeting times) from the shipped CSVs,
    through the same import as `import_csv`, so there is one loader and one set of rules."""
    for kind in CATALOG_KINDS:
        result = import_file(kind=kind, data=(CATALOG_DIR / f"{kind}.csv").read_bytes())
        if result.errors:
            raise ValueError(f"the shipped {kind}.csv does not import: " + "; ".join(result.errors[:5]))
        if result.new:
            report.add(kind, result.new)


@transaction.atomic
def ensure_accounts(*, password: str, report: SeedReport) -> None:
    """The demo accounts of DESIGN.md. Existing accounts keep their password."""
    organizers, managers = ensure_groups()
    if not User.objects.filter(email="admin@example.org").exists():
        admin = User.objects.create_superuser("admin@example.org", password, first_name="Ada", last_name="Admin")
        admin.groups.add(organizers)
        report.add("users", 1)
    names = {"pm@example.org": ("Pat", "Manager"), "pm2@example.org": ("Robin", "Manager")}
    for email, project_names in DEMO_PM_PROJECTS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            first, last = names[email]
            user = User.objects.create_user(email, password, is_staff=True, first_name=first, last_name=last)
            report.add("users", 1)
        user.groups.add(managers)
        for project in Project.objects.filter(name__in=project_names):
            project.managers.add(user)


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=False)
    return rng.choices(values, weights=weights)[0]


def _availability(rng: random.Random) -> list[tuple[int, int, int]]:
    """1–3 weekly windows, mostly weekday evenings and weekend days, in 30-minute steps."""
    slots = []
    for weekday in rng.sample(range(7), rng.randint(1, 3)):
        if weekday < 5:
            start = rng.choice(range(16 * 60, 20 * 60 + 1, 30))
        else:
            start = rng.choice(range(9 * 60, 16 * 60 + 1, 30))
        length = rng.choice((60, 90, 120, 180, 240))
        slots.append((weekday, start, min(start + length, 24 * 60)))
    return slots


def generate_volunteers(*, count: int, rng: random.Random, report: SeedReport) -> None:
    communities = list(CommunityOfPractice.objects.all())
    roles_by_cop = {}
    for role in Role.objects.all():
        roles_by_cop.setdefault(role.community_of_practice_id, []).append(role.pk)
    skills_by_cop = {}
    for skill_id, cop_id in Skill.communities_of_practice.through.objects.values_list(
        "skill_id", "communityofpractice_id"
    ):
        skills_by_cop.setdefault(cop_id, []).append(skill_id)
    existing = set(Volunteer.objects.filter(email__endswith="@example.net").values_list("email", flat=True))
    now = timezone.now()
    volunteers, skills, slots, role_links = [], [], [], []
    through = Volunteer.roles.through
    for i in range(count):
        # Draw everything for every index so the data of index i never depends on what exists.
        email = f"volunteer{i:06d}@example.net"
        cop = rng.choice(communities)
        key = uuid.UUID(int=rng.getrandbits(128), version=4)
        volunteer = (
            key,
            email,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            cop.pk,
            _weighted(rng, [("beginner", 4), ("intermediate", 4), ("advanced", 2)]),
            rng.choice([None, 4, 5, 6, 8, 10, 10, 12, 15, 20]),
            _weighted(rng, VOLUNTEER_TIMEZONES),
            Volunteer.Status.ACTIVE if rng.random() < 0.85 else Volunteer.Status.INACTIVE,
            "",
            now - timedelta(days=rng.randint(0, 720)),
            now,
        )
        picked_skills = rng.sample(skills_by_cop[cop.pk], min(len(skills_by_cop[cop.pk]), rng.randint(1, 5)))
        picked_roles = rng.sample(roles_by_cop[cop.pk], rng.randint(1, 2))
        availability = _availability(rng)
        levels = [rng.randint(1, 5) for _ in picked_skills]
        if email in existing:
            continue
        volunteers.append(volunteer)
        skills += [(key, s, n) for s, n in zip(picked_skills, levels, strict=True)]
        slots += [(key, d, a, b) for d, a, b in availability]
        role_links += [(key, r) for r in picked_roles]
    with transaction.atomic(), bulk_write_settings(Volunteer, rows=len(volunteers)):
        insert_rows(
            Volunteer,
            ["id", "email", "name", "community_of_practice_id", "experience_level", "max_hours_per_week", "timezone"]
            + ["status", "notes", "created_at", "updated_at"],
            volunteers,
        )
        insert_rows(VolunteerSkill, ["volunteer_id", "skill_id", "level"], skills)
        insert_rows(AvailabilitySlot, ["volunteer_id", "weekday", "start", "end"], slots)
        insert_rows(through, ["volunteer_id", "role_id"], role_links)
    report.add("volunteers", len(volunteers))


OPPORTUNITY_STATUSES = [("open", 60), ("draft", 12), ("on_hold", 8), ("filled", 12), ("closed", 8)]
BODY = (
    "Join the {project} team as a {role}. You will work with a small cross-functional team, "
    "pair with experienced volunteers and ship work that serves Los Angeles residents. "
    "We meet weekly online; most work is asynchronous."
)


def generate_opportunities(*, count: int, rng: random.Random, report: SeedReport) -> None:
    projects = list(Project.objects.order_by("name"))
    roles = list(Role.objects.select_related("community_of_practice").order_by("title", "community_of_practice__name"))
    skills_by_cop = {}
    for skill_id, cop_id in Skill.communities_of_practice.through.objects.values_list(
        "skill_id", "communityofpractice_id"
    ):
        skills_by_cop.setdefault(cop_id, []).append(skill_id)
    author = User.objects.filter(email="admin@example.org").first()
    existing = set(Opportunity.objects.values_list("id", flat=True))
    now = timezone.now()
    opportunities, requirements = [], []
    for _ in range(count):
        pk = uuid.UUID(int=rng.getrandbits(128), version=4)
        project, role = rng.choice(projects), rng.choice(roles)
        status = _weighted(rng, OPPORTUNITY_STATUSES)
        created = now - timedelta(days=rng.randint(1, 180), minutes=rng.randint(0, 1440))
        published = None if status == "draft" else created + timedelta(days=rng.randint(0, 3))
        published = min(published, now) if published else None
        opportunity = Opportunity(
            id=pk,
            project=project,
            role=role,
            title=Opportunity.default_title("", role.title),  # untitled, as save() would title it
            body=BODY.format(project=project.name, role=role.title),
            experience_level=_weighted(rng, [("beginner", 4), ("intermediate", 4), ("advanced", 2)]),
            min_hours_per_week=rng.choice([2, 4, 5, 6, 8, 10, 12, 15]),
            work_environment=_weighted(rng, [("remote", 8), ("hybrid", 1), ("in_person", 1)]),
            positions=rng.choice([1, 1, 1, 2, 3]),
            status=status,
            expires_on=(now + timedelta(days=rng.randint(30, 180))).date() if rng.random() < 0.3 else None,
            **services.editor_stamp(by=author, new=True),
            published_at=published,
            filled_at=published + timedelta(days=rng.randint(3, 60)) if status == "filled" else None,
            closed_at=published + timedelta(days=rng.randint(10, 90)) if status == "closed" and published else None,
            created_at=created,
        )
        if opportunity.filled_at and opportunity.filled_at > now:
            opportunity.filled_at = now
        if opportunity.closed_at and opportunity.closed_at > now:
            opportunity.closed_at = now
        pool = skills_by_cop.get(role.community_of_practice_id, [])
        picked = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
        kinds = ["required"] * min(len(picked), rng.randint(1, 3))
        kinds += ["preferred"] * (len(picked) - len(kinds))
        levels = [rng.randint(1, 4) for _ in picked]
        if pk in existing:
            continue
        opportunities.append(opportunity)
        requirements += [(pk, s, k, n) for s, k, n in zip(picked, kinds, levels, strict=True)]
    with transaction.atomic(), bulk_write_settings(Opportunity, rows=len(opportunities)):
        Opportunity.objects.bulk_create(opportunities, batch_size=BATCH)
        insert_rows(OpportunitySkill, ["opportunity_id", "skill_id", "kind", "level"], requirements)
    report.add("opportunities", len(opportunities))


def generate_applications(*, rng: random.Random, report: SeedReport, per_opportunity: int = 4) -> None:
    """A few applicants on published postings, at plausible stages of the pipeline."""
    opportunities = list(
        Opportunity.objects.exclude(status="draft")
        .order_by("created_at", "id")
        .values_list("id", "published_at", "status")
    )
    volunteer_ids = list(Volunteer.objects.order_by("email").values_list("id", flat=True))
    if not volunteer_ids:
        return
    now = timezone.now()
    applications = []
    for opportunity_id, published_at, status in opportunities:
        count = rng.randint(0, per_opportunity)
        for volunteer_id in rng.sample(volunteer_ids, min(count, len(volunteer_ids))):
            applied = published_at + timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 1440))
            stage = (
                "onboarded"
                if status == "filled" and rng.random() < 0.5
                else _weighted(
                    rng,
                    [
                        ("new", 5),
                        ("contacted", 2),
                        ("interviewing", 2),
                        ("onboarded", 1),
                        ("declined", 1),
                        ("withdrawn", 1),
                    ],
                )
            )
            applications.append(
                Application(
                    opportunity_id=opportunity_id,
                    volunteer_id=volunteer_id,
                    status=stage,
                    source=_weighted(rng, [("api", 8), ("admin", 1), ("import", 1)]),
                    message="I'd love to help." if rng.random() < 0.5 else "",
                    created_at=min(applied, now),
                )
            )
    before = Application.objects.count()
    with transaction.atomic():
        Application.objects.bulk_create(applications, batch_size=BATCH, ignore_conflicts=True)
    report.add("applications", Application.objects.count() - before)


def seed_demo(*, password: str, volunteers: int, opportunities: int, seed: int) -> SeedReport:
    report = SeedReport()
    load_catalog(report)
    ensure_accounts(password=password, report=report)
    rng = random.Random(seed)
    generate_volunteers(count=volunteers, rng=random.Random(rng.getrandbits(64)), report=report)
    generate_opportunities(count=opportunities, rng=random.Random(rng.getrandbits(64)), report=report)
    generate_applications(rng=random.Random(rng.getrandbits(64)), report=report)
    return report
