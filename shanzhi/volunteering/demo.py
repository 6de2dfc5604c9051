"""Demo data for the love bank, written through the services: ``seed(district, rng)``.

Called by ``seed_demo`` after the registry is seeded. Per community: volunteers (the demo volunteer
login, plus synthetic people drawn from the community's residents), a team, past activities with
check-in/out and confirmed hours (so stars, points and rankings have something to show), upcoming
activities with a waiting list, good deeds and donations, a points shop with redemptions, pairing
assistance with visits, and commendations. Deterministic for a given ``rng``.

People made here are actors, not logins: their accounts have no usable password.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from shanzhi.accounts import services as accounts
from shanzhi.accounts.models import Role, RoleGrant, User
from shanzhi.registry.models import Household, OrgNode, Resident

from . import services
from .models import Account, Attendance, Volunteer
from .services import checkin, teams

H = datetime.timedelta(hours=1)
ACTIVITIES = [
    "敬老院义务理发",
    "社区环境清扫",
    "垃圾分类宣传",
    "关爱独居老人上门探访",
    "四点半课堂辅导",
    "义诊进社区",
    "文明交通劝导",
    "防诈骗知识宣讲",
    "楼道小广告清理",
    "爱心义卖",
]
ITEMS = [
    ("大米（5斤）", 120, 20),
    ("食用油", 150, 15),
    ("洗衣液", 80, 30),
    ("雨伞", 60, 20),
    ("毛巾", 30, 50),
]
DEEDS = ["拾金不昧", "见义勇为", "照顾邻居老人", "帮助走失儿童回家", "义务修理公共设施"]


def actor(username, display_name, role, **scope):
    """An account that acts in the demo but cannot log in (no usable password)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name)
        user.set_unusable_password()
        user.save()
        accounts.grant_role(user, role, **scope)
    return user


def community_staff(community):
    """The community's staff member who organises (a demo login if there is one)."""
    grant = (
        RoleGrant.objects.filter(node=community, role__in=[Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY])
        .select_related("user")
        .order_by("role", "id")
        .first()
    )
    if grant is not None:
        return grant.user
    return actor(
        f"demo_staff_{community.code}", f"{community.name}社区工作者", Role.COMMUNITY_STAFF, node=community
    )


def residents_of(community, rng, n):
    residents = list(Resident.objects.filter(grid__parent=community).order_by("id")[: n * 8])
    rng.shuffle(residents)
    return residents[:n]


def _volunteers(community, staff, rng, n):
    out = []
    for grant in RoleGrant.objects.filter(role=Role.VOLUNTEER, node=community).select_related("user"):
        if not Volunteer.objects.filter(user=grant.user).exists():
            out.append(services.register_volunteer(user=grant.user, community=community, by=staff))
    for resident in residents_of(community, rng, n):
        user = actor(f"demo_vol_{resident.pk}", resident.name, Role.VOLUNTEER, node=community)
        volunteer = Volunteer.objects.filter(user=user).first() or services.register_volunteer(
            user=user, community=community, by=staff, name=resident.name, resident=resident
        )
        out.append(volunteer)
    return out


def _past_activity(community, staff, volunteers, rng, title, days_ago):
    start = (timezone.now() - datetime.timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
    start = start.replace(hour=rng.choice([8, 9, 14, 15]))
    activity = services.publish_activity(
        community=community,
        title=title,
        place=f"{community.name}党群服务中心",
        starts_at=start,
        ends_at=start + rng.choice([2, 3]) * H,
        capacity=rng.randint(5, 10),
        by=staff,
    )
    for volunteer in rng.sample(volunteers, min(len(volunteers), activity.capacity + 2)):
        services.sign_up(activity, volunteer, by=staff, at=start - datetime.timedelta(days=2))
    for attendance in activity.session.attendances.filter(status="enrolled").select_related("volunteer"):
        if rng.random() < 0.15:
            continue  # did not turn up
        checkin.check_in(
            activity.session,
            attendance.volunteer,
            at=start + rng.randint(-20, 10) * datetime.timedelta(minutes=1),
            lat=34.86 + rng.random() / 100,
            lng=117.55 + rng.random() / 100,
        )
        out = checkin.check_out(
            activity.session,
            attendance.volunteer,
            at=activity.ends_at + rng.randint(-15, 20) * datetime.timedelta(minutes=1),
        )
        checkin.confirm(out, by=staff)
    return activity


def _upcoming_activity(community, staff, volunteers, rng, title, days_ahead):
    start = (timezone.now() + datetime.timedelta(days=days_ahead)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    activity = services.publish_activity(
        community=community,
        title=title,
        place=f"{community.name}广场",
        starts_at=start,
        ends_at=start + 2 * H,
        capacity=4,
        by=staff,
    )
    for volunteer in rng.sample(volunteers, min(len(volunteers), 6)):
        services.sign_up(activity, volunteer, by=staff)
    return activity


def _shop(community, staff, volunteers, rng):
    items = [
        services.create_item(community=community, name=name, price=price, stock=stock, by=staff)
        for name, price, stock in ITEMS
    ]
    for volunteer in volunteers:
        balance = Account.objects.get(volunteer=volunteer).balance
        affordable = [i for i in items if i.price <= balance]
        if affordable and rng.random() < 0.5:
            redemption = services.redeem(rng.choice(affordable), volunteer, by=staff)
            if rng.random() < 0.6:
                services.hand_over(redemption, by=staff, code=redemption.code)


def _pairings(community, staff, volunteers, rng):
    households = list(
        Household.objects.filter(
            grid__parent=community, residents__tags__code__in=["elderly_alone", "low_income", "disabled"]
        )
        .distinct()
        .order_by("id")[:4]
    )
    for household in households:
        helper = rng.choice(volunteers)
        pairing = services.pair(
            household=household,
            difficulty=rng.choice(["独居老人，行动不便", "低保家庭，子女上学", "残疾人家庭，需要陪同就医"]),
            started_on=timezone.localdate() - datetime.timedelta(days=rng.randint(60, 300)),
            by=staff,
            volunteer=helper,
        )
        for k in range(rng.randint(1, 3)):
            services.record_visit(
                pairing,
                visited_on=timezone.localdate() - datetime.timedelta(days=20 * k + 3),
                note=rng.choice(["上门看望，了解近况", "送去米面油", "陪同到社区卫生站体检", "帮助打扫卫生"]),
                by=staff,
                help_given="",
            )


def _withdraw_one(community, staff):
    """A confirmation found wrong at a spot check: withdrawn, so its hours and points go back."""
    attendance = (
        Attendance.objects.filter(session__community=community, status=Attendance.Status.CONFIRMED)
        .order_by("session__starts_at", "id")
        .first()
    )
    if attendance is not None:
        checkin.reject(attendance, by=staff, reason="抽查核实：当天未实际到岗")


@transaction.atomic
def seed(district, rng, *, communities=None, volunteers_per_community=12):
    """Seed the love bank for each community of ``district`` (or the first ``communities`` of them)."""
    nodes = OrgNode.objects.filter(level="community", path__startswith=district.path).order_by("path")
    if communities is not None:
        nodes = nodes[:communities]
    counts = {"志愿者": 0, "活动": 0}
    for community in nodes:
        staff = community_staff(community)
        volunteers = _volunteers(community, staff, rng, volunteers_per_community)
        if not volunteers:
            continue
        team = teams.create_team(
            community=community, name=f"{community.name}红马甲志愿服务队", by=staff, leader=volunteers[0]
        )
        titles = rng.sample(ACTIVITIES, 8)
        for i, title in enumerate(titles[:6]):
            _past_activity(community, staff, volunteers, rng, title, days_ago=7 + 25 * i)
        for i, title in enumerate(titles[6:]):
            _upcoming_activity(community, staff, volunteers, rng, title, days_ahead=3 + 4 * i)
        for volunteer in rng.sample(volunteers, min(4, len(volunteers))):
            services.record_good_deed(
                volunteer,
                title=rng.choice(DEEDS),
                by=staff,
                done_on=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 90)),
            )
        for volunteer in rng.sample(volunteers, min(3, len(volunteers))):
            services.record_donation(
                volunteer,
                description=rng.choice(["捐赠图书", "捐赠冬衣", "爱心捐款"]),
                value_yuan=rng.choice([50, 100, 200, 500]),
                by=staff,
                donated_on=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 60)),
            )
        _withdraw_one(community, staff)
        _shop(community, staff, volunteers, rng)
        _pairings(community, staff, volunteers, rng)
        best = (
            Volunteer.objects.filter(pk__in=[v.pk for v in volunteers])
            .order_by("-confirmed_minutes", "id")
            .first()
        )
        services.commend(
            node=community,
            title="优秀志愿者",
            volunteer=best,
            period=f"{timezone.localdate().year}年",
            reason="服务时长居社区前列",
            awarded_on=timezone.localdate(),
            by=staff,
        )
        services.commend(
            node=community,
            title="优秀志愿服务队",
            team=team,
            period=f"{timezone.localdate().year}年",
            reason="全年组织服务活动最多",
            awarded_on=timezone.localdate(),
            by=staff,
        )
        counts["志愿者"] += len(volunteers)
        counts["活动"] += 8
    return counts
