"""The district's credit rules (district staff): the points each supervision action and list
placement deducts or adds, and the grade thresholds. Saving counts the district's companies'
credit histories again (``services.credit.set_rules``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.core.errors import DomainError

from .. import credit
from ..access import keeper_district
from ..services import credit as credit_service

FIELDS = (*credit.ADJUSTMENTS, *credit.THRESHOLDS)


@never_cache
@require_http_methods(["GET", "POST"])
def credit_rules(request):
    district = keeper_district(request.user, "property.credit_rules")
    if district is None:
        raise PermissionDenied
    rules = credit_service.rules_for(district)
    error_field, status = None, 200
    values = {f: getattr(rules, f) for f in FIELDS}
    if request.method == "POST":
        values = {f: request.POST.get(f, "") for f in FIELDS}
        try:
            credit_service.set_rules(district, by=request.user, **values)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            error_field, status = exc.field, 400
        else:
            messages.success(request, _("信用评价规则已保存，本区物业企业的信用记录已按新规则重新计算。"))
            return redirect("property:credit_rules")
    labels = credit_service.labels()
    return render(
        request,
        "property/credit_rules.html",
        {
            "district": district,
            "groups": [
                (_("扣分与加分（0–100）"), [(f, labels[f], values[f]) for f in credit.ADJUSTMENTS]),
                (_("等级分数线（A > B > C，0–100）"), [(f, labels[f], values[f]) for f in credit.THRESHOLDS]),
            ],
            "error_field": error_field,
        },
        status=status,
    )
