"""The warning every page shows a system administrator when the known calendar is about to end."""

from django import template

from shanzhi.core import workdays

from .. import permissions

register = template.Library()


@register.inclusion_tag("accounts/_calendar_banner.html", takes_context=True)
def calendar_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.has_role_for(user, "core.manage_calendar"):
        return {"show": False}
    out = workdays.running_out()
    if out is None:
        return {"show": False}
    last, left = out
    return {"show": True, "last": last, "next": last + 1, "left": max(left, 0)}
