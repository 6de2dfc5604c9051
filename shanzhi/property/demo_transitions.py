"""Demo data after a dismissal, and the virtual property market, written through the services.

The demo's passed dismissal vote (``demo.py``) opened its compound's transition: the outgoing
company's staff mark four items handed over, the community confirms three, and a state-owned
company the district designated takes the compound over as fallback management (兜底物业) under
an agreement with the community, so the transition waits for the last two confirmations. The
district lists two companies and the state-owned one in the market; a compound without a company
has one open request. Deterministic for a given ``rng``; a handful of writes.
"""

import datetime

from django.utils import timezone

from shanzhi.accounts.models import Role, RoleGrant
from shanzhi.registry import services as registry
from shanzhi.registry.models import Compound, PropertyCompany

from .models import Evaluation, Transition
from .services import market, transitions

FALLBACK_NAME = "区城市建设投资集团物业服务有限公司"


def _first(role, **lookup):
    grant = RoleGrant.objects.filter(role=role, **lookup).select_related("user").order_by("id").first()
    return grant.user if grant else None


def seed(district, rng):
    by = _first(Role.DISTRICT_STAFF, node=district)
    if by is None:
        return {}
    state = PropertyCompany.objects.filter(name=FALLBACK_NAME).first() or registry.create_property_company(
        name=FALLBACK_NAME, district=district
    )
    market.set_listing(
        state, listed=True, state_owned=True, fallback=True, intro="区属国有企业，承接应急兜底物业服务", by=by
    )
    # The two best-scored companies of the district are listed in the market.
    best = (
        Evaluation.objects.filter(company__district=district, score__isnull=False, vetoed=False)
        .order_by("-score", "company_id")
        .values_list("company_id", flat=True)
    )
    listed = []
    for company_id in best:
        if company_id not in listed:
            listed.append(company_id)
        if len(listed) == 2:
            break
    for company in PropertyCompany.objects.filter(pk__in=listed):
        market.set_listing(
            company, listed=True, intro=rng.choice(["红色物业示范企业", "党建引领示范项目"]), by=by
        )
    out = {"market": len(listed) + 1}
    out.update(_transition(district, state))
    out.update(_request(district, listed))
    return out


def _transition(district, state):
    t = Transition.objects.filter(compound__community__path__startswith=district.path, status="open").first()
    if t is None:
        return {}
    staff = [
        g.user
        for g in RoleGrant.objects.filter(
            node=t.compound.community, role__in=[Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY]
        )
        .select_related("user")
        .order_by("role", "id")
    ]
    outgoing = _first(Role.PROPERTY_STAFF, property_company=t.company)
    items = list(t.items.order_by("id"))
    notes = {
        "documents": "竣工图纸、业主档案、设备台账共 14 盒",
        "keys": "单元门、设备房、消防控制室钥匙 86 把",
        "accounts": "停车系统、门禁系统管理账户",
        "maintenance": "近三年电梯、消防、二次供水维修记录",
        "funds": "预收物业费及公共收益结余",
    }
    for item in items[:4]:
        if outgoing is not None:
            transitions.mark_handed(t, item, note=notes[item.kind], by=outgoing)
    for item in items[:3]:
        transitions.confirm_item(t, item, note="已清点，与清单一致", by=staff[0])
    starts_on = timezone.localdate() - datetime.timedelta(days=20)
    transitions.appoint_fallback(
        t,
        state,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=364),
        fee_per_m2="0.85",
        level="3",
        agreement_no=f"DD-{starts_on.year}-001",
        by=staff[-1],
    )
    return {"transitions": 1}


def _request(district, listed):
    compound = (
        Compound.objects.filter(
            community__path__startswith=district.path, property_company__isnull=True, retired_at__isnull=True
        )
        .order_by("id")
        .first()
    )
    staff = compound and _first(Role.COMMUNITY_STAFF, node=compound.community)
    if not listed or staff is None:
        return {}
    starts_on = timezone.localdate() + datetime.timedelta(days=30)
    market.request_company(
        compound,
        listed[0],
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=3 * 365),
        fee_per_m2="1.20",
        level="2",
        note="老旧小区，无物业服务企业，请求入驻",
        by=staff,
    )
    return {"market_requests": 1}
