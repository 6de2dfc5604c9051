"""What the resident is told about their appeal: progress in plain words, never the office's names.

Pure (no user scope, no writes): the page, the JSON API and Open311 read the same answers here.
Issue 13 §7: the resident follows five steps, 已提交 → 已受理 → 办理中 → 已办结 → 待评价; internal
statuses such as 待派单, 待核实 or 待销号 are the office's bookkeeping and are never shown to them.
Of the timeline, the resident sees the milestones (in the same plain words) and the notes that
whoever wrote them chose to address to the resident (``AppealEvent.note_visibility``).
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Appeal, AppealEvent

S = Appeal.Status
V = AppealEvent.Verb

STEPS = (_("已提交"), _("已受理"), _("办理中"), _("已办结"), _("待评价"))

# status -> (index of the current step, or None off the bar; the plain sentence shown beside it).
# 已办结 is reached when the handler reports the fix; 待评价 once it is checked on site and the
# resident is asked; after the rating (or 销号) every step is done (index len(STEPS)).
_BY_STATUS = {
    S.SUBMITTED: (0, _("已提交，等待社区受理")),
    S.ACCEPTED: (1, _("已受理，正在安排办理")),
    S.POOLED: (1, _("已受理，正在安排办理")),
    S.RETURNED: (1, _("已受理，正在安排办理")),
    S.DISPATCHED: (2, _("办理中")),
    S.IN_PROGRESS: (2, _("办理中")),
    S.REOPENED: (2, _("重新办理中")),
    S.RESOLVED: (3, _("已办结，正在现场核实")),
    S.VERIFIED: (4, _("已办结，请您评价")),
    S.VISITED: (5, _("已办结，感谢您的评价")),
    S.CLOSED: (5, _("已办结")),
    S.REJECTED: (None, _("不予受理")),
    S.MERGED: (None, _("已与相同问题合并办理")),
}

# Timeline rows the resident sees even without a note, in plain words.
MILESTONES = {
    V.SUBMIT: _("您提交了诉求"),
    V.ACCEPT: _("已受理"),
    V.REJECT: _("不予受理"),
    V.DISPATCH: _("已安排办理"),
    V.POOL: _("已安排办理"),
    V.CLAIM: _("已安排办理"),
    V.START: _("开始办理"),
    V.RESOLVE: _("已办结"),
    V.VERIFY: _("已现场核实"),
    V.RATE: _("您的评价"),
    V.VISIT: _("回访"),
    V.REOPEN: _("重新办理"),
    V.CLOSE: _("已办结"),
    V.MERGE: _("已与相同问题合并办理"),
    V.RESUME: _("恢复办理"),
}
OTHER = _("办理进展")

# Notes that are addressed to the resident by their nature: the refusal reason and the result
# (both already shown to them as such), and their own words when rating. Every other note is
# internal unless its author chose otherwise.
RESIDENT_NOTES = {V.REJECT, V.RESOLVE, V.RATE, V.REOPEN}


def default_visibility(verb):
    return AppealEvent.Visibility.RESIDENT if verb in RESIDENT_NOTES else AppealEvent.Visibility.INTERNAL


def stage(appeal):
    """(current step index or None, plain sentence)."""
    return _BY_STATUS.get(appeal.status, (None, ""))


_stage_texts = {}  # language -> {status: the plain sentence as text}


def stage_texts():
    """{status: plain sentence} in the active language, translated once per process and language
    (a list of a thousand rows used to look each one up again)."""
    language = get_language()
    texts = _stage_texts.get(language)
    if texts is None:
        texts = _stage_texts[language] = {status: str(label) for status, (_i, label) in _BY_STATUS.items()}
    return texts


def steps(appeal):
    """The step bar: [{"label", "state": "done" | "current" | "todo"}], or [] when off the bar."""
    index, _label = stage(appeal)
    if index is None:
        return []
    return [
        {"label": label, "state": "done" if i < index else ("current" if i == index else "todo")}
        for i, label in enumerate(STEPS)
    ]


def note_for_resident(event):
    return event.note if event.note_visibility == AppealEvent.Visibility.RESIDENT else ""


def resident_events(events):
    """The rows of a timeline the resident sees: milestones and resident-addressed notes, each as
    {"label", "at", "note"}; internal notes are dropped, not merely hidden."""
    out = []
    for e in events:
        note = note_for_resident(e)
        if e.verb not in MILESTONES and not note:
            continue
        out.append({"verb": e.verb, "label": MILESTONES.get(e.verb, OTHER), "at": e.at, "note": note})
    return out
