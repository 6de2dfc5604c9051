"""The per-unit report for its employer ("双报到" feedback), as an .xlsx workbook.

No PDF: no PDF library is installed in this project, and the brief forbids adding one here.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import Assessment

HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="B22222")


def _sheet(wb, title, headers, rows, *, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1] or "")) for r in rows] + [6])
        ws.column_dimensions[get_column_letter(i)].width = min(width * 2 + 2, 60)
    ws.freeze_panes = "A2"
    return ws


def unit_report_xlsx(report):
    """``report`` is ``queries.unit_report(...)``; returns the workbook's bytes. No phones, no ID numbers."""
    wb = Workbook()
    unit = report["unit"]
    period = f"{report['starts_on']} 至 {report['ends_on']}"
    commitments = []
    for agreement, rows in report["agreements"]:
        for row in rows:
            commitments.append([agreement.community.name, f"{agreement.period_start} 至 {agreement.period_end}",
                                row.commitment.get_kind_display(), row.commitment.content, row.promised,
                                row.delivered, f"{row.percent}%", _("已完成") if row.met else _("未完成")])
    _sheet(wb, _("共建协议履约"), [_("社区"), _("协议期"), _("共建内容"), _("具体项目"), _("承诺次数"),
                                   _("已开展"), _("完成率"), _("情况")], commitments, first=True)
    _sheet(wb, _("在职党员报到"), [_("姓名"), _("报到社区"), _("状态"), _("服务时长（小时）"), _("认领需求"),
                                   _("已完成"), _("群众评分"), _("在岗岗位"), _("考评等次")],
           [[m["name"], m["community"], m["status"], m["hours"], m["claims"], m["done"], m["rating"], m["posts"],
             m["grades"]] for m in report["members"]])
    _sheet(wb, _("单位认领需求"), [_("社区"), _("需求"), _("状态"), _("群众评分"), _("认领时间")],
           [[c.need.community.name, c.need.title, c.get_status_display(), c.rating,
             c.created_at.strftime("%Y-%m-%d")] for c in report["claims"]])
    grades = dict(Assessment.Grade.choices)
    _sheet(wb, _("社区考评"), [_("社区"), _("考评周期"), _("得分"), _("等次"), _("评语")],
           [[a.period.community.name, a.period.name, float(a.score), str(grades[a.grade]), a.comment]
            for a in report["assessments"]])
    summary = wb.create_sheet(_("说明"), 0)
    summary.append([_("驻区单位“双报到”情况报告")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("单位"), unit.name])
    summary.append([_("统计期间"), period])
    summary.append([_("报到党员人数"), len(report["members"])])
    summary.append([_("服务总时长（小时）"), round(sum(m["hours"] for m in report["members"]), 1)])
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
