"""The points standards: what each kind earns and how long points stay valid, in force today, the
changes already scheduled, and every earlier standard. Anyone in the love bank may read them; district
staff set them (see ``services.set_rate`` for why district-wide)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions

from .. import services
from ..models import PointsRate
from ..services import ledger
from .common import _require_view, act


@never_cache
@require_http_methods(["GET", "POST"])
def rates(request):
    _require_view(request.user)
    user = request.user
    if request.method == "POST":
        p = request.POST
        return act(
            request,
            lambda: services.set_rate(
                p.get("kind"), p.get("points"), valid_from=p.get("valid_from"), by=user
            ),
            _("积分标准已保存，自生效日期起使用。"),
            "volunteering:rates",
        )
    today = timezone.localdate()
    history = permissions.visible(user, PointsRate).select_related("set_by").order_by("kind", "-valid_from")
    kinds = [
        {
            "kind": value,
            "label": label,
            "now": ledger.rate_for(value, today),
            "rows": [r for r in history if r.kind == value],
        }
        for value, label in PointsRate.Kind.choices
    ]
    return render(
        request,
        "volunteering/rates.html",
        {"kinds": kinds, "today": today, "may_set": permissions.has_role_for(user, "volunteering.set_rates")},
    )
