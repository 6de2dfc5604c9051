"""Optimistic locking: an edit carries the ``version`` it was read at; a stale one is refused (409).

Every versioned object bumps ``version`` on each save of an edit; the page's form and the API's
body send back the version they showed, so the second of two overlapping edits is told what
happened instead of silently overwriting the first.
"""

from django.utils.translation import gettext as _

from .errors import Conflict, DomainError


def check_version(obj, expected, *, required=True, conflict=None, message=None):
    """Raise unless ``expected`` is ``obj.version``.

    ``required``: an edit without a version is refused (400 naming ``version``); moves whose
    callers may not know the version pass False. ``conflict(obj, expected)`` builds a richer 409
    (the appeals name who changed what); otherwise ``message`` or a generic one.
    """
    if expected in (None, ""):
        if required:
            require_version(expected)
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("版本号应为整数。"), field="version") from exc
    if expected == obj.version:
        return
    if conflict is not None:
        raise conflict(obj, expected)
    raise Conflict(message or _("这条内容刚被别人修改过，请刷新后再改。"), changed={"version": obj.version})


def require_version(expected):
    """Refuse an edit that came without the version its client saw (400 naming ``version``).

    For entry points (a page's form, an API body) in front of a service that also serves callers
    with no version to give (the sweep, imports): the client must always send one (issue 12 §5)."""
    if expected in (None, ""):
        raise DomainError(_("缺少版本号，请刷新后再改。"), field="version")
