import pytest
from django.db import DatabaseError, connection, transaction

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent
from shanzhi.tests import guards


def _event():
    return audit.record(AuditEvent.Action.EXPORT, username="someone")


def test_update_and_delete_refused(db):
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).outcome == "success"


def test_the_old_session_setting_no_longer_opens_the_door(db):
    event = _event()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('shanzhi.purge_append_only', 'on', false)")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("table", ["core_auditevent", "volunteering_movement"])
def test_truncate_refused_on_postgresql(db, table):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 1


def test_replace_or_upsert_of_an_existing_row_refused(db):
    event = _event()
    if connection.vendor == "sqlite":
        sql = (
            "INSERT OR REPLACE INTO core_auditevent (id, at, action, outcome, actor_username, actor_role,"
            " actor_node, target_type, target_id, detail) VALUES (%s, %s, 'login', 'success', 'forged',"
            " '', '', '', '', '{}')"
        )
    else:
        sql = (
            "INSERT INTO core_auditevent (id, at, action, outcome, actor_username, actor_role,"
            " actor_node, target_type, target_id, detail) VALUES (%s, %s, 'login', 'success', 'forged',"
            " '', '', '', '', '{}') ON CONFLICT (id) DO UPDATE SET actor_username = 'forged'"
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [event.pk, event.at])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_username, stored.action) == ("someone", "export")


def test_sqlite_replace_is_refused_even_with_recursive_triggers_off(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's REPLACE")
    with connection.cursor() as cur:
        cur.execute("PRAGMA recursive_triggers")
        assert cur.fetchone()[0] == 0  # so the DELETE trigger alone would not catch REPLACE
    test_replace_or_upsert_of_an_existing_row_refused(db)


def test_plain_inserts_still_work(db):
    first, second = _event(), _event()
    assert second.pk > first.pk
    assert AuditEvent.objects.count() == 2


def test_the_test_only_helper_lifts_and_restores_the_guard(db):
    event = _event()
    with guards.guards_lifted(connection):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")
    assert AuditEvent.objects.get(pk=event.pk).outcome == "failure"
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_be_cleaned_up():
    _event()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_after_a_transactional_test_the_guard_is_back():
    # Runs after the test above: its flush emptied the table, and the triggers were put back.
    assert AuditEvent.objects.count() == 0
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
