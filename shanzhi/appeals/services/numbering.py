"""The appeal's number and its first INSERT (intake): the day's counter, taken in the appeal's own
statement on PostgreSQL with its first event and rollup mark. Split from ``intake`` by subject."""

import functools
import re

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .. import rollups
from ..models import Appeal, AppealCounter, AppealEvent, AppealRollupMark


def _bump(day):
    """The day's next value, or None if the day has no counter row yet (one round trip)."""
    table = connection.ops.quote_name(AppealCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE day = %s RETURNING value", [day])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def next_number(now):
    """SZ + local date + a 6-digit sequence of that day. The counter row is locked until the
    intake commits, and rolls back with it, so numbers are unique and have no gaps. Every intake
    of the day queues on that one row, so ``submit`` takes the number last, just before its
    commit: the lock is then held for a few statements, not for the whole intake."""
    day = timezone.localdate(now)
    value = _bump(day)
    if value is None:
        try:
            with transaction.atomic():
                AppealCounter.objects.create(day=day, value=1)
            value = 1
        except IntegrityError:
            value = _bump(day)
    return f"SZ{day:%Y%m%d}{value:06d}"


def insert_numbered(appeal, now, first_event):
    """INSERT the appeal with the day's next number, taken in the same statement on PostgreSQL
    (``WITH c AS (UPDATE counter … RETURNING value) INSERT … SELECT … FROM c``): no placeholder
    number and no UPDATE of the new row afterwards, which touched every index of the table again.
    SQLite (one writer at a time anyway) bumps the counter first. Same numbers either way: the
    counter row is locked until the intake commits and rolls back with it (no gaps, no doubles).
    On PostgreSQL the same statement writes the metrics rollup mark (``rollups.touch``'s row) and
    ``first_event`` (``base.new_event``'s row: the appeal's first timeline entry); returns True
    when it did, False when the caller must write both (``base.event``)."""
    day = timezone.localdate(now)
    if connection.vendor != "postgresql":
        appeal.number = next_number(now)
        appeal.save(force_insert=True)
        return False
    for _attempt in range(2):
        row = _insert_with_counter(appeal, day, first_event)
        if row is not None:
            appeal.pk, appeal.number, first_event.pk = row
            first_event.appeal = appeal  # sets appeal_id too
            for saved in (appeal, first_event):
                saved._state.adding, saved._state.db = False, connection.alias
            return True
        try:  # the day's first intake: its counter row, then the same INSERT again
            with transaction.atomic():
                AppealCounter.objects.create(day=day, value=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent intake
    raise RuntimeError("the day's appeal counter could not be created")


class _PreparedCursor(psycopg.Cursor):
    """Parameters bound by the server and the statement prepared at its first run on a connection
    (Django's own cursors bind on the client and prepare nothing): an intake's INSERT is the same
    text every time, so PostgreSQL parses and plans it once per pooled connection."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def _prepared_cursor():
    """A ``_PreparedCursor`` on Django's connection, wrapped as Django wraps its own (so it is
    logged and counted, and its errors are Django's); Django's own cursor when the settings
    allow no prepared statement (binding on the server without preparing costs more)."""
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:  # prepared statements off (settings)
        return connection.cursor()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparedCursor(connection.connection))


def _param(field):
    """A placeholder typed as ``field``'s column, without its length (an explicit cast would cut a
    long text where an INSERT refuses it): bound by the server, a parameter in a SELECT list has
    no type of its own."""
    return "%s::" + re.sub(r"\(.*\)", "", field.db_type(connection))


@functools.cache
def _insert_statement():
    """(SQL, the appeal's fields, the event's fields) of ``_insert_with_counter``: the same for
    every intake, so written once per process."""
    qn = connection.ops.quote_name
    fields = [f for f in Appeal._meta.local_concrete_fields if not f.primary_key]
    values = ["%s || lpad(c.value::text, 6, '0')" if f.attname == "number" else _param(f) for f in fields]
    # The first event, its appeal's id from ``a``.
    event_fields = [f for f in AppealEvent._meta.local_concrete_fields if not f.primary_key]
    event_values = [f"a.{qn('id')}" if f.attname == "appeal_id" else _param(f) for f in event_fields]
    sql = (
        f"WITH c AS (UPDATE {qn(AppealCounter._meta.db_table)} SET value = value + 1 WHERE day = %s::date "  # noqa: S608 - names from the models
        f"RETURNING value), a AS (INSERT INTO {qn(Appeal._meta.db_table)} "
        f"({', '.join(qn(f.column) for f in fields)}) "
        f"SELECT {', '.join(values)} FROM c RETURNING {qn('id')}, {qn('number')}), "
        f"e AS (INSERT INTO {qn(AppealEvent._meta.db_table)} ({', '.join(qn(f.column) for f in event_fields)}) "
        f"SELECT {', '.join(event_values)} FROM a RETURNING {qn('id')}), "
        f"m AS (INSERT INTO {qn(AppealRollupMark._meta.db_table)} (day, community_id, created_at) "
        "SELECT %s::date, %s::bigint, %s::timestamptz FROM a) "
        f"SELECT a.{qn('id')}, a.{qn('number')}, e.{qn('id')} FROM a, e"
    )
    return sql, fields, [f for f in event_fields if f.attname != "appeal_id"]


def _insert_with_counter(appeal, day, first_event):
    sql, fields, event_fields = _insert_statement()
    params = [day]
    for f in fields:
        if f.attname == "number":
            params.append(f"SZ{day:%Y%m%d}")
        else:
            params.append(f.get_db_prep_save(f.pre_save(appeal, True), connection))
    params += [f.get_db_prep_save(f.pre_save(first_event, True), connection) for f in event_fields]
    # The rollup mark of the appeal's cell (day of filing, community), as ``rollups.touch`` writes it.
    params += [rollups.day_of(appeal.created_at), appeal.community_id, timezone.now()]
    with _prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
