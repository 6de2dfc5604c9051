"""Issue 13 §5: a result must fill the reply template's blanks; a category may require evidence
photos at 办结; a department's 完成承办 carries photos too. Page and API refuse alike."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealPhoto
from shanzhi.core.errors import DomainError

from .conftest import jpeg_with_gps, snapshot
from .test_api import bearer

S = Appeal.Status
TEMPLATE = "{number} 已办理：【办理情况】"


@pytest.fixture
def handling(cast, cats, file_appeal):
    """An appeal 王网格 is handling, in a category whose template has a blank."""
    cats.neighbour_noise.response_template = TEMPLATE
    cats.neighbour_noise.save()
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    return services.start(a, by=cast.wang)


def photo(name="fix.jpg"):
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


def test_the_template_blank_left_untouched_is_refused_naming_the_field(cast, handling):
    before = snapshot(handling)
    untouched = services.response_template(handling)
    assert untouched.endswith("【办理情况】")
    for result in (untouched, untouched.replace("【办理情况】", ""), "已清理【请填写】"):
        with pytest.raises(DomainError) as err:
            services.resolve(handling, by=cast.wang, result=result)
        assert err.value.field == "result"
    assert snapshot(handling) == before
    filled = untouched.replace("【办理情况】", "已上门劝导，住户承诺夜间不再装修")
    assert services.resolve(handling, by=cast.wang, result=filled).status == S.RESOLVED


def test_page_and_api_refuse_the_blank_alike(cast, handling, login, client):
    before = snapshot(handling)
    page = login(cast.wang).post(
        reverse("appeals:act", args=[handling.number, "resolve"]),
        {"version": handling.version, "result": services.response_template(handling)},
    )
    assert page.status_code == 400 and "【办理情况】" in page.content.decode()
    api = client.post(
        reverse("api:appeals_resolve", args=[handling.number]),
        data=json.dumps({"version": handling.version, "result": "已办理：【办理情况】"}),
        content_type="application/json",
        headers=bearer(cast.wang),
    )
    assert api.status_code == 400 and api.json()["field"] == "result"
    assert snapshot(handling) == before


def test_a_category_that_requires_evidence_is_resolved_only_with_a_photo(cast, cats, handling):
    cats.neighbour_noise.evidence_required = True
    cats.neighbour_noise.save()
    before = snapshot(handling)
    with pytest.raises(DomainError) as err:
        services.resolve(handling, by=cast.wang, result="已劝导")
    assert err.value.field == "photos" and snapshot(handling) == before
    done = services.resolve(handling, by=cast.wang, result="已劝导", photos_in=[photo()])
    assert done.status == S.RESOLVED
    assert AppealPhoto.objects.filter(appeal=done, stage="resolution").count() == 1


def test_evidence_uploaded_while_handling_counts(cast, cats, handling):
    cats.neighbour_noise.evidence_required = True
    cats.neighbour_noise.save()
    services.add_photos(handling, [photo()], by=cast.wang)
    assert services.resolve(handling, by=cast.wang, result="已劝导").status == S.RESOLVED


def test_the_flags_are_edited_where_categories_are(cast, cats, login, client):
    c = cats.neighbour_noise
    form = {
        "parent": c.parent_id,
        "code": c.code,
        "name": c.name,
        "deadline_value": 5,
        "deadline_unit": "workdays",
        "urgency": "normal",
        "default_handler_kind": "grid",
        "duplicate_radius_m": 100,
        "sort": 0,
        "evidence_required": "on",
        "grid_self_handle": "on",
    }
    assert login(cast.xitong).post(reverse("appeals:category_edit", args=[c.pk]), form).status_code == 302
    c.refresh_from_db()
    assert c.evidence_required and c.grid_self_handle
    response = client.patch(
        reverse("api:appeals_category_update", args=[c.pk]),
        data=json.dumps({"evidence_required": False}),
        content_type="application/json",
        headers=bearer(cast.xitong),
    )
    assert response.status_code == 200 and response.json()["evidence_required"] is False
    assert response.json()["grid_self_handle"] is True
    assert login(cast.zhang).get(reverse("appeals:category_edit", args=[c.pk])).status_code == 404


@pytest.fixture
def reported(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    [s] = services.summon(a, by=cast.zhang, lead=cast.department)
    services.report(s, by=cast.zheng)
    return Appeal.objects.get(pk=a.pk), s


def test_a_department_finishes_its_part_with_photos_on_the_page(cast, reported, login):
    a, s = reported
    response = login(cast.zheng).post(
        reverse("appeals:summons_act", args=[s.pk, "finish_part"]),
        {"version": a.version, "result": "违建已拆除", "photos": [photo()]},
    )
    assert response.status_code == 302
    [p] = AppealPhoto.objects.filter(appeal=a)
    assert p.uploaded_by == cast.zheng and p.stage == "resolution"
    assert a.events.last().data["photos"] == [p.pk]


def test_a_department_finishes_its_part_with_photos_through_the_api(cast, reported, client):
    a, s = reported
    response = client.post(
        reverse("api:appeals_summons_finish_part_multipart", args=[s.pk]),
        {"version": a.version, "result": "违建已拆除", "photos": [photo()]},
        headers=bearer(cast.zheng),
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["photos"]) == 1
    bad = client.post(
        reverse("api:appeals_summons_finish_part_multipart", args=[s.pk]),
        {"version": a.version + 1, "result": "x", "photos": [SimpleUploadedFile("a.jpg", b"not an image")]},
        headers=bearer(cast.zheng),
    )
    assert bad.status_code == 400 and bad.json()["field"] == "photos"
