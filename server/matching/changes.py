"""Keeping each process's compact tables in step with the database, after every kind of write.

Database triggers (migration 0006_matching_change_log) append a row to `MatchChange` for
every volunteer or opportunity whose matching inputs a statement touched, whatever wrote it:
the admin, the API, the CSV importer's raw bulk writer, seed_demo, a QuerySet.update, a
cascade. On PostgreSQL each new log row takes its final id at commit, under one advisory lock
held only to the end of the commit, so ids are handed out in commit order and "everything up
to id N" is a stable fact; on SQLite writers are serialised anyway. (A reader inside the
writing transaction saw the row under its first id; it finds that id gone after the commit
and rebuilds, as after a rollback.)

Each ranking first reads the log past the last row this process saw (one indexed query,
usually empty). The rows of candidates changed since the table was built are read again
(a fixed number of queries) into an overlay, scored exactly with the pure functions; the
table's own rows of those candidates are ignored. When the overlay grows large, or the row
last seen is gone (a rolled-back transaction, a flushed test database: the random token
tells), the table is rebuilt from scratch.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections

from server.matching import loading, triggers
from server.matching.compact import OpportunityTable, VolunteerTable
from server.models import MatchChange

REBUILD_AFTER = 2_000  # changed candidates kept in the overlay before a rebuild
VOLUNTEERS, OPPORTUNITIES = "v", "o"


@dataclass
class Snapshot:
    table: object
    seen: tuple[int, int]  # (id, token) of the last log row read; (0, 0) for an empty log
    overlay: dict = field(default_factory=dict)  # raw key → record (None: deleted)
    dead: object = None  # bool array: table rows superseded by the overlay


_BUILDERS = {
    VOLUNTEERS: (lambda: VolunteerTable(loading.volunteer_rows()), loading.volunteer_records),
    OPPORTUNITIES: (lambda: OpportunityTable(loading.opportunity_rows()), loading.opportunity_records),
}
_snapshots: dict[tuple, Snapshot] = {}
_lock = threading.Lock()


def current(kind: str, *, using: str = "default") -> Snapshot:
    """The up-to-date snapshot of `kind` for this database (built or refreshed as needed)."""
    settings = connections[using].settings_dict
    key = (kind, using, settings["NAME"], settings.get("HOST"), settings.get("PORT"))
    with _lock:
        snapshot = _snapshots.get(key)
        snapshot = _refresh(kind, snapshot, using) if snapshot is not None else None
        if snapshot is None:
            snapshot = _build(kind, using)
        _snapshots[key] = snapshot
        return snapshot


@contextmanager
def logged_in_bulk(model, *, rows: int, using: str = "default"):
    """Around a bulk write of `rows` rows of `model` in a transaction: past what a refresh
    follows one by one, the write is logged as one change of everything of its kind (every
    process rebuilds, as it would have anyway) instead of a log row per row written."""
    if rows > REBUILD_AFTER:
        with triggers.logged_as_one_change(model, using=using):
            yield
    else:
        yield


def forget() -> None:
    """Drop every snapshot (the next ranking rebuilds): for benchmarks measuring a cold start."""
    with _lock:
        _snapshots.clear()


def _log(kind: str, using: str):
    return MatchChange.objects.using(using).filter(kind=kind)


def _build(kind: str, using: str) -> Snapshot:
    # The log's head is read before the tables: a write landing in between is both in the
    # table and past the head, so it is read again next time (harmless), never missed.
    head = _log(kind, using).order_by("-pk").values_list("pk", "token").first() or (0, 0)
    build, _ = _BUILDERS[kind]
    table = build()
    import numpy as np

    return Snapshot(table=table, seen=tuple(head), dead=np.zeros(table.size, dtype=bool))


def _refresh(kind: str, snapshot: Snapshot, using: str) -> Snapshot | None:
    """The snapshot brought up to date, or None when it must be rebuilt."""
    seen_id, seen_token = snapshot.seen
    found = list(
        _log(kind, using)
        .filter(pk__gte=seen_id)
        .order_by("pk")
        .values_list("pk", "token", "object_id")[: REBUILD_AFTER + 2]
    )
    if seen_id:
        if not found or tuple(found[0][:2]) != (seen_id, seen_token):
            return None  # the row last seen is gone: rolled back or flushed
        found = found[1:]
    if not found:
        return snapshot
    if any(object_id == triggers.EVERYTHING for _, _, object_id in found):
        return None
    changed = {loading.raw_key(object_id, using=using) for _, _, object_id in found}
    if len(found) > REBUILD_AFTER or len(changed | snapshot.overlay.keys()) > REBUILD_AFTER:
        return None
    _, load = _BUILDERS[kind]
    snapshot.overlay.update(load(changed))
    table = snapshot.table
    for raw in changed:
        index = table.index.get(raw)
        if index is not None:
            snapshot.dead[index] = True
    snapshot.seen = tuple(found[-1][:2])
    return snapshot
