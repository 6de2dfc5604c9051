"""Monthly reports: their figures equal the dashboard's, the files (xlsx with formulas
neutralised, a PDF with a chart and the CJK font), progress, the archive's scope (404) and the
audited download, bad input (400), the schedule's first working day, and the public page."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shanzhi.appeals import services as appeal_services
from shanzhi.appeals.models import Appeal, MetricsRules
from shanzhi.core import periodic, workdays
from shanzhi.core.models import AuditEvent
from shanzhi.datacentre import services
from shanzhi.datacentre.models import Report
from shanzhi.registry.models import Department, OrgNode

START, LAST = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
PERIOD = "start=2026-03-01&end=2026-04-30"
IN_B = (117.552, 34.866)
IN_C = (117.542, 34.862)


@pytest.fixture
def appeals(cast, file_appeal):
    a1 = [file_appeal(title=f"甲{i}") for i in range(2)]
    file_appeal(title="=HYPERLINK(1)", lng=IN_B[0], lat=IN_B[1])
    file_appeal(title="丁", lng=IN_C[0], lat=IN_C[1])
    appeal_services.accept(a1[0], by=cast.zhang)
    a = Appeal.objects.get(pk=a1[0].pk)
    appeal_services.dispatch(a, by=cast.zhang, to_department=cast.department)
    return a1


def _dashboard(client, user, node):
    client.force_login(user)
    return client.get(reverse("datacentre:node", args=[node.pk]) + "?" + PERIOD).context["dc"]


def test_report_figures_equal_the_dashboards(cast, appeals, client):
    MetricsRules.objects.update_or_create(pk=1, defaults={"min_cases": 1})  # rank a department of one
    dc = _dashboard(client, cast.wu, cast.district)
    response = client.post(
        reverse("datacentre:reports"), {"subject": f"n:{cast.district.pk}", "start": START, "last": LAST}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("datacentre:report", args=[report.pk])
    assert report.status == Report.Status.DONE and report.percent == 100
    assert report.requested_by == cast.wu and not report.scheduled
    from shanzhi.datacentre import reports

    content = reports.content(cast.wu, report)
    assert content["totals"] == dc["totals"]
    assert [u["name"] for u in content["units"]] == [u["name"] for u in dc["ranking"]]
    assert content["categories"][0]["received"] == dc["categories"][0]["received"]
    assert [p["title"] for p in content["panels"]] == [str(p.title) for p in dc["panels"]]
    # The workbook holds the same numbers, and text that looks like a formula stays text.
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    summary = {r[0]: r[1] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert summary["收到"] == dc["totals"]["received"] == 4
    assert summary["办结"] == dc["totals"]["resolved"]
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    # The department's report: the district dashboard's row for that department.
    report = services.request_report(by=cast.wu, department=cast.department, start=START, last=LAST)
    report.refresh_from_db()
    row = (
        next(d for d in dc["departments"] if d["name"] == cast.department.name) if dc["departments"] else None
    )
    content = reports.content(cast.wu, report)
    assert content["totals"]["received"] == 1
    if row:
        assert row["received"] == content["totals"]["received"]
    assert report.node == cast.district and report.status == Report.Status.DONE


def test_progress_page_and_audited_download(cast, appeals, client):
    report = services.request_report(by=cast.liu, node=cast.street, start=START, last=LAST)
    client.force_login(cast.liu)
    page = client.get(reverse("datacentre:report", args=[report.pk]))
    assert page.status_code == 200 and "下载 PDF" in page.content.decode()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, percent=40)
    progress = client.get(reverse("datacentre:report_progress", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress and "40%" in progress
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, percent=100)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    response = client.get(reverse("datacentre:report_file", args=[report.pk, "xlsx"]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("pk").last()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 1
    assert event.actor_id == cast.liu.pk and event.target_id == str(report.pk)
    assert event.detail["format"] == "xlsx"


def test_archive_scope(cast, client):
    mine = services.request_report(by=cast.zhang, node=cast.community, start=START, last=LAST)
    theirs = services.request_report(by=cast.chen, node=cast.community_b, start=START, last=LAST)
    dept = services.request_report(by=cast.zheng, department=cast.department, start=START, last=LAST)
    client.force_login(cast.zhang)
    listed = client.get(reverse("datacentre:reports")).context["reports"]
    assert [r.pk for r in listed] == [mine.pk]
    for report in (theirs, dept):
        assert client.get(reverse("datacentre:report", args=[report.pk])).status_code == 404
        assert client.get(reverse("datacentre:report_file", args=[report.pk, "pdf"])).status_code == 404
    # The street sees both communities' reports; the department's handler only theirs.
    client.force_login(cast.liu)
    assert {r.pk for r in client.get(reverse("datacentre:reports")).context["reports"]} == {
        mine.pk,
        theirs.pk,
    }
    client.force_login(cast.zheng)
    assert [r.pk for r in client.get(reverse("datacentre:reports")).context["reports"]] == [dept.pk]
    # Asking for a node out of scope is a 404 and writes nothing.
    client.force_login(cast.zhang)
    response = client.post(
        reverse("datacentre:reports"), {"subject": f"n:{cast.community_b.pk}", "start": START, "last": LAST}
    )
    assert response.status_code == 404 and Report.objects.count() == 3
    response = client.post(
        reverse("datacentre:reports"), {"subject": "d:999999", "start": START, "last": LAST}
    )
    assert response.status_code == 404 and Report.objects.count() == 3


@pytest.mark.parametrize(
    "data, field",
    [
        ({"subject": "x:1", "start": "2026-03-01", "last": "2026-03-31"}, "报告对象"),
        ({"subject": "n:abc", "start": "2026-03-01", "last": "2026-03-31"}, "报告对象"),
        ({"subject": "n:{c}", "start": "2026-13-01", "last": "2026-03-31"}, "开始日期"),
        ({"subject": "n:{c}", "start": "2026-04-01", "last": "2026-03-31"}, "开始日期"),
        ({"subject": "n:{c}", "start": "2020-01-01", "last": "2026-03-31"}, "两年"),
        ({"subject": "n:{g}", "start": "2026-03-01", "last": "2026-03-31"}, "社区"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(cast, client, data, field):
    client.force_login(cast.zhang)
    data = {k: v.format(c=cast.community.pk, g=cast.grid.pk) for k, v in data.items()}
    response = client.post(reverse("datacentre:reports"), data)
    assert response.status_code == 400 and field in response.context["error"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "year, month, first",
    [
        # The State Council's 2026 holiday notice (as chinese_calendar carries it): New Year's Day
        # off 1–3 January, so the first working day is Sunday 4 January, a swapped working day.
        (2026, 1, dt.date(2026, 1, 4)),
        # National Day off 1–7 October 2026: Thursday 8 October.
        (2026, 10, dt.date(2026, 10, 8)),
        (2026, 3, dt.date(2026, 3, 2)),  # 1 March 2026 is a Sunday
        (2026, 4, dt.date(2026, 4, 1)),  # an ordinary Wednesday
    ],
)
def test_first_working_day_of_the_month(year, month, first):
    assert workdays.Calendar().first_workday_of_month(year, month) == first


@pytest.fixture
def scheduled(settings):
    settings.SHANZHI_MONTHLY_REPORTS = True


def test_the_schedule_makes_last_months_reports_once_from_the_first_working_day(cast, scheduled):
    october = dt.datetime(2026, 10, 7, 9, 0, tzinfo=timezone.get_current_timezone())
    assert periodic.run(october)["monthly_reports"] == 0  # still the holiday: nothing yet
    assert not Report.objects.exists()
    first = october + dt.timedelta(days=1)
    made = periodic.run(first)["monthly_reports"]
    levels = OrgNode.objects.filter(level__in=("district", "street", "community")).count()
    assert made == levels + Department.objects.count() == Report.objects.count()
    report = Report.objects.filter(department=None, node=cast.district).get()
    assert (report.start, report.last, report.scheduled, report.requested_by) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
        True,
        None,
    )
    assert report.status == Report.Status.DONE
    # The next sweep (the same day, or any later day of the month) makes nothing twice.
    assert periodic.run(first + dt.timedelta(minutes=5))["monthly_reports"] == 0
    assert periodic.run(first + dt.timedelta(days=10))["monthly_reports"] == 0
    assert Report.objects.count() == made


def test_the_sweep_runs_the_schedule(cast, scheduled, settings):
    from shanzhi.appeals.services import sweep

    result = sweep.run(dt.datetime(2026, 4, 1, 9, 0, tzinfo=timezone.get_current_timezone()))
    assert result["monthly_reports"] > 0
    assert Report.objects.filter(start=dt.date(2026, 3, 1), scheduled=True).exists()
    settings.SHANZHI_MONTHLY_REPORTS = False  # a deployment that turned them off
    Report.objects.all().delete()
    assert (
        sweep.run(dt.datetime(2026, 4, 2, 9, 0, tzinfo=timezone.get_current_timezone()))["monthly_reports"]
        == 0
    )


def test_public_page_shows_counts_by_community_and_no_person(cast, appeals, client):
    with_time = dt.datetime(2026, 4, 10, 9, 0, tzinfo=timezone.get_current_timezone())
    import time_machine

    with time_machine.travel(with_time, tick=False):
        response = client.get(reverse("datacentre:public"))  # anonymous
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.context["rows"]}
    assert rows[cast.community.name]["received"] == 2
    assert rows[cast.community_b.name]["received"] == 1
    assert sum(r["received"] for r in rows.values()) == response.context["total"].received == 4
    for r in rows.values():
        for key in ("response_rate", "resolution_rate", "satisfaction_rate"):
            assert r[key] is None or 0 <= r[key] <= 100
    html = response.content.decode()
    for secret in ("居民甲", "夜间噪音", "=HYPERLINK", cast.resident.name, "甲0"):
        assert secret not in html
    titles = [str(s.title) for s in response.context["sections"]]
    assert {"诉求办理", "志愿服务"} <= set(titles)
    assert reverse("appeals:disclosure") in html and reverse("volunteering:activities") in html


def test_the_command_runs_the_schedule(cast, scheduled):
    import io

    import time_machine
    from django.core.management import call_command

    out = io.StringIO()
    with time_machine.travel(
        dt.datetime(2026, 1, 4, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        call_command("monthly_reports", stdout=out)
    assert (
        int(out.getvalue()) == Report.objects.filter(start=dt.date(2025, 12, 1), scheduled=True).count() > 0
    )
