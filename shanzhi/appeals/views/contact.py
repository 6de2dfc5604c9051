"""Revealing the contact phone a resident left on an appeal (issue 13 §6), as an htmx widget in
the appeal page: GET shows the reason form (or, with ``cancel``, the masked number again); POST
records the reason through the service (audited) and returns the number with a ``tel:`` link.
The number is in no URL: it travels only in the POST's response, which is never cached."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from ..models import Appeal
from ..services import contact


@never_cache
@require_http_methods(["GET", "POST"])
def contact_phone(request, number):
    user = request.user
    appeal = permissions.get_visible_or_404(user, Appeal, number=number)
    permissions.require(user, "appeals.reveal_contact", appeal)
    context = {"a": appeal, "masked": contact.masked_contact_phone(appeal), "may_reveal": True}
    if request.method == "GET":
        template = "appeals/_contact_masked.html" if "cancel" in request.GET else "appeals/_contact_form.html"
        return render(request, template, context)
    reason = request.POST.get("reason", "")
    try:
        value = contact.reveal_contact_phone(appeal, by=user, reason=reason, request=request)
    except DomainError as exc:
        context.update(reason=reason, error=exc.message)
        return render(request, "appeals/_contact_form.html", context, status=400)
    return render(request, "appeals/_contact_value.html", {**context, "value": value})
