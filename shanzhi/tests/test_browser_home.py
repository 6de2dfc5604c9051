"""The home page on a phone: a grid worker lands on it after signing in, it fits 390 px, and the
navbar's unread badge leads to the notification, which opens its appeal and is then read."""

import os

import pytest

from shanzhi.tests.test_browser import CHROMIUM, browser, csp_refusals, sign_in, watch_csp  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_lands_home_on_a_phone_and_opens_an_unread_notification(browser, live_server, cast):  # noqa: F811
    from shanzhi.appeals import services
    from shanzhi.appeals.models import Notification
    from shanzhi.appeals.tests.conftest import IN_A1, make_category

    category = make_category("H01", "楼道堆物（测）")
    a = services.submit(
        by=cast.jumin,
        channel="web",
        title="楼道堆物",
        description="纸箱堆满楼道。",
        category=category,
        lng=IN_A1[0],
        lat=IN_A1[1],
    )
    a = services.dispatch(services.accept(a, by=cast.zhang), by=cast.zhang, to_user=cast.wang)
    note = Notification.objects.filter(user=cast.wang, appeal=a).first()
    assert note is not None and note.read_at is None

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.wang, cast.password)
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "我的待办" in page.content() and a.number in page.content()
    assert page.evaluate(FITS)
    page.click(f'a[href="/appeals/notifications/{note.pk}/"]')
    page.wait_for_url(f"**/appeals/{a.number}/")
    note.refresh_from_db()
    assert note.read_at is not None
    assert csp_refusals(page, seen) == []
