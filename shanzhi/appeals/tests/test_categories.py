"""The category taxonomy: the system administrator edits it (page, API, services); every refusal
names its field and changes nothing; a deadline change reaches new appeals only."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import services
from shanzhi.appeals.models import Category
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

BASE = {
    "code": "Q01",
    "name": "井盖缺失（测）",
    "deadline_value": 3,
    "deadline_unit": "workdays",
    "urgency": "normal",
    "default_handler_kind": "community",
    "duplicate_radius_m": 100,
}


def snapshot():
    return list(Category.objects.order_by("pk").values())


def test_create_update_and_audit(cast, cats):
    c = services.create_category(by=cast.xitong, parent=cats.noise, **BASE)
    assert c.parent == cats.noise and c.deadline_label == "3工作日" and c.active
    services.update_category(c, by=cast.xitong, deadline_value=2, name="井盖缺失")
    c.refresh_from_db()
    assert (c.deadline_value, c.name, c.code) == (2, "井盖缺失", "Q01")
    events = list(AuditEvent.objects.filter(action="category_change", target_id=str(c.pk)).order_by("pk"))
    assert [e.detail["op"] for e in events] == ["create", "update"]
    assert events[1].detail["changed"] == {"deadline_value": [3, 2], "name": ["井盖缺失（测）", "井盖缺失"]}
    assert events[1].actor_username == "xitong"


def test_an_update_that_changes_nothing_writes_no_audit_row(cast, cats):
    before = AuditEvent.objects.count()
    services.update_category(cats.parking, by=cast.xitong, deadline_value=10)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "q 1"}, "code"),
        ({"code": "T03"}, "code"),  # 噪音扰民's code
        ({"name": ""}, "name"),
        ({"deadline_value": 0}, "deadline_value"),
        ({"deadline_value": 61}, "deadline_value"),
        ({"deadline_value": 73, "deadline_unit": "hours"}, "deadline_value"),
        ({"deadline_value": "x"}, "deadline_value"),
        ({"deadline_unit": "weeks"}, "deadline_unit"),
        ({"urgency": "whenever"}, "urgency"),
        ({"default_handler_kind": "department"}, "default_department"),
        ({"response_template": "x" * 501}, "response_template"),
        ({"duplicate_radius_m": -1}, "duplicate_radius_m"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(cast, cats, change, field):
    before, audits = snapshot(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as err:
        services.create_category(by=cast.xitong, **{**BASE, **change})
    assert err.value.field == field
    with pytest.raises(DomainError) as err:
        services.update_category(cats.parking, by=cast.xitong, **change)
    assert err.value.field == field
    assert snapshot() == before and AuditEvent.objects.count() == audits


def test_only_two_levels(cast, cats):
    before = snapshot()
    with pytest.raises(DomainError) as err:  # a child's parent must be top level
        services.create_category(by=cast.xitong, parent=cats.neighbour_noise, **BASE)
    assert err.value.field == "parent"
    with pytest.raises(DomainError) as err:  # a parent with children cannot become a child
        services.update_category(cats.noise, by=cast.xitong, parent=cats.parking)
    assert err.value.field == "parent"
    with pytest.raises(DomainError) as err:
        services.update_category(cats.parking, by=cast.xitong, parent=cats.parking)
    assert err.value.field == "parent"
    assert snapshot() == before


def test_department_handler_with_its_department(cast, cats):
    c = services.create_category(
        by=cast.xitong, **{**BASE, "default_handler_kind": "department"}, default_department=cast.department
    )
    assert c.default_department == cast.department


def test_deactivate_and_reactivate(cast, cats):
    services.set_category_active(cats.noise, False, by=cast.xitong)
    cats.noise.refresh_from_db()
    cats.neighbour_noise.refresh_from_db()
    assert not cats.noise.active and not cats.neighbour_noise.active  # the children go with it
    before = snapshot()
    with pytest.raises(DomainError) as err:  # a child comes back only under an active parent
        services.set_category_active(cats.neighbour_noise, True, by=cast.xitong)
    assert err.value.field == "active" and snapshot() == before
    services.set_category_active(cats.noise, True, by=cast.xitong)
    services.set_category_active(cats.neighbour_noise, True, by=cast.xitong)
    assert Category.objects.get(pk=cats.neighbour_noise.pk).active
    ops = list(
        AuditEvent.objects.filter(action="category_change")
        .order_by("pk")
        .values_list("detail__op", flat=True)
    )
    assert ops == ["deactivate", "activate", "activate"]


def test_a_retired_category_cannot_be_chosen_but_its_appeals_stay(cast, cats, file_appeal):
    a = file_appeal()
    services.set_category_active(a.category, False, by=cast.xitong)
    a.refresh_from_db()
    assert a.category_id == cats.neighbour_noise.pk
    with pytest.raises(DomainError) as err:
        file_appeal(category=Category.objects.get(pk=cats.neighbour_noise.pk))
    assert err.value.field == "category"


def test_new_deadline_reaches_new_appeals_only(cast, cats, file_appeal):
    old = services.accept(file_appeal(), by=cast.zhang)
    services.update_category(cats.neighbour_noise, by=cast.xitong, deadline_value=1)
    new = services.accept(file_appeal(title="第二件"), by=cast.zhang)
    old_deadline = old.deadline
    old.refresh_from_db()
    assert old.deadline == old_deadline
    assert new.deadline < old.deadline


def test_only_the_system_administrator(cast, cats):
    before = snapshot()
    for user in (cast.zhang, cast.sun, cast.wu, cast.jumin):
        with pytest.raises(PermissionDenied):
            services.create_category(by=user, **BASE)
        with pytest.raises(PermissionDenied):
            services.update_category(cats.parking, by=user, deadline_value=3)
        with pytest.raises(PermissionDenied):
            services.set_category_active(cats.parking, False, by=user)
    with pytest.raises(Http404):  # the security administrator does not see categories at all
        services.update_category(cats.parking, by=cast.anquan, deadline_value=3)
    assert snapshot() == before


# --- the page ---------------------------------------------------------------------------------


def form(**kw):
    data = {**BASE, "sort": 0, "parent": "", "default_department": "", "response_template": ""}
    data.update(kw)
    return data


def test_page_lists_the_tree_and_creates(client, cast, cats):
    client.force_login(cast.xitong)
    page = client.get(reverse("appeals:categories"))
    html = page.content.decode()
    assert page.status_code == 200 and "噪音扰民（测）" in html and "邻里生活噪音（测）" in html
    assert "只影响此后受理的诉求" in html
    r = client.post(reverse("appeals:category_new"), form(parent=cats.noise.pk))
    assert r.status_code == 302
    assert Category.objects.get(code="Q01").parent == cats.noise


def test_page_refusal_shows_the_field_and_changes_nothing(client, cast, cats):
    client.force_login(cast.xitong)
    before = snapshot()
    r = client.post(
        reverse("appeals:category_edit", args=[cats.parking.pk]),
        form(code="T0203", default_handler_kind="department"),
    )
    assert r.status_code == 400
    assert "默认承办为职能部门时，须选择默认部门" in r.content.decode()
    assert snapshot() == before


def test_page_deactivate(client, cast, cats):
    client.force_login(cast.xitong)
    r = client.post(reverse("appeals:category_active", args=[cats.parking.pk]), {"active": "0"})
    assert r.status_code == 302 and not Category.objects.get(pk=cats.parking.pk).active


def test_page_permissions(client, cast, cats):
    for user in (cast.zhang, cast.sun):
        client.force_login(user)
        assert client.get(reverse("appeals:categories")).status_code == 403
        assert client.get(reverse("appeals:category_edit", args=[cats.parking.pk])).status_code == 404
        r = client.post(reverse("appeals:category_active", args=[cats.parking.pk]), {"active": "0"})
        assert r.status_code == 404
    assert Category.objects.get(pk=cats.parking.pk).active


# --- the API ----------------------------------------------------------------------------------


def api(client, method, user, url, body=None):
    options = {"headers": {"Authorization": f"Bearer {issue_api_token(user)}"}}
    if body is not None:
        options.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **options)


def test_api_create_patch_and_list(client, cast, cats):
    url = reverse("api:appeals_categories")
    r = api(client, "post", cast.xitong, reverse("api:appeals_category_create"), {**BASE, "parent": "T03"})
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["parent"] == "T03" and made["deadline_label"] == "3工作日"
    patch = reverse("api:appeals_category_update", kwargs={"category_id": made["id"]})
    r = api(client, "patch", cast.xitong, patch, {"deadline_value": 2, "active": False})
    assert r.status_code == 200 and r.json()["deadline_value"] == 2 and not r.json()["active"]
    assert "Q01" in {c["code"] for c in api(client, "get", cast.xitong, url).json()}
    assert "Q01" not in {c["code"] for c in api(client, "get", cast.wang, url).json()}  # retired: hidden


def test_api_refusals(client, cast, cats):
    before = snapshot()
    patch = reverse("api:appeals_category_update", kwargs={"category_id": cats.gas.pk})
    r = api(client, "patch", cast.xitong, patch, {"default_department": None})
    assert r.status_code == 400 and r.json()["field"] == "default_department"
    r = api(client, "patch", cast.xitong, patch, {"deadline_value": 1, "parent": "NOPE"})
    assert r.status_code == 400 and r.json()["field"] == "parent"
    assert api(client, "patch", cast.zhang, patch, {"deadline_value": 1}).status_code == 403
    assert api(client, "patch", cast.shenji, patch, {"deadline_value": 1}).status_code == 404
    assert snapshot() == before
