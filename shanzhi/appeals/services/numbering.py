"""The appeal's number and its first INSERT (intake): the day's counter, taken in the appeal's own
statement on PostgreSQL with its first event and rollup mark, and there, when the tasks are queued
in the database, with the one task row of its notices (``insert_whole``). Split from ``intake`` by
subject."""

import contextlib
import datetime
import decimal
import functools
import secrets
import uuid

import orjson
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from psycopg.types.json import Jsonb

from shanzhi.core import prepared, taskrows

from .. import outbox, rollups
from ..models import Appeal, AppealCounter, AppealEvent, AppealRollupMark

# Stands for the new appeal's number in its notices' texts until ``insert_whole``'s statement,
# which takes the number, writes them. Random per process: no text a resident sends contains it.
NUMBER_MARK = f"[{secrets.token_hex(12)}]"


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
    if connection.vendor != "postgresql":
        appeal.number = next_number(now)
        appeal.save(force_insert=True)
        return False
    _numbered(appeal, timezone.localdate(now), first_event, None)
    return True


def one_statement():
    """Whether ``insert_whole`` can write this intake: PostgreSQL, the tasks queued in its own
    table (``core.taskrows``; a queue elsewhere, Redis, cannot be in the statement) and no outbox
    already gathering (a caller's transaction that sends one task for all it does)."""
    from ..tasks import deliver_notifications

    return (
        connection.vendor == "postgresql"
        and isinstance(deliver_notifications.get_backend(), taskrows.DatabaseBackend)
        and outbox.current() is None
    )


def insert_whole(appeal, now, first_event, notices):
    """``insert_numbered``'s statement with the intake's one task row in it, run on its own in
    autocommit (``one_statement`` says when): the appeal, its first event, its rollup mark and the
    ``deliver_notifications`` task of ``notices`` (``outbox.collect``'s, their appeal id None and
    the number written as ``NUMBER_MARK``) are committed together or not at all, in one round
    trip where BEGIN, the INSERT, the task's INSERT and COMMIT were four. The statement fills in
    each notice's appeal id and number; the task also drains the rollup mark (``rollups.nudges``). Inside a caller's
    transaction (a test's) it runs in a savepoint, so that a refused INSERT (a repeated
    idempotency key: ``IntegrityError``) leaves that transaction usable."""
    from ..tasks import deliver_notifications

    backend = deliver_notifications.get_backend()
    row = backend.new_row(deliver_notifications, (notices, rollups.nudges()), {})
    day = timezone.localdate(now)
    with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
        _numbered(appeal, day, first_event, row)
    row.args_kwargs["args"][0] = [_filled(n, appeal) for n in row.args_kwargs["args"][0]]
    backend.written(row, DEFAULT_DB_ALIAS)
    backend.announce(row, deliver_notifications)


def _filled(notice, appeal):
    """A notice as the statement wrote it: the appeal's id and number in place (``NUMBER_MARK``)."""
    notice = list(notice)
    notice[1], notice[3] = appeal.pk, notice[3].replace(NUMBER_MARK, appeal.number)
    return notice


_EVENT_APPEAL = AppealEvent._meta.get_field("appeal")


def _numbered(appeal, day, first_event, task_row):
    for _attempt in range(2):
        row = _insert_with_counter(appeal, day, first_event, task_row)
        if row is not None:
            appeal.pk, appeal.number, first_event.pk = row
            # The event's key to its appeal, now that the appeal has one. The event was made with the
            # appeal (cached as its ``appeal``); the key goes in beside it, as ``event.appeal =
            # appeal`` would leave them, without the descriptor's type and router checks, which
            # cost more than the rest of this function.
            first_event.__dict__["appeal_id"] = appeal.pk
            _EVENT_APPEAL.set_cached_value(first_event, appeal)
            alias = DEFAULT_DB_ALIAS  # ``connection``'s, without a lookup
            for saved in (appeal, first_event):
                saved._state.adding, saved._state.db = False, alias
            return
        try:  # the day's first intake: its counter row, then the same INSERT again
            with transaction.atomic():
                AppealCounter.objects.create(day=day, value=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent intake
    raise RuntimeError("the day's appeal counter could not be created")


def _json_value(value):
    """orjson's fallback for what ``get_db_prep_save`` gives that it does not write itself; each is
    written as PostgreSQL reads it back into the column."""
    if isinstance(value, Jsonb):  # a JSONField's value: inside the row it is JSON already
        return value.obj
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"no JSON for {type(value).__name__}")


# Field classes whose value, when it is None or exactly of these types, is what ``pre_save`` and
# ``get_db_prep_save`` would give it back (no conversion, no default taken on save): such a value
# goes into the row as it is. Exact classes only (a subclass, an encrypted text, may convert), and
# a foreign key by its target's class. The full path, for some seventy columns, was a tenth of an
# intake's CPU.
_PLAIN = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.FloatField: (float,),
    models.IntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    # A UUID goes into the JSON as its text (orjson's own), as PostgreSQL reads it back.
    models.UUIDField: (uuid.UUID,),
}
# A time is converted (made aware if naive, with a warning), but a None stays None: most of an
# appeal's times are None at intake. Not for auto_now(_add), whose ``pre_save`` sets the time.
_NONE_ONLY = (type(None),)


def _is_text(value):
    """A text's value as ``get_db_prep_save`` gives it back: any ``str``, a choices member (a
    ``TextChoices`` value is a ``str`` subclass) included, which orjson writes as its text."""
    return isinstance(value, str)


def _is_aware(value):
    """An aware time, which ``get_db_prep_save`` gives back unchanged (only a naive one is made
    aware, with a warning); orjson writes it in ISO 8601 with its offset, as PostgreSQL reads it."""
    return type(value) is datetime.datetime and value.utcoffset() is not None


def _plain_types(field):
    """(the types a value of ``field`` keeps as it is, a test for the values that also keep)."""
    field = field.target_field if field.is_relation else field
    if type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add):
        return _NONE_ONLY, _is_aware
    if type(field) is models.JSONField and field.encoder is None:
        # Its value as the JSON it is stored as (``get_db_prep_save`` wraps it, ``_json_value``
        # unwraps it). A None converts: a JSONField's None may be JSON null or SQL NULL.
        return (dict, list, str, int, float, bool), None
    plain = _PLAIN.get(type(field), ())
    return plain, (_is_text if plain and plain[0] is str else None)


def _row(obj, fields, db):
    """``obj``'s columns as one JSON object, each value as the field prepares it for an INSERT
    (``fields``: (field, the types it keeps as they are, a test for more that do)). Written by
    orjson (times, dates and UUIDs in their ISO forms, which PostgreSQL reads): the standard
    library's encoder was half the cost of the intake's three rows. Only what may change on the
    way (an encrypted text, an ``auto_now`` time, a naive time) takes the field's own path: at
    intake three columns of the three rows, where every choice and time did (fourteen)."""
    row = {}
    for f, plain, also in fields:
        value = getattr(obj, f.attname)
        if not plain or (
            value is not None and type(value) not in plain and (also is None or not also(value))
        ):
            value = f.get_db_prep_save(f.pre_save(obj, True), db)
        row[f.column] = value
    return orjson.dumps(row, default=_json_value).decode()


@functools.cache
def _insert_statement(with_task):
    """(SQL, the appeal's fields, the event's fields, the task row's fields) of
    ``_insert_with_counter``: the same for every intake, so written once per process.

    Each new row travels as one JSON parameter (``jsonb_populate_record`` of the table's own row
    type, so every column is read by its type's input, lengths checked as by a plain INSERT): a
    handful of parameters instead of seventy-nine, which psycopg re-parsed and re-bound on every
    intake (it keeps the parsed form of a statement of at most 50 parameters only) and PostgreSQL
    received one by one. The INSERT names its columns: the id is left to the column's own default
    (its identity sequence), and what the statement itself makes (the number, the event's appeal,
    the task's arguments) is written in the SELECT. Asking for the sequence by the table's name
    (``pg_get_serial_sequence``, as this statement did) scans every dependency of the table, its
    forty indexes and constraints, on each call: 14 µs, where the sequence named takes 2
    (pgbench); with the JSON no longer merged (``||``), 65–74 µs an appeal row against 81–98.
    ``with_task``: the task row too (``insert_whole``), its arguments made in the statement from
    the notices and the new row."""
    qn = connection.ops.quote_name

    def columns(model, made):
        """The fields that travel in the row's JSON: every column but an automatic id and ``made``."""
        return [
            f
            for f in model._meta.local_concrete_fields
            if f.column not in made and not (f.primary_key and isinstance(f, models.AutoField))
        ]

    def new_row(model, source, made):
        """INSERT … SELECT of one row from its JSON parameter, ``made``'s columns by their SQL."""
        table, sent = qn(model._meta.db_table), columns(model, made)
        names = ", ".join(qn(f.column) for f in sent) + "".join(f", {qn(c)}" for c in made)
        values = ", ".join(f"r.{qn(f.column)}" for f in sent) + "".join(f", {sql}" for sql in made.values())
        return (
            f"INSERT INTO {table} ({names}) SELECT {values} FROM {source}, "  # noqa: S608 - names from the models
            f"jsonb_populate_record(NULL::{table}, %s::jsonb) r "
        )

    appeal_made = {"number": "%s::text || lpad(c.value::text, 6, '0')"}
    event_made = {"appeal_id": f"a.{qn('id')}"}
    sql = (
        f"WITH c AS (UPDATE {qn(AppealCounter._meta.db_table)} SET value = value + 1 WHERE day = %s::date "  # noqa: S608 - names from the models
        f"RETURNING value), a AS ({new_row(Appeal, 'c', appeal_made)}RETURNING {qn('id')}, {qn('number')}), "
        f"e AS ({new_row(AppealEvent, 'a', event_made)}RETURNING {qn('id')}), "
        f"m AS (INSERT INTO {qn(AppealRollupMark._meta.db_table)} (day, community_id, created_at) "
        "SELECT %s::date, %s::bigint, %s::timestamptz FROM a) "
    )
    task_made = {}
    if with_task:
        # deliver_notifications(notices, drain): each notice (kind, appeal id, users, text, ...) with
        # the new appeal's id at [1] and its number in place of NUMBER_MARK in [3], in their order.
        notices = (
            "(SELECT coalesce(jsonb_agg(jsonb_set(jsonb_set(n, '{1}', to_jsonb(a.id)), '{3}', "  # noqa: S608 - names from the models
            f"to_jsonb(replace(n->>3, %s, a.{qn('number')}))) ORDER BY i), '[]'::jsonb) "
            "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS x(n, i))"
        )
        task_made = {
            "args_kwargs": f"jsonb_build_object('args', jsonb_build_array({notices}, %s::boolean), 'kwargs', '{{}}'::jsonb)"
        }
        sql += f", t AS ({new_row(DBTaskResult, 'a', task_made)}) "
    sql += f"SELECT a.{qn('id')}, a.{qn('number')}, e.{qn('id')} FROM a, e"  # noqa: S608 - names from the models
    fields = [(f, *_plain_types(f)) for f in columns(Appeal, appeal_made)]
    event_fields = [(f, *_plain_types(f)) for f in columns(AppealEvent, event_made)]
    task_fields = [(f, *_plain_types(f)) for f in columns(DBTaskResult, task_made)]
    return sql, fields, event_fields, task_fields


def _insert_with_counter(appeal, day, first_event, task_row=None):
    sql, fields, event_fields, task_fields = _insert_statement(task_row is not None)
    # ``connection``'s own object, looked up once: each use of ``connection`` is a lookup in
    # asgiref's local storage (2 µs), and the rows' fields ask for it.
    db = connections[DEFAULT_DB_ALIAS]
    # In the order of the statement's placeholders: a row's made columns come before its JSON.
    params = [day, f"SZ{day:%Y%m%d}", _row(appeal, fields, db), _row(first_event, event_fields, db)]
    # The rollup mark of the appeal's cell (day of filing, community), as ``rollups.touch`` writes it.
    params += [rollups.day_of(appeal.created_at), appeal.community_id, timezone.now()]
    if task_row is not None:
        notices = orjson.dumps(task_row.args_kwargs["args"][0]).decode()
        params += [NUMBER_MARK, notices, task_row.args_kwargs["args"][1], _row(task_row, task_fields, db)]
    # Prepared: the same text on every intake, planned once per pooled connection.
    with prepared.cursor(DEFAULT_DB_ALIAS) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
