"""Publish / hold / fill / close / duplicate for opportunities, built from services.TRANSITIONS.

Each transition becomes a bulk action (`publish_selected`), a row and detail URL with its
confirmation (`publish_row`, at `<id>/publish/`) and a change-page button that saves the form
first (`publish_submit`). A move after which nothing may follow (close) asks again on every
path. Only the moves the posting's status allows are offered, in the row menu and on the page.
"""

from django.contrib import messages
from unfold.decorators import action

from server import services
from server.admin.actions import Confirmation, StatusActionsMixin, confirmed_row_action, status_actions
from server.models import Opportunity

Status = Opportunity.Status

ICONS = {"publish": "rocket_launch", "hold": "pause_circle", "fill": "task_alt", "close": "cancel", "draft": "undo"}
# The statuses some other status may move to (never back to draft, as things stand).
REACHABLE = [t for t in services.TRANSITIONS.values() if any(t.to in a for a in services.ALLOWED_TRANSITIONS.values())]

DUPLICATE = Confirmation(
    title="Duplicate this opportunity?",
    description="The copy is a new draft titled “… (copy)”, with the same text and skills and no applications.",
    submit="Duplicate",
)


def confirmation_for(transition: services.Transition) -> Confirmation:
    final = services.is_final(transition.to)
    description = (
        f"{Status(transition.to).label} is final: it cannot be undone. To post again, duplicate the opportunity."
        if final
        else ""
    )
    return Confirmation(
        title=transition.command.format("this opportunity") + "?",
        description=description,
        submit=transition.label,
        danger=final,
    )


def _make(transition: services.Transition) -> dict:
    return status_actions(
        url_name=f"admin:server_opportunity_{transition.name}_row",
        bulk_name=f"{transition.name}_selected",
        row_name=f"{transition.name}_row",
        submit_name=f"{transition.name}_submit",
        path=transition.name,
        confirmation=confirmation_for(transition),
        final=services.is_final(transition.to),
        apply=lambda self, request, rows, form: self.transition(request, rows, transition),
        bulk_description=transition.command.format("selected"),
        button=transition.label,
        icon=ICONS.get(transition.name),
    )


class OpportunityActionsMixin(StatusActionsMixin):
    """The actions, their per-status offer and their one-or-many messages."""

    actions = [f"{t.name}_selected" for t in REACHABLE] + ["duplicate_selected"]
    actions_row = [f"{t.name}_row" for t in REACHABLE] + ["duplicate_row"]
    actions_submit_line = [f"{t.name}_submit" for t in REACHABLE] + ["duplicate_submit"]
    actions_detail = []  # the change page's buttons are the submit line's, which save edits first

    def transition(self, request, opportunities, transition: services.Transition):
        self.apply_to_each(
            request,
            opportunities,
            lambda row: services.opportunity_transition(opportunity=row, to=transition.to, by=request.user),
            done=transition.done,
            noun_plural="opportunities",
        )

    def has_duplicate_permission(self, request, obj=None):
        """Duplicating makes a new posting in the same project: add permission, and the row in scope."""
        return self.has_add_permission(request) and self._scoped(request, obj)

    def duplicate(self, request, opportunities) -> list[Opportunity]:
        copies = []
        for opportunity in opportunities:
            if not self.has_duplicate_permission(request, opportunity):
                self.message_user(request, f'You may not duplicate "{opportunity.title}".', level=messages.ERROR)
                continue
            copies.append(services.opportunity_duplicate(opportunity=opportunity, by=request.user))
        if len(copies) == 1:
            self.message_user(request, f"Duplicated as a new draft: “{copies[0].title}”.", messages.SUCCESS)
        elif copies:
            self.message_user(request, f"Duplicated {len(copies)} opportunities as new drafts.", messages.SUCCESS)
        return copies

    @action(description="Duplicate selected as drafts", permissions=["duplicate"], icon="content_copy")
    def duplicate_selected(self, request, queryset):
        self.duplicate(request, queryset)

    @confirmed_row_action(
        name="duplicate",
        description="Duplicate",
        confirmation=DUPLICATE,
        icon="content_copy",
        permissions=("duplicate",),
        follow_next=False,
    )
    def duplicate_row(self, request, obj, form):
        copies = self.duplicate(request, [obj])
        return self.change_url(copies[0]) if copies else None

    @action(description="Save and duplicate", permissions=["duplicate"], icon="content_copy")
    def duplicate_submit(self, request, obj):
        copies = self.duplicate(request, [obj])
        self.then_go_to(request, self.change_url(copies[0] if copies else obj))

    def row_action_allowed(self, obj, action_name: str) -> bool:
        for t in REACHABLE:
            if action_name in (f"{t.name}_row", f"{t.name}_submit"):
                return services.can_transition(obj, t.to)
        return True


for _transition in REACHABLE:
    for _name, _method in _make(_transition).items():
        setattr(OpportunityActionsMixin, _name, _method)
