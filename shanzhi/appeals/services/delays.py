"""延期 (more time) and 缓办 (deferred handling): asked for by the assignee, decided by a leader.

An approved extension moves the deadline by the approved working days. An approved suspension
does the same and also marks the appeal suspended until then: the sweep leaves it alone, the
figures count it as 缓办 (out of 按期结案率's denominator), and the sweep lifts the mark when the
time is up (or the assignee resumes earlier).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core.errors import DomainError

from ..models import ExtensionRequest, SuspensionRequest
from . import approvals, base, deadlines, notify
from .base import V, commit, move, refuse, require_text

MAX_DAYS = 60
KINDS = {
    "extension": (
        ExtensionRequest,
        "request_extension",
        "decide_extension",
        V.REQUEST_EXTENSION,
        V.DECIDE_EXTENSION,
        gettext_lazy("延期"),
    ),
    "suspension": (
        SuspensionRequest,
        "request_suspension",
        "decide_suspension",
        V.REQUEST_SUSPENSION,
        V.DECIDE_SUSPENSION,
        gettext_lazy("缓办"),
    ),
}


def _request(kind, appeal, by, days, reason, expected_version):
    model, verb, _decide, event_verb, _devent, label = KINDS[kind]
    reason = require_text(reason, "reason", _("请填写申请理由。"))
    try:
        days = int(days)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("请填写申请的工作日数。"), field="days") from exc
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("申请天数应在 1 到 %(n)d 个工作日之间。") % {"n": MAX_DAYS}, field="days")
    with move(appeal, verb, by, expected_version) as a:
        if model.objects.filter(appeal=a, status=model.Status.PENDING).exists():
            raise DomainError(_("已有一份%(k)s申请在审批中。") % {"k": label}, code="pending")
        req = model(appeal=a, requested_by=by, reason=reason, days=days)
        # Only the nearest approver is asked; the sweep asks the next one if they are late.
        asked = approvals.ask_first(req, a, timezone.now())
        req.save()
        # Asking changes nothing yet: an event, no new version.
        base.event(a, event_verb, by, note=reason, data={"request": req.pk, "days": days})
        notify.send(
            f"{kind}_requested",
            a,
            asked,
            _("诉求 %(n)s 申请%(k)s %(d)d 个工作日，请审批。") % {"n": a.number, "k": label, "d": days},
            exclude=by,
        )
    return req


def _decide(kind, request, by, approve, note, expected_version):
    model, _verb, verb, _event, event_verb, label = KINDS[kind]
    with transaction.atomic():
        a = base.lock(request.appeal_id)
        try:
            base.check(a, verb, by, expected_version)
        except DomainError as exc:
            if exc.code != "not_allowed":
                raise
            raise DomainError(
                _("该诉求已是“%(status)s”，不再需要审批这份%(k)s申请。")
                % {"status": a.get_status_display(), "k": label},
                code="moved_on",
            ) from exc
        req = model.objects.select_for_update().get(pk=request.pk)
        if req.status == model.Status.CANCELLED:
            raise DomainError(
                _("这份%(k)s申请已撤销：%(n)s") % {"k": label, "n": req.decision_note}, code="cancelled"
            )
        if req.status != model.Status.PENDING:
            raise DomainError(_("该申请已审批。"), code="decided")
        if req.requested_by_id == by.pk:
            raise refuse(_("不能审批自己的申请。"))
        now = timezone.now()
        req.status = model.Status.APPROVED if approve else model.Status.REJECTED
        req.decided_by, req.decided_at, req.decision_note = by, now, (note or "").strip()
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        fields, data = [], {"request": req.pk, "approved": bool(approve), "days": req.days}
        if approve and a.deadline is not None:
            fields = deadlines.push_back(a, req.days, now)
            data["deadline"] = a.deadline.isoformat()
        if approve and kind == "suspension":
            a.suspended = True
            a.suspended_until, provisional = deadlines.add_workdays(now, req.days)
            a.deadline_provisional = a.deadline_provisional or provisional
            fields += ["suspended", "suspended_until", "deadline_provisional"]
        commit(a, event_verb, by, a.status, fields, note=note, data=data)
        result = _("同意") if approve else _("驳回")
        notify.send(
            f"{kind}_decided",
            a,
            [req.requested_by_id],
            _("诉求 %(n)s 的%(k)s申请已%(r)s。") % {"n": a.number, "k": label, "r": result},
        )
    return req


def request_extension(appeal, *, by, days, reason, expected_version=None):
    return _request("extension", appeal, by, days, reason, expected_version)


def decide_extension(request, *, by, approve, note="", expected_version=None):
    return _decide("extension", request, by, approve, note, expected_version)


def request_suspension(appeal, *, by, days, reason, expected_version=None):
    return _request("suspension", appeal, by, days, reason, expected_version)


def decide_suspension(request, *, by, approve, note="", expected_version=None):
    return _decide("suspension", request, by, approve, note, expected_version)


def resume(appeal, *, by=None, note="", expected_version=None):
    """End a suspension (缓办) early; ``by=None`` is the sweep ending it on time."""
    if by is None:
        with transaction.atomic():
            a = base.lock(appeal)
            return _resume(a, None, note)
    with move(appeal, "resume", by, expected_version) as a:
        return _resume(a, by, note)


def _resume(a, by, note):
    if not a.suspended:
        raise DomainError(_("该诉求未处于缓办状态。"), code="not_suspended")
    a.suspended, a.suspended_until = False, None
    commit(a, V.RESUME, by, a.status, ["suspended", "suspended_until"], note=note)
    notify.send("resumed", a, notify.assignees(a), _("诉求 %(n)s 已恢复办理。") % {"n": a.number}, exclude=by)
    return a


def cancel_pending(a, by, why):
    """Close the locked appeal's undecided requests once the case has moved past them (办结, 销号,
    并案, 不予受理), in the caller's transaction, with one timeline row each. Left pending they
    would sit in the approvers' lists and an approval would move a deadline nobody runs against."""
    now = timezone.now()
    cancelled = []
    for kind, (model, *_rest, label) in KINDS.items():
        for req in (
            model.objects.select_for_update().filter(appeal=a, status=model.Status.PENDING).order_by("pk")
        ):
            note = _("诉求已%(why)s，%(k)s申请自动撤销。") % {"why": why, "k": label}
            req.status, req.decided_by, req.decided_at, req.decision_note = (
                model.Status.CANCELLED,
                by,
                now,
                note,
            )
            req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
            base.event(
                a, V.CANCEL_REQUEST, by, note=note, data={"request": req.pk, "kind": kind, "days": req.days}
            )
            notify.send(
                f"{kind}_cancelled",
                a,
                [req.requested_by_id],
                _("诉求 %(n)s 的%(k)s申请已撤销：%(r)s") % {"n": a.number, "k": label, "r": note},
                exclude=by,
            )
            cancelled.append(req)
    return cancelled


def pending_requests(appeal):
    """Open extension and suspension requests of an appeal (for its page)."""
    return [
        r
        for m in (ExtensionRequest, SuspensionRequest)
        for r in m.objects.filter(appeal=appeal, status=m.Status.PENDING)
    ]
