"""Every page in English: no Chinese left from the source strings, no internal codes shown as words.

The walk takes each GET page of the URL × role matrix, opened by a role that may use it, with the
interface in English. What remains in Chinese must be data (a community's name, a resident's, a
category a district typed in): every Chinese run of the page's visible text has to occur in some
text stored in the database, or it is an untranslated string of ours. Lowercase snake_case words
in the visible text (``in_progress``, ``elderly_alone``) are codes that escaped their labels.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from .test_url_matrix import MATRIX, ROLE_USERS

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
CODE = re.compile(r"(?<![\w/.:-])[a-z]+_[a-z_]+(?![\w/.(-])")
# Roles to open a page with, most telling first (a page's own role sees the most of it).
PREFERENCE = [
    "community_staff",
    "grid_worker",
    "street_staff",
    "district_staff",
    "system_admin",
    "resident",
    "department_handler",
    "property_staff",
    "unit_member",
    "volunteer",
    "security_admin",
    "audit_admin",
    "district_leader",
    "community_secretary",
    "no_role",
    "anonymous",
]


# Chinese that stays Chinese in English on purpose, each with its reason.
KEPT_IN_CHINESE = {
    # The State Council's holiday notice is pasted as published: its day kinds and holiday names
    # are the format the calendar page parses (admin_tools:workdays, categories' deadline hints).
    "休", "班", "元旦", "春节", "春节调休", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
    "张三",  # the example name in the search box: residents' names are Chinese
}  # fmt: skip


class _Text(HTMLParser):
    """The visible text of a page, plus the attributes people read (placeholders, titles, labels)."""

    SKIP = {"script", "style", "template"}
    READ_ATTRS = {"placeholder", "title", "aria-label", "alt"}

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts, self._skipping, self._stack = [], 0, []

    def handle_starttag(self, tag, attrs):
        # Text marked as another language (the switch's "简体中文") is meant to stay in it.
        other_language = any(n == "lang" and v and not v.startswith("en") for n, v in attrs)
        if tag not in self.VOID:
            self._stack.append(tag in self.SKIP or other_language)
            if self._stack[-1]:
                self._skipping += 1
        if self._skipping:
            return
        for name, value in attrs:
            if name in self.READ_ATTRS and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack and self._stack.pop():
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def stored_text():
    """Every text value in the database, joined: what a page may show in Chinese as data."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and "Encrypted" not in type(f).__name__
        ]
        if fields:
            for row in model._base_manager.values_list(*fields):
                chunks.extend(str(v) for v in row if v)
    return "\n".join(chunks)


def _pages():
    seen = set()
    for row in MATRIX:
        if row.method != "get" or row.name in seen:
            continue
        seen.add(row.name)
        yield row


def _opener(row):
    rel = "a1" if row.obj is not None else "-"
    for role in PREFERENCE:
        if row.expected(role, rel) == row.ok == 200:
            return role, rel
    return None, rel


@pytest.mark.django_db
def test_every_page_reads_in_english(client, matrix_cast):
    cast = matrix_cast
    data = stored_text()
    problems = []
    for row in _pages():
        role, rel = _opener(row)
        if role is None:
            continue
        kwargs = row.obj(cast, rel) if row.obj is not None else None
        if row.obj is not None and kwargs is None:
            continue
        client.logout()
        username = ROLE_USERS[role]
        if username:
            client.force_login(getattr(cast, username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        url = reverse(row.name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        if any(run not in data for run in CJK.findall(text)):
            data = stored_text()  # the row's objects are made as its URL is built
        chinese = sorted({run for run in CJK.findall(text) if run not in data and run not in KEPT_IN_CHINESE})
        codes = sorted({code for code in CODE.findall(text) if code not in data})
        if chinese or codes:
            problems.append(f"{url} ({role}): {' '.join(chinese[:12])} {' '.join(codes[:6])}")
    assert not problems, f"{len(problems)} pages not in English:\n" + "\n".join(problems)
