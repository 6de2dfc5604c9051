"""Every page on a 390 px phone, in a real browser: nothing wider than the screen, no word broken
one character per line (a squeezed tab or table cell). Each GET page of the URL × role matrix is
opened by a role that may use it, as the English walk does."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .test_browser import CHROMIUM, browser  # noqa: F401 (the fixture)
from .test_english import _opener, _pages
from .test_url_matrix import ROLE_USERS

pytestmark = [
    # Layout, words and accessibility do not depend on the database: walked once, on SQLite.
    pytest.mark.skipif(
        __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="browser walks run on the SQLite pass only",
    ),
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed"
    ),
]

# The page is wider than the screen; and the text nodes laid out one character per line.
MEASURE = """() => {
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  const squeezed = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text.length < 3 || !node.parentElement || !node.parentElement.offsetParent) continue;
    range.selectNodeContents(node);
    const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
    if (lines.size >= text.length) squeezed.push(text.slice(0, 20));
  }
  let widest = "";
  if (overflow > 1) {
    let right = 0;
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > right && r.width > 0) { right = r.right; widest = el.tagName + "." + el.className; }
    }
  }
  return {overflow: overflow, squeezed: squeezed.slice(0, 5), widest: widest};
}"""


# Views that send a file under a path without an extension (a ballot's scan, an inspection photo).
FILES = {"scan", "photo"}


def _session_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone(browser, live_server, matrix_cast):  # noqa: F811
    cast = matrix_cast
    # Every database read and session written before the first page opens: a page's own requests
    # (a map's or a chart's JSON) may still be running in the live server's thread when the next
    # page is asked for, and SQLite's shared in-memory database refuses a second writer outright.
    visits, cookies = [], {}
    for row in _pages():
        role, rel = _opener(row)
        if role is None:
            continue
        kwargs = row.obj(cast, rel) if row.obj is not None else None
        if row.obj is not None and kwargs is None:
            continue
        url = reverse(row.name, kwargs=kwargs)
        last = url.rstrip("/").rsplit("/", 1)[-1]
        if "." in last or last in FILES or "/progress/" in url:
            continue  # files and fragments, not pages
        if role not in cookies:
            user = ROLE_USERS[role]
            cookies[role] = _session_cookie(live_server, getattr(cast, user)) if user else None
        visits.append((role, url))
    contexts = {}
    problems = []
    for role, url in visits:
        if role not in contexts:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            if cookies[role]:
                context.add_cookies([cookies[role]])
            contexts[role] = context.new_page()
        page = contexts[role]
        response = page.goto(live_server.url + url)
        if (
            response is None
            or response.status != 200
            or "html" not in response.headers.get("content-type", "")
        ):
            continue
        seen = page.evaluate(MEASURE)
        if seen["overflow"] > 1 or seen["squeezed"]:
            problems.append(
                f"{url} ({role}): {seen['overflow']}px too wide ({seen['widest']}); "
                f"one char per line: {seen['squeezed']}"
            )
    assert not problems, f"{len(problems)} pages do not fit 390 px:\n" + "\n".join(problems)
