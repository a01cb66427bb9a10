"""Writing a checked file: bulk INSERT / UPDATE of plain tuples, child rows and history rows,
inside the caller's transaction."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from django.db import connections, router

from server.matching.changes import logged_in_bulk
from server.tabular.kinds import Kind

BATCH = 2000
SQLITE_CACHE_KIB = 256 * 1024
HISTORY_REASON = "CSV import"


@contextmanager
def bulk_write_settings(model, *, rows: int):
    """For a bulk write of `rows` rows of `model` (in the caller's transaction): the matching
    change log told once rather than per row when the write is large, and on SQLite a page
    cache large enough for the indexes a big import touches (the default 2 MB makes it re-read
    pages it just wrote), restored afterwards."""
    using = router.db_for_write(model)
    with logged_in_bulk(model, rows=rows, using=using), _page_cache(connections[using]):
        yield


@contextmanager
def _page_cache(connection):
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_plan(handler: Kind, plan, *, written=None) -> None:
    """Write the checked plan; `written(rows so far)` after each chunk (an import job's progress)."""
    creates, updates = plan
    model = handler.model
    history = model.history if handler.history else None
    count = _Counter(written)
    if handler.raw_create:
        _create_raw(handler, creates, count)
        creates = []
    for chunk in _chunks(creates):
        instances = [handler.build(state) for state in chunk]
        model.objects.bulk_create(instances, batch_size=500)
        if history is not None:
            history.bulk_history_create(
                instances,
                batch_size=500,
                default_user=handler.user,
                default_change_reason=HISTORY_REASON,
                default_date=handler.now,
            )
        _write_relations(
            handler,
            [(instance.pk, state) for instance, state in zip(instances, chunk, strict=True)],
            set(handler.relations),
        )
        count.add(len(chunk))

    for chunk in _chunks(updates):
        by_pk = model.objects.in_bulk([current["pk"] for current, _, _ in chunk])
        changed_instances, fields = [], set()
        relation_changes = []
        for current, state, changed in chunk:
            instance = by_pk[current["pk"]]
            scalar_changed = [column for column in changed if column in handler.scalar]
            for column in scalar_changed:
                setattr(instance, handler.scalar[column], state[column])
                fields.add(handler.scalar[column])
            fields |= handler.before_update(instance, current, state, changed)
            if hasattr(instance, "updated_at"):
                instance.updated_at = handler.now
                fields.add("updated_at")
            changed_instances.append(instance)
            relation_changes.append((instance.pk, state, changed))
        attnames = sorted({model._meta.get_field(name).attname for name in fields})
        if attnames:
            update_rows(
                model,
                attnames,
                [
                    (*(getattr(instance, attname) for attname in attnames), instance.pk)
                    for instance in changed_instances
                ],
            )
        if history is not None:
            _insert_history(handler, [vars(instance) for instance in changed_instances], "~")
        for column in handler.relations:
            owners = [pk for pk, _, changed in relation_changes if column in changed]
            if owners:
                handler.relation_delete(column, owners)
                _write_relations(
                    handler, [(pk, state) for pk, state, changed in relation_changes if column in changed], {column}
                )
        count.add(len(chunk))


class _Counter:
    """Rows written so far, told to the caller's callback (if any) after each chunk."""

    def __init__(self, callback):
        self.callback, self.rows = callback, 0

    def add(self, rows: int) -> None:
        self.rows += rows
        if self.callback is not None:
            self.callback(self.rows)


def _create_raw(handler: Kind, creates, count: _Counter) -> None:
    """New rows, their history and their child rows as plain tuples, a chunk at a time."""
    model = handler.model
    attnames = [model_field.attname for model_field in model._meta.concrete_fields]
    # New keys in ascending order: every index on them (the table's and its child tables') then
    # grows at one end instead of being split at random places, which is most of SQLite's cost.
    handler.new_ids = iter(sorted(uuid.uuid4() for _ in creates))
    for chunk in _chunks(creates, 10_000):
        rows = [handler.build_row(state) for state in chunk]
        insert_rows(model, attnames, [tuple(row[attname] for attname in attnames) for row in rows])
        if handler.history:
            _insert_history(handler, rows, "+")
        pk = model._meta.pk
        convert = _converter(pk, connections[router.db_for_write(model)]) or (lambda value: value)
        owners = [(convert(row[pk.attname]), state) for row, state in zip(rows, chunk, strict=True)]
        _write_relations(handler, owners, handler.relations, prepared=True)
        count.add(len(chunk))


def _insert_history(handler: Kind, rows: list[dict], history_type: str) -> None:
    """django-simple-history's records for rows (attname → value) just created ("+") or changed
    ("~"), by the importing user, written as plain tuples like the rows themselves."""
    history_model = handler.model.history.model
    tracked = [model_field.attname for model_field in history_model.tracked_fields]
    extra = (handler.now, HISTORY_REASON, history_type, handler.user.pk if handler.user else None)
    attnames = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    insert_rows(history_model, attnames, [(*(row[attname] for attname in tracked), *extra) for row in rows])


def update_rows(model, attnames, rows) -> None:
    """UPDATE … WHERE pk = … with executemany; each row is the values of `attnames`, then the key."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    pk = model._meta.pk
    converters = [_converter(fields[attname], connection) for attname in attnames] + [_converter(pk, connection)]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(fields[attname].column)} = %s" for attname in attnames),
        quote(pk.column),
    )
    _execute_many(connection, sql, rows, converters)


def _write_relations(handler: Kind, owners, columns, *, prepared=False) -> None:
    for column in handler.relations:
        if column not in columns:
            continue
        rows = [row for pk, state in owners for row in handler.relation_rows(column, pk, state[column])]
        model, attnames = handler.relation_table(column)
        insert_rows(model, attnames, rows, prepared_first=prepared)


def _converter(field, connection):
    """What a value of `field` must become before it goes to the database driver."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return lambda value: value.hex if value is not None else None
    if kind == "DateTimeField":
        # Every row of an import carries the same few timestamps: convert each once.
        adapt, seen = connection.ops.adapt_datetimefield_value, {}
        return lambda value: seen[value] if value in seen else seen.setdefault(value, adapt(value))
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model, attnames, rows, *, prepared_first=False) -> None:
    """INSERT plain tuples with executemany: the ORM's bulk_create spends most of its time
    compiling each value, which for half a million skill rows is most of an import."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = {field.attname: field for field in model._meta.concrete_fields}
    converters = [_converter(fields[attname], connection) for attname in attnames]
    if prepared_first:  # the caller converted the owner's key once rather than once per child row
        converters[0] = None
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(fields[attname].column) for attname in attnames),
        ", ".join(["%s"] * len(attnames)),
    )
    _execute_many(connection, sql, rows, converters)


def _execute_many(connection, sql, rows, converters) -> None:
    converting = [(index, convert) for index, convert in enumerate(converters) if convert is not None]
    if converting:
        converted = []
        for row in rows:
            row = list(row)
            for index, convert in converting:
                row[index] = convert(row[index])
            converted.append(row)
        rows = converted
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
