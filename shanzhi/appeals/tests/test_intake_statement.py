"""An intake on PostgreSQL with its tasks in the database is one statement in autocommit
(``numbering.insert_whole``): the appeal, its first event, its rollup mark and the one task row of
its notices, the notices' appeal id and number filled in by the statement. Concurrent retries in
one statement: ``test_intake.test_concurrent_retries_create_exactly_one_appeal``."""

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from shanzhi.appeals import outbox
from shanzhi.appeals.models import Appeal, AppealRollupMark, Notification
from shanzhi.appeals.services import numbering
from shanzhi.appeals.tasks import deliver_notifications

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")

C = Appeal.Channel
DB_TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def _task_rows():
    return list(
        DBTaskResult.objects.filter(task_path=deliver_notifications.module_path).order_by("enqueued_at")
    )


def test_one_statement_writes_the_appeal_its_event_mark_and_task(cast, file_appeal, db_tasks):
    assert numbering.one_statement()
    before = len(_task_rows())
    appeal = file_appeal(idempotency_key="whole-1")
    assert appeal.number.startswith("SZ") and numbering.NUMBER_MARK not in appeal.number
    assert [e.verb for e in appeal.events.all()] == ["submit"] and appeal.intake_event.pk
    event = appeal.intake_event  # as saved: its appeal, its key, its database
    assert event.appeal is appeal and event.appeal_id == appeal.pk
    assert not event._state.adding and event._state.db == appeal._state.db == "default"
    assert AppealRollupMark.objects.filter(community_id=appeal.community_id).exists()
    rows = _task_rows()
    assert len(rows) == before + 1
    notices, drain = rows[-1].args_kwargs["args"]
    assert drain is True
    by_kind = {n[0]: n for n in notices}
    assert set(by_kind) == {"submitted", "received"}
    for notice in notices:  # each notice's appeal and number, filled in by the statement
        assert notice[1] == appeal.pk
        assert appeal.number in notice[3] and numbering.NUMBER_MARK not in notice[3]
    assert by_kind["received"][2] == [cast.jumin.pk]
    # The worker's run of that row tells the dispatchers and the resident, with the number.
    deliver_notifications.call(*rows[-1].args_kwargs["args"])
    told = Notification.objects.filter(appeal=appeal)
    assert {n.user_id for n in told if n.kind == "submitted"} == {cast.zhang.pk, cast.zhao.pk}
    assert all(appeal.number in n.text for n in told) and told.filter(user=cast.jumin).exists()


def test_the_one_statement_s_task_is_announced_to_whoever_listens(cast, file_appeal, db_tasks):
    from django_tasks.signals import task_enqueued

    heard = []

    def receiver(sender, task_result, **kwargs):
        heard.append(task_result)

    task_enqueued.connect(receiver)
    try:
        appeal = file_appeal(idempotency_key="whole-heard")
    finally:
        task_enqueued.disconnect(receiver)
    (result,) = heard
    row = _task_rows()[-1]
    assert result.id == str(row.id) and result.task.module_path == deliver_notifications.module_path
    assert result.args == row.args_kwargs["args"] and result.args[0][0][1] == appeal.pk


def test_a_retry_writes_nothing_more(cast, file_appeal, db_tasks):
    first = file_appeal(idempotency_key="whole-retry")
    rows = len(_task_rows())
    again = file_appeal(idempotency_key="whole-retry")
    assert again.pk == first.pk and again.is_replay
    assert len(_task_rows()) == rows and Appeal.objects.filter(idempotency_key="whole-retry").count() == 1
    assert first.events.count() == 1


def test_inside_a_gathering_transaction_the_notices_join_its_one_task(cast, file_appeal, db_tasks):
    before = len(_task_rows())
    with transaction.atomic(), outbox.gather():
        assert not numbering.one_statement()
        a = file_appeal(title="第一件")
        b = file_appeal(title="第二件")
    rows = _task_rows()
    assert len(rows) == before + 1
    notices, _drain = rows[-1].args_kwargs["args"]
    assert {n[1] for n in notices} == {a.pk, b.pk}


def test_without_tasks_in_the_database_the_intake_is_a_transaction(cast, file_appeal):
    # The tests' tasks run at once: no task row to put in the statement.
    assert not numbering.one_statement()
    appeal = file_appeal()
    assert Notification.objects.filter(appeal=appeal, kind="submitted").exists()


def test_the_hot_statements_stay_within_what_psycopg_keeps_parsed():
    """psycopg keeps the parsed form of a statement (its placeholders found, its text encoded) only
    up to 4,096 bytes and 50 parameters; past either it parses the text again on every execution.
    The intake's INSERT names the appeal's sixty-odd columns twice (``_insert_statement``) and the
    API's account read, riding on the pool's check, names sixty-two: a field more or two may take
    either past the limit, and this says so rather than let every intake slow down unseen."""
    from psycopg import _queries

    from shanzhi.accounts.services import _GRANTS
    from shanzhi.core import refdata

    statements = [numbering._insert_statement(True)[0], numbering._insert_statement(False)[0]]  # noqa: SLF001
    statements.append(refdata._riding_sql(_GRANTS.statement(1, using="default")[0]))  # noqa: SLF001
    for sql in statements:
        assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH, sql[:80]
        assert sql.count("%s") <= _queries.MAX_CACHED_STATEMENT_PARAMS, sql[:80]
