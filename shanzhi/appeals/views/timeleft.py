""" "Time left" on a case, as words and a colour, for the worklist cards, the export and the map.

Colour is never the only signal (issue 13 §3, accessibility): the words say 超期 or 剩 as well.
The time is counted on the clock from now to the stored deadline (the deadline itself was counted
in working time by core.workdays); the colour follows ``Appeal.alarm`` (red overdue, yellow past
the warning share).
"""

from django.utils.translation import gettext as _


def _span(seconds):
    minutes = max(int(seconds // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d 天 %(h)d 小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d 小时 %(m)d 分") % {"h": hours, "m": minutes}
    return _("%(m)d 分钟") % {"m": minutes}


def time_left(appeal, now):
    """{"text": words, "tone": "danger" | "warning" | "success" | "secondary"}."""
    if appeal.status in appeal.FINAL:
        return {"text": _("已结束"), "tone": "secondary"}
    if appeal.suspended:
        return {"text": _("缓办中，时限暂停"), "tone": "secondary"}
    if appeal.deadline is None or appeal.status not in appeal.TIMED:
        return {"text": _("本环节不计时"), "tone": "secondary"}
    alarm = appeal.alarm(now)
    if alarm == "red":
        return {
            "text": _("超期 %(t)s") % {"t": _span((now - appeal.deadline).total_seconds())},
            "tone": "danger",
        }
    text = _("剩 %(t)s") % {"t": _span((appeal.deadline - now).total_seconds())}
    return {"text": text, "tone": "warning" if alarm == "yellow" else "success"}
