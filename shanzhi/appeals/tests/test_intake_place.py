"""Staff intake without a map point (the community, or a grid in it), and photos through the API."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealPhoto

from .conftest import IN_A1, jpeg_with_gps, png_bytes


def staff_form(cats, **kw):
    form = {
        "channel": "on_behalf",
        "category": cats.neighbour_noise.pk,
        "title": "来电反映楼道堆物",
        "description": "居民来电：楼道堆满纸箱。",
        "place": "map",
        "lng": "",
        "lat": "",
        "idempotency_key": "k-staff",
        "contact_phone": "13912345678",
    }
    form.update(kw)
    return form


def bearer(user):
    return {"Authorization": f"Bearer {issue_api_token(user)}"}


def api_body(cats, **kw):
    body = {
        "channel": "on_behalf",
        "title": "来电反映路灯不亮",
        "description": "小区东门路灯坏了一周。",
        "category": cats.neighbour_noise.code,
    }
    body.update(kw)
    return body


def post_json(client, user, body, key="k1"):
    return client.post(
        reverse("api:appeals_submit"),
        data=json.dumps(body),
        content_type="application/json",
        headers={**bearer(user), "Idempotency-Key": key},
    )


def photo(name="a.jpg", data=None):
    return SimpleUploadedFile(name, data or jpeg_with_gps(), content_type="image/jpeg")


# --- the place chosen by staff ------------------------------------------------------------------


def test_staff_pick_the_community_and_it_dispatches(cast, cats, login):
    client = login(cast.zhang)
    page = client.get(reverse("appeals:submit")).content.decode()
    assert 'name="node"' in page and cast.community.name in page and cast.grid2.name in page
    assert cast.community_b.name not in page  # another community is not offered
    response = client.post(reverse("appeals:submit"), staff_form(cats, node=cast.community.pk))
    assert response.status_code == 302
    a = Appeal.objects.get()
    assert (a.community, a.grid, a.level, a.path) == (cast.community, None, "community", cast.community.path)
    assert services.suggest_assignee(a) == {"kind": "node", "target": cast.community}


def test_staff_pick_a_grid_within_the_community(cast, cats, login):
    response = login(cast.zhang).post(reverse("appeals:submit"), staff_form(cats, node=cast.grid2.pk))
    assert response.status_code == 302
    a = Appeal.objects.get()
    assert (a.community, a.grid, a.level) == (cast.community, cast.grid2, "grid")


def test_a_community_outside_the_scope_is_refused_naming_the_field(cast, cats, login):
    for node in (cast.community_b, cast.street):
        response = login(cast.zhang).post(reverse("appeals:submit"), staff_form(cats, node=node.pk))
        assert response.status_code == 400
        assert 'data-error-field="node"' in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_point_and_a_node_that_disagree_are_refused(cast, cats, login):
    client = login(cast.zhang)
    response = client.post(
        reverse("appeals:submit"), staff_form(cats, node=cast.grid2.pk, lng=IN_A1[0], lat=IN_A1[1])
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'data-error-field="node"' in body
    assert cast.grid2.name in body and cast.grid.name in body  # both places named
    assert not Appeal.objects.exists()
    # When they agree the point decides the grid.
    response = client.post(
        reverse("appeals:submit"), staff_form(cats, node=cast.community.pk, lng=IN_A1[0], lat=IN_A1[1])
    )
    assert response.status_code == 302 and Appeal.objects.get().grid == cast.grid


def test_residents_are_not_offered_a_community(cast, cats, login):
    client = login(cast.jumin)
    assert 'name="node"' not in client.get(reverse("appeals:submit")).content.decode()
    form = staff_form(cats, channel="web", node=cast.community.pk)
    assert client.post(reverse("appeals:submit"), form).status_code == 400
    assert not Appeal.objects.exists()


def test_api_intake_takes_the_community(cast, cats, client):
    response = post_json(client, cast.zhang, api_body(cats, node_id=cast.community.pk))
    assert response.status_code == 201, response.content
    assert response.json()["community"] == cast.community.name and response.json()["grid"] is None
    bad = post_json(client, cast.zhang, api_body(cats, node_id=cast.community_c.pk), key="k2")
    assert bad.status_code == 400 and bad.json()["field"] == "node_id"
    clash = post_json(
        client, cast.zhang, api_body(cats, node_id=cast.grid2.pk, lng=IN_A1[0], lat=IN_A1[1]), key="k3"
    )
    assert clash.status_code == 400 and clash.json()["field"] == "node_id"
    assert Appeal.objects.count() == 1


def test_a_retry_gets_its_appeal_after_its_community_left_the_filers_scope(cast, cats, client):
    first = post_json(client, cast.zhang, api_body(cats, node_id=cast.community.pk))
    assert first.status_code == 201, first.content
    cast.zhang.role_grants.update(node=cast.community_c)  # moved to another community since
    again = post_json(client, cast.zhang, api_body(cats, node_id=cast.community.pk))
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    new = post_json(client, cast.zhang, api_body(cats, node_id=cast.community.pk), key="k2")
    assert new.status_code == 400 and new.json()["field"] == "node_id"
    assert Appeal.objects.count() == 1


# --- photos through the API -----------------------------------------------------------------------


def test_api_intake_with_photos_strips_metadata_and_lists_urls(cast, cats, client, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    data = {
        **api_body(cats, channel="web", lng=IN_A1[0], lat=IN_A1[1]),
        "photos": [photo("a.jpg"), photo("b.png", png_bytes())],
    }
    response = client.post(
        reverse("api:appeals_submit_multipart"),
        data=data,
        headers={**bearer(cast.jumin), "Idempotency-Key": "m1"},
    )
    assert response.status_code == 201, response.content
    urls = [p["url"] for p in response.json()["photos"]]
    assert len(urls) == 2 and all(p["stage"] == "intake" for p in response.json()["photos"])
    served = login(cast.jumin).get(urls[0])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif()  # re-encoded: no camera model, no GPS
    assert login(cast.chen).get(urls[0]).status_code == 404  # another community
    # The same key and the same photos again: the first appeal, nothing added.
    data["photos"] = [photo("a.jpg"), photo("b.png", png_bytes())]
    again = client.post(
        reverse("api:appeals_submit_multipart"),
        data=data,
        headers={**bearer(cast.jumin), "Idempotency-Key": "m1"},
    )
    assert again.status_code == 200 and again.json()["number"] == response.json()["number"]
    assert Appeal.objects.count() == 1 and AppealPhoto.objects.count() == 2


@pytest.mark.parametrize(
    "files,message",
    [
        ([photo(f"{i}.jpg") for i in range(7)], "最多上传 6 张"),
        ([SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")], "不是可识别的照片"),
    ],
)
def test_api_refuses_bad_photos_naming_the_field(cast, cats, client, files, message):
    data = {**api_body(cats, channel="web", lng=IN_A1[0], lat=IN_A1[1]), "photos": files}
    response = client.post(reverse("api:appeals_submit_multipart"), data=data, headers=bearer(cast.jumin))
    assert response.status_code == 400 and response.json()["field"] == "photos"
    assert message in response.json()["message"]
    assert not Appeal.objects.exists() and not AppealPhoto.objects.exists()


def test_api_resolve_with_evidence_photos(cast, file_appeal, client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.start(services.dispatch(a, by=cast.zhang, to_user=cast.wang), by=cast.wang)
    url = reverse("api:appeals_resolve_multipart", kwargs={"number": a.number})
    stale = client.post(
        url,
        data={"version": a.version - 1, "result": "已清理", "photos": [photo()]},
        headers=bearer(cast.wang),
    )
    assert stale.status_code == 409 and not AppealPhoto.objects.exists()
    empty = client.post(
        url, data={"version": a.version, "result": "", "photos": [photo()]}, headers=bearer(cast.wang)
    )
    assert empty.status_code == 400 and empty.json()["field"] == "result"
    ok = client.post(
        url,
        data={"version": a.version, "result": "已清理", "photos": [photo(), photo("b.jpg")]},
        headers=bearer(cast.wang),
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "resolved"
    assert [p["stage"] for p in ok.json()["photos"]] == ["resolution", "resolution"]
    assert (
        client.post(
            url, data={"version": ok.json()["version"], "result": "x"}, headers=bearer(cast.li)
        ).status_code
        == 404
    )  # another grid's worker


def test_openapi_still_generates_with_the_multipart_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/appeals/multipart" in paths and "/api/v1/appeals/{number}/resolve/multipart" in paths


def test_a_staff_page_retry_after_the_community_left_the_scope_gets_its_appeal(cast, cats, login):
    client = login(cast.zhang)
    form = staff_form(cats, node=cast.community.pk)
    assert client.post(reverse("appeals:submit"), form).status_code == 302
    number = Appeal.objects.get().number
    cast.zhang.role_grants.update(node=cast.community_c)  # moved to another community since
    again = client.post(reverse("appeals:submit"), form, follow=True)
    page = again.content.decode()
    assert number in page and "已经提交过" in page and "待定位" not in page  # placed, not unplaced
    new = client.post(reverse("appeals:submit"), {**form, "idempotency_key": "k-other"})
    assert new.status_code == 400 and Appeal.objects.count() == 1
