"""Issue 13 §2 and §3 in a real browser (Debian's Chromium through Playwright): a resident files an
appeal by clicking inside their grid on the offline map; the worklist fits a 390 px phone."""

import pytest
from django.urls import reverse

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal
from shanzhi.tests.test_browser import CHROMIUM, browser, csp_refusals, sign_in, watch_csp  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM or not __import__("os").path.exists(CHROMIUM), reason="no chromium"),
]

PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True)
def test_resident_clicks_inside_the_grid_on_the_offline_map_and_the_appeal_is_accepted(
    browser,  # noqa: F811
    live_server,
    cast,
    cats,
):
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.jumin, cast.password)
    page.goto(f"{live_server.url}{reverse('appeals:submit')}")
    # The grid is drawn from the registry (no tile server), with its name on it.
    page.wait_for_selector("path.sz-grid")
    assert cast.grid.name in page.inner_text("#sz-pick-map")
    page.select_option("#id_category", str(cats.neighbour_noise.pk))
    page.fill("#id_title", "楼道堆放杂物")
    page.fill("#id_description", "三号楼二单元楼道堆满纸箱。")
    # A click on the resident's building snaps the point to it ...
    page.click("path.sz-building")
    assert float(page.input_value("#id_lng")) == pytest.approx(cast.building.lng, abs=1e-6)
    assert cast.building.name in page.inner_text("#sz-pick-label")
    # ... and a click in the middle of the grid picks that point.
    page.click("path.sz-grid")
    assert page.input_value("#id_lng") and cast.grid.name in page.inner_text("#sz-pick-label")
    assert _overflow(page) <= 0
    page.click("button[type=submit]")
    page.wait_for_url("**/appeals/SZ*/")
    appeal = Appeal.objects.get()
    assert (appeal.grid, appeal.submitter) == (cast.grid, cast.jumin)
    assert csp_refusals(page, seen) == []


def _overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.django_db(transaction=True)
def test_the_worklist_is_cards_on_a_phone_with_no_horizontal_overflow(
    browser,  # noqa: F811
    live_server,
    cast,
    cats,
    file_appeal,
):
    for i in range(3):
        a = file_appeal(by=cast.wang, channel="patrol", title=f"第{i}件：楼道里堆满了纸箱和旧家具，影响通行")
        services.accept(a, by=cast.zhang)  # the clock runs: the cards say how long is left
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.zhang, cast.password)
    page.goto(f"{live_server.url}{reverse('appeals:worklist')}?bucket=all")
    cards = page.locator(".sz-case-card")
    assert cards.count() == 3 and cards.first.is_visible()
    assert not page.locator("table.sz-case-table").is_visible()
    assert "剩" in cards.first.inner_text()  # in words, not colour only
    assert _overflow(page) <= 0
    page.goto(f"{live_server.url}{reverse('appeals:worklist_map')}?bucket=all")
    page.wait_for_selector("path.sz-grid")
    # Two grids of community A and the three cases (one place: drawn on top of each other).
    assert page.locator("#main path.leaflet-interactive, .leaflet-overlay-pane path").count() >= 5
    assert _overflow(page) <= 0
    assert csp_refusals(page, seen) == []
