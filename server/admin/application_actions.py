"""Application status actions: one bulk action, one row URL with its confirmation and one
change-page button (saving the notes first) per status, through services.application_set_status.

Only moves to another status are offered ("Mark new" is not on a new application); declining
asks again on every path, since the volunteer hears of it.
"""

from server import services
from server.admin.actions import Confirmation, status_actions
from server.models import Application

Status = Application.Status

# Statuses a person confirms before moving to (server.admin.actions asks on every path).
CONFIRM = {Status.DECLINED}
ICONS = {
    Status.NEW: "fiber_new",
    Status.CONTACTED: "mail",
    Status.INTERVIEWING: "forum",
    Status.ONBOARDED: "how_to_reg",
    Status.DECLINED: "block",
    Status.WITHDRAWN: "undo",
}


def confirmation_for(status) -> Confirmation:
    label = Status(status).label.lower()
    return Confirmation(
        title=f"Mark this application as {label}?",
        description="The volunteer is no longer considered for this opportunity." if status in CONFIRM else "",
        submit=f"Mark {label}",
        danger=status in CONFIRM,
    )


def _make(status) -> dict:
    label = Status(status).label.lower()
    return status_actions(
        url_name=f"admin:server_application_mark_{status.value}",
        bulk_name=f"mark_selected_{status.value}",
        row_name=f"mark_{status.value}",
        submit_name=f"mark_{status.value}_submit",
        path=status.value,
        confirmation=confirmation_for(status),
        final=status in CONFIRM,
        apply=lambda self, request, rows: self.set_status(request, rows, status),
        bulk_description=f"Mark selected as {label}",
        button=f"Mark {label}",
        icon=ICONS.get(status),
    )


class ApplicationActionsMixin:
    actions = [f"mark_selected_{s.value}" for s in Status]
    actions_row = [f"mark_{s.value}" for s in Status]
    actions_submit_line = [f"mark_{s.value}_submit" for s in Status]
    actions_detail = []  # the change page's buttons are the submit line's, which save the notes first

    def set_status(self, request, applications, status):
        self.apply_to_each(
            request,
            applications,
            lambda row: services.application_set_status(application=row, status=status, by=request.user),
            done=f"Marked {{}} as {Status(status).label.lower()}",
            noun_plural="applications",
        )

    @staticmethod
    def _allowed(obj, action_name: str) -> bool:
        return action_name not in (f"mark_{obj.status}", f"mark_{obj.status}_submit")

    def row_action_allowed(self, obj, action_name):
        return self._allowed(obj, action_name)

    def get_actions_submit_line(self, request, object_id):
        actions = super().get_actions_submit_line(request, object_id)
        obj = self.get_object(request, str(object_id)) if object_id else None
        if obj is None:
            return []
        return [a for a in actions if self._allowed(obj, a.method.original_function_name)]

    def header_status(self, obj):
        return obj.get_status_display(), self.status_colours[obj.status]


for _status in Status:
    for _name, _method in _make(_status).items():
        setattr(ApplicationActionsMixin, _name, _method)
