"""Each rule once: the services decide who claims as a member, whose household a need is for, who
may move or rate an order or claim, and that an edit carries its version; the pages and the API
offer exactly the actions the services accept."""

import json

import pytest
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.coop import services
from shanzhi.coop.models import Claim, MemberRegistration, Need, PostClaim, Resource
from shanzhi.core.errors import DomainError

from .test_api import API, call
from .test_edit_withdraw import snapshot
from .test_pages import post
from .test_pages import world as world  # the shared page fixture


def _english(client, method, url, user, body):
    return getattr(client, method)(
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_api_token(user)}", "Accept-Language": "en"},
    )


def _leave(co):
    MemberRegistration.objects.filter(pk=co.he_reg.pk).update(status=MemberRegistration.Status.LEFT)


# --- 双报到: a member claims as themselves only with an active registration in that community -----------


def test_claiming_a_need_as_a_member_without_a_registration_is_one_refusal_everywhere(client, co):
    _leave(co)
    with pytest.raises(DomainError) as exc:
        services.claim_need(co.need, by=co.cast.he, as_member=True)
    assert exc.value.field == "registration"
    chinese = call(client, "post", f"{API}needs/{co.need.pk}/claim", co.cast.he, {"as": "member"})
    assert (chinese.status_code, chinese.json()["field"]) == (400, "registration")
    assert chinese.json()["message"] == "请先到该社区报到。"
    response = post(client, co.cast.he, "coop:need_action", co.need.pk, "claim", data={"as": "member"})
    assert response.status_code == 302
    assert not Claim.objects.exists() and Need.objects.get(pk=co.need.pk).taken == 0


def test_the_api_refusal_of_a_post_claim_is_translated(client, world):
    _leave(world)
    english = _english(client, "post", f"{API}posts/{world.post.pk}/claim", world.cast.he, {})
    assert english.status_code == 400
    assert (english.json()["message"], english.json()["field"]) == (
        "Please register with this community first.",
        "registration",
    )
    assert not PostClaim.objects.exists()


def test_a_member_claims_a_post_with_their_own_registration(client, world):
    response = call(client, "post", f"{API}posts/{world.post.pk}/claim", world.cast.he)
    assert response.status_code == 200 and response.json()["taken"] == 1
    assert PostClaim.objects.get().registration == world.he_reg


# --- a resident's need is for their own household -----------------------------------------------------------


def test_a_resident_submits_a_need_for_their_own_household_without_naming_it(client, co):
    body = {"title": "楼道灯不亮", "category": "repair", "source": "self"}
    response = call(client, "post", f"{API}needs", co.cast.jumin, body)
    assert response.status_code == 200
    assert Need.objects.get(pk=response.json()["id"]).household == co.cast.resident.household
    with pytest.raises(DomainError) as exc:  # staff have no household of their own
        services.submit_need(by=co.cast.wang, title="x", category="repair", source="home_visit")
    assert exc.value.field == "household"


# --- every edit of a versioned object carries the version it read -------------------------------------------


def test_an_api_edit_without_its_version_is_refused_naming_it_and_changes_nothing(client, co):
    resource_before, need_before = snapshot(co.resource), snapshot(co.common)
    edit = {"title": "新名称", "category": "elderly", "kind": "volunteer"}
    refused = call(client, "put", f"{API}resources/{co.resource.pk}", co.cast.zhang, edit)
    assert (refused.status_code, refused.json()["field"]) == (400, "version")
    refused = _english(
        client, "put", f"{API}needs/{co.common.pk}", co.cast.zhang, {"title": "新", "category": "repair"}
    )
    assert (refused.status_code, refused.json()["field"]) == (400, "version")
    assert refused.json()["message"] == "The version you read is missing. Reload the page and edit again."
    assert (snapshot(co.resource), snapshot(co.common)) == (resource_before, need_before)
    saved = call(client, "put", f"{API}resources/{co.resource.pk}", co.cast.zhang, {**edit, "version": 0})
    assert (saved.status_code, saved.json()["version"]) == (200, 1)
    assert Resource.objects.get(pk=co.resource.pk).title == "新名称"


def test_a_version_that_is_not_a_number_is_refused_naming_it(co):
    with pytest.raises(DomainError) as exc:
        services.update_need(co.common, by=co.cast.zhang, version="x", title="新", category="repair")
    assert exc.value.field == "version"


# --- the page's buttons are the API's actions ---------------------------------------------------------------


def _page_verbs(client, user, detail, action, pk, verbs, edit=None):
    client.force_login(user)
    html = client.get(reverse(detail, args=[pk])).content.decode()
    shown = [v for v in verbs if reverse(action, args=[pk, v]) in html]
    if edit and reverse(edit, args=[pk]) in html:
        shown.append("edit")
    return set(shown)


def _api_actions(client, user, path):
    response = call(client, "get", f"{API}{path}", user)
    assert response.status_code == 200
    return set(response.json()["actions"])


def _same(client, users, detail, action, path, pk, verbs, edit=None):
    for user in users:
        if call(client, "get", f"{API}{path}", user).status_code == 404:  # out of sight on both
            client.force_login(user)
            assert client.get(reverse(detail, args=[pk])).status_code == 404
            continue
        page_verbs = _page_verbs(client, user, detail, action, pk, verbs, edit)
        api = _api_actions(client, user, path)
        assert page_verbs == api, f"{user.username}: page {sorted(page_verbs)} vs API {sorted(api)}"


def test_order_buttons_and_api_actions_agree_at_every_step(client, co):
    cast = co.cast
    order = services.place_order(co.resource, by=cast.jumin)
    users = [cast.jumin, cast.he, cast.zhang, cast.wang]
    steps = [
        None,
        lambda o: services.accept_order(o, by=cast.he),
        lambda o: services.finish_order(o, by=cast.he),
    ]
    expected = [{"cancel"}, {"cancel"}, {"rate"}]  # what the resident who ordered may do
    for step, mine in zip(steps, expected, strict=True):
        if step:
            step(order)
        _same(
            client,
            users,
            "coop:order",
            "coop:order_action",
            f"orders/{order.pk}",
            order.pk,
            services.actions.ORDER_VERBS,
        )
        assert _api_actions(client, cast.jumin, f"orders/{order.pk}") == mine


def test_claim_buttons_and_api_actions_agree_at_every_step(client, co):
    cast = co.cast
    claim = services.claim_need(co.need, by=cast.he, as_member=True)
    users = [cast.he, cast.zhang, cast.jumin, cast.wang]
    _same(
        client,
        users,
        "coop:claim",
        "coop:claim_action",
        f"claims/{claim.pk}",
        claim.pk,
        services.actions.CLAIM_VERBS,
    )
    assert _api_actions(client, cast.he, f"claims/{claim.pk}") == {"schedule", "start", "finish", "withdraw"}
    services.finish_claim(claim, by=cast.he, result="理发完成")
    _same(
        client,
        users,
        "coop:claim",
        "coop:claim_action",
        f"claims/{claim.pk}",
        claim.pk,
        services.actions.CLAIM_VERBS,
    )
    assert _api_actions(client, cast.he, f"claims/{claim.pk}") == set()  # the claimant does not rate itself
    assert _api_actions(client, cast.jumin, f"claims/{claim.pk}") == {"rate"}  # the household served


def test_need_and_resource_buttons_and_api_actions_agree(client, co):
    cast = co.cast
    users = [cast.zhang, cast.wang, cast.he, cast.jumin]
    for need in (co.need, co.common):
        _same(
            client,
            users,
            "coop:need",
            "coop:need_action",
            f"needs/{need.pk}",
            need.pk,
            services.actions.NEED_VERBS,
            edit="coop:need_edit",
        )
    assert _api_actions(client, cast.wang, f"needs/{co.need.pk}") == {"edit", "cancel"}  # its recorder
    _same(
        client,
        users,
        "coop:resource",
        "coop:resource_action",
        f"resources/{co.resource.pk}",
        co.resource.pk,
        services.actions.RESOURCE_VERBS,
        edit="coop:resource_edit",
    )
    assert _api_actions(client, cast.jumin, f"resources/{co.resource.pk}") == {"order"}
