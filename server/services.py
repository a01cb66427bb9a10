"""State changes shared by the admin, the API and the commands.

Every rule about how an opportunity moves between statuses, and how a volunteer applies,
lives here once. Callers pass keyword arguments and get the changed object back, or a
`ServiceError` whose message can be shown to a person as it is.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from server.models import Application, Opportunity, Volunteer

Status = Opportunity.Status

# Which status may follow which. A closed posting is finished; duplicate it to post again.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.OPEN, Status.CLOSED},
    Status.OPEN: {Status.ON_HOLD, Status.FILLED, Status.CLOSED},
    Status.ON_HOLD: {Status.OPEN, Status.FILLED, Status.CLOSED},
    Status.FILLED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}

_VERBS = {
    Status.OPEN: "publish",
    Status.ON_HOLD: "put on hold",
    Status.FILLED: "mark as filled",
    Status.CLOSED: "close",
    Status.DRAFT: "return to draft",
}


class ServiceError(ValidationError):
    """A business rule said no. The message is meant for the person who asked."""


def can_transition(opportunity: Opportunity, to: str) -> bool:
    return to in ALLOWED_TRANSITIONS[opportunity.status]


def stamp_status_change(*, opportunity: Opportunity, to: str, now) -> None:
    """Set the timestamp that moving to `to` records (no save). Shared with the CSV import."""
    if to == Status.OPEN and opportunity.published_at is None:
        opportunity.published_at = now
    elif to == Status.FILLED:
        opportunity.filled_at = now
    elif to == Status.CLOSED:
        opportunity.closed_at = now


@transaction.atomic
def opportunity_transition(*, opportunity: Opportunity, to: str, by=None) -> Opportunity:
    """Move an opportunity to status `to`, stamping published_at / filled_at / closed_at."""
    if to not in Status.values:
        raise ServiceError(f'"{to}" is not an opportunity status.')
    current = opportunity.status
    if to == current:
        raise ServiceError(f'"{opportunity.title}" is already {Status(current).label.lower()}.')
    if not can_transition(opportunity, to):
        raise ServiceError(f'Cannot {_VERBS[to]} "{opportunity.title}": it is {Status(current).label.lower()}.')
    if to == Status.OPEN and opportunity.is_expired:
        raise ServiceError(
            f'Cannot publish "{opportunity.title}": it expired on {opportunity.expires_on:%Y-%m-%d}. '
            "Change the expiry date first."
        )
    opportunity.status = to
    stamp_status_change(opportunity=opportunity, to=to, now=timezone.now())
    if by is not None:
        opportunity.updated_by = by
    opportunity.save()
    if to == Status.OPEN:
        from server.alerts.digests import on_opportunity_published

        on_opportunity_published(opportunity=opportunity)  # volunteer alerts, after commit
    return opportunity


def opportunity_publish(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.OPEN, by=by)


def opportunity_hold(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.ON_HOLD, by=by)


def opportunity_fill(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.FILLED, by=by)


def opportunity_close(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.CLOSED, by=by)


@transaction.atomic
def opportunity_duplicate(*, opportunity: Opportunity, by=None) -> Opportunity:
    """A new draft with the same content and skills; no applications, no timestamps."""
    copy = Opportunity.objects.create(
        project=opportunity.project,
        role=opportunity.role,
        title=opportunity.title,
        body=opportunity.body,
        experience_level=opportunity.experience_level,
        min_hours_per_week=opportunity.min_hours_per_week,
        work_environment=opportunity.work_environment,
        positions=opportunity.positions,
        expires_on=None,
        status=Status.DRAFT,
        created_by=by,
        updated_by=by,
    )
    for requirement in opportunity.skill_requirements.all():
        requirement.pk = None
        requirement.opportunity = copy
        requirement.save()
    return copy


@transaction.atomic
def application_apply(
    *, opportunity: Opportunity, email: str, name: str, message: str = "", source: str = Application.Source.API
) -> tuple[Application, bool]:
    """Record that a volunteer applies. Creates or updates the volunteer by email.

    Returns (application, created). Applying twice returns the first application unchanged,
    so a double-click or a retry never makes a duplicate.
    """
    if not opportunity.is_public:
        raise ServiceError(f'"{opportunity.title}" is not open for applications.')
    email = email.strip().lower()
    # get_or_create survives the race of two first applications with the same email.
    volunteer, volunteer_created = Volunteer.objects.get_or_create(email=email, defaults={"name": name.strip()})
    if not volunteer_created and name.strip() and volunteer.name != name.strip():
        volunteer.name = name.strip()
        volunteer.save(update_fields=["name", "updated_at"])
    application, created = Application.objects.get_or_create(
        opportunity=opportunity, volunteer=volunteer, defaults={"message": message, "source": source}
    )
    if created:
        # Only once the application is stored for good; a failing mail server is logged, never
        # turned into a failed application.
        from server.notifications import notify_managers_of_application

        transaction.on_commit(lambda: notify_managers_of_application(application_id=application.pk), robust=True)
    return application, created


def application_set_status(*, application: Application, status: str, by=None) -> Application:
    if status not in Application.Status.values:
        raise ServiceError(f'"{status}" is not an application status.')
    if application.status != status:
        application.status = status
        application.save(update_fields=["status", "updated_at"])
    return application


# --- creating and editing opportunities (the API; the admin uses its forms) ------------------


def _save_with_skills(*, opportunity, status, required_skills, preferred_skills, by) -> Opportunity:
    """Replace the skills of each kind given ((Skill, level) pairs), then apply `status`."""
    from server.models import OpportunitySkill

    given = {OpportunitySkill.Kind.REQUIRED: required_skills, OpportunitySkill.Kind.PREFERRED: preferred_skills}
    given = {kind: list(skills) for kind, skills in given.items() if skills is not None}
    if given:
        # Both kinds go first, so one call may move a skill from required to preferred.
        opportunity.skill_requirements.filter(kind__in=given).delete()
        OpportunitySkill.objects.bulk_create(
            OpportunitySkill(opportunity=opportunity, skill=skill, level=level, kind=kind)
            for kind, skills in given.items()
            for skill, level in skills
        )
    if status is not None and status != opportunity.status:
        opportunity_transition(opportunity=opportunity, to=status, by=by)
    return opportunity


@transaction.atomic
def opportunity_create(
    *, by, status: str | None = None, required_skills=(), preferred_skills=(), **fields
) -> Opportunity:
    """A new opportunity, written as a draft and then moved to `status` by the usual transition,
    so publishing on creation stamps published_at (and checks expiry) like publishing later.
    Skills are (Skill, level) pairs."""
    opportunity = Opportunity(**fields, status=Status.DRAFT, created_by=by, updated_by=by)
    opportunity.save()
    return _save_with_skills(
        opportunity=opportunity,
        status=status,
        required_skills=required_skills,
        preferred_skills=preferred_skills,
        by=by,
    )


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, by, status: str | None = None, required_skills=None, preferred_skills=None, **fields
) -> Opportunity:
    """Change the given fields; skills given replace those of their kind; a new status goes
    through opportunity_transition. Nothing is written when any part is refused."""
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.updated_by = by
    opportunity.save()
    return _save_with_skills(
        opportunity=opportunity,
        status=status,
        required_skills=required_skills,
        preferred_skills=preferred_skills,
        by=by,
    )
