"""A whole week edited as one field, in the contract's cell format (`Mon 18:00-20:00; Wed 09:00-12:30`).

Unfold picks widgets by model field class, so per-slot Start/End inputs rendered as number
boxes that could not hold "18:00". One text field per week reads and writes exactly what the
CSV import and export do: it is parsed by the import's ScheduleWidget (server.schedule
underneath), so the admin and the import accept and refuse the same text.
"""

from django import forms
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextareaWidget

from server import services
from server.schedule import format_schedule
from server.widgets import CellError, ScheduleWidget


class WeeklyScheduleField(forms.CharField):
    """Cleans to sorted slot tuples: (weekday, start, end) or, where labels are kept (a
    `label_max_length`), (…, label)."""

    def __init__(self, *, label_max_length=None, example="Mon 18:00-20:00; Wed 09:00-12:30", **kwargs):
        self.parser = ScheduleWidget(label_max_length=label_max_length)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", UnfoldAdminTextareaWidget(attrs={"rows": 2, "placeholder": example}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value) or ""
        # One slot per line reads as well as the cell's semicolons.
        text = "; ".join(line.strip() for line in text.splitlines() if line.strip())
        try:
            return self.parser.clean(text)
        except CellError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


def schedule_text(slots) -> str:
    """Stored slots as the field shows them."""
    return format_schedule(sorted(slots, key=lambda slot: (slot.weekday, slot.start, slot.end)))


def help_text(*, whose: str, example: str) -> str:
    return (
        f"Weekly, in the {whose} time zone: a day (Mon…Sun) and a 24-hour time range, "
        f"several separated by semicolons or on separate lines. Example: {example}"
    )


def stored_schedule(owner, related: str) -> str:
    """`owner`'s stored week (its `related` slots) as the field shows it."""
    return schedule_text(item.slot for item in getattr(owner, related).all())


class ScheduleFormMixin:
    """For a ModelForm with one week field: shows `schedule_related`'s stored slots in `schedule_field`."""

    schedule_field: str
    schedule_related: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.schedule_field in self.fields:
            self.initial[self.schedule_field] = stored_schedule(self.instance, self.schedule_related)


class ScheduleAdminMixin:
    """For the admin whose form is a ScheduleFormMixin: the week is saved through
    services.set_weekly_slots, and a reader who may not change the row (a project manager)
    sees it as text in place of the field (`schedule_display`)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.schedule_field in form.fields:
            services.set_weekly_slots(
                owner=form.instance, related=form.schedule_related, slots=form.cleaned_data[form.schedule_field]
            )


def schedule_display(related: str, description: str):
    """The read-only stand-in for a week field, named after it in the admin class."""

    @display(description=description)
    def show(self, obj):
        return stored_schedule(obj, related) or "—"

    return show
