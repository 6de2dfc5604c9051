"""Issue 13 §8: 网格发现、就地解决. A grid worker fixes on the spot what they found on patrol, for a
category marked for it: the report goes through 受理, 派单 (to them), 开始处置 and 办结, each on the
timeline, and still waits for someone else's 核实."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal
from shanzhi.appeals.services.actions import available_actions
from shanzhi.core.errors import DomainError

from .conftest import IN_A1, jpeg_with_gps, snapshot
from .test_api import bearer

S = Appeal.Status


@pytest.fixture
def patrol(cast, cats):
    """``patrol(by=…)``: a patrol find in grid A1, in a category the grid may handle itself."""
    cats.neighbour_noise.grid_self_handle = True
    cats.neighbour_noise.save()

    def _file(by=None, category=None, lnglat=IN_A1):
        return services.submit(
            by=by or cast.wang,
            channel="patrol",
            title="楼道杂物堵塞",
            description="三单元楼道堆放纸箱。",
            category=category or cats.neighbour_noise,
            lng=lnglat[0],
            lat=lnglat[1],
        )

    return _file


def test_the_finder_accepts_and_resolves_at_once_through_the_normal_moves(cast, patrol):
    a = patrol()
    assert "self_handle" in available_actions(cast.wang, a)
    assert "self_handle" not in available_actions(cast.zhang, a)
    a = services.self_handle(a, by=cast.wang, result="已当场清理", expected_version=a.version)
    assert a.status == S.RESOLVED
    assert (a.assignee_kind, a.assignee_user, a.dispatched_by, a.resolved_by) == (
        "user",
        cast.wang,
        cast.wang,
        cast.wang,
    )
    assert a.accepted_at and a.deadline and a.resolved_at and a.resolution == "已当场清理"
    events = list(a.events.order_by("id"))
    assert [e.verb for e in events] == ["submit", "accept", "dispatch", "start", "resolve"]
    assert all(e.data.get("self_handle") for e in events[1:])
    assert [e.version for e in events[1:]] == [2, 3, 4, 5]
    # Still verified by someone else: the finder may not check their own fix.
    with pytest.raises(PermissionDenied):
        services.verify(a, by=cast.wang)
    assert services.verify(a, by=cast.zhao).status == S.VERIFIED


def test_only_for_categories_marked_for_it(cast, cats, patrol):
    a = patrol(category=cats.parking)
    before = snapshot(a)
    assert "self_handle" not in available_actions(cast.wang, a)
    with pytest.raises(DomainError) as err:
        services.self_handle(a, by=cast.wang, result="已清理")
    assert err.value.code == "not_now" and snapshot(a) == before


def test_only_the_finder_in_their_own_grid(cast, patrol, file_appeal):
    a = patrol()
    before = snapshot(a)
    with pytest.raises(Http404):  # another grid's worker does not see it
        services.self_handle(a, by=cast.li, result="已清理")
    with pytest.raises(PermissionDenied):  # community staff: not a grid worker's move
        services.self_handle(a, by=cast.zhang, result="已清理")
    assert snapshot(a) == before
    # A resident's report in the same grid is the community's to accept, not the worker's.
    web = file_appeal()
    web.category.grid_self_handle = True
    web.category.save()
    with pytest.raises(PermissionDenied):
        services.self_handle(web, by=cast.wang, result="已清理")


def test_the_result_and_evidence_rules_of_resolve_apply(cast, cats, patrol):
    cats.neighbour_noise.evidence_required = True
    cats.neighbour_noise.response_template = "已办理：【办理情况】"
    cats.neighbour_noise.save()
    a = patrol()
    before = snapshot(a)
    with pytest.raises(DomainError) as err:
        services.self_handle(a, by=cast.wang, result="已办理：【办理情况】")
    assert err.value.field == "result"
    with pytest.raises(DomainError) as err:
        services.self_handle(a, by=cast.wang, result="已清理")
    assert err.value.field == "photos" and snapshot(a) == before
    photo = SimpleUploadedFile("fix.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert services.self_handle(a, by=cast.wang, result="已清理", photos_in=[photo]).status == S.RESOLVED


def test_on_the_page_and_through_the_api(cast, patrol, login, client):
    a = patrol()
    page = login(cast.wang).get(reverse("appeals:detail", args=[a.number]))
    assert 'id="act-self_handle"' in page.content.decode()
    response = client.post(
        reverse("appeals:act", args=[a.number, "self_handle"]), {"version": a.version, "result": "已清理"}
    )
    assert response.status_code == 302
    assert Appeal.objects.get(pk=a.pk).status == S.RESOLVED
    b = patrol()
    out = client.post(
        reverse("api:appeals_self_handle", args=[b.number]),
        data=json.dumps({"version": b.version, "result": "已清理"}),
        content_type="application/json",
        headers=bearer(cast.wang),
    )
    assert out.status_code == 200 and out.json()["status"] == S.RESOLVED
    c = patrol()
    refused = client.post(
        reverse("api:appeals_self_handle", args=[c.number]),
        data=json.dumps({"version": c.version, "result": ""}),
        content_type="application/json",
        headers=bearer(cast.wang),
    )
    assert refused.status_code == 400 and refused.json()["field"] == "result"
    foreign = client.post(
        reverse("api:appeals_self_handle", args=[c.number]),
        data=json.dumps({"version": c.version, "result": "已清理"}),
        content_type="application/json",
        headers=bearer(cast.li),
    )
    assert foreign.status_code == 404
