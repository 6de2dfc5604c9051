"""Fuzz over the page forms (issue 12 §4): every form a page shows to a user allowed to use it is
sent back with malformed values, one field at a time (the others keep the values the page filled
in). No answer is a server error; a value the input layer always refuses (NUL, control, bidi
characters) answers 400 and leaves every table exactly as it was.

The forms are read from the pages themselves, so a new form on a listed page is fuzzed without
touching this file.
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from shanzhi.appeals.tests.conftest import _fixed_day, cats, file_appeal, png_bytes  # noqa: F401 - fixtures
from shanzhi.coop.tests.conftest import co  # noqa: F401 - fixture
from shanzhi.volunteering.tests.conftest import activity, vol  # noqa: F401 - fixtures

from .malformed import ALWAYS_REFUSED, BAD

MAX_FORMS, MAX_FIELDS = 8, 12
SKIPPED_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


class Forms(HTMLParser):
    """The forms of a page: method, action and the fields with the values the page filled in."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action"),
                "fields": {},
            }
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], None)
            else:
                self._form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._form["fields"][a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], None)
        elif tag == "option" and self._select and self._form["fields"].get(self._select) is None:
            self._form["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _pages(c):
    """(who, url) of every form-bearing page, as a user allowed to use it."""
    a = c.appeal
    return [
        ("jumin", "/appeals/new/"),
        ("zhang", f"/appeals/{a.number}/"),
        ("wang", f"/appeals/{a.number}/"),
        ("zhang", "/appeals/"),
        ("zhang", "/appeals/notifications/"),
        ("zhang", "/appeals/metrics/"),
        ("xitong", "/appeals/categories/new/"),
        ("xitong", f"/appeals/categories/{c.category.pk}/edit/"),
        ("zhang", "/coop/resources/"),
        ("zhang", f"/coop/resources/{c.co.resource.pk}/"),
        ("zhang", "/coop/needs/"),
        ("wang", "/coop/needs/"),
        ("zhang", f"/coop/needs/{c.co.need.pk}/"),
        ("zhang", "/coop/projects/"),
        ("zhang", "/coop/agreements/"),
        ("zhang", "/coop/posts/"),
        ("zhang", "/coop/assessments/"),
        ("he", "/coop/me/"),
        ("zhang", "/v/activities/"),
        ("zhang", f"/v/activities/{c.activity.pk}/"),
        ("ma", "/v/me/"),
        ("zhang", "/v/volunteers/"),
        ("zhang", f"/v/volunteers/{c.vol.ma.pk}/"),
        ("zhang", "/v/shop/"),
        ("zhang", "/v/redemptions/"),
        ("zhang", "/v/teams/"),
        ("zhang", "/v/rates/"),
        ("zhang", "/v/rankings/"),
        ("zhang", f"/residents/{c.cast.resident.pk}/"),
        ("zhang", f"/households/{c.cast.household.pk}/"),
        ("zhang", f"/org/{c.cast.community.code}/"),
        ("zhang", "/search/"),
        ("zhang", "/units/"),
        ("zhang", "/accounts/profile/"),
        ("anquan", "/accounts/users/"),
        ("anquan", f"/accounts/users/{c.cast.wang.pk}/"),
        ("xitong", "/admin-tools/workdays/"),
        ("shenji", "/audit/"),
        ("zhang", f"/property/compounds/{c.cast.compound.pk}/roll/"),
    ]


PAGE_COUNT = 39


@pytest.fixture
def world(cast, co, activity, vol, file_appeal, cats):  # noqa: F811 - the imported fixtures
    from types import SimpleNamespace

    appeal = file_appeal(photos_in=[SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")])
    return SimpleNamespace(cast=cast, co=co, activity=activity, vol=vol, appeal=appeal, category=cats.noise)


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and m._meta.label not in ("sessions.Session",)
    }


def _fuzz_form(client, page_url, form, offset):
    """Every malformed request for one form: ``[(description, problem)]`` for the ones that failed."""
    problems = []
    action = form["action"] or page_url
    if action.startswith(SKIPPED_ACTIONS) or not action.startswith("/"):
        return problems
    fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
    names = list(fields)[:MAX_FIELDS]
    bad = list(BAD.items())
    for i, name in enumerate(names):
        rotating, rotating_value = bad[(i + offset) % len(bad)]
        for kind, value in {rotating: rotating_value, "nul": BAD["nul"]}.items():
            data = {k: v for k, v in fields.items() if v is not None}
            data[name] = value
            before = _counts() if kind in ALWAYS_REFUSED else None
            send = client.post if form["method"] == "post" else client.get
            response = send(action, data)
            label = f"{form['method'].upper()} {action} {name}={kind}"
            if response.status_code >= 500:
                problems.append((label, response.status_code))
            elif before is not None:
                if response.status_code != 400:
                    problems.append((label, f"answered {response.status_code}, not 400"))
                elif _counts() != before:
                    problems.append((label, "wrote rows although refused"))
    return problems


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_page_forms_never_answer_a_server_error(index, world, client):
    pages = _pages(world)
    assert len(pages) == PAGE_COUNT
    who, url = pages[index]
    client.raise_request_exception = False
    client.force_login(getattr(world.cast, who))
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = Forms()
    parser.feed(page.content.decode())
    forms = parser.forms[:MAX_FORMS]
    problems = []
    for form in forms:
        problems += _fuzz_form(client, url, form, offset=index)
    assert problems == []
