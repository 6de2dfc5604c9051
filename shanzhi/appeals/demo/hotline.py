"""The demo's 12345 cases: imported from a file as the city centre sends them."""

import csv
import datetime as dt
import io

from django.utils import timezone

from .. import services
from ..models import Appeal
from ..services import importing
from . import timeline


def hotline_stories(p, community, problems, rng, now, cal):
    """Three 12345 cases imported from a file as the centre sends them, each with the centre's own
    deadline: one accepted (our deadline beside the centre's), one returned to the city platform
    (another district's), one waiting to be accepted. Filed now, then moved back to when the
    centre received them, like every other demo story."""
    header = ["工单编号", "诉求内容", "诉求分类", "所属社区", "市级办理时限"]
    table, received = [header], {}
    for i in range(3):
        code, _title, text = rng.choice(problems)
        case = f"12345-{community.code}-{i + 1:03d}"
        received[case] = now - dt.timedelta(hours=rng.uniform(3, 20))
        deadline = timezone.localtime(received[case] + dt.timedelta(days=5))
        table.append([case, text, code, community.code, f"{deadline:%Y-%m-%d %H:%M}"])
    out = io.StringIO()
    csv.writer(out).writerows(table)
    report = importing.import_file(out.getvalue().encode("utf-8-sig"), "12345_demo.csv", by=p["staff"])
    appeals = list(Appeal.objects.filter(number__in=report.created).order_by("hotline_case_number"))
    if len(appeals) == 3:
        services.accept(appeals[0], by=p["staff"])
        services.return_to_city(
            appeals[1], by=p["staff"], reason="事发地属相邻区，不属本区管辖，退回市级平台重新派发。"
        )
    for a in appeals:
        timeline.backdate(a, received[a.hotline_case_number], now, rng, cal)
    return appeals
