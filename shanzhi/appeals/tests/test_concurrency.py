"""Races that only a real database with concurrent transactions can show (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealEvent
from shanzhi.appeals.services import sweep
from shanzhi.core.errors import Conflict, DomainError

from .conftest import IN_A1, make_category

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def race(*calls):
    """Run the calls at the same moment in threads; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def pooled_appeal(cast):
    category = make_category("TC02", "并发认领（测）")
    a = services.submit(
        by=cast.jumin,
        channel="web",
        title="并发认领",
        description="两人同时认领",
        category=category,
        lng=IN_A1[0],
        lat=IN_A1[1],
    )
    return services.dispatch(services.accept(a, by=cast.zhang), by=cast.zhang, to_pool=True)


def test_two_claimers_at_once_one_wins(cast):
    a = pooled_appeal(cast)
    results, errors = race(
        lambda: services.claim(a.pk, by=cast.wang, expected_version=a.version),
        lambda: services.claim(a.pk, by=cast.zhao, expected_version=a.version),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict)
    a.refresh_from_db()
    assert a.assignee_user_id == results[0].assignee_user_id
    assert AppealEvent.objects.filter(appeal=a, verb="claim").count() == 1


def test_two_claimers_without_versions_one_wins(cast):
    a = pooled_appeal(cast)
    results, errors = race(
        lambda: services.claim(a.pk, by=cast.wang), lambda: services.claim(a.pk, by=cast.zhao)
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError)


def test_sweeps_running_at_once_write_one_event_each(cast):
    category = make_category("TC03", "并发巡检（测）")
    appeals = []
    for i in range(5):
        a = services.submit(
            by=cast.jumin,
            channel="web",
            title=f"巡检{i}",
            description="到期",
            category=category,
            lng=IN_A1[0],
            lat=IN_A1[1],
        )
        appeals.append(services.accept(a, by=cast.zhang))
    late = max(a.deadline for a in appeals)
    results, errors = race(*[lambda: sweep.run(late) for _ in range(4)])
    assert errors == []
    assert sum(r["overdue"] for r in results) == 5
    assert AppealEvent.objects.filter(verb="overdue").count() == 5
    assert Appeal.objects.filter(overdue_at__isnull=False).count() == 5
