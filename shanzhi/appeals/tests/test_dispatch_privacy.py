"""Issue 12 §5: a dispatch target ``user:<id>`` outside the appeal's scope answers exactly as an id
that names nobody: same status, same body, no name, on the page, the API and the bulk page."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from shanzhi.accounts import services as accounts
from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal
from shanzhi.core.errors import DomainError


@pytest.fixture
def outsider(cast):
    """A resident of another community, with an account: the kind of person whose name leaked."""
    u = accounts.create_user(username="waiju", password="x-Pass-2026!", display_name="外区居民乙")
    accounts.grant_role(u, "resident", node=cast.grid_b, resident=cast.resident_b)
    return u


def unknown_id():
    return (get_user_model().objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _csrf_free(body):
    """The page minus its CSRF tokens, which are masked afresh on every response."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", body)


def _state(a):
    a.refresh_from_db()
    return (a.status, a.version, a.assignee_user_id, a.events.count())


def test_service_refuses_out_of_scope_user_without_naming_them(cast, file_appeal, outsider):
    a = services.accept(file_appeal(), by=cast.zhang)
    before = _state(a)
    for person in (outsider, cast.li, cast.chen):  # another community; the neighbouring grid; other staff
        with pytest.raises(DomainError) as caught:
            services.dispatch(a, by=cast.zhang, to_user=person)
        assert caught.value.field == "to"
        assert str(person) not in str(caught.value.message)
    assert _state(a) == before


def test_api_answers_out_of_scope_and_unknown_ids_alike(client, cast, file_appeal, outsider):
    a = services.accept(file_appeal(), by=cast.zhang)
    before = _state(a)
    url = reverse("api:appeals_dispatch", args=[a.number])
    headers = {"Authorization": f"Bearer {issue_api_token(cast.zhang)}"}

    def answer(to):
        r = client.post(
            url,
            json.dumps({"version": a.version, "to": to}),
            content_type="application/json",
            headers=headers,
        )
        return r.status_code, r.content

    unknown = answer(f"user:{unknown_id()}")
    assert unknown[0] == 400 and json.loads(unknown[1])["field"] == "to"
    for person in (outsider, cast.li, cast.chen):
        assert answer(f"user:{person.pk}") == unknown
        assert str(person).encode() not in unknown[1]
    assert _state(a) == before
    # The one in scope still goes through.
    assert answer(f"user:{cast.wang.pk}")[0] == 200


def test_page_answers_out_of_scope_and_unknown_ids_alike(cast, file_appeal, outsider):
    a = services.accept(file_appeal(), by=cast.zhang)
    before = _state(a)
    zhang = Client()
    zhang.force_login(cast.zhang)

    def answer(to):
        r = zhang.post(reverse("appeals:act", args=[a.number, "dispatch"]), {"version": a.version, "to": to})
        return r.status_code, _csrf_free(r.content)

    unknown = answer(f"user:{unknown_id()}")
    assert unknown[0] == 400
    assert answer(f"user:{outsider.pk}") == unknown
    assert "外区居民乙".encode() not in unknown[1]
    assert _state(a) == before


def test_bulk_dispatch_answers_out_of_scope_and_unknown_ids_alike(cast, file_appeal, outsider):
    a = services.accept(file_appeal(), by=cast.zhang)
    zhang = Client()
    zhang.force_login(cast.zhang)

    def answer(to):
        r = zhang.post(reverse("appeals:bulk_dispatch"), {"number": [a.number], "to": to}, follow=True)
        return [str(m) for m in r.context["messages"]]

    unknown = answer(f"user:{unknown_id()}")
    assert unknown and answer(f"user:{outsider.pk}") == unknown
    assert not any("外区居民乙" in m for m in unknown)
    a.refresh_from_db()
    assert a.status == Appeal.Status.ACCEPTED and a.assignee_user_id is None


def test_api_answers_out_of_scope_and_unknown_places_departments_and_companies_alike(
    client, cast, file_appeal
):
    """A node of another street, a department or company of another district: the answer an
    unknown id gets, so an id never tells whether it names anything."""
    from shanzhi.registry import services as registry

    other = registry.create_node(level="district", code="370403", name="外区")
    elsewhere = {
        "node": cast.community_c.pk,  # the other street's community
        "department": registry.create_department(district=other, name="外区城管局").pk,
        "company": registry.create_property_company(name="外区物业", district=other).pk,
    }
    a = services.accept(file_appeal(), by=cast.zhang)
    before = _state(a)
    url = reverse("api:appeals_dispatch", args=[a.number])
    headers = {"Authorization": f"Bearer {issue_api_token(cast.zhang)}"}

    def answer(to):
        body = json.dumps({"version": a.version, "to": to})
        r = client.post(url, body, content_type="application/json", headers=headers)
        return r.status_code, r.content

    for kind, pk in elsewhere.items():
        assert answer(f"{kind}:{pk}") == answer(f"{kind}:{pk + 100000}"), kind
        assert answer(f"{kind}:{pk}")[0] == 400
    assert _state(a) == before
    assert answer(f"node:{cast.community.pk}")[0] == 200  # its own community still takes it
