"""Filing an appeal on behalf of an app that may not import appeals.

Red property's four-party meetings turn a decision into an appeal, but property and appeals sit
side by side. So appeals registers its filer here (``register_appeal_filer``, from
``AppealsConfig.ready``) and property calls ``file_appeal``, ``appeal_states`` and
``appeal_categories``; neither imports the other. Without a filer (appeals not installed) filing is
refused with a message naming the field, and nothing is written.
"""

from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

_FILER = {}


def register_appeal_filer(*, file, states, categories):
    """``file(by, compound, title, description, category_id, key)`` → ``(id, number)``, through
    the appeals' own intake; ``states(user, ids)`` → ``{id: {"number", "status", "label", "url"}}``
    (``url`` only where the user may open the appeal); ``categories()`` → ``[(id, name)]``."""
    _FILER.update(file=file, states=states, categories=categories)


def file_appeal(*, by, compound, title, description, category_id, key):
    if "file" not in _FILER:
        raise DomainError(_("诉求办理模块未启用，无法转为诉求。"), field="kind")
    return _FILER["file"](by, compound, title, description, category_id, key)


def appeal_states(user, ids):
    ids = [i for i in ids if i]
    if not ids or "states" not in _FILER:
        return {}
    return _FILER["states"](user, ids)


def appeal_categories():
    return _FILER["categories"]() if "categories" in _FILER else []
