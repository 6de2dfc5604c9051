"""The committee and meeting pages on a phone (390 px) and a desk: they fit the width, and the
forms are there for the community's staff."""

import datetime
import os

import pytest

from shanzhi.appeals.models import Category
from shanzhi.tests.test_browser import CHROMIUM, browser, csp_refusals, sign_in, watch_csp  # noqa: F401

from ..services import committees, meetings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
SHOTS = os.environ.get("SHANZHI_SCREENSHOTS", "")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_committee_and_meeting_pages_fit_a_phone(browser, live_server, cast, width, height):  # noqa: F811
    today = datetime.date.today()
    committees.set_committee(
        cast.compound,
        kind="owners",
        term_start=today - datetime.timedelta(days=1000),
        term_end=today + datetime.timedelta(days=30),
        by=cast.zhang,
    )
    committees.add_member(cast.compound, resident=cast.resident.pk, role="director", by=cast.zhang)
    committees.add_reserve(
        cast.compound,
        resident=cast.resident2.pk,
        list_name="negative",
        reason="长期拒缴物业费并煽动纠纷",
        by=cast.zhang,
    )
    m = meetings.record_meeting(
        cast.compound,
        held_on=today - datetime.timedelta(days=20),
        place="社区党群服务中心议事厅",
        topics="停车难、消防通道被占用",
        attendees=[("community", "张社区", "主任"), ("company", "冯物业", "项目经理")],
        by=cast.zhang,
    )
    # A transactional test's flush empties the migration's categories: one of its own.
    parent, _new = Category.objects.get_or_create(code="99", defaults={"name": "物业服务"})
    category, _new = Category.objects.get_or_create(
        code="9901", defaults={"name": "消防通道", "parent": parent}
    )
    meetings.add_decision(
        m, text_given="清理消防通道堆物", kind="appeal", category=category.pk, by=cast.zhang
    )
    meetings.add_decision(
        m, text_given="施划临时停车位", kind="task", owner_party="company", workdays_given=5, by=cast.zhang
    )
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.zhang, cast.password)
    for path, marker in (
        (f"/property/compounds/{cast.compound.pk}/committee/", "负面清单"),
        (f"/property/meetings/{m.pk}/", "已逾期"),
        ("/property/meetings/new/", "参会人员"),
        ("/property/committees/", "天后届满"),
    ):
        page.goto(live_server.url + path)
        assert marker in page.content(), path
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
        if SHOTS:
            page.screenshot(
                path=f"{SHOTS}/property-{path.strip('/').replace('/', '-')}-{width}.png", full_page=True
            )
    assert csp_refusals(page, seen) == []
