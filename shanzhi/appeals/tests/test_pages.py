"""The appeal pages: intake, worklists, the appeal page and its buttons, the loop driven by forms."""

import re

import pytest
from django.urls import reverse

from shanzhi.appeals import services
from shanzhi.appeals.models import Appeal, Notification

from .conftest import IN_A1, jpeg_with_gps

S = Appeal.Status


def detail_url(a):
    return reverse("appeals:detail", args=[a.number])


def act(client, a, verb, **data):
    a.refresh_from_db()
    data.setdefault("version", a.version)
    return client.post(reverse("appeals:act", args=[a.number, verb]), data)


def buttons(response):
    return set(re.findall(r'id="act-([a-z_]+)"', response.content.decode()))


def intake_form(cats, key="k-1", **kw):
    form = {
        "category": cats.neighbour_noise.pk,
        "title": "楼道堆放杂物",
        "description": "三号楼二单元楼道堆满纸箱。",
        "place": "map",
        "lng": IN_A1[0],
        "lat": IN_A1[1],
        "idempotency_key": key,
    }
    form.update(kw)
    return form


def test_intake_page_renders_a_fresh_key_each_time(cast, cats, login):
    client = login(cast.jumin)
    keys = [
        re.search(
            r'name="idempotency_key" value="([^"]+)"', client.get(reverse("appeals:submit")).content.decode()
        ).group(1)
        for _ in range(2)
    ]
    assert keys[0] != keys[1]


def test_resident_submits_through_the_page_and_a_double_submit_returns_the_same_appeal(cast, cats, login):
    client = login(cast.jumin)
    first = client.post(reverse("appeals:submit"), intake_form(cats, photos=[]))
    assert first.status_code == 302
    appeal = Appeal.objects.get()
    assert first["Location"] == detail_url(appeal)
    assert (appeal.submitter, appeal.grid, appeal.channel) == (cast.jumin, cast.grid, "web")
    again = client.post(reverse("appeals:submit"), intake_form(cats))
    assert again["Location"] == detail_url(appeal)
    assert Appeal.objects.count() == 1


def test_intake_with_a_photo_and_the_home_building(cast, cats, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(cast.jumin)
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        reverse("appeals:submit"), intake_form(cats, place="home", lng="", lat="", photos=[photo])
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.building == cast.household.building and appeal.photos.count() == 1
    # The photo is served through the permission-checked view only, to those who see the appeal.
    url = reverse("appeals:photo", args=[appeal.photos.get().pk])
    assert login(cast.jumin).get(url).status_code == 200
    assert login(cast.wang).get(url).status_code == 200
    assert login(cast.li).get(url).status_code == 404
    assert login(cast.chen).get(url).status_code == 404


def test_bad_intake_names_the_field_and_writes_nothing(cast, cats, login):
    response = login(cast.jumin).post(reverse("appeals:submit"), intake_form(cats, title=""))
    assert response.status_code == 400
    assert "请填写标题" in response.content.decode()
    assert not Appeal.objects.exists()


def test_too_many_photos_are_refused(cast, cats, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(7)]
    response = login(cast.jumin).post(reverse("appeals:submit"), intake_form(cats, photos=photos))
    assert response.status_code == 400 and "最多上传 6 张照片" in response.content.decode()
    assert not Appeal.objects.exists()


def test_intake_shows_nearby_open_appeals_of_the_same_category(cast, cats, login, file_appeal):
    existing = file_appeal(by=cast.wang, channel="patrol")
    response = login(cast.jumin).get(
        reverse("appeals:nearby"), {"category": cats.neighbour_noise.pk, "lng": IN_A1[0], "lat": IN_A1[1]}
    )
    body = response.content.decode()
    assert existing.number in body and existing.description not in body
    other = login(cast.jumin).get(
        reverse("appeals:nearby"), {"category": cats.parking.pk, "lng": IN_A1[0], "lat": IN_A1[1]}
    )
    assert existing.number not in other.content.decode()


def test_appeal_page_is_404_out_of_scope(cast, login, file_appeal):
    a = file_appeal()
    assert login(cast.wang).get(detail_url(a)).status_code == 200
    assert login(cast.zhang).get(detail_url(a)).status_code == 200
    assert login(cast.li).get(detail_url(a)).status_code == 404  # 李网格 on 王网格's appeal
    assert login(cast.chen).get(detail_url(a)).status_code == 404
    assert login(cast.zhou).get(detail_url(a)).status_code == 404
    # And posting a move out of scope is 404 too, changing nothing.
    assert act(login(cast.chen), a, "accept").status_code == 404
    assert Appeal.objects.get(pk=a.pk).status == S.SUBMITTED


def test_buttons_appear_only_when_the_move_is_allowed(cast, login, file_appeal):
    a = file_appeal()
    assert buttons(login(cast.zhang).get(detail_url(a))) >= {"accept", "reject"}
    assert "accept" not in buttons(login(cast.wang).get(detail_url(a)))  # a grid worker does not accept
    assert buttons(login(cast.jumin).get(detail_url(a))) <= {"add_photo"}
    services.accept(a, by=cast.zhang)
    after = buttons(login(cast.zhang).get(detail_url(a)))
    assert "accept" not in after and "dispatch" in after
    assert "rate" not in buttons(login(cast.jumin).get(detail_url(a)))


def as_user(user):
    """A client of its own per person, so that the loop test can switch between them."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_the_whole_loop_through_the_pages(cast, file_appeal):
    a = file_appeal()
    zhang, wang, zhao, jumin = (as_user(u) for u in (cast.zhang, cast.wang, cast.zhao, cast.jumin))
    assert act(zhang, a, "accept").status_code == 302
    assert act(zhang, a, "dispatch", to=f"user:{cast.wang.pk}").status_code == 302
    assert "start" in buttons(wang.get(detail_url(a)))
    assert act(wang, a, "start").status_code == 302
    assert act(wang, a, "resolve", result="已上门协调，问题解决。").status_code == 302
    assert "verify" not in buttons(wang.get(detail_url(a)))  # not one's own fix
    assert act(zhao, a, "verify", note="现场已安静").status_code == 302
    assert "rate" in buttons(jumin.get(detail_url(a)))
    assert act(jumin, a, "rate", solved="solved", rating="satisfied", note="满意").status_code == 302
    assert act(zhang, a, "close").status_code == 302
    a.refresh_from_db()
    assert (a.status, a.rating) == (S.CLOSED, "satisfied")
    assert list(a.events.values_list("verb", flat=True)) == [
        "submit",
        "accept",
        "dispatch",
        "start",
        "resolve",
        "verify",
        "rate",
        "close",
    ]
    page = jumin.get(reverse("appeals:mine")).content.decode()
    # The resident reads plain words (issue 13 §7): 已办结, not the office's 已销号.
    assert a.number in page and "已办结" in page and "已销号" not in page


def test_unsatisfied_rating_reopens_through_the_page(cast, login, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    a = services.start(a, by=cast.wang)
    a = services.resolve(a, by=cast.wang, result="已处理")
    a = services.verify(a, by=cast.zhao)
    assert (
        act(
            login(cast.jumin), a, "rate", solved="unsolved", rating="unsatisfied", note="夜里还是很吵"
        ).status_code
        == 302
    )
    a.refresh_from_db()
    assert (a.status, a.reopen_count) == (S.REOPENED, 1)


def test_a_stale_form_gets_409_with_what_changed(cast, login, file_appeal):
    a = file_appeal()
    seen = a.version
    services.accept(a, by=cast.zhao)
    response = login(cast.zhang).post(
        reverse("appeals:act", args=[a.number, "reject"]), {"version": seen, "reason": "重复"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert str(cast.zhao) in body and "受理" in body and "刷新页面" in body
    assert Appeal.objects.get(pk=a.pk).status == S.ACCEPTED


def test_refusal_names_the_missing_reason(cast, login, file_appeal):
    a = file_appeal()
    response = act(login(cast.zhang), a, "reject", reason="")
    assert response.status_code == 400 and "请填写不予受理的理由" in response.content.decode()


def test_worklists_per_role(cast, login, file_appeal):
    a = file_appeal()
    b = file_appeal(title="另一件事", lng=117.556, lat=34.862)  # grid A2
    zhang = login(cast.zhang).get(reverse("appeals:worklist"), {"bucket": "to_accept"}).content.decode()
    assert a.number in zhang and b.number in zhang
    wang = login(cast.wang).get(reverse("appeals:worklist"), {"bucket": "all"}).content.decode()
    assert a.number in wang and b.number not in wang
    assert (
        login(cast.chen).get(reverse("appeals:worklist"), {"bucket": "all"}).content.decode().count("SZ2026")
        == 0
    )
    assert login(cast.jumin).get(reverse("appeals:worklist")).status_code == 403
    assert login(cast.zhang).get(reverse("appeals:worklist"), {"bucket": "nope"}).status_code == 404
    filtered = login(cast.zhang).get(reverse("appeals:worklist"), {"bucket": "all", "status": "accepted"})
    assert a.number not in filtered.content.decode()


def test_bulk_dispatch_puts_appeals_in_the_pool(cast, login, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    b = services.accept(file_appeal(title="第二件"), by=cast.zhang)
    response = login(cast.zhang).post(
        reverse("appeals:bulk_dispatch"), {"number": [a.number, b.number], "to": "pool"}
    )
    assert response.status_code == 302
    assert set(Appeal.objects.values_list("status", flat=True)) == {S.POOLED}
    # 李网格 (same community) may claim from the pool.
    assert act(login(cast.li), a, "claim").status_code == 302
    assert Appeal.objects.get(pk=a.pk).assignee_user == cast.li


def test_notifications_list_and_mark_read(cast, login, file_appeal):
    a = file_appeal()
    client = login(cast.jumin)
    assert a.number in client.get(reverse("appeals:notifications")).content.decode()
    assert client.post(reverse("appeals:notifications_read")).status_code == 302
    assert not Notification.objects.filter(user=cast.jumin, read_at__isnull=True).exists()


@pytest.mark.parametrize(
    "name", ["appeals:worklist", "appeals:mine", "appeals:submit", "appeals:notifications"]
)
def test_pages_need_login(client, cast, name):
    assert client.get(reverse(name)).status_code == 302


def test_extension_is_requested_and_approved_through_the_page(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    wang, zhao = as_user(cast.wang), as_user(cast.zhao)
    assert act(wang, a, "request_extension", days="2", reason="等配件").status_code == 302
    page = zhao.get(detail_url(a))
    assert "decide_extension" in buttons(page) and "等配件" in page.content.decode()
    from shanzhi.appeals.models import ExtensionRequest

    request = ExtensionRequest.objects.get(appeal=a)
    old_deadline = Appeal.objects.get(pk=a.pk).deadline
    assert act(zhao, a, "decide_extension", request=request.pk, decision="approve").status_code == 302
    assert Appeal.objects.get(pk=a.pk).deadline > old_deadline


def test_summons_report_through_the_page(cast, file_appeal):
    a = services.accept(file_appeal(), by=cast.zhang)
    [s] = services.summon(a, by=cast.zhang, lead=cast.department)
    zheng = as_user(cast.zheng)
    page = zheng.get(detail_url(a)).content.decode()
    assert reverse("appeals:summons_act", args=[s.pk, "report"]) in page
    a.refresh_from_db()
    response = zheng.post(reverse("appeals:summons_act", args=[s.pk, "report"]), {"version": a.version})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == "reported"
    # 王网格 sees the appeal but has no summons button and may not report.
    assert (
        reverse("appeals:summons_act", args=[s.pk, "finish_part"])
        not in as_user(cast.wang).get(detail_url(a)).content.decode()
    )


def test_the_accept_button_is_translated_as_a_verb_apart_from_the_column(
    cast, login, file_appeal, monkeypatch
):
    """受理 is both the button (verb) and a status/column (noun): the button carries the context
    "button", so a catalog can give it its own word."""
    import django.template.base

    seen = []

    def fake(context, msgid):
        seen.append((context, msgid))
        return f"[{context}]{msgid}"

    monkeypatch.setattr(django.template.base, "pgettext_lazy", fake)
    a = file_appeal()
    body = login(cast.zhang).get(detail_url(a)).content.decode()
    assert ("button", "受理") in seen and "[button]受理</button>" in body
