"""Issue 13 §6–8 in a real browser at phone size: a grid worker settles their own patrol find on
the spot and reveals a resident's contact phone (a ``tel:`` link); the resident follows the step
bar and never meets an internal note. Fixtures as in shanzhi/tests/test_browser.py."""

import pytest

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal
from shanzhi.tests.test_browser import CHROMIUM, browser, csp_refusals, sign_in, watch_csp  # noqa: F401

from .conftest import IN_A1, make_category

pytestmark = [pytest.mark.browser]
PHONE = "13912345678"
SECRET = "内部：注意沟通方式"
OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_settles_a_find_and_calls_back_and_the_resident_follows(browser, live_server, cast):  # noqa: F811
    category = make_category("T0402", "楼道堆物（测）", handler="grid")
    category.grid_self_handle = True
    category.response_template = "已办理：【办理情况】"
    category.save()
    find = services.submit(
        by=cast.wang,
        channel="patrol",
        title="楼道纸箱",
        description="三单元楼道堆放纸箱。",
        category=category,
        lng=IN_A1[0],
        lat=IN_A1[1],
    )
    filed = services.submit(
        by=cast.jumin,
        channel="web",
        title="楼上夜间噪音",
        description="夜里很吵。",
        category=category,
        lng=IN_A1[0],
        lat=IN_A1[1],
        contact_phone=PHONE,
    )
    filed = services.accept(filed, by=cast.zhang)
    services.dispatch(filed, by=cast.zhang, to_user=cast.wang, note=SECRET)

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.wang, cast.password)
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/appeals/{find.number}/")
    form = page.locator("#act-self_handle")
    form.locator("textarea[name=result]").fill("已办理：【办理情况】")
    form.locator("button").click()
    refusal = page.wait_for_selector(".alert-danger[data-error-field]")  # the page sent back
    assert "【办理情况】" in refusal.inner_text() and not page.evaluate(
        OVERFLOW
    )  # refused, named, on the page
    page.locator("#act-self_handle textarea[name=result]").fill("已当场清理纸箱")
    # The form carries photos, so it is sent in the background (phoneform.js) and the page then
    # goes to the appeal: wait for that, not for the network to fall quiet.
    with page.expect_navigation(url=f"**/appeals/{find.number}/"):
        page.locator("#act-self_handle button").click()
    assert Appeal.objects.get(pk=find.pk).status == Appeal.Status.RESOLVED

    page.goto(f"{live_server.url}/appeals/{filed.number}/")
    assert PHONE not in page.content() and "139****5678" in page.content()
    page.click("#contact-phone button")
    page.fill("#contact-phone [name=reason]", "电话回访居民")
    page.click("#contact-phone .btn-danger")
    page.wait_for_selector(f"a[href='tel:{PHONE}']")
    assert not page.evaluate(OVERFLOW) and csp_refusals(page, seen) == []

    resident = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(resident, live_server, cast.jumin, cast.password)
    resident.goto(f"{live_server.url}/appeals/{filed.number}/")
    assert resident.locator("[aria-current=step]").inner_text().startswith("办理中")
    assert SECRET not in resident.content() and not resident.evaluate(OVERFLOW)
