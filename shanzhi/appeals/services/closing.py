"""The end of the loop: return visit and the resident's rating (with 重办 when unsatisfied), and
close-out (销号) with the merged duplicates.

The return visit asks the two questions 12345 assessments ask: 是否解决 (solved / partly / not) and
满意度 (满意 / 基本满意 / 不满意); the resident's own answers decide "solved" and "satisfied" in the
metrics. A visit that does not reach the resident is recorded as a try; after the rule's number of
tries (``MetricsRules.visit_max_tries``) the case closes as unreachable, counted apart, so no case
waits for a rating forever.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

from ..models import Appeal, MetricsRules
from . import deadlines, delays, notify
from .base import S, V, commit, move

# --- return visit, rating, reopening, close-out -----------------------------------------------------


ANSWERS = (Appeal.Solved.SOLVED, Appeal.Solved.PARTLY, Appeal.Solved.UNSOLVED)
RATINGS = (Appeal.Rating.SATISFIED, Appeal.Rating.BASIC, Appeal.Rating.UNSATISFIED)


def _check_answers(solved, rating):
    if solved not in ANSWERS:
        raise DomainError(_("请选择问题是否解决：已解决、部分解决或未解决。"), field="solved")
    if rating not in RATINGS:
        raise DomainError(_("请选择满意、基本满意或不满意。"), field="rating")


def _apply_rating(a, verb, by, solved, rating, note):
    """The resident's answers are stored first, as their own version and timeline row; what they
    trigger (重办 with a new clock) follows from the stored rating, so nothing that can go wrong
    with the new clock can lose the answers."""
    old = a.status
    a.solved, a.rating, a.rating_note = solved, rating, (note or "").strip()
    if rating != Appeal.Rating.UNSATISFIED:
        a.status = S.VISITED
    commit(
        a,
        verb,
        by,
        old,
        ["status", "solved", "rating", "rating_note"],
        note=note,
        data={"solved": solved, "rating": rating},
    )
    if rating == Appeal.Rating.UNSATISFIED:
        reopen(a, by, note)


def _unreachable_try(a, by, note):
    """One return-visit try that did not reach the resident; the last allowed try closes the case."""
    tries = MetricsRules.current().visit_max_tries
    old, a.visit_tries = a.status, a.visit_tries + 1
    data = {"try": a.visit_tries, "of": tries}
    commit(a, V.VISIT_TRY, by, old, ["visit_tries"], note=note, data=data)
    if a.visit_tries >= tries:
        a.unreachable = True
        _close(
            a, by, _("回访 %(n)s 次均联系不上，按回访联系不上销号。") % {"n": a.visit_tries}, ["unreachable"]
        )


def reopen(a, by, note):
    """不满意 → 重办: back to the same handler with a fresh time limit (the locked, rated appeal)."""
    old = a.status
    # 按期结案率 counts a reopened case late if any cycle was: the ending cycle's lateness is kept.
    if a.resolved_at and a.deadline and a.resolved_at > a.deadline:
        a.ever_late = True
    fields = deadlines.start_clock(a, timezone.now())
    a.status, a.reopen_count = S.REOPENED, a.reopen_count + 1
    fields += ["status", "reopen_count", "resolved_at", "resolved_by", "ever_late"]
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


def visit(appeal, *, by, solved="", rating="", note="", unreachable=False, expected_version=None):
    """回访: staff record the resident's two answers (by phone or at the door), or, with
    ``unreachable``, a try that did not reach them (the last allowed try closes the case)."""
    with move(appeal, "visit", by, expected_version) as a:
        if not unreachable:
            _check_answers(solved, rating)
        if unreachable:
            _unreachable_try(a, by, note)
        else:
            _apply_rating(a, V.VISIT, by, solved, rating, note)
    return a


def rate(appeal, *, by, solved, rating, note="", expected_version=None):
    """The resident who submitted answers the same two questions; 不满意 reopens it (重办)."""
    with move(appeal, "rate", by, expected_version) as a:
        _check_answers(solved, rating)
        _apply_rating(a, V.RATE, by, solved, rating, note)
    return a


def close(appeal, *, by, note="", public=None, expected_version=None):
    """销号. Appeals merged into this one close with it."""
    with move(appeal, "close", by, expected_version) as a:
        _close(a, by, note, public=public)
    return a


def _close(a, by, note, fields=(), public=None):
    """Close the locked appeal and the duplicates merged into it."""
    now = timezone.now()
    old, a.status, a.closed_at = a.status, S.CLOSED, now
    commit(a, V.CLOSE, by, old, ["status", "closed_at", *fields], note=note, public=public)
    delays.cancel_pending(a, by, _("销号"))
    notify.send("closed", a, notify.submitter(a), _("您的诉求 %(n)s 已办结销号。") % {"n": a.number})
    for child in Appeal.objects.select_for_update().filter(merged_into=a, status=S.MERGED).order_by("pk"):
        child.status, child.closed_at, child.resolution = S.CLOSED, now, a.resolution
        commit(child, V.CLOSE, by, S.MERGED, ["status", "closed_at", "resolution"], data={"with": a.number})
        notify.send(
            "closed",
            child,
            notify.submitter(child),
            _("您的诉求 %(n)s 已随 %(m)s 一并办结销号。") % {"n": child.number, "m": a.number},
        )
