"""The metrics export goes through the shared spreadsheet writer (issue 12 §5): a unit named like a
formula comes out as text; the figures stay numbers."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.appeals import services

INJECTED = '=HYPERLINK("http://x","y")'


def test_a_category_named_like_a_formula_stays_text_in_the_metrics_export(cast, cats, login, file_appeal):
    # Units are named by the category's path, which starts with the top-level category's name.
    cats.noise.name = INJECTED
    cats.noise.save(update_fields=["name"])
    services.accept(file_appeal(), by=cast.zhang)
    params = {"dimension": "category", "start": "2026-03-01", "end": "2026-03-31", "min_cases": "1"}
    response = login(cast.zhang).get(reverse("appeals:metrics_export"), params)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c for c in cells if c.data_type == "f"] == []
    names = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(c.value.startswith("'" + INJECTED) and c.data_type == "s" for c in names)
    assert any(c.data_type == "n" for c in cells)
