"""The virtual property market (虚拟物业超市): district staff list vetted companies (and designate
state-owned ones for fallback management); community staff of a compound without a company, or in
a dismissal's transition, request one with the terms offered, and may withdraw it while it waits;
the company's staff accept (the terms become the service contract) or decline. The request's row
is locked for each of these moves, so a withdrawal and an answer at the same moment never both
succeed: the second finds the state the first left and is refused, naming it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import PropertyCompany

from ..access import manages_compound
from ..models import MarketListing, MarketRequest, Transition
from . import transitions
from .common import text
from .companies import check_terms, write_contract


def _flag(value):
    return value in (True, "1", "on", "true", "yes")


@transaction.atomic
def set_listing(company, *, listed, state_owned=False, fallback=False, intro="", by):
    """District staff's vetting: whether the company is in the market, state-owned, designated for
    fallback management (only a state-owned company may be)."""
    permissions.require(by, "property.list_in_market", company)
    if not any(
        g.role in permissions.ACTIONS["property.list_in_market"] and g.node_id == company.district_id
        for g in by.grants()
    ):
        raise PermissionDenied
    listed, state_owned, fallback = _flag(listed), _flag(state_owned), _flag(fallback)
    if fallback and not state_owned:
        raise DomainError(_("兜底物业企业应为国有企业。"), field="fallback")
    intro = text(intro, "intro", _("简介"), max_length=500, required=False)
    listing, _created = MarketListing.objects.select_for_update().get_or_create(
        company=company, defaults={"updated_by": by}
    )
    listing.listed, listing.state_owned, listing.fallback = listed, state_owned, fallback
    listing.intro, listing.updated_by = intro, by
    listing.save()
    audit.record(
        "property.market_listing",
        actor=by,
        target=company,
        detail={"listed": listed, "state_owned": state_owned, "fallback": fallback},
    )
    return listing


@transaction.atomic
def request_company(compound, company, *, starts_on, ends_on, fee_per_m2, level, note="", by):
    """A compound without a company, or in a dismissal's transition, asks a listed company."""
    if compound is None or not manages_compound(by, compound):
        raise DomainError(_("请选择小区。"), field="compound")
    if not isinstance(company, PropertyCompany):
        company = PropertyCompany.objects.filter(pk=company).first() if company else None
    if company is None or not MarketListing.objects.filter(company=company, listed=True).exists():
        raise DomainError(_("请选择物业超市中的企业。"), field="company")
    transition = Transition.objects.filter(compound=compound, status=Transition.Status.OPEN).first()
    if transition is None and compound.property_company_id is not None:
        raise DomainError(_("该小区已有物业服务企业；解聘表决通过后方可选聘。"), field="compound")
    if transition is not None and transition.contract_id:
        raise DomainError(_("新物业已确定。"), field="compound")
    if transition is not None and company.pk == transition.company_id:
        raise DomainError(_("请选择被解聘企业以外的企业。"), field="company")
    starts_on, ends_on, fee, level = check_terms(
        starts_on=starts_on, ends_on=ends_on, fee_per_m2=fee_per_m2, level=level
    )
    note = text(note, "note", _("说明"), max_length=500, required=False)
    if MarketRequest.objects.filter(
        compound=compound, company=company, status=MarketRequest.Status.REQUESTED
    ).exists():
        raise DomainError(_("已向该企业发出请求，请等待答复。"), field="company")
    req = MarketRequest.objects.create(
        compound=compound,
        company=company,
        transition=transition,
        starts_on=starts_on,
        ends_on=ends_on,
        fee_per_m2=fee,
        level=level,
        note=note,
        requested_by=by,
    )
    if transition is not None:
        transitions.record_event(
            transition, "requested", _("向物业超市企业%(c)s发出选聘请求。") % {"c": company.name}, by
        )
    audit.record("property.market_requested", actor=by, target=req)
    return req


def _answering(req, by):
    permissions.require(by, "property.answer_request", req)
    req = MarketRequest.objects.select_for_update().get(pk=req.pk)
    if req.status != MarketRequest.Status.REQUESTED:
        raise DomainError(
            _("该请求当前状态为“%(s)s”，不能再答复。") % {"s": req.get_status_display()}, field="status"
        )
    return req


@transaction.atomic
def accept(req, *, note="", by):
    """The company's staff accept: the offered terms become its service contract with the compound
    (through the companies service); in a transition, that is the new management."""
    req = _answering(req, by)
    note = text(note, "note", _("答复"), max_length=500, required=False)
    transition = req.transition
    if transition is not None and transition.status != Transition.Status.OPEN:
        raise DomainError(_("该交接已完成。"), field="status")
    contract = write_contract(
        req.company,
        req.compound,
        starts_on=req.starts_on,
        ends_on=req.ends_on,
        fee_per_m2=req.fee_per_m2,
        level=req.level,
        by=by,
        replacing=transition.company if transition else None,
    )
    req.status, req.contract = MarketRequest.Status.ACCEPTED, contract
    req.answer_note, req.answered_by, req.answered_at = note, by, timezone.now()
    req.save(update_fields=["status", "contract", "answer_note", "answered_by", "answered_at"])
    if transition is not None:
        transitions.take_over(transition, contract, by=by)
    audit.record("property.market_accepted", actor=by, target=req)
    return req


@transaction.atomic
def decline(req, *, note, by):
    req = _answering(req, by)
    req.answer_note = text(note, "note", _("答复"), max_length=500)
    req.status, req.answered_by, req.answered_at = MarketRequest.Status.DECLINED, by, timezone.now()
    req.save(update_fields=["status", "answer_note", "answered_by", "answered_at"])
    if req.transition_id:
        transitions.record_event(
            req.transition, "declined", _("%(c)s谢绝了选聘请求。") % {"c": req.company.name}, by
        )
    audit.record("property.market_declined", actor=by, target=req)
    return req


@transaction.atomic
def withdraw(req, *, reason="", by):
    """Community staff of the compound withdraw a request still waiting for the company's answer,
    with an optional reason; the company then sees it withdrawn and can no longer answer it."""
    permissions.require(by, "property.request_company", req)
    req = MarketRequest.objects.select_for_update().select_related("compound__community").get(pk=req.pk)
    if not manages_compound(by, req.compound):
        raise PermissionDenied
    if req.status != MarketRequest.Status.REQUESTED:
        raise DomainError(
            _("该请求当前状态为“%(s)s”，不能撤回。") % {"s": req.get_status_display()}, field="status"
        )
    req.withdrawn_reason = text(reason, "reason", _("撤回原因"), max_length=500, required=False)
    req.status, req.withdrawn_by, req.withdrawn_at = MarketRequest.Status.WITHDRAWN, by, timezone.now()
    req.save(update_fields=["status", "withdrawn_reason", "withdrawn_by", "withdrawn_at"])
    if req.transition_id:
        transitions.record_event(
            req.transition, "withdrawn", _("撤回了向%(c)s发出的选聘请求。") % {"c": req.company.name}, by
        )
    audit.record("property.market_withdrawn", actor=by, target=req)
    return req
