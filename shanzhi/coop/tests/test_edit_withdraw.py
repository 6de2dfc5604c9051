"""Editing and withdrawing resources and needs: who may, what is refused (and then nothing changes),
what happens to orders waiting on a withdrawn resource; the per-unit PDF report."""

import base64
import re
import zlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from shanzhi.coop import services
from shanzhi.coop.models import Need, Order, Resource
from shanzhi.core.errors import Conflict, DomainError
from shanzhi.core.models import AuditEvent

from .test_pages import page, post, world  # noqa: F401  (the shared page fixture)

RESOURCE_FIELDS = {
    "title": "上门理发（每周二）",
    "category": "elderly",
    "kind": "volunteer",
    "capacity": 3,
    "weekdays": "0100000",
    "time_from": "09:00",
    "time_to": "11:30",
    "place": "幸福小区3号楼",
}


def snapshot(obj):
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


# --- resources ------------------------------------------------------------------------------------


def test_staff_edit_a_resource_and_keep_the_phone_when_left_blank(co):
    resource = services.update_resource(
        co.resource, by=co.cast.zhang, version=0, contact_phone="", **RESOURCE_FIELDS
    )
    resource.refresh_from_db()
    assert (resource.title, resource.capacity, resource.weekdays, resource.version) == (
        "上门理发（每周二）",
        3,
        "0100000",
        1,
    )
    assert resource.contact_phone == "13912345678"
    assert AuditEvent.objects.filter(action="coop_resource_edit", target_id=str(resource.pk)).exists()


def test_a_stale_edit_is_a_conflict_and_changes_nothing(co):
    services.update_resource(co.resource, by=co.cast.zhang, version=0, **RESOURCE_FIELDS)
    before = snapshot(co.resource)
    with pytest.raises(Conflict):
        services.update_resource(
            co.resource, by=co.cast.zhao, version=0, **{**RESOURCE_FIELDS, "title": "旧页面"}
        )
    assert snapshot(co.resource) == before


def test_capacity_below_the_orders_in_hand_is_refused(co):
    services.place_order(co.resource, by=co.cast.jumin)
    before = snapshot(co.resource)
    with pytest.raises(DomainError) as exc:
        services.update_resource(
            co.resource, by=co.cast.zhang, version=0, **{**RESOURCE_FIELDS, "capacity": 0}
        )
    assert exc.value.field == "capacity"
    assert snapshot(co.resource) == before


def test_other_community_and_grid_worker_may_not_edit_a_resource(co):
    with pytest.raises(Http404):
        services.update_resource(co.resource, by=co.cast.chen, **RESOURCE_FIELDS)
    with pytest.raises(PermissionDenied):
        services.update_resource(co.resource, by=co.cast.wang, **RESOURCE_FIELDS)
    assert Resource.objects.get(pk=co.resource.pk).title == "上门理发"


def test_withdrawing_with_orders_waiting_is_refused_unless_they_are_cancelled_explicitly(co):
    order = services.place_order(co.resource, by=co.cast.jumin)
    with pytest.raises(DomainError) as exc:
        services.withdraw_resource(co.resource, by=co.cast.zhang)
    assert exc.value.code == "open_orders" and "1 个点单" in str(exc.value.message)
    with pytest.raises(DomainError) as exc:
        services.withdraw_resource(co.resource, by=co.cast.zhang, cancel_open=True, reason="")
    assert exc.value.field == "reason"
    assert Resource.objects.get(pk=co.resource.pk).status == "published"
    assert Order.objects.get(pk=order.pk).status == "placed"

    services.withdraw_resource(co.resource, by=co.cast.zhang, cancel_open=True, reason="理发师傅调走了")
    resource, order = Resource.objects.get(pk=co.resource.pk), Order.objects.get(pk=order.pk)
    assert (resource.status, resource.open_orders, order.status) == ("withdrawn", 0, "cancelled")
    assert "理发师傅调走了" in order.events.last().note


def test_orders_already_in_service_are_finished_after_withdrawal(co):
    order = services.place_order(co.resource, by=co.cast.jumin)
    services.accept_order(order, by=co.cast.zhang)
    services.start_order(order, by=co.cast.zhang)
    services.withdraw_resource(co.resource, by=co.cast.zhang)
    assert Order.objects.get(pk=order.pk).status == "in_progress"
    assert Resource.objects.get(pk=co.resource.pk).status == "withdrawn"


# --- needs ----------------------------------------------------------------------------------------------


NEED_FIELDS = {
    "title": "独居老人需要理发（上午）",
    "category": "elderly",
    "weekdays": "0110000",
    "slots": 2,
}


def test_the_grid_worker_who_recorded_a_need_edits_and_withdraws_it(co):
    need = services.update_need(co.need, by=co.cast.wang, version=co.need.version, **NEED_FIELDS)
    assert (need.title, need.slots, need.version) == ("独居老人需要理发（上午）", 2, 1)
    assert need.events.filter(verb="edit").exists()
    services.cancel_need(need, by=co.cast.wang, reason="老人住院了")
    assert Need.objects.get(pk=need.pk).status == "cancelled"


def test_someone_else_in_sight_may_not_edit_a_need_nor_another_community(co):
    with pytest.raises(PermissionDenied):
        services.update_need(
            co.need, by=co.cast.jumin, **NEED_FIELDS
        )  # the household's resident, not its recorder
    with pytest.raises(Http404):
        services.update_need(co.need, by=co.cast.chen, **NEED_FIELDS)
    assert Need.objects.get(pk=co.need.pk).title == "独居老人需要理发"


def test_a_claimed_need_can_be_neither_edited_nor_withdrawn(co):
    services.claim_need(co.common, by=co.cast.he, registration=co.he_reg)
    before = snapshot(co.common)
    with pytest.raises(DomainError) as exc:
        services.update_need(co.common, by=co.cast.zhang, version=co.common.version, **NEED_FIELDS)
    assert exc.value.field == "status"
    with pytest.raises(DomainError):
        services.cancel_need(co.common, by=co.cast.zhang, reason="不需要了")
    assert snapshot(co.common) == before


# --- pages and API -----------------------------------------------------------------------------------------


def test_edit_pages_save_or_show_the_refusal(client, world):  # noqa: F811
    r = world.resource
    assert page(client, world.cast.zhang, "coop:resource_edit", r.pk).status_code == 200
    assert page(client, world.cast.chen, "coop:resource_edit", r.pk).status_code == 404
    assert page(client, world.cast.wang, "coop:resource_edit", r.pk).status_code == 404
    form = {"version": 0, "title": "理发", "category": "elderly", "kind": "low_cost", "weekdays": "1111111"}
    response = post(client, world.cast.zhang, "coop:resource_edit", r.pk, data=form)
    assert response.status_code == 400 and "收费标准" in response.content.decode()
    assert Resource.objects.get(pk=r.pk).title == "上门理发"
    response = post(client, world.cast.zhang, "coop:resource_edit", r.pk, data={**form, "kind": "volunteer"})
    assert response.status_code == 302 and Resource.objects.get(pk=r.pk).title == "理发"

    n = world.need
    assert page(client, world.cast.wang, "coop:need_edit", n.pk).status_code == 200
    assert page(client, world.cast.jumin, "coop:need_edit", n.pk).status_code == 404
    data = {"version": n.version, "title": "理发", "category": "elderly", "weekdays": "1111111", "slots": 1}
    assert post(client, world.cast.wang, "coop:need_edit", n.pk, data=data).status_code == 302
    assert Need.objects.get(pk=n.pk).title == "理发"


def test_withdraw_button_explains_the_orders_waiting(client, world):  # noqa: F811
    services.place_order(world.resource, by=world.cast.jumin)
    body = page(client, world.cast.zhang, "coop:resource", world.resource.pk).content.decode()
    assert "还有 1 个点单尚未开始服务" in body
    post(client, world.cast.zhang, "coop:resource_action", world.resource.pk, "withdraw")
    assert Resource.objects.get(pk=world.resource.pk).status == "published"


def test_api_edit_with_a_stale_version_is_409(client, co):
    client.force_login(co.cast.zhang)
    url = reverse("api:coop_update_resource", kwargs={"resource_id": co.resource.pk})
    body = {"version": 0, "title": "理发", "category": "elderly", "kind": "volunteer"}
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert client.put(url, body, content_type="application/json").status_code == 409
    url = reverse("api:coop_withdraw_need", kwargs={"need_id": co.common.pk})
    assert (
        client.post(url, {"reason": "重复登记"}, content_type="application/json").json()["status"]
        == "cancelled"
    )


# --- the per-unit PDF ----------------------------------------------------------------------------------------


def pdf_text(data):
    """The text drawn on the pages: each content stream (ASCII85 + Flate, as reportlab writes them),
    its literal strings unescaped; the Chinese font's strings are UTF-16BE."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            raw = re.sub(
                rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1], literal
            )
            out.append(raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else raw.decode("latin-1"))
    return "".join(out)


def test_unit_report_pdf_is_a4_with_the_unit_and_its_figures(client, world):  # noqa: F811
    response = page(client, world.cast.zhang, "coop:unit_report_pdf", world.cast.unit.pk)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") >= 1 and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4
    assert b"/BaseFont /STSong-Light" in data
    text = pdf_text(data)
    for expected in ("驻区单位“双报到”情况报告", "区人民医院", "义诊", "急救培训", "生成日期"):
        assert expected in text, expected
    assert AuditEvent.objects.filter(
        action="export", target_id=str(world.cast.unit.pk), detail__format="pdf"
    ).exists()
    assert page(client, world.cast.he, "coop:unit_report_pdf", world.cast.unit.pk).status_code == 200
    assert page(client, world.cast.chen, "coop:unit_report_pdf", world.cast.unit.pk).status_code == 404
    assert page(client, world.qian, "coop:unit_report_pdf", world.cast.unit.pk).status_code == 404
