"""The UI is written in Chinese and switches to English through the shipped en catalog."""

import gettext
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
FIRST_APPS = re.compile(r"shanzhi/(templates|registry|accounts|core)/")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ *[\w.]+ *\}\}")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _catalog():
    """(references, msgid, [msgstr, ...]) for every entry; enough of the PO format for our file."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        refs, msgid, msgstrs, current, context = [], "", [], None, None
        for line in block.splitlines():
            if line.startswith("msgctxt "):
                context = "".join(QUOTED.findall(line))  # pgettext: looked up with its context
            elif line.startswith("#:"):
                refs.append(line[2:])
            elif line.startswith("msgid_plural"):
                current = None
            elif line.startswith("msgid "):
                current = "id"
                msgid = "".join(QUOTED.findall(line))
            elif line.startswith("msgstr"):
                current = "str"
                msgstrs.append("".join(QUOTED.findall(line)))
            elif line.startswith('"') and current == "id":
                msgid += "".join(QUOTED.findall(line))
            elif line.startswith('"') and current == "str":
                msgstrs[-1] += "".join(QUOTED.findall(line))
        if msgid and context is None:
            entries.append((" ".join(refs), msgid, msgstrs))
    return entries


def _unescape(po_string):
    # PO escapes (\n, \", \\) are the JSON ones.
    return json.loads(f'"{po_string}"')


def _english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_login_page_is_chinese_without_a_preference(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "用户名" in body and "Username" not in body


@pytest.mark.django_db
def test_login_page_switches_to_english(client):
    body = _english(client).get(reverse("accounts:login")).content.decode()
    assert "Username" in body and "Password" in body
    assert "用户名" not in body and "密码" not in body


@pytest.mark.django_db
def test_accept_language_header_selects_english(client):
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in body and "登录" not in body


def test_registry_home_is_chinese_by_default(cast, login):
    body = login(cast.zhang).get(reverse("registry:home")).content.decode()
    assert "一张网" in body and "One Network" not in body


def test_registry_home_switches_to_english_and_back(cast, login):
    client = _english(login(cast.zhang))
    body = client.get(reverse("registry:home")).content.decode()
    assert "One Network" in body and "Appeals" in body
    assert "一张网" not in body and "接诉即办" not in body

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "一张网" in client.get(reverse("registry:home")).content.decode()


def test_registry_account_and_audit_entries_are_all_translated():
    untranslated = [
        msgid for refs, msgid, msgstrs in _catalog() if FIRST_APPS.search(refs) and not all(msgstrs)
    ]
    assert untranslated == []


def test_translations_keep_their_placeholders():
    broken = [
        (msgid, s)
        for _, msgid, msgstrs in _catalog()
        for s in msgstrs
        if s and set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(msgid))
    ]
    assert broken == []


def test_compiled_catalog_matches_the_source():
    """The .mo is committed so hosts without gettext still get English; it must not be stale."""
    with PO.with_suffix(".mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = [
        msgid
        for _, msgid, msgstrs in _catalog()
        if len(msgstrs) == 1 and msgstrs[0] and mo.gettext(_unescape(msgid)) != _unescape(msgstrs[0])
    ]
    assert stale == []
