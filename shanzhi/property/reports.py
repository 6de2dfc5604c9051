"""A closed vote's tally as an .xlsx workbook and its sealed result as an A4 PDF (pure rendering:
no database, no user scope; the caller passes the vote, its export file and the recount check).

The workbook's 分户 sheet carries owner codes and units (never names or phones, as the
``tally_vote`` export does) and goes to staff only; the summary and the PDF carry no unit. The
digest is SHA-256 over the export file in canonical JSON (keys sorted, no spaces, UTF-8), so anyone
holding the JSON export can recompute it and see that the ballots are the ones sealed. The PDF
uses reportlab's built-in CID font STSong-Light (every PDF reader carries it): no font file ships.
"""

import hashlib
import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shanzhi.core import spreadsheets

from . import tally

PDF_FONT = "STSong-Light"


def ballots_digest(export):
    """SHA-256 (hex) of the export file (electorate and counted ballots) in canonical JSON."""
    canonical = json.dumps(export, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def thresholds(matter):
    """The rules of Civil Code art. 278 ¶2 the count applied, in words (see ``tally.py``)."""
    quorum = _(
        "参与表决：专有部分面积占比三分之二以上且人数占比三分之二以上（《民法典》第二百七十八条第二款）"
    )
    if matter == tally.MAJOR:
        consent = _(
            "同意：参与表决专有部分面积四分之三以上且参与表决人数四分之三以上"
            "（第二百七十八条第一款第六项至第八项）"
        )
    else:
        consent = _("同意：参与表决专有部分面积过半数且参与表决人数过半数")
    return [quorum, consent]


def _verdict(result):
    if result.get("passed"):
        return _("通过")
    if not result.get("quorum"):
        return _("参与表决不足三分之二，未形成决定")
    return _("未通过")


def _yes_no(value):
    return _("是") if value else _("否")


def summary(vote, export, *, recount_ok):
    """(label, value) rows: the matter, the rules applied, the sealed figures, seal and digest."""
    r = vote.result or {}
    sealed_at = timezone.localtime(vote.closed_at).strftime("%Y-%m-%d %H:%M:%S") if vote.closed_at else ""
    rows = [
        (_("小区"), vote.compound.name),
        (_("表决事项"), vote.question),
        (_("事项类别"), f"{vote.item}. {vote.get_item_display()}"),
        (_("召集方"), vote.get_called_by_display()),
        (_("投票期间"), f"{vote.starts_on:%Y-%m-%d} – {vote.ends_on:%Y-%m-%d}"),
    ]
    rows += [(_("适用规则"), t) for t in thresholds(vote.matter)]
    rows += [
        (_("专有部分总面积（㎡）"), r.get("total_area")),
        (_("业主总人数"), r.get("total_heads")),
        (_("参与表决面积（㎡）"), r.get("participating_area")),
        (_("参与表决人数"), r.get("participating_heads")),
        (_("同意面积（㎡）"), r.get("yes_area")),
        (_("同意人数"), r.get("yes_heads")),
        (_("反对面积（㎡）"), r.get("no_area")),
        (_("反对人数"), r.get("no_heads")),
        (_("弃权面积（㎡）"), r.get("abstain_area")),
        (_("弃权人数"), r.get("abstain_heads")),
        (_("达到法定参与比例"), _yes_no(r.get("quorum"))),
        (_("表决结果"), _verdict(r)),
        (_("封存时间"), sealed_at),
        (_("按选票重新计票"), _("与封存结果一致") if recount_ok else _("与封存结果不一致")),
        (_("选票摘要（SHA-256）"), ballots_digest(export)),
    ]
    return rows


def unit_rows(export):
    """One row per exclusive part: unit, owner code, area, the owner's counted choice (or none)."""
    labels = {tally.YES: _("同意"), tally.NO: _("反对"), tally.ABSTAIN: _("弃权")}
    votes = export["votes"]
    return [
        (u["unit"], u["owner"], u["area"], labels.get(votes.get(u["owner"]), _("未投票")))
        for u in export["units"]
    ]


def tally_xlsx(vote, export, *, recount_ok, per_unit=True):
    """The workbook: 汇总 (the summary) and, with ``per_unit`` (staff), 分户 (each unit's
    choice); every text cell neutralised."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spreadsheets.sheet_title(_("汇总")))
    for label, value in summary(vote, export, recount_ok=recount_ok):
        spreadsheets.append(sheet, [label, value])
    if not per_unit:
        return spreadsheets.xlsx_bytes(book)
    units = book.create_sheet(spreadsheets.sheet_title(_("分户")))
    spreadsheets.append(units, [_("房屋"), _("业主编号"), _("专有部分面积（㎡）"), _("意见")])
    for row in unit_rows(export):
        spreadsheets.append(units, list(row))
    return spreadsheets.xlsx_bytes(book)


def _escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sealed_pdf(vote, export, *, recount_ok, generated_at):
    """The sealed result on A4: title, the summary table, a note on the digest, the date made."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = {"fontName": PDF_FONT, "wordWrap": "CJK"}
    title = ParagraphStyle("title", fontSize=16, leading=22, alignment=1, spaceAfter=8, **base)
    cell = ParagraphStyle("cell", fontSize=9.5, leading=13, **base)
    small = ParagraphStyle("small", fontSize=8, leading=11, textColor="#666666", **base)
    width = A4[0] - 36 * mm
    rows = [
        [Paragraph(_escape(label), cell), Paragraph(_escape("" if value is None else value), cell)]
        for label, value in summary(vote, export, recount_ok=recount_ok)
    ]
    table = Table(rows, colWidths=[0.3 * width, 0.7 * width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F3DADA")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        Paragraph(_escape(_("业主大会表决结果（封存）")), title),
        table,
        Spacer(1, 6 * mm),
        Paragraph(
            _escape(
                _(
                    "选票摘要是本表决计票文件（业主编号、房屋、面积与已计入的选票，JSON，键名排序、"
                    "无空格、UTF-8）的 SHA-256 值；持有计票文件的任何人都可以重新计算核对。"
                )
            ),
            small,
        ),
        Paragraph(
            _escape(
                _("生成时间：%(t)s") % {"t": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M")}
            ),
            small,
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=str(_("业主大会表决结果（封存）")),
    )
    doc.build(story)
    return out.getvalue()
