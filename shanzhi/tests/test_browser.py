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


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_grid_worker_signs_in_on_a_phone_and_reveals_a_phone_number(browser, live_server, cast):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(page, live_server, cast.wang, cast.password)
    page.wait_for_load_state("networkidle")
    assert cast.grid.name in page.content()

    page.goto(f"{live_server.url}/residents/{cast.resident.pk}/")
    assert cast.resident.phone not in page.content()  # masked until revealed
    page.click("#reveal-phone button")
    page.fill("#reveal-phone [name=reason]", "入户走访需要联系")
    page.click("#reveal-phone .btn-danger")
    page.wait_for_selector(f"text={cast.resident.phone}")

    from shanzhi.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="reveal", actor_username=cast.wang.username).count() == 1


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_a_message_in_chinese(browser, live_server, cast):
    page = browser.new_page(locale="zh-CN")
    sign_in(page, live_server, cast.wang, "not-the-password")
    assert "/accounts/login/" in page.url
    assert "用户名" in page.content() or "密码" in page.content()
