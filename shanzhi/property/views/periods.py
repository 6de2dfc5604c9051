"""Opening an evaluation period (district staff): a quarter or a half-year from its first day. A
period that exists or overlaps one of its kind is refused, naming the field."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.core.errors import DomainError

from .. import queries, services
from ..access import keeper_district
from ..models import Period


@never_cache
@require_http_methods(["GET", "POST"])
def period_new(request):
    user = request.user
    district = keeper_district(user, "property.run_evaluation")
    if district is None:
        raise PermissionDenied
    form = request.POST if request.method == "POST" else {}
    error_field = None
    if request.method == "POST":
        try:
            period = services.open_period(
                district,
                kind=form.get("kind", ""),
                starts_on=form.get("starts_on", ""),
                by=user,
                new=True,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            error_field = exc.field
        else:
            messages.success(request, _("考核周期已新建：%(p)s。") % {"p": period})
            url = reverse("property:evaluations")
            return redirect(f"{url}?period={period.pk}" if period.kind == Period.Kind.HALF else url)
    return render(
        request,
        "property/period_new.html",
        {
            "kinds": Period.Kind.choices,
            "form": form,
            "error_field": error_field,
            "periods": queries.periods_for(user)
            .filter(district=district)
            .order_by("-starts_on", "kind")[:12],
        },
        status=400 if request.method == "POST" else 200,
    )
