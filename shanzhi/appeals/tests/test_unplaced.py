"""Filing by address (issue 12 §3): placed through the registry when it can be, else into the
待定位 queue of the district's and streets' dispatchers, who place it; never refused for want
of a point. Every channel: Open311, the JSON API, the resident page and the hotline files."""

import json

import pytest
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import queries, services
from shanzhi.appeals.models import Appeal, AppealEvent
from shanzhi.appeals.services.importing import import_file
from shanzhi.core.errors import DomainError

from .conftest import IN_A1, IN_A2
from .test_importing import HEADER, csv_bytes
from .test_open311 import key, post_form, url  # noqa: F401 (the key fixture)

NOWHERE = "火星路99号"


@pytest.fixture
def addressed(cast):
    cast.compound.address = "光明路12号"
    cast.compound.save(update_fields=["address"])
    return cast


@pytest.fixture
def unplaced(cast, cats):
    """居民甲 files with an address no registry place matches."""
    return services.submit(
        by=cast.jumin,
        channel="web",
        title="路面塌陷",
        description="路口有一个大坑。",
        category=cats.neighbour_noise,
        address=NOWHERE,
    )


def bearer(user):
    return {"Authorization": f"Bearer {issue_api_token(user)}"}


# --- intake by address, every channel --------------------------------------------------------


def test_open311_address_string_alone_is_placed_through_the_registry(client, addressed, cats, key):  # noqa: F811
    form = post_form(
        cats, key, lat="", long="", address_string="山东省枣庄市市中区光明路１２号 幸福小区二号楼"
    )
    response = client.post(url("requests"), form)
    assert response.status_code == 201
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    assert (appeal.building, appeal.grid, appeal.unplaced) == (addressed.building2, addressed.grid2, False)
    assert appeal.path == addressed.grid2.path and appeal.address.startswith("山东省")


def test_open311_address_id_is_a_building(client, cast, cats, key):  # noqa: F811
    response = client.post(
        url("requests"), post_form(cats, key, lat="", long="", address_id=cast.building_b.pk)
    )
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    assert appeal.grid == cast.grid_b
    bad = client.post(url("requests"), post_form(cats, key, lat="", long="", address_id="99999"))
    assert bad.status_code == 400 and "address_id" in bad.json()[0]["description"]
    assert Appeal.objects.count() == 1


def test_open311_unknown_address_is_filed_unplaced_not_refused(client, cast, cats, key):  # noqa: F811
    response = client.post(url("requests"), post_form(cats, key, lat="", long="", address_string=NOWHERE))
    assert response.status_code == 201
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    assert appeal.unplaced and appeal.status == "submitted" and appeal.path == cast.district.path
    assert appeal.grid is None and appeal.community is None and appeal.client == "open311-city-app"
    # The district's dispatchers are told it waits to be placed.
    assert cast.sun.notifications.filter(appeal=appeal, text__contains="待定位").exists()


def test_nothing_at_all_is_still_refused_naming_the_location(client, cats, key):  # noqa: F811
    response = client.post(url("requests"), post_form(cats, key, lat="", long="", address_string="  "))
    assert response.status_code == 400 and response.json()[0]["description"].startswith("location")
    assert not Appeal.objects.exists()


def test_api_submit_by_address(client, addressed, cats):
    body = {"title": "楼道灯坏", "description": "三楼楼道灯坏了。", "category": cats.neighbour_noise.code}
    placed = client.post(
        reverse("api:appeals_submit"),
        data=json.dumps({**body, "address": "幸福小区1号楼1单元101"}),
        content_type="application/json",
        headers=bearer(addressed.jumin),
    )
    assert placed.status_code == 201 and placed.json()["grid"] == addressed.grid.name
    assert placed.json()["unplaced"] is False
    lost = client.post(
        reverse("api:appeals_submit"),
        data=json.dumps({**body, "address": NOWHERE, "title": "另一件"}),
        content_type="application/json",
        headers=bearer(addressed.jumin),
    )
    assert lost.status_code == 201 and lost.json()["unplaced"] is True and lost.json()["grid"] is None


def test_resident_page_by_address_files_unplaced_and_the_resident_follows_it(login, cast, cats):
    c = login(cast.jumin)
    response = c.post(
        reverse("appeals:submit"),
        {
            "channel": "web",
            "category": cats.neighbour_noise.pk,
            "title": "井盖丢失",
            "description": "人行道上井盖丢了。",
            "address": NOWHERE,
            "idempotency_key": "page-1",
        },
    )
    appeal = Appeal.objects.get(idempotency_key="page-1")
    assert appeal.unplaced and response.status_code == 302
    assert c.get(response.url).status_code == 200  # the resident's own appeal page


def test_staff_filing_an_unplaceable_address_is_sent_back_to_the_form(login, cast, cats):
    c = login(cast.wang)
    response = c.post(
        reverse("appeals:submit"),
        {
            "channel": "patrol",
            "category": cats.neighbour_noise.pk,
            "title": "路灯",
            "description": "路灯坏了。",
            "address": NOWHERE,
            "idempotency_key": "page-2",
        },
    )
    assert response.status_code == 302 and response.url == reverse("appeals:submit")
    assert Appeal.objects.get(idempotency_key="page-2").unplaced


def test_hotline_rows_by_address_placed_or_queued(addressed, cats):
    table = [
        HEADER,
        ["H-1", "", "", "", "楼道堆物", cats.noise.code, "光明路12号1号楼", "", "", ""],
        ["H-2", "", "", "", "井盖丢失", cats.noise.code, NOWHERE, "", "", ""],
    ]
    report = import_file(csv_bytes(table), "hotline.csv", by=addressed.zhang)
    first, second = (Appeal.objects.get(hotline_case_number=n) for n in ("H-1", "H-2"))
    assert len(report.created) == 2
    assert (first.grid, first.unplaced) == (addressed.grid, False)
    assert second.unplaced and second.path == addressed.district.path


# --- the 4,000-character limit ---------------------------------------------------------------

LONG = "长" * 4001


def test_description_limit_on_open311_in_the_spec_error_shape(client, cats, key):  # noqa: F811
    response = client.post(url("requests"), post_form(cats, key, description=LONG))
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and error["description"].startswith("description")
    xml = client.post(url("requests", "xml"), post_form(cats, key, description=LONG))
    assert xml.status_code == 400 and b"<errors><error><code>400</code>" in xml.content
    assert client.post(url("requests"), post_form(cats, key, description="长" * 4000)).status_code == 201
    assert Appeal.objects.count() == 1


def test_description_limit_on_the_api_and_the_page(client, login, cast, cats):
    body = {
        "title": "t",
        "description": LONG,
        "category": cats.neighbour_noise.code,
        "lng": IN_A1[0],
        "lat": IN_A1[1],
    }
    response = client.post(
        reverse("api:appeals_submit"),
        data=json.dumps(body),
        content_type="application/json",
        headers=bearer(cast.jumin),
    )
    assert response.status_code == 400 and response.json()["field"] == "description"
    page = login(cast.jumin).post(
        reverse("appeals:submit"),
        {
            "channel": "web",
            "category": cats.neighbour_noise.pk,
            "title": "t",
            "description": LONG,
            "lng": IN_A1[0],
            "lat": IN_A1[1],
        },
    )
    assert page.status_code == 400 and b'data-error-field="description"' in page.content
    assert not Appeal.objects.exists()


def test_description_limit_on_the_hotline_file_names_the_row(cast, cats):
    from shanzhi.appeals.services.importing import HotlineFileRejected

    table = [HEADER, ["H-9", "", "", "", LONG, cats.noise.code, "", IN_A1[0], IN_A1[1], ""]]
    with pytest.raises(HotlineFileRejected) as caught:
        import_file(csv_bytes(table), "hotline.csv", by=cast.zhang)
    assert caught.value.errors[0]["row"] == 2 and caught.value.errors[0]["column"] == "诉求内容"
    assert not Appeal.objects.exists()


# --- who sees the queue, and placing ----------------------------------------------------------


def test_the_queue_is_the_district_and_street_dispatchers(login, cast, unplaced):
    for user in (cast.sun, cast.liu, cast.zhou):  # district, and both streets
        assert [a.pk for a in queries.worklist(user, "to_locate")] == [unplaced.pk]
        response = login(user).get(reverse("appeals:to_locate"))
        assert response.status_code == 200 and unplaced.number.encode() in response.content
        assert login(user).get(reverse("appeals:locate", args=[unplaced.number])).status_code == 200
        detail = login(user).get(reverse("appeals:detail", args=[unplaced.number]))
        assert (
            detail.status_code == 200
            and reverse("appeals:locate", args=[unplaced.number]).encode() in detail.content
        )
    # Not in anyone's 待受理: it cannot be accepted before it has a place.
    assert not queries.worklist(cast.sun, "to_accept").filter(pk=unplaced.pk).exists()


@pytest.mark.parametrize("who", ["zhang", "zhao", "chen", "wang", "zheng", "feng", "wu", "xitong"])
def test_others_do_not_have_the_queue_and_the_case_is_404(login, cast, unplaced, who):
    c = login(getattr(cast, who))
    assert c.get(reverse("appeals:to_locate")).status_code == 403
    expected = 403 if who == "wu" else 404  # the district leader sees the district, but does not place
    assert c.get(reverse("appeals:locate", args=[unplaced.number])).status_code == expected
    if who != "wu":
        assert c.get(reverse("appeals:detail", args=[unplaced.number])).status_code == 404
    api = c.post(
        reverse("api:appeals_locate", args=[unplaced.number]),
        data=json.dumps({"version": unplaced.version, "node": cast.grid.pk}),
        content_type="application/json",
        headers=bearer(getattr(cast, who)),
    )
    assert api.status_code == expected
    unplaced.refresh_from_db()
    assert unplaced.unplaced and unplaced.version == 1


def test_accept_is_refused_until_placed(cast, unplaced):
    with pytest.raises(DomainError) as caught:
        services.accept(unplaced, by=cast.sun)
    assert caught.value.code == "not_now"
    unplaced.refresh_from_db()
    assert (unplaced.status, unplaced.version) == ("submitted", 1)


def test_a_street_dispatcher_places_it_on_the_map_then_the_loop_runs(login, cast, unplaced):
    c = login(cast.liu)
    response = c.post(
        reverse("appeals:locate", args=[unplaced.number]),
        {"version": unplaced.version, "lng": IN_A2[0], "lat": IN_A2[1], "note": "电话核实"},
    )
    assert response.status_code == 302
    unplaced.refresh_from_db()
    assert (unplaced.unplaced, unplaced.grid, unplaced.community) == (False, cast.grid2, cast.community)
    assert unplaced.path == cast.grid2.path and unplaced.level == "grid"
    event = unplaced.events.get(verb=AppealEvent.Verb.LOCATE)
    assert event.actor == cast.liu and event.note == "电话核实"
    assert cast.zhang.notifications.filter(appeal=unplaced, text__contains="已定位").exists()
    # Now the community's: it leaves the queue and the normal loop takes it.
    assert not queries.worklist(cast.zhou, "all").filter(pk=unplaced.pk).exists()
    accepted = services.accept(unplaced, by=cast.zhang)
    assert accepted.status == "accepted" and accepted.deadline is not None


def test_placing_by_community_through_the_api(client, cast, unplaced):
    response = client.post(
        reverse("api:appeals_locate", args=[unplaced.number]),
        data=json.dumps({"version": unplaced.version, "node": cast.community_c.pk}),
        content_type="application/json",
        headers=bearer(cast.sun),
    )
    assert response.status_code == 200 and response.json()["community"] == cast.community_c.name
    assert response.json()["unplaced"] is False and "locate" not in response.json()["actions"]


def test_a_street_cannot_place_it_in_another_street(login, cast, unplaced):
    c = login(cast.zhou)  # 西街道
    by_node = c.post(reverse("appeals:locate", args=[unplaced.number]), {"version": 1, "node": cast.grid.pk})
    assert by_node.status_code == 400 and b'data-error-field="node"' in by_node.content
    by_point = c.post(
        reverse("appeals:locate", args=[unplaced.number]), {"version": 1, "lng": IN_A1[0], "lat": IN_A1[1]}
    )
    assert by_point.status_code == 400 and b'data-error-field="location"' in by_point.content
    nowhere = c.post(reverse("appeals:locate", args=[unplaced.number]), {"version": 1})
    assert nowhere.status_code == 400
    stale = c.post(reverse("appeals:locate", args=[unplaced.number]), {"version": 0, "node": cast.grid_c.pk})
    assert stale.status_code == 409
    unplaced.refresh_from_db()
    assert unplaced.unplaced and unplaced.version == 1 and unplaced.grid is None


def test_a_placed_appeal_cannot_be_placed_again(cast, file_appeal):
    a = file_appeal()
    with pytest.raises(DomainError):
        services.place(a, by=cast.sun, node=cast.grid_c)
    a.refresh_from_db()
    assert a.grid == cast.grid


# --- what Open311 shows, and to whom ---------------------------------------------------------


def test_the_submitting_client_reads_back_its_full_description_the_public_does_not(client, cast, cats, key):  # noqa: F811
    number = client.post(url("requests"), post_form(cats, key)).json()[0]["service_request_id"]
    full = "夜间施工噪音\n每晚十一点后仍在施工。"
    [public] = client.get(url("request", number=number)).json()
    assert public["description"] == str(cats.neighbour_noise)
    [own] = client.get(url("request", number=number), {"api_key": key}).json()
    assert own["description"] == full
    [own_by_header] = client.get(url("request", number=number), headers={"X-Api-Key": key}).json()
    assert own_by_header["description"] == full
    rows = client.get(url("requests"), {"api_key": key}).json()
    assert [r["description"] for r in rows] == [full]
    # Another client's key reads what the public reads; a wrong key is refused.
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_open311_key", "other-app", stdout=out)
    [other] = client.get(url("request", number=number), {"api_key": out.getvalue().strip()}).json()
    assert other["description"] == str(cats.neighbour_noise)
    assert client.get(url("request", number=number), {"api_key": "sz_wrong"}).status_code == 403
    # Accepted, the public sees the title staff read, never the resident's full words.
    services.accept(Appeal.objects.get(number=number), by=cast.zhang)
    [after] = client.get(url("request", number=number)).json()
    assert after["description"] != full and "expected_datetime" in after


def test_expected_datetime_absent_until_a_deadline(client, cast, file_appeal):
    a = file_appeal()
    [before] = client.get(url("request", number=a.number)).json()
    assert "expected_datetime" not in before
    services.accept(a, by=cast.zhang)
    [after] = client.get(url("request", number=a.number)).json()
    assert after["expected_datetime"]


def test_a_twelve_megabyte_description_is_refused_whole(client, cast, cats, key):  # noqa: F811
    big = "长" * (4 * 1024 * 1024)  # 12 MB of UTF-8, accepted before the limit
    response = client.post(url("requests"), post_form(cats, key, description=big))
    assert response.status_code == 400 and response.json()[0]["description"].startswith("description")
    api = client.post(
        reverse("api:appeals_submit"),
        data=json.dumps(
            {
                "title": "t",
                "description": big,
                "category": cats.neighbour_noise.code,
                "lng": IN_A1[0],
                "lat": IN_A1[1],
            }
        ),
        content_type="application/json",
        headers=bearer(cast.jumin),
    )
    assert api.status_code == 400 and api.json()["field"] == "description"
    assert not Appeal.objects.exists()
