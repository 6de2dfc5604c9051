"""The per-unit report for its employer ("双报到" feedback), as an .xlsx workbook and an A4 PDF.

Both are drawn from the one ``queries.unit_report`` dictionary. The PDF uses reportlab's built-in
CID font STSong-Light (Adobe's Chinese font resource, which every PDF reader carries), so Chinese
renders with no font file shipped or installed.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from shanzhi.core import spreadsheets

from .models import Assessment

HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="B22222")


def _sheet(wb, title, headers, rows, *, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = spreadsheets.sheet_title(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        spreadsheets.append(ws, row)  # needs and names are typed by people: formulas stay text
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
            commitments.append(
                [
                    agreement.community.name,
                    f"{agreement.period_start} 至 {agreement.period_end}",
                    row.commitment.get_kind_display(),
                    row.commitment.content,
                    row.promised,
                    row.delivered,
                    f"{row.percent}%",
                    _("已完成") if row.met else _("未完成"),
                ]
            )
    _sheet(
        wb,
        _("共建协议履约"),
        [
            _("社区"),
            _("协议期"),
            _("共建内容"),
            _("具体项目"),
            _("承诺次数"),
            _("已开展"),
            _("完成率"),
            _("情况"),
        ],
        commitments,
        first=True,
    )
    _sheet(
        wb,
        _("在职党员报到"),
        [
            _("姓名"),
            _("报到社区"),
            _("状态"),
            _("服务时长（小时）"),
            _("认领需求"),
            _("已完成"),
            _("群众评分"),
            _("在岗岗位"),
            _("考评等次"),
        ],
        [
            [
                m["name"],
                m["community"],
                m["status"],
                m["hours"],
                m["claims"],
                m["done"],
                m["rating"],
                m["posts"],
                m["grades"],
            ]
            for m in report["members"]
        ],
    )
    _sheet(
        wb,
        _("单位认领需求"),
        [_("社区"), _("需求"), _("状态"), _("群众评分"), _("认领时间")],
        [
            [
                c.need.community.name,
                c.need.title,
                c.get_status_display(),
                c.rating,
                c.created_at.strftime("%Y-%m-%d"),
            ]
            for c in report["claims"]
        ],
    )
    grades = dict(Assessment.Grade.choices)
    _sheet(
        wb,
        _("社区考评"),
        [_("社区"), _("考评周期"), _("得分"), _("等次"), _("评语")],
        [
            [a.period.community.name, a.period.name, float(a.score), str(grades[a.grade]), a.comment]
            for a in report["assessments"]
        ],
    )
    summary = wb.create_sheet(spreadsheets.sheet_title(_("说明")), 0)
    summary.append([_("驻区单位“双报到”情况报告")])
    summary["A1"].font = Font(bold=True, size=14)
    spreadsheets.append(summary, [_("单位"), unit.name])
    summary.append([_("统计期间"), period])
    summary.append([_("报到党员人数"), len(report["members"])])
    summary.append([_("服务总时长（小时）"), round(sum(m["hours"] for m in report["members"]), 1)])
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 40
    return spreadsheets.xlsx_bytes(wb)


# --- PDF ------------------------------------------------------------------------------------------

PDF_FONT = "STSong-Light"


def _pdf_styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = {"fontName": PDF_FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=16, leading=22, alignment=1, spaceAfter=6, **base),
        "h2": ParagraphStyle("h2", fontSize=12, leading=18, spaceBefore=10, spaceAfter=4, **base),
        "body": ParagraphStyle("body", fontSize=9.5, leading=14, **base),
        "cell": ParagraphStyle("cell", fontSize=8.5, leading=11, **base),
        "small": ParagraphStyle("small", fontSize=8, leading=11, textColor="#666666", **base),
    }


def _table(rows, widths, styles, empty):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    if len(rows) == 1:
        return Paragraph(empty, styles["body"])

    def cell(value):
        return Paragraph(escape("" if value is None else str(value)), styles["cell"])

    table = Table([[cell(v) for v in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3DADA")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unit_report_pdf(report, *, generated_on):
    """The report as an A4 PDF: title, unit, communities, period; commitments promised against
    delivered; members' hours; residents' ratings; the community's assessment; the date it was made.
    Names of members only (no phones, no ID numbers), like the workbook."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    unit = report["unit"]
    members = report["members"]
    communities = sorted({a.community.name for a, _rows in report["agreements"]} | {unit.community.name})
    ratings = [c.rating for c in report["claims"] if c.rating]
    grades = dict(Assessment.Grade.choices)
    p = styles["body"]
    story = [
        Paragraph(escape(_("驻区单位“双报到”情况报告")), styles["title"]),
        Paragraph(escape(_("单位：%(u)s") % {"u": unit.name}), p),
        Paragraph(escape(_("社区：%(c)s") % {"c": "、".join(communities)}), p),
        Paragraph(
            escape(_("统计期间：%(a)s 至 %(b)s") % {"a": report["starts_on"], "b": report["ends_on"]}), p
        ),
        Paragraph(
            escape(
                _("报到党员 %(n)d 人，服务总时长 %(h)s 小时。")
                % {"n": len(members), "h": round(sum(m["hours"] for m in members), 1)}
            ),
            p,
        ),
    ]
    width = A4[0] - 36 * mm

    story.append(Paragraph(escape(_("一、共建协议履约（承诺与兑现）")), styles["h2"]))
    rows = [[_("社区"), _("共建内容"), _("具体项目"), _("承诺次数"), _("已开展"), _("完成率"), _("情况")]]
    for agreement, deliveries in report["agreements"]:
        for row in deliveries:
            rows.append(
                [
                    agreement.community.name,
                    row.commitment.get_kind_display(),
                    row.commitment.content,
                    row.promised,
                    row.delivered,
                    f"{row.percent}%",
                    _("已完成") if row.met else _("未完成"),
                ]
            )
    story.append(
        _table(
            rows,
            [w * width for w in (0.16, 0.14, 0.30, 0.1, 0.1, 0.1, 0.1)],
            styles,
            _("本期间没有共建协议。"),
        )
    )

    story.append(Paragraph(escape(_("二、在职党员服务时长")), styles["h2"]))
    rows = [
        [
            _("姓名"),
            _("报到社区"),
            _("状态"),
            _("服务时长（小时）"),
            _("认领/完成"),
            _("群众评分"),
            _("考评等次"),
        ]
    ]
    rows += [
        [
            m["name"],
            m["community"],
            m["status"],
            m["hours"],
            f"{m['claims']}/{m['done']}",
            m["rating"] if m["rating"] is not None else "—",
            m["grades"] or "—",
        ]
        for m in members
    ]
    story.append(
        _table(
            rows,
            [w * width for w in (0.12, 0.18, 0.1, 0.14, 0.12, 0.12, 0.22)],
            styles,
            _("本单位暂无在职党员报到。"),
        )
    )

    story.append(Paragraph(escape(_("三、群众评价")), styles["h2"]))
    if ratings:
        story.append(
            Paragraph(
                escape(
                    _("单位认领的需求共 %(n)d 项，其中 %(r)d 项有居民评分，平均 %(avg)s 分（满分 5 分）。")
                    % {
                        "n": len(report["claims"]),
                        "r": len(ratings),
                        "avg": round(sum(ratings) / len(ratings), 1),
                    }
                ),
                p,
            )
        )
    else:
        story.append(
            Paragraph(
                escape(_("单位认领的需求共 %(n)d 项，暂无居民评分。") % {"n": len(report["claims"])}), p
            )
        )

    story.append(Paragraph(escape(_("四、社区考评结果")), styles["h2"]))
    rows = [[_("社区"), _("考评周期"), _("得分"), _("等次"), _("评语")]]
    rows += [
        [a.period.community.name, a.period.name, f"{a.score}", str(grades[a.grade]), a.comment or "—"]
        for a in report["assessments"]
    ]
    story.append(
        _table(
            rows, [w * width for w in (0.2, 0.2, 0.1, 0.12, 0.38)], styles, _("本期间暂无已公示的考评结果。")
        )
    )

    story += [
        Spacer(1, 8 * mm),
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
        title=str(_("驻区单位“双报到”情况报告")),
        author="Shanzhi",
    )
    doc.build(story)
    return buffer.getvalue()
