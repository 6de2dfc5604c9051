"""Red property's public reads over JSON, and publishing a quarter's disclosure: the red and black
lists (approved ones to everyone, proposed ones too to the district's staff), the published
quarterly disclosures per district (frozen figures, never the live ones), and the district's
publishing of a finished quarter. The same queries and service as the pages."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Status
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages, Schema
from shanzhi.core.inputs import id_or_none
from shanzhi.registry.models import OrgNode

from .. import list_reads, queries
from ..access import reads_staff_lists
from ..models import Disclosure
from ..services import disclosures
from . import router

# --- the red and black lists ----------------------------------------------------------------------


class StandingRowOut(Schema):
    company: int
    company_name: str
    standing: str
    score: str | None
    reason: str


class StandingListOut(Schema):
    id: int
    district: int
    period: str
    starts_on: datetime.date
    status: str
    approved_at: datetime.datetime | None
    entries: list[StandingRowOut]


def _standings_out(user, rows):
    return [
        StandingListOut(
            id=s.pk,
            district=s.period.district_id,
            period=str(s.period),
            starts_on=s.period.starts_on,
            status=s.status,
            approved_at=s.approved_at,
            entries=[
                StandingRowOut(
                    company=e.company_id,
                    company_name=e.company.name,
                    standing=e.standing,
                    score=None if e.score is None else str(e.score),
                    reason=e.reason,
                )
                for e in s.entries.all()  # prefetched by the query
            ],
        )
        for s in rows
    ]


@router.get(
    "public/lists",
    response={200: list[StandingListOut], 400: ErrorOut},
    auth=None,
    summary="红黑榜（公开：街道审批发布的）",
    url_name="property_public_lists",
)
@paginate(Pages, prepare=_standings_out)
def public_lists(request, district: int | None = None):
    return list_reads.public_standings(None if district is None else _district(district))


@router.get(
    "lists",
    response={200: list[StandingListOut], **ERRORS},
    summary="本区红黑榜（含待审批的）",
    url_name="property_lists",
)
@paginate(Pages, prepare=_standings_out)
def staff_lists(request):
    if not reads_staff_lists(request.auth):
        raise PermissionDenied
    return list_reads.standings_for(request.auth)


# --- quarterly disclosure (公示) -------------------------------------------------------------------


class DistrictOut(Schema):
    id: int
    name: str


class DisclosureRowOut(Schema):
    company: int
    name: str
    households: int
    complaints: int
    complaints_per_100: str | None
    on_time: str | None
    satisfaction: str | None


class DisclosureOut(Schema):
    id: int
    district: int
    period: str
    starts_on: datetime.date
    ends_on: datetime.date
    published_at: datetime.datetime
    scheduled: bool
    companies: int
    rows: list[DisclosureRowOut] | None = None


def _disclosure_out(d, rows=False):
    return DisclosureOut(
        id=d.pk,
        district=d.period.district_id,
        period=str(d.period),
        starts_on=d.period.starts_on,
        ends_on=d.period.ends_on,
        published_at=d.published_at,
        scheduled=d.published_by_id is None,
        companies=len(d.figures),
        rows=[DisclosureRowOut(**r) for r in d.figures] if rows else None,
    )


def _district(pk):
    district = OrgNode.objects.filter(pk=id_or_none(pk), level="district").first()
    if district is None:
        raise Http404
    return district


@router.get(
    "public/disclosures/districts",
    response={200: list[DistrictOut]},
    auth=None,
    summary="有季度公示的区（公开）",
    url_name="property_disclosure_districts",
)
def disclosure_districts(request):
    return [DistrictOut(id=d.pk, name=d.name) for d in list_reads.disclosure_districts()[:200]]


@router.get(
    "public/districts/{int:district_id}/disclosures",
    response={200: list[DisclosureOut], 400: ErrorOut, 404: ErrorOut},
    auth=None,
    summary="一个区已发布的季度公示，最新在前（公开）",
    url_name="property_public_disclosures",
)
@paginate(Pages, prepare=lambda user, rows: [_disclosure_out(d) for d in rows])
def public_disclosures(request, district_id: int):
    return list_reads.disclosures(_district(district_id))


@router.get(
    "public/disclosures/{int:disclosure_id}",
    response={200: DisclosureOut, 404: ErrorOut},
    auth=None,
    summary="一期季度公示及各物业企业的数字（公开）",
    url_name="property_public_disclosure",
)
def public_disclosure(request, disclosure_id: int):
    found = Disclosure.objects.filter(pk=id_or_none(disclosure_id)).select_related("period").first()
    if found is None:
        raise Http404
    return _disclosure_out(found, rows=True)


@router.post(
    "periods/{int:period_id}/disclosure",
    response={201: DisclosureOut, **ERRORS},
    summary="发布季度公示（季度结束后；发布后数字冻结）",
    url_name="property_disclosure_publish",
)
def publish(request, period_id: int):
    period = (
        queries.periods_for(request.auth).filter(pk=id_or_none(period_id)).select_related("district").first()
    )
    if period is None:
        raise Http404
    if not permissions.has_role_for(request.auth, "property.publish_disclosure"):
        raise PermissionDenied
    return Status(201, _disclosure_out(disclosures.publish(period, by=request.auth), rows=True))
