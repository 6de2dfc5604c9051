"""The love bank's pages: who gets what, another community is a 404, forms call the services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.volunteering import services
from shanzhi.volunteering.models import Account, Activity, Attendance, Item, Movement, Redemption, SignUp
from shanzhi.volunteering.services import checkin, ledger

H = datetime.timedelta(hours=1)


@pytest.fixture
def world(vol, activity):
    cast = vol.cast
    services.sign_up(activity, vol.ma, by=vol.ma.user)
    start = timezone.now() - 3 * H
    vol.done_session = checkin.create_session(
        community=cast.community,
        origin="other",
        title="楼道清扫",
        starts_at=start,
        ends_at=start + 2 * H,
        organiser=cast.zhang,
    )
    checkin.enrol(vol.done_session, vol.niu)
    checkin.check_in(vol.done_session, vol.niu, at=start)
    vol.attendance = checkin.check_out(vol.done_session, vol.niu, at=start + 2 * H)
    vol.item = services.create_item(community=cast.community, name="环保袋", price=10, stock=3, by=cast.zhang)
    ledger.earn(vol.ma, Movement.Kind.EARN_GOOD_DEED, 50, by=cast.zhang)
    vol.pairing = services.pair(
        household=cast.household,
        difficulty="独居老人",
        started_on="2026-01-01",
        by=cast.zhang,
        volunteer=vol.ma,
    )
    vol.activity = activity
    return vol


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_my_page_shows_points_star_and_hours(client, world):
    response = get(client, world.ma.user, "volunteering:me")
    assert response.status_code == 200
    assert 'data-testid="balance">50<' in response.content.decode()
    assert get(client, world.ma.user, "volunteering:my_hours").status_code == 200


def test_a_person_without_a_profile_registers_from_my_page(client, cast):
    client.force_login(cast.ma)
    assert "登记成为志愿者" in client.get(reverse("volunteering:me")).content.decode()
    client.post(reverse("volunteering:me"), {"phone": "13800001111"})
    assert Account.objects.filter(volunteer__user=cast.ma).exists()
    page = client.get(reverse("volunteering:me")).content.decode()
    assert "13800001111" not in page


def test_scan_page_checks_in_and_out(client, world):
    cast = world.cast
    session = checkin.create_session(
        community=cast.community,
        origin="other",
        title="值守",
        starts_at=timezone.now() - H,
        ends_at=timezone.now() + H,
        organiser=cast.zhang,
    )
    checkin.enrol(session, world.ma)
    token = checkin.make_token(session)
    client.force_login(world.ma.user)
    url = reverse("volunteering:scan", args=[token])
    assert "签到" in client.get(url).content.decode()
    client.post(url, {"lat": "34.86", "lng": "117.55"})
    attendance = Attendance.objects.get(session=session, volunteer=world.ma)
    assert attendance.status == "checked_in" and attendance.in_lat == pytest.approx(34.86)
    checked_in = timezone.localtime(attendance.checked_in_at).strftime("%H:%M")
    assert f"已于 {checked_in} 签到" in client.get(url).content.decode()  # one sentence, not pieces
    client.post(url, {})
    attendance = Attendance.objects.get(pk=attendance.pk)
    assert attendance.status == "checked_out"
    checked_out = timezone.localtime(attendance.checked_out_at).strftime("%H:%M")
    assert (
        f"签到 {checked_in} · 签退 {checked_out} · {attendance.derived_minutes} 分钟 · "
        f"{attendance.get_status_display()}"
    ) in client.get(url).content.decode()
    assert client.get(reverse("volunteering:scan", args=["nonsense"])).status_code == 400


def test_activity_pages_are_scoped(client, world):
    a = world.activity
    assert get(client, world.cast.zhang, "volunteering:activity", a.pk).status_code == 200
    assert get(client, world.ma.user, "volunteering:activity", a.pk).status_code == 200
    assert get(client, world.cast.chen, "volunteering:activity", a.pk).status_code == 404
    assert get(client, world.bai.user, "volunteering:activity", a.pk).status_code == 404
    client.force_login(world.bai.user)
    assert client.post(reverse("volunteering:activity_signup", args=[a.pk])).status_code == 404
    assert not SignUp.objects.filter(volunteer=world.bai).exists()


def test_staff_publish_activities_and_volunteers_sign_up(client, world):
    cast = world.cast
    client.force_login(cast.zhang)
    start = (timezone.localtime() + 48 * H).strftime("%Y-%m-%dT%H:%M")
    end = (timezone.localtime() + 50 * H).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("volunteering:activities"),
        {
            "community": cast.community.pk,
            "title": "植树",
            "place": "东门",
            "starts_at": start,
            "ends_at": end,
            "capacity": "1",
        },
    )
    tree = world.activity.__class__.objects.get(title="植树")
    client.force_login(world.yang.user)
    client.post(reverse("volunteering:activity_signup", args=[tree.pk]))
    assert SignUp.objects.get(activity=tree, volunteer=world.yang).status == "confirmed"
    client.force_login(world.ma.user)
    response = client.post(reverse("volunteering:activities"), {"community": cast.community.pk, "title": "x"})
    assert response.status_code == 404  # a volunteer cannot publish


def test_bad_form_input_is_a_message_naming_the_problem(client, world):
    client.force_login(world.cast.zhang)
    response = client.post(
        reverse("volunteering:activities"),
        {
            "community": world.cast.community.pk,
            "title": "植树",
            "place": "东门",
            "starts_at": "明天",
            "ends_at": "",
            "capacity": "1",
        },
    )
    # The form again, open, with what was typed and the refused field marked; nothing written.
    page = response.content.decode()
    assert response.status_code == 400 and "开始时间格式不正确" in page
    assert 'data-error-field="starts_at"' in page and 'value="植树"' in page and 'value="东门"' in page
    assert '<details class="card shadow-sm mb-3" open>' in page
    assert not Activity.objects.filter(title="植树").exists()


def test_only_the_organiser_shows_the_qr_code_and_confirms(client, world):
    session = world.done_session
    response = get(client, world.cast.zhang, "volunteering:session_qr", session.pk)
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert get(client, world.cast.zhao, "volunteering:session_qr", session.pk).status_code == 403
    assert get(client, world.cast.chen, "volunteering:session", session.pk).status_code == 404
    client.force_login(world.cast.zhao)
    assert (
        client.post(reverse("volunteering:attendance_confirm", args=[world.attendance.pk])).status_code == 403
    )
    client.force_login(world.cast.zhang)
    client.post(reverse("volunteering:attendance_confirm", args=[world.attendance.pk]), {"minutes": "100"})
    attendance = Attendance.objects.get(pk=world.attendance.pk)
    assert attendance.status == "confirmed" and attendance.confirmed_minutes == 100


def test_volunteer_pages_mask_phones_and_stop_at_the_community(client, world):
    cast = world.cast
    services.register_volunteer(user=cast.jumin, community=cast.community, by=cast.zhang, phone="13712345678")
    listing = get(client, cast.zhang, "volunteering:volunteers").content.decode()
    assert "马志愿" in listing and "白志愿" not in listing
    jumin_v = cast.jumin.volunteer
    detail = get(client, cast.zhang, "volunteering:volunteer", jumin_v.pk).content.decode()
    assert "137****5678" in detail and "13712345678" not in detail
    assert get(client, cast.chen, "volunteering:volunteer", jumin_v.pk).status_code == 404
    assert get(client, world.ma.user, "volunteering:volunteers").status_code == 403


def test_staff_award_and_reverse_points_from_the_page(client, world):
    client.force_login(world.cast.zhang)
    url = reverse("volunteering:volunteer_award", args=[world.niu.pk])
    client.post(url, {"kind": "good_deed", "title": "扶老人过马路", "on": "2026-03-01"})
    account = Account.objects.get(volunteer=world.niu)
    assert account.balance == 20
    movement = Movement.objects.get(credit=account)
    client.post(reverse("volunteering:movement_reverse", args=[movement.pk]), {"reason": "录入重复了"})
    assert Account.objects.get(pk=account.pk).balance == 0
    client.force_login(world.cast.chen)
    assert client.post(url, {"kind": "good_deed", "title": "x", "on": "2026-03-01"}).status_code == 404


def test_shop_redeem_and_hand_over(client, world):
    client.force_login(world.ma.user)
    assert "环保袋" in client.get(reverse("volunteering:shop")).content.decode()
    client.post(reverse("volunteering:item_redeem", args=[world.item.pk]), {"quantity": "2"})
    redemption = Redemption.objects.get(volunteer=world.ma)
    assert (
        Item.objects.get(pk=world.item.pk).stock == 1
        and Account.objects.get(volunteer=world.ma).balance == 30
    )
    assert client.get(reverse("volunteering:redemptions")).status_code == 403
    client.force_login(world.cast.zhang)
    assert redemption.code in client.get(reverse("volunteering:redemptions")).content.decode()
    client.post(reverse("volunteering:redemption_hand_over", args=[redemption.pk]), {"code": redemption.code})
    assert Redemption.objects.get(pk=redemption.pk).status == "collected"


def test_rankings_mask_names_for_people_not_for_staff(client, world):
    checkin.confirm(world.attendance, by=world.cast.zhang)
    staff = get(client, world.cast.zhang, "volunteering:rankings").content.decode()
    people = get(client, world.ma.user, "volunteering:rankings").content.decode()
    assert "牛志愿" in staff and "牛志愿" not in people and "牛**" in people
    other = get(
        client, world.bai.user, "volunteering:rankings", node=world.cast.community_b.pk
    ).content.decode()
    assert "牛" not in other  # community B's own ranking
    street = get(client, world.bai.user, "volunteering:rankings", node=world.cast.street.pk).content.decode()
    assert "牛**" in street  # the street's, masked
    assert get(client, world.bai.user, "volunteering:rankings", node=world.cast.street2.pk).status_code == 404


def test_pairing_pages(client, world):
    assert get(client, world.cast.zhang, "volunteering:pairings").status_code == 200
    assert get(client, world.ma.user, "volunteering:pairing", world.pairing.pk).status_code == 200
    assert get(client, world.cast.chen, "volunteering:pairing", world.pairing.pk).status_code == 404
    assert get(client, world.cast.li, "volunteering:pairing", world.pairing.pk).status_code == 404
    client.force_login(world.ma.user)
    client.post(
        reverse("volunteering:pairing", args=[world.pairing.pk]),
        {"visited_on": timezone.localdate().isoformat(), "note": "陪同买菜"},
    )
    assert world.pairing.visits.count() == 1
    assert get(client, world.cast.zhang, "volunteering:commendations").status_code == 200


@pytest.mark.parametrize("who", ["zhang", "liu", "wang", "ma", "jumin", "he"])
def test_every_page_renders_for_each_kind_of_user(client, world, who):
    user = getattr(world.cast, who)
    names = [
        ("volunteering:me", ()),
        ("volunteering:my_hours", ()),
        ("volunteering:scan_help", ()),
        ("volunteering:activities", ()),
        ("volunteering:activity", (world.activity.pk,)),
        ("volunteering:session", (world.done_session.pk,)),
        ("volunteering:volunteers", ()),
        ("volunteering:volunteer", (world.niu.pk,)),
        ("volunteering:shop", ()),
        ("volunteering:redemptions", ()),
        ("volunteering:rankings", ()),
        ("volunteering:commendations", ()),
        ("volunteering:pairings", ()),
        ("volunteering:pairing", (world.pairing.pk,)),
    ]
    for name, args in names:
        status = page_status = get(client, user, name, *args).status_code
        assert page_status in (200, 302, 403, 404), (name, status)
        if name in (
            "volunteering:me",
            "volunteering:activities",
            "volunteering:shop",
            "volunteering:rankings",
        ):
            assert status in (200, 302), name


def test_a_waitlisted_volunteer_is_told_only_that(client, vol, activity):
    services.sign_up(activity, vol.niu, by=vol.niu_user)
    services.sign_up(activity, vol.yang, by=vol.yang_user)  # capacity 2: full
    client.force_login(vol.ma.user)
    response = client.post(reverse("volunteering:activity_signup", args=[activity.pk]), follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "候补" in shown[0] and "报名成功" not in response.content.decode()
    assert SignUp.objects.get(activity=activity, volunteer=vol.ma).status == SignUp.Status.WAITLISTED


def test_a_month_of_rankings_shows_the_hours_beside_the_points_they_earned(client, world):
    """Hours served last month and confirmed this month count this month, like their points."""
    start = timezone.now() - datetime.timedelta(days=40)
    session = checkin.create_session(
        community=world.cast.community,
        origin="other",
        title="上月巡河",
        starts_at=start,
        ends_at=start + 2 * H,
        organiser=world.cast.zhang,
    )
    checkin.enrol(session, world.yang)
    checkin.check_in(session, world.yang, at=start)
    checkin.confirm(checkin.check_out(session, world.yang, at=start + 2 * H), by=world.cast.zhang)
    page = get(client, world.cast.zhang, "volunteering:rankings").content.decode()
    row = page[page.index("杨志愿") :].split("</tr>")[0]
    assert ">2.0<" in row  # hours this month, not 0.0
