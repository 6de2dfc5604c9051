"""Demo data for co-construction, written through the services: ``seed(district, rng)``.

Called by ``seed_demo`` after the registry (and preferably the love bank) is seeded. Per community:
the resource list (units, departments, teams, businesses), needs from home visits and from
residents, orders through to rated, co-construction agreements with delivered activities,
in-service party members who report, claim needs (with on-site check-in and confirmed hours) and
hold posts, projects with sub-projects and milestones, and a published assessment round. A street
project with a sub-project per community shows progress computed from sub-projects.
Deterministic for a given ``rng``; actors made here cannot log in.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Department, Household, OrgNode, PartyOrg, Unit
from shanzhi.volunteering.demo import actor, community_staff, residents_of
from shanzhi.volunteering.services import checkin

from . import services

H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

RESOURCES = [
    ("上门理发", "elderly", "volunteer", "09:00", "11:00", "0100010"),
    ("法律咨询", "legal", "public", "14:00", "17:00", "0010000"),
    ("家电维修", "repair", "low_cost", "08:30", "17:30", "1111100"),
    ("健康义诊", "health", "public", "08:00", "11:30", "0000010"),
    ("四点半课堂", "children", "volunteer", "16:30", "18:00", "1111100"),
    ("助餐送餐", "elderly", "low_cost", "11:00", "12:30", "1111111"),
]
NEEDS = [
    ("独居老人需要定期理发", "elderly", "home_visit"),
    ("家中水管漏水需要维修", "repair", "self"),
    ("孩子放学后无人辅导", "children", "home_visit"),
    ("行动不便需要陪同就医", "health", "home_visit"),
    ("邻里纠纷需要法律咨询", "legal", "online"),
    ("老人吃饭不便需要送餐", "elderly", "self"),
]
COMMON_NEEDS = [("楼道照明损坏", "repair"), ("小区健身器材老化", "environment"), ("非机动车乱停放", "safety")]
POSTS = [
    ("building_contact", "楼栋联络员", 4),
    ("patrol", "夜间平安巡逻", 6),
    ("tutoring", "四点半课堂辅导", 3),
    ("elderly", "助老探访", 4),
]
COMMITMENTS = [
    {"kind": "org", "content": "支部联建共学，每季度一次联合主题党日", "promised_count": 4},
    {"kind": "venue", "content": "开放单位活动室、会议室", "promised_count": 6},
    {"kind": "activity", "content": "结合职能进社区开展服务活动", "promised_count": 6},
    {"kind": "talent", "content": "为社区工作者开展业务培训", "promised_count": 2},
]
PROJECTS = [
    ("老旧小区屋面防水改造", "housing"),
    ("供暖管网改造", "housing"),
    ("停车位划定与充电桩建设", "safety"),
]


def _resident_user(household, name):
    resident = household.residents.order_by("id").first()
    if resident is None:
        return None
    return actor(
        f"demo_resident_{resident.pk}",
        resident.name or name,
        Role.RESIDENT,
        node=household.grid,
        resident=resident,
    )


def _member(unit, community, rng, i):
    """An in-service party member of ``unit`` who lives in ``community``."""
    residents = residents_of(community, rng, 1)
    name = residents[0].name if residents else f"党员{i}"
    user = actor(f"demo_member_{unit.pk}_{i}", name, Role.UNIT_MEMBER, unit=unit)
    registration = user.coop_registrations.filter(community=community, status="active").first()
    if registration is None:
        branch = PartyOrg.objects.filter(unit=unit).first()
        registration = services.register_member(
            user=user, community=community, by=user, branch=branch, workplace_unit=unit, name=name
        )
    return user, registration


def _resources(community, staff, rng):
    units = list(Unit.objects.filter(community=community).order_by("id"))
    departments = list(Department.objects.filter(district__path=community.path.split("/")[0] + "/"))
    grids = list(community.children.order_by("code"))
    out = []
    for title, category, kind, t_from, t_to, days in RESOURCES:
        provider = {}
        if units and rng.random() < 0.5:
            provider = {"provider_kind": "unit", "provider_unit": rng.choice(units)}
        elif departments and kind == "public":
            provider = {"provider_kind": "department", "provider_department": rng.choice(departments)}
        else:
            provider = {
                "provider_kind": "business",
                "provider_name": rng.choice(["便民服务站", "社区小店", "养老服务中心"]),
            }
        grid = rng.choice(grids) if grids and rng.random() < 0.5 else None
        out.append(
            services.create_resource(
                community=community,
                title=title,
                category=category,
                kind=kind,
                by=staff,
                capacity=rng.choice([None, 3, 5]),
                weekdays=days,
                time_from=t_from,
                time_to=t_to,
                place=f"{community.name}党群服务中心",
                grid=grid,
                contact_name="联系人",
                contact_phone=f"1390000{rng.randint(1000, 9999)}",
                price_note="10元/次" if kind == "low_cost" else "",
                publish=True,
                **provider,
            )
        )
    return out


def _needs(community, staff, rng):
    households = list(Household.objects.filter(grid__parent=community).order_by("id")[:200])
    needs = []
    for title, category, source in NEEDS:
        if not households:
            break
        household = rng.choice(households)
        needs.append(
            services.submit_need(
                by=staff,
                title=title,
                category=category,
                source=source,
                household=household,
                weekdays="1111100",
            )
        )
    for title, category in COMMON_NEEDS:
        needs.append(
            services.submit_need(
                by=staff,
                title=title,
                category=category,
                source="online",
                scope="common",
                community=community,
                slots=2,
            )
        )
    return needs, households


def _orders(resources, households, staff, rng):
    for resource in resources:
        for household in rng.sample(households, min(2, len(households))):
            user = _resident_user(household, "居民")
            if user is None:
                continue
            try:
                order = services.place_order(
                    resource, by=user, note=rng.choice(["", "希望上午", "家中有老人"])
                )
            except DomainError:
                continue  # full: the demo shows that too
            step = rng.random()
            if step < 0.2:
                continue
            services.accept_order(order, by=staff)
            if step < 0.4:
                continue
            services.finish_order(order, by=staff, note="已完成服务")
            if step < 0.7:
                services.rate_order(order, by=user, stars=rng.choice([4, 5, 5, 3]), comment="")


def _claims(needs, members, staff, rng):
    for need in needs:
        if need.status != "open" or not members:
            continue
        user, registration = rng.choice(members)
        claim = services.claim_need(need, by=user, registration=registration)
        if rng.random() < 0.3:
            continue
        start = (timezone.now() - rng.randint(3, 40) * DAY).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
        services.schedule_visit(claim, by=user, starts_at=start, ends_at=start + 2 * H)
        claim.refresh_from_db()
        checkin.check_in(claim.session, registration.volunteer, at=start + 5 * datetime.timedelta(minutes=1))
        attendance = checkin.check_out(claim.session, registration.volunteer, at=start + 2 * H)
        checkin.confirm(attendance, by=claim.session.organiser)
        services.finish_claim(claim, by=user, result="已上门服务，问题解决")
        if need.household_id:
            household_user = _resident_user(need.household, "居民")
            if household_user is not None:
                services.rate_claim(
                    claim, by=household_user, stars=rng.choice([5, 5, 4]), comment="服务很贴心"
                )


def _agreements(community, staff, rng):
    today = timezone.localdate()
    agreements = []
    for unit in Unit.objects.filter(community=community).order_by("id")[:3]:
        agreement = services.sign_agreement(
            unit=unit,
            community=community,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
            unit_signatory="单位党组织书记",
            signed_on=today.replace(month=1, day=1),
            commitments=COMMITMENTS,
            by=staff,
        )
        for commitment in agreement.commitments.all():
            for k in range(rng.randint(0, commitment.promised_count)):
                held = (
                    today.replace(month=1, day=1)
                    + rng.randint(0, max((today - today.replace(month=1, day=1)).days, 1)) * DAY
                )
                services.record_joint_activity(
                    commitment,
                    title=f"{commitment.get_kind_display()}第{k + 1}次",
                    held_on=min(held, today),
                    participants=rng.randint(8, 40),
                    by=staff,
                )
        agreements.append(agreement)
    return agreements


def _posts(community, staff, members, rng):
    for kind, title, slots in POSTS:
        post = services.create_post(
            community=community,
            kind=kind,
            title=title,
            slots=slots,
            by=staff,
            schedule="每周六上午",
            place=f"{community.name}",
        )
        for user, registration in rng.sample(members, min(len(members), slots - 1)):
            services.claim_post(post, registration=registration, by=user)


def _projects(community, staff, rng, parent=None):
    today = timezone.localdate()
    title, category = rng.choice(PROJECTS)
    department = Department.objects.order_by("id").first()
    unit = Unit.objects.filter(community=community).first()
    project = services.create_project(
        node=community,
        title=f"{community.name}{title}",
        category=category,
        by=staff,
        parent=parent,
        lead_department=department if unit is None else None,
        lead_unit=unit,
        budget=rng.choice([45, 120, 380]),
        weight=rng.randint(1, 3),
        starts_on=today - 90 * DAY,
        ends_on=today + 120 * DAY,
    )
    for k, name in enumerate(["方案论证", "招标采购", "施工", "竣工验收"]):
        milestone = services.add_milestone(project, title=name, due_on=today + (k * 45 - 60) * DAY, by=staff)
        if k < 2:
            services.complete_milestone(milestone, done_on=today + (k * 45 - 62) * DAY, by=staff)
    return project


def _assessment(community, staff, agreements, members, rng):
    today = timezone.localdate()
    period = services.open_period(
        community=community,
        name=f"{today.year - 1}年度",
        by=staff,
        starts_on=datetime.date(today.year - 1, 1, 1),
        ends_on=datetime.date(today.year - 1, 12, 31),
    )
    for agreement in agreements:
        services.assess(
            period, unit=agreement.unit, score=rng.choice([95, 88, 82, 76]), by=staff, comment="履约较好"
        )
    for _user, registration in members:
        services.assess(period, registration=registration, score=rng.choice([96, 90, 85, 72]), by=staff)
    services.publish_period(period, by=staff)


def _street_leader(street):
    grant = RoleGrant.objects.filter(node=street, role=Role.STREET_STAFF).select_related("user").first()
    return (
        grant.user
        if grant
        else actor(f"demo_street_{street.code}", f"{street.name}工作人员", Role.STREET_STAFF, node=street)
    )


@transaction.atomic
def seed(district, rng, *, communities=None, members_per_community=5):
    nodes = list(OrgNode.objects.filter(level="community", path__startswith=district.path).order_by("path"))
    if communities is not None:
        nodes = nodes[:communities]
    streets = {}
    for community in nodes:
        streets.setdefault(community.parent_id, []).append(community)
    counts = {"资源": 0, "需求": 0, "协议": 0, "项目": 0}
    for street_id, communities_of_street in streets.items():
        street = OrgNode.objects.get(pk=street_id)
        department = Department.objects.order_by("id").first()
        parent, leaves = None, []
        if department is not None:
            parent = services.create_project(
                node=street,
                title=f"{street.name}老旧小区改造提升工程",
                category="housing",
                by=_street_leader(street),
                lead_department=department,
                budget=1200,
            )
            counts["项目"] += 1
        for community in communities_of_street:
            staff = community_staff(community)
            resources = _resources(community, staff, rng)
            needs, households = _needs(community, staff, rng)
            _orders(resources, households, staff, rng)
            units = list(Unit.objects.filter(community=community).order_by("id")[:3])
            members = []
            for i in range(members_per_community if units else 0):
                members.append(_member(units[i % len(units)], community, rng, i))
            for grant in RoleGrant.objects.filter(
                role=Role.UNIT_MEMBER, unit__community=community
            ).select_related("user", "unit"):
                if not grant.user.coop_registrations.filter(community=community).exists():
                    members.append(
                        (
                            grant.user,
                            services.register_member(user=grant.user, community=community, by=grant.user),
                        )
                    )
            _claims(needs, members, staff, rng)
            agreements = _agreements(community, staff, rng)
            _posts(community, staff, members, rng)
            leaves.append((_projects(community, staff, rng, parent=parent), staff))
            counts["项目"] += 1
            _assessment(community, staff, agreements, members, rng)
            counts["资源"] += len(resources)
            counts["需求"] += len(needs)
            counts["协议"] += len(agreements)
        # Progress is reported once every part of the street's project exists: a part added later
        # enters the weighted average at 0% and would make the parent's log run backwards.
        for project, staff in leaves:
            services.set_progress(project, progress=rng.choice([20, 35, 50, 70]), by=staff, note="按计划推进")
    return counts
