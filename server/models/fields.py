"""Model and form fields for times of day stored as minutes since midnight.

Minutes rather than TimeField because a slot may end at 24:00, which no time type holds,
and because overlap arithmetic works on integers.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from server.schedule import MINUTES_PER_DAY, ScheduleError, format_time, parse_time


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
