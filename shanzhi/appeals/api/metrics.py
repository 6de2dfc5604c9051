"""The loop's figures in the JSON API (/api/v1/appeals/metrics): what the metrics page shows, from
the same ``metrics.report`` (definitions: metrics.py's docstring, docs/metrics.md), and the
summoned departments' own figures (吹哨报到). Mounted before the appeals router, whose
``/{number}`` would otherwise take the word "metrics" for an appeal number.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from shanzhi.core.apischema import ERRORS, Schema
from shanzhi.core.errors import DomainError

from .. import metrics

router = Router(tags=["appeals"])


class MetricsQuery(Schema):
    dimension: str = Field("grid", description="grid / community / street / department / category")
    start: dt.date | None = Field(None, description="起始日期（含），默认本月 1 日")
    end: dt.date | None = Field(None, description="截止日期（含），默认今天")
    min_cases: int | None = Field(None, ge=0, le=1_000_000, description="参与排名的最少有效诉求数")


class RankedUnitOut(Schema):
    key: str | None
    name: str
    received: int
    invalid: int
    accepted: int
    responded: int
    visited: int
    solved: int
    satisfied: int
    basic: int
    unreachable: int
    due: int
    suspended: int
    on_time: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    composite: float | None
    rank: int | None


class PartOut(Schema):
    department_id: int | None
    name: str
    summoned: int
    report_due: int
    reported_on_time: int
    report_rate: float | None
    finish_due: int
    finished_on_time: int
    finish_rate: float | None


class MetricsOut(Schema):
    dimension: str
    start: dt.date
    end: dt.date
    min_cases: int
    units: list[RankedUnitOut]
    total: RankedUnitOut
    ranking: list[RankedUnitOut]
    summons: list[PartOut]
    summons_total: PartOut


def _unit(u):
    names = RankedUnitOut.model_fields
    out = {n: getattr(u, n) for n in names if n not in ("key", "visited")}
    return {**out, "key": None if u.key is None else str(u.key), "visited": u.visited}


def _part(u):
    names = [n for n in PartOut.model_fields if n != "department_id"]
    return {"department_id": u.key, **{n: getattr(u, n) for n in names}}


@router.get("", response={200: MetricsOut, **ERRORS}, url_name="appeals_metrics", summary="接诉即办考核指标")
def figures(request, query: Query[MetricsQuery]):
    if query.dimension not in metrics.DIMENSIONS:
        raise DomainError(_("请选择统计维度。"), field="dimension")
    start, end = query.start, query.end
    if start and end and start > end:
        raise DomainError(_("起始日期不能晚于截止日期。"), field="start")
    r = metrics.report(
        request.auth, query.dimension, start, end + dt.timedelta(days=1) if end else None, query.min_cases
    )
    return {
        "dimension": r["dimension"],
        "start": r["start"],
        "end": r["end"],
        "min_cases": r["min_cases"],
        "units": [_unit(u) for u in r["units"]],
        "total": _unit(r["total"]),
        "ranking": [_unit(u) for u in r["ranked"]],
        "summons": [_part(u) for u in r["parts"]],
        "summons_total": _part(r["parts_total"]),
    }
