"""The appeal's number and its first INSERT (intake): the day's counter, taken in the appeal's own
statement on PostgreSQL with its first event and rollup mark. Split from ``intake`` by subject."""

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


def _insert_with_counter(appeal, day, first_event):
    qn = connection.ops.quote_name
    fields = [f for f in Appeal._meta.local_concrete_fields if not f.primary_key]
    columns, values, params = [], [], [day]
    for f in fields:
        columns.append(qn(f.column))
        if f.attname == "number":
            values.append("%s || lpad(c.value::text, 6, '0')")
            params.append(f"SZ{day:%Y%m%d}")
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(appeal, True), connection))
    # The first event, its appeal's id from ``a``.
    event_columns, event_values = [], []
    for f in (f for f in AppealEvent._meta.local_concrete_fields if not f.primary_key):
        event_columns.append(qn(f.column))
        if f.attname == "appeal_id":
            event_values.append(f"a.{qn('id')}")
        else:
            event_values.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(first_event, True), connection))
    # The rollup mark of the appeal's cell (day of filing, community), as ``rollups.touch`` writes it.
    params += [rollups.day_of(appeal.created_at), appeal.community_id, timezone.now()]
    sql = (
        f"WITH c AS (UPDATE {qn(AppealCounter._meta.db_table)} SET value = value + 1 WHERE day = %s "  # noqa: S608 - names from the models
        f"RETURNING value), a AS (INSERT INTO {qn(Appeal._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM c RETURNING {qn('id')}, {qn('number')}), "
        f"e AS (INSERT INTO {qn(AppealEvent._meta.db_table)} ({', '.join(event_columns)}) "
        f"SELECT {', '.join(event_values)} FROM a RETURNING {qn('id')}), "
        f"m AS (INSERT INTO {qn(AppealRollupMark._meta.db_table)} (day, community_id, created_at) "
        "SELECT %s, %s, %s FROM a) "
        f"SELECT a.{qn('id')}, a.{qn('number')}, e.{qn('id')} FROM a, e"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
