"""Model and form fields shared by several models: times of day stored as minutes since
midnight, skill levels, hours per week, time zones, the weekly slot (volunteers' availability,
alerts' availability, projects' meeting times), and the constraints that go with them: one
statement of each rule for every model that has one.

Minutes rather than TimeField because a slot may end at 24:00, which no time type holds,
and because overlap arithmetic works on integers.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from server.models.choices import HOURS_MAX, HOURS_MIN, SKILL_LEVEL_MAX, SKILL_LEVEL_MIN, Weekday
from server.models.validators import default_timezone, validate_timezone
from server.schedule import MINUTES_PER_DAY, ScheduleError, Slot, check_slot, format_time, parse_time

SKILL_LEVEL_MESSAGE = f"Skill level must be between {SKILL_LEVEL_MIN} and {SKILL_LEVEL_MAX}."


def skill_level_field() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SKILL_LEVEL_MIN), MaxValueValidator(SKILL_LEVEL_MAX)]
    )


def hours_per_week_field(**kwargs) -> models.PositiveSmallIntegerField:
    """Hours a week (a volunteer's or an alert's most, an opportunity's least), HOURS_MIN–HOURS_MAX."""
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(HOURS_MIN), MaxValueValidator(HOURS_MAX)], **kwargs
    )


def timezone_field() -> models.CharField:
    """An IANA time zone name, the organisation's by default (volunteers, alerts, projects)."""
    return models.CharField(max_length=64, default=default_timezone, validators=[validate_timezone])


def skill_level_in_range(*, name: str, message: str | None = None) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(level__gte=SKILL_LEVEL_MIN, level__lte=SKILL_LEVEL_MAX),
        name=name,
        violation_error_message=message,
    )


def slot_within_one_day(*, name: str, message: str | None = None) -> models.CheckConstraint:
    """A weekly slot (weekday, start, end) ends after it starts, within one day."""
    return models.CheckConstraint(
        condition=models.Q(start__gte=0, end__lte=MINUTES_PER_DAY, end__gt=models.F("start"), weekday__lte=6),
        name=name,
        violation_error_message=message,
    )


class TimeOfDayFormField(forms.CharField):
    def __init__(self, *, allow_end_of_day=False, **kwargs):
        self.allow_end_of_day = allow_end_of_day
        # No max_length: CharField would validate the parsed minutes (an int) with len().
        kwargs.pop("max_length", None)
        kwargs.setdefault("help_text", "24-hour HH:MM" + (", 24:00 for midnight" if allow_end_of_day else ""))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "5")

    def prepare_value(self, value):
        return format_time(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_time(value, allow_end_of_day=self.allow_end_of_day)
        except ScheduleError as error:
            raise ValidationError(str(error), code="invalid") from None


class MinuteOfDayField(models.PositiveSmallIntegerField):
    """0…1440 minutes since midnight, edited as HH:MM."""

    def __init__(self, *args, allow_end_of_day=False, **kwargs):
        self.allow_end_of_day = allow_end_of_day
        kwargs.setdefault(
            "validators",
            [MinValueValidator(0), MaxValueValidator(MINUTES_PER_DAY if allow_end_of_day else MINUTES_PER_DAY - 1)],
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if self.allow_end_of_day:
            kwargs["allow_end_of_day"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super(models.PositiveSmallIntegerField, self).formfield(
            form_class=TimeOfDayFormField, allow_end_of_day=self.allow_end_of_day, **kwargs
        )


class WeeklySlot(models.Model):
    """A weekly window (weekday, start, end) in its owner's time zone: a volunteer's or an
    alert's availability, a project's meeting. Its validity is schedule.check_slot's, in the
    same words as the CSV cell and the API."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = MinuteOfDayField()
    end = MinuteOfDayField(allow_end_of_day=True)

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.slot)

    @property
    def slot(self) -> Slot:
        return Slot(self.weekday, self.start, self.end)

    def clean(self):
        super().clean()
        if None not in (self.weekday, self.start, self.end):
            try:
                check_slot(self.weekday, self.start, self.end)
            except ScheduleError as error:
                raise ValidationError({"end": str(error)}) from None
