"""django-import-export widgets for the CSV cell formats of DESIGN.md.

Each widget turns one cell into a Python value (`clean`) and back (`render`). A bad cell
raises `CellError` (a ValueError, the only exception django-import-export treats as a
field error) whose message quotes the value, so the importer can prefix it with the row and
the column: `row 7, availability: "Mon 25:00-26:00" is not a time range`.

Widgets that resolve names (skills, roles, communities, projects, managers) do so through
a `Lookups` object the importer builds once per file, so a 100k-row file costs a handful
of queries rather than one per cell.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Manager, QuerySet
from import_export.widgets import Widget

from server.models.choices import HOURS_MAX, HOURS_MIN, SKILL_LEVEL_MAX, SKILL_LEVEL_MIN
from server.models.opportunities import listed_twice
from server.models.validators import length_error, range_error, timezone_error
from server.schedule import ScheduleError, format_schedule, is_valid_timezone, parse_schedule

FORMULA_PREFIXES = ("=", "+", "-", "@")
ESCAPED_AFTER_QUOTE = frozenset("=+-@'")


class CellError(ValueError):
    """A cell that cannot be read; the message quotes the offending value."""


def escape_formula(text):
    """Spreadsheets run cells that start with = + - @ as formulas; a leading ' keeps them text.
    A value that itself starts with ' before such a character (or before another ') gets one
    more, so `unescape_formula` gives back exactly what was stored."""
    if isinstance(text, str) and (text.startswith(FORMULA_PREFIXES) or _looks_escaped(text)):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """Undo `escape_formula`, so an exported file re-imports unchanged."""
    return text[1:] if _looks_escaped(text) else text


def _looks_escaped(text: str) -> bool:
    return len(text) > 1 and text[0] == "'" and text[1] in ESCAPED_AFTER_QUOTE


def split_list(text: str) -> list[str]:
    """`a; b;c` → ["a", "b", "c"]; empty items are dropped."""
    return [item.strip() for item in text.split(";") if item.strip()]


def _items(value):
    if isinstance(value, Manager | QuerySet):
        return list(value.all())
    return list(value or ())


class TextWidget(Widget):
    """Plain text, stripped. `max_length` mirrors the model field so the database never refuses it."""

    def __init__(self, *, max_length=None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip()
        if self.max_length and len(text) > self.max_length:
            raise CellError(length_error(text, self.max_length))
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class SlugWidget(TextWidget):
    _SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value)
        if not self._SLUG.match(text):
            raise CellError(f'"{text}" is not a slug (letters, digits, - and _ only)')
        return text


class URLWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        from django.core.validators import URLValidator

        text = super().clean(value)
        try:
            URLValidator()(text)
        except ValidationError:
            raise CellError(f'"{text}" is not a URL') from None
        return text


class ChoiceWidget(Widget):
    """One of a TextChoices' values; the value or its label, in any case."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        self._lookup = {}
        for value, label in choices.choices:
            self._lookup[str(label).lower()] = value
            self._lookup[value.lower()] = value
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip()
        try:
            return self._lookup[text.lower()]
        except KeyError:
            allowed = ", ".join(self.choices.values)
            raise CellError(f'"{text}" is not one of {allowed}') from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerWidget(Widget):
    """A whole number within bounds. `3.0` from a spreadsheet is 3; `3.5` and `three` are errors."""

    def __init__(self, *, minimum=None, maximum=None, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise CellError(f'"{value}" is not a whole number')
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?\d{1,9}(\.0+)?", text):
                raise CellError(f'"{text}" is not a whole number')
            number = int(text.split(".")[0])
        if self.minimum is not None and number < self.minimum or self.maximum is not None and number > self.maximum:
            raise CellError(range_error(value, self.minimum, self.maximum))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def hours_widget():
    return IntegerWidget(minimum=HOURS_MIN, maximum=HOURS_MAX)


class EmailWidget(Widget):
    """An email address, lower-cased: emails are keys and compare without case."""

    def __init__(self, *, max_length=254, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip()
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(f'"{text}" is not an email address') from None
        if len(text) > self.max_length:
            raise CellError(length_error(text, self.max_length))
        return text.lower()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TimeZoneWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value).strip()
        if not is_valid_timezone(text):
            raise CellError(timezone_error(text))
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateWidget(Widget):
    """ISO dates (`2026-03-31`); a datetime from a spreadsheet keeps its date."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, date):
            return value if type(value) is date else value.date()
        text = str(value).strip()
        try:
            return date.fromisoformat(text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?", text) else text)
        except ValueError:
            raise CellError(f'"{text}" is not a date (use YYYY-MM-DD)') from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class UUIDWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value).strip()
        try:
            return uuid.UUID(text)
        except ValueError:
            raise CellError(f'"{text}" is not an id (a UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427)') from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ScheduleWidget(Widget):
    """`Mon 18:00-20:00; Wed 09:00-12:30`, via server.schedule. Labels only where the model keeps them."""

    def __init__(self, *, label_max_length=None, **kwargs):
        self.labels = label_max_length is not None
        self.label_max_length = label_max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            slots = parse_schedule(str(value))
        except ScheduleError as error:
            raise CellError(str(error)) from None
        if not self.labels:
            labelled = next((slot for slot in slots if slot.label), None)
            if labelled is not None:
                raise CellError(f'"{labelled}" has a label, which only meeting times can have')
            # Availability is a set of windows: order and duplicates carry no meaning.
            return tuple(sorted({(slot.weekday, slot.start, slot.end) for slot in slots}))
        for slot in slots:
            if len(slot.label) > self.label_max_length:
                raise CellError(length_error(slot.label, self.label_max_length))
        return tuple(sorted({(slot.weekday, slot.start, slot.end, slot.label) for slot in slots}))

    def render(self, value, obj=None, **kwargs):
        return format_schedule(sorted((item.slot for item in _items(value)), key=lambda s: (s.weekday, s.start)))


_LEVEL = re.compile(r"\d{1,2}")  # five a row: compiled once, not looked up in re's cache each time


class SkillLevelsWidget(Widget):
    """`Python:4; Django:3` → ((skill_id, 4), (skill_id, 3)). Unknown skills are errors, never created."""

    def clean(self, value, row=None, lookups=None, **kwargs):
        levels: dict[int, int] = {}
        for item in split_list(str(value)):
            name, colon, level_text = item.rpartition(":")
            if not colon or not name.strip():
                raise CellError(f'"{item}" is not skill:level (e.g. "Python:4")')
            level_text = level_text.strip()
            if not _LEVEL.fullmatch(level_text) or not SKILL_LEVEL_MIN <= int(level_text) <= SKILL_LEVEL_MAX:
                raise CellError(f'"{item}" has a level that is not {SKILL_LEVEL_MIN}–{SKILL_LEVEL_MAX}')
            skill_id = lookups.skill(name.strip())
            if skill_id in levels:
                raise CellError(listed_twice(name.strip()))
            levels[skill_id] = int(level_text)
        return tuple(sorted(levels.items()))

    def render(self, value, obj=None, **kwargs):
        items = sorted(_items(value), key=lambda item: item.skill.name.lower())
        return "; ".join(f"{item.skill.name}:{item.level}" for item in items)


class NameListWidget(Widget):
    """`a; b` of names resolved by `lookups.<resolver>(name)`; blank → keep, so never empty here."""

    def __init__(self, *, resolver, label, attribute="name", **kwargs):
        self.resolver, self.label, self.attribute = resolver, label, attribute
        super().__init__(**kwargs)

    def clean(self, value, row=None, lookups=None, **kwargs):
        resolve = getattr(lookups, self.resolver)
        return tuple(sorted({resolve(name) for name in split_list(str(value))}))

    def render(self, value, obj=None, **kwargs):
        return "; ".join(sorted((str(getattr(item, self.attribute)) for item in _items(value)), key=str.lower))


class NaturalKeyWidget(Widget):
    """A foreign key written as the related row's name, resolved by `lookups.<resolver>(name)`."""

    def __init__(self, *, resolver, attribute="name", **kwargs):
        self.resolver, self.attribute = resolver, attribute
        super().__init__(**kwargs)

    def clean(self, value, row=None, lookups=None, **kwargs):
        return getattr(lookups, self.resolver)(str(value).strip())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.attribute))


class SkillRequirementsWidget(SkillLevelsWidget):
    """Required or preferred skills of an opportunity: the skill list, filtered by kind on export."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def render(self, value, obj=None, **kwargs):
        items = [item for item in value.all() if item.kind == self.kind] if value is not None else []
        return super().render(items)
