"""How one kind of file maps onto the database: the base every kind fills in."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.utils import timezone

from server.tabular.cells import CELLS
from server.tabular.lookups import Lookups


class Kind:
    """How one kind of file maps onto the database. Subclasses describe their columns; the
    generic `run_import` does the reading, checking and counting."""

    name: str
    model = None
    label: str = "row"
    columns: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()  # columns written as child / many-to-many rows
    not_stored: tuple[str, ...] = ()  # columns only read (opportunities' community, to find the role)
    stored_as: dict[str, str] = {}  # column → model field, where the column has another name
    scalar: dict[str, str] = {}  # column → model attname, written as it is (made from the above)
    required_new: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ()
    key_optional = False  # a blank key makes a new row (opportunities' id)
    dependent: tuple[str, ...] = ()  # cleaned after the row's stored state is known
    unique: tuple[str, ...] = ()  # non-key columns unique across the table
    history = False
    _defaults = None  # defaults() fills it on first use

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            fields = cls.model._meta
            cls.scalar = {
                column: fields.get_field(cls.stored_as.get(column, column)).attname
                for column in cls.columns
                if column not in cls.relations and column not in cls.not_stored
            }

    def __init__(self, *, lookups: Lookups, user=None, now=None):
        self.widgets = CELLS[self.name]
        self.lookups = lookups
        self.user = user if getattr(user, "pk", None) else None
        self.now = now or timezone.now()

    # reading
    def clean(self, column, value, values, current):
        return self.widgets[column].clean(value, lookups=self.lookups)

    def key(self, values):
        return tuple(values.get(column) for column in self.key_columns)

    def load_existing(self) -> dict:
        raise NotImplementedError

    def load_existing_keys(self, keys: set) -> dict:
        """The stored rows among `keys` (the lower-cased keys of a few rows, an admin preview),
        at least. Kinds whose tables stay small load them all; volunteers, which grow to tens of
        thousands, load only those."""
        return self.load_existing()

    def defaults(self, values) -> dict:
        """A new row's state before its cells are applied: the model's own defaults (read once per
        file, a callable one such as the time-zone setting included), no child rows, and a new
        key where the primary key is a column (opportunities' id)."""
        if self._defaults is None:
            self._defaults, self._new_key = {}, None
            for column, attname in self.scalar.items():
                model_field = self.model._meta.get_field(attname)
                if model_field.primary_key:
                    self._new_key = (column, model_field.default)
                else:
                    self._defaults[column] = model_field.get_default()
            self._defaults.update((column, ()) for column in self.relations)
        state = dict(self._defaults)
        if self._new_key is not None:
            column, new = self._new_key
            state[column] = new()
        return state

    def validate(self, state, current, values) -> list[tuple[str, str]]:
        """Rules across cells of the row (`values` holds only the cells given)."""
        return []

    # writing
    raw_create = False  # new rows written as plain tuples (UUID keys, so no ids to read back)
    new_ids = None  # an iterator of keys for new rows, set by _create_raw

    def build(self, state):
        return self.model(**{attname: state[column] for column, attname in self.scalar.items()})

    def build_row(self, state) -> dict:
        """A new row as attname → value, with every model default, for `insert_rows`."""
        if not hasattr(self, "_base_row"):
            self._base_row, self._per_row = {}, []
            for model_field in self.model._meta.concrete_fields:
                default = model_field.default
                if getattr(model_field, "auto_now", False) or default is timezone.now:
                    self._base_row[model_field.attname] = self.now
                elif default is uuid.uuid4 and model_field.attname not in self.scalar.values():
                    self._per_row.append(model_field.attname)
                elif default is uuid.uuid4:
                    self._base_row[model_field.attname] = None  # comes from the row's state
                else:
                    self._base_row[model_field.attname] = model_field.get_default()
        row = dict(self._base_row)
        for attname in self._per_row:
            row[attname] = next(self.new_ids) if self.new_ids is not None else uuid.uuid4()
        for column, attname in self.scalar.items():
            row[attname] = state[column]
        return row

    def before_update(self, instance, current, state, changed) -> set[str]:
        return set()

    def relation_table(self, column) -> tuple:
        """(model, attnames) of the rows that hold `column`."""
        raise NotImplementedError

    def relation_rows(self, column, pk, value) -> list[tuple]:
        return []

    def relation_delete(self, column, pks) -> None:
        pass


def grouped(rows) -> dict:
    grouped = defaultdict(list)
    for owner, *rest in rows:
        grouped[owner].append(tuple(rest) if len(rest) > 1 else rest[0])
    return grouped


def sorted_tuple(items) -> tuple:
    return tuple(sorted(items))
