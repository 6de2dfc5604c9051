"""社区吹哨、部门报到: the coordinator calls departments in; each must report within a deadline.

One lead unit (主办) and any number of assisting units (协办), each with its own part and status
(待报到 → 已报到 → 已完成, or 已撤回). The appeal cannot be resolved while a part is open. Every
step locks the appeal row and writes to its timeline, like the other moves.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Department, OrgNode

from .. import access
from ..models import Appeal, AppealPhoto, Category, Summons
from . import base, deadlines, notify, photos
from .base import S, V, commit, move, refuse, require_text

DEFAULT_REPORT_WORKDAYS = 1
EMERGENCY_REPORT_HOURS = 2


def report_due(appeal, now, *, within_hours=None, within_workdays=None):
    """(due, working days or None, provisional): when a summoned department must have reported:
    given hours (on the clock), given working days, or by default 2 hours for emergencies and the
    end of the next working day otherwise."""
    if within_hours:
        return now + dt.timedelta(hours=int(within_hours)), None, False
    if not within_workdays and appeal.category.urgency == Category.Urgency.EMERGENCY:
        return now + dt.timedelta(hours=EMERGENCY_REPORT_HOURS), None, False
    days = int(within_workdays) if within_workdays else DEFAULT_REPORT_WORKDAYS
    due, provisional = deadlines.add_workdays(now, days)
    return due, days, provisional


def _department(value, field):
    if not isinstance(value, Department):
        raise DomainError(_("请选择职能部门。"), field=field)
    return value


def summon(
    appeal,
    *,
    by,
    lead=None,
    assisting=(),
    parts=None,
    within_hours=None,
    within_workdays=None,
    note="",
    public=None,
    expected_version=None,
):
    """吹哨: call ``lead`` (one Department, unless a lead is already summoned) and ``assisting``
    departments in. ``parts`` maps a department's pk to what it is asked to do. If nobody was
    handling the appeal yet, the summoning community/street becomes its assignee."""
    parts = parts or {}
    wanted = ([(_department(lead, "lead"), Summons.Role.LEAD)] if lead is not None else []) + [
        (_department(d, "assisting"), Summons.Role.ASSIST) for d in assisting
    ]
    if not wanted:
        raise DomainError(_("请选择要吹哨的部门。"), field="lead")
    if len({d.pk for d, _r in wanted}) != len(wanted):
        raise DomainError(_("同一部门不能重复选择。"), field="assisting")
    with move(appeal, "summon", by, expected_version) as a:
        active = {s.department_id: s for s in a.summonses.filter(status__in=Summons.ACTIVE)}
        for dept, _role in wanted:
            if dept.pk in active:
                raise DomainError(_("%(d)s 已被吹哨，正在办理。") % {"d": dept}, field="assisting")
            if not a.path.startswith(dept.district.path):
                raise DomainError(_("只能吹哨本区的职能部门。"), field="lead")
        if lead is not None and any(s.role == Summons.Role.LEAD for s in active.values()):
            raise DomainError(_("已有主办部门，只能再增加协办部门。"), field="lead")
        now = timezone.now()
        due, due_days, provisional = report_due(
            a, now, within_hours=within_hours, within_workdays=within_workdays
        )
        created = [
            Summons.objects.create(
                appeal=a,
                department=d,
                role=r,
                part=(parts.get(d.pk) or "").strip(),
                due_at=due,
                due_workdays=due_days,
                due_provisional=provisional,
                summoned_by=by,
            )
            for d, r in wanted
        ]
        old, fields = a.status, []
        if a.status in (S.ACCEPTED, S.RETURNED) or a.assignee_kind == Appeal.AssigneeKind.NONE:
            # Whoever blows the whistle coordinates the case from now on.
            coordinator = OrgNode.objects.get(path=access.dispatch_path(a))
            a.assignee_kind, a.assignee_node, a.assignee_user = Appeal.AssigneeKind.NODE, coordinator, None
            a.assignee_department = a.assignee_company = None
            a.status = S.IN_PROGRESS
            fields = [
                "status",
                "assignee_kind",
                "assignee_node",
                "assignee_user",
                "assignee_department",
                "assignee_company",
            ]
        commit(
            a,
            V.SUMMON,
            by,
            old,
            fields,
            note=note,
            public=public,
            data={
                "summonses": [{"id": s.pk, "department": str(s.department), "role": s.role} for s in created],
                "due_at": due.isoformat(),
                "provisional": provisional,
            },
        )
        for s in created:
            notify.send(
                "summoned",
                a,
                notify.department_handlers(s.department_id),
                _("%(c)s 吹哨：请于 %(d)s 前就诉求 %(n)s 报到（%(r)s）。")
                % {
                    "c": by,
                    "d": timezone.localtime(due).strftime("%m-%d %H:%M"),
                    "n": a.number,
                    "r": s.get_role_display(),
                },
            )
    return created


def _summons_move(summons, verb, by, expected_version, want):
    """Lock the appeal (the one lock for all its rows), then the summons, and check both."""
    a = base.lock(summons.appeal_id)
    base.check(a, verb, by, expected_version)
    s = Summons.objects.select_for_update().select_related("department").get(pk=summons.pk)
    if s.status not in want:
        raise DomainError(
            _("该部门的吹哨事项当前为“%(s)s”，不能%(v)s。")
            % {"s": s.get_status_display(), "v": base.VERB_LABEL[verb]},
            code="not_allowed",
        )
    return a, s


def _require_department(by, s):
    if not any(g.role == "department_handler" and g.department_id == s.department_id for g in by.grants()):
        raise refuse(_("只有被吹哨部门的经办人可以报到。"))


def report(summons, *, by, note="", expected_version=None):
    """报到: the department acknowledges and joins the handling."""
    with transaction.atomic():
        a, s = _summons_move(summons, "report", by, expected_version, {Summons.Status.SUMMONED})
        _require_department(by, s)
        s.status, s.reported_at, s.reported_by = Summons.Status.REPORTED, timezone.now(), by
        s.save(update_fields=["status", "reported_at", "reported_by"])
        commit(
            a,
            V.REPORT,
            by,
            a.status,
            [],
            note=note,
            data={"summons": s.pk, "department": str(s.department), "late": s.reported_at > s.due_at},
        )
        notify.send(
            "reported",
            a,
            set(notify.assignees(a)) | {s.summoned_by_id},
            _("%(d)s 已就诉求 %(n)s 报到。") % {"d": s.department, "n": a.number},
            exclude=by,
        )
    return s


def finish_part(summons, *, by, result, photos_in=(), public=None, expected_version=None):
    """The department's part is done (协同处置), with what it did and, if it has them, photos of it
    (issue 13 §5), stored as the appeal's evidence beside the handler's."""
    result = require_text(result, "result", _("请填写本部门的办理情况。"))
    cleaned = [photos.clean(f) for f in photos_in]  # outside the lock: decoding is the slow part
    with transaction.atomic():
        a, s = _summons_move(summons, "finish_part", by, expected_version, {Summons.Status.REPORTED})
        _require_department(by, s)
        photos.check_room(a, AppealPhoto.Stage.RESOLUTION, len(cleaned))
        stored = [photos.store(a, p, stage=AppealPhoto.Stage.RESOLUTION, by=by) for p in cleaned]
        s.status, s.done_at, s.result = Summons.Status.DONE, timezone.now(), result
        s.save(update_fields=["status", "done_at", "result"])
        commit(
            a,
            V.FINISH_PART,
            by,
            a.status,
            [],
            note=result,
            public=public,
            data={"summons": s.pk, "department": str(s.department), "photos": [p.pk for p in stored]},
        )
        notify.send(
            "part_done",
            a,
            set(notify.assignees(a)) | {s.summoned_by_id},
            _("%(d)s 已完成诉求 %(n)s 的承办部分。") % {"d": s.department, "n": a.number},
            exclude=by,
        )
    return s


def cancel_summons(summons, *, by, reason, expected_version=None):
    """The coordinator withdraws a summons (wrong department, no longer needed)."""
    reason = require_text(reason, "reason", _("请填写撤回理由。"))
    with transaction.atomic():
        a, s = _summons_move(summons, "cancel_summons", by, expected_version, set(Summons.ACTIVE))
        s.status = Summons.Status.CANCELLED
        s.save(update_fields=["status"])
        commit(
            a,
            V.CANCEL_SUMMONS,
            by,
            a.status,
            [],
            note=reason,
            data={"summons": s.pk, "department": str(s.department)},
        )
        notify.send(
            "summons_cancelled",
            a,
            notify.department_handlers(s.department_id),
            _("诉求 %(n)s 的吹哨已撤回：%(r)s") % {"n": a.number, "r": reason},
        )
    return s
