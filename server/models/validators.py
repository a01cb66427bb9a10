from django.core.exceptions import ValidationError

from server.schedule import is_valid_timezone


def validate_timezone(value):
    if not is_valid_timezone(value):
        raise ValidationError(f'"{value}" is not an IANA time zone (e.g. America/Los_Angeles)', code="invalid")


def validate_no_semicolon(value):
    # Semicolons separate slots in the schedule cell format, so a label cannot hold one.
    if ";" in value:
        raise ValidationError(f'"{value}" must not contain ";"', code="invalid")


def default_timezone():
    from django.conf import settings

    return settings.ORG_TIME_ZONE
