"""The new sections in a real browser: the hot places and the histogram (a chart and its table)
at phone and desk widths, the clusters of a grid's map, the heat layer above it, and the big
screen's gauges; no horizontal scrolling at 390 px, nothing refused by the CSP."""

import os

import pytest

from shanzhi.appeals import services
from shanzhi.appeals.tests.conftest import IN_A2
from shanzhi.datacentre import services as dc_services
from shanzhi.tests.test_browser import CHROMIUM, browser, csp_refusals, sign_in, watch_csp  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
SHOTS = os.environ.get("SHANZHI_SCREENSHOTS", "")


def _seed(cast, file_appeal):
    done = [file_appeal(title=f"楼道堆物{i}", building=cast.building) for i in range(3)]
    file_appeal(title="路灯不亮", lng=IN_A2[0], lat=IN_A2[1])
    for a in done[:2]:
        a = services.accept(a, by=cast.zhang)
        a = services.start(services.dispatch(a, by=cast.zhang, to_user=cast.wang), by=cast.wang)
        services.resolve(a, by=cast.wang, result="已清理")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_community_dashboard_sections(browser, live_server, cast, file_appeal, width, height):  # noqa: F811
    _seed(cast, file_appeal)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.zhang, cast.password)
    page.goto(f"{live_server.url}/dc/{cast.community.pk}/")
    page.wait_for_selector("#dc-map[data-ready='1']")
    page.wait_for_selector("#dc-hist-chart canvas")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    # Above grid level the heat map: an ECharts heatmap over the units' outlines, its summary in text.
    page.wait_for_selector("#dc-heat[data-ready='1'] canvas")
    assert "4" in page.locator("#dc-heat-text").inner_text()
    assert page.locator("#dc-heat-section").is_visible()
    assert page.locator("#dc-hot-grids li").count() == 2
    assert page.locator("#dc-hot-compounds li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dc-sections-{width}.png", full_page=True)
    # A grid's map: the period's appeals as clusters (titles only).
    page.goto(f"{live_server.url}/dc/{cast.grid.pk}/")
    page.wait_for_selector(".sz-dc-cluster")
    assert page.locator(".sz-dc-cluster").first.inner_text() == "3"
    assert page.locator("#dc-heat").count() == 0  # a grid's map has the clusters, no heat map
    # The screens page fits a phone as well.
    page.goto(f"{live_server.url}/dc/screens/")
    page.wait_for_selector("#sz-screens")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.goto(f"{live_server.url}/dc/{cast.grid.pk}/")
    page.locator("#dc-hot-compounds a").first.click()
    page.wait_for_selector("#sz-figure-filter")
    assert cast.compound.name in page.locator("#sz-figure-filter").inner_text()
    assert csp_refusals(page, seen) == []


@pytest.mark.django_db(transaction=True)
def test_big_screen_gauges(browser, live_server, cast, file_appeal):  # noqa: F811
    _seed(cast, file_appeal)
    _screen, token = dc_services.issue_screen(cast.street, label="街道指挥中心", by=cast.liu)
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/dc/screen/{token}/")
    page.wait_for_selector("#dc-gauges canvas")
    assert page.locator("#dc-gauges canvas").count() == 4
    assert page.locator("#dc-rates-text li").count() == 4
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dc-screen-1920.png")
    assert csp_refusals(page, seen) == []


@pytest.mark.django_db(transaction=True)
def test_company_dashboard_on_a_phone(browser, live_server, cast, file_appeal):  # noqa: F811
    a = services.accept(file_appeal(title="电梯故障", building=cast.building), by=cast.zhang)
    a = services.start(services.dispatch(a, by=cast.zhang, to_company=cast.company), by=cast.feng)
    services.resolve(a, by=cast.feng, result="已修好")
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.feng, cast.password)
    page.goto(f"{live_server.url}/dc/company/{cast.company.pk}/")
    page.wait_for_selector("#dc-hist-chart canvas")
    page.wait_for_selector("#dc-trend-chart canvas")
    assert page.locator("#dc-figures [data-figure=resolved] .fs-4").inner_text() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dc-company-390.png", full_page=True)
    assert csp_refusals(page, seen) == []
