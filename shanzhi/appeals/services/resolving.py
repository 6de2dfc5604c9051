"""办结 (resolve) and 就地解决 (self_handle): what a result must say and show before a case counts
as fixed (issue 13 §5 and §8). Split from ``moves`` (which keeps the other moves) by subject."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

from ..models import Appeal, AppealPhoto
from . import deadlines, delays, notify, photos
from .base import S, V, commit, move, require_text
from .moves import _clear_assignee


def response_template(appeal):
    """The category's answer template with the appeal's number and title filled in."""
    text = appeal.category.response_template or (
        appeal.category.parent.response_template if appeal.category.parent_id else ""
    )
    return text.replace("{number}", appeal.number).replace("{title}", appeal.title)


# A blank in an answer template, such as 【办理情况】: the handler must replace it with what was done.
BLANK = re.compile(r"【[^【】]*】")


def check_result(appeal, result):
    """Issue 13 §5: the result is what the resident reads, so a template's blank left as it is
    ("已办理：【办理情况】"), or the template with its blanks merely deleted, is not an answer."""
    result = require_text(result, "result", _("请填写办理结果。"))
    blank = BLANK.search(result)
    if blank:
        raise DomainError(
            _("请把答复模板中的“%(b)s”换成实际办理情况。") % {"b": blank.group(0)}, field="result"
        )
    template = response_template(appeal)
    if BLANK.search(template) and "".join(BLANK.sub("", template).split()) == "".join(result.split()):
        raise DomainError(_("请填写实际办理情况，不能只保留答复模板。"), field="result")
    return result


def check_evidence(appeal, adding):
    """Issue 13 §5: a category that requires evidence is resolved only with at least one photo of
    the fix (uploaded now, or earlier while handling)."""
    if not appeal.category.evidence_required or adding:
        return
    if not AppealPhoto.objects.filter(appeal=appeal, stage=AppealPhoto.Stage.RESOLUTION).exists():
        raise DomainError(
            _("“%(c)s”类诉求办结时须上传至少一张佐证照片。") % {"c": appeal.category}, field="photos"
        )


def _resolve_locked(a, by, result, cleaned, data=None):
    """办结 on the locked appeal (shared by ``resolve`` and ``self_handle``)."""
    pending = list(a.summonses.filter(status__in=a.summonses.model.ACTIVE).select_related("department"))
    if pending:
        raise DomainError(
            _("还有部门未完成承办部分：%(d)s。") % {"d": "、".join(str(s.department) for s in pending)},
            code="summons_pending",
        )
    check_evidence(a, len(cleaned))
    photos.check_room(a, AppealPhoto.Stage.RESOLUTION, len(cleaned))
    stored = [photos.store(a, p, stage=AppealPhoto.Stage.RESOLUTION, by=by) for p in cleaned]
    old = a.status
    a.status, a.resolution, a.resolved_at, a.resolved_by = S.RESOLVED, result, timezone.now(), by
    commit(
        a,
        V.RESOLVE,
        by,
        old,
        ["status", "resolution", "resolved_at", "resolved_by"],
        note=result,
        data={
            "photos": [p.pk for p in stored],
            "on_time": bool(a.deadline and a.resolved_at <= a.deadline),
            **(data or {}),
        },
    )
    delays.cancel_pending(a, by, _("办结"))
    notify.send(
        "to_verify",
        a,
        notify.verifiers(a),
        _("诉求 %(n)s 已办结，请现场核实。") % {"n": a.number},
        exclude=by,
    )


def resolve(appeal, *, by, result, photos_in=(), expected_version=None):
    """办结: what was done, with evidence photos; the summoned departments must have finished."""
    cleaned = [photos.clean(f) for f in photos_in]
    with move(appeal, "resolve", by, expected_version) as a:
        _resolve_locked(a, by, check_result(a, result), cleaned)
    return a


def self_handle(appeal, *, by, result, photos_in=(), expected_version=None):
    """就地解决 (issue 13 §8): a grid worker fixed on the spot what they found on patrol.

    Not a bypass: the report takes the normal path, each step its own timeline row (受理, 派单 to
    the finder, 开始处置, 办结), so deadlines, metrics and the timeline read it like any other case,
    and it still waits for someone else's 核实 (the finder may not verify their own fix). Only the
    finder, in their own grid, for a category marked ``grid_self_handle`` (``base.RULES``)."""
    cleaned = [photos.clean(f) for f in photos_in]
    with move(appeal, "self_handle", by, expected_version) as a:
        result = check_result(a, result)
        mark = {"self_handle": True}
        now = timezone.now()
        fields = deadlines.start_clock(a, now)
        old, a.status, a.accepted_at = a.status, S.ACCEPTED, now
        commit(
            a,
            V.ACCEPT,
            by,
            old,
            fields + ["status", "accepted_at"],
            data={**mark, "deadline": a.deadline.isoformat()},
        )
        fields = _clear_assignee(a)
        a.assignee_kind, a.assignee_user, a.dispatched_by = Appeal.AssigneeKind.USER, by, by
        a.status, a.level = S.DISPATCHED, Appeal.Level.GRID
        target = {"kind": "user", "id": by.pk, "name": str(by)}
        commit(
            a,
            V.DISPATCH,
            by,
            S.ACCEPTED,
            fields + ["status", "dispatched_by", "level"],
            data={**mark, "to": target},
        )
        a.status = S.IN_PROGRESS
        commit(a, V.START, by, S.DISPATCHED, ["status"], data=mark)
        _resolve_locked(a, by, result, cleaned, data=mark)
    return a
