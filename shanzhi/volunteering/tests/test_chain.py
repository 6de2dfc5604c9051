"""The points ledger is hash-chained (issue 12 §6), through the one append function, even when
postings race."""

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection

from shanzhi.core import audit, chain
from shanzhi.core.models import AuditEvent
from shanzhi.tests import guards
from shanzhi.tests.cast import build_cast
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Movement
from shanzhi.volunteering.services import ledger

from .conftest import PASSWORD, make_volunteer_user

K = Movement.Kind


def test_movements_link_and_verify(vol):
    cast = vol.cast
    shanghai = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    first = ledger.earn(vol.ma, K.EARN_GOOD_DEED, 5, by=cast.zhang, source="deed:1", at=shanghai)
    second = ledger.adjust(vol.ma, 2, by=cast.zhang, reason="补记两分积分")
    third = ledger.reverse(first, by=cast.zhang, reason="重复登记")
    assert first.prev_hash == chain.GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    report = chain.verify(Movement)
    assert report.ok and report.count == 3 and report.last_id == third.pk
    assert chain.verify(AuditEvent).ok  # the adjust and the reversal were audited, chained too


def test_an_edited_movement_is_found_and_named(vol):
    cast = vol.cast
    first = ledger.earn(vol.ma, K.EARN_GOOD_DEED, 5, by=cast.zhang, source="deed:1")
    second = ledger.earn(vol.niu, K.EARN_GOOD_DEED, 3, by=cast.zhang, source="deed:2")
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("UPDATE volunteering_movement SET amount = 500 WHERE id = %s", [second.pk])
    report = chain.verify(Movement)
    assert report.broken["table"] == "volunteering_movement"
    assert (report.broken["id"], report.broken["field"]) == (second.pk, "hash")
    assert report.last_id == first.pk


@pytest.fixture
def people(pg_race_db):
    cast = build_cast(password=PASSWORD)
    out = []
    for i in range(6):
        user = make_volunteer_user(f"chain_{i}", f"链{i}", cast.community)
        out.append(services.register_volunteer(user=user, community=cast.community, by=cast.zhang))
    return cast, out


def test_concurrent_appends_never_share_a_link(people):
    cast, volunteers = people
    barrier = threading.Barrier(len(volunteers))
    errors = []

    def run(i, volunteer):
        try:
            barrier.wait()
            for n in range(4):
                ledger.earn(volunteer, K.EARN_GOOD_DEED, 1, by=cast.zhang, source=f"deed:{i}:{n}")
                audit.record(AuditEvent.Action.EXPORT, username=f"t{i}", detail={"n": n})
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, v)) for i, v in enumerate(volunteers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for model, expected in ((Movement, 24), (AuditEvent, None)):
        report = chain.verify(model)
        assert report.ok, report.broken
        links = list(model.objects.values_list("prev_hash", flat=True))
        assert len(links) == len(set(links))  # no two rows share a prev_hash
        if expected is not None:
            assert report.count == expected


def test_the_bench_bulk_load_chains_too(vol):
    from django.utils import timezone

    from bench.ledger import load_movements
    from shanzhi.volunteering.models import Account

    first = ledger.earn(vol.ma, K.EARN_GOOD_DEED, 5, by=vol.cast.zhang, source="deed:1")
    issuance = ledger.system_account(Account.ISSUANCE, vol.cast.community.pk).pk
    account = ledger.person_account(vol.niu).pk
    now = timezone.now()
    rows = [
        (now - datetime.timedelta(minutes=i), "earn_hours", issuance, account, 5, f"bench:{i}")
        for i in range(3)
    ]
    if connection.vendor == "postgresql":  # the bench runs outside a transaction; a test is inside one
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    load_movements(connection, iter(rows))
    report = chain.verify(Movement)
    assert report.ok, report.broken
    assert report.count == 4
    assert Movement.objects.order_by("pk")[1].prev_hash == first.hash
