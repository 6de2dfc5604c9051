"""The navbar of a refusal page (403, 404): the same links as every page's menu, without counts.

Most of what the site answers to a scanner, and to anyone following a stale link, is a refusal:
its page renders the full menu (some twenty links, each reversed and translated) and, for the
unread badge, counts the user's notifications. A refusal shows no badge, so its menu depends only
on the user's set of roles, the language and the URL prefix; it is rendered once per such key in
each process and reused. Not kept with DEBUG on, where templates are reloaded as they change."""

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.translation import get_language

from ..context_processors import _May

register = template.Library()

_KEPT = {}
_MOST = 512  # role sets actually held are a few dozen; the bound only guards against surprises


@register.simple_tag(takes_context=True)
def refusal_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    key = (frozenset(user.roles()), get_language(), get_script_prefix())
    html = _KEPT.get(key)
    if html is None:
        # No request: the menu needs none of the context processors, only ``may`` and no counts.
        html = get_template("_nav.html").render({"may": _May(user), "nav_counts": {}})
        if not settings.DEBUG:
            if len(_KEPT) >= _MOST:
                _KEPT.clear()
            _KEPT[key] = html
    return html
