"""What every move shares: the table of moves, the lock, the checks, the version, the event row.

A move (see ``moves.py``) is::

    with move(appeal, "dispatch", by, expected_version) as a:   # atomic + SELECT … FOR UPDATE + check
        …change fields…
        commit(a, V.DISPATCH, by, old_status, [fields])          # save(update_fields) + version + event
        notify.send(…)                                           # a task, enqueued in this transaction

``check`` asks, in this order: may ``by`` see it (else 404) and do this kind of thing to it
(``permissions.require``, else 403); is the screen stale (``Conflict``, 409); does the status
allow the move (``ALLOWED``, 400); is it *theirs* (``RULES`` "who", 403); is the moment right
(``RULES`` "when", 400). ``actions.available_actions`` asks the same questions without raising,
so a button shows exactly when the move would be accepted.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import prepared
from shanzhi.core.errors import Conflict, DomainError
from shanzhi.core.versioning import check_version

from .. import access, outbox, progress, rollups
from ..models import Appeal, AppealEvent
from .labels import VERB_LABEL  # noqa: F401 - the moves' names, read as base.VERB_LABEL

S = Appeal.Status
V = AppealEvent.Verb
TIMED = set(Appeal.TIMED)
HANDLING = {S.DISPATCHED, S.IN_PROGRESS, S.REOPENED}
SUMMONABLE = {S.ACCEPTED, S.RETURNED} | HANDLING

# The one table of allowed moves: verb -> the statuses it may start from.
ALLOWED = {
    "accept": {S.SUBMITTED},
    # Also after acceptance, with an invalid kind, when a case turns out to be out of scope (§9).
    "reject": {S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.POOLED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED},
    "self_handle": {S.SUBMITTED},
    "dispatch": {S.ACCEPTED, S.RETURNED, S.REOPENED, S.POOLED, S.DISPATCHED, S.IN_PROGRESS},
    "claim": {S.POOLED},
    "return": {S.DISPATCHED, S.IN_PROGRESS},
    "start": {S.DISPATCHED, S.REOPENED},
    "resolve": {S.IN_PROGRESS},
    "verify": {S.RESOLVED},
    "send_back": {S.RESOLVED},
    "visit": {S.VERIFIED},
    "rate": {S.VERIFIED},
    "close": {S.VISITED},
    "escalate": TIMED,
    "summon": SUMMONABLE,
    "report": SUMMONABLE | {S.RESOLVED},
    "finish_part": SUMMONABLE | {S.RESOLVED},
    "cancel_summons": SUMMONABLE,
    "supervise": TIMED | {S.RESOLVED, S.VERIFIED},
    "remind": TIMED,
    "merge": {S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.POOLED, S.DISPATCHED},
    "absorb": TIMED,
    "request_extension": HANDLING,
    "decide_extension": TIMED,
    "request_suspension": HANDLING,
    "decide_suspension": TIMED,
    "resume": TIMED,
    "add_photo": {S.SUBMITTED, S.RESOLVED} | TIMED,
    "locate": {S.SUBMITTED},
    # A 12345 case that is not ours goes back to the centre before anyone has finished it.
    "return_to_city": {S.SUBMITTED} | TIMED,
}


# --- whose move it is ------------------------------------------------------------------------


def _dispatcher(by, a):
    return access.is_dispatcher(by, a)


def _assignee(by, a):
    return access.is_assignee(by, a)


def _not_resolver(by, a):
    return a.resolved_by_id != by.pk


def _submitter(by, a):
    return a.submitter_id == by.pk


def _escalator(by, a):
    grid_worker = a.level == "grid" and any(
        g.role == Role.GRID_WORKER and g.node_id == a.grid_id for g in by.grants()
    )
    return grid_worker or access.is_assignee(by, a) or access.is_dispatcher(by, a)


def _assignee_or_dispatcher(by, a):
    return access.is_assignee(by, a) or access.is_dispatcher(by, a)


def _photographer(by, a):
    if a.status == S.SUBMITTED:
        return a.submitter_id == by.pk
    if a.status == S.RESOLVED:
        return permissions.can(by, "appeals.verify", a)
    return access.is_assignee(by, a)


def _finder(by, a):
    """The grid worker who filed this patrol report (网格发现), in the grid they serve."""
    return (
        a.channel == Appeal.Channel.PATROL
        and a.entered_by_id == by.pk
        and any(g.role == Role.GRID_WORKER and g.node_id == a.grid_id for g in by.grants())
    )


def _self_handleable(a):
    return a.category.grid_self_handle


def _has_assignee(a):
    return a.assignee_kind != Appeal.AssigneeKind.NONE


def _suspended(a):
    return a.suspended


def _placed(a):
    return not a.unplaced


def _unplaced(a):
    return a.unplaced


def _from_hotline(a):
    return a.channel == Appeal.Channel.HOTLINE


def _can_go_up(a):
    return a.level != "district"


@dataclass(frozen=True)
class Rule:
    action: str  # the permission module's action (role + scope)
    who: object = None  # (by, appeal) -> bool; refused with 403 and ``refusal``
    refusal: str = ""
    when: object = None  # (appeal) -> bool; refused with 400 and ``not_now``
    not_now: str = ""


NOT_DISPATCHER = gettext_lazy("该诉求由其所在层级的社区/街道统筹，您无权操作。")
NOT_ASSIGNEE = gettext_lazy("这条诉求不是派给您的。")
OWN_FIX = gettext_lazy("不能核实自己办结的诉求，请由网格员或社区其他工作人员核实。")

RULES = {
    "accept": Rule(
        "appeals.accept",
        _dispatcher,
        NOT_DISPATCHER,
        _placed,
        gettext_lazy("该诉求尚未定位，请先在地图上确定位置再受理。"),
    ),
    "reject": Rule("appeals.accept", _dispatcher, NOT_DISPATCHER),
    "self_handle": Rule(
        "appeals.self_handle",
        _finder,
        gettext_lazy("只有在本网格巡查发现并登记该问题的网格员可以就地解决。"),
        _self_handleable,
        gettext_lazy("该分类不允许网格员就地解决，请等待社区受理。"),
    ),
    "dispatch": Rule("appeals.dispatch", _dispatcher, NOT_DISPATCHER),
    "claim": Rule("appeals.claim"),
    "return": Rule("appeals.handle", _assignee, NOT_ASSIGNEE),
    "start": Rule("appeals.handle", _assignee, NOT_ASSIGNEE),
    "resolve": Rule("appeals.handle", _assignee, NOT_ASSIGNEE),
    "verify": Rule("appeals.verify", _not_resolver, OWN_FIX),
    "send_back": Rule("appeals.verify", _not_resolver, OWN_FIX),
    "visit": Rule("appeals.visit", _not_resolver, gettext_lazy("办理人不能回访自己办理的诉求。")),
    "rate": Rule("appeals.rate", _submitter, gettext_lazy("只有反映人本人可以评价。")),
    "close": Rule("appeals.close", _dispatcher, NOT_DISPATCHER),
    "escalate": Rule(
        "appeals.escalate",
        _escalator,
        gettext_lazy("只有承办人或统筹单位可以升级该诉求。"),
        _can_go_up,
        gettext_lazy("该诉求已在区级统筹，不能再升级。"),
    ),
    "summon": Rule("appeals.summon", _dispatcher, gettext_lazy("只有统筹该诉求的社区或街道可以吹哨。")),
    "report": Rule("appeals.report"),
    "finish_part": Rule("appeals.report"),
    "cancel_summons": Rule(
        "appeals.summon", _dispatcher, gettext_lazy("只有统筹该诉求的社区或街道可以撤回吹哨。")
    ),
    "supervise": Rule("appeals.supervise"),
    "remind": Rule("appeals.remind", when=_has_assignee, not_now=gettext_lazy("该诉求尚未派单，无需催办。")),
    "merge": Rule("appeals.merge"),
    "absorb": Rule("appeals.merge"),
    "request_extension": Rule("appeals.handle", _assignee, gettext_lazy("只有承办人可以申请延期。")),
    "decide_extension": Rule("appeals.approve", _dispatcher, gettext_lazy("您不在该诉求的审批层级。")),
    "request_suspension": Rule("appeals.handle", _assignee, gettext_lazy("只有承办人可以申请缓办。")),
    "decide_suspension": Rule("appeals.approve", _dispatcher, gettext_lazy("您不在该诉求的审批层级。")),
    "resume": Rule(
        "appeals.handle",
        _assignee_or_dispatcher,
        gettext_lazy("只有承办人或统筹单位可以恢复办理。"),
        _suspended,
        gettext_lazy("该诉求未处于缓办状态。"),
    ),
    # 定位: the scope (the district's dispatchers, its streets' for the 待定位 queue) decides who.
    "locate": Rule("appeals.locate", when=_unplaced, not_now=gettext_lazy("该诉求已有位置，无需定位。")),
    "add_photo": Rule("appeals.add_photo", _photographer, gettext_lazy("您不能在这个环节上传照片。")),
    "return_to_city": Rule(
        "appeals.return_to_city",
        _dispatcher,
        NOT_DISPATCHER,
        _from_hotline,
        gettext_lazy("只有 12345 热线转来的诉求可以退回市级平台。"),
    ),
}


def allowed(appeal, verb):
    return appeal.status in ALLOWED[verb]


def lock(appeal):
    """The appeal's row, locked until the transaction ends (fresh from the database)."""
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    return Appeal.objects.select_for_update().get(pk=pk)


def conflict(appeal, expected_version):
    events = list(appeal.events.filter(version__gt=expected_version).order_by("id")[:20])
    changed = {
        "version": appeal.version,
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "events": [
            {
                "verb": e.verb,
                "verb_label": str(e.get_verb_display()),
                "actor": e.actor_name,
                "at": e.at.isoformat(),
                "from_status": e.from_status,
                "to_status": e.to_status,
            }
            for e in events
        ],
    }
    last = events[-1] if events else None
    if last is not None:
        message = _("这条诉求刚被%(who)s更新（%(what)s），现为“%(status)s”。请刷新后再操作。") % {
            "who": last.actor_name or _("系统"),
            "what": last.get_verb_display(),
            "status": appeal.get_status_display(),
        }
    else:
        message = _("这条诉求已被他人更新，请刷新后再操作。")
    return Conflict(message, changed=changed)


def check(appeal, verb, by, expected_version=None):
    """Raise unless ``by`` may make this move now (order and errors: see the module docstring)."""
    rule = RULES[verb]
    permissions.require(by, rule.action, appeal)
    check_version(appeal, expected_version, required=False, conflict=conflict)
    if not allowed(appeal, verb):
        raise DomainError(
            _("该诉求当前为“%(status)s”，不能%(verb)s。")
            % {
                "status": appeal.get_status_display(),
                "verb": VERB_LABEL[verb],
            },
            code="not_allowed",
        )
    if rule.who is not None and not rule.who(by, appeal):
        raise PermissionDenied(str(rule.refusal))
    if rule.when is not None and not rule.when(appeal):
        raise DomainError(str(rule.not_now), code="not_now")


def may(by, appeal, verb, cache=None):
    """``check`` without raising and without the version question: for showing buttons."""
    rule = RULES[verb]
    if not allowed(appeal, verb):
        return False
    if cache is not None and rule.action in cache:
        permitted = cache[rule.action]
    else:
        permitted = permissions.can(by, rule.action, appeal)
        if cache is not None:
            cache[rule.action] = permitted
    if not permitted:
        return False
    who = rule.who
    if who is not None:
        # Several moves share a rule of who (the dispatcher's): asked once per ``cache``, which
        # holds the answer under the function itself, beside the actions' answers.
        answer = dict.get(cache, who) if cache is not None else None
        if answer is None:
            answer = bool(who(by, appeal))
            if cache is not None:
                cache[who] = answer
        if not answer:
            return False
    return rule.when is None or bool(rule.when(appeal))


@contextmanager
def move(appeal, verb, by, expected_version=None):
    """Lock the appeal and check the move; the body changes it and calls ``commit``."""
    with transaction.atomic(), outbox.gather():  # its notices and rollup nudge: one task row
        locked = lock(appeal)
        check(locked, verb, by, expected_version)
        yield locked


def refuse(message):
    """A refusal for someone who sees the appeal but may not do this to it (403); ``raise refuse(…)``."""
    return PermissionDenied(message)


def actor_fields(by):
    if by is None:
        return {"actor": None, "actor_name": _("系统"), "actor_role": "system"}
    grant = by.primary_grant()
    return {"actor": by, "actor_name": str(by), "actor_role": grant.role if grant else ""}


def event(appeal, verb, by, *, from_status=None, note="", data=None, at=None, public=None, mark=True):
    """Append one timeline row for the appeal's *current* version (``commit`` bumps it first).

    ``public``: True when the note is addressed to the resident, False when it is internal, None
    for the verb's default (``progress.default_visibility``: internal except the refusal reason,
    the result and the resident's own words).

    Every change of an appeal writes one (intake, moves, merges, the sweep's resumptions), so this
    is also where the metrics rollup learns that the appeal's cell must be recomputed (``mark``
    False: the caller has written the mark itself, as intake's INSERT does)."""
    if mark:
        rollups.touch(appeal)
    row = new_event(appeal, verb, by, from_status=from_status, note=note, data=data, at=at, public=public)
    row.save(force_insert=True)
    return row


# ``AppealEvent(**values)`` without Django's per-field keyword search (``core.prepared.Constructor``).
_NEW_EVENT = prepared.Constructor(AppealEvent)


def new_event(appeal, verb, by, *, from_status=None, note="", data=None, at=None, public=None):
    """``event``'s row, not saved: intake writes it in the appeal's own INSERT statement."""
    return _NEW_EVENT(
        appeal=appeal,
        at=at or timezone.now(),
        verb=verb,
        from_status=from_status if from_status is not None else appeal.status,
        to_status=appeal.status,
        note=note or "",
        note_visibility=visibility(verb, public),
        data=data or {},
        version=appeal.version,
        **actor_fields(by),
    )


def visibility(verb, public):
    if public is None:
        return progress.default_visibility(verb)
    return AppealEvent.Visibility.RESIDENT if public else AppealEvent.Visibility.INTERNAL


def commit(appeal, verb, by, from_status, fields, *, note="", data=None, at=None, public=None):
    """Save the changed fields with a new version and write the event, in the caller's transaction."""
    appeal.version += 1
    appeal.save(update_fields=sorted(set(fields) | {"version", "updated_at"}))
    return event(appeal, verb, by, from_status=from_status, note=note, data=data, at=at, public=public)


def require_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value
