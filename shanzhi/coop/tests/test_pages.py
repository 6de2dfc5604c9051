"""Co-construction pages: scoped fetches (another community is a 404), masked phones, forms → services."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shanzhi.coop import services
from shanzhi.coop.models import Claim, JointActivity, Need, Order, PostClaim, Project


@pytest.fixture
def world(co):
    cast = co.cast
    today = timezone.localdate()
    co.agreement = services.sign_agreement(
        unit=cast.unit,
        community=cast.community,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        unit_signatory="院长",
        signed_on=today.replace(month=1, day=1),
        commitments=[
            {"kind": "activity", "content": "义诊", "promised_count": 2},
            {"kind": "talent", "content": "急救培训", "promised_count": 1},
        ],
        by=cast.zhao,
    )
    co.project = services.create_project(
        node=cast.community,
        title="幸福小区停车场划线",
        category="housing",
        by=cast.zhang,
        lead_department=cast.department,
        public=True,
    )
    co.post = services.create_post(
        community=cast.community, kind="patrol", title="周末巡逻", slots=2, by=cast.zhang
    )
    co.period = services.open_period(
        community=cast.community,
        name="本年度",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
        by=cast.zhao,
    )
    return co


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def post(client, user, name, *args, data=None):
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {})


def test_overview_for_staff_my_page_for_people(client, world):
    assert page(client, world.cast.zhang, "coop:overview").status_code == 200
    assert page(client, world.cast.jumin, "coop:overview").status_code == 302
    assert page(client, world.cast.he, "coop:me").status_code == 200
    mine = page(client, world.cast.jumin, "coop:me").content.decode()
    assert "上门理发" in mine  # a resource the resident may order
    assert page(client, world.cast.nobody, "coop:overview").status_code == 403


def test_resource_pages_mask_the_phone_and_stop_at_the_community(client, world):
    listing = page(client, world.cast.zhang, "coop:resources").content.decode()
    assert "上门理发" in listing
    detail = page(client, world.cast.jumin, "coop:resource", world.resource.pk).content.decode()
    assert "139****5678" in detail and "13912345678" not in detail
    assert page(client, world.cast.chen, "coop:resource", world.resource.pk).status_code == 404
    assert page(client, world.jumin_b, "coop:resource", world.resource.pk).status_code == 404


def test_a_refused_order_is_a_400_with_the_form_as_typed(client, world):
    response = post(
        client,
        world.cast.jumin,
        "coop:resource_action",
        world.resource.pk,
        "order",
        data={"note": "周二上午", "wanted_on": "2026-13-45"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'data-error-field="wanted_on"' in page
    assert 'value="周二上午"' in page and 'value="2026-13-45"' in page
    assert not Order.objects.exists()


def test_resident_orders_from_the_page_and_the_provider_handles_it(client, world):
    response = post(
        client,
        world.cast.jumin,
        "coop:resource_action",
        world.resource.pk,
        "order",
        data={"note": "周二上午"},
    )
    order = Order.objects.get()
    assert response.url == reverse("coop:order", args=[order.pk])
    post(client, world.cast.he, "coop:order_action", order.pk, "accept")
    post(client, world.cast.he, "coop:order_action", order.pk, "finish")
    post(client, world.cast.jumin, "coop:order_action", order.pk, "rate", data={"stars": "5"})
    assert Order.objects.get().status == "rated"
    timeline = page(client, world.cast.jumin, "coop:order", order.pk).content.decode()
    assert "接单" in timeline and "评价" in timeline and "accept" not in timeline  # words, not codes
    assert post(client, world.jumin_b, "coop:order_action", order.pk, "cancel").status_code == 404
    assert post(client, world.cast.zhang, "coop:order_action", order.pk, "explode").status_code == 404


def test_need_address_only_for_staff_and_claimants(client, world):
    address = world.cast.household.address
    assert address in page(client, world.cast.zhang, "coop:need", world.need.pk).content.decode()
    before = page(client, world.cast.he, "coop:need", world.need.pk).content.decode()
    assert address not in before and "认领后可见" in before
    response = post(client, world.cast.he, "coop:need_action", world.need.pk, "claim", data={"as": "member"})
    claim = Claim.objects.get()
    assert response.url == reverse("coop:claim", args=[claim.pk]) and claim.registration == world.he_reg
    assert address in page(client, world.cast.he, "coop:need", world.need.pk).content.decode()
    assert page(client, world.qian, "coop:need", world.need.pk).status_code == 404
    assert page(client, world.cast.chen, "coop:need", world.need.pk).status_code == 404
    assert page(client, world.jumin_b, "coop:claim", claim.pk).status_code == 404
    assert page(client, world.cast.jumin, "coop:claim", claim.pk).status_code == 200


def test_need_forms(client, world):
    post(
        client,
        world.cast.jumin,
        "coop:needs",
        data={"title": "楼道灯坏了", "category": "repair", "source": "self"},
    )
    mine = Need.objects.get(title="楼道灯坏了")
    assert mine.status == "submitted" and mine.household == world.cast.household
    post(client, world.cast.zhang, "coop:need_action", mine.pk, "publish")
    assert Need.objects.get(pk=mine.pk).status == "open"
    response = post(
        client,
        world.cast.zhang,
        "coop:needs",
        data={"title": "", "category": "repair", "scope": "common", "community": world.cast.community.pk},
    )
    assert response.status_code == 302 and Need.objects.filter(title="").count() == 0


def test_project_pages_and_the_public_progress_page(client, world):
    project = world.project
    post(client, world.cast.zhang, "coop:project_action", project.pk, "progress", data={"progress": "40"})
    assert Project.objects.get(pk=project.pk).progress == 40
    assert page(client, world.cast.chen, "coop:project", project.pk).status_code == 404
    client.logout()
    public = client.get(reverse("coop:public_project", args=[project.slug]))
    assert public.status_code == 200 and "40%" in public.content.decode()
    assert client.get(reverse("coop:public_projects")).status_code == 200
    Project.objects.filter(pk=project.pk).update(public=False)
    assert client.get(reverse("coop:public_project", args=[project.slug])).status_code == 404


def test_agreement_page_shows_promised_against_delivered(client, world):
    commitment = world.agreement.commitments.get(kind="activity")
    post(
        client,
        world.cast.he,
        "coop:agreement",
        world.agreement.pk,
        data={
            "commitment": commitment.pk,
            "title": "社区义诊",
            "held_on": timezone.localdate().isoformat(),
            "participants": "40",
        },
    )
    assert JointActivity.objects.count() == 1
    content = page(client, world.cast.zhang, "coop:agreement", world.agreement.pk).content.decode()
    assert "总体履约 1/3" in content and "社区义诊" in content
    assert page(client, world.qian, "coop:agreement", world.agreement.pk).status_code == 404
    assert page(client, world.cast.chen, "coop:agreements").status_code == 200
    assert "区人民医院" not in page(client, world.cast.chen, "coop:agreements").content.decode()


def test_posts_members_and_claiming_a_post(client, world):
    post(client, world.cast.he, "coop:post_action", world.post.pk, "claim")
    assert PostClaim.objects.filter(post=world.post, registration=world.he_reg).exists()
    assert world.he_reg.volunteer.name in page(client, world.cast.zhang, "coop:members").content.decode()
    assert page(client, world.cast.chen, "coop:post", world.post.pk).status_code == 404


def test_assessment_publication_and_the_public_list(client, world):
    client.logout()
    public_url = reverse("coop:public_assessment", args=[world.period.slug])
    assert client.get(public_url).status_code == 404  # not published yet
    post(
        client,
        world.cast.zhao,
        "coop:period",
        world.period.pk,
        data={"registration": world.he_reg.pk, "score": "91"},
    )
    post(client, world.cast.zhao, "coop:period", world.period.pk, data={"verb": "publish"})
    client.logout()
    content = client.get(public_url).content.decode()
    assert "优秀" in content and world.he_reg.volunteer.name not in content
    assert page(client, world.cast.chen, "coop:period", world.period.pk).status_code == 404


def test_unit_report_download_is_scoped_and_audited(client, world):
    from shanzhi.core.models import AuditEvent

    response = page(client, world.cast.zhang, "coop:unit_report", world.cast.unit.pk)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert "共建协议履约" in wb.sheetnames
    assert AuditEvent.objects.filter(action="export", target_id=str(world.cast.unit.pk)).exists()
    assert page(client, world.cast.he, "coop:unit_report", world.cast.unit.pk).status_code == 200
    assert page(client, world.cast.chen, "coop:unit_report", world.cast.unit.pk).status_code == 404
    assert page(client, world.qian, "coop:unit_report", world.cast.unit.pk).status_code == 404
    assert page(client, world.cast.jumin, "coop:unit_report", world.cast.unit.pk).status_code in (403, 404)


@pytest.mark.parametrize("who", ["zhang", "liu", "wang", "he", "jumin", "ma"])
def test_every_page_renders_for_each_kind_of_user(client, world, who):
    user = getattr(world.cast, who)
    claim = services.claim_need(world.common, by=world.cast.he, registration=world.he_reg)
    order = services.place_order(world.resource, by=world.cast.jumin)
    names = [
        ("coop:me", ()),
        ("coop:resources", ()),
        ("coop:needs", ()),
        ("coop:projects", ()),
        ("coop:agreements", ()),
        ("coop:members", ()),
        ("coop:posts", ()),
        ("coop:periods", ()),
        ("coop:resource", (world.resource.pk,)),
        ("coop:need", (world.common.pk,)),
        ("coop:claim", (claim.pk,)),
        ("coop:order", (order.pk,)),
        ("coop:project", (world.project.pk,)),
        ("coop:agreement", (world.agreement.pk,)),
        ("coop:post", (world.post.pk,)),
        ("coop:period", (world.period.pk,)),
    ]
    for name, args in names:
        status = page(client, user, name, *args).status_code
        assert status in (200, 403, 404), (name, status)
        if name in ("coop:me", "coop:resources", "coop:needs", "coop:projects", "coop:posts"):
            assert status == 200, name


def test_a_viewer_who_may_not_open_others_claims_is_told_how_many_there_are(client, co):
    services.claim_need(co.common, by=co.cast.he, registration=co.he_reg)
    client.force_login(co.cast.ma)  # a volunteer of the community: sees the need, not who claimed it
    page = client.get(reverse("coop:need", args=[co.common.pk])).content.decode()
    assert "1/2" in page and "另有 1 方已认领" in page and "暂无认领" not in page
    assert "claimed" not in page and "认领" in page  # the timeline in words, not codes


def test_a_refused_claim_move_is_a_400_with_what_was_typed(client, world):
    """A claim's moves typed on its page (times, a reason): a refusal answers the page again with
    the values as typed and the refused field marked, and writes nothing; a move done goes back to
    the page with its message."""
    claim = services.claim_need(world.need, by=world.cast.he, registration=world.he_reg)
    events = claim.events.count()
    typed = {"starts_at": "2026-12-10T09:00", "ends_at": "2026-13-40T11:00"}  # no 13th month
    response = post(client, world.cast.zhang, "coop:claim_action", claim.pk, "schedule", data=typed)
    body = response.content.decode()
    assert response.status_code == 400 and 'data-error-field="ends_at"' in body
    assert 'value="2026-12-10T09:00"' in body and 'value="2026-13-40T11:00"' in body
    assert 'aria-invalid="true"' in body
    claim.refresh_from_db()
    assert claim.session_id is None and claim.events.count() == events
    reason = "临" * 201  # longer than a reason may be
    response = post(client, world.cast.he, "coop:claim_action", claim.pk, "withdraw", data={"reason": reason})
    assert response.status_code == 400 and 'data-error-field="reason"' in response.content.decode()
    assert f'value="{reason}"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.events.count() == events
    response = post(
        client, world.cast.he, "coop:claim_action", claim.pk, "withdraw", data={"reason": "临时有事"}
    )
    assert response.status_code == 302 and response.url == reverse("coop:claim", args=[claim.pk])
    assert Claim.objects.get(pk=claim.pk).status == "withdrawn"


def test_a_refused_order_move_is_a_400_with_the_reason_as_typed(client, world):
    order = services.place_order(world.resource, by=world.cast.jumin, note="周二上午")
    reason = "忙" * 201
    response = post(client, world.cast.he, "coop:order_action", order.pk, "reject", data={"reason": reason})
    body = response.content.decode()
    assert response.status_code == 400 and 'data-error-field="reason"' in body and f'value="{reason}"' in body
    assert Order.objects.get(pk=order.pk).status == "placed"
