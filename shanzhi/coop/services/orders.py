"""群众点单 (orders of resources) and 党员接单 (claims of needs), each through to done and rated.

A resource's capacity and a need's slots are taken with one conditional UPDATE each, bounded by a
CHECK constraint: when two people take the last place at once, exactly one gets it.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.registry.households import is_own_household, own_resident
from shanzhi.volunteering.models import ServiceSession
from shanzhi.volunteering.services import checkin, ensure_volunteer

from .. import queries
from ..models import Claim, MemberRegistration, Need, Order, Resource
from .common import a_date, a_datetime, event, move, own_unit, rating, text

OS = Order.Status
CS = Claim.Status
NS = Need.Status

ORDER_MOVES = {
    "accept": {OS.PLACED},
    "reject": {OS.PLACED},
    "start": {OS.ACCEPTED},
    "finish": {OS.ACCEPTED, OS.IN_PROGRESS},
    "cancel": {OS.PLACED, OS.ACCEPTED},
    "rate": {OS.DONE},
}
CLAIM_MOVES = {
    "schedule": {CS.ACCEPTED, CS.IN_PROGRESS},
    "start": {CS.ACCEPTED},
    "finish": {CS.ACCEPTED, CS.IN_PROGRESS},
    "withdraw": {CS.ACCEPTED},
    "rate": {CS.DONE},
}


# --- who may do what (the services require it; ``actions`` shows it as buttons) ------------------


def order_requirements(by, order, verb):
    """The (permission action, object) pairs ``by`` needs for ``verb`` on ``order``: the resident
    who placed it cancels and rates it as themselves; anyone else needs the handling (or rating) right."""
    mine = order.ordered_by_id == by.pk
    if verb == "cancel":
        return [("coop.order" if mine else "coop.handle_order", order)]
    if verb == "rate":
        return [] if mine else [("coop.rate", order)]
    return [("coop.handle_order", order)]


def claim_is_mine(by, claim):
    return claim.claimed_by_id == by.pk or bool(claim.registration_id and claim.registration.user_id == by.pk)


def served_by_claim(by, claim):
    """The household a need was for (or whoever recorded it) is the one served by its claims."""
    need = claim.need
    return need.submitted_by_id == by.pk or is_own_household(by, need.household_id)


def claim_requirements(by, claim, verb):
    """The claimant (unit or member) moves their claim, community staff of the need may too; the
    household served rates it, staff may record a rating from a return visit."""
    if verb == "rate":
        if served_by_claim(by, claim):
            return []
        return [("coop.rate", claim), ("coop.manage_lists", claim.need)]
    if claim_is_mine(by, claim):
        return [("coop.view", claim)]
    return [("coop.view", claim), ("coop.manage_lists", claim.need)]


def _require_all(by, requirements):
    for action, obj in requirements:
        permissions.require(by, action, obj)


# --- orders (点单) -------------------------------------------------------------------------------


@transaction.atomic
def place_order(resource, *, by, note="", wanted_on=None):
    """A resident orders a published resource of their community, if it has room."""
    permissions.require(by, "coop.order", resource)
    resident = own_resident(by)
    if resident is None:
        raise DomainError(_("只有登记在册的居民可以点单。"), field="resource")
    taken = Resource.objects.filter(
        Q(capacity__isnull=True) | Q(open_orders__lt=F("capacity")),
        pk=resource.pk,
        status=Resource.Status.PUBLISHED,
    ).update(open_orders=F("open_orders") + 1)
    if not taken:
        raise DomainError(
            _("该服务当前名额已满或已下架，请稍后再试或选择其他服务。"), field="resource", code="full"
        )
    order = Order.objects.create(
        resource=resource,
        community_id=resource.community_id,
        household_id=resident.household_id,
        ordered_by=by,
        note=text(note, "note", _("需求说明"), max_length=500, required=False),
        wanted_on=a_date(wanted_on, "wanted_on", _("希望服务日期")) if wanted_on else None,
    )
    event(order, "place", by=by, after=order.status, note=order.note)
    return order


def _release_place(order):
    Resource.objects.filter(pk=order.resource_id, open_orders__gt=0).update(open_orders=F("open_orders") - 1)


@transaction.atomic
def accept_order(order, *, by, note=""):
    _require_all(by, order_requirements(by, order, "accept"))
    return move(Order, order, "accept", ORDER_MOVES, OS.ACCEPTED, by=by, note=note, handled_by=by)


@transaction.atomic
def reject_order(order, *, by, reason):
    _require_all(by, order_requirements(by, order, "reject"))
    reason = text(reason, "reason", _("不予受理的原因"))
    order = move(Order, order, "reject", ORDER_MOVES, OS.REJECTED, by=by, note=reason, handled_by=by)
    _release_place(order)
    return order


@transaction.atomic
def start_order(order, *, by, note=""):
    _require_all(by, order_requirements(by, order, "start"))
    return move(Order, order, "start", ORDER_MOVES, OS.IN_PROGRESS, by=by, note=note)


@transaction.atomic
def finish_order(order, *, by, note=""):
    _require_all(by, order_requirements(by, order, "finish"))
    order = move(Order, order, "finish", ORDER_MOVES, OS.DONE, by=by, note=note)
    _release_place(order)
    return order


@transaction.atomic
def cancel_order(order, *, by, reason=""):
    """The resident changes their mind before the service starts."""
    _require_all(by, order_requirements(by, order, "cancel"))
    order = move(Order, order, "cancel", ORDER_MOVES, OS.CANCELLED, by=by, note=reason)
    _release_place(order)
    return order


@transaction.atomic
def rate_order(order, *, by, stars, comment=""):
    """The resident rates the service (or staff record the rating from a return visit)."""
    _require_all(by, order_requirements(by, order, "rate"))
    stars = rating(stars)
    return move(
        Order,
        order,
        "rate",
        ORDER_MOVES,
        OS.RATED,
        by=by,
        note=comment,
        rating=stars,
        rating_comment=text(comment, "comment", _("评价"), max_length=500, required=False),
    )


# --- claims (接单) -------------------------------------------------------------------------------


def member_registration(by, community_id):
    """双报到: an in-service member claims as themselves only with an active registration in that
    community (the need's or the post's)."""
    registration = queries.active_registration(by, community_id)
    if registration is None:
        raise DomainError(_("请先到该社区报到。"), field="registration")
    return registration


def _claimant(by, need, registration):
    """The unit or the registered member on whose behalf ``by`` claims."""
    if registration is not None:
        if registration.user_id != by.pk or registration.status != MemberRegistration.Status.ACTIVE:
            raise DomainError(_("请用本人的报到身份认领。"), field="registration")
        if registration.community_id != need.community_id:
            raise DomainError(_("只能认领报到社区的需求。"), field="registration")
        return {"registration": registration}
    unit = own_unit(by)
    if unit is None:
        raise DomainError(_("请选择以单位还是个人报到身份认领。"), field="registration")
    return {"unit": unit}


@transaction.atomic
def claim_need(need, *, by, as_member=False, registration=None, note=""):
    """ "线上认领": one slot of an open need, for a unit or (``as_member``) the user's own active
    registration in the need's community."""
    permissions.require(by, "coop.claim", need)
    if as_member and registration is None:
        registration = member_registration(by, need.community_id)
    who = _claimant(by, need, registration)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(need=need, claimed_by=by, **who)
    except IntegrityError as exc:
        raise DomainError(_("您已经认领了这项需求。"), field="need", code="duplicate") from exc
    if not Need.objects.filter(pk=need.pk, status=NS.OPEN, taken__lt=F("slots")).update(taken=F("taken") + 1):
        raise DomainError(_("这项需求已被认领完或已关闭。"), field="need", code="full")
    if Need.objects.filter(pk=need.pk, status=NS.OPEN, taken=F("slots")).update(status=NS.CLAIMED):
        event(need, "full", by=by, before=NS.OPEN, after=NS.CLAIMED)
    event(claim, "claim", by=by, after=claim.status, note=note)
    event(need, "claimed", by=by, note=claim.claimant_name)
    return claim


@transaction.atomic
def schedule_visit(claim, *, by, starts_at, ends_at, place=""):
    """ "实地报到": a check-in session for the on-site service. Organised by whoever published the need,
    so that the community confirms the hours (谁组织谁记录，谁记录谁证明)."""
    _require_all(by, claim_requirements(by, claim, "schedule"))
    claim = (
        Claim.objects.select_for_update(of=("self",)).select_related("need", "registration").get(pk=claim.pk)
    )
    if claim.status not in CLAIM_MOVES["schedule"]:
        raise DomainError(_("只能为进行中的认领安排上门服务。"), field="status", code="state")
    if claim.session_id:
        raise DomainError(_("已经安排过上门服务了。"), field="starts_at", code="duplicate")
    need = claim.need
    session = checkin.create_session(
        community=need.community,
        origin=ServiceSession.Origin.CLAIM,
        title=need.title,
        place=place or need.place,
        starts_at=a_datetime(starts_at, "starts_at", _("开始时间")),
        ends_at=a_datetime(ends_at, "ends_at", _("结束时间")),
        organiser=need.published_by or need.submitted_by,
    )
    volunteer = (
        claim.registration.volunteer
        if claim.registration_id
        else ensure_volunteer(claim.claimed_by, need.community)
    )
    checkin.enrol(session, volunteer)
    claim.session = session
    claim.save(update_fields=["session", "updated_at"])
    event(claim, "schedule", by=by, note=f"{session.starts_at:%Y-%m-%d %H:%M}")
    return claim


@transaction.atomic
def start_claim(claim, *, by, note=""):
    _require_all(by, claim_requirements(by, claim, "start"))
    return move(Claim, claim, "start", CLAIM_MOVES, CS.IN_PROGRESS, by=by, note=note)


@transaction.atomic
def finish_claim(claim, *, by, result):
    _require_all(by, claim_requirements(by, claim, "finish"))
    result = text(result, "result", _("服务结果"), max_length=500)
    claim = move(Claim, claim, "finish", CLAIM_MOVES, CS.DONE, by=by, note=result, result=result)
    _maybe_done(claim.need, by)
    return claim


def _maybe_done(need, by):
    """A need is done when all its slots are taken and every live claim is done."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NS.CLAIMED:
        return
    if need.claims.filter(status__in=[CS.ACCEPTED, CS.IN_PROGRESS]).exists():
        return
    move(Need, need, "done", {"done": {NS.CLAIMED}}, NS.DONE, by=by)


@transaction.atomic
def withdraw_claim(claim, *, by, reason):
    """The claimant gives the need back before serving; the slot opens again."""
    _require_all(by, claim_requirements(by, claim, "withdraw"))
    reason = text(reason, "reason", _("退回原因"))
    claim = move(Claim, claim, "withdraw", CLAIM_MOVES, CS.WITHDRAWN, by=by, note=reason)
    if claim.session_id:
        checkin.withdraw(
            claim.session,
            claim.registration.volunteer
            if claim.registration_id
            else ensure_volunteer(claim.claimed_by, claim.need.community),
        )
    Need.objects.filter(pk=claim.need_id, taken__gt=0).update(taken=F("taken") - 1)
    if Need.objects.filter(pk=claim.need_id, status=NS.CLAIMED).update(status=NS.OPEN):
        event(claim.need, "reopen", by=by, before=NS.CLAIMED, after=NS.OPEN, note=reason)
    return claim


@transaction.atomic
def rate_claim(claim, *, by, stars, comment=""):
    """The household served (or the resident who asked) rates it; staff may record it from a return visit."""
    _require_all(by, claim_requirements(by, claim, "rate"))
    stars = rating(stars)
    return move(
        Claim,
        claim,
        "rate",
        CLAIM_MOVES,
        CS.RATED,
        by=by,
        note=comment,
        rating=stars,
        rating_comment=text(comment, "comment", _("评价"), max_length=500, required=False),
    )
