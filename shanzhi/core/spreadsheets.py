"""The one writer of every .xlsx and .csv the system hands out.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a
tab or carriage return, or their full-width forms) as a formula: a coop need titled
``=HYPERLINK("http://x","y")`` would come out as a live link (formula injection, issue 12 §5).
Text that people typed reaches these files (names, titles, usernames of failed logins), so every
exported text cell goes through ``neutralise``: such text gets a leading ``'`` and stays text.
Numbers, dates and booleans stay what they are.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralise(value):
    """``value`` unless it is text a spreadsheet would run as a formula; then that text as text."""
    if isinstance(value, Promise):  # a lazy label is text too
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values):
    """One row ready for ``sheet.append`` or a CSV writer: None as empty, text neutralised."""
    return ["" if v is None else neutralise(v) for v in values]


def append(sheet, values):
    """``sheet.append`` through the guard; works for normal and write-only openpyxl sheets."""
    sheet.append(row(values))


# A sheet's name: Excel refuses more than 31 characters and any of []:*?/\ (openpyxl raises on
# the characters and only warns on the length, and the file then fails to open in some programs).
_SHEET_REFUSED = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(text):
    """``text`` as a sheet name Excel opens: refused characters as spaces, at most 31 characters."""
    return " ".join(str(text).translate(_SHEET_REFUSED).split())[:31] or "Sheet"


def xlsx_bytes(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(data, filename):
    """An .xlsx download of ``data`` (bytes from ``xlsx_bytes``, written with ``append``/``row``)."""
    return _attachment(HttpResponse(data, content_type=XLSX_CONTENT_TYPE), filename)


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    """Each row as one CSV line, neutralised, after a BOM that lets Excel read the UTF-8 file
    with the Chinese intact. ``rows`` may be a generator: the file streams as it is read."""
    yield "\ufeff"
    writer = csv.writer(_Echo())
    for values in rows:
        yield writer.writerow(row(values))


def csv_response(rows, filename):
    """A streamed .csv download of ``rows`` (header first), every text cell neutralised."""
    return _attachment(StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE), filename)
