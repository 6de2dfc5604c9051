"""The co-construction API: every endpoint × every role × every relation, then the flows end to end."""

import json

import pytest
from django.urls import URLResolver, get_resolver, reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.coop.models import Claim, Order

from .matrix import API_MATRIX, RELS

ROLE_USERS = {
    "anonymous": None,
    "resident": "jumin",
    "grid_worker": "wang",
    "community_staff": "zhang",
    "community_secretary": "zhao",
    "street_staff": "liu",
    "district_staff": "sun",
    "district_leader": "wu",
    "department_handler": "zheng",
    "property_staff": "feng",
    "unit_member": "he",
    "volunteer": "ma",
    "system_admin": "xitong",
    "security_admin": "anquan",
    "audit_admin": "shenji",
    "no_role": "nobody",
}


def api_names(prefix):
    [api] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]
    return {f"api:{p.name}" for p in api.url_patterns if str(p.pattern).startswith(prefix)}


def test_every_coop_api_url_has_a_row():
    assert api_names("coop/") == {row[0] for row in API_MATRIX}


def _cells():
    for row in API_MATRIX:
        for rel in RELS if row[2] is not None or callable(row[3]) else (None,):
            yield pytest.param(row, rel, id=f"{row[0]}-{rel or 'list'}")


def call(client, method, url, user, body=None):
    """One API request as ``user`` (None: no token). A user's token is issued once per test client,
    that is once per test: issuing one writes its row and an audit row and empties every process's
    cache of keys, which made each of a matrix's requests a key reload."""
    options = {}
    if user is not None:
        tokens = client.__dict__.setdefault("_api_tokens", {})
        if user.pk not in tokens:
            tokens[user.pk] = issue_api_token(user)
        options["headers"] = {"Authorization": f"Bearer {tokens[user.pk]}"}
    if body is not None:
        options.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **options)


@pytest.mark.parametrize(("row", "rel"), list(_cells()))
def test_api_matrix(client, cast, row, rel):
    name, method, kwargs, body, expected = row
    url = reverse(name, kwargs=kwargs(cast, rel) if kwargs else None)
    body = body(cast, rel) if callable(body) else body
    wrong = []
    for role, username in ROLE_USERS.items():
        user = getattr(cast, username) if username else None
        got = call(client, method, url, user, body).status_code
        if got != expected(role, rel):
            wrong.append(f"{role}: expected {expected(role, rel)}, got {got}")
    assert not wrong, f"{method.upper()} {url}\n  " + "\n  ".join(wrong)


API = "/api/v1/coop/"


def test_order_and_claim_flows_through_the_api(client, co):
    cast = co.cast
    placed = call(
        client, "post", f"{API}resources/{co.resource.pk}/order", cast.jumin, {"note": "周二"}
    ).json()
    assert placed["status"] == "placed" and placed["timeline"][0]["verb"] == "place"
    for verb in ("accept", "finish"):
        assert call(client, "post", f"{API}orders/{placed['id']}/{verb}", cast.he, {}).status_code == 200
    rated = call(client, "post", f"{API}orders/{placed['id']}/rate", cast.jumin, {"stars": 5}).json()
    assert rated["status"] == "rated" and Order.objects.get().rating == 5
    claim = call(client, "post", f"{API}needs/{co.need.pk}/claim", cast.he, {"as": "member"}).json()
    assert claim["status"] == "accepted" and Claim.objects.get().registration == co.he_reg
    need = call(client, "get", f"{API}needs/{co.need.pk}", cast.he).json()
    assert need["address"] == cast.household.address and need["status"] == "claimed"


def test_api_masks_phones_and_names_the_field_of_bad_input(client, co):
    cast = co.cast
    body = call(client, "get", f"{API}resources/{co.resource.pk}", cast.jumin).json()
    assert body["contact_phone"] == "139****5678"
    assert "13912345678" not in json.dumps(call(client, "get", f"{API}resources", cast.zhang).json())
    bad = call(
        client,
        "post",
        f"{API}needs",
        cast.zhang,
        {"scope": "common", "community": cast.community.code, "title": "路灯", "category": "magic"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "category"
    hidden = call(client, "get", f"{API}needs/{co.need.pk}", co.qian)
    assert hidden.status_code == 404


def test_agreement_progress_through_the_api(client, co):
    cast = co.cast
    from shanzhi.coop import services

    agreement = services.sign_agreement(
        unit=cast.unit,
        community=cast.community,
        period_start="2026-01-01",
        period_end="2026-12-31",
        unit_signatory="院长",
        signed_on="2026-01-01",
        commitments=[{"kind": "activity", "content": "义诊", "promised_count": 2}],
        by=cast.zhao,
    )
    commitment = agreement.commitments.get()
    out = call(
        client,
        "post",
        f"{API}agreements/{agreement.pk}/activities",
        cast.he,
        {"commitment": commitment.pk, "title": "义诊", "held_on": "2026-05-01", "participants": 12},
    ).json()
    assert out["commitments"][0]["promised"] == 2 and out["commitments"][0]["delivered"] == 1
