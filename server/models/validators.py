"""Field rules and their messages: the one home of every bound a person can run into.

The bounds themselves are the model fields' (`max_length`, Min/MaxValueValidator); the words
are here. The admin's form fields, the API's serializer fields and the CSV widgets all take
their messages from `bound_messages` / `length_error` / `range_error`, so the same bad value
gets the same sentence through every door (server/tests/admin/test_parity.py).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator

from server.schedule import is_valid_timezone

# %-format with the params Django's Max/MinLengthValidator and Max/MinValueValidator pass
# (value, limit_value, show_value): the same string serves Django forms, models and DRF.
LENGTH_MESSAGE = '"%(value).40s…" is longer than %(limit_value)d characters'
NUL_MESSAGE = ProhibitNullCharactersValidator.message  # "Null characters are not allowed."
TIMEZONE_MESSAGE = '"%(value)s" is not an IANA time zone (e.g. America/Los_Angeles)'

# Opportunity bodies: a long posting is a few thousand characters; 20,000 leaves room and
# keeps one request's cost bounded (issue 12).
BODY_MAX_LENGTH = 20_000
POSITIONS_MAX = 1000


def range_message(minimum, maximum) -> str:
    if minimum is None:
        return f'"%(value)s" is more than {maximum}'
    if maximum is None:
        return f'"%(value)s" is less than {minimum}'
    return f'"%(value)s" is not between {minimum} and {maximum}'


def length_error(value: str, limit: int) -> str:
    return LENGTH_MESSAGE % {"value": value, "limit_value": limit}


def range_error(value, minimum, maximum) -> str:
    return range_message(minimum, maximum) % {"value": value}


def timezone_error(value) -> str:
    return TIMEZONE_MESSAGE % {"value": value}


def value_bounds(model_field) -> tuple:
    """(minimum, maximum) from the field's validators; None where unbounded."""
    minimum = next((v.limit_value for v in model_field.validators if isinstance(v, MinValueValidator)), None)
    maximum = next((v.limit_value for v in model_field.validators if isinstance(v, MaxValueValidator)), None)
    return minimum, maximum


def bound_messages(model_field) -> dict[str, str]:
    """error_messages for a form or serializer field built from `model_field`: its bounds in our words."""
    messages = {}
    if getattr(model_field, "max_length", None):
        messages["max_length"] = LENGTH_MESSAGE
    minimum, maximum = value_bounds(model_field)
    if minimum is not None or maximum is not None:
        messages["min_value"] = messages["max_value"] = range_message(minimum, maximum)
    return messages


def validate_timezone(value):
    if not is_valid_timezone(value):
        raise ValidationError(TIMEZONE_MESSAGE, code="invalid", params={"value": value})


def validate_no_semicolon(value):
    # Semicolons separate slots in the schedule cell format, so a label cannot hold one.
    if ";" in value:
        raise ValidationError(f'"{value}" must not contain ";"', code="invalid")


def default_timezone():
    from django.conf import settings

    return settings.ORG_TIME_ZONE
