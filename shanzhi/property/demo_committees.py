"""Demo owners' committees and four-party meetings, written through the services:
``seed(district, rng)``.

Every owners' committee the registry's demo residents elected (the district node's
``elected_committees``: same compounds, members, positions and dates) is recorded as a 业委会 by its
community's staff. In the demo resident's community: the demo resident's own compound given one
whose term ends in about two months (so the warning shows), each with a positive reserve list and
one person barred; one 物管会 for a compound without a committee; and two four-party meetings in the
demo resident's compound, one decision of which became an appeal and one a task (done), the second
meeting's task overdue (25 days after it, 5 working days).
Six service calls per committee: fast at every scale.
"""

import datetime

from django.utils import timezone

from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.registry.models import Compound, Resident
from shanzhi.registry.referrals import appeal_categories

from .models import Committee
from .services import committees, meetings

ROLES = {"主任": "director", "副主任": "deputy"}


def seed(district, rng, **_ignored):
    made = _elected(getattr(district, "elected_committees", ()))
    grant = (
        RoleGrant.objects.filter(user__username="jumin", role=Role.RESIDENT)
        .select_related("resident")
        .first()
    )
    if grant is None or grant.resident is None:
        return {"committees": made, "meetings": 0}
    home = grant.resident.household.building.compound
    by = _keeper(home.community_id)
    if by is None:
        return {"committees": made, "meetings": 0}
    today = timezone.localdate()
    others = list(
        Compound.objects.filter(community=home.community, retired_at__isnull=True)
        .exclude(pk=home.pk)
        .order_by("id")
    )
    elected = set(
        Committee.objects.filter(compound__in=[home, *others]).values_list("compound_id", flat=True)
    )
    # The demo resident's own: a new term (换届) if its owners elected one, else one elected now.
    start = today - datetime.timedelta(days=5 * 365 - 60)
    committees.set_committee(
        home, kind="owners", term_start=start, term_end=today + datetime.timedelta(days=60), by=by
    )
    if home.pk not in elected:
        _members(home, by, rng)
        made += 1
    _reserves(home, by, rng)
    first = next((c for c in others if c.pk in elected), None)
    if first is not None:
        _reserves(first, by, rng)
    # 物管会 where no 业委会 has been elected (else on any other compound of the community).
    rest = [c for c in others if c != first]
    managed = next((c for c in rest if c.pk not in elected), rest[0] if rest else None)
    if managed is not None:
        start = today - datetime.timedelta(days=200)
        _committee(managed, "management", start, start + datetime.timedelta(days=3 * 365), by, rng)
        made += 0 if managed.pk in elected else 1
    spare = next((c for c in rest if c != managed), None)
    if first is None and spare is not None:  # none elected in the registry's demo: elect one here
        start = today - datetime.timedelta(days=400)
        _committee(spare, "owners", start, start + datetime.timedelta(days=5 * 365), by, rng)
        made += 1
    return {"committees": made, "meetings": _meetings(home, by, today)}


def _keeper(community_id):
    grant = (
        RoleGrant.objects.filter(node_id=community_id, role=Role.COMMUNITY_STAFF)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return grant.user if grant is not None else None


def _elected(elected):
    """The registry demo's elected committees, recorded by a staff member of each community."""
    compounds = Compound.objects.in_bulk([e.compound_id for e in elected])
    keepers, made = {}, 0
    for e in elected:
        compound = compounds[e.compound_id]
        if compound.community_id not in keepers:
            keepers[compound.community_id] = _keeper(compound.community_id)
        by = keepers[compound.community_id]
        if by is None:
            continue
        committees.set_committee(
            compound, kind="owners", term_start=e.elected_on, term_end=e.term_ends_on, by=by
        )
        for resident_id, position in e.members:
            committees.add_member(compound, resident=resident_id, role=ROLES.get(position, "member"), by=by)
        made += 1
    return made


def _heads(compound):
    return list(
        Resident.objects.filter(household__building__compound=compound, relation="户主")
        .order_by("household__building__name", "household__room", "id")
        .values_list("pk", flat=True)[:40]
    )


def _members(compound, by, rng):
    heads = _heads(compound)
    picked = rng.sample(heads, min(3, len(heads)))
    for resident_id, role in zip(picked, ["director", "deputy", "member"], strict=False):
        committees.add_member(compound, resident=resident_id, role=role, by=by)


def _committee(compound, kind, start, end, by, rng):
    """A committee of its own (a new term where the owners had elected one, keeping its members)."""
    had = Committee.objects.filter(compound=compound).exists()
    committees.set_committee(compound, kind=kind, term_start=start, term_end=end, by=by)
    if not had:
        _members(compound, by, rng)
    _reserves(compound, by, rng)


def _reserves(compound, by, rng):
    """Four residents who are not members: three on the positive list, one barred."""
    members = set(Committee.objects.get(compound=compound).members.values_list("resident_id", flat=True))
    others = [p for p in _heads(compound) if p not in members]
    for i, resident_id in enumerate(rng.sample(others, min(4, len(others)))):
        if i == 3:
            committees.add_reserve(
                compound,
                resident=resident_id,
                list_name="negative",
                reason="长期拒缴物业费并煽动群体纠纷",
                by=by,
            )
        else:
            committees.add_reserve(compound, resident=resident_id, list_name="positive", by=by)


def _meetings(compound, by, today):
    attendees = [
        ("community", "社区书记", "社区党委书记"),
        ("company", "项目经理", str(compound.property_company or "")[:50]),
        ("committee", "业委会主任", ""),
        ("police", "社区民警", "派出所"),
    ]
    first = meetings.record_meeting(
        compound,
        held_on=today - datetime.timedelta(days=30),
        place="社区党群服务中心议事厅",
        topics="小区停车难、消防通道被占用；电动车楼道充电隐患",
        attendees=attendees,
        by=by,
    )
    categories = appeal_categories()
    if categories:
        pick = next((c for c in categories if "物业" in c[1]), categories[0])
        meetings.add_decision(
            first,
            text_given="清理3号楼、5号楼消防通道堆放杂物，由网格员跟进",
            kind="appeal",
            category=pick[0],
            by=by,
        )
    task = meetings.add_decision(
        first,
        text_given="物业施划临时停车位，夜间开放东侧空地",
        kind="task",
        owner_party="company",
        workdays_given=5,
        by=by,
    )
    meetings.complete_task(task, note="已施划 42 个临时车位，东侧空地夜间开放", by=by)
    second = meetings.record_meeting(
        compound,
        held_on=today - datetime.timedelta(days=25),
        place="小区物业服务中心",
        topics="电动车集中充电桩选址",
        attendees=attendees[:3],
        by=by,
    )
    meetings.add_decision(
        second,
        text_given="业委会征求业主意见并报社区审核充电桩选址",
        kind="task",
        owner_party="committee",
        workdays_given=5,
        by=by,
    )
    return 2
