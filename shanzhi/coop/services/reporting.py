""" "双报到": units sign co-construction agreements; in-service party members register where they live,
claim posts and serve duties checked in on site."""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core.errors import DomainError
from shanzhi.volunteering.models import ServiceSession
from shanzhi.volunteering.services import checkin, ensure_volunteer

from ..models import Agreement, Commitment, JointActivity, MemberRegistration, Post, PostClaim, PostDuty
from .common import a_date, a_datetime, choice, community_node, own_unit, positive_int, text
from .orders import member_registration

# --- unit agreements (单位报到) -----------------------------------------------------------------------


def _commitment_fields(item, index):
    field = f"commitments.{index}"
    kind = choice(item.get("kind"), Commitment.Kind, f"{field}.kind", _("共建内容"))
    content = text(item.get("content"), f"{field}.content", _("具体项目"))
    count = positive_int(item.get("promised_count"), f"{field}.promised_count", _("承诺次数"), maximum=1000)
    return {"kind": kind, "content": content, "promised_count": count}


@transaction.atomic
def sign_agreement(
    *, unit, community, period_start, period_end, unit_signatory, signed_on, commitments, by, note=""
):
    """The unit reports to the community: an agreement with at least one commitment, 定时间、定次数、定项目."""
    community = community_node(community)
    permissions.require(by, "coop.manage_agreements", community)
    period_start = a_date(period_start, "period_start", _("协议开始"))
    period_end = a_date(period_end, "period_end", _("协议结束"))
    if period_end <= period_start:
        raise DomainError(_("协议结束日期必须晚于开始日期。"), field="period_end")
    items = [_commitment_fields(item, i) for i, item in enumerate(commitments or [])]
    if not items:
        raise DomainError(_("请至少填写一项共建承诺。"), field="commitments")
    overlapping = Agreement.objects.filter(
        unit=unit,
        community=community,
        status=Agreement.Status.SIGNED,
        period_start__lte=period_end,
        period_end__gte=period_start,
    )
    if overlapping.exists():
        raise DomainError(
            _("该单位在这段时间已有与本社区的共建协议。"), field="period_start", code="duplicate"
        )
    agreement = Agreement.objects.create(
        unit=unit,
        community=community,
        period_start=period_start,
        period_end=period_end,
        unit_signatory=text(unit_signatory, "unit_signatory", _("单位签约人"), max_length=50),
        signed_on=a_date(signed_on, "signed_on", _("签订日期")),
        signed_by=by,
        note=note or "",
    )
    Commitment.objects.bulk_create(Commitment(agreement=agreement, **item) for item in items)
    return agreement


@transaction.atomic
def add_commitment(agreement, *, kind, content, promised_count, by):
    permissions.require(by, "coop.manage_agreements", agreement)
    fields = _commitment_fields({"kind": kind, "content": content, "promised_count": promised_count}, 0)
    return Commitment.objects.create(agreement=agreement, **fields)


def may_record(by, agreement):
    """Community staff, or a member of the unit itself (谁组织谁记录)."""
    if permissions.can(by, "coop.manage_agreements", agreement):
        return
    permissions.require(by, "coop.record_delivery", agreement)


@transaction.atomic
def record_joint_activity(
    commitment, *, title, held_on, by, place="", participants=0, note="", starts_at=None, ends_at=None
):
    """One delivery on a commitment; with times given, a walk-in check-in session for it."""
    agreement = commitment.agreement
    may_record(by, agreement)
    held_on = a_date(held_on, "held_on", _("日期"))
    if not agreement.period_start <= held_on <= agreement.period_end:
        raise DomainError(
            _("活动日期不在协议期内（%(a)s 至 %(b)s）。")
            % {"a": agreement.period_start, "b": agreement.period_end},
            field="held_on",
        )
    title = text(title, "title", _("活动名称"))
    session = None
    if starts_at or ends_at:
        session = checkin.create_session(
            community=agreement.community,
            origin=ServiceSession.Origin.JOINT,
            title=title,
            place=place or "",
            starts_at=a_datetime(starts_at, "starts_at", _("开始时间")),
            ends_at=a_datetime(ends_at, "ends_at", _("结束时间")),
            organiser=by,
            walk_in=True,
        )
    return JointActivity.objects.create(
        commitment=commitment,
        title=title,
        held_on=held_on,
        place=text(place, "place", _("地点"), required=False),
        participants=positive_int(
            participants or 0, "participants", _("参与人数"), minimum=0, maximum=100000
        ),
        note=note or "",
        session=session,
        recorded_by=by,
    )


# --- in-service party members (党员报到) ------------------------------------------------------------


@transaction.atomic
def register_member(
    *,
    user,
    community,
    by,
    branch=None,
    workplace_unit=None,
    workplace="",
    household=None,
    party_member=None,
    name="",
):
    """An in-service member reports to the community where they live and keeps their workplace branch."""
    community = community_node(community)
    if by.pk == user.pk:
        if not any(g.role == Role.UNIT_MEMBER for g in user.grants()):
            raise DomainError(_("只有在职党员可以到社区报到。"), field="user")
    else:
        permissions.require(by, "coop.register_member", community)
    if household is not None and household.grid.parent_id != community.pk:
        raise DomainError(_("住址不在这个社区。"), field="household")
    if workplace_unit is None:
        workplace_unit = own_unit(user)
    volunteer = ensure_volunteer(user, community, name=name or user.display_name)
    try:
        with transaction.atomic():
            return MemberRegistration.objects.create(
                user=user,
                volunteer=volunteer,
                community=community,
                household=household,
                party_member=party_member,
                branch=branch or (party_member.party_org if party_member else None),
                workplace_unit=workplace_unit,
                workplace=text(
                    workplace or (workplace_unit.name if workplace_unit else ""),
                    "workplace",
                    _("工作单位名称"),
                    max_length=100,
                    required=False,
                ),
            )
    except IntegrityError as exc:
        raise DomainError(_("已经在这个社区报到过了。"), field="community", code="duplicate") from exc


@transaction.atomic
def leave_community(registration, *, by):
    if registration.user_id != by.pk:
        permissions.require(by, "coop.register_member", registration)
    if registration.status != MemberRegistration.Status.ACTIVE:
        raise DomainError(_("已经转出了。"), field="status", code="state")
    for claim in registration.post_claims.filter(status=PostClaim.Status.ACTIVE):
        release_post(claim, by=by)
    registration.status = MemberRegistration.Status.LEFT
    registration.save(update_fields=["status"])
    return registration


# --- posts (岗位) --------------------------------------------------------------------------------------


@transaction.atomic
def create_post(*, community, kind, title, slots, by, description="", place="", schedule=""):
    community = community_node(community)
    permissions.require(by, "coop.manage_lists", community)
    return Post.objects.create(
        community=community,
        kind=choice(kind, Post.Kind, "kind", _("岗位类型")),
        title=text(title, "title", _("岗位名称")),
        slots=positive_int(slots, "slots", _("岗位人数"), maximum=1000),
        description=description or "",
        place=text(place, "place", _("地点"), required=False),
        schedule=text(schedule, "schedule", _("服务时间"), max_length=100, required=False),
        created_by=by,
    )


@transaction.atomic
def claim_post(post, *, by, registration=None):
    """ "领岗位": one of the post's places, for a member registered in its community (by default
    the user's own active registration there)."""
    permissions.require(by, "coop.claim", post)
    if registration is None:
        registration = member_registration(by, post.community_id)
    if registration.user_id != by.pk or registration.status != MemberRegistration.Status.ACTIVE:
        raise DomainError(_("请用本人的报到身份认领岗位。"), field="registration")
    if registration.community_id != post.community_id:
        raise DomainError(_("只能认领报到社区的岗位。"), field="registration")
    try:
        with transaction.atomic():
            claim = PostClaim.objects.create(post=post, registration=registration)
    except IntegrityError as exc:
        raise DomainError(_("您已经认领了这个岗位。"), field="post", code="duplicate") from exc
    if not Post.objects.filter(pk=post.pk, status=Post.Status.OPEN, taken__lt=F("slots")).update(
        taken=F("taken") + 1
    ):
        raise DomainError(_("这个岗位已经满员或已关闭。"), field="post", code="full")
    return claim


@transaction.atomic
def release_post(claim, *, by):
    claim = (
        PostClaim.objects.select_for_update(of=("self",))
        .select_related("registration", "post")
        .get(pk=claim.pk)
    )
    if claim.registration.user_id != by.pk:
        permissions.require(by, "coop.manage_lists", claim.post)
    if claim.status != PostClaim.Status.ACTIVE:
        raise DomainError(_("已经离岗了。"), field="status", code="state")
    claim.status, claim.released_at = PostClaim.Status.RELEASED, timezone.now()
    claim.save(update_fields=["status", "released_at"])
    Post.objects.filter(pk=claim.post_id, taken__gt=0).update(taken=F("taken") - 1)
    return claim


@transaction.atomic
def schedule_duty(post, *, starts_at, ends_at, by, lat=None, lng=None):
    """A duty shift of the post: its current holders are on the roster; the scheduler confirms hours."""
    permissions.require(by, "coop.manage_lists", post)
    session = checkin.create_session(
        community=post.community,
        origin=ServiceSession.Origin.POST,
        title=post.title,
        place=post.place,
        starts_at=a_datetime(starts_at, "starts_at", _("开始时间")),
        ends_at=a_datetime(ends_at, "ends_at", _("结束时间")),
        organiser=by,
        lat=lat,
        lng=lng,
    )
    holders = PostClaim.objects.filter(Q(post=post) & Q(status=PostClaim.Status.ACTIVE)).select_related(
        "registration__volunteer"
    )
    for holder in holders:
        checkin.enrol(session, holder.registration.volunteer)
    return PostDuty.objects.create(post=post, session=session)
