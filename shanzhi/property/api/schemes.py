"""Assessment schemes over JSON: the schemes with their versions, and one scheme's versions with
their items and indicators (the same queries as the scheme pages). One version alone is
``evaluation.scheme_version``."""

import datetime

from shanzhi.core.apischema import ERRORS, Schema

from .. import queries
from . import router
from .evaluation import VersionOut, _need, _version_out


class VersionSummaryOut(Schema):
    id: int
    number: int
    status: str
    effective_from: datetime.date
    items: int
    indicators: int


class SchemeOut(Schema):
    id: int
    name: str
    district: int
    versions: list[VersionSummaryOut]


class SchemeDetailOut(Schema):
    id: int
    name: str
    district: int
    versions: list[VersionOut]


@router.get(
    "schemes",
    response={200: list[SchemeOut], **ERRORS},
    summary="考核方案及其版本",
    url_name="property_schemes",
)
def schemes(request):
    _need(request.auth, "property.view_scheme")
    return [
        SchemeOut(
            id=s.pk,
            name=s.name,
            district=s.district_id,
            versions=[
                VersionSummaryOut(
                    id=v.pk,
                    number=v.number,
                    status=v.status,
                    effective_from=v.effective_from,
                    items=v.items_n,
                    indicators=v.indicators_n,
                )
                for v in s.versions.all()
            ],
        )
        for s in queries.schemes_with_versions(request.auth)[:100]
    ]


@router.get(
    "schemes/{int:scheme_id}",
    response={200: SchemeDetailOut, **ERRORS},
    summary="考核方案：各版本的考核项目与指标",
    url_name="property_scheme",
)
def scheme(request, scheme_id: int):
    s = queries.scheme_for(request.auth, scheme_id)
    versions = s.versions.select_related("scheme").order_by("-number")
    return SchemeDetailOut(
        id=s.pk, name=s.name, district=s.district_id, versions=[_version_out(v) for v in versions]
    )
