"""The unit report for the employer goes through the shared spreadsheet writer (issue 12 §5): a
need titled like a formula comes out as text, not a live formula."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.coop import services

INJECTED = '=HYPERLINK("http://x","y")'


def test_a_need_titled_like_a_formula_stays_text_in_the_unit_report(client, co):
    need = services.submit_need(
        by=co.cast.zhang,
        title=INJECTED,
        category="repair",
        source="online",
        scope="common",
        community=co.cast.community,
        slots=2,
    )
    services.claim_need(need, by=co.cast.he)
    client.force_login(co.cast.zhang)
    response = client.get(reverse("coop:unit_report", args=[co.cast.unit.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c for c in cells if c.data_type == "f"] == []
    [title] = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert title.value == "'" + INJECTED and title.data_type == "s"
    # Numbers are still numbers.
    assert any(c.data_type == "n" for c in cells)
