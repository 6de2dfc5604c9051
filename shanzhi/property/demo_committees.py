"""Demo owners' committees and four-party meetings, written through the services:
``seed(district, rng)``.

In the demo resident's community: the committees the registry's demo formed (业委会, their members
and dates carried over), the demo resident's own compound given one whose term ends in about two
months (so the warning shows), each with a positive reserve list and one person barred; one 物管会
for a compound without a committee; and two four-party meetings in the demo resident's compound,
one decision of which became an appeal and one a task (done), the second meeting's task overdue (25 days
after it, 5 working days).
A few dozen service calls: fast at every scale.
"""

import datetime

from django.utils import timezone

from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.registry.models import Compound, OwnersCommittee, Resident
from shanzhi.registry.referrals import appeal_categories

from .services import committees, meetings

ROLES = {"主任": "director", "副主任": "deputy"}


def seed(district, rng, **_ignored):
    grant = (
        RoleGrant.objects.filter(user__username="jumin", role=Role.RESIDENT)
        .select_related("resident")
        .first()
    )
    if grant is None or grant.resident is None:
        return {"committees": 0, "meetings": 0}
    home = grant.resident.household.building.compound
    keeper = (
        RoleGrant.objects.filter(node=home.community, role=Role.COMMUNITY_STAFF)
        .select_related("user")
        .first()
    )
    if keeper is None:
        return {"committees": 0, "meetings": 0}
    by, today = keeper.user, timezone.localdate()
    others = list(
        Compound.objects.filter(community=home.community, retired_at__isnull=True)
        .exclude(pk=home.pk)
        .order_by("id")
    )
    registered = {c.compound_id: c for c in OwnersCommittee.objects.filter(compound__in=[home, *others])}
    start = today - datetime.timedelta(days=5 * 365 - 60)
    _committee(home, "owners", start, today + datetime.timedelta(days=60), by, rng, registered.get(home.pk))
    made = 1
    elected = next((c for c in others if c.pk in registered and registered[c.pk].term_ends_on), None)
    if elected is not None:
        r = registered[elected.pk]
        _committee(elected, "owners", r.elected_on, r.term_ends_on, by, rng, r)
        made += 1
    # 物管会 where no 业委会 has been elected (else on any other compound of the community).
    rest = [c for c in others if c != elected]
    managed = next((c for c in rest if c.pk not in registered), rest[0] if rest else None)
    if managed is not None:
        start = today - datetime.timedelta(days=200)
        _committee(managed, "management", start, start + datetime.timedelta(days=3 * 365), by, rng, None)
        made += 1
    spare = next((c for c in rest if c != managed), None)
    if elected is None and spare is not None:  # no 业委会 in the registry's demo: elect one here
        start = today - datetime.timedelta(days=400)
        _committee(spare, "owners", start, start + datetime.timedelta(days=5 * 365), by, rng, None)
        made += 1
    return {"committees": made, "meetings": _meetings(home, by, today)}


def _committee(compound, kind, start, end, by, rng, registered):
    committees.set_committee(compound, kind=kind, term_start=start, term_end=end, by=by)
    people = list(
        Resident.objects.filter(household__building__compound=compound, relation="户主")
        .order_by("household__building__name", "household__room", "id")
        .values_list("pk", flat=True)[:40]
    )
    if registered is not None:
        chosen = list(
            registered.ownerscommitteemember_set.order_by("id").values_list("resident_id", "position")
        )
    else:
        picked = rng.sample(people, min(3, len(people)))
        chosen = list(zip(picked, ["主任", "副主任", "委员"], strict=False))
    for resident_id, position in chosen:
        committees.add_member(compound, resident=resident_id, role=ROLES.get(position, "member"), by=by)
    others = [p for p in people if p not in {r for r, _p in chosen}]
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
