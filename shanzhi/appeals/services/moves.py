"""The closed loop: one function per move.

受理 accept / 不予受理 reject → 派单 dispatch (person, community/street, department, property
company) or the community pool → 认领 claim → 退单 return → start → 办结 resolve → 核实 verify
or 返工 send_back → 回访 visit / the resident's rate (unsatisfied: 重办 reopen) → 销号 close.
Around it: 升级 escalate, 督办 supervise, 催办 remind, 并案 merge. Summons are in ``summons.py``,
extensions and suspensions in ``delays.py``.

Every function takes the appeal (instance or pk), ``by`` (the acting user) and an optional
``expected_version`` (the version the user's screen showed; stale → ``Conflict``), and returns
the updated appeal. Refusals: ``Http404`` out of scope, ``PermissionDenied`` not theirs,
``DomainError`` wrong status or bad input, ``Conflict`` stale. A refused move changes nothing.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role, User
from shanzhi.core import workdays
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Department, OrgNode, PropertyCompany

from .. import access
from ..models import Appeal, AppealPhoto, InvalidKind, MetricsRules, Summons
from . import deadlines, delays, notify, photos
from .base import S, V, commit, move, require_text

ASSIGNEE_FIELDS = [
    "assignee_kind",
    "assignee_user",
    "assignee_node",
    "assignee_department",
    "assignee_company",
]


def _clear_assignee(appeal):
    appeal.assignee_kind = Appeal.AssigneeKind.NONE
    appeal.assignee_user = appeal.assignee_node = appeal.assignee_department = appeal.assignee_company = None
    return list(ASSIGNEE_FIELDS)


def assignee_label(appeal):
    """Who holds the appeal now, in words ("" for nobody). The ids are looked at first: reading an
    unset relation costs Django a missed cache and a lookup of its key (a new appeal has four)."""
    for name, attname in _ASSIGNEES:
        if getattr(appeal, attname) is not None:
            return str(getattr(appeal, name))
    return ""


_ASSIGNEES = [
    (name, f"{name}_id")
    for name in ("assignee_user", "assignee_node", "assignee_department", "assignee_company")
]


# --- acceptance -------------------------------------------------------------------------------


def responded_in_time(appeal, now, cal=None):
    """Whether a first response at ``now`` is within the category's response limit, counted in
    working hours from filing (12345 assessments time 受理/联系诉求人 apart from handling)."""
    hours = appeal.category.response_limit_hours or MetricsRules.current().response_limit_hours
    # Office time elapsed, not a deadline: never asks the calendar about a day past ``now``.
    cal = cal or workdays.calendar()
    return cal.work_seconds_between(appeal.created_at, now) <= hours * 3600


def accept(appeal, *, by, category=None, note="", public=None, expected_version=None):
    """受理/立案: the handling clock starts now; staff may correct the category first."""
    with move(appeal, "accept", by, expected_version) as a:
        fields = ["status", "accepted_at"]
        data = {}
        if category is not None and category.pk != a.category_id:
            if not category.active:
                raise DomainError(_("请选择一个有效的诉求分类。"), field="category")
            data["category"] = {"from": str(a.category), "to": str(category)}
            a.category = category
            fields.append("category")
        now = timezone.now()
        fields += deadlines.start_clock(a, now)
        if a.responded_on_time is None:  # the first response only
            a.responded_on_time = responded_in_time(a, now)
            fields.append("responded_on_time")
        old, a.status, a.accepted_at = a.status, S.ACCEPTED, now
        data["deadline"] = a.deadline.isoformat()
        data["provisional"] = a.deadline_provisional
        commit(a, V.ACCEPT, by, old, fields, note=note, data=data, public=public)
        notify.send(
            "accepted",
            a,
            notify.submitter(a),
            _("您的诉求 %(n)s 已受理，办理时限至 %(d)s%(p)s。")
            % {
                "n": a.number,
                "d": timezone.localtime(a.deadline).strftime("%Y-%m-%d %H:%M"),
                "p": _("（暂定）") if a.deadline_provisional else "",
            },
        )
    return a


def reject(appeal, *, by, reason, kind=None, expected_version=None):
    """不予受理, with the reason the resident will read and, when it is one, the invalid kind
    (``InvalidKind``: 咨询已答复, 重复, 不属于受理范围 …) that takes the case out of every
    denominator of the metrics. Also after acceptance, when a case turns out to be out of scope
    (issue 12 §9), but then only with an invalid kind and no department still summoned."""
    reason = require_text(reason, "reason", _("请填写不予受理的理由。"))
    if kind is not None and (not isinstance(kind, InvalidKind) or not kind.active):
        raise DomainError(_("请选择一个有效的无效诉求类型。"), field="kind")
    with move(appeal, "reject", by, expected_version) as a:
        accepted = a.status != S.SUBMITTED
        if accepted and kind is None:
            raise DomainError(_("已受理的诉求只能以无效诉求类型（如不属于受理范围）不予受理。"), field="kind")
        if accepted and a.summonses.filter(status__in=Summons.ACTIVE).exists():
            raise DomainError(_("请先撤回吹哨，再不予受理。"), code="summons_pending")
        handlers = notify.assignees(a) if accepted else []
        old, a.status, a.reject_reason, a.closed_at = a.status, S.REJECTED, reason, timezone.now()
        a.invalid_kind, a.suspended, a.suspended_until = kind, False, None
        fields = ["status", "reject_reason", "closed_at", "invalid_kind", "suspended", "suspended_until"]
        data = {"kind": kind.code} if kind is not None else {}
        commit(a, V.REJECT, by, old, fields, note=reason, data=data)
        delays.cancel_pending(a, by, _("不予受理"))
        if handlers:
            notify.send(
                "rejected",
                a,
                handlers,
                _("诉求 %(n)s 已不予受理：%(r)s") % {"n": a.number, "r": reason},
                exclude=by,
            )
        notify.send(
            "rejected",
            a,
            notify.submitter(a),
            _("您的诉求 %(n)s 不予受理：%(r)s") % {"n": a.number, "r": reason},
        )
    return a


def return_to_city(appeal, *, by, reason, expected_version=None):
    """退回市级平台: a 12345 case that is not ours (another district's, not a community matter) goes
    back to the centre with the reason the centre will read. It ends here: no clock, no rating."""
    reason = require_text(reason, "reason", _("请填写退回市级平台的理由。"))
    if len(reason) > 500:
        raise DomainError(_("退回理由不能超过 500 个字。"), field="reason")
    with move(appeal, "return_to_city", by, expected_version) as a:
        old = a.status
        a.status, a.city_return_reason, a.closed_at = S.TO_CITY, reason, timezone.now()
        commit(a, V.RETURN_TO_CITY, by, old, ["status", "city_return_reason", "closed_at"], note=reason)
        delays.cancel_pending(a, by, _("退回市级平台"))
    return a


# --- dispatch, pool, claim, return --------------------------------------------------------------


def suggest_assignee(appeal):
    """The category's default handler for this appeal, for the dispatch form to pre-select:
    {"kind": "user"|"node"|"department"|"company"|"", "target": object or None}."""
    kind = appeal.category.default_handler_kind
    if kind == "grid" and appeal.grid_id:
        worker = (
            User.objects.filter(
                role_grants__role=Role.GRID_WORKER, role_grants__node_id=appeal.grid_id, is_active=True
            )
            .order_by("pk")
            .first()
        )
        if worker is not None:
            return {"kind": "user", "target": worker}
    if kind == "department" and appeal.category.default_department_id:
        return {"kind": "department", "target": appeal.category.default_department}
    if kind == "property" and appeal.building_id and appeal.building.compound.property_company_id:
        return {"kind": "company", "target": appeal.building.compound.property_company}
    if appeal.community_id:
        return {"kind": "node", "target": appeal.community}
    return {"kind": "", "target": None}


def _set_target(a, *, to_user, to_node, to_department, to_company):
    """Point the appeal at one handler after checking it can take this appeal. A target that may
    not take it gets the answer an unknown id gets (the dispatch form only offers those that may):
    an id must not tell whether, or whom, it names (issue 12 §5)."""
    fields = _clear_assignee(a)
    if to_user is not None:
        if not permissions.can(to_user, "appeals.handle", a) or not any(
            g.role in access.NODE for g in to_user.grants()
        ):
            # Never the person's name: out of scope answers exactly as an unknown id (issue 12 §5).
            raise DomainError(_("请选择一个承办对象。"), field="to")
        a.assignee_kind, a.assignee_user = Appeal.AssigneeKind.USER, to_user
        return fields, {"kind": "user", "id": to_user.pk, "name": str(to_user)}
    if to_node is not None:
        if (
            not isinstance(to_node, OrgNode)
            or to_node.level not in ("community", "street")
            or not (a.path.startswith(to_node.path))
        ):
            raise DomainError(_("请选择一个承办对象。"), field="to")  # as an unknown id (issue 12 §5)
        a.assignee_kind, a.assignee_node = Appeal.AssigneeKind.NODE, to_node
        return fields, {"kind": "node", "id": to_node.pk, "name": str(to_node)}
    if to_department is not None:
        if not isinstance(to_department, Department) or not a.path.startswith(to_department.district.path):
            raise DomainError(_("请选择一个承办对象。"), field="to")
        a.assignee_kind, a.assignee_department = Appeal.AssigneeKind.DEPARTMENT, to_department
        return fields, {"kind": "department", "id": to_department.pk, "name": str(to_department)}
    if not isinstance(to_company, PropertyCompany) or not a.path.startswith(to_company.district.path):
        raise DomainError(_("请选择一个承办对象。"), field="to")
    a.assignee_kind, a.assignee_company = Appeal.AssigneeKind.COMPANY, to_company
    return fields, {"kind": "company", "id": to_company.pk, "name": str(to_company)}


def dispatch(
    appeal,
    *,
    by,
    to_user=None,
    to_node=None,
    to_department=None,
    to_company=None,
    to_pool=False,
    note="",
    public=None,
    expected_version=None,
):
    """派单 to exactly one handler, or into the community's pool (全员接单). Also re-dispatches."""
    targets = [t for t in (to_user, to_node, to_department, to_company) if t is not None]
    with move(appeal, "dispatch", by, expected_version) as a:
        # Checked after the dispatcher's own checks, so an unknown target and one out of scope
        # meet the same checks in the same order and get the same answer.
        if len(targets) + bool(to_pool) != 1:
            raise DomainError(_("请选择一个承办对象。"), field="to")
        old = a.status
        if to_pool:
            if a.community_id is None:
                raise DomainError(_("该诉求没有所属社区，不能放入社区接单池。"), field="to_pool")
            fields = _clear_assignee(a)
            a.assignee_node = a.community
            a.status, verb, data = (
                S.POOLED,
                V.POOL,
                {"kind": "pool", "id": a.community_id, "name": str(a.community)},
            )
        else:
            fields, data = _set_target(
                a, to_user=to_user, to_node=to_node, to_department=to_department, to_company=to_company
            )
            a.status, verb = S.DISPATCHED, V.DISPATCH
        a.dispatched_by = by
        commit(
            a,
            verb,
            by,
            old,
            fields + ["status", "dispatched_by"],
            note=note,
            data={"to": data},
            public=public,
        )
        if to_pool:
            notify.send(
                "pooled",
                a,
                notify.pool_claimers(a),
                _("接单池有新诉求可认领：%(n)s %(t)s") % {"n": a.number, "t": a.title},
                exclude=by,
            )
        else:
            notify.send(
                "assigned",
                a,
                notify.assignees(a),
                _("您有新派单：%(n)s %(t)s") % {"n": a.number, "t": a.title},
                exclude=by,
            )
    return a


def claim(appeal, *, by, expected_version=None):
    """认领 from the community pool: the first claimer gets it and is at work on it."""
    with move(appeal, "claim", by, expected_version) as a:
        old = a.status
        fields = _clear_assignee(a)
        a.assignee_kind, a.assignee_user, a.status = Appeal.AssigneeKind.USER, by, S.IN_PROGRESS
        commit(a, V.CLAIM, by, old, fields + ["status"])
        notify.send(
            "claimed",
            a,
            notify.dispatchers(a),
            _("%(u)s 认领了诉求 %(n)s") % {"u": by, "n": a.number},
            exclude=by,
        )
    return a


def return_appeal(appeal, *, by, reason, expected_version=None):
    """退单: the assignee says it is not theirs; it goes back to the dispatcher with the reason."""
    reason = require_text(reason, "reason", _("请填写退单理由。"))
    with move(appeal, "return", by, expected_version) as a:
        old, was = a.status, assignee_label(a)
        fields = _clear_assignee(a)
        a.status, a.return_count = S.RETURNED, a.return_count + 1
        commit(a, V.RETURN, by, old, fields + ["status", "return_count"], note=reason, data={"from": was})
        notify.send(
            "returned",
            a,
            set(notify.dispatchers(a)) | {a.dispatched_by_id},
            _("诉求 %(n)s 被退单：%(r)s") % {"n": a.number, "r": reason},
            exclude=by,
        )
    return a


# --- handling ---------------------------------------------------------------------------------


def start(appeal, *, by, note="", public=None, expected_version=None):
    with move(appeal, "start", by, expected_version) as a:
        old, a.status = a.status, S.IN_PROGRESS
        commit(a, V.START, by, old, ["status"], note=note, public=public)
    return a


def verify(appeal, *, by, note="", photos_in=(), public=None, expected_version=None):
    """核实: someone other than the one who fixed it confirms the fix on site."""
    cleaned = [photos.clean(f) for f in photos_in]
    with move(appeal, "verify", by, expected_version) as a:
        photos.check_room(a, AppealPhoto.Stage.VERIFICATION, len(cleaned))
        stored = [photos.store(a, p, stage=AppealPhoto.Stage.VERIFICATION, by=by) for p in cleaned]
        old, a.status = a.status, S.VERIFIED
        commit(
            a,
            V.VERIFY,
            by,
            old,
            ["status"],
            note=note,
            data={"photos": [p.pk for p in stored]},
            public=public,
        )
        notify.send(
            "to_rate",
            a,
            notify.submitter(a),
            _("您的诉求 %(n)s 已办结，请对办理结果进行评价。") % {"n": a.number},
        )
    return a


def send_back(appeal, *, by, reason, expected_version=None):
    """返工: the fix did not hold up on site; back to the same assignee."""
    reason = require_text(reason, "reason", _("请填写返工原因。"))
    with move(appeal, "send_back", by, expected_version) as a:
        old, a.status, a.rework_count = a.status, S.IN_PROGRESS, a.rework_count + 1
        # A case sent back is not resolved: its resolution time goes, the next 办结 sets it again.
        a.resolved_at = a.resolved_by = None
        fields = ["status", "rework_count", "resolved_at", "resolved_by"]
        commit(a, V.SEND_BACK, by, old, fields, note=reason)
        notify.send(
            "sent_back",
            a,
            notify.assignees(a),
            _("诉求 %(n)s 核实未通过，需返工：%(r)s") % {"n": a.number, "r": reason},
            exclude=by,
        )
    return a
