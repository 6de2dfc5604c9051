"""Calling, opening and closing a vote. draft → open → closed; the result is sealed at close."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Building, Compound

from .. import queries
from ..access import manages_compound
from ..models import Ballot, Elector, OwnedUnit, Vote
from . import transitions
from .common import a_date, text


def _zone(compound, buildings):
    """The compound's live buildings named by id in ``buildings`` (none: the whole compound)."""
    ids = set()
    for value in buildings or ():
        digits = str(value).strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
            raise DomainError(_("请选择本小区的楼栋。"), field="buildings")
        ids.add(int(digits))
    found = (
        list(Building.objects.filter(compound=compound, pk__in=ids, retired_at__isnull=True)) if ids else []
    )
    if len(found) != len(ids):
        raise DomainError(_("请选择本小区的楼栋。"), field="buildings")
    return found


@transaction.atomic
def create_vote(
    compound, *, item, question, called_by, starts_on, ends_on, notice="", purpose="", buildings=(), by
):
    """A draft vote over ``compound``, or over a zone of its ``buildings`` (ids)."""
    if not manages_compound(by, compound):
        raise PermissionDenied
    try:
        item = int(item)
    except (TypeError, ValueError):
        item = None
    if item not in Vote.Item.values:
        raise DomainError(_("请选择表决事项类别（民法典第二百七十八条第一款各项）。"), field="item")
    if called_by not in Vote.CalledBy.values:
        raise DomainError(_("请选择召集方。"), field="called_by")
    question = text(question, "question", _("表决事项"), max_length=500)
    notice = text(notice, "notice", _("公告"), max_length=4000, required=False)
    starts_on = a_date(starts_on, "starts_on", _("投票开始"))
    ends_on = a_date(ends_on, "ends_on", _("投票截止"))
    if ends_on < starts_on:
        raise DomainError(_("投票截止日期不能早于开始日期。"), field="ends_on")
    if ends_on < timezone.localdate():
        # A period already over could never be opened (``open_vote``): refused now, not at opening.
        # The last day itself still counts (ballots are taken until its end).
        raise DomainError(_("投票截止日期已过，请重新确定投票期。"), field="ends_on")
    purpose = purpose or ""
    if purpose not in Vote.Purpose.values:
        raise DomainError(_("请选择表决目的。"), field="purpose")
    if purpose == Vote.Purpose.DISMISS and (
        item != Vote.Item.MANAGER or compound.property_company_id is None
    ):
        # 民法典 第二百七十八条第一款第四项: dismissing the company is item 4, and needs a company.
        raise DomainError(_("解聘表决应为第四项事项，且小区须有物业服务企业。"), field="purpose")
    if purpose == Vote.Purpose.DISMISS and transitions.open_for(compound):
        raise DomainError(_("该小区已有进行中的解聘交接。"), field="purpose")
    zone = _zone(compound, buildings)
    if zone and purpose == Vote.Purpose.DISMISS:
        # The company serves the whole compound: only the whole owners' assembly dismisses it.
        raise DomainError(_("解聘物业服务企业须由全体业主表决，不能只限部分楼栋。"), field="buildings")
    vote = Vote.objects.create(
        compound=compound,
        item=item,
        question=question,
        notice=notice,
        called_by=called_by,
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose,
        created_by=by,
    )
    if zone:
        vote.buildings.set(zone)
    audit.record(
        "property.vote_created", actor=by, target=vote, detail={"buildings": sorted(b.pk for b in zone)}
    )
    return vote


def _locked(vote, by, expected):
    if by is not None:  # None: the system (the sweep sealing a vote whose period is over)
        permissions.require(by, "property.manage_vote", vote)
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != expected:
        raise DomainError(
            _("该表决当前状态为“%(s)s”，不能进行此操作。") % {"s": vote.get_status_display()}, field="status"
        )
    return vote


@transaction.atomic
def open_vote(vote, *, by):
    """Open the ballot and freeze the electorate: the roll's units, owners and areas as they are now."""
    vote = _locked(vote, by, Vote.Status.DRAFT)
    if vote.period_state(timezone.localdate()) == "over":
        raise DomainError(_("投票截止日期已过，请重新确定投票期。"), field="ends_on")
    # The compound's row lock: a roll change (services.roll) waits, then sees the vote open.
    Compound.objects.select_for_update().filter(pk=vote.compound_id).first()
    units = OwnedUnit.objects.filter(owner__compound=vote.compound_id).select_related("household__building")
    zone = list(vote.buildings.values_list("pk", flat=True))
    if zone:
        units = units.filter(household__building__in=zone)
    electors = [Elector(vote=vote, unit=_label(u.household), owner_id=u.owner_id, area=u.area) for u in units]
    if not electors and zone:
        raise DomainError(_("所选楼栋没有登记的业主，无法开始表决。"), field="buildings")
    if not electors:
        raise DomainError(_("该小区的业主名册为空，无法开始表决。"), field="compound")
    Elector.objects.bulk_create(electors, batch_size=1000)
    vote.status = Vote.Status.OPEN
    vote.opened_at = timezone.now()
    vote.save(update_fields=["status", "opened_at"])
    audit.record("property.vote_opened", actor=by, target=vote, detail={"units": len(electors)})
    return vote


@transaction.atomic
def close_vote(vote, *, by, now=None):
    """Close the ballot and seal the result, once its period is over. The row lock waits for every
    ballot being cast (they hold a shared lock on the vote), so no ballot lands after the count.
    ``by=None`` is the sweep (``close_ended``)."""
    now = now or timezone.now()
    vote = _locked(vote, by, Vote.Status.OPEN)
    if vote.period_state(timezone.localdate(now)) != "over":
        # The period is what the notice promised the owners (物业管理条例 第十四条): closing
        # early would shut out owners still entitled to vote, so nobody may end it before then.
        raise DomainError(
            _("投票期至 %(d)s 结束（含当日），期满后才能结束投票并封存结果。")
            % {"d": vote.ends_on.isoformat()},
            field="ends_on",
        )
    # A paper ballot entered but neither confirmed nor rejected would silently drop out of the
    # sealed count: staff settle each one first (they may after the last day: ``ballots._open_vote(settling=True)``). The
    # sweep skips such a vote until they have.
    pending = Ballot.objects.filter(vote=vote, channel=Ballot.Channel.PAPER, counted=False, void="").count()
    if pending:
        raise DomainError(
            _("尚有 %(n)d 张纸质选票待确认，请先确认或退回后再结束投票。") % {"n": pending}, field="ballots"
        )
    result = queries.count(vote)
    vote.status = Vote.Status.CLOSED
    vote.closed_at = now
    vote.result = queries.sealed(result)
    vote.save(update_fields=["status", "closed_at", "result"])
    audit.record(
        "property.vote_closed",
        actor=by,
        target=vote,
        detail={"quorum": result.quorum, "passed": result.passed},
    )
    transitions.open_transition(vote, by=by)  # a passed dismissal: the handover begins
    return vote


def close_ended(now):
    """Registered with ``core.periodic`` (run by the sweep): seal every open vote whose period
    ended before ``now``'s local date, through ``close_vote`` and its row lock. A vote another
    sweep or staff closed meanwhile is refused there (its status) and skipped, so two sweeps at
    once seal it once. Returns how many it sealed."""
    due = Vote.objects.filter(status=Vote.Status.OPEN, ends_on__lt=timezone.localdate(now))
    sealed = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        try:
            close_vote(Vote(pk=pk), by=None, now=now)
        except DomainError:
            continue
        sealed += 1
    return sealed


def _label(household):
    return f"{household.building.name}-{household.unit_no}-{household.room}"
