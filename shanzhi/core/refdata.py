"""Reference data read once per process and invalidated on change, not read on every request.

Intake and the public reads need the grid polygons, the org tree's names and the categories on
every request; they change a few times a year. Each cache here is keyed by the one row of
``ReferenceVersion``, which database triggers replace with a fresh random value whenever those
tables change (see the model). A request reads that row once (one primary-key read instead of
the reference tables themselves); a worker process that sees a new value reloads what it needs.

Nothing scoped to a user is cached here: only rows that every user reads alike. A second row,
``api_keys``, versions the API keys the same way (``accounts.apikeys``); all rows are read in the
one statement. On PostgreSQL with the connection pool that statement is the pool's check of the
connection a request takes (``check_connection``), so a request reads the versions in the round
trip that tested its connection anyway; a request that knows its first read before it takes the
connection (an API call's account: ``accounts.services.user_for_token``) sends it in that same
statement (``riding``).
When the row is missing (a test database flushed by TRUNCATE), nothing is cached at all.
"""

import contextlib
import contextvars
import functools
import json
import threading

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connection, connections

from . import prepared

NAME = "reference"
_UNKNOWN = object()
# The value read during the current request (a request reads it once); outside a request, every
# call reads it again, so a command or a test that changes a category sees the change at once.
_request_value = contextvars.ContextVar("refdata_request_value", default=None)
_lock = threading.Lock()
_caches = {}  # name -> (version, value)


@functools.cache
def _table():
    from .models import ReferenceVersion

    return connection.ops.quote_name(ReferenceVersion._meta.db_table)


@functools.cache
def _sql():
    return f"SELECT name, value FROM {_table()}"  # noqa: S608 - our table name


def _read():
    """Every version row, by name (two rows: one statement for all the caches of a request)."""
    # Prepared (``prepared.cursor``): every Open311 and API request sends this same text, and
    # parsing and planning it again cost PostgreSQL more than reading the two rows.
    with prepared.cursor(connection.alias) as cursor:
        cursor.execute(_sql())
        return dict(cursor.fetchall())


def check_connection(conn):
    """The connection pool's check of a connection as it is taken (the ENGINE
    ``shanzhi.core.postgresql`` gives it to the pool), which reads the version rows as it tests
    the connection: the request that took it then finds them in ``_checked`` and sends no
    statement of its own for them. A read the request asked for beforehand (``riding``) goes in
    the same round trip. Raises as psycopg_pool's own check does when the connection is broken
    (after a PostgreSQL restart: the pool replaces it). A database without the table yet (before
    ``migrate``) passes."""
    autocommit = conn.autocommit
    if not autocommit:
        conn.autocommit = True
    try:
        versions = _read_checking(conn)
    finally:
        if not autocommit:
            with contextlib.suppress(Exception):  # a closed connection's own error is the one raised
                conn.autocommit = False
    conn.shanzhi_versions = versions


def _read_checking(conn):
    import psycopg

    rider = _rider.get()
    if rider is not None and rider.rows is None:
        try:
            rows = psycopg.Cursor(conn).execute(_riding_sql(rider.sql), rider.params, prepare=True).fetchall()
        except psycopg.Error:
            if conn.broken or conn.closed:
                raise  # the pool takes another connection, and this runs again on it
            # The rider's own failure (a timeout, no table yet): the versions alone, as without it.
        else:
            # The versions' one row joined laterally to the rider's (a nested loop): its rows come
            # in the rider's own order.
            rider.rows = [row[1:] for row in rows if row[1] is not None]
            return json.loads(rows[0][0] or "{}")  # NULL: no version row at all
    try:
        # psycopg's own cursor: the connection's (Django's) binds on the client, and such a cursor
        # never prepares, whatever it is asked: PostgreSQL parsed and planned this on every request.
        return dict(psycopg.Cursor(conn).execute(_sql(), prepare=True).fetchall())
    except psycopg.errors.UndefinedTable:
        return None


@functools.cache
def _riding_sql(sql):
    """The versions (one JSON object, by name) and the rider's columns, in one statement: one
    row of the versions however many rows the rider has (none: its columns NULL). A pipeline of
    the two statements would save the round trip too, but psycopg runs a pipeline in Python: it
    cost more instructions than the round trip it saved."""
    return (
        f"SELECT v.versions, r.* FROM (SELECT json_object_agg(name, value)::text AS versions "  # noqa: S608 - our SQL
        f"FROM {_table()}) v LEFT JOIN LATERAL ({sql}) r ON TRUE"
    )


class Rider:
    """A read that rides on the pool's check (``riding``): ``rows`` holds its result once run."""

    __slots__ = ("sql", "params", "rows")

    def __init__(self, sql, params):
        self.sql, self.params, self.rows = sql, params, None


# The read the current request asked to send with the versions (``riding``), or None.
_rider = contextvars.ContextVar("refdata_rider", default=None)


@contextlib.contextmanager
def riding(sql, params):
    """While inside, a connection the pool takes and checks also runs ``sql`` with ``params``
    (a SELECT whose first column is never NULL, its placeholders bound by the server, prepared),
    in the statement of its check, and leaves the rows in the ``Rider`` given (each row a tuple,
    as psycopg gives them). Its
    ``rows`` stay None where it did not run: the request already held its connection, there is
    no pool (SQLite, the tests' plain connection) or the read itself failed. The caller then reads
    as it would have. Only for what a request will read anyway, whoever it turns out to be for:
    nothing is written, nothing is kept past the request."""
    rider = Rider(sql, params)
    token = _rider.set(rider)
    try:
        yield rider
    finally:
        _rider.reset(token)


def _checked():
    """The versions the pool's check read when this request's connection was taken, once: the
    connection goes back to the pool at the request's end and is checked again when next taken."""
    db = connections[DEFAULT_DB_ALIAS]  # ``connection``'s: one lookup in asgiref's storage, not three
    if db.vendor != "postgresql":
        return None
    db.ensure_connection()
    raw = db.connection
    versions = getattr(raw, "shanzhi_versions", None)
    if versions is not None:
        raw.shanzhi_versions = None
    return versions


def version(name=NAME):
    """The current value of the version row ``name`` (None: unknown, do not cache)."""
    memo = _request_value.get()
    if memo is not None and memo["value"] is not _UNKNOWN:
        return memo["value"].get(name)
    if memo is None:
        return _read().get(name)
    values = _checked() or _read()
    memo["value"] = values
    return values.get(name)


def cached(name, load, *, version_name=NAME):
    """``load()``'s result, reused while the version row ``version_name`` stays the same."""
    current = version(version_name)
    if current is None:
        return load()
    hit = _caches.get(name)
    if hit is not None and hit[0] == current:
        return hit[1]
    # Read after the version: a change committed in between only makes the next request reload.
    value = load()
    with _lock:
        _caches[name] = (current, value)
    return value


def peek(name):
    """The value last kept under ``name``, of whichever version it was (None: none kept), without
    reading the version: for a guess that the caller checks later, never for an answer."""
    hit = _caches.get(name)
    return None if hit is None else hit[1]


def forget():
    """Drop this request's memo of the version: the process itself just changed reference data
    (``post_save`` of those models, connected by their apps), so its next read must see it."""
    memo = _request_value.get()
    if memo is not None:
        memo["value"] = _UNKNOWN


def clear():
    with _lock:
        _caches.clear()
    forget()


def _started(**kwargs):
    _request_value.set({"value": _UNKNOWN})


def _finished(**kwargs):
    _request_value.set(None)


request_started.connect(_started, dispatch_uid="shanzhi.core.refdata.started")
request_finished.connect(_finished, dispatch_uid="shanzhi.core.refdata.finished")


def watch(*models):
    """Connect ``forget`` to these models' writes in this process (the triggers cover the others)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(_forget_receiver, sender=model, dispatch_uid=f"refdata.save.{model._meta.label}")
        post_delete.connect(_forget_receiver, sender=model, dispatch_uid=f"refdata.del.{model._meta.label}")


def _forget_receiver(**kwargs):
    forget()


# --- the triggers, for the migrations of the apps that own the tables -------------------------


# One function for the triggers of every version row but the first: the row's name is the
# trigger's argument.
PG_NAMED_FUNCTION = """
CREATE OR REPLACE FUNCTION core_refversion_renew_named() RETURNS trigger AS $$
BEGIN
    UPDATE core_referenceversion SET value = (random() * 9e18)::bigint WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def trigger_sql(vendor, table, *, name=NAME, columns=()):
    """(forward, backward) SQL that renews the version row ``name`` on any write to ``table``;
    with ``columns``, on an update only when it sets one of them (a write of others, such as a
    token's "last used" time, leaves the caches alone)."""
    trigger = f"{table}_refversion" if name == NAME else f"{table}_{name}_version"
    update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    if vendor == "postgresql":
        call = "core_refversion_renew()" if name == NAME else f"core_refversion_renew_named('{name}')"
        return (
            ([] if name == NAME else [PG_NAMED_FUNCTION])
            + [
                f"CREATE TRIGGER {trigger} AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {call}"
            ],
            [f"DROP TRIGGER IF EXISTS {trigger} ON {table}"],
        )
    if vendor == "sqlite":
        renew = f"UPDATE core_referenceversion SET value = abs(random()) WHERE name = '{name}'; "  # noqa: S608
        ops = {"insert": "INSERT", "update": update, "delete": "DELETE"}
        return (
            [
                f"CREATE TRIGGER {trigger}_{op} AFTER {sql} ON {table} BEGIN {renew}END"
                for op, sql in ops.items()
            ],
            [f"DROP TRIGGER IF EXISTS {trigger}_{op}" for op in ops],
        )
    return [], []


def install(table, *, name=NAME, columns=()):
    """A migration operation: the triggers on ``table`` (PostgreSQL, SQLite)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        for sql in trigger_sql(schema_editor.connection.vendor, table, name=name, columns=columns)[0]:
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        for sql in trigger_sql(schema_editor.connection.vendor, table, name=name, columns=columns)[1]:
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)
