"""Every demo login lands on its own home (never a 403), and every link there opens.

The tiny demo district is seeded once for the module (``seed_demo`` through every app's demo);
each test runs in its own savepoint inside that transaction.
"""

import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from shanzhi.accounts.models import Role
from shanzhi.registry.demo import DEMO_PASSWORD, DEMO_USERS

HREF = re.compile(r'href="(/(?!static/)[^"#]*)"')
# What each role's home must show (its own work and shortcuts), in the Chinese UI.
EXPECT = {
    Role.RESIDENT: ["我的诉求", "我要反映", "我的家庭"],
    Role.GRID_WORKER: ["我的待办", "一张网", "登记诉求"],
    Role.COMMUNITY_STAFF: ["我的待办", "待受理", "台账导入"],
    Role.COMMUNITY_SECRETARY: ["我的待办", "考核"],
    Role.STREET_STAFF: ["我的待办", "考核"],
    Role.DISTRICT_STAFF: ["我的待办", "考核"],
    Role.DISTRICT_LEADER: ["我的待办", "考核"],
    Role.DEPARTMENT_HANDLER: ["我的待办", "吹哨报到", "考核"],
    Role.PROPERTY_STAFF: ["我的待办", "物业企业"],
    Role.UNIT_MEMBER: ["共建与双报到", "待认领需求", "需求清单", "驻区单位"],
    Role.VOLUNTEER: ["志愿与爱心银行", "爱心积分", "志愿活动"],
    Role.SYSTEM_ADMIN: ["诉求分类", "工作日历", "一张网"],
    Role.SECURITY_ADMIN: ["账号与角色", "待授予角色"],
    Role.AUDIT_ADMIN: ["审计日志", "审计链校验"],
}
# Never offered to each role (a link it may not use).
NEVER = {
    Role.RESIDENT: ["/appeals/metrics/", "/accounts/users/", "/registry/"],
    Role.VOLUNTEER: ["/appeals/", "/network/"],
    Role.UNIT_MEMBER: ["/appeals/metrics/", "/network/"],
    Role.SECURITY_ADMIN: ["/audit/", "/appeals/"],
    Role.AUDIT_ADMIN: ["/accounts/users/", "/appeals/"],
    Role.DEPARTMENT_HANDLER: ["/network/", "/registry/"],
}


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            call_command("seed_demo", "--scale", "tiny", "--seed", "7", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def _one_per_shape(urls):
    """One link per view and set of query parameter names: a leader's dashboard links every
    figure to the worklist with its own filter values, and a grid worker's home every case, over
    a hundred links that differ only in values, which one view parses with one form. Every link
    with its values is opened in a browser by the walk (``make walk``); a path no view answers is
    always kept, so it is reported."""
    seen = set()
    for url in urls:
        parts = urlsplit(url)
        try:
            view = resolve(parts.path).view_name
        except Resolver404:
            yield url
            continue
        shape = (view, frozenset(key for key, _ in parse_qsl(parts.query, keep_blank_values=True)))
        if shape not in seen:
            seen.add(shape)
            yield url


def signed_in(username):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client, response


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_district")
@pytest.mark.parametrize("demo", DEMO_USERS, ids=[d.username for d in DEMO_USERS])
def test_every_demo_login_lands_on_its_home_and_every_link_there_opens(demo):
    client, response = signed_in(demo.username)
    assert response.url == reverse("accounts:home")
    home = client.get(response.url)
    assert home.status_code == 200
    html = home.content.decode()
    for text in EXPECT[demo.role]:
        assert text in html, (demo.username, text)
    links = sorted(set(HREF.findall(html)) - {reverse("accounts:logout")})
    for bad in NEVER.get(demo.role, []):
        assert not any(href == bad or href.startswith(bad + "?") for href in links), (demo.username, bad)
    broken = []
    for url in _one_per_shape(href.replace("&amp;", "&") for href in links):
        # A page that sends on (a resident's household, co-op overview to "mine") must land on a 200.
        status = client.get(url, follow=True).status_code
        if status != 200:
            broken.append((url, status))
    assert broken == [], demo.username


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_district")
def test_the_logo_goes_home():
    client, _response = signed_in("hedanwei")
    html = client.get(reverse("accounts:home")).content.decode()
    assert f'class="navbar-brand fw-bold" href="{reverse("accounts:home")}"' in html


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_district")
def test_panels_under_one_heading_are_one_panel():
    # The calendar (accounts) and the categories (appeals) are both 系统设置.
    client, _response = signed_in("xitong")
    html = client.get(reverse("accounts:home")).content.decode()
    assert html.count("系统设置") == 1
    assert reverse("admin_tools:workdays") in html and reverse("appeals:categories") in html


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_district")
def test_every_seeded_notification_names_its_own_appeal_and_opens_for_its_reader():
    from collections import Counter

    from shanzhi.accounts import permissions
    from shanzhi.appeals.models import Appeal, Notification

    notes = list(Notification.objects.select_related("user", "appeal").exclude(appeal=None))
    assert notes
    wrong, hidden = [], Counter()
    for n in notes:
        if n.appeal.number not in n.text:
            wrong.append((n.kind, n.text, n.appeal.number))
        if not permissions.visible(n.user, Appeal).filter(pk=n.appeal_id).exists():
            hidden[(n.kind, n.user.username)] += 1
    assert wrong == []
    assert hidden == Counter()
    reader = notes[0].user
    client = Client()
    client.force_login(reader)
    response = client.get(reverse("appeals:notification", args=[notes[0].pk]))
    assert response.status_code == 302 and response.url == reverse(
        "appeals:detail", args=[notes[0].appeal.number]
    )
