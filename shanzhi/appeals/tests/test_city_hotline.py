"""12345 cases (issue 12 §9): the centre's own deadline kept beside ours, and 退回市级平台 with a reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, AppealEvent
from shanzhi.appeals.services.importing import HotlineFileRejected, import_file
from shanzhi.core.errors import DomainError

from .conftest import IN_A1, snapshot
from .test_api import post
from .test_importing import csv_bytes

HEADER = ["工单编号", "诉求内容", "诉求分类", "经度", "纬度", "市级办理时限"]


def hotline(cast, cats, case="BJ-9001", city_deadline="2026-03-05 18:00"):
    import_file(
        csv_bytes([HEADER, [case, "小区门口垃圾堆放", cats.parking.code, IN_A1[0], IN_A1[1], city_deadline]]),
        "hotline.csv",
        by=cast.zhang,
    )
    return Appeal.objects.get(hotline_case_number=case)


# --- the centre's deadline ------------------------------------------------------------------------


def test_the_centres_deadline_is_stored_as_given_beside_ours(client, cast, cats):
    a = hotline(cast, cats)
    assert timezone.localtime(a.city_deadline).replace(tzinfo=None) == datetime.datetime(2026, 3, 5, 18, 0)
    services.accept(a, by=cast.zhang)
    a.refresh_from_db()
    assert a.deadline is not None and a.city_deadline != a.deadline  # ours is counted on our calendar
    assert timezone.localtime(a.city_deadline).hour == 18  # and the centre's never moves
    client.force_login(cast.zhang)
    page = client.get(reverse("appeals:detail", args=[a.number])).content.decode()
    assert "市级平台时限" in page and "2026-03-05 18:00" in page
    from shanzhi.coop.tests.test_api import call

    got = call(client, "get", reverse("api:appeals_detail", args=[a.number]), cast.zhang).json()
    assert got["city_deadline"].startswith("2026-03-05T18:00")


def test_a_bare_date_is_that_days_end_and_a_past_one_is_kept(cast, cats):
    a = hotline(cast, cats, city_deadline="2020-01-02")
    assert timezone.localtime(a.city_deadline).replace(tzinfo=None) == datetime.datetime(
        2020, 1, 2, 23, 59, 59
    )


@pytest.mark.parametrize("value", ["2026-13-01", "明天", "2026-02-30 10:00"])
def test_a_bad_centre_deadline_refuses_the_file_naming_the_column(cast, cats, value):
    with pytest.raises(HotlineFileRejected) as err:
        hotline(cast, cats, city_deadline=value)
    assert {(e["row"], e["column"]) for e in err.value.errors} == {(2, "市级办理时限")}
    assert not Appeal.objects.exists()


def test_an_empty_centre_deadline_is_none(cast, cats):
    assert hotline(cast, cats, city_deadline="").city_deadline is None


# --- 退回市级平台 ------------------------------------------------------------------------------------


def test_a_hotline_case_goes_back_to_the_city_with_its_reason(cast, cats):
    a = hotline(cast, cats)
    services.accept(a, by=cast.zhang)
    a = services.return_to_city(Appeal.objects.get(pk=a.pk), by=cast.zhang, reason="属外区管辖，退回重派")
    a.refresh_from_db()
    assert a.status == Appeal.Status.TO_CITY and a.city_return_reason == "属外区管辖，退回重派"
    assert a.closed_at is not None and a.status in Appeal.FINAL
    event = a.events.order_by("-id").first()
    assert (event.verb, event.note) == (AppealEvent.Verb.RETURN_TO_CITY, "属外区管辖，退回重派")
    with pytest.raises(DomainError):
        services.dispatch(a, by=cast.zhang, to_pool=True)


def test_returning_needs_a_reason_a_hotline_case_and_the_coordinator(cast, cats, file_appeal):
    a = hotline(cast, cats)
    before = snapshot(a)
    for reason in ("", "  ", "长" * 501):
        with pytest.raises(DomainError) as err:
            services.return_to_city(a, by=cast.zhang, reason=reason)
        assert err.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.return_to_city(a, by=cast.wang, reason="网格员不能退回")
    assert snapshot(a) == before
    web = file_appeal()
    before = snapshot(web)
    with pytest.raises(DomainError) as err:
        services.return_to_city(web, by=cast.zhang, reason="不是热线件")
    assert "12345" in err.value.message
    assert snapshot(web) == before
    assert "return_to_city" not in services.available_actions(cast.zhang, web)
    assert "return_to_city" in services.available_actions(cast.zhang, a)


def test_a_finished_case_cannot_go_back(cast, cats):
    a = hotline(cast, cats)
    services.reject(a, by=cast.zhang, reason="重复")
    with pytest.raises(DomainError):
        services.return_to_city(Appeal.objects.get(pk=a.pk), by=cast.zhang, reason="再退回")


def test_the_page_button_and_the_api_return_it(client, cast, cats):
    a = hotline(cast, cats)
    client.force_login(cast.zhang)
    page = client.get(reverse("appeals:detail", args=[a.number])).content.decode()
    assert 'id="act-return_to_city"' in page
    client.post(
        reverse("appeals:act", args=[a.number, "return_to_city"]), {"version": a.version, "reason": ""}
    )
    assert Appeal.objects.get(pk=a.pk).status == Appeal.Status.SUBMITTED
    url = reverse("api:appeals_return_to_city", args=[a.number])
    bad = post(client, cast.zhang, url, {"version": a.version, "reason": ""})
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    ok = post(client, cast.zhang, url, {"version": a.version, "reason": "不属于本区受理范围"})
    assert ok.status_code == 200 and ok.json()["status"] == "to_city"
    assert ok.json()["city_return_reason"] == "不属于本区受理范围"
    assert post(client, cast.chen, url, {"version": 9, "reason": "x"}).status_code == 404  # community B
