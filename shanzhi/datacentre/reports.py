"""A monthly report's content, and the report as an .xlsx workbook and an A4 PDF.

The content is the dashboard's own: ``queries.dashboard`` for a node (the same rollups, the same
``appeals.metrics`` definitions and the registered panels), and for a department the same
computation over the rollup rows of that department, so a report's figures equal the dashboard's
for the same period (tested). Both files are drawn from the one ``content`` dictionary; the PDF
uses reportlab's CID font STSong-Light, as coop's reports do (every PDF reader carries it), and
draws its charts with reportlab's own graphics, so nothing is fetched or installed.
"""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from shanzhi.appeals import metrics
from shanzhi.appeals.models import AppealDayStat, MetricsRules
from shanzhi.core import spreadsheets

from . import queries
from .queries import RATES, Period

RATE_LABELS = {
    "response_rate": gettext_lazy("响应率"),
    "resolution_rate": gettext_lazy("解决率"),
    "satisfaction_rate": gettext_lazy("满意率"),
    "on_time_rate": gettext_lazy("按期结案率"),
}


def _department_content(user, report, period):
    """A department's figures: the district dashboard's department row, by category and place."""
    days = AppealDayStat.objects.all() if user is None else queries.visible(user, AppealDayStat)
    days = days.filter(department=report.department)
    rules = MetricsRules.current()
    start, end = metrics.period(period.start, period.end)
    categories, total = metrics.compute(days, "category", start, end, rules=rules)
    communities, _t = metrics.compute(days, "community", start, end, rules=rules)
    return {
        "totals": queries._totals(total),
        "categories": [{"name": u.name, "received": u.received} for u in categories[:10]],
        "units": [_unit(u) for u in communities],
        "unit_title": _("各社区"),
        "trend": [],
        "panels": [],
    }


def _unit(u):
    """A ranked unit (a dashboard ranking row, a dict) or a metrics ``Figures``, as one row."""
    if isinstance(u, dict):
        return {k: u.get(k) for k in ("name", "received", "composite", *RATES)}
    return {
        "name": u.name,
        "received": u.received,
        "composite": u.composite,
        **{r: getattr(u, r) for r in RATES},
    }


def content(user, report):
    """Everything a report shows. ``user`` is who asked (their scope, the dashboard they see);
    None for a scheduled report, which reads the whole subtree of its node and has no panels (a
    panel reads a person's own scope)."""
    period = Period.parse({"start": report.start.isoformat(), "end": report.last.isoformat()})
    base = {"subject": report.subject, "start": report.start, "last": report.last}
    if report.department_id:
        return {**base, **_department_content(user, report, period)}
    dc = queries.dashboard(user, report.node, period)
    return {
        **base,
        "totals": dc["totals"],
        "categories": [
            {"name": c["name"], "received": c["received"], "previous": c["previous"]}
            for c in dc["categories"]
        ],
        "units": [_unit(u) for u in dc["ranking"]],
        "unit_title": _("下级排名"),
        "departments": [
            {
                "name": d["name"],
                "received": d["received"],
                "composite": d["composite"],
                "on_time_rate": d["on_time_rate"],
            }
            for d in dc["departments"]
        ],
        "rates": [
            {
                "label": r["label"],
                "value": r["value"],
                "previous": r["previous"],
                "year_earlier": r["year_earlier"],
            }
            for r in dc["rates"]
        ],
        "trend": dc["trend"],
        "panels": [
            {"title": p.title, "counts": [(c.label, c.count) for c in p.counts]} for p in dc["panels"]
        ],
    }


def _summary_rows(c):
    t = c["totals"]
    rows = [
        (_("收到"), t["received"]),
        (_("受理"), t["accepted"]),
        (_("办结"), t["resolved"]),
        *((RATE_LABELS[r], _pct(t[r])) for r in RATES),
        (_("综合得分"), t["composite"]),
        (_("平均办理时长（小时）"), t["avg_handling_hours"]),
    ]
    for panel in c["panels"]:
        rows += [(f"{panel['title']}·{label}", count) for label, count in panel["counts"]]
    return rows


def _pct(value):
    return "—" if value is None else f"{value}%"


def _dash(value):
    return "—" if value is None else value


def _tables(c):
    """(title, headers, rows) of the report's tables, shared by the workbook and the PDF."""
    tables = [
        (_("主要指标"), [_("指标"), _("数值")], _summary_rows(c)),
        (_("热点类别"), [_("类别"), _("收到")], [(x["name"], x["received"]) for x in c["categories"]]),
        (
            c["unit_title"],
            [_("名称"), _("收到"), _("综合得分"), *(RATE_LABELS[r] for r in RATES)],
            [
                (u["name"], u["received"], _dash(u["composite"]), *(_pct(u[r]) for r in RATES))
                for u in c["units"]
            ],
        ),
    ]
    if c.get("departments"):
        tables.append(
            (
                _("部门排名"),
                [_("部门"), _("收到"), _("综合得分"), _("按期结案率")],
                [
                    (d["name"], d["received"], _dash(d["composite"]), _pct(d["on_time_rate"]))
                    for d in c["departments"]
                ],
            )
        )
    if c["trend"]:
        tables.append(
            (
                _("趋势"),
                [_("日期"), _("收到"), _("受理"), _("办结")],
                [(p["label"], p["received"], p["accepted"], p["resolved"]) for p in c["trend"]],
            )
        )
    return tables


def title(c):
    return _("%(s)s 诉求办理月度报告") % {"s": c["subject"]}


def xlsx(c):
    wb = Workbook()
    first = wb.active
    first.title = spreadsheets.sheet_title(_("说明"))
    spreadsheets.append(first, [title(c)])
    first["A1"].font = Font(bold=True, size=14)
    spreadsheets.append(first, [_("统计期间"), f"{c['start']} 至 {c['last']}"])
    for name, headers, rows in _tables(c):
        ws = wb.create_sheet(spreadsheets.sheet_title(name))
        spreadsheets.append(ws, headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            spreadsheets.append(ws, row)  # unit and category names are typed by people
        ws.column_dimensions["A"].width = 28
    return spreadsheets.xlsx_bytes(wb)


# --- PDF ------------------------------------------------------------------------------------------


def _bar_chart(points, keys, labels, width, font):
    """A grouped bar chart drawn with reportlab's graphics (its own vector primitives)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    palette = [colors.HexColor("#B22222"), colors.HexColor("#E69F00"), colors.HexColor("#2E7D32")]
    drawing = Drawing(width, 170)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 40, width - 40, 110
    chart.data = [[p[k] for p in points] for k in keys]
    chart.categoryAxis.categoryNames = [p["name"] for p in points]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45 if len(points) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(points) > 8 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for i, _k in enumerate(keys):
        chart.bars[i].fillColor = palette[i % len(palette)]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 30, 165, font, 8
    legend.alignment, legend.columnMaximum = "right", 1
    legend.colorNamePairs = [(palette[i], str(label)) for i, label in enumerate(labels)]
    drawing.add(legend)
    return drawing


def pdf(c, *, generated_on):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from shanzhi.coop.reports import PDF_FONT, _pdf_styles, _table, escape

    styles = _pdf_styles()
    width = A4[0] - 36 * mm
    story = [
        Paragraph(escape(title(c)), styles["title"]),
        Paragraph(escape(_("统计期间：%(a)s 至 %(b)s") % {"a": c["start"], "b": c["last"]}), styles["body"]),
    ]
    trend = c["trend"]
    if trend:
        story.append(Paragraph(escape(_("收到与办结趋势")), styles["h2"]))
        points = [{**p, "name": p["label"][5:]} for p in trend]  # MM-DD
        story.append(_bar_chart(points, ("received", "resolved"), (_("收到"), _("办结")), width, PDF_FONT))
    if c["categories"]:
        story.append(Paragraph(escape(_("热点类别")), styles["h2"]))
        short = [{**x, "name": x["name"][:6]} for x in c["categories"]]  # a label fits under its bar
        story.append(_bar_chart(short, ("received",), (_("收到"),), width, PDF_FONT))
    for name, headers, rows in _tables(c):
        if name == _("趋势"):
            continue  # drawn above; the workbook keeps the table
        story.append(Paragraph(escape(str(name)), styles["h2"]))
        cols = len(headers)
        widths = [width * 0.3] + [width * 0.7 / (cols - 1)] * (cols - 1)
        story.append(_table([headers, *rows], widths, styles, _("本期间没有数据。")))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(escape(_("生成日期：%(d)s") % {"d": generated_on.isoformat()}), styles["small"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=str(title(c)),
        author="Shanzhi",
    )
    doc.build(story)
    return buffer.getvalue()
