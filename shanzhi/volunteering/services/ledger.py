"""The points ledger: the only code that writes movements.

Double entry: every movement takes ``amount`` from one account (debit) and gives it to another
(credit), so the balances of all accounts always add up to zero. Person balances are kept by a
database trigger on each inserted movement (see migrations/0002), which also refuses UPDATE and
DELETE on movements; a CHECK keeps person balances at zero or above. This module adds what the
database cannot: clear messages, idempotency per source, the rankings rollup, and the audit trail
for corrections.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit, chain
from shanzhi.core.errors import DomainError

from .. import rules
from ..models import Account, Movement, PointsRate, PointsTally, Volunteer

K = Movement.Kind


def system_account(code, community_id):
    account, _created = Account.objects.get_or_create(
        kind=Account.Kind.SYSTEM, code=code, community_id=community_id
    )
    return account


def open_account(volunteer):
    account, _created = Account.objects.get_or_create(kind=Account.Kind.PERSON, volunteer=volunteer)
    return account


def person_account(volunteer, *, lock=False):
    qs = Account.objects.filter(volunteer=volunteer)
    if lock:
        qs = qs.select_for_update()
    account = qs.first()
    if account is None:
        account = open_account(volunteer)
        if lock:
            account = Account.objects.select_for_update().get(pk=account.pk)
    return account


def rate_for(kind, day):
    """The standard in force on ``day`` (the latest row from on or before it), else the default."""
    rate = PointsRate.objects.filter(kind=kind, valid_from__lte=day).order_by("-valid_from").first()
    return rate.points if rate else rules.default_rate(kind)


def expiry_months_on(day):
    return int(rate_for(PointsRate.Kind.EXPIRY_MONTHS, day))


# --- posting ------------------------------------------------------------------------------------


def _lock_people(*accounts):
    """Lock the person accounts of a posting, in id order so two postings never deadlock."""
    ids = sorted(a.pk for a in accounts if a.kind == Account.Kind.PERSON)
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


@transaction.atomic
def post(
    *, kind, debit, credit, amount, by=None, source="", memo="", expires_on=None, reverses=None, at=None
):
    """Insert one movement. Refuses (DomainError, nothing written) a person going below zero."""
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(_("积分数必须是正整数。"), field="amount")
    locked = _lock_people(debit, credit)
    payer = locked.get(debit.pk)
    if payer is not None and payer.balance < amount:
        raise DomainError(
            _("积分余额不足（现有 %(have)d 分，需要 %(need)d 分）。")
            % {"have": payer.balance, "need": amount},
            field="amount",
            code="insufficient",
        )
    if (
        source
        and kind in Movement.EARN_KINDS
        and Movement.objects.filter(source=source, kind__in=Movement.EARN_KINDS).exists()
    ):
        raise DomainError(_("这项服务已经记过积分。"), field="source", code="duplicate")
    try:
        with transaction.atomic():
            movement = Movement(
                at=at or timezone.now(),
                kind=kind,
                debit=debit,
                credit=credit,
                amount=amount,
                source=source,
                memo=memo[:200],
                expires_on=expires_on,
                reverses=reverses,
                created_by=by,
            )
            chain.append(movement)
    except IntegrityError as exc:
        # The database's own refusal (a race past the checks above): nothing was written.
        raise DomainError(
            _("记账未成功：余额不足或重复记账，请刷新后重试。"), field="amount", code="conflict"
        ) from exc
    return movement


def earn(volunteer, kind, amount, *, by=None, source="", memo="", at=None):
    """Issue ``amount`` points to a person, expiring after the validity in force on the day earned."""
    at = at or timezone.now()
    with transaction.atomic():
        account = person_account(volunteer, lock=True)
        issuance = system_account(Account.ISSUANCE, volunteer.community_id)
        day = timezone.localdate(at)
        movement = post(
            kind=kind,
            debit=issuance,
            credit=account,
            amount=amount,
            by=by,
            source=source,
            memo=memo,
            expires_on=rules.expires_on(day, months=expiry_months_on(day)),
            at=at,
        )
        bump_tally(volunteer, timezone.localdate(at), points=amount)
    return movement


@transaction.atomic
def reverse(movement, *, by, reason, request=None):
    """Undo a movement with a new one in the opposite direction (never an edit). Audited."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("请写明冲正原因（至少 4 个字）。"), field="reason")
    movement = Movement.objects.select_related("debit", "credit").get(pk=movement.pk)
    if movement.kind == K.REVERSAL:
        raise DomainError(_("冲正记录不能再冲正。"), field="movement")
    if movement.kind == K.REDEEM:
        raise DomainError(_("兑换的积分请通过“取消兑换”退回。"), field="movement")
    if movement.kind == K.RETRACT_HOURS or (movement.kind == K.EARN_HOURS and movement.source):
        # Points for hours follow the hours: reversing them alone would leave the hours and the
        # star level standing, so they are taken back only by withdrawing the attendance itself.
        raise DomainError(
            _("服务时长积分随时长一起冲正：请在该次服务的签到名单上撤销对时长的认可。"),
            field="movement",
            code="hours",
        )
    if Movement.objects.filter(reverses=movement).exists():
        raise DomainError(_("这笔积分已经冲正过了。"), field="movement", code="duplicate")
    reversal = post(
        kind=K.REVERSAL,
        debit=movement.credit,
        credit=movement.debit,
        amount=movement.amount,
        by=by,
        reverses=movement,
        memo=reason,
    )
    _untally(movement)
    audit.record(
        "points_reversal",
        actor=by,
        request=request,
        target=movement,
        detail={
            "amount": movement.amount,
            "kind": movement.kind,
            "reversal": reversal.pk,
            "reason": reason[:200],
        },
    )
    return reversal


def _untally(movement):
    """A reversed earning leaves the ranking of the period it was earned in."""
    if movement.kind in Movement.EARN_KINDS and movement.credit.volunteer_id:
        volunteer = Volunteer.objects.get(pk=movement.credit.volunteer_id)
        bump_tally(volunteer, timezone.localdate(movement.at), points=-movement.amount)


@transaction.atomic
def adjust(volunteer, amount, *, by, reason, request=None):
    """A manual correction (plus or minus) by staff, with a reason; audited."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("请写明调整原因（至少 4 个字）。"), field="reason")
    if not isinstance(amount, int) or amount == 0:
        raise DomainError(_("调整积分必须是非零整数。"), field="amount")
    account = person_account(volunteer, lock=True)
    issuance = system_account(Account.ISSUANCE, volunteer.community_id)
    debit, credit = (issuance, account) if amount > 0 else (account, issuance)
    movement = post(kind=K.ADJUST, debit=debit, credit=credit, amount=abs(amount), by=by, memo=reason)
    audit.record(
        "points_adjust",
        actor=by,
        request=request,
        target=volunteer,
        detail={"amount": amount, "movement": movement.pk, "reason": reason[:200]},
    )
    return movement


# --- expiry -------------------------------------------------------------------------------------


def _standing(account):
    """(lots, consumed) of a person account, ignoring every movement that was reversed and the reversals."""
    live = Movement.objects.filter(reversed_by__isnull=True).exclude(kind=K.REVERSAL)
    lots = list(live.filter(credit=account).values_list("amount", "expires_on"))
    consumed = live.filter(debit=account).aggregate(s=Sum("amount"))["s"] or 0
    return lots, consumed


def expire_account(account, today):
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        lots, consumed = _standing(account)
        amount = rules.expired_unspent(lots, consumed, today)
        if amount <= 0:
            return None
        expired = system_account(Account.EXPIRED, account.volunteer.community_id)
        return post(
            kind=K.EXPIRE,
            debit=account,
            credit=expired,
            amount=amount,
            memo=_("%(d)s 前到期的积分") % {"d": today.isoformat()},
        )


def expire_due(today=None):
    """Post the expiry of every person's points due by ``today``. Safe to run twice, or twice at once:
    each account is locked and recomputed, so a second run finds nothing left to expire."""
    today = today or timezone.localdate()
    due = (
        Movement.objects.filter(kind__in=Movement.EARN_KINDS, expires_on__lte=today, reversed_by__isnull=True)
        .values_list("credit_id", flat=True)
        .distinct()
    )
    posted = []
    for account in Account.objects.filter(pk__in=due).select_related("volunteer"):
        movement = expire_account(account, today)
        if movement is not None:
            posted.append(movement)
    return posted


# --- the rankings rollup --------------------------------------------------------------------------


def bump_tally(volunteer, day, *, points=0, minutes=0):
    """Add to the person's month, quarter and year rows. The caller's transaction holds the person's
    account lock (taken here too), so two postings for one person never race to create a row."""
    if not points and not minutes:
        return
    person_account(volunteer, lock=True)
    street_id = volunteer.community.parent_id
    for grain, start in rules.period_starts(day).items():
        updated = PointsTally.objects.filter(volunteer=volunteer, grain=grain, period_start=start).update(
            points=F("points") + points, minutes=F("minutes") + minutes
        )
        if not updated:
            PointsTally.objects.create(
                volunteer=volunteer,
                grain=grain,
                period_start=start,
                community_id=volunteer.community_id,
                street_id=street_id,
                points=points,
                minutes=minutes,
            )


def tally_from_movements():
    """{(volunteer_id, grain, period_start): points} recomputed from the ledger (net of reversals and
    of points taken back with withdrawn hours)."""
    out = {}
    earned = Movement.objects.filter(
        kind__in=Movement.EARN_KINDS, reversed_by__isnull=True, credit__volunteer__isnull=False
    ).values_list("credit__volunteer_id", "at", "amount")
    retracted = Movement.objects.filter(kind=K.RETRACT_HOURS, debit__volunteer__isnull=False).values_list(
        "debit__volunteer_id", "at", "amount"
    )
    for rows, sign in ((earned, 1), (retracted, -1)):
        for volunteer_id, at, amount in rows.iterator():
            for grain, start in rules.period_starts(timezone.localdate(at)).items():
                key = (volunteer_id, grain, start)
                out[key] = out.get(key, 0) + sign * amount
    return out
