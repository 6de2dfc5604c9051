"""The audit trail is hash-chained (issue 12 §6): every link checks, and a row edited or removed
behind the application's back is found and named."""

import pytest
from django.db import connection

from shanzhi.core import audit, chain
from shanzhi.core.models import AuditEvent
from shanzhi.tests import guards

pytestmark = pytest.mark.django_db


def _events(n):
    return [audit.record(AuditEvent.Action.EXPORT, username=f"user{i}", detail={"n": i}) for i in range(n)]


def test_each_event_links_to_the_one_before():
    first, second, third = _events(3)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_the_stored_chain_verifies():
    events = _events(5)
    report = chain.verify(AuditEvent, chunk=2)  # several chunks, so the walk crosses their seams
    assert report.ok
    assert (report.count, report.last_id, report.last_hash) == (5, events[-1].pk, events[-1].hash)


def test_an_empty_chain_verifies():
    report = chain.verify(AuditEvent)
    assert report.ok and report.count == 0


def test_values_hash_as_they_are_read_back():
    # What the database gives back (IPv6 normalised, JSON re-ordered, tuples as lists, CJK text)
    # must hash as what was written.
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001")
    request.user = None
    audit.record(
        AuditEvent.Action.REVEAL,
        request=request,
        username="张三",
        detail={"z": 1, "a": ["x", ("y", 2)], "说明": "身份证号", "f": 1.5},
    )
    assert chain.verify(AuditEvent).ok


def test_an_edited_row_is_found_and_named():
    first, second, third = _events(3)
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET actor_username = 'someone_else' WHERE id = %s", [second.pk])
    report = chain.verify(AuditEvent)
    assert not report.ok
    assert report.broken["table"] == "core_auditevent"
    assert (report.broken["id"], report.broken["field"]) == (second.pk, "hash")
    assert report.broken["found"] == second.hash
    assert report.broken["expected"] != second.hash
    assert report.count == 1  # the first row, and only it, checked out


def test_a_removed_row_breaks_the_next_link():
    first, second, third = _events(3)
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
    report = chain.verify(AuditEvent)
    assert report.broken == {
        "table": "core_auditevent",
        "id": third.pk,
        "field": "prev_hash",
        "expected": first.hash,
        "found": second.hash,
    }


def test_a_rehashed_forgery_still_breaks_the_following_link():
    # Someone who edits a row and recomputes its hash must rewrite every later row too.
    first, second, third = _events(3)
    fields = chain.chained_fields(second)
    fields["actor_username"] = "forged"
    forged = chain.digest(fields, second.prev_hash)
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute(
            "UPDATE core_auditevent SET actor_username = 'forged', hash = %s WHERE id = %s",
            [forged, second.pk],
        )
    report = chain.verify(AuditEvent)
    assert (report.broken["id"], report.broken["field"]) == (third.pk, "prev_hash")


def test_a_kept_head_is_checked_as_a_prefix():
    events = _events(3)
    head = {"last_id": events[1].pk, "last_hash": events[1].hash, "count": 2}
    _events(2)  # the chain grows: the old head is still a prefix
    assert chain.check_head(AuditEvent, head) is None
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])
    assert chain.check_head(AuditEvent, head)["field"] == "count"


def test_chain_existing_chains_rows_written_before_the_chain():
    events = _events(3)
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET hash = NULL, prev_hash = NULL")
    assert not chain.verify(AuditEvent).ok
    chain.chain_existing(AuditEvent, AuditEvent.CHAIN_FIELDS, connection, "core_auditevent")
    report = chain.verify(AuditEvent)
    assert report.ok and report.count == 3
    assert report.last_hash == events[-1].hash  # the same links the application computed
