"""A refusal page (403, 404) shows the user's own menu, as every page does, without asking the
database for its counts; the menu kept for it is kept per set of roles and language."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shanzhi.accounts.templatetags import refusal_nav

MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<ul class="navbar-nav">', re.S)


def _menu(response):
    return MENU.search(response.content.decode()).group(1).strip()


@pytest.fixture(autouse=True)
def _nothing_kept():
    refusal_nav._KEPT.clear()
    yield
    refusal_nav._KEPT.clear()


@pytest.mark.parametrize("username", ["wang", "zhang", "xitong", "jumin", "zheng", "nobody"])
def test_a_refusal_shows_the_menu_of_the_users_other_pages(cast, client, username):
    client.force_login(getattr(cast, username))
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    for _ in range(2):  # rendered, then kept
        missing = client.get("/no-such-page/")
        refused = client.get(reverse("accounts:audit"))
        assert missing.status_code == 404 and refused.status_code == 403
        assert _menu(missing) == _menu(page) == _menu(refused)


def test_menus_are_kept_apart_by_roles_and_language(cast, client):
    client.force_login(cast.zhang)
    staff = _menu(client.get("/no-such-page/"))
    client.force_login(cast.jumin)
    resident = _menu(client.get("/no-such-page/"))
    assert staff != resident and "账号与角色" not in staff
    assert reverse("registry:home") in staff and reverse("registry:home") not in resident
    client.cookies.load({"django_language": "en"})
    english = _menu(client.get("/no-such-page/"))
    assert english != resident and "我的诉求" not in english


def test_a_refusal_counts_nothing(cast, client):
    from shanzhi.appeals.models import Notification

    Notification.objects.create(user=cast.zhang, kind="test", text="未读")
    client.force_login(cast.zhang)
    assert 'sz-unread">1' in client.get(reverse("accounts:profile")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/no-such-page/").content.decode()
    assert "sz-unread" not in body and reverse("appeals:notifications") in body
    assert not [q for q in queries.captured_queries if "appeals_notification" in q["sql"]]
