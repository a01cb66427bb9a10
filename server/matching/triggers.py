"""The database triggers behind server.matching.changes: every insert, update or delete of a
ranking's input appends the changed candidates to the `server_matchchange` log (and every
write to the public catalog a "p" row, for the API's validators).

Installed by migration 0006_matching_change_log and again after every `migrate`
(server.apps: post_migrate), because SQLite drops a table's triggers when a later migration
rebuilds the table. Statement-level on PostgreSQL (one log insert per statement, not per
row), row-level on SQLite (which has no other kind).

A bulk writer (the CSV import, seed_demo) touching more candidates than a refresh would
follow one by one wraps its write in `logged_as_one_change`: the triggers of that kind stay
silent for its transaction and one EVERYTHING row is logged instead (every process then
rebuilds its table, as it would have anyway). Per-row logging had doubled a large import.
"""

from contextlib import contextmanager

from django.db import connections

# Triggers that log every change of a ranking's input (server.matching.changes): table, the
# column naming the candidate, and the candidate's kind ("v" volunteer, "o" opportunity).
WATCHED = [
    ("server_volunteer", "id", "v"),
    ("server_volunteerskill", "volunteer_id", "v"),
    ("server_availabilityslot", "volunteer_id", "v"),
    ("server_volunteer_roles", "volunteer_id", "v"),
    ("server_opportunity", "id", "o"),
    ("server_opportunityskill", "opportunity_id", "o"),
    # Not ranking inputs, but what the public API shows: "p" rows only change the API's
    # validators (server.api.caching), never the rankings' tables.
    ("server_project", "id", "p"),
    ("server_meetingtime", "project_id", "p"),
    ("server_role", "id", "p"),
    ("server_skill", "id", "p"),
    ("server_communityofpractice", "id", "p"),
    ("server_skill_communities_of_practice", "skill_id", "p"),
]
LOG = "server_matchchange"
LOCK = 7261535  # pg_advisory_xact_lock key: log ids in commit order (POSTGRES_COMMIT_ORDER)
EVERYTHING = "*"  # a log row's object_id meaning "any candidate of this kind may have changed"
PAUSED = "ctj.match_log_paused"  # PostgreSQL: the kind whose triggers skip this transaction
KIND_OF_TABLE = {table: kind for table, _, kind in WATCHED}

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ctj_match_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{PAUSED}', true) = TG_ARGV[0] THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO {LOG} (kind, object_id, token) SELECT DISTINCT %L, (%I)::text, '
                       '(random() * 1e15)::bigint FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO {LOG} (kind, object_id, token) SELECT DISTINCT %L, (%I)::text, '
                       '(random() * 1e15)::bigint FROM old_rows', TG_ARGV[0], TG_ARGV[1]);
    ELSE
        EXECUTE format('INSERT INTO {LOG} (kind, object_id, token) SELECT %L, changed, (random() * 1e15)::bigint '
                       'FROM (SELECT (%I)::text AS changed FROM new_rows UNION SELECT (%I)::text FROM old_rows) AS c',
                       TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);
    END IF;
    RETURN NULL;
END $$;
"""

# The log's ids are handed out in commit order, so "everything up to id N" is a stable fact for
# a reader: at commit (a deferred constraint trigger), under one advisory lock, each new log row
# takes a fresh id. The lock is held only from there to the end of the commit; taking it when
# the row was written serialised every writer's whole transaction (50 concurrent applications
# waited about a second each for one another).
POSTGRES_COMMIT_ORDER = f"""
CREATE OR REPLACE FUNCTION ctj_match_log_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK});
    UPDATE {LOG} SET id = nextval(pg_get_serial_sequence('{LOG}', 'id')) WHERE id = NEW.id;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS ctj_log_commit_order ON {LOG};
CREATE CONSTRAINT TRIGGER ctj_log_commit_order AFTER INSERT ON {LOG} DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ctj_match_log_in_commit_order();
"""

EVENTS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def _sqlite(table, column, kind, event):
    insert = f"INSERT INTO {LOG} (kind, object_id, token) VALUES ('{kind}', {{}}.{column}, abs(random()));"
    if event == "INSERT":
        body = insert.format("NEW")
    elif event == "DELETE":
        body = insert.format("OLD")
    else:
        body = (
            insert.format("NEW")
            + f" INSERT INTO {LOG} (kind, object_id, token) SELECT '{kind}', OLD.{column}, abs(random())"
            f" WHERE OLD.{column} IS NOT NEW.{column};"
        )
    name = f"ctj_match_{table}_{event.lower()}"
    return f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END;"


def install(connection) -> None:
    """Create the triggers (again): idempotent, so post_migrate can repair a table SQLite rebuilt."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        _install(cursor, vendor)


def _install(cursor, vendor) -> None:
    if vendor == "postgresql":
        cursor.execute(POSTGRES_FUNCTION)
        cursor.execute(POSTGRES_COMMIT_ORDER)
    for table, column, kind in WATCHED:
        for event, referencing in EVENTS.items():
            if vendor == "postgresql":
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER ctj_match_{event.lower()} AFTER {event} ON {table} {referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION ctj_match_log('{kind}', '{column}')"
                )
            elif vendor == "sqlite":
                cursor.execute(_sqlite(table, column, kind, event))
            else:
                raise RuntimeError(f"matching change-log triggers are written for SQLite and PostgreSQL, not {vendor}")


def installed(connection) -> int:
    """How many of the triggers exist (a check for tests and `migrate`)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'ctj_match_%%' AND NOT tgisinternal")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ctj_match_%'")
        return cursor.fetchone()[0]


EXPECTED = len(WATCHED) * len(EVENTS)


def uninstall(connection) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        _uninstall(cursor, vendor)


def _uninstall(cursor, vendor) -> None:
    for table, _, _ in WATCHED:
        for event in EVENTS:
            if vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS ctj_match_{event.lower()} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS ctj_match_{table}_{event.lower()}")
    if vendor == "postgresql":
        cursor.execute("DROP FUNCTION IF EXISTS ctj_match_log()")
        cursor.execute(f"DROP TRIGGER IF EXISTS ctj_log_commit_order ON {LOG}")
        cursor.execute("DROP FUNCTION IF EXISTS ctj_match_log_in_commit_order()")


@contextmanager
def logged_as_one_change(model, *, using: str):
    """Inside the caller's transaction, write `model`'s rows (and its child rows, which share
    its kind) with the change-log triggers of that kind silent, then log one EVERYTHING row.

    SQLite has no per-session switch, so the kind's triggers are dropped and created again in
    the transaction (DDL is transactional there, and the write lock keeps other writers out
    meanwhile); PostgreSQL's trigger function skips the kind named in a transaction-local
    setting. Either way a rollback leaves the triggers as they were.
    """
    kind = KIND_OF_TABLE.get(model._meta.db_table)
    connection = connections[using]
    if kind is None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("logged_as_one_change needs the caller's transaction")
    tables = [(table, column) for table, column, watched in WATCHED if watched == kind]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, true)", [PAUSED, kind])
        else:
            for table, _ in tables:
                for event in EVENTS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS ctj_match_{table}_{event.lower()}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, '', true)", [PAUSED])
            random = "(random() * 1e15)::bigint"
        else:
            for table, column in tables:
                for event in EVENTS:
                    cursor.execute(_sqlite(table, column, kind, event))
            random = "abs(random())"
        cursor.execute(f"INSERT INTO {LOG} (kind, object_id, token) VALUES (%s, %s, {random})", [kind, EVERYTHING])
