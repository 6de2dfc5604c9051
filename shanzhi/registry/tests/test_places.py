"""Keeping the network by hand: who may add, edit, move and retire nodes, compounds and buildings,
what each refusal says, and that a refused request leaves everything as it was."""

import json

import pytest
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.core.models import AuditEvent
from shanzhi.registry import geo, services
from shanzhi.registry.importing.checking import validate_rows
from shanzhi.registry.importing.reading import HEADER
from shanzhi.registry.models import Building, Compound, Household, OrgNode, Resident
from shanzhi.tests.cast import square


def post(client, user, name, data, **kwargs):
    client.force_login(user)
    return client.post(reverse(name, kwargs=kwargs), data)


def api(client, user, method, path, body):
    token = issue_api_token(user, name="test")
    return getattr(client, method)(
        "/api/v1/registry/places/" + path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_community_staff_add_a_grid_to_their_community_and_it_is_audited(client, cast):
    code = cast.community.code + "009"
    response = post(
        client,
        cast.zhang,
        "registry:node_add",
        {"code": code, "name": "东一社区第九网格", "boundary": json.dumps(square(117.70, 34.95))},
        code=cast.community.code,
    )
    assert response.status_code == 302
    grid = OrgNode.objects.get(code=code)
    assert (grid.level, grid.parent, grid.path) == ("grid", cast.community, cast.community.path + code + "/")
    assert geo.grid_id_at(117.70, 34.95) == grid.pk  # the new polygon takes appeals at once
    event = AuditEvent.objects.get(action="registry_change", target_id=str(grid.pk))
    assert event.detail["verb"] == "add" and event.actor_username == cast.zhang.username


def test_a_code_outside_the_parents_is_refused_on_its_field_and_nothing_is_written(client, cast):
    before = OrgNode.objects.count()
    response = post(
        client,
        cast.zhang,
        "registry:node_add",
        {"code": "999999999999001", "name": "网格"},
        code=cast.community.code,
    )
    assert response.status_code == 400
    assert "编码必须以上级编码" in response.content.decode()
    assert OrgNode.objects.count() == before
    assert not AuditEvent.objects.filter(action="registry_change").exists()


def test_another_communitys_staff_get_404_and_a_grid_worker_403(client, cast):
    data = {"code": cast.community.code + "009", "name": "网格"}
    assert post(client, cast.chen, "registry:node_add", data, code=cast.community.code).status_code == 404
    assert (
        post(client, cast.wang, "registry:node_edit", {"name": "改名"}, code=cast.grid.code).status_code
        == 403
    )
    assert OrgNode.objects.get(pk=cast.grid.pk).name == cast.grid.name


def test_a_community_keeps_its_grids_but_only_the_street_renames_the_community(client, cast):
    assert (
        post(client, cast.zhang, "registry:node_edit", {"name": "新名"}, code=cast.community.code).status_code
        == 403
    )
    assert (
        post(client, cast.zhang, "registry:node_edit", {"name": "一网格"}, code=cast.grid.code).status_code
        == 302
    )
    assert (
        post(
            client, cast.liu, "registry:node_edit", {"name": "东一新社区"}, code=cast.community.code
        ).status_code
        == 302
    )
    assert OrgNode.objects.get(pk=cast.community.pk).name == "东一新社区"
    assert OrgNode.objects.get(pk=cast.grid.pk).name == "一网格"


def test_only_the_system_administrator_renames_the_district(client, cast):
    assert (
        post(client, cast.sun, "registry:node_edit", {"name": "新区"}, code=cast.district.code).status_code
        == 403
    )
    assert (
        post(client, cast.xitong, "registry:node_edit", {"name": "新区"}, code=cast.district.code).status_code
        == 302
    )


def test_compound_and_building_are_added_and_the_import_then_finds_the_building(client, cast):
    assert (
        post(
            client,
            cast.zhang,
            "registry:compound_add",
            {"name": "新建小区", "address": "幸福路 8 号"},
            code=cast.community.code,
        ).status_code
        == 302
    )
    compound = Compound.objects.get(community=cast.community, name="新建小区")
    response = post(
        client,
        cast.zhang,
        "registry:building_add",
        {"name": "1号楼", "grid": cast.grid.pk, "floors": "18", "lng": "117.551", "lat": "34.861"},
        pk=compound.pk,
    )
    assert response.status_code == 302
    building = Building.objects.get(compound=compound, name="1号楼")
    assert (building.grid, building.floors) == (cast.grid, 18)
    rows = [{"grid_code": cast.grid.code, "compound": "新建小区", "building": "1号楼", "room": "101"}]
    columns = {e["column"] for e in validate_rows(rows, scope=cast.community)}
    assert not columns & {HEADER["building"], HEADER["compound"], HEADER["grid_code"]}


@pytest.mark.parametrize(
    ("data", "field_text"),
    [
        ({"name": "3号楼", "grid": "GRID_B"}, "id_grid"),  # not offered: another community
        ({"name": "", "grid": "GRID"}, "楼栋不能为空"),
        ({"name": "9号\x00楼", "grid": "GRID"}, ""),  # refused before the view (core.inputs)
        ({"name": "9号楼", "grid": "GRID", "floors": "²"}, "层数应为"),
        ({"name": "9号楼", "grid": "GRID", "floors": "99999999999999999999"}, "id_floors"),
        ({"name": "9号楼", "grid": "GRID", "lng": "999"}, "坐标超出范围"),
        ({"name": "9号楼", "grid": "GRID", "lat": "abc"}, "坐标必须是数字"),
        ({"name": "楼" * 51, "grid": "GRID"}, "id_name"),
        ({"name": "9号楼", "grid": "abc"}, "id_grid"),
    ],
)
def test_bad_building_input_is_refused_with_the_field_and_nothing_written(client, cast, data, field_text):
    data = dict(data)
    data["grid"] = {"GRID": cast.grid.pk, "GRID_B": cast.grid_b.pk}.get(data["grid"], data["grid"])
    before = Building.objects.count()
    response = post(client, cast.zhang, "registry:building_add", data, pk=cast.compound.pk)
    assert response.status_code == 400
    page = response.content.decode()
    if not field_text:
        pass
    elif field_text.startswith("id_"):  # refused by the form's own checks: the field is marked
        assert f'id="{field_text}"' in page and "is-invalid" in page
    else:
        assert field_text in page
    assert Building.objects.count() == before


def test_duplicate_building_name_is_refused(client, cast):
    response = post(
        client,
        cast.zhang,
        "registry:building_add",
        {"name": cast.building.name, "grid": cast.grid.pk},
        pk=cast.compound.pk,
    )
    assert response.status_code == 400 and "已有楼栋" in response.content.decode()


def test_moving_a_building_hands_its_households_to_the_new_grids_worker(client, cast):
    response = post(
        client,
        cast.zhang,
        "registry:building_move",
        {"grid": cast.grid2.pk, "reason": "网格调整"},
        pk=cast.building.pk,
    )
    assert response.status_code == 302
    assert Building.objects.get(pk=cast.building.pk).grid == cast.grid2
    assert set(Household.objects.filter(building=cast.building).values_list("grid", flat=True)) == {
        cast.grid2.pk
    }
    assert Resident.objects.get(pk=cast.resident.pk).grid == cast.grid2
    client.force_login(cast.li)  # grid A2's worker now sees the resident; A1's no longer does
    assert client.get(reverse("registry:resident", args=[cast.resident.pk])).status_code == 200
    client.force_login(cast.wang)
    assert client.get(reverse("registry:resident", args=[cast.resident.pk])).status_code == 404
    event = AuditEvent.objects.get(action="registry_change", detail__verb="move")
    assert (event.detail["before"], event.detail["after"]) == (cast.grid.code, cast.grid2.code)


def test_a_move_without_a_reason_or_to_another_community_changes_nothing(client, cast):
    r = post(
        client,
        cast.zhang,
        "registry:building_move",
        {"grid": cast.grid2.pk, "reason": ""},
        pk=cast.building.pk,
    )
    assert r.status_code == 400
    assert Building.objects.get(pk=cast.building.pk).grid == cast.grid
    assert Resident.objects.get(pk=cast.resident.pk).grid == cast.grid
    with pytest.raises(Exception, match="必须属于小区所在社区"):
        services.move_building(cast.building, grid=cast.grid_b, by=cast.liu, reason="跨社区")


def test_retiring_refuses_while_people_or_places_hang_below(client, cast):
    r = post(client, cast.zhang, "registry:building_retire", {"reason": "拆除"}, pk=cast.building.pk)
    assert r.status_code == 400 and "还有登记的居民" in r.content.decode()
    r = post(client, cast.zhang, "registry:node_retire", {"reason": "合并"}, code=cast.grid.code)
    assert r.status_code == 400 and "还有楼栋" in r.content.decode()
    assert OrgNode.objects.get(pk=cast.grid.pk).retired_at is None
    assert Building.objects.get(pk=cast.building.pk).retired_at is None


def test_a_retired_grid_takes_no_appeals_and_no_import_rows(client, cast):
    code = cast.community.code + "009"
    grid = services.add_node(
        parent=cast.community, code=code, name="临时网格", boundary=square(117.8, 34.9), by=cast.zhang
    )
    assert geo.grid_id_at(117.8, 34.9) == grid.pk
    r = post(client, cast.zhang, "registry:node_retire", {"reason": "并入第一网格"}, code=code)
    assert r.status_code == 302
    assert geo.grid_id_at(117.8, 34.9) is None
    rows = [{"grid_code": code, "compound": cast.compound.name, "building": "1号楼", "room": "1"}]
    assert HEADER["grid_code"] in {e["column"] for e in validate_rows(rows, scope=cast.community)}
    r = post(client, cast.zhang, "registry:node_edit", {"name": "复活"}, code=code)
    assert r.status_code == 400 and "已撤销" in r.content.decode()


def test_the_api_runs_the_same_rules(client, cast):
    r = api(client, cast.zhang, "post", f"nodes/{cast.community.code}/compounds", {"name": "接口小区"})
    assert r.status_code == 201, r.content
    compound_id = r.json()["id"]
    r = api(
        client,
        cast.zhang,
        "post",
        f"compounds/{compound_id}/buildings",
        {"name": "A座", "grid": cast.grid.code, "floors": 12},
    )
    assert r.status_code == 201 and r.json()["grid"] == cast.grid.code
    building_id = r.json()["id"]
    r = api(
        client, cast.zhang, "post", f"buildings/{building_id}/move", {"grid": cast.grid_b.code, "reason": "x"}
    )
    assert r.status_code == 400 and r.json()["field"] == "grid"
    r = api(client, cast.zhang, "patch", f"buildings/{building_id}", {"name": "A座\u0000"})
    assert r.status_code == 400 and r.json()["field"] == "name"
    r = api(client, cast.zhang, "post", f"buildings/{building_id}/retire", {"reason": "拆除"})
    assert r.status_code == 200 and r.json()["retired"] is True
    r = api(client, cast.zhang, "post", f"compounds/{compound_id}/retire", {"reason": "并入"})
    assert r.status_code == 200 and r.json()["retired"] is True


def test_the_keeper_sees_the_maintenance_menu_and_others_do_not(client, cast):
    client.force_login(cast.zhang)
    page = client.get(reverse("registry:node", args=[cast.community.code])).content.decode()
    assert reverse("registry:node_add", args=[cast.community.code]) in page
    assert reverse("registry:node_edit", args=[cast.community.code]) not in page  # the street's to rename
    page = client.get(reverse("registry:compound", args=[cast.compound.pk])).content.decode()
    assert reverse("registry:building_move", args=[cast.building.pk]) in page
    client.force_login(cast.wang)
    page = client.get(reverse("registry:node", args=[cast.grid.code])).content.decode()
    assert reverse("registry:node_edit", args=[cast.grid.code]) not in page
