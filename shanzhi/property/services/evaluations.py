"""Evaluating companies: periods, staff entries per indicator (inspection with a photo, the
community's and committee's opinion), residents' ratings, and scoring (one company, or all of a
period as a background run). The arithmetic is ``scoring.py``; the figures ``figures.py``."""

import datetime
import logging
import time
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import parse_date
from shanzhi.registry.models import PropertyCompany

from .. import figures, scoring
from ..models import (
    Evaluation,
    EvaluationEntry,
    EvaluationRun,
    Indicator,
    Period,
    ResidentRating,
    SchemeVersion,
)
from . import credit, photos
from .common import decimal, pick

STAFF_SOURCES = {Indicator.Source.INSPECTION, Indicator.Source.OPINION}
RUN_CHUNK = 50  # companies scored per transaction; progress is written after each chunk
# A run queued or running with no progress for this long is taken for dead (a killed worker, a
# lost task): a new run may start, and the dead one is marked failed. 200 companies take seconds.
STALE_AFTER = datetime.timedelta(hours=1)
log = logging.getLogger(__name__)


def _period_end(kind, starts_on):
    months = 6 if kind == Period.Kind.HALF else 3
    month = starts_on.month - 1 + months
    first_after = datetime.date(starts_on.year + month // 12, month % 12 + 1, 1)
    return first_after - datetime.timedelta(days=1)


@transaction.atomic
def open_period(district, *, kind, starts_on, by, new=False):
    """A half-year (1 Jan or 1 Jul) or a quarter (the first day of Jan, Apr, Jul, Oct). With
    ``new`` (the page and the API) a period that exists, or overlaps one of its kind, is refused."""
    if not any(
        g.role in permissions.ACTIONS["property.run_evaluation"] and g.node_id == district.pk
        for g in by.grants()
    ):
        raise PermissionDenied
    kind = pick(kind, Period.Kind.values, "kind", _("请选择考核周期。"))
    starts_on = parse_date(
        starts_on.isoformat() if isinstance(starts_on, datetime.date) else str(starts_on or ""),
        "starts_on",
        required=True,
        label=_("开始"),
    )
    starts = (1, 7) if kind == Period.Kind.HALF else (1, 4, 7, 10)
    if starts_on.day != 1 or starts_on.month not in starts:
        raise DomainError(_("周期应从半年或季度的第一天开始。"), field="starts_on")
    ends_on = _period_end(kind, starts_on)
    if (
        new
        and Period.objects.filter(
            district=district, kind=kind, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .exclude(starts_on=starts_on)
        .exists()
    ):
        raise DomainError(_("该周期与已有的考核周期重叠。"), field="starts_on")
    period, created = _period_row(district, kind, starts_on, by)
    if new and not created:
        raise DomainError(_("该考核周期已存在。"), field="starts_on")
    return period


def _period_row(district, kind, starts_on, by):
    period, created = Period.objects.get_or_create(
        district=district, kind=kind, starts_on=starts_on, defaults={"ends_on": _period_end(kind, starts_on)}
    )
    if created:
        audit.record("property.period_opened", actor=by, target=period)
    return period, created


def scheduled_quarter(district, starts_on):
    """The quarter the disclosure schedule publishes (``services.disclosures.schedule``), opened
    here with no user when district staff never opened it (audited as opened by nobody)."""
    return _period_row(district, Period.Kind.QUARTER, starts_on, None)[0]


def version_for(period):
    """The published version in force on the period's first day (latest effective date first)."""
    return (
        SchemeVersion.objects.filter(
            scheme__district_id=period.district_id,
            status=SchemeVersion.Status.PUBLISHED,
            effective_from__lte=period.starts_on,
        )
        .order_by("-effective_from", "-number")
        .first()
    )


def evaluation_of(company, period):
    """The company's evaluation for the period, made on first use with the version then in force
    (and kept: a later version never re-scores a period already under way)."""
    found = Evaluation.objects.filter(company=company, period=period).first()
    if found:
        return found
    version = version_for(period)
    if version is None:
        raise DomainError(_("该周期没有已发布且已生效的考核方案。"), field="period")
    return Evaluation.objects.get_or_create(company=company, period=period, defaults={"version": version})[0]


def _entry_value(indicator, value):
    if indicator.rule == Indicator.Rule.VETO:
        v = decimal(value, "value", _("是否发生"), low=0, high=1, places=0)
    elif indicator.rule == Indicator.Rule.DEDUCTION:
        v = decimal(value, "value", _("问题数"), low=0, high=1000, places=0)
    else:
        v = decimal(value, "value", _("得分"), low=0, high=indicator.max_points)
    return v.quantize(Decimal("0.01"))  # as stored (two places), so the API echoes what was kept


@transaction.atomic
def enter(company, period, indicator, *, value, note="", photo=None, by):
    """Staff's score for one indicator of one company (inspection on a phone, or the community's
    and committee's opinion); a later entry replaces the earlier one."""
    permissions.require(by, "property.inspect", company)  # a company out of sight is a 404
    evaluation = evaluation_of(company, period)
    if not isinstance(indicator, Indicator):
        indicator = Indicator.objects.filter(pk=indicator).first()
    if indicator is None or indicator.item.version_id != evaluation.version_id:
        raise DomainError(_("该指标不属于本次考核所用的方案版本。"), field="indicator")
    if indicator.source not in STAFF_SOURCES:
        raise DomainError(_("该指标由系统计算，不能手工录入。"), field="indicator")
    value = _entry_value(indicator, value)
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError(_("说明不能超过 500 个字。"), field="note")
    clean = photos.clean(photo) if photo else None
    entry, _created = EvaluationEntry.objects.update_or_create(
        evaluation=evaluation, indicator=indicator, defaults={"value": value, "note": note, "by": by}
    )
    if clean is not None:
        entry.photo.save(clean.name, clean, save=True)
    audit.record(
        "property.entry", actor=by, target=evaluation, detail={"indicator": indicator.pk, "value": str(value)}
    )
    return entry


@transaction.atomic
def rate(period, *, stars, comment="", by):
    """A resident rates the company serving their home: one rating per household per period; a
    second one replaces the first."""
    grant = next((g for g in by.grants() if g.role == "resident" and g.resident_id), None)
    if grant is None or not permissions.has_role_for(by, "property.rate"):
        raise PermissionDenied
    household = grant.resident.household
    compound = household.building.compound if household else None
    if compound is None or compound.property_company_id is None:
        raise DomainError(_("您所在的小区没有物业服务企业。"), field="household")
    if period.kind != Period.Kind.HALF or not compound.community.path.startswith(period.district.path):
        raise DomainError(_("请选择本区的半年考核周期。"), field="period")
    stars = decimal(stars, "stars", _("评分"), low=1, high=5, places=0)
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise DomainError(_("意见不能超过 500 个字。"), field="comment")
    rating, created = ResidentRating.objects.update_or_create(
        period=period,
        household=household,
        defaults={
            "company_id": compound.property_company_id,
            "resident": grant.resident,
            "stars": int(stars),
            "comment": comment,
        },
    )
    audit.record("property.rating", actor=by, target=rating, detail={"replaced": not created})
    return rating


def score_companies(period, companies, now=None):
    """Score ``companies`` for ``period`` and save each evaluation (three queries for the lot,
    whatever the number of companies, plus the writes)."""
    evaluations = [evaluation_of(c, period) for c in companies]
    plans = {}
    values = figures.values_for(period, evaluations, now=now)
    for ev in evaluations:
        if ev.version_id not in plans:
            plans[ev.version_id] = figures.plan(ev.version)
        items, thresholds = plans[ev.version_id]
        result = scoring.score(items, values[ev.pk]["values"], thresholds)
        ev.score, ev.grade, ev.vetoed = result.score, result.grade, result.vetoed
        ev.figures = values[ev.pk]["figures"]
        ev.scored_at = timezone.now()
    Evaluation.objects.bulk_update(evaluations, ["score", "grade", "vetoed", "figures", "scored_at"])
    if period.kind == Period.Kind.HALF:
        credit.record(*companies)  # a half-year's score is the base of the credit score
    return evaluations


@transaction.atomic
def score_one(evaluation, *, by):
    permissions.require(by, "property.run_evaluation", evaluation)
    return score_companies(evaluation.period, [evaluation.company])[0]


@transaction.atomic
def start_run(period, *, by):
    """Queue a scoring of every company of the period's district (the page shows its progress)."""
    if not any(
        g.role in permissions.ACTIONS["property.run_evaluation"] and g.node_id == period.district_id
        for g in by.grants()
    ):
        raise PermissionDenied
    if version_for(period) is None:
        raise DomainError(_("该周期没有已发布且已生效的考核方案。"), field="period")
    if _live_runs(period).exists():
        raise DomainError(_("该周期的考核正在计算中。"), field="period")
    # A run that died without a word (a killed worker) is marked failed, so it blocks no longer.
    EvaluationRun.objects.filter(
        period=period, status__in=[EvaluationRun.Status.QUEUED, EvaluationRun.Status.RUNNING]
    ).update(
        status=EvaluationRun.Status.FAILED,
        error=_("计算超过一小时没有进展，已视为中断。"),
        finished_at=timezone.now(),
    )
    run = EvaluationRun.objects.create(
        period=period,
        started_by=by,
        total=PropertyCompany.objects.filter(district=period.district_id).count(),
    )
    audit.record("property.run_started", actor=by, target=run)
    from ..tasks import run_evaluation_task

    # The database backend writes the task row in this transaction (a durable outbox); the RQ
    # backend pushes it on commit (core.taskqueue).
    run_evaluation_task.enqueue(run.pk)
    return run


def _live_runs(period, now=None):
    """The period's queued or running runs that have shown a sign of life within STALE_AFTER."""
    since = (now or timezone.now()) - STALE_AFTER
    return EvaluationRun.objects.filter(
        period=period, status__in=[EvaluationRun.Status.QUEUED, EvaluationRun.Status.RUNNING]
    ).filter(Q(progress_at__gte=since) | Q(progress_at__isnull=True, created_at__gte=since))


def run(run):
    """The run itself (the task calls it): chunks of companies, progress after each chunk. A run
    that is not queued (a retried task) does nothing. Whatever goes wrong ends the run as failed,
    with the chunks already scored kept (each is its own transaction) and a message for staff;
    the details go to the log, not the page."""
    claimed = EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.QUEUED).update(
        status=EvaluationRun.Status.RUNNING, progress_at=timezone.now()
    )
    if not claimed:
        return EvaluationRun.objects.get(pk=run.pk)
    began = time.perf_counter()
    done, companies = 0, []
    try:
        companies = list(PropertyCompany.objects.filter(district=run.period.district_id).order_by("pk"))
        for i in range(0, len(companies), RUN_CHUNK):
            chunk = companies[i : i + RUN_CHUNK]
            with transaction.atomic():
                score_companies(run.period, chunk)
            done += len(chunk)
            EvaluationRun.objects.filter(pk=run.pk).update(
                done=done, total=len(companies), progress_at=timezone.now()
            )
    except DomainError as exc:
        return _failed(run, str(exc.message))
    except Exception:  # noqa: BLE001 - any failure must end the run, or it blocks the period
        log.exception("evaluation run %s failed after %s companies", run.pk, done)
        return _failed(
            run,
            _("计算出错：已完成 %(done)d / %(total)d 家企业（已保存）。请联系系统管理员处理后重新计算。")
            % {"done": done, "total": len(companies)},
        )
    seconds = Decimal(time.perf_counter() - began).quantize(Decimal("0.001"))
    # Only a run still running is done: one a newer run took for dead (STALE_AFTER) stays failed,
    # so the page never shows two runs of the period as the latest word.
    EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.RUNNING).update(
        status=EvaluationRun.Status.DONE, finished_at=timezone.now(), seconds=seconds
    )
    return EvaluationRun.objects.get(pk=run.pk)


def _failed(run, message):
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=EvaluationRun.Status.FAILED, error=message, finished_at=timezone.now()
    )
    return EvaluationRun.objects.get(pk=run.pk)
