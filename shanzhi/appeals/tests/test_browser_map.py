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
    page.fill("#id_contact_phone", "13912345678")
    # The signal drops and the page is opened again: what was typed is back, the phone is not
    # (personal data stays off the device), and the page says so.
    page.wait_for_timeout(400)  # the draft is saved 300 ms after the last keystroke
    page.reload()
    page.wait_for_selector("path.sz-grid")
    assert page.input_value("#id_title") == "楼道堆放杂物"
    assert page.input_value("#id_category") == str(cats.neighbour_noise.pk)
    assert page.input_value("#id_contact_phone") == ""
    assert page.locator("[data-sz-draft-note]").is_visible()
    assert "13912345678" not in page.evaluate("JSON.stringify(localStorage)")
    # A 12-megapixel photo leaves the phone scaled down (longest side 1600 px; the server's own
    # limit is 2560), with the upload's progress on the page.
    page.set_input_files(
        "#id_photos", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": _big_jpeg()}]
    )
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
    [photo] = appeal.photos.all()
    assert max(photo.width, photo.height) == 1600
    assert page.evaluate("localStorage.length") == 0  # the draft is forgotten once filed
    assert csp_refusals(page, seen) == []


def _big_jpeg():
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (4000, 3000), "white")
    draw = ImageDraw.Draw(image)
    for i in range(0, 4000, 40):
        draw.line([(i, 0), (4000 - i, 3000)], fill=(i % 255, 80, 160), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


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


@pytest.mark.django_db(transaction=True)
def test_an_appeal_goes_round_the_loop_on_phones_by_clicks_alone(
    browser,  # noqa: F811
    live_server,
    cast,
    cats,
):
    """Issue 13: the resident files by clicking the map, the grid worker handles it, the resident
    rates it, each on a 390 px phone and each only by clicking from their home after signing in.
    The community's own steps between (accept and dispatch, verify) go through the services."""
    resident = browser.new_page(viewport=PHONE, locale="zh-CN")
    seen = watch_csp(resident)
    sign_in(resident, live_server, cast.jumin, cast.password)
    resident.locator(f"#main a[href='{reverse('appeals:submit')}']").first.click()
    resident.wait_for_selector("path.sz-grid")
    resident.select_option("#id_category", str(cats.neighbour_noise.pk))
    resident.fill("#id_title", "楼道灯坏了")
    resident.fill("#id_description", "一单元三楼楼道灯不亮，晚上看不见。")
    resident.click("path.sz-grid")
    resident.click("button[type=submit]")
    resident.wait_for_url("**/appeals/SZ*/")
    appeal = Appeal.objects.get()
    services.dispatch(services.accept(appeal, by=cast.zhang), by=cast.zhang, to_user=cast.wang)

    worker = browser.new_page(viewport=PHONE, locale="zh-CN")
    worker_seen = watch_csp(worker)
    sign_in(worker, live_server, cast.wang, cast.password)
    worker.locator(f"#main a[href='/appeals/{appeal.number}/']").first.click()
    worker.locator("#act-start button").click()
    worker.wait_for_selector("#act-resolve")
    worker.fill("#act-resolve textarea[name=result]", "已更换楼道灯泡，恢复照明。")
    with worker.expect_navigation(url=f"**/appeals/{appeal.number}/"):
        worker.locator("#act-resolve button").click()
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.RESOLVED
    assert _overflow(worker) <= 0
    services.verify(Appeal.objects.get(pk=appeal.pk), by=cast.zhang)

    resident.locator("a.navbar-brand").click()  # home, and from there the case
    resident.locator(f"#main a[href='/appeals/{appeal.number}/']").first.click()
    resident.check("#rate-solved-solved")
    resident.check("#rate-satisfied")
    with resident.expect_navigation():
        resident.locator("#act-rate button").click()
    appeal.refresh_from_db()
    assert (appeal.solved, appeal.rating) == ("solved", "satisfied")
    assert _overflow(resident) <= 0
    assert csp_refusals(resident, seen) == [] and csp_refusals(worker, worker_seen) == []
