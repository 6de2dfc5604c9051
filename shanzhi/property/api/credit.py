"""A company's credit score, grade and history over JSON (the company page's reads)."""

import datetime

from ninja import Schema

from shanzhi.core.apischema import ERRORS

from .. import queries
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
