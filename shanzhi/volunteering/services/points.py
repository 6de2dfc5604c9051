"""Points: the standards, good deeds, donations, corrections, and the points shop."""

import decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError

from .. import rules
from ..models import (
    Account,
    Donation,
    GoodDeed,
    Item,
    Movement,
    PointsRate,
    Redemption,
)
from . import ledger
from .common import _require_self_or_staff, a_date, community_node, positive_int, text


@transaction.atomic
def set_rate(kind, points, *, valid_from, by):
    """A new standard from ``valid_from`` (today or later). District-wide, set by district staff: one
    currency across communities, so street and district rankings compare like with like. Postings
    already made keep their points and expiry; a standard not yet in force may be replaced. Audited."""
    permissions.require(by, "volunteering.set_rates")
    if kind not in PointsRate.Kind.values:
        raise DomainError(_("未知的积分项目。"), field="kind")
    try:
        points = decimal.Decimal(str(points).strip())
    except decimal.InvalidOperation as exc:
        raise DomainError(_("积分标准必须是数字。"), field="points") from exc
    if kind == PointsRate.Kind.EXPIRY_MONTHS:
        if points != points.to_integral_value() or not 0 <= points <= 120:
            raise DomainError(_("有效期应为 0 到 120 之间的整数月（0 为永不过期）。"), field="points")
    elif not points.is_finite() or points < 0 or points > 10000:
        raise DomainError(_("积分标准应在 0 到 10000 之间。"), field="points")
    valid_from = a_date(valid_from, "valid_from", _("生效日期"))
    today = timezone.localdate()
    if valid_from < today:
        raise DomainError(
            _("生效日期不能早于今天：已经记过的积分不会改，同一天的积分也不能按两种标准计。"),
            field="valid_from",
        )
    previous = PointsRate.objects.select_for_update().filter(kind=kind, valid_from=valid_from).first()
    if previous is not None and valid_from <= today:
        raise DomainError(_("今天生效的标准已在使用，请从明天起设新标准。"), field="valid_from", code="state")
    rate, _created = PointsRate.objects.update_or_create(
        kind=kind, valid_from=valid_from, defaults={"points": points, "set_by": by}
    )
    audit.record(
        "points_rate",
        actor=by,
        target=rate,
        detail={
            "kind": kind,
            "points": str(points),
            "valid_from": valid_from.isoformat(),
            "replaced": str(previous.points) if previous is not None else None,
        },
    )
    return rate


def _award(volunteer, kind, points, *, by, source, memo):
    movement = ledger.earn(volunteer, kind, points, by=by, source=source, memo=memo) if points else None
    audit.record(
        "points_award", actor=by, target=volunteer, detail={"kind": kind, "points": points, "source": source}
    )
    return movement


@transaction.atomic
def record_good_deed(volunteer, *, title, done_on, by, count=1):
    permissions.require(by, "volunteering.manage", volunteer)
    title = text(title, "title", _("善行义举"))
    done_on = a_date(done_on, "done_on", _("日期"))
    count = positive_int(count, "count", _("件数"), maximum=100)
    deed = GoodDeed.objects.create(
        volunteer=volunteer, title=title, done_on=done_on, count=count, recorded_by=by
    )
    points = rules.points_for(ledger.rate_for("good_deed", done_on), count)
    deed.movement = _award(
        volunteer, Movement.Kind.EARN_GOOD_DEED, points, by=by, source=f"good_deed:{deed.pk}", memo=title
    )
    deed.save(update_fields=["movement"])
    return deed


@transaction.atomic
def record_donation(volunteer, *, description, value_yuan, donated_on, by):
    permissions.require(by, "volunteering.manage", volunteer)
    description = text(description, "description", _("捐赠内容"))
    try:
        value = decimal.Decimal(str(value_yuan))
    except decimal.InvalidOperation as exc:
        raise DomainError(_("折合金额必须是数字。"), field="value_yuan") from exc
    if value <= 0 or value > 10_000_000:
        raise DomainError(_("折合金额应大于 0。"), field="value_yuan")
    donated_on = a_date(donated_on, "donated_on", _("日期"))
    donation = Donation.objects.create(
        volunteer=volunteer, description=description, value_yuan=value, donated_on=donated_on, recorded_by=by
    )
    points = rules.points_for(ledger.rate_for("donation", donated_on), value)
    donation.movement = _award(
        volunteer,
        Movement.Kind.EARN_DONATION,
        points,
        by=by,
        source=f"donation:{donation.pk}",
        memo=description,
    )
    donation.save(update_fields=["movement"])
    return donation


def reverse_movement(movement, *, by, reason, request=None):
    """Staff undo a wrong posting of someone in their community (audited by the ledger)."""
    person = movement.credit.volunteer or movement.debit.volunteer
    if person is None:
        raise DomainError(_("只能冲正个人账户的积分。"), field="movement")
    permissions.require(by, "volunteering.adjust_points", person)
    return ledger.reverse(movement, by=by, reason=reason, request=request)


def adjust_points(volunteer, amount, *, by, reason, request=None):
    permissions.require(by, "volunteering.adjust_points", volunteer)
    try:
        amount = int(amount)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("调整积分必须是整数。"), field="amount") from exc
    return ledger.adjust(volunteer, amount, by=by, reason=reason, request=request)


@transaction.atomic
def create_item(*, community, name, price, stock, by, description=""):
    community = community_node(community)
    permissions.require(by, "volunteering.manage", community)
    return Item.objects.create(
        community=community,
        name=text(name, "name", _("物品名称"), max_length=100),
        description=text(description, "description", _("说明"), required=False),
        price=positive_int(price, "price", _("所需积分"), maximum=1_000_000),
        stock=positive_int(stock, "stock", _("库存"), minimum=0, maximum=1_000_000),
    )


@transaction.atomic
def restock(item, quantity, *, by):
    permissions.require(by, "volunteering.manage", item)
    quantity = positive_int(quantity, "quantity", _("数量"), maximum=1_000_000)
    Item.objects.filter(pk=item.pk).update(stock=F("stock") + quantity)
    item.refresh_from_db(fields=["stock"])
    return item


@transaction.atomic
def redeem(item, volunteer, *, by, quantity=1):
    """Take stock and points together, or neither: the last item goes to one person only (the stock
    is taken with a conditional UPDATE and can never go below zero)."""
    _require_self_or_staff(by, volunteer, item)
    quantity = positive_int(quantity, "quantity", _("数量"), maximum=100)
    if not item.active:
        raise DomainError(_("该物品已下架。"), field="item")
    if not Item.objects.filter(pk=item.pk, active=True, stock__gte=quantity).update(
        stock=F("stock") - quantity
    ):
        raise DomainError(_("库存不足，已兑完。"), field="quantity", code="sold_out")
    points = item.price * quantity
    account = ledger.person_account(volunteer, lock=True)
    shop = ledger.system_account(Account.SHOP, item.community_id)
    movement = ledger.post(
        kind=Movement.Kind.REDEEM,
        debit=account,
        credit=shop,
        amount=points,
        by=by,
        memo=f"{item.name} × {quantity}",
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Redemption.objects.create(
                    item=item, volunteer=volunteer, quantity=quantity, points=points, movement=movement
                )
        except IntegrityError:
            continue  # a redemption code collided (1 in 10^11): draw another
    raise DomainError(_("兑换码生成失败，请重试。"), field="item")


@transaction.atomic
def hand_over(redemption, *, by, code):
    """The counter checks the code and hands the item over."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",)).select_related("item").get(pk=redemption.pk)
    )
    permissions.require(by, "volunteering.manage", redemption)
    if (code or "").strip().upper() != redemption.code:
        raise DomainError(_("兑换码不正确。"), field="code")
    if redemption.status != Redemption.Status.ISSUED:
        raise DomainError(_("这张兑换单已领取或已取消。"), field="code", code="state")
    redemption.status = Redemption.Status.COLLECTED
    redemption.handled_by, redemption.handled_at = by, timezone.now()
    redemption.save(update_fields=["status", "handled_by", "handled_at"])
    return redemption


@transaction.atomic
def cancel_redemption(redemption, *, by, reason=""):
    """Points back (a reversal movement) and stock back, before the item is collected."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("item", "movement")
        .get(pk=redemption.pk)
    )
    _require_self_or_staff(by, redemption.volunteer, redemption)
    if redemption.status != Redemption.Status.ISSUED:
        raise DomainError(_("已领取或已取消的兑换不能再取消。"), field="status", code="state")
    movement = redemption.movement
    ledger.post(
        kind=Movement.Kind.REVERSAL,
        debit=movement.credit,
        credit=movement.debit,
        amount=movement.amount,
        by=by,
        reverses=movement,
        memo=(reason or _("取消兑换"))[:200],
    )
    Item.objects.filter(pk=redemption.item_id).update(stock=F("stock") + redemption.quantity)
    redemption.status = Redemption.Status.CANCELLED
    redemption.handled_by, redemption.handled_at = by, timezone.now()
    redemption.save(update_fields=["status", "handled_by", "handled_at"])
    audit.record(
        "points_refund",
        actor=by,
        target=redemption,
        detail={"points": redemption.points, "reason": (reason or "")[:200]},
    )
    return redemption
