""" "需求发布—线上认领—实地报到": claims, on-site check-in, hours confirmed by the publisher; posts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from shanzhi.coop import services
from shanzhi.coop.models import Claim, MemberRegistration, Need, Post, PostClaim
from shanzhi.core.errors import DomainError
from shanzhi.volunteering.models import Attendance, Volunteer
from shanzhi.volunteering.services import checkin

H = datetime.timedelta(hours=1)


def need_status(need):
    return Need.objects.get(pk=need.pk).status


def test_member_registers_where_they_live_and_keeps_their_branch(co):
    reg = co.he_reg
    assert reg.community == co.cast.community and reg.branch == co.cast.party_branch
    assert reg.workplace_unit == co.cast.unit and reg.workplace == "区人民医院"
    assert reg.volunteer.user == co.cast.he
    with pytest.raises(DomainError) as err:
        services.register_member(user=co.cast.he, community=co.cast.community, by=co.cast.he)
    assert err.value.code == "duplicate"
    with pytest.raises(DomainError):
        services.register_member(user=co.cast.ma, community=co.cast.community, by=co.cast.ma)  # not a member


def test_claim_takes_the_slot_and_the_need_shows_claimed(co):
    claim = services.claim_need(co.need, by=co.cast.he, registration=co.he_reg)
    assert claim.registration == co.he_reg and need_status(co.need) == Need.Status.CLAIMED
    with pytest.raises(DomainError) as err:
        services.claim_need(co.need, by=co.cast.he)  # as the unit now: no slot left
    assert err.value.code == "full"
    assert Claim.objects.filter(need=co.need).count() == 1


def test_claiming_twice_as_the_same_claimant_is_refused(co):
    services.claim_need(co.common, by=co.cast.he, registration=co.he_reg)
    with pytest.raises(DomainError) as err:
        services.claim_need(co.common, by=co.cast.he, registration=co.he_reg)
    assert err.value.code == "duplicate"
    services.claim_need(co.common, by=co.cast.he)  # the unit takes the second slot
    assert Need.objects.get(pk=co.common.pk).taken == 2 and need_status(co.common) == Need.Status.CLAIMED


def test_withdrawing_reopens_the_need(co):
    claim = services.claim_need(co.need, by=co.cast.he, registration=co.he_reg)
    services.withdraw_claim(claim, by=co.cast.he, reason="临时出差")
    assert need_status(co.need) == Need.Status.OPEN and Need.objects.get(pk=co.need.pk).taken == 0
    assert list(co.need.events.values_list("verb", flat=True))[-1] == "reopen"


def test_units_of_other_communities_cannot_see_or_claim(co):
    with pytest.raises(Http404):
        services.claim_need(co.need, by=co.qian)
    with pytest.raises(Http404):
        services.claim_need(co.need, by=co.cast.ma)  # a volunteer cannot see individual needs
    assert not Claim.objects.exists()


def test_on_site_service_hours_are_confirmed_by_the_publisher(co):
    cast = co.cast
    claim = services.claim_need(co.need, by=cast.he, registration=co.he_reg)
    start = timezone.now() - 3 * H
    services.schedule_visit(claim, by=cast.he, starts_at=start, ends_at=start + 2 * H)
    claim.refresh_from_db()
    session = claim.session
    assert session.organiser == cast.wang  # the grid worker who published the need from a home visit
    volunteer = co.he_reg.volunteer
    checkin.check_in(session, volunteer, at=start + datetime.timedelta(minutes=5))
    attendance = checkin.check_out(session, volunteer, at=start + 2 * H)
    with pytest.raises(PermissionDenied):
        checkin.confirm(attendance, by=cast.zhang)  # not the organiser
    checkin.confirm(attendance, by=cast.wang)
    assert Volunteer.objects.get(pk=volunteer.pk).confirmed_minutes == 115
    services.start_claim(claim, by=cast.he)
    services.finish_claim(claim, by=cast.he, result="已上门理发")
    assert need_status(co.need) == Need.Status.DONE
    services.rate_claim(claim, by=cast.jumin, stars=4, comment="师傅很耐心")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RATED and claim.rating == 4
    assert Attendance.objects.get(pk=attendance.pk).status == Attendance.Status.CONFIRMED


def test_only_the_household_served_or_staff_rate(co):
    claim = services.claim_need(co.need, by=co.cast.he, registration=co.he_reg)
    services.finish_claim(claim, by=co.cast.he, result="完成")
    with pytest.raises(Http404):
        services.rate_claim(claim, by=co.jumin_b, stars=1)
    with pytest.raises(PermissionDenied):
        services.rate_claim(claim, by=co.cast.he, stars=5)  # the claimant rating itself
    services.rate_claim(claim, by=co.cast.zhang, stars=5, comment="回访记录")
    assert Claim.objects.get(pk=claim.pk).rating == 5


def test_finish_needs_a_result(co):
    claim = services.claim_need(co.need, by=co.cast.he, registration=co.he_reg)
    with pytest.raises(DomainError) as err:
        services.finish_claim(claim, by=co.cast.he, result="")
    assert err.value.field == "result"
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.ACCEPTED


# --- posts -----------------------------------------------------------------------------------------


def test_posts_fill_up_and_release(co):
    cast = co.cast
    post = services.create_post(
        community=cast.community,
        kind="building_contact",
        title="1号楼楼栋联络员",
        slots=1,
        by=cast.zhang,
        place="幸福小区1号楼",
    )
    services.claim_post(post, registration=co.he_reg, by=cast.he)
    other_user = co.qian
    other_reg = services.register_member(user=other_user, community=cast.community, by=cast.zhang)
    with pytest.raises(DomainError) as err:
        services.claim_post(post, registration=other_reg, by=other_user)
    assert err.value.code == "full"
    holder = PostClaim.objects.get(post=post, registration=co.he_reg)
    services.release_post(holder, by=cast.he)
    assert Post.objects.get(pk=post.pk).taken == 0
    services.claim_post(post, registration=other_reg, by=other_user)


def test_post_duty_roster_and_hours(co):
    cast = co.cast
    post = services.create_post(
        community=cast.community, kind="patrol", title="夜间巡逻", slots=3, by=cast.zhang
    )
    services.claim_post(post, registration=co.he_reg, by=cast.he)
    start = timezone.now() - 4 * H
    duty = services.schedule_duty(post, starts_at=start, ends_at=start + 2 * H, by=cast.zhang)
    volunteer = co.he_reg.volunteer
    checkin.check_in(duty.session, volunteer, at=start)
    attendance = checkin.check_out(duty.session, volunteer, at=start + 2 * H)
    checkin.confirm(attendance, by=cast.zhang)
    assert Volunteer.objects.get(pk=volunteer.pk).confirmed_minutes == 120


def test_leaving_the_community_releases_posts(co):
    cast = co.cast
    post = services.create_post(
        community=cast.community, kind="tutoring", title="四点半课堂", slots=2, by=cast.zhang
    )
    services.claim_post(post, registration=co.he_reg, by=cast.he)
    services.leave_community(co.he_reg, by=cast.he)
    assert MemberRegistration.objects.get(pk=co.he_reg.pk).status == "left"
    assert Post.objects.get(pk=post.pk).taken == 0
    with pytest.raises(DomainError):
        services.claim_need(co.need, by=cast.he, registration=co.he_reg)
