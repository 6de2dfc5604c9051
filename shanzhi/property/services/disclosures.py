"""Publishing a quarter's disclosure (公示): district staff once the quarter has ended, or the
schedule on the first working day of the next quarter. The figures are frozen into a
``Disclosure`` row; the public page and API read only those rows."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import audit, workdays
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode, PropertyCompany

from .. import figures
from ..models import Disclosure, Period
from . import evaluations
from .lists import _district_grant


def _text(value):
    return None if value is None else str(value)


def snapshot(period):
    """Each company of the district with its appeal-loop figures for the quarter, as stored."""
    companies = list(PropertyCompany.objects.filter(district=period.district_id).order_by("name", "pk"))
    return [
        {
            "company": c.pk,
            "name": c.name,
            "households": f["households"],
            "complaints": f["complaints"],
            "complaints_per_100": _text(f["complaints_per_100"]),
            "on_time": _text(f["on_time"]),
            "satisfaction": _text(f["satisfaction"]),
        }
        for c, f in figures.disclosure(period, companies)
    ]


@transaction.atomic
def publish(period, *, by, now=None):
    """Freeze and publish ``period``'s figures. ``by`` None is the schedule. Refused (naming
    ``period``) for a half-year, for a quarter not yet over (its figures are still moving: a
    disclosure shows a finished quarter) and for one already published."""
    if by is not None and not _district_grant(by, "property.publish_disclosure", period.district):
        raise PermissionDenied
    if period.kind != Period.Kind.QUARTER:
        raise DomainError(_("只有季度考核周期可以公示。"), field="period")
    if timezone.localdate(now) <= period.ends_on:
        raise DomainError(_("该季度尚未结束，结束后才能公示。"), field="period")
    # The period's row lock: two publishers at once (staff and the sweep) make one disclosure.
    Period.objects.select_for_update().filter(pk=period.pk).first()
    if Disclosure.objects.filter(period=period).exists():
        raise DomainError(_("该季度已公示，公示内容不能更改。"), field="period")
    disclosure = Disclosure.objects.create(
        period=period, figures=snapshot(period), published_by=by, published_at=timezone.now()
    )
    audit.record(
        "property.disclosure_published",
        actor=by,
        target=disclosure,
        detail={"period": period.pk, "companies": len(disclosure.figures), "scheduled": by is None},
    )
    return disclosure


def last_quarter(today):
    """The first day of the quarter before the one ``today`` is in."""
    month = (today.month - 1) // 3 * 3 + 1
    return datetime.date(today.year - (month == 1), (month - 4) % 12 + 1, 1)


def schedule(now):
    """Registered with ``core.periodic`` (run by every sweep): from the first working day of a
    quarter (``core.workdays``), last quarter's disclosure of every district with property
    companies, opening the quarter if nobody did. Idempotent: a district already published (by its
    staff or an earlier sweep) is skipped, and ``publish`` refuses a second row."""
    if not settings.SHANZHI_QUARTERLY_DISCLOSURE:
        return 0
    today = timezone.localdate(now)
    if today < workdays.first_workday_of_month(today.year, (today.month - 1) // 3 * 3 + 1):
        return 0
    starts_on = last_quarter(today)
    done = Disclosure.objects.filter(period__kind=Period.Kind.QUARTER, period__starts_on=starts_on)
    districts = OrgNode.objects.filter(
        level="district", pk__in=PropertyCompany.objects.values("district_id")
    ).exclude(pk__in=done.values("period__district_id"))
    made = 0
    for district in districts.order_by("pk"):
        try:
            publish(evaluations.scheduled_quarter(district, starts_on), by=None, now=now)
        except DomainError:  # published in between (by its staff, or a sweep running beside this one)
            continue
        made += 1
    return made
