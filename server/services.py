"""State changes shared by the admin, the API and the commands.

Every rule about how an opportunity moves between statuses, and how a volunteer applies,
lives here once. Callers pass keyword arguments and get the changed object back, or a
`ServiceError` whose message can be shown to a person as it is.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from server.followthrough import tasks as followthrough
from server.followthrough.emails import VOLUNTEER_TOLD
from server.models import Application, Opportunity, OpportunitySkill, Volunteer

Status = Opportunity.Status

# Which status may follow which. A closed posting is finished; duplicate it to post again.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.OPEN, Status.CLOSED},
    Status.OPEN: {Status.ON_HOLD, Status.FILLED, Status.CLOSED},
    Status.ON_HOLD: {Status.OPEN, Status.FILLED, Status.CLOSED},
    Status.FILLED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


@dataclass(frozen=True)
class Transition:
    """How a move to one status is named. The admin builds its actions and messages from this
    table, the services their refusals; nothing else spells a transition's words."""

    to: str
    name: str  # the action's name in URLs and code: "publish"
    verb: str  # imperative, for refusals: 'Cannot publish "X": …'
    label: str  # button text: "Publish"
    done: str  # past tense around "{}", for messages: "Put {} on hold" → "Put 2 opportunities on hold."
    command: str  # imperative around "{}", for bulk actions and confirmations: "Put selected on hold"


TRANSITIONS: dict[str, Transition] = {
    t.to: t
    for t in (
        Transition(Status.OPEN, "publish", "publish", "Publish", "Published {}", "Publish {}"),
        Transition(Status.ON_HOLD, "hold", "put on hold", "Put on hold", "Put {} on hold", "Put {} on hold"),
        Transition(Status.FILLED, "fill", "mark as filled", "Mark filled", "Marked {} as filled", "Mark {} as filled"),
        Transition(Status.CLOSED, "close", "close", "Close", "Closed {}", "Close {}"),
        Transition(
            Status.DRAFT, "draft", "return to draft", "Return to draft", "Returned {} to draft", "Return {} to draft"
        ),
    )
}


def transition_label(to: str) -> str:
    """The button text for moving to status `to`."""
    return TRANSITIONS[to].label


# Sent inside the publishing transaction each time an opportunity moves to open.
opportunity_published = Signal()


class ServiceError(ValidationError):
    """A business rule said no. The message is meant for the person who asked."""


def is_final(to: str) -> bool:
    """Whether nothing may follow status `to` (closing): the admin asks before such a move."""
    return not ALLOWED_TRANSITIONS[to]


def can_transition(opportunity: Opportunity, to: str) -> bool:
    return to in ALLOWED_TRANSITIONS[opportunity.status]


def allowed_transitions(status: str) -> list[Transition]:
    """The moves the status `status` allows, in the table's order (for the admin's buttons)."""
    return [transition for to, transition in TRANSITIONS.items() if to in ALLOWED_TRANSITIONS[status]]


def check_transition(*, title: str, current: str | None, to: str, expires_on) -> None:
    """Raise ServiceError unless a posting titled `title` may move from `current` to `to`.

    The one statement of the rule, for opportunity_transition and for the CSV import (which
    checks plain row values before it writes anything). `current` None is a row an import
    creates: it may arrive in any status, as an exported file carries it, but entering `open`
    still obeys the expiry rule.
    """
    if to not in ALLOWED_TRANSITIONS:  # its keys are every status (Status.values builds a list per call)
        raise ServiceError(f'"{to}" is not an opportunity status.')
    if current is not None:
        if to == current:
            raise ServiceError(f'"{title}" is already {Status(current).label.lower()}.')
        if to not in ALLOWED_TRANSITIONS[current]:
            raise ServiceError(f'Cannot {TRANSITIONS[to].verb} "{title}": it is {Status(current).label.lower()}.')
    if to == Status.OPEN and Opportunity.is_past(expires_on):
        raise ServiceError(
            f'Cannot publish "{title}": it expired on {expires_on:%Y-%m-%d}. Change the expiry date first.'
        )


def stamp_status_change(*, opportunity, to: str, now) -> None:
    """Set the timestamp that moving to `to` records (no save). Shared with the CSV import."""
    if to == Status.OPEN and opportunity.published_at is None:
        opportunity.published_at = now
    elif to == Status.FILLED:
        opportunity.filled_at = now
    elif to == Status.CLOSED:
        opportunity.closed_at = now


def editor_stamp(*, by, new: bool) -> dict:
    """The author fields (attnames) a write by `by` sets: the last editor, and the creator too
    when the row is new. The one rule for the admin, the API, the CSV import and seed_demo."""
    user_id = by.pk if by is not None else None
    return {"created_by_id": user_id, "updated_by_id": user_id} if new else {"updated_by_id": user_id}


def stamp_editor(*, opportunity: Opportunity, by, new: bool = False) -> None:
    """Apply editor_stamp to an instance (no save)."""
    for attname, value in editor_stamp(by=by, new=new).items():
        setattr(opportunity, attname, value)


@transaction.atomic
def opportunity_transition(*, opportunity: Opportunity, to: str, by=None) -> Opportunity:
    """Move an opportunity to status `to`, stamping published_at / filled_at / closed_at."""
    check_transition(title=opportunity.title, current=opportunity.status, to=to, expires_on=opportunity.expires_on)
    opportunity.status = to
    stamp_status_change(opportunity=opportunity, to=to, now=timezone.now())
    if by is not None:  # a system change (expiry) leaves the last editor as it was
        stamp_editor(opportunity=opportunity, by=by)
    opportunity.save()
    if to == Status.OPEN:
        # Volunteer alerts listen (server.alerts.digests): this layer does not import them.
        opportunity_published.send(sender=Opportunity, opportunity=opportunity)
    return opportunity


def opportunity_publish(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.OPEN, by=by)


def opportunity_hold(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.ON_HOLD, by=by)


def opportunity_fill(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.FILLED, by=by)


def opportunity_close(*, opportunity: Opportunity, by=None) -> Opportunity:
    return opportunity_transition(opportunity=opportunity, to=Status.CLOSED, by=by)


def copy_title(title: str) -> str:
    """ "Data wrangler" → "Data wrangler (copy)", within the title's 200 characters."""
    suffix = " (copy)"
    return title[: Opportunity._meta.get_field("title").max_length - len(suffix)] + suffix


@transaction.atomic
def opportunity_duplicate(*, opportunity: Opportunity, by=None) -> Opportunity:
    """A new draft titled "… (copy)" with the same content and skills; no applications, no timestamps."""
    copy = Opportunity.objects.create(
        project=opportunity.project,
        role=opportunity.role,
        title=copy_title(opportunity.title),
        body=opportunity.body,
        experience_level=opportunity.experience_level,
        min_hours_per_week=opportunity.min_hours_per_week,
        work_environment=opportunity.work_environment,
        positions=opportunity.positions,
        expires_on=None,
        status=Status.DRAFT,
        **editor_stamp(by=by, new=True),
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
    """Record that a volunteer applies. Creates the volunteer when the email is new.

    An existing volunteer's stored fields are never changed here (anyone may call the API with
    anyone's email): the name and message given stay with the application, and the managers
    are told whether the volunteer is new or already known.
    Returns (application, created). Applying twice returns the first application unchanged,
    so a double-click or a retry never makes a duplicate. A new application enqueues, in this
    transaction, the volunteer's confirmation, the managers' email and the response reminders
    (server.followthrough.tasks): they exist exactly when the application does.
    """
    if not opportunity.is_public:
        raise ServiceError(f'"{opportunity.title}" is not open for applications.')
    email, name = email.strip().lower(), name.strip()
    # get_or_create survives the race of two first applications with the same email.
    volunteer, volunteer_created = Volunteer.objects.get_or_create(email=email, defaults={"name": name})
    application, created = Application.objects.get_or_create(
        opportunity=opportunity,
        volunteer=volunteer,
        defaults={"applicant_name": name, "message": message, "source": source},
    )
    if created:
        followthrough.application_arrived(application=application, new_volunteer=volunteer_created)
    return application, created


AppStatus = Application.Status


def stamp_first_response(*, application: Application, to: str, now) -> bool:
    """Stamp `first_response_at` (no save) when moving to `to` is the first answer the
    volunteer gets: any status change but their own withdrawal. Shared with the CSV import."""
    if application.first_response_at is None and to != AppStatus.WITHDRAWN:
        application.first_response_at = now
        return True
    return False


@transaction.atomic
def application_set_status(
    *, application: Application, status: str, by=None, note: str = "", notify: bool = True
) -> Application:
    """A manager moves an application to `status`.

    The first such move (anything but a withdrawal) stamps `first_response_at`, which the
    response figures read and which stops the reminders. The volunteer is emailed about
    contacted, interviewing, onboarded and declined, with the manager's `note`, unless
    `notify` is False. The history records who did it and whether the volunteer was told.
    """
    if status not in AppStatus.values:
        raise ServiceError(f'"{status}" is not an application status.')
    if application.status == status:
        return application
    application.status = status
    fields = ["status", "updated_at"]
    if stamp_first_response(application=application, to=status, now=timezone.now()):
        fields.append("first_response_at")
    told = notify and status in VOLUNTEER_TOLD
    if status in VOLUNTEER_TOLD:
        application._change_reason = (
            "Volunteer emailed" + (" with a note" if note.strip() else "") if told else ("Volunteer not emailed")
        )
    application.save(update_fields=fields)
    if told:
        change = application.history.values_list("history_id", flat=True).first()
        followthrough.status_changed(application=application, status=status, note=note, change=change)
    return application


@transaction.atomic
def application_withdraw(*, application: Application) -> Application:
    """The volunteer withdraws through their application link; the managers are told.

    Withdrawing twice changes nothing and tells nobody again; a declined application has
    nothing left to withdraw.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == AppStatus.WITHDRAWN:
        return application
    if application.status == AppStatus.DECLINED:
        raise ServiceError("This application was declined, so there is nothing to withdraw.")
    application.status = AppStatus.WITHDRAWN
    application._change_reason = "Withdrawn by the volunteer (application link)"
    application.save(update_fields=["status", "updated_at"])
    followthrough.application_withdrawn(application=application)
    return application


# --- creating and editing opportunities (the API; the admin uses its forms) ------------------


def _save_with_skills(*, opportunity, status, required_skills, preferred_skills, by) -> Opportunity:
    """Replace the skills of each kind given ((Skill, level) pairs), then apply `status`."""
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
    opportunity = Opportunity(**fields, status=Status.DRAFT, **editor_stamp(by=by, new=True))
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
    stamp_editor(opportunity=opportunity, by=by)
    opportunity.save()
    return _save_with_skills(
        opportunity=opportunity,
        status=status,
        required_skills=required_skills,
        preferred_skills=preferred_skills,
        by=by,
    )


# --- weekly schedules (the admin's one-field editors; the CSV import writes its own batches) ---


@transaction.atomic
def set_weekly_slots(*, owner, related: str, slots) -> None:
    """Replace `owner`'s weekly slots, its `related` set (a volunteer's "availability", a
    project's "meeting_times"), with `slots`: (weekday, start, end) tuples, plus a label for
    meeting times."""
    manager = getattr(owner, related)
    manager.all().delete()
    names = ("weekday", "start", "end", "label")
    manager.model.objects.bulk_create(
        manager.model(**{manager.field.name: owner}, **dict(zip(names, slot, strict=False))) for slot in slots
    )
