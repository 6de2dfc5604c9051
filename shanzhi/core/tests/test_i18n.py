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


# --- the language middleware (core/locale.py) ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "cookies", "language"),
    [
        ({}, {}, "zh-hans"),
        ({"Accept-Language": "en-US,en;q=0.9"}, {}, "en"),
        ({"Accept-Language": "fr"}, {}, "zh-hans"),  # not offered: the default
        ({"Accept-Language": "en"}, {"django_language": "zh-hans"}, "zh-hans"),  # the cookie first
        ({}, {"django_language": "en"}, "en"),
    ],
)
def test_a_request_is_answered_in_the_language_it_asks_for_and_says_which(client, headers, cookies, language):
    for name, value in cookies.items():
        client.cookies[name] = value
    for path in (reverse("accounts:login"), "/api/v1/appeals/", "/open311/v2/services.json"):
        response = client.get(path, headers=headers)
        assert response["Content-Language"] == language, path
        vary = [v.strip() for v in response.get("Vary", "").split(",")]
        assert "Accept-Language" in vary, (path, vary)
    body = client.get(reverse("accounts:login"), headers=headers).content.decode()
    assert ("Username" in body) == (language == "en")


@pytest.mark.django_db
def test_a_response_that_varies_already_keeps_what_it_varies_by(client):
    """A page that reads the session varies by Cookie too: both stay, each once."""
    client.get(reverse("accounts:login"))  # a session and its CSRF cookie
    response = client.get(reverse("accounts:login"), headers={"Accept-Language": "en"})
    vary = [v.strip() for v in response["Vary"].split(",")]
    assert vary.count("Accept-Language") == 1 and "Cookie" in vary


def test_urls_with_a_language_prefix_are_refused_when_the_middleware_is_made(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from shanzhi.core.locale import LocaleMiddleware

    settings.ROOT_URLCONF = "shanzhi.core.tests.prefixed_urls"
    with pytest.raises(ImproperlyConfigured):
        LocaleMiddleware(lambda request: None)
