"""A period's evaluations as an .xlsx workbook (pure rendering: the caller passes the evaluations
the user may see, ``queries.evaluations_for``). The page and the API send the same bytes. Names
pass through ``core.spreadsheets``, which neutralises formulas."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from shanzhi.core import spreadsheets


def evaluations_xlsx(period, evaluations):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spreadsheets.sheet_title(period))
    spreadsheets.append(
        sheet,
        [
            _("物业企业"),
            _("得分"),
            _("等级"),
            _("一票否决"),
            _("每百户投诉量"),
            _("按期办结率"),
            _("诉求满意率"),
        ],
    )
    for e in evaluations.order_by("company__name"):
        f = e.figures or {}
        spreadsheets.append(
            sheet,
            [
                e.company.name,
                e.score,
                e.get_grade_display(),
                _("是") if e.vetoed else "",
                f.get("complaints_per_100"),
                f.get("on_time"),
                f.get("satisfaction"),
            ],
        )
    return spreadsheets.xlsx_bytes(book)


def evaluations_filename(period):
    return f"evaluations-{period.starts_on}.xlsx"
