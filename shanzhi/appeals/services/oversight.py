"""Graded response and oversight: escalation up the tree (manual and by the sweep), supervision
(督办) and reminders by leaders, and merging a duplicate into the case it repeats (并案)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

from ..models import Appeal
from . import base, deadlines, delays, notify
from .base import S, V, commit, move, require_text

# --- graded response and oversight ---------------------------------------------------------------


def next_level(appeal):
    order = Appeal.LEVEL_ORDER
    for level in order[order.index(appeal.level) + 1 :]:
        if appeal.path_at(level):
            return level
    return None


def raise_level(a, by, reason, *, auto=False):
    """Move a locked appeal one level up (grid → community → street → district)."""
    to = next_level(a)
    if to is None:
        raise DomainError(_("该诉求已在区级统筹，不能再升级。"), code="top_level")
    old_level, a.level = a.level, to
    commit(
        a, V.ESCALATE, by, a.status, ["level"], note=reason, data={"from": old_level, "to": to, "auto": auto}
    )
    notify.send(
        "escalated",
        a,
        notify.dispatchers(a),
        _("诉求 %(n)s 已升级至%(l)s级统筹：%(r)s") % {"n": a.number, "l": a.get_level_display(), "r": reason},
        exclude=by,
    )


def escalate(appeal, *, by, reason, expected_version=None):
    """分级响应 by hand: the assignee or the coordinator hands it one level up, keeping the
    assignee; the staff of the new level may re-dispatch, summon or supervise."""
    reason = require_text(reason, "reason", _("请填写升级原因。"))
    with move(appeal, "escalate", by, expected_version) as a:
        raise_level(a, by, reason)
    return a


def supervise(appeal, *, by, note, due_days=None, expected_version=None):
    """督办 by a street or district leader, optionally with its own deadline in working days."""
    note = require_text(note, "note", _("请填写督办意见。"))
    due_at, provisional = deadlines.add_workdays(timezone.now(), int(due_days)) if due_days else (None, False)
    with move(appeal, "supervise", by, expected_version) as a:
        sup = a.supervisions.create(
            by=by,
            note=note,
            due_at=due_at,
            due_days=int(due_days) if due_days else None,
            due_provisional=provisional,
        )
        a.supervised = True
        commit(
            a,
            V.SUPERVISE,
            by,
            a.status,
            ["supervised"],
            note=note,
            data={"supervision": sup.pk, "due_at": due_at.isoformat() if due_at else None},
        )
        notify.send(
            "supervised",
            a,
            set(notify.assignees(a)) | set(notify.dispatchers(a)),
            _("诉求 %(n)s 被督办：%(t)s") % {"n": a.number, "t": note},
            exclude=by,
        )
    return a


def remind(appeal, *, by, note="", expected_version=None):
    """催办: a nudge to the assignee. It changes nothing, so it does not bump the version."""
    with move(appeal, "remind", by, expected_version) as a:
        base.event(a, V.REMIND, by, note=note)
        notify.send(
            "reminder",
            a,
            notify.assignees(a),
            _("请抓紧办理诉求 %(n)s。%(t)s") % {"n": a.number, "t": note},
            exclude=by,
        )
    return a


def merge(duplicate, *, into, by, note="", expected_version=None):
    """并案: ``duplicate`` follows ``into`` (the main appeal) to its close."""
    dup_pk = getattr(duplicate, "pk", duplicate)
    main_pk = getattr(into, "pk", into)
    if dup_pk == main_pk:
        raise DomainError(_("不能与自身并案。"), field="into")
    with transaction.atomic():
        # Lock both in one order, so two opposite merges cannot deadlock.
        locked = {pk: base.lock(pk) for pk in sorted((dup_pk, main_pk))}
        dup, main = locked[dup_pk], locked[main_pk]
        base.check(dup, "merge", by, expected_version)
        base.check(main, "absorb", by)
        old, dup.status, dup.merged_into = dup.status, S.MERGED, main
        commit(dup, V.MERGE, by, old, ["status", "merged_into"], note=note, data={"into": main.number})
        delays.cancel_pending(dup, by, _("并案"))
        for child in Appeal.objects.select_for_update().filter(merged_into=dup).exclude(pk=main.pk):
            child.merged_into = main
            commit(child, V.MERGE, by, child.status, ["merged_into"], data={"into": main.number})
        base.event(main, V.ABSORB, by, note=note, data={"duplicate": dup.number})
        notify.send(
            "merged",
            dup,
            notify.submitter(dup),
            _("您反映的问题与诉求 %(m)s 相同，已合并办理。") % {"m": main.number},
        )
    return dup
