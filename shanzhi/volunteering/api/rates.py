"""The points standards over the API: read by anyone in the love bank, set by district staff."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Schema

from .. import services
from ..models import PointsRate
from ..services import ledger

router = Router()


class RateOut(Schema):
    kind: str
    points: Decimal
    valid_from: datetime.date | None = None


class RateIn(Schema):
    kind: str = ""
    points: str = ""
    valid_from: str = ""


@router.get(
    "rates",
    response={200: list[RateOut], **ERRORS},
    summary="积分标准（现行与已排定的）",
    url_name="vol_rates",
)
def list_rates(request):
    if not permissions.has_role_for(request.auth, "volunteering.view"):
        raise PermissionDenied
    today = timezone.localdate()
    out = [RateOut(kind=kind, points=ledger.rate_for(kind, today)) for kind in PointsRate.Kind.values]
    scheduled = (
        permissions.visible(request.auth, PointsRate).filter(valid_from__gt=today).order_by("valid_from")
    )
    return out + [RateOut(kind=r.kind, points=r.points, valid_from=r.valid_from) for r in scheduled]


@router.post(
    "rates",
    response={200: RateOut, **ERRORS},
    summary="设定积分标准（区级；自生效日期起）",
    url_name="vol_set_rate",
)
def set_rate(request, payload: RateIn):
    rate = services.set_rate(payload.kind, payload.points, valid_from=payload.valid_from, by=request.auth)
    return RateOut(kind=rate.kind, points=rate.points, valid_from=rate.valid_from)
