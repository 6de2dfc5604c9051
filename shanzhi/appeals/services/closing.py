"""The end of the loop: return visit and the resident's rating (with 重办 when unsatisfied), and
close-out (销号) with the merged duplicates."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

from ..models import Appeal
from . import deadlines, delays, notify
from .base import S, V, commit, move

# --- return visit, rating, reopening, close-out -----------------------------------------------------


def _apply_rating(a, verb, by, rating, note):
    """The resident's answer is stored first, as its own version and timeline row; what it
    triggers (重办 with a new clock) follows from the stored rating, so nothing that can go wrong
    with the new clock can lose the answer."""
    if rating not in (Appeal.Rating.SATISFIED, Appeal.Rating.BASIC, Appeal.Rating.UNSATISFIED):
        raise DomainError(_("请选择满意、基本满意或不满意。"), field="rating")
    old = a.status
    a.rating, a.rating_note = rating, (note or "").strip()
    if rating != Appeal.Rating.UNSATISFIED:
        a.status = S.VISITED
    commit(a, verb, by, old, ["status", "rating", "rating_note"], note=note, data={"rating": rating})
    if rating == Appeal.Rating.UNSATISFIED:
        reopen(a, by, note)


def reopen(a, by, note):
    """不满意 → 重办: back to the same handler with a fresh time limit (the locked, rated appeal)."""
    old = a.status
    fields = deadlines.start_clock(a, timezone.now())
    a.status, a.reopen_count = S.REOPENED, a.reopen_count + 1
    fields += ["status", "reopen_count", "resolved_at", "resolved_by"]
    a.resolved_at = a.resolved_by = None
    commit(
        a,
        V.REOPEN,
        by,
        old,
        fields,
        note=note,
        data={
            "rating": a.rating,
            "reopened": True,
            "deadline": a.deadline.isoformat(),
            "provisional": a.deadline_provisional,
        },
    )
    notify.send(
        "reopened",
        a,
        set(notify.assignees(a)) | set(notify.dispatchers(a)),
        _("诉求 %(n)s 群众不满意，已重办：%(r)s") % {"n": a.number, "r": note or ""},
        exclude=by,
    )


def visit(appeal, *, by, rating, note="", expected_version=None):
    """回访: staff record the resident's rating (by phone or at the door)."""
    with move(appeal, "visit", by, expected_version) as a:
        _apply_rating(a, V.VISIT, by, rating, note)
    return a


def rate(appeal, *, by, rating, note="", expected_version=None):
    """The resident who submitted rates the result; 不满意 reopens it (重办)."""
    with move(appeal, "rate", by, expected_version) as a:
        _apply_rating(a, V.RATE, by, rating, note)
    return a


def close(appeal, *, by, note="", public=None, expected_version=None):
    """销号. Appeals merged into this one close with it."""
    with move(appeal, "close", by, expected_version) as a:
        now = timezone.now()
        old, a.status, a.closed_at = a.status, S.CLOSED, now
        commit(a, V.CLOSE, by, old, ["status", "closed_at"], note=note, public=public)
        delays.cancel_pending(a, by, _("销号"))
        notify.send("closed", a, notify.submitter(a), _("您的诉求 %(n)s 已办结销号。") % {"n": a.number})
        for child in Appeal.objects.select_for_update().filter(merged_into=a, status=S.MERGED).order_by("pk"):
            child.status, child.closed_at, child.resolution = S.CLOSED, now, a.resolution
            commit(
                child, V.CLOSE, by, S.MERGED, ["status", "closed_at", "resolution"], data={"with": a.number}
            )
            notify.send(
                "closed",
                child,
                notify.submitter(child),
                _("您的诉求 %(n)s 已随 %(m)s 一并办结销号。") % {"n": child.number, "m": a.number},
            )
    return a
