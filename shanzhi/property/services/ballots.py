"""Casting, changing and entering ballots. One ballot per owner per vote."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import clean_text

from .. import queries
from ..models import Ballot, BallotChange, Elector, Owner, Vote
from . import scans
from .common import choice as a_choice


def _open_vote(vote, *, settling=False):
    """Hold the vote open for the length of this transaction. On PostgreSQL a shared row lock:
    ballots do not wait for each other, but close (FOR UPDATE) waits for them and they for it.
    ``settling``: confirming, rejecting or withdrawing a paper ballot entered in the period, which
    staff may still do after its last day and until the close (the close waits for every one)."""
    if connection.vendor == "postgresql":
        vote = Vote.objects.raw("SELECT * FROM property_vote WHERE id = %s FOR SHARE", [vote.pk])[0]
    else:
        vote = Vote.objects.get(pk=vote.pk)
    if vote.status != Vote.Status.OPEN:
        raise DomainError(_("该表决不在投票期内。"), field="vote")
    # The period is whole local days (Vote.period_state): the end day counts until 23:59:59 in
    # Asia/Shanghai; online and paper ballots alike (物业管理条例 第十四条: the notice's period).
    state = vote.period_state(timezone.localdate())
    if state == "before":
        raise DomainError(
            _("投票期自 %(d)s 开始，届时才能投票。") % {"d": vote.starts_on.isoformat()}, field="starts_on"
        )
    if state == "over" and not settling:
        raise DomainError(
            _("投票期已于 %(d)s 截止，不能再投票。") % {"d": vote.ends_on.isoformat()}, field="ends_on"
        )
    return vote


def _history(ballot, before, what, by):
    BallotChange.objects.create(ballot=ballot, before=before, after=ballot.choice, what=what, by=by)
    audit.record(
        f"property.ballot_{what}", actor=by, target=ballot, detail={"before": before, "after": ballot.choice}
    )


@transaction.atomic
def cast(vote, choice, *, by, owner=None):
    """An owner's online ballot; cast again to change it until the close. Co-owners choose one
    voter: the co-owner who first voted is the one who may change it."""
    permissions.require(by, "property.cast", vote)
    choice = a_choice(choice)
    vote = _open_vote(vote)
    mine = list(queries.owners_of(by, vote))
    if owner is not None:
        mine = [o for o in mine if o.pk == getattr(owner, "pk", owner)]
    if len(mine) != 1:
        raise DomainError(
            _("请选择以哪一位业主的名义投票。") if mine else _("您不在本次表决的业主名册中。"), field="owner"
        )
    # The owner's row lock serialises two tabs (or two co-owners) voting at once for the same
    # owner; the unique constraint on (vote, owner) is the last word if anything slips past.
    owner = Owner.objects.select_for_update().get(pk=mine[0].pk)
    voter = next(
        g.resident for g in by.grants() if g.resident_id and owner.residents.filter(pk=g.resident_id).exists()
    )
    ballot = Ballot.objects.filter(vote=vote, owner=owner, void="").first()
    if ballot is None:
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    vote=vote,
                    owner=owner,
                    choice=choice,
                    channel="online",
                    voter=voter,
                    cast_by=by,
                    counted=True,
                )
        except IntegrityError:
            raise DomainError(_("该业主已经投过票，请刷新后再修改。"), field="choice") from None
        _history(ballot, "", "cast", by)
        return ballot
    if ballot.channel == Ballot.Channel.PAPER:
        raise DomainError(_("该业主已提交纸质选票，不能再网上投票。"), field="owner")
    if ballot.voter_id != voter.pk:
        raise DomainError(_("本户已由另一位产权人投票；共有人只能由一人投票。"), field="owner")
    if ballot.choice == choice:
        return ballot
    before = ballot.choice
    ballot.choice = choice
    ballot.changes += 1
    ballot.save(update_fields=["choice", "changes", "updated_at"])
    _history(ballot, before, "change", by)
    return ballot


@transaction.atomic
def enter_paper(vote, owner, choice, *, scan, by):
    """Staff enter a paper ballot with its scan; it counts once a second person confirms it."""
    permissions.require(by, "property.enter_paper", vote)
    choice = a_choice(choice)
    scan = scans.clean(scan)  # JPEG, PNG or PDF by content, at most 10 MB
    vote = _open_vote(vote)
    if not Elector.objects.filter(vote=vote, owner=owner).exists():
        raise DomainError(_("该业主不在本次表决的名册中。"), field="owner")
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    if Ballot.objects.filter(vote=vote, owner=owner, void="").exists():
        raise DomainError(_("该业主已经投过票。"), field="owner")
    ballot = Ballot(vote=vote, owner=owner, choice=choice, channel="paper", cast_by=by, counted=False)
    ballot.scan.save(scan.name, scan, save=False)
    ballot.save()
    _history(ballot, "", "paper", by)
    return ballot


@transaction.atomic
def confirm_paper(ballot, *, by):
    """The second person's confirmation: never the one who entered it."""
    permissions.require(by, "property.enter_paper", ballot.vote)
    _open_vote(ballot.vote, settling=True)
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.channel != Ballot.Channel.PAPER or ballot.counted or ballot.void:
        raise DomainError(_("该选票无需确认。"), field="ballot")
    if ballot.cast_by_id == by.pk:
        raise DomainError(_("录入人不能确认自己录入的选票，请由另一位工作人员确认。"), field="confirmed_by")
    ballot.counted = True
    ballot.confirmed_by = by
    ballot.save(update_fields=["counted", "confirmed_by", "updated_at"])
    _history(ballot, ballot.choice, "confirm", by)
    return ballot


def _pending(ballot, by):
    """The unconfirmed paper ballot, locked, while its vote is open (or a 400 naming ``ballot``)."""
    permissions.require(by, "property.enter_paper", ballot.vote)
    _open_vote(ballot.vote, settling=True)
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.channel != Ballot.Channel.PAPER or ballot.counted or ballot.void:
        raise DomainError(_("只有待确认的纸质选票可以退回或撤回。"), field="ballot")
    return ballot


def _void(ballot, kind, reason, by):
    what = {Ballot.Void.REJECTED: "reject", Ballot.Void.WITHDRAWN: "withdraw"}[kind]
    ballot.void = kind
    ballot.void_reason = reason
    ballot.save(update_fields=["void", "void_reason", "updated_at"])
    BallotChange.objects.create(ballot=ballot, before=ballot.choice, after=ballot.choice, what=what, by=by)
    # The reason stays on the ballot (staff's words may name a person); the trail records the act.
    audit.record(f"property.ballot_{what}", actor=by, target=ballot, detail={"owner": ballot.owner.code})
    return ballot


@transaction.atomic
def reject_paper(ballot, *, reason, by):
    """The second person finds the entry wrong (not the owner's ballot, the wrong choice, an
    unreadable scan): the ballot is void and kept; the owner may be entered again or vote online.
    As with confirming, never the person who entered it."""
    ballot = _pending(ballot, by)
    if ballot.cast_by_id == by.pk:
        raise DomainError(_("录入人不能退回自己录入的选票，可以撤回。"), field="ballot")
    if reason is not None and not isinstance(reason, str):
        raise DomainError(_("请填写退回原因。"), field="reason")
    reason = clean_text(reason, "reason", max_length=200, required=True, label=_("退回原因"))
    return _void(ballot, Ballot.Void.REJECTED, reason, by)


@transaction.atomic
def withdraw_paper(ballot, *, by):
    """The staff member who entered a paper ballot takes it back before anyone confirms it."""
    ballot = _pending(ballot, by)
    if ballot.cast_by_id != by.pk:
        raise DomainError(_("只有录入人可以撤回；其他工作人员请退回并说明原因。"), field="ballot")
    return _void(ballot, Ballot.Void.WITHDRAWN, "", by)
