"""Quarterly disclosure (公示), the district's side: its quarters, each published or not, and
publishing a finished one (the figures are frozen then; the schedule publishes last quarter on the
first working day of the next if nobody did)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from .. import queries
from ..models import Period
from ..services import disclosures


def _may(user):
    if not permissions.has_role_for(user, "property.publish_disclosure"):
        raise PermissionDenied


def _page(request, status=200):
    quarters = (
        queries.periods_for(request.user)
        .filter(kind=Period.Kind.QUARTER)
        .select_related("disclosure", "district")
        .order_by("-starts_on")[:40]
    )
    return render(
        request,
        "property/disclosures.html",
        {"quarters": quarters, "today": timezone.localdate()},
        status=status,
    )


@never_cache
@require_GET
def disclosure_staff(request):
    _may(request.user)
    return _page(request)


@require_POST
def disclosure_publish(request, period):
    found = queries.periods_for(request.user).filter(pk=period).first()
    if found is None:
        raise Http404
    _may(request.user)
    try:
        disclosures.publish(found, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, status=400)
    messages.success(request, _("季度公示已发布。"))
    return redirect("property:disclosures")
