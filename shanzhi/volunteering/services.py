"""Every write of the love bank except the ledger's postings (``ledger``) and check-in (``checkin``).

One function per verb; each is atomic, checks permission through the one permission module and
raises DomainError naming the field on bad input, leaving nothing half-written.
"""

import datetime
import decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode
from shanzhi.registry.services import clean_phone

from . import checkin, ledger, rules
from .models import (
    Account,
    Activity,
    Commendation,
    Donation,
    GoodDeed,
    Item,
    Movement,
    Pairing,
    PairingVisit,
    PointsRate,
    Redemption,
    ServiceSession,
    SignUp,
    Volunteer,
)

S = SignUp.Status


# --- small value checks ---------------------------------------------------------------------------


def text(value, field, label, *, max_length=200, required=True):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(value) > max_length:
        raise DomainError(
            _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}, field=field
        )
    return value


def positive_int(value, field, label, *, minimum=1, maximum=None):
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("%(label)s必须是整数。") % {"label": label}, field=field) from exc
    if number < minimum or maximum is not None and number > maximum:
        bound = (
            _("在 %(a)d 到 %(b)d 之间") % {"a": minimum, "b": maximum}
            if maximum is not None
            else _("不小于 %(a)d") % {"a": minimum}
        )
        raise DomainError(_("%(label)s应%(bound)s。") % {"label": label, "bound": bound}, field=field)
    return number


def a_date(value, field, label):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise DomainError(
            _("%(label)s日期格式不正确（例如 2026-05-01）。") % {"label": label}, field=field
        ) from exc


def a_datetime(value, field, label):
    if isinstance(value, datetime.datetime):
        dt = value
    else:
        try:
            dt = datetime.datetime.fromisoformat(str(value))
        except (TypeError, ValueError) as exc:
            raise DomainError(
                _("%(label)s格式不正确（例如 2026-05-01 09:00）。") % {"label": label}, field=field
            ) from exc
    return timezone.make_aware(dt) if timezone.is_naive(dt) else dt


def community_node(node, field="community"):
    if not isinstance(node, OrgNode) or node.level != OrgNode.Level.COMMUNITY:
        raise DomainError(_("请选择一个社区。"), field=field)
    return node


# --- people -------------------------------------------------------------------------------------


def home_communities(user):
    """Communities a user belongs to by their grants (volunteer, resident, unit member)."""
    ids = set()
    for grant in user.grants():
        if grant.role == Role.VOLUNTEER and grant.node_id:
            ids.add(grant.node_id)
        elif grant.role == Role.RESIDENT and grant.node_id:
            ids.add(grant.node.parent_id)
        elif grant.role == Role.UNIT_MEMBER and grant.unit_id:
            ids.add(grant.unit.community_id)
    return ids


def ensure_volunteer(user, community, *, name=""):
    """The person's love-bank profile, created on first use (coop's registrations call this)."""
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is not None:
        return volunteer
    volunteer = Volunteer.objects.create(user=user, community=community, name=(name or str(user))[:50])
    ledger.open_account(volunteer)
    return volunteer


@transaction.atomic
def register_volunteer(*, user, community, by, name="", phone="", skills="", resident=None):
    """Staff register someone, or a person registers themselves in a community they belong to."""
    community = community_node(community)
    if by.pk != user.pk or community.pk not in home_communities(user):
        permissions.require(by, "volunteering.manage", community)
    name = text(name or user.display_name, "name", _("姓名"), max_length=50)
    phone = clean_phone(phone)
    if Volunteer.objects.filter(user=user).exists():
        raise DomainError(_("此人已经登记为志愿者。"), field="user", code="duplicate")
    volunteer = Volunteer.objects.create(
        user=user,
        community=community,
        name=name,
        phone=phone,
        skills=text(skills, "skills", _("特长"), required=False),
        resident=resident,
    )
    ledger.open_account(volunteer)
    return volunteer


# --- activities, sign-up and the waiting list ---------------------------------------------------------


@transaction.atomic
def publish_activity(
    *,
    community,
    title,
    place,
    starts_at,
    ends_at,
    capacity,
    by,
    team=None,
    description="",
    lat=None,
    lng=None,
):
    community = community_node(community)
    permissions.require(by, "volunteering.manage", community)
    title = text(title, "title", _("活动名称"))
    place = text(place, "place", _("地点"))
    capacity = positive_int(capacity, "capacity", _("名额"), maximum=10000)
    starts_at = a_datetime(starts_at, "starts_at", _("开始时间"))
    ends_at = a_datetime(ends_at, "ends_at", _("结束时间"))
    if team is not None and team.community_id != community.pk:
        raise DomainError(_("队伍不属于这个社区。"), field="team")
    session = checkin.create_session(
        community=community,
        origin=ServiceSession.Origin.ACTIVITY,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        organiser=by,
        lat=lat,
        lng=lng,
    )
    return Activity.objects.create(
        community=community,
        team=team,
        title=title,
        description=description or "",
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        organiser=by,
        session=session,
    )


def _require_self_or_staff(by, volunteer, obj):
    if volunteer.user_id == by.pk:
        permissions.require(by, "volunteering.join", obj)
    else:
        permissions.require(by, "volunteering.manage", obj)


@transaction.atomic
def sign_up(activity, volunteer, *, by, at=None):
    """A confirmed place if one is left, else a place on the waiting list.

    The place is taken with one conditional UPDATE (``confirmed_count < capacity``), so two people
    asking for the last place at once cannot both get it: the second UPDATE finds the count full.
    """
    _require_self_or_staff(by, volunteer, activity)
    activity = Activity.objects.get(pk=activity.pk)
    at = at or timezone.now()
    if activity.status != Activity.Status.PUBLISHED or at >= activity.ends_at:
        raise DomainError(_("活动已结束或已取消，不能报名。"), field="activity", code="closed")
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(activity=activity, volunteer=volunteer, status=S.WAITLISTED)
    except IntegrityError as exc:
        raise DomainError(_("您已经报名了这个活动。"), field="activity", code="duplicate") from exc
    if _take_place(activity):
        signup.status = S.CONFIRMED
        signup.save(update_fields=["status"])
        checkin.enrol(activity.session, volunteer)
    return signup


def _take_place(activity):
    return (
        Activity.objects.filter(
            pk=activity.pk, status=Activity.Status.PUBLISHED, confirmed_count__lt=F("capacity")
        ).update(confirmed_count=F("confirmed_count") + 1)
        == 1
    )


def _promote(activity):
    """Fill free places from the waiting list, first come first served. The caller holds the lock."""
    promoted = []
    for signup in SignUp.objects.filter(activity=activity, status=S.WAITLISTED).order_by("created_at", "id"):
        if not _take_place(activity):
            break
        signup.status = S.CONFIRMED
        signup.promoted_at = timezone.now()
        signup.save(update_fields=["status", "promoted_at"])
        checkin.enrol(activity.session, signup.volunteer)
        promoted.append(signup)
    return promoted


@transaction.atomic
def cancel_signup(signup, *, by):
    """Give the place back; the first on the waiting list gets it in the same transaction."""
    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    _require_self_or_staff(by, signup.volunteer, activity)
    if signup.status == S.CANCELLED:
        raise DomainError(_("这个报名已经取消了。"), field="signup", code="duplicate")
    was_confirmed = signup.status == S.CONFIRMED
    signup.status = S.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        checkin.withdraw(activity.session, signup.volunteer)
        Activity.objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") - 1)
        _promote(activity)
    return signup


@transaction.atomic
def change_capacity(activity, capacity, *, by):
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    permissions.require(by, "volunteering.manage", activity)
    capacity = positive_int(capacity, "capacity", _("名额"), maximum=10000)
    if capacity < activity.confirmed_count:
        raise DomainError(
            _("已有 %(n)d 人报名，名额不能少于报名人数。") % {"n": activity.confirmed_count}, field="capacity"
        )
    activity.capacity = capacity
    activity.save(update_fields=["capacity"])
    return _promote(activity)


@transaction.atomic
def cancel_activity(activity, *, by, reason):
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    permissions.require(by, "volunteering.manage", activity)
    text(reason, "reason", _("取消原因"))
    if activity.status != Activity.Status.PUBLISHED:
        raise DomainError(_("活动已结束或已取消。"), field="status")
    activity.status = Activity.Status.CANCELLED
    activity.save(update_fields=["status"])
    return activity


# --- points: rates, deeds, donations, corrections ------------------------------------------------------


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


# --- the points shop ---------------------------------------------------------------------------------


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


# --- recognition and pairing -------------------------------------------------------------------------


@transaction.atomic
def commend(*, node, title, awarded_on, by, volunteer=None, team=None, unit=None, period="", reason=""):
    permissions.require(by, "volunteering.commend", node)
    if sum(x is not None for x in (volunteer, team, unit)) != 1:
        raise DomainError(_("请选择一位志愿者、一支队伍或一个单位作为表彰对象。"), field="subject")
    subject_community = (volunteer or team).community if unit is None else unit.community
    if not subject_community.path.startswith(node.path):
        raise DomainError(_("表彰对象不在本社区（街道）范围内。"), field="subject")
    return Commendation.objects.create(
        node=node,
        volunteer=volunteer,
        team=team,
        unit=unit,
        title=text(title, "title", _("表彰名称"), max_length=100),
        period=text(period, "period", _("评比周期"), max_length=40, required=False),
        reason=reason or "",
        awarded_on=a_date(awarded_on, "awarded_on", _("表彰日期")),
        recorded_by=by,
    )


@transaction.atomic
def pair(*, household, difficulty, started_on, by, volunteer=None, unit=None):
    permissions.require(by, "volunteering.manage", household)
    if (volunteer is None) == (unit is None):
        raise DomainError(_("请选择一位帮扶人或一个帮扶单位。"), field="helper")
    community_id = household.grid.parent_id
    return Pairing.objects.create(
        household=household,
        community_id=community_id,
        volunteer=volunteer,
        unit=unit,
        difficulty=text(difficulty, "difficulty", _("困难情况")),
        started_on=a_date(started_on, "started_on", _("结对日期")),
        created_by=by,
    )


@transaction.atomic
def record_visit(pairing, *, visited_on, note, by, help_given=""):
    permissions.require(by, "volunteering.pairing", pairing)
    if pairing.status != Pairing.Status.ACTIVE:
        raise DomainError(_("帮扶已结束，不能再记录走访。"), field="pairing", code="state")
    visited_on = a_date(visited_on, "visited_on", _("走访日期"))
    if visited_on > timezone.localdate():
        raise DomainError(_("走访日期不能晚于今天。"), field="visited_on")
    return PairingVisit.objects.create(
        pairing=pairing,
        visited_on=visited_on,
        visited_by=by,
        note=text(note, "note", _("走访情况"), max_length=2000),
        help_given=text(help_given, "help_given", _("解决的困难"), required=False),
    )


@transaction.atomic
def end_pairing(pairing, *, by, ended_on=None):
    permissions.require(by, "volunteering.manage", pairing)
    if pairing.status != Pairing.Status.ACTIVE:
        raise DomainError(_("帮扶已经结束。"), field="pairing", code="state")
    pairing.status = Pairing.Status.ENDED
    pairing.ended_on = a_date(ended_on or timezone.localdate(), "ended_on", _("结束日期"))
    pairing.save(update_fields=["status", "ended_on"])
    return pairing
