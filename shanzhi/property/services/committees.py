"""A compound's owners' committee (业委会) or property management committee (物管会): its kind and
term, its members, and the reserve lists (后备人选 正面清单 / 负面清单). Community staff of the
compound's community keep them; every change is audited.

Members and reserve candidates are residents of the compound from the registry (《民法典》第二百七十七条
and the SPC interpretation on building co-ownership: the committee is the owners' own organ). A
person on the negative list (负面清单) cannot become a member.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit, inputs
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Resident

from ..access import compound_in_reach
from ..models import Committee, CommitteeMember, ReserveCandidate
from .common import a_date, pick, text

MAX_TERM_YEARS = 5  # 《业主大会和业主委员会指导规则》第三十二条: a term is at most five years


def require_keeper(by, compound):
    """Community staff over the compound's community may keep it; others who may read it get a
    403; everybody else a 404."""
    if compound_in_reach(by, compound.pk, "property.manage_committee") is not None:
        return
    if compound_in_reach(by, compound.pk, "property.view_committee") is not None:
        raise PermissionDenied
    raise Http404


def _resident_of(compound, value, field="resident"):
    pk = inputs.parse_id(value, field, required=True, label=_("居民"))
    resident = Resident.objects.filter(pk=pk, household__building__compound=compound).first()
    if resident is None:
        raise DomainError(_("请选择本小区登记的居民。"), field=field)
    return resident


@transaction.atomic
def set_committee(compound, *, kind, term_start, term_end, by):
    """Record the committee, or its new term (换届: the same row, the audit keeps what it was)."""
    require_keeper(by, compound)
    kind = pick(kind, Committee.Kind.values, "kind", _("请选择业委会或物管会。"))
    start = a_date(term_start, "term_start", _("任期开始"))
    end = a_date(term_end, "term_end", _("任期届满"))
    if end <= start:
        raise DomainError(_("任期届满日期应晚于任期开始日期。"), field="term_end")
    if (end - start).days > MAX_TERM_YEARS * 366:
        raise DomainError(_("每届任期不超过 %(n)d 年。") % {"n": MAX_TERM_YEARS}, field="term_end")
    committee = Committee.objects.select_for_update().filter(compound=compound).first()
    before = None
    if committee is None:
        committee = Committee(compound=compound)
    else:
        before = {
            "kind": committee.kind,
            "term_start": str(committee.term_start),
            "term_end": str(committee.term_end),
        }
    committee.kind, committee.term_start, committee.term_end = kind, start, end
    committee.updated_by, committee.updated_at = by, timezone.now()
    committee.save()
    audit.record(
        "property.committee_set",
        actor=by,
        target=committee,
        detail={"kind": kind, "term_start": str(start), "term_end": str(end), "before": before},
    )
    return committee


def _committee(compound):
    committee = Committee.objects.select_for_update().filter(compound=compound).first()
    if committee is None:
        raise DomainError(_("请先登记业委会（物管会）及其任期。"), field="committee")
    return committee


@transaction.atomic
def add_member(compound, *, resident, role, by):
    require_keeper(by, compound)
    committee = _committee(compound)
    person = _resident_of(compound, resident)
    role = pick(role, CommitteeMember.Role.values, "role", _("请选择职务。"))
    barred = ReserveCandidate.objects.filter(
        compound=compound, resident=person, list=ReserveCandidate.List.NEGATIVE
    ).first()
    if barred is not None:
        raise DomainError(
            _("该居民在负面清单上（%(reason)s），不能担任委员。") % {"reason": barred.reason},
            field="resident",
        )
    if committee.members.filter(resident=person).exists():
        raise DomainError(_("该居民已是委员。"), field="resident")
    if role == CommitteeMember.Role.DIRECTOR and committee.members.filter(role=role).exists():
        raise DomainError(_("已有主任，请先调整现任主任的职务。"), field="role")
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(committee=committee, resident=person, role=role)
    except IntegrityError as exc:  # a concurrent add of the same person or a second director
        raise DomainError(_("该居民已是委员，或已有主任。"), field="resident") from exc
    audit.record(
        "property.member_added",
        actor=by,
        target=committee,
        detail={"member": member.pk, "role": role},
    )
    return member


@transaction.atomic
def remove_member(member, *, by):
    compound = member.committee.compound
    require_keeper(by, compound)
    member = CommitteeMember.objects.select_for_update().filter(pk=member.pk).first()
    if member is None:
        raise Http404
    detail = {"member": member.pk, "role": member.role}
    member.delete()
    audit.record("property.member_removed", actor=by, target=compound, detail=detail)


@transaction.atomic
def change_role(member, *, role, by):
    """A member's role (主任, 副主任, 委员). One 主任: making a second one is refused, naming ``role``,
    until the present one's role is changed."""
    compound = member.committee.compound
    require_keeper(by, compound)
    role = pick(role, CommitteeMember.Role.values, "role", _("请选择职务。"))
    member = CommitteeMember.objects.select_for_update().filter(pk=member.pk).first()
    if member is None:
        raise Http404
    if member.role == role:
        return member
    director = CommitteeMember.Role.DIRECTOR
    if role == director and member.committee.members.filter(role=director).exists():
        raise DomainError(_("已有主任，请先调整现任主任的职务。"), field="role")
    before, member.role = member.role, role
    try:
        with transaction.atomic():
            member.save(update_fields=["role"])
    except IntegrityError as exc:  # a concurrent change made another member 主任
        raise DomainError(_("已有主任，请先调整现任主任的职务。"), field="role") from exc
    audit.record(
        "property.member_role_changed",
        actor=by,
        target=member.committee,
        detail={"member": member.pk, "role": role, "before": before},
    )
    return member


@transaction.atomic
def add_reserve(compound, *, resident, list_name, reason="", by):
    """Put a resident on the positive list (后备人选) or the negative list (barred, with the reason)."""
    require_keeper(by, compound)
    person = _resident_of(compound, resident)
    list_name = pick(list_name, ReserveCandidate.List.values, "list", _("请选择正面清单或负面清单。"))
    negative = list_name == ReserveCandidate.List.NEGATIVE
    reason = text(reason, "reason", _("理由"), max_length=200, required=negative)
    if ReserveCandidate.objects.filter(compound=compound, resident=person).exists():
        raise DomainError(_("该居民已在清单上，请先移出。"), field="resident")
    if negative and CommitteeMember.objects.filter(committee__compound=compound, resident=person).exists():
        raise DomainError(_("该居民现为委员，请先免去其职务。"), field="resident")
    try:
        with transaction.atomic():
            candidate = ReserveCandidate.objects.create(
                compound=compound, resident=person, list=list_name, reason=reason, added_by=by
            )
    except IntegrityError as exc:
        raise DomainError(_("该居民已在清单上，请先移出。"), field="resident") from exc
    audit.record("property.reserve_added", actor=by, target=candidate, detail={"list": list_name})
    return candidate


@transaction.atomic
def remove_reserve(candidate, *, by):
    compound = candidate.compound
    require_keeper(by, compound)
    candidate = ReserveCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    if candidate is None:
        raise Http404
    detail = {"candidate": candidate.pk, "list": candidate.list}
    candidate.delete()
    audit.record("property.reserve_removed", actor=by, target=compound, detail=detail)
