"""Two people at once (PostgreSQL only: real row locks, one connection per thread)."""

import threading

import pytest
from django.db import connection

from shanzhi.core.errors import Conflict, DomainError
from shanzhi.tests.cast import build_cast
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Account, Activity, Item, Movement, Redemption, SignUp, Volunteer
from shanzhi.volunteering.services import checkin, ledger

from .conftest import PASSWORD, make_volunteer_user, soon


def at_once(*calls):
    """Run the calls in threads released together by a Barrier; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 (the test inspects what each thread got)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def race(pg_race_db):
    cast = build_cast(password=PASSWORD)
    people = []
    for i in range(2):
        user = make_volunteer_user(f"race_{i}", f"抢位{i}", cast.community)
        people.append(services.register_volunteer(user=user, community=cast.community, by=cast.zhang))
    return cast, people


def test_two_people_taking_the_last_place_at_once_one_gets_it(race):
    cast, people = race
    for _round in range(5):
        activity = services.publish_activity(
            community=cast.community,
            title="最后一个名额",
            place="活动室",
            starts_at=soon(24),
            ends_at=soon(26),
            capacity=1,
            by=cast.zhang,
        )
        results = at_once(*[lambda v=v, a=activity: services.sign_up(a, v, by=v.user) for v in people])
        assert sorted(r.status for r in results) == ["confirmed", "waitlisted"]
        activity.refresh_from_db()
        assert activity.confirmed_count == 1
        assert SignUp.objects.filter(activity=activity, status="confirmed").count() == 1


def test_two_people_redeeming_the_last_item_at_once_one_gets_it(race):
    cast, people = race
    for v in people:
        ledger.earn(v, Movement.Kind.EARN_GOOD_DEED, 100)
    item = services.create_item(
        community=cast.community, name="最后一台电风扇", price=60, stock=1, by=cast.zhang
    )
    results = at_once(*[lambda v=v: services.redeem(item, v, by=v.user) for v in people])
    winners = [r for r in results if isinstance(r, Redemption)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1 and losers[0].field == "quantity"
    assert Item.objects.get(pk=item.pk).stock == 0
    balances = sorted(Account.objects.filter(volunteer__in=people).values_list("balance", flat=True))
    assert balances == [40, 100]


def test_one_person_spending_twice_at_once_never_goes_negative(race):
    cast, people = race
    person = people[0]
    ledger.earn(person, Movement.Kind.EARN_GOOD_DEED, 100)
    item = services.create_item(community=cast.community, name="保温杯", price=60, stock=10, by=cast.zhang)
    results = at_once(
        lambda: services.redeem(item, person, by=person.user),
        lambda: services.redeem(item, person, by=person.user),
    )
    assert sum(isinstance(r, Redemption) for r in results) == 1
    assert Account.objects.get(volunteer=person).balance == 40
    assert Item.objects.get(pk=item.pk).stock == 9


def test_confirming_the_same_hours_twice_at_once_counts_once(race):
    cast, people = race
    person = people[0]
    session = checkin.create_session(
        community=cast.community,
        origin="other",
        title="值守",
        starts_at=soon(-3),
        ends_at=soon(-1),
        organiser=cast.zhang,
    )
    checkin.enrol(session, person)
    checkin.check_in(session, person, at=session.starts_at)
    attendance = checkin.check_out(session, person, at=session.ends_at)
    results = at_once(
        lambda: checkin.confirm(attendance, by=cast.zhang), lambda: checkin.confirm(attendance, by=cast.zhang)
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Volunteer.objects.get(pk=person.pk).confirmed_minutes == 120
    assert Account.objects.get(volunteer=person).balance == 20


def test_ledger_waits_do_not_deadlock_across_communities(race):
    cast, people = race
    other = services.register_volunteer(
        user=make_volunteer_user("race_b", "东二", cast.community_b), community=cast.community_b, by=cast.chen
    )
    calls = [
        lambda v=v: [ledger.earn(v, Movement.Kind.EARN_GOOD_DEED, 1) for _ in range(20)]
        for v in (*people, other)
    ]
    results = at_once(*calls)
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(Account.objects.filter(kind="person").values_list("balance", flat=True)) == [20, 20, 20]
    assert Activity.objects.count() == 0
