"""Application status actions: one bulk action, one row URL with its confirmation and one
change-page button (saving the notes first) per status, through services.application_set_status.

Only moves to another status are offered ("Mark new" is not on a new application); declining
asks again on every path, since the volunteer hears of it. A move the volunteer is emailed
about (contacted, interviewing, onboarded, declined) asks on every path too, with
`StatusEmailForm`: a personal note for the email, or no email for this change.
"""

from django import forms
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldBooleanSwitchWidget

from server import services
from server.admin.actions import Confirmation, ConfirmForm, StatusActionsMixin, status_actions
from server.followthrough.emails import NOTE_MAX_LENGTH, VOLUNTEER_TOLD
from server.models import Application

Status = Application.Status

# Statuses a person confirms before moving to (server.admin.actions asks on every path).
CONFIRM = {Status.DECLINED}
# Statuses whose every path asks first, for the volunteer's email (server.followthrough).
ASK = CONFIRM | set(VOLUNTEER_TOLD)


class StatusEmailForm(ConfirmForm):
    """What the volunteer is told of this change: a personal note, or nothing at all."""

    send_email = forms.BooleanField(
        required=False,
        initial=True,
        label="Email the volunteer about this change",
        widget=UnfoldBooleanSwitchWidget,
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        label="Personal note (shown in the email)",
        help_text="Optional, e.g. when and where to meet.",
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
    )

    def email_choice(self) -> dict:
        """The keyword arguments of services.application_set_status that this form decides."""
        return {"note": self.cleaned_data["note"], "notify": self.cleaned_data["send_email"]}


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
        description=" ".join(
            sentence
            for sentence, applies in (
                ("The volunteer is no longer considered for this opportunity.", status in CONFIRM),
                ("The volunteer gets an email about it, with your note if you write one.", status in VOLUNTEER_TOLD),
            )
            if applies
        ),
        submit=f"Mark {label}",
        danger=status in CONFIRM,
        form_class=StatusEmailForm if status in VOLUNTEER_TOLD else ConfirmForm,
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
        final=status in ASK,
        apply=lambda self, request, rows, form: self.set_status(request, rows, status, form),
        bulk_description=f"Mark selected as {label}",
        button=f"Mark {label}",
        icon=ICONS.get(status),
    )


class ApplicationActionsMixin(StatusActionsMixin):
    actions = [f"mark_selected_{s.value}" for s in Status]
    actions_row = [f"mark_{s.value}" for s in Status]
    actions_submit_line = [f"mark_{s.value}_submit" for s in Status]
    actions_detail = []  # the change page's buttons are the submit line's, which save the notes first

    def set_status(self, request, applications, status, form=None):
        email = form.email_choice() if isinstance(form, StatusEmailForm) else {}
        self.apply_to_each(
            request,
            applications,
            lambda row: services.application_set_status(application=row, status=status, by=request.user, **email),
            done=f"Marked {{}} as {Status(status).label.lower()}",
            noun_plural="applications",
        )

    @staticmethod
    def row_action_allowed(obj, action_name: str) -> bool:
        return action_name not in (f"mark_{obj.status}", f"mark_{obj.status}_submit")


for _status in Status:
    for _name, _method in _make(_status).items():
        setattr(ApplicationActionsMixin, _name, _method)
