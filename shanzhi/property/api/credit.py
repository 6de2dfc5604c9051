"""A company's credit score, grade and history over JSON (the company page's reads), and the
district's credit rules (the rules page's read and its one service)."""

import datetime

from django.core.exceptions import PermissionDenied

from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.inputs import Text

from .. import credit, queries
from ..access import keeper_district
from ..services import credit as credit_service
from . import router


class CreditEventOut(Schema):
    at: datetime.datetime
    kind: str
    delta: str
    score: str
    evaluation: int | None = None
    action: int | None = None
    entry: int | None = None


class CreditOut(Schema):
    company: int
    score: str | None
    grade: str
    history: list[CreditEventOut]


@router.get(
    "companies/{int:company_id}/credit",
    response={200: CreditOut, **ERRORS},
    summary="物业企业信用分、等级（分级分类监管）和变动记录",
    url_name="property_company_credit",
)
def company_credit(request, company_id: int):
    company = queries.company_for(request.auth, company_id)
    score, grade, history = queries.credit_of(company)
    return CreditOut(
        company=company.pk,
        score=None if score is None else str(score),
        grade=grade,
        history=[
            CreditEventOut(
                at=e.at,
                kind=e.kind,
                delta=str(e.delta),
                score=str(e.score),
                evaluation=e.evaluation_id,
                action=e.action_id,
                entry=e.entry_id,
            )
            for e in history
        ],
    )


class CreditRulesIn(Schema):
    """Decimals as text (exact, at most two places), each 0..100: the points deducted (红榜: added)
    and the lowest score of grades A, B and C (A > B > C)."""

    interview: Text
    rectify: Text
    exit: Text
    red: Text
    black: Text
    grade_a: Text
    grade_b: Text
    grade_c: Text


class CreditRulesOut(Schema):
    district: str
    interview: str
    rectify: str
    exit: str
    red: str
    black: str
    grade_a: str
    grade_b: str
    grade_c: str


def _rules_district(user):
    district = keeper_district(user, "property.credit_rules")
    if district is None:
        raise PermissionDenied
    return district


def _rules_out(rules):
    fields = (*credit.ADJUSTMENTS, *credit.THRESHOLDS)
    return CreditRulesOut(district=rules.district.name, **{f: str(getattr(rules, f)) for f in fields})


@router.get(
    "credit-rules",
    response={200: CreditRulesOut, **ERRORS},
    summary="本区物业企业信用评价规则（扣分、加分、等级分数线）",
    url_name="property_credit_rules",
)
def credit_rules(request):
    return _rules_out(credit_service.rules_for(_rules_district(request.auth)))


@router.put(
    "credit-rules",
    response={200: CreditRulesOut, **ERRORS},
    summary="设置本区信用评价规则（保存后重新计算本区企业的信用记录）",
    url_name="property_credit_rules_set",
)
def credit_rules_set(request, payload: CreditRulesIn):
    district = _rules_district(request.auth)
    rules = credit_service.set_rules(district, by=request.auth, **payload.dict())
    rules.refresh_from_db()
    return _rules_out(rules)
