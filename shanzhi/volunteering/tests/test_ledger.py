"""The points ledger: double entry, append-only, balances kept by the database and never negative."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.volunteering import services
from shanzhi.volunteering.models import Account, Item, Movement, PointsTally, Redemption
from shanzhi.volunteering.services import ledger

K = Movement.Kind


def sums(account):
    credit = Movement.objects.filter(credit=account).aggregate(s=Sum("amount"))["s"] or 0
    debit = Movement.objects.filter(debit=account).aggregate(s=Sum("amount"))["s"] or 0
    return credit - debit


def assert_ledger_balanced():
    """Every balance equals its movements; persons never below zero; all balances add up to zero."""
    total = 0
    for account in Account.objects.all():
        assert account.balance == sums(account), account
        if account.kind == Account.Kind.PERSON:
            assert account.balance >= 0
        total += account.balance
    assert total == 0


def balance(volunteer):
    return Account.objects.get(volunteer=volunteer).balance


def test_earning_credits_the_person_and_debits_issuance(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 30, by=vol.cast.zhang, source="test:1")
    assert balance(vol.ma) == 30
    issuance = Account.objects.get(kind="system", code=Account.ISSUANCE, community=vol.cast.community)
    assert issuance.balance == -30
    assert_ledger_balanced()


def test_same_source_never_earns_twice(vol):
    ledger.earn(vol.ma, K.EARN_HOURS, 10, source="attendance:99")
    with pytest.raises(DomainError) as err:
        ledger.earn(vol.ma, K.EARN_HOURS, 10, source="attendance:99")
    assert err.value.field == "source"
    assert balance(vol.ma) == 10


def test_spending_more_than_the_balance_is_refused_and_writes_nothing(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 20)
    item = services.create_item(
        community=vol.cast.community, name="大米一袋", price=30, stock=5, by=vol.cast.zhang
    )
    before = Movement.objects.count()
    with pytest.raises(DomainError) as err:
        services.redeem(item, vol.ma, by=vol.cast.ma)
    assert err.value.field == "amount" and "积分余额不足" in err.value.message
    item.refresh_from_db()
    assert item.stock == 5 and Movement.objects.count() == before and not Redemption.objects.exists()
    assert balance(vol.ma) == 20


def test_a_reversal_is_a_new_movement_and_the_original_stays(vol):
    earned = ledger.earn(vol.ma, K.EARN_GOOD_DEED, 40, by=vol.cast.zhang)
    reversal = services.reverse_movement(earned, by=vol.cast.zhang, reason="重复录入，予以冲正")
    earned.refresh_from_db()
    assert earned.amount == 40 and earned.kind == K.EARN_GOOD_DEED
    assert reversal.reverses_id == earned.pk and reversal.debit == earned.credit
    assert balance(vol.ma) == 0
    assert AuditEvent.objects.filter(action="points_reversal", target_id=str(earned.pk)).count() == 1
    with pytest.raises(DomainError, match="已经冲正"):
        services.reverse_movement(earned, by=vol.cast.zhang, reason="再冲一次试试")
    with pytest.raises(DomainError, match="不能再冲正"):
        services.reverse_movement(reversal, by=vol.cast.zhang, reason="冲正的冲正")
    assert_ledger_balanced()


def test_spent_points_cannot_be_reversed(vol):
    earned = ledger.earn(vol.ma, K.EARN_GOOD_DEED, 40)
    item = services.create_item(
        community=vol.cast.community, name="毛巾", price=30, stock=1, by=vol.cast.zhang
    )
    services.redeem(item, vol.ma, by=vol.cast.ma)
    with pytest.raises(DomainError, match="积分余额不足"):
        services.reverse_movement(earned, by=vol.cast.zhang, reason="发现录入错误")
    assert not Movement.objects.filter(kind=K.REVERSAL).exists()


def test_reversal_needs_a_reason_and_staff_of_the_community(vol):
    earned = ledger.earn(vol.bai, K.EARN_GOOD_DEED, 10)
    with pytest.raises(DomainError) as err:
        services.reverse_movement(earned, by=vol.cast.chen, reason="")
    assert err.value.field == "reason"
    from django.http import Http404

    with pytest.raises(Http404):
        services.reverse_movement(earned, by=vol.cast.zhang, reason="不是本社区的人")
    assert not Movement.objects.filter(kind=K.REVERSAL).exists()


def test_manual_adjustment_is_audited_and_cannot_overdraw(vol):
    services.adjust_points(vol.ma, 15, by=vol.cast.zhao, reason="补记三月份活动积分")
    assert balance(vol.ma) == 15
    assert AuditEvent.objects.filter(action="points_adjust", target_id=str(vol.ma.pk)).count() == 1
    with pytest.raises(DomainError):
        services.adjust_points(vol.ma, -16, by=vol.cast.zhao, reason="扣减多记的积分")
    assert balance(vol.ma) == 15


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_database_refuses_update_and_delete_of_movements(vol):
    movement = ledger.earn(vol.ma, K.EARN_GOOD_DEED, 10)
    with pytest.raises(DatabaseError):
        _raw("UPDATE volunteering_movement SET amount = 1000 WHERE id = %s", [movement.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM volunteering_movement WHERE id = %s", [movement.pk])
    movement.refresh_from_db()
    assert movement.amount == 10


def test_database_refuses_a_balance_changed_by_hand(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 10)
    account = Account.objects.get(volunteer=vol.ma)
    with pytest.raises(DatabaseError):
        _raw("UPDATE volunteering_account SET balance = 999 WHERE id = %s", [account.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=999)
    assert balance(vol.ma) == 10


def test_database_keeps_person_balances_at_zero_or_above(vol):
    """Even a movement inserted past the service (raw SQL) cannot overdraw a person."""
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 10)
    account = Account.objects.get(volunteer=vol.ma)
    shop = ledger.system_account(Account.SHOP, vol.cast.community.pk)
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO volunteering_movement (at, kind, debit_id, credit_id, amount, source, memo) "
            "VALUES (%s, 'redeem', %s, %s, 11, '', '')",
            [timezone.now(), account.pk, shop.pk],
        )
    assert balance(vol.ma) == 10
    assert_ledger_balanced()


def test_new_account_opens_at_zero(vol):
    with pytest.raises(DatabaseError):
        _raw(
            "INSERT INTO volunteering_account (kind, code, balance, community_id, created_at) "
            "VALUES ('system', 'gift', 500, %s, %s)",
            [vol.cast.community.pk, timezone.now()],
        )


def test_redemption_takes_stock_and_points_and_cancelling_gives_both_back(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 100)
    item = services.create_item(
        community=vol.cast.community, name="洗衣液", price=30, stock=3, by=vol.cast.zhang
    )
    redemption = services.redeem(item, vol.ma, by=vol.cast.ma, quantity=2)
    item.refresh_from_db()
    assert (item.stock, balance(vol.ma), redemption.points) == (1, 40, 60)
    assert len(redemption.code) == 8
    services.cancel_redemption(redemption, by=vol.cast.ma, reason="不需要了")
    item.refresh_from_db()
    assert (item.stock, balance(vol.ma)) == (3, 100)
    assert AuditEvent.objects.filter(action="points_refund").count() == 1
    with pytest.raises(DomainError):
        services.cancel_redemption(redemption, by=vol.cast.ma)
    assert_ledger_balanced()


def test_hand_over_checks_the_code(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 100)
    item = services.create_item(
        community=vol.cast.community, name="雨伞", price=50, stock=1, by=vol.cast.zhang
    )
    redemption = services.redeem(item, vol.ma, by=vol.cast.ma)
    with pytest.raises(DomainError) as err:
        services.hand_over(redemption, by=vol.cast.zhang, code="WRONG000")
    assert err.value.field == "code"
    services.hand_over(redemption, by=vol.cast.zhang, code=redemption.code.lower())
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.COLLECTED
    with pytest.raises(DomainError):
        services.cancel_redemption(redemption, by=vol.cast.ma)


def test_sold_out_item_refuses_and_keeps_points(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 100)
    item = services.create_item(
        community=vol.cast.community, name="台灯", price=10, stock=1, by=vol.cast.zhang
    )
    with pytest.raises(DomainError) as err:
        services.redeem(item, vol.ma, by=vol.cast.ma, quantity=2)
    assert err.value.field == "quantity"
    assert balance(vol.ma) == 100 and Item.objects.get(pk=item.pk).stock == 1


def test_expiry_takes_only_unspent_due_points_and_runs_once(vol, settings):
    settings.SHANZHI_POINTS_EXPIRE_MONTHS = 1
    long_ago = timezone.now() - datetime.timedelta(days=120)
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 50, at=long_ago)
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 20)  # recent: not due
    item = services.create_item(
        community=vol.cast.community, name="香皂", price=30, stock=5, by=vol.cast.zhang
    )
    services.redeem(item, vol.ma, by=vol.cast.ma)  # spends 30 of the old 50 first
    posted = ledger.expire_due()
    assert [m.amount for m in posted] == [20]
    assert balance(vol.ma) == 20
    assert ledger.expire_due() == []
    assert_ledger_balanced()


def test_points_never_expire_by_default(vol):
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 50, at=timezone.now() - datetime.timedelta(days=2000))
    assert ledger.expire_due() == [] and balance(vol.ma) == 50


def test_tallies_agree_with_the_movements(vol):
    now = timezone.now()
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 10, at=now - datetime.timedelta(days=40))
    wrong = ledger.earn(vol.ma, K.EARN_DONATION, 7, at=now - datetime.timedelta(days=40))
    ledger.earn(vol.niu, K.EARN_HOURS, 25, source="attendance:1")
    services.reverse_movement(wrong, by=vol.cast.zhang, reason="捐赠登记错了人")
    tallies = {(t.volunteer_id, t.grain, t.period_start): t.points for t in PointsTally.objects.all()}
    recomputed = ledger.tally_from_movements()
    assert {k: v for k, v in tallies.items() if v} == recomputed


# --- random sequences (hypothesis) -----------------------------------------------------------------

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(0, 2), st.integers(1, 60)),
        st.tuples(st.just("redeem"), st.integers(0, 2), st.integers(1, 3)),
        st.tuples(st.just("adjust"), st.integers(0, 2), st.integers(-40, 40)),
        st.tuples(st.just("reverse"), st.integers(0, 30), st.just(0)),
        st.tuples(st.just("cancel"), st.integers(0, 10), st.just(0)),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_earn_redeem_reverse_keep_balance_equal_to_sum_and_never_negative(vol, ops):
    people = [vol.ma, vol.niu, vol.yang]
    staff = vol.cast.zhang
    with transaction.atomic():
        item = services.create_item(
            community=vol.cast.community, name="积分好物", price=15, stock=4, by=staff
        )
        for op, who, n in ops:
            try:
                if op == "earn":
                    ledger.earn(people[who], K.EARN_GOOD_DEED, n, by=staff)
                elif op == "redeem":
                    services.redeem(item, people[who], by=staff, quantity=n)
                elif op == "adjust":
                    services.adjust_points(people[who], n, by=staff, reason="随机调整测试")
                elif op == "reverse":
                    movements = list(Movement.objects.exclude(kind__in=[K.REVERSAL, K.REDEEM]).order_by("id"))
                    if movements:
                        services.reverse_movement(
                            movements[who % len(movements)], by=staff, reason="随机冲正测试"
                        )
                elif op == "cancel":
                    redemptions = list(Redemption.objects.order_by("id"))
                    if redemptions:
                        services.cancel_redemption(redemptions[who % len(redemptions)], by=staff)
            except DomainError:
                pass  # a refusal is allowed; a broken invariant is not
            assert_ledger_balanced()
        item.refresh_from_db()
        sold = sum(r.quantity for r in Redemption.objects.exclude(status=Redemption.Status.CANCELLED))
        assert item.stock == 4 - sold >= 0
        transaction.set_rollback(True)


def test_expire_points_command_runs_once(vol, settings):
    import io

    from django.core.management import call_command

    settings.SHANZHI_POINTS_EXPIRE_MONTHS = 1
    ledger.earn(vol.ma, K.EARN_GOOD_DEED, 12, at=timezone.now() - datetime.timedelta(days=100))
    out = io.StringIO()
    call_command("expire_points", stdout=out)
    assert "1 个账户，共 12 分" in out.getvalue()
    call_command("expire_points", stdout=out)
    assert "0 个账户" in out.getvalue() and balance(vol.ma) == 0
