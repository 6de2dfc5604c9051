"""A grid worker's morning, in a real browser: Debian's Chromium driven by Playwright against the
live test server. Skipped where Chromium is not installed (CI installs it)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


# Every page records what the Content-Security-Policy refused: the DOM event (with the directive and
# what was blocked) and the console line Chromium prints for it.
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch_csp(page):
    """The list the page's CSP complaints are collected into, console and DOM events together."""
    seen = []
    page.add_init_script(RECORD_CSP)
    page.on("console", lambda m: "Content Security Policy" in m.text and seen.append(m.text))
    return seen


def csp_refusals(page, seen):
    return seen + page.evaluate("window.__cspViolations || []")


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_grid_worker_signs_in_on_a_phone_and_reveals_a_phone_number(browser, live_server, cast):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.wang, cast.password)
    page.wait_for_load_state("networkidle")
    assert cast.grid.name in page.content()

    page.goto(f"{live_server.url}/residents/{cast.resident.pk}/")
    assert cast.resident.phone not in page.content()  # masked until revealed
    page.click("#reveal-phone button")
    page.fill("#reveal-phone [name=reason]", "入户走访需要联系")
    page.click("#reveal-phone .btn-danger")
    page.wait_for_selector(f"text={cast.resident.phone}")
    assert csp_refusals(page, seen) == []  # the htmx swap included

    from shanzhi.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="reveal", actor_username=cast.wang.username).count() == 1


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_a_message_in_chinese(browser, live_server, cast):
    page = browser.new_page(locale="zh-CN")
    sign_in(page, live_server, cast.wang, "not-the-password")
    assert "/accounts/login/" in page.url
    assert "用户名" in page.content() or "密码" in page.content()


@pytest.mark.django_db(transaction=True)
def test_the_pages_run_under_the_content_security_policy_without_a_refusal(browser, live_server, cast):
    from django.utils import timezone

    from shanzhi.appeals import services as appeals
    from shanzhi.appeals.models import Appeal
    from shanzhi.appeals.tests.conftest import IN_A1, make_category
    from shanzhi.coop import services as coop

    appeal = appeals.submit(
        by=cast.jumin,
        channel=Appeal.Channel.WEB,
        title="楼上夜间噪音",
        description="每天夜里十二点后仍有很大的噪音，影响休息。",
        category=make_category("T0303", "邻里生活噪音（测）", handler="community"),
        lng=IN_A1[0],
        lat=IN_A1[1],
    )
    coop.create_resource(
        community=cast.community,
        title="上门理发",
        category="elderly",
        kind="volunteer",
        provider_kind="unit",
        provider_unit=cast.unit,
        by=cast.zhang,
        capacity=2,
        weekdays="1111100",
        time_from="09:00",
        time_to="11:00",
        place="幸福小区",
        contact_name="联系人甲",
        contact_phone="13912345678",
        grid=cast.grid,
        publish=True,
    )
    today = timezone.localdate()
    agreement = coop.sign_agreement(
        unit=cast.unit,
        community=cast.community,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        unit_signatory="院党委书记",
        signed_on=today.replace(month=1, day=1),
        commitments=[{"kind": "activity", "content": "义诊进社区", "promised_count": 4}],
        by=cast.zhao,
    )
    coop.record_joint_activity(agreement.commitments.get(), title="义诊", held_on=today, by=cast.zhao)
    page = browser.new_page(locale="zh-CN")
    seen = watch_csp(page)
    sign_in(page, live_server, cast.zhang, cast.password)
    page.wait_for_load_state("networkidle")
    walked = {}
    for path in [
        "/",
        f"/org/{cast.grid.code}/",  # Leaflet map and the grid's ECharts
        "/grid-health/",
        "/appeals/",
        f"/appeals/{appeal.number}/",
        "/appeals/metrics/",  # ECharts ranking
        "/appeals/new/",  # the Leaflet point picker
        "/api/v1/docs",  # ninja's bundled Swagger UI
        "/coop/",
        "/coop/resources/",
        "/coop/projects/",
        "/coop/agreements/",
        "/v/activities/",
        "/v/rankings/",
        "/v/teams/",
        "/v/scan/",
        "/no-such-page/",  # the friendly 404 under the same policy
    ]:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        walked[path] = response.status
    assert csp_refusals(page, seen) == []
    assert walked.pop("/no-such-page/") == 404
    assert set(walked.values()) == {200}, walked

    # Charts and maps draw, and a chart's tooltip (HTML ECharts writes) shows, all under the policy.
    page.goto(f"{live_server.url}/grid-health/")
    page.wait_for_selector("[data-sz-chart] svg")
    page.locator("[data-sz-chart]").first.hover()
    page.wait_for_timeout(300)  # the tooltip appears after a short delay
    page.goto(f"{live_server.url}/org/{cast.grid.code}/")
    page.wait_for_selector(".leaflet-container")
    assert csp_refusals(page, seen) == []

    # The progress bars get their width from data-sz-width through shanzhi.js (1 of 4 delivered).
    page.goto(f"{live_server.url}/coop/agreements/")
    bar = page.locator(".progress-bar[data-sz-width]").first
    assert bar.get_attribute("data-sz-width") == "25"
    assert bar.evaluate("el => el.style.width") == "25%"
    assert csp_refusals(page, seen) == []
