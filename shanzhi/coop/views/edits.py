"""The edit pages of resources and needs (withdrawing is a verb on the item and on these pages)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone

from .. import services
from ..models import Category, Need, Resource


def _edit(request, template, save, context, initial, back):
    """An edit page: GET shows the form filled from ``initial``; POST saves through
    ``save(request.POST)`` or shows the form again with what was typed and why it was refused."""
    if request.method == "POST":
        try:
            save(request.POST)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return render(request, template, {**context, "v": request.POST.dict()}, status=400)
        messages.success(request, _("已保存修改。"))
        return redirect(back)
    return render(request, template, {**context, "v": initial})


def _hhmm(value):
    return value.strftime("%H:%M") if value else ""


@never_cache
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk):
    user = request.user
    resource = permissions.get_visible_or_404(user, Resource, "coop.manage_lists", pk=pk)

    def save(p):
        services.update_resource(
            resource,
            by=user,
            version=p.get("version"),
            title=p.get("title"),
            category=p.get("category"),
            kind=p.get("kind"),
            description=p.get("description", ""),
            capacity=p.get("capacity") or None,
            weekdays=p.get("weekdays") or "1111111",
            time_from=p.get("time_from") or None,
            time_to=p.get("time_to") or None,
            times_note=p.get("times_note", ""),
            place=p.get("place", ""),
            contact_name=p.get("contact_name", ""),
            contact_phone=p.get("contact_phone", ""),
            price_note=p.get("price_note", ""),
        )

    r = resource
    initial = {
        "version": r.version,
        "title": r.title,
        "category": r.category,
        "kind": r.kind,
        "description": r.description,
        "capacity": r.capacity or "",
        "weekdays": r.weekdays,
        "time_from": _hhmm(r.time_from),
        "time_to": _hhmm(r.time_to),
        "times_note": r.times_note,
        "place": r.place,
        "contact_name": r.contact_name,
        "contact_phone": "",
        "price_note": r.price_note,
    }
    return _edit(
        request,
        "coop/resource_edit.html",
        save,
        {
            "r": r,
            "phone": mask_phone(r.contact_phone),
            "kinds": Resource.Kind.choices,
            "categories": Category.choices,
            "waiting": r.orders.filter(status__in=["placed", "accepted"]).count(),
        },
        initial,
        reverse("coop:resource", args=[pk]),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    user = request.user
    need = permissions.get_visible_or_404(user, Need, pk=pk)
    if not services.may_edit_need(user, need):
        raise Http404

    def save(p):
        services.update_need(
            need,
            by=user,
            version=p.get("version"),
            title=p.get("title"),
            category=p.get("category"),
            description=p.get("description", ""),
            weekdays=p.get("weekdays") or "1111111",
            time_from=p.get("time_from") or None,
            time_to=p.get("time_to") or None,
            place=p.get("place", ""),
            slots=p.get("slots") or 1,
        )

    n = need
    initial = {
        "version": n.version,
        "title": n.title,
        "category": n.category,
        "description": n.description,
        "weekdays": n.weekdays,
        "time_from": _hhmm(n.time_from),
        "time_to": _hhmm(n.time_to),
        "place": n.place,
        "slots": n.slots,
    }
    return _edit(
        request,
        "coop/need_edit.html",
        save,
        {"n": n, "categories": Category.choices},
        initial,
        reverse("coop:need", args=[pk]),
    )
