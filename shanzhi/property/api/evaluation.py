"""Red property over JSON: companies, schemes, evaluations, entries, ratings and the run (the same
services and queries as the pages)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import File, Form, Status
from ninja.files import UploadedFile

from shanzhi.accounts import permissions
from shanzhi.core import spreadsheets
from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.masking import mask_phone

from .. import queries, services, sheets
from ..models import EvaluationRun
from . import router


class ContactOut(Schema):
    name: str
    title: str
    phone: str  # masked


class ContractOut(Schema):
    compound: str
    starts_on: datetime.date
    ends_on: datetime.date
    fee_per_m2: str
    level: str


class CompanyOut(Schema):
    id: int
    name: str
    credit_code: str
    licence_no: str = ""
    has_party_branch: bool = False
    party_members: int = 0
    contacts: list[ContactOut] = []
    contracts: list[ContractOut] = []


class IndicatorOut(Schema):
    id: int
    name: str
    rule: str
    source: str
    max_points: str
    deduction: str
    floor: str


class SchemeItemOut(Schema):
    id: int
    name: str
    weight: str
    indicators: list[IndicatorOut]


class VersionOut(Schema):
    id: int
    scheme: str
    number: int
    status: str
    effective_from: datetime.date
    excellent_min: str
    good_min: str
    pass_min: str
    items: list[SchemeItemOut]


class EvaluationOut(Schema):
    id: int
    company: int
    company_name: str
    period: str
    version: int
    score: str | None
    grade: str
    vetoed: bool
    figures: dict


class EntryOut(Schema):
    id: int
    indicator: int
    value: str
    note: str
    photo: bool


class RatingIn(Schema):
    period: int
    stars: int
    comment: str = ""


class RunOut(Schema):
    id: int
    status: str
    total: int
    done: int
    percent: int
    seconds: str | None = None
    error: str = ""


def _company_out(company, detail=False):
    profile = getattr(company, "profile", None) if hasattr(company, "profile") else None
    out = CompanyOut(id=company.pk, name=company.name, credit_code=company.credit_code)
    if profile is not None:
        out.licence_no, out.has_party_branch = profile.licence_no, profile.has_branch
        out.party_members = profile.party_members.count() if detail else 0
    if detail:
        out.contacts = [
            ContactOut(name=c.name, title=c.title, phone=mask_phone(c.phone)) for c in company.contacts.all()
        ]
        out.contracts = [
            ContractOut(
                compound=k.compound.name,
                starts_on=k.starts_on,
                ends_on=k.ends_on,
                fee_per_m2=str(k.fee_per_m2),
                level=k.level,
            )
            for k in company.contracts.select_related("compound")
        ]
    return out


def _evaluation_out(e):
    return EvaluationOut(
        id=e.pk,
        company=e.company_id,
        company_name=e.company.name,
        period=str(e.period),
        version=e.version_id,
        score=None if e.score is None else str(e.score),
        grade=e.grade,
        vetoed=e.vetoed,
        figures=e.figures,
    )


def _need(user, action):
    if not permissions.has_role_for(user, action):
        raise PermissionDenied


@router.get(
    "companies", response={200: list[CompanyOut], **ERRORS}, summary="物业企业", url_name="property_companies"
)
def companies(request):
    _need(request.auth, "property.view_company")
    return [_company_out(c) for c in queries.companies_for(request.auth).order_by("name")[:500]]


@router.get(
    "companies/{int:company_id}",
    response={200: CompanyOut, **ERRORS},
    summary="物业企业档案",
    url_name="property_company",
)
def company(request, company_id: int):
    return _company_out(queries.company_for(request.auth, company_id), detail=True)


def _version_out(v):
    items = [
        SchemeItemOut(
            id=i.pk,
            name=i.name,
            weight=str(i.weight),
            indicators=[
                IndicatorOut(
                    id=n.pk,
                    name=n.name,
                    rule=n.rule,
                    source=n.source,
                    max_points=str(n.max_points),
                    deduction=str(n.deduction),
                    floor=str(n.floor),
                )
                for n in i.indicators.all()
            ],
        )
        for i in v.items.prefetch_related("indicators")
    ]
    return VersionOut(
        id=v.pk,
        scheme=v.scheme.name,
        number=v.number,
        status=v.status,
        effective_from=v.effective_from,
        excellent_min=str(v.excellent_min),
        good_min=str(v.good_min),
        pass_min=str(v.pass_min),
        items=items,
    )


@router.get(
    "schemes/versions/{int:version_id}",
    response={200: VersionOut, **ERRORS},
    summary="考核方案版本",
    url_name="property_scheme_version",
)
def scheme_version(request, version_id: int):
    return _version_out(queries.version_for(request.auth, version_id))


@router.get(
    "evaluations",
    response={200: list[EvaluationOut], **ERRORS},
    summary="我能看到的考核结果",
    url_name="property_evaluations",
)
def evaluation_list(request):
    _need(request.auth, "property.view_evaluation")
    return [
        _evaluation_out(e) for e in queries.evaluations_for(request.auth).order_by("-period__starts_on")[:500]
    ]


@router.get(
    "evaluations/{int:evaluation_id}",
    response={200: EvaluationOut, **ERRORS},
    summary="考核结果",
    url_name="property_evaluation",
)
def evaluation(request, evaluation_id: int):
    return _evaluation_out(queries.evaluation_for(request.auth, evaluation_id))


def _period(user, pk):
    period = queries.periods_for(user).filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


@router.get(
    "periods/{int:period_id}/evaluations.xlsx",
    response=ERRORS,
    summary="导出本周期考核结果（Excel，与页面导出相同）",
    url_name="property_evaluations_export",
    openapi_extra={
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    spreadsheets.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def evaluations_export(request, period_id: int):
    period = _period(request.auth, period_id)  # another district's period: 404, as on the page
    _need(request.auth, "property.view_evaluation")
    data = sheets.evaluations_xlsx(period, queries.evaluations_for(request.auth, period))
    return spreadsheets.xlsx_response(data, sheets.evaluations_filename(period))


@router.post(
    "evaluations/{int:period_id}/{int:company_id}/entries",
    response={200: EntryOut, **ERRORS},
    summary="检查录入（可附现场照片）",
    url_name="property_enter",
)
def enter(
    request,
    period_id: int,
    company_id: int,
    indicator: Form[int] = 0,
    value: Form[str] = "",
    note: Form[str] = "",
    photo: File[UploadedFile] = None,
):
    period = _period(request.auth, period_id)
    company = queries.company_for(request.auth, company_id)
    e = services.enter(company, period, indicator, value=value, note=note, photo=photo, by=request.auth)
    return EntryOut(id=e.pk, indicator=e.indicator_id, value=str(e.value), note=e.note, photo=bool(e.photo))


@router.get(
    "evaluations/entries/{int:entry_id}/photo",
    response={200: None, **ERRORS},
    summary="检查录入的现场照片（可见该考核者）",
    url_name="property_entry_photo",
    openapi_extra={
        "responses": {
            200: {"description": "照片", "content": {"image/jpeg": {}, "application/octet-stream": {}}}
        }
    },
)
def entry_photo(request, entry_id: int):
    from ..views.evaluations import open_photo

    return open_photo(request.auth, entry_id)


@router.post("ratings", response={200: dict, **ERRORS}, summary="居民评价物业", url_name="property_rate")
def rate(request, payload: RatingIn):
    _need(request.auth, "property.rate")
    period = _period(request.auth, payload.period)
    r = services.rate(period, stars=str(payload.stars), comment=payload.comment, by=request.auth)
    return {"period": period.pk, "company": r.company_id, "stars": r.stars}


def _run_out(run):
    return RunOut(
        id=run.pk,
        status=run.status,
        total=run.total,
        done=run.done,
        percent=run.percent,
        seconds=None if run.seconds is None else str(run.seconds),
        error=run.error,
    )


@router.post(
    "periods/{int:period_id}/runs",
    response={201: RunOut, **ERRORS},
    summary="计算全部企业得分（后台）",
    url_name="property_run_start",
)
def run_start(request, period_id: int):
    period = _period(request.auth, period_id)
    run = services.start_run(period, by=request.auth)
    run.refresh_from_db()
    return Status(201, _run_out(run))


@router.get(
    "runs/{int:run_id}", response={200: RunOut, **ERRORS}, summary="计算进度", url_name="property_run"
)
def run_status(request, run_id: int):
    run = EvaluationRun.objects.filter(pk=run_id).select_related("period").first()
    if run is None or not any(
        g.role in permissions.ACTIONS["property.run_evaluation"] and g.node_id == run.period.district_id
        for g in request.auth.grants()
    ):
        raise Http404
    return _run_out(run)
