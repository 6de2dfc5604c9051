"""The data centre's demo rows: last month's report of the district, asked for by the district
leader's demo login and made at once (the task's own body), so the archive opens with one."""

import datetime as dt

from django.utils import timezone

from shanzhi.accounts.models import User

from . import services


def seed(district, rng=None, **_kw):
    leader = User.objects.filter(username="wuquzhang").first()
    if leader is None:
        return {"reports": 0}
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    report = services.request_report(by=leader, node=district, start=last.replace(day=1), last=last)
    services.run_report(report)  # a no-op when a worker (or the inline test backend) made it already
    return {"reports": 1}
