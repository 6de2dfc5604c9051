"""A passed dismissal's transition: opened when the vote is sealed (``votes.close_vote``), the
outgoing company noticed on its timeline, the handover checklist (民法典 第九百四十九条) marked by
the company and confirmed by the community, and new management: a company from the market
(``market.accept``) or fallback management (兜底物业) by a designated state-owned company under
an agreement with the community. It closes itself once the checklist is confirmed and the new
contract is in place."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import PropertyCompany

from ..models import HandoverItem, MarketListing, Transition, TransitionEvent, Vote
from .common import text
from .companies import write_contract


def record_event(transition, what, note, by):
    return TransitionEvent.objects.create(transition=transition, what=what, note=note, by=by)


def open_transition(vote, *, by):
    """Called inside ``close_vote``'s transaction when a dismissal passed: the transition, its
    five checklist items and the notice to the company (its staff read it on the timeline)."""
    if vote.purpose != Vote.Purpose.DISMISS or not (vote.result or {}).get("passed"):
        return None
    compound = vote.compound
    company = compound.property_company
    if company is None:  # nobody to dismiss any more (the compound's company was cleared meanwhile)
        return None
    if open_for(compound):  # refused when the vote was called; never blocks sealing a result
        return None
    transition = Transition.objects.create(compound=compound, vote=vote, company=company)
    HandoverItem.objects.bulk_create(
        [HandoverItem(transition=transition, kind=k) for k in HandoverItem.Kind.values]
    )
    record_event(transition, "opened", _("业主大会表决通过解聘：%(q)s") % {"q": vote.question}, by)
    record_event(
        transition,
        "notice",
        _(
            "已通知%(company)s：业主大会决定解聘。请在合理期限内移交资料、钥匙、账户、维修记录和资金，"
            "新物业接管前继续提供服务（民法典第九百四十九条、第九百五十条）。"
        )
        % {"company": company.name},
        by,
    )
    audit.record("property.transition_opened", actor=by, target=transition, detail={"vote": vote.pk})
    return transition


def open_for(compound):
    return Transition.objects.filter(compound=compound, status=Transition.Status.OPEN).first()


def _locked(transition, by, action):
    permissions.require(by, action, transition)
    transition = Transition.objects.select_for_update().get(pk=transition.pk)
    if transition.status != Transition.Status.OPEN:
        raise DomainError(_("该交接已完成。"), field="status")
    return transition


def _item(transition, item):
    found = HandoverItem.objects.select_for_update().filter(
        transition=transition, pk=getattr(item, "pk", item)
    )
    found = found.first()
    if found is None:
        raise DomainError(_("请选择交接事项。"), field="item")
    return found


@transaction.atomic
def mark_handed(transition, item, *, note, by):
    """The outgoing company's staff say an item is handed over (only its own staff, not the new
    company's)."""
    transition = _locked(transition, by, "property.hand_over")
    if not any(g.property_company_id == transition.company_id for g in by.grants()):
        raise PermissionDenied
    item = _item(transition, item)
    if item.confirmed_at:
        raise DomainError(_("该事项社区已确认。"), field="item")
    item.handed_note = text(note, "note", _("移交说明"), max_length=500)
    item.handed_by, item.handed_at = by, timezone.now()
    item.save(update_fields=["handed_note", "handed_by", "handed_at"])
    record_event(transition, "handed", f"{item.get_kind_display()}：{item.handed_note}", by)
    audit.record("property.handover_marked", actor=by, target=transition, detail={"item": item.kind})
    return item


@transaction.atomic
def confirm_item(transition, item, *, note, by):
    """The community confirms it received an item, with a note (whether or not the company marked
    it: an uncooperative company does not hold the compound hostage)."""
    transition = _locked(transition, by, "property.manage_transition")
    item = _item(transition, item)
    if item.confirmed_at:
        raise DomainError(_("该事项已确认。"), field="item")
    item.confirmed_note = text(note, "note", _("确认说明"), max_length=500)
    item.confirmed_by, item.confirmed_at = by, timezone.now()
    item.save(update_fields=["confirmed_note", "confirmed_by", "confirmed_at"])
    record_event(transition, "confirmed", f"{item.get_kind_display()}：{item.confirmed_note}", by)
    audit.record("property.handover_confirmed", actor=by, target=transition, detail={"item": item.kind})
    _close_if_done(transition, by)
    return item


@transaction.atomic
def appoint_fallback(transition, company, *, starts_on, ends_on, fee_per_m2, level, agreement_no, by):
    """Fallback management (兜底物业, the city's emergency property service): a state-owned company
    the district designated takes the compound over under an agreement with the community; its
    contract makes it the compound's company, so the evaluation covers it like any other."""
    transition = _locked(transition, by, "property.manage_transition")
    if transition.contract_id:
        raise DomainError(_("新物业已确定。"), field="company")
    if not isinstance(company, PropertyCompany):
        company = PropertyCompany.objects.filter(pk=company).first() if company else None
    designated = MarketListing.objects.filter(
        company=company, fallback=True, company__district=transition.company.district_id
    )
    if company is None or not designated.exists():
        raise DomainError(_("请选择区里指定的兜底物业企业。"), field="company")
    agreement_no = text(agreement_no, "agreement_no", _("兜底协议编号"), max_length=40)
    contract = write_contract(
        company,
        transition.compound,
        starts_on=starts_on,
        ends_on=ends_on,
        fee_per_m2=fee_per_m2,
        level=level,
        by=by,
        replacing=transition.company,
    )
    transition.agreement_no = agreement_no
    _set_next(transition, Transition.Next.FALLBACK, contract, by)
    return transition


def take_over(transition, contract, *, by):
    """A market request was accepted for the compound in transition (``market.accept``)."""
    transition = Transition.objects.select_for_update().get(pk=transition.pk)
    if transition.status != Transition.Status.OPEN or transition.contract_id:
        raise DomainError(_("新物业已确定。"), field="status")
    _set_next(transition, Transition.Next.MARKET, contract, by)
    return transition


def _set_next(transition, kind, contract, by):
    transition.next_kind = kind
    transition.new_company = contract.company
    transition.contract = contract
    transition.save(update_fields=["next_kind", "new_company", "contract", "agreement_no"])
    note = _("%(kind)s：%(company)s，%(start)s 至 %(end)s") % {
        "kind": transition.get_next_kind_display(),
        "company": contract.company.name,
        "start": contract.starts_on,
        "end": contract.ends_on,
    }
    if transition.agreement_no:
        note += _("（协议 %(no)s）") % {"no": transition.agreement_no}
    record_event(transition, "fallback" if kind == Transition.Next.FALLBACK else "contracted", note, by)
    audit.record("property.transition_next", actor=by, target=transition, detail={"kind": kind})
    _close_if_done(transition, by)


def _close_if_done(transition, by):
    if transition.contract_id is None or transition.items.filter(confirmed_at__isnull=True).exists():
        return
    transition.status = Transition.Status.CLOSED
    transition.closed_at = timezone.now()
    transition.save(update_fields=["status", "closed_at"])
    record_event(transition, "closed", _("交接清单已全部确认，新物业接管。"), by)
    audit.record("property.transition_closed", actor=by, target=transition)
