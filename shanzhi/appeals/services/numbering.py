"""The appeal's number and its first INSERT (intake): the day's counter, taken in the appeal's own
statement on PostgreSQL with its first event and rollup mark. Split from ``intake`` by subject."""

import datetime as dt
import decimal
import functools
import json
import uuid

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from shanzhi.core import prepared

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


def _json_value(value):
    """``json.dumps``' fallback for what ``get_db_prep_save`` gives that JSON has no type for; each
    is written as PostgreSQL reads it back into the column (times in full, with their offset)."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Jsonb):  # a JSONField's value: inside the row it is JSON already
        return value.obj
    if isinstance(value, decimal.Decimal | uuid.UUID):
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
}


def _plain_types(field):
    return _PLAIN.get(type(field.target_field if field.is_relation else field), ())


def _row(obj, fields):
    """``obj``'s columns as one JSON object, each value as the field prepares it for an INSERT
    (``fields``: (field, the types it keeps as they are))."""
    row = {}
    for f, plain in fields:
        value = getattr(obj, f.attname)
        if not plain or (value is not None and type(value) not in plain):
            value = f.get_db_prep_save(f.pre_save(obj, True), connection)
        row[f.column] = value
    return json.dumps(row, default=_json_value, ensure_ascii=False)


@functools.cache
def _insert_statement():
    """(SQL, the appeal's fields, the event's fields) of ``_insert_with_counter``: the same for
    every intake, so written once per process.

    Each new row travels as one JSON parameter (``jsonb_populate_record`` of the table's own row
    type, so every column is read by its type's input, lengths checked as by a plain INSERT) with
    its id from the table's sequence: six parameters instead of seventy-nine, which psycopg
    re-parsed and re-bound on every intake (it keeps the parsed form of a statement of at most 50
    parameters only) and PostgreSQL received one by one."""
    qn = connection.ops.quote_name
    fields = [f for f in Appeal._meta.local_concrete_fields if not f.primary_key and f.attname != "number"]
    event_fields = [f for f in AppealEvent._meta.local_concrete_fields if not f.primary_key]
    event_fields = [f for f in event_fields if f.attname != "appeal_id"]  # from ``a``
    fields = [(f, _plain_types(f)) for f in fields]
    event_fields = [(f, _plain_types(f)) for f in event_fields]

    def new_row(model, source, extra):
        table = qn(model._meta.db_table)
        pk = model._meta.pk.column
        return (
            f"INSERT INTO {table} SELECT r.* FROM {source}, jsonb_populate_record(NULL::{table}, "  # noqa: S608 - names from the models
            f"%s::jsonb || jsonb_build_object('{pk}', nextval(pg_get_serial_sequence('{table}', '{pk}')), {extra})) r "
        )

    appeal_row = new_row(Appeal, "c", "'number', %s::text || lpad(c.value::text, 6, '0')")
    event_row = new_row(AppealEvent, "a", f"'appeal_id', a.{qn('id')}")
    sql = (
        f"WITH c AS (UPDATE {qn(AppealCounter._meta.db_table)} SET value = value + 1 WHERE day = %s::date "  # noqa: S608 - names from the models
        f"RETURNING value), a AS ({appeal_row}RETURNING {qn('id')}, {qn('number')}), "
        f"e AS ({event_row}RETURNING {qn('id')}), "
        f"m AS (INSERT INTO {qn(AppealRollupMark._meta.db_table)} (day, community_id, created_at) "
        "SELECT %s::date, %s::bigint, %s::timestamptz FROM a) "
        f"SELECT a.{qn('id')}, a.{qn('number')}, e.{qn('id')} FROM a, e"
    )
    return sql, fields, event_fields


def _insert_with_counter(appeal, day, first_event):
    sql, fields, event_fields = _insert_statement()
    params = [day, _row(appeal, fields), f"SZ{day:%Y%m%d}", _row(first_event, event_fields)]
    # The rollup mark of the appeal's cell (day of filing, community), as ``rollups.touch`` writes it.
    params += [rollups.day_of(appeal.created_at), appeal.community_id, timezone.now()]
    # Prepared: the same text on every intake, planned once per pooled connection.
    with prepared.cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
