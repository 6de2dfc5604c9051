"""Every demo login's day in a real browser, on a 390 px phone and at a 1366 px desk.

Each of the fifteen demo users signs in through the login form, opens their home and every link
on it (the navbar's included): no 403/404/500, nothing wider than the screen, no console error, and
no serious or critical axe-core violation. A few of them walk again in English: no Chinese left
from our source strings (what stays Chinese must be stored data, as in the English walk).

To keep the run short, each linked URL is opened once per screen size, by the first user whose
home links it; that every user may open every link on their own home is checked for all fifteen
by test_homes.py with the test client. Homes are opened by every user at both sizes.

With ``SHANZHI_SCREENSHOTS=docs/screenshots`` (``make screenshots``) the walk also saves each
role's home and the main pages at both sizes as PNG, for a reviewer to see without running it.
"""

import io
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from shanzhi.registry.demo import DEMO_PASSWORD, DEMO_USERS
from shanzhi.registry.models import OrgNode

from .test_browser import CHROMIUM, browser  # noqa: F401 (the fixture)
from .test_english import CJK, KEPT_IN_CHINESE, stored_text

pytestmark = [
    # Layout, words and accessibility do not depend on the database: walked once, on SQLite.
    pytest.mark.skipif(
        __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="browser walks run on the SQLite pass only",
    ),
    pytest.mark.browser,
    pytest.mark.walk,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

ROOT = Path(settings.BASE_DIR)
AXE = next(
    (
        p
        for p in (
            ROOT / "node_modules/axe-core/axe.min.js",
            ROOT / "shanzhi/static/vendor/axe-core/axe.min.js",
        )
        if p.exists()
    ),
    None,
)
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 768}}
# Links that are not pages to walk: files, signing out, the API's machine-readable answers.
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout", "/api/", "/csp-report")
SKIP_SUFFIXES = (".xlsx", ".csv", ".pdf", ".json", ".zip")
# Users who walk again in English: a street role, an office role, and the three whose homes are
# least like the others'.
IN_ENGLISH = {"wangwangge", "zhangshequ", "zhengbumen", "hedanwei", "mazhiyuan", "jumin"}
# The main pages a reviewer should see, each with the demo user who opens it.
MAIN_PAGES = [
    ("zhangshequ", "/appeals/", "worklist"),
    ("zhangshequ", "/appeals/metrics/", "metrics"),
    ("zhangshequ", "/org/{community}/", "map"),
    ("zhangshequ", "/coop/", "coop"),
    ("mazhiyuan", "/v/me/", "volunteering"),
    ("jumin", "/appeals/new/", "resident-new-appeal"),
]

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
  .map(a => a.pathname + a.search)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# The menu's entries that lie open but end past the window's right edge (the navbar does not
# widen the page, so OVERFLOW misses them; a collapsed menu on a phone has none on screen).
MENU_PAST_THE_EDGE = """() => Array.from(document.querySelectorAll('.sz-navbar .nav-link'))
  .filter(a => a.offsetParent !== null && a.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(a => a.textContent.trim())"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def _sign_in(browser, live_server, username, size, language):  # noqa: F811
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    if language != "zh-hans":
        url = live_server.url
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    return page, errors


def _walkable(path):
    bare = path.split("?")[0]
    return not bare.startswith(SKIP_PREFIXES) and not bare.endswith(SKIP_SUFFIXES)


class Walk:
    def __init__(self, live_server):
        self.live_server = live_server
        self.problems = []
        self.opened = 0
        self.data = None
        self.shots = os.environ.get("SHANZHI_SCREENSHOTS")
        self.axe_seconds = 0.0

    def check(self, page, errors, path, who, english=False):
        """Open one page and note everything wrong with it."""
        errors.clear()
        response = page.goto(self.live_server.url + path)
        page.wait_for_load_state("load")
        self.opened += 1
        where = f"{path} ({who})"
        status = response.status if response else None
        if status is None or status >= 400:
            self.problems.append(f"{where}: HTTP {status}")
            return
        if "html" not in response.headers.get("content-type", ""):
            return
        overflow = page.evaluate(OVERFLOW)
        if overflow > 1:
            self.problems.append(f"{where}: {overflow}px wider than the screen")
        past = page.evaluate(MENU_PAST_THE_EDGE)
        if past:
            self.problems.append(f"{where}: menu entries past the right edge: {past}")
        if english:
            if not page.evaluate("() => document.documentElement.lang").startswith("en"):
                self.problems.append(f"{where}: not served in English")
            text = page.evaluate("() => document.body.innerText")
            text += " " + page.evaluate(
                "() => Array.from(document.querySelectorAll('[placeholder],[title],[aria-label]'))"
                ".map(e => [e.placeholder, e.title, e.getAttribute('aria-label')].join(' ')).join(' ')"
            )
            runs = {r for r in CJK.findall(text) if r not in KEPT_IN_CHINESE}
            if any(r not in self.data for r in runs):
                self.data = stored_text()  # pages may store things as they are opened
            # The language switch names Chinese in Chinese on purpose.
            left = sorted(r for r in runs if r not in self.data and r not in {"简体中文", "中文"})
            if left:
                self.problems.append(f"{where} in English: {' '.join(left[:12])}")
        else:
            began = time.monotonic()
            page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugger: the CSP stays
            for violation in page.evaluate(AXE_RUN):
                self.problems.append(f"{where}: axe {violation}")
            self.axe_seconds += time.monotonic() - began
        if errors:
            self.problems.append(f"{where}: console: {' / '.join(errors[:3])}")

    def shoot(self, page, name):
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            # A desk page whole; a phone page as the phone's screen shows it.
            full = page.viewport_size["width"] > SIZES["phone"]["width"]
            page.screenshot(path=str(Path(self.shots) / f"{name}.png"), full_page=full)


FOCUSED = "() => document.activeElement.getAttribute('href') || ''"


def _by_keyboard(walk, browser, live_server):  # noqa: F811
    """The worklist with the keyboard alone: skip the navbar, tab to the first case, open it."""
    page, _errors = _sign_in(browser, live_server, "zhangshequ", "desk", "zh-hans")
    page.goto(live_server.url + "/appeals/")
    page.keyboard.press("Tab")
    if page.evaluate(FOCUSED) != "#main":
        walk.problems.append("/appeals/: the first Tab does not reach the skip link")
    page.keyboard.press("Enter")
    for presses in range(1, 41):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED).startswith("/appeals/SZ"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            if not urlsplit(page.url).path.startswith("/appeals/SZ"):
                walk.problems.append(f"/appeals/: Enter on a case went to {page.url}")
            print(f"keyboard: the first case after the skip link and {presses} Tabs")
            break
    else:
        walk.problems.append("/appeals/: 40 Tabs past the navbar and no case reached")
    page.context.close()


@pytest.mark.skipif(AXE is None, reason="axe-core is not installed (npm install)")
@pytest.mark.django_db(transaction=True)
def test_every_demo_user_walks_home_and_every_link_there(browser, live_server, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--scale", "tiny", "--seed", "7", stdout=io.StringIO())
    community = OrgNode.objects.filter(level=OrgNode.Level.COMMUNITY).order_by("code").first().code
    walk = Walk(live_server)
    walk.data = stored_text()
    started = time.monotonic()
    for size in SIZES:
        visited = set()
        for demo in DEMO_USERS:
            page, errors = _sign_in(browser, live_server, demo.username, size, "zh-hans")
            home_url = urlsplit(page.url).path
            if home_url != "/":
                walk.problems.append(f"{demo.username} landed on {page.url}")
            walk.check(page, errors, "/", demo.username)
            walk.shoot(page, f"home-{demo.role}-{size}".replace("_", "-"))
            home_links = sorted(set(page.evaluate(LINKS)))
            for path in home_links:
                if path in visited or path == "/" or not _walkable(path):
                    continue
                visited.add(path)
                walk.check(page, errors, path, demo.username)
            main = [
                (path.format(community=community), name) for u, path, name in MAIN_PAGES if u == demo.username
            ]
            if demo.username == "wangwangge":  # the first appeal on the grid worker's home
                main += [(p, "appeal") for p in home_links if p.startswith("/appeals/SZ")][:1]
            for path, name in main:
                walk.check(page, errors, path, demo.username)
                page.wait_for_load_state("networkidle")  # the map's and charts' drawing
                walk.shoot(page, f"{name}-{size}")
            page.context.close()
    visited = set()
    for username in sorted(IN_ENGLISH):
        page, errors = _sign_in(browser, live_server, username, "phone", "en")
        walk.check(page, errors, "/", username, english=True)
        for path in sorted({p for p in page.evaluate(LINKS) if _walkable(p)} - visited - {"/"}):
            visited.add(path)
            walk.check(page, errors, path, username, english=True)
        page.context.close()
    _by_keyboard(walk, browser, live_server)
    print(f"walk: {walk.opened} pages in {time.monotonic() - started:.0f}s, axe {walk.axe_seconds:.0f}s")
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
