"""A leader's dashboard in a real browser, at phone and desk widths: the home page is the
dashboard; a click on a street on the map opens the street's, a click on a community the
community's, and a click on a figure lands on the list of exactly those cases."""

import os

import pytest

from shanzhi.tests.test_browser import CHROMIUM, browser, csp_refusals, sign_in, watch_csp  # noqa: F401

from .test_dashboard import IN_B

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
SHOTS = os.environ.get("SHANZHI_SCREENSHOTS", "")


def _label(page, name):
    """A unit's name on the map (the marker over its polygon), once the map has drawn."""
    page.wait_for_selector("#dc-map[data-ready='1']")
    return page.locator(".sz-dc-label", has_text=name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_leader_drills_from_map_to_the_cases(browser, live_server, cast, file_appeal, width, height):  # noqa: F811
    file_appeal(title="楼道堆物")
    file_appeal(title="夜间施工", lng=IN_B[0], lat=IN_B[1])
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.wu, cast.password)
    page.wait_for_selector("#sz-dashboard")
    _label(page, cast.street.name).click()
    page.wait_for_url(f"**/dc/{cast.street.pk}/**")
    assert page.locator("#dc-title").inner_text().startswith(cast.street.name)
    _label(page, cast.community.name).click()
    page.wait_for_url(f"**/dc/{cast.community.pk}/**")
    page.wait_for_selector("#dc-map[data-ready='1']")
    page.wait_for_selector("#dc-trend-chart canvas")
    # No horizontal scrolling on a phone: the dashboard fits the width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dc-community-{width}.png", full_page=True)
    received = page.locator("#dc-figures [data-figure=received]")
    count = int(received.locator(".fs-4").inner_text())
    assert count == 1
    received.click()
    page.wait_for_selector("#sz-figure-filter")
    assert "楼道堆物" in page.content()
    assert "夜间施工" not in page.content()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dc-list-{width}.png", full_page=True)
    assert csp_refusals(page, seen) == []
