"""Demo data for owners' assembly votes, written through the services: ``seed(district, rng)``.

In the compound of the demo resident login (``jumin``): the owners' roll (each household's head as
its owner with a registered area; a few owners of two units; the developer's unsold units as one
owner), a closed vote on dismissing the property company (art. 278 item 4: an ordinary matter,
more than half of the participating area and heads) that passed, and a running vote on raising
the maintenance fund (item 6: a major matter, three quarters) with about half the owners voted so
far; the demo resident has not voted yet. Owners who vote are actors without a usable password.
The dismissal is marked as one, so sealing it opens the compound's transition (handover, fallback
management and the market: ``demo_transitions.py``). Deterministic for a given ``rng``.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from shanzhi.accounts import services as accounts
from shanzhi.accounts.models import Role, RoleGrant, User
from shanzhi.registry.models import Building, Household

from . import demo_committees, demo_scheme, demo_transitions, services
from .models import Vote


def seed(district, rng, communities=None, **_ignored):
    counts = _seed_votes(district, rng)
    counts.update(demo_scheme.seed(district, rng))
    counts.update(demo_transitions.seed(district, rng))
    counts.update(demo_committees.seed(district, rng))
    counts.update(_seed_supervision(district))
    return counts


def _seed_supervision(district):
    """After this half-year's scoring, the district talks to the lowest-scored company (约谈) and
    sends it a rectification notice; the next one gets a talk. Each deducts from its credit score
    (the history is written as they happen; the rebuild then confirms it, changing nothing)."""
    from .models import CreditEvent, Evaluation
    from .services import credit, supervision

    by = demo_scheme._district_staff(district)
    lowest = list(
        Evaluation.objects.filter(period__district=district, period__kind="half", score__isnull=False)
        .order_by("-period__starts_on", "score", "company_id")
        .select_related("company")[:2]
    )
    if by is None or not lowest:
        return {"credit_events": 0}
    for i, ev in enumerate(lowest):
        supervision.open_action(
            ev.company, kind="interview", reason="服务质量考核得分偏低，约谈主要负责人。", by=by
        )
        if i == 0:
            supervision.open_action(
                ev.company,
                kind="rectify",
                reason="公共区域保洁和设施维修不到位。",
                workdays_given="10",
                by=by,
            )
    credit.rebuild(district)
    return {"credit_events": CreditEvent.objects.filter(company__district=district).count()}


def _seed_votes(district, rng):
    grant = (
        RoleGrant.objects.filter(user__username="jumin", role=Role.RESIDENT)
        .select_related("resident")
        .first()
    )
    if grant is None or grant.resident is None:
        return {"votes": 0}
    compound = grant.resident.household.building.compound
    staff = _staff(compound.community)
    if len(staff) < 2:
        return {"votes": 0}
    owners = _roll(compound, grant.resident, rng)
    today = timezone.localdate()

    dismissal = services.create_vote(
        compound,
        item=4,
        question=f"是否解聘{compound.property_company or '现'}物业服务企业，并由社区引入兜底物业",
        notice="依据《民法典》第二百七十八条，解聘物业服务企业须经参与表决专有部分面积过半数且人数过半数的业主同意。",
        called_by="committee",
        # Ballots are taken only within the period, so the demo votes in one that ends today and
        # dates it back to its story (40 to 26 days ago) before sealing it.
        starts_on=today - datetime.timedelta(days=14),
        ends_on=today,
        # Marked a dismissal: once sealed as passed, the transition opens (demo_transitions.py).
        purpose="dismiss_company" if compound.property_company_id else "",
        by=staff[0],
    )
    services.open_vote(dismissal, by=staff[0])
    voters = [o for o in owners if o.residents.exists()]
    rejected = False
    for i, owner in enumerate(voters):
        if rng.random() < 0.85:
            choice = rng.choices(["yes", "no", "abstain"], weights=[75, 18, 7])[0]
            if i % 10 == 0:  # some owners hand in paper: entered by one, confirmed by another
                if not rejected:  # entered for the wrong choice: the second person rejects it first
                    rejected = True
                    wrong = "no" if choice == "yes" else "yes"
                    ballot = services.enter_paper(dismissal, owner, wrong, scan=_scan(i), by=staff[0])
                    services.reject_paper(ballot, reason="录入意见与纸质选票不符", by=staff[1])
                ballot = services.enter_paper(dismissal, owner, choice, scan=_scan(i), by=staff[0])
                services.confirm_paper(ballot, by=staff[1])
            else:
                services.cast(dismissal, choice, by=_voter(owner, grant))
    developer = next(o for o in owners if o.is_developer)
    if developer.units.exists():  # the developer (a company) votes on paper
        ballot = services.enter_paper(dismissal, developer, "abstain", scan=_scan(0), by=staff[1])
        services.confirm_paper(ballot, by=staff[0])
    Vote.objects.filter(pk=dismissal.pk).update(
        starts_on=today - datetime.timedelta(days=40), ends_on=today - datetime.timedelta(days=26)
    )
    services.close_vote(dismissal, by=staff[1])

    fund = services.create_vote(
        compound,
        item=6,
        question="是否按每平方米 30 元续筹专项维修资金",
        notice="筹集维修资金属《民法典》第二百七十八条第一款第六项事项，须经参与表决专有部分面积四分之三以上且人数四分之三以上的业主同意。",
        called_by="community",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=11),
        by=staff[0],
    )
    services.open_vote(fund, by=staff[0])
    pending = None
    for owner in voters:
        if grant.resident in owner.residents.all() or rng.random() > 0.5:
            if pending is None and grant.resident not in owner.residents.all():
                pending = owner
            continue
        services.cast(
            fund, rng.choices(["yes", "no", "abstain"], weights=[70, 20, 10])[0], by=_voter(owner, grant)
        )
    if pending is not None:  # a paper ballot waiting for the second person (confirm or reject)
        services.enter_paper(fund, pending, "yes", scan=_scan(1, pdf=True), by=staff[0])
    # A building's own matter, voted by that building's owners only (a draft, for staff to open).
    building = Building.objects.filter(compound=compound, retired_at__isnull=True).order_by("name").first()
    if building is not None:
        services.create_vote(
            compound,
            item=5,
            question=f"{building.name}加装电梯，使用本栋专项维修资金",
            called_by="community",
            starts_on=today + datetime.timedelta(days=7),
            ends_on=today + datetime.timedelta(days=21),
            buildings=[building.pk],
            by=staff[0],
        )
    return {"owners": len(owners), "votes": 3 if building is not None else 2}


def _staff(community):
    return [
        g.user
        for g in RoleGrant.objects.filter(
            node=community, role__in=[Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY]
        )
        .select_related("user")
        .order_by("role", "id")
    ]


def _roll(compound, demo_resident, rng):
    """Each household's first resident owns it; every 15th owner also owns the next household; one
    household in 12 is still the developer's (unsold; it keeps no residents' title)."""
    households = list(
        Household.objects.filter(building__compound=compound).prefetch_related("residents").order_by("id")
    )
    developer = services.add_owner(compound, "建设单位（未售房屋）", is_developer=True)
    owners, previous = [developer], None
    for i, household in enumerate(households):
        people = list(household.residents.all())
        if household.pk == demo_resident.household_id:
            owner = services.add_owner(compound, demo_resident.name, residents=[demo_resident])
        elif not people or (i % 12 == 11):
            owner = developer
        elif previous is not None and i % 15 == 1:
            owner = previous
        else:
            owner = services.add_owner(compound, people[0].name, residents=people[:2])
        services.put_unit(household, owner, Decimal(rng.randint(5500, 14500)) / 100)
        if owner not in owners:
            owners.append(owner)
        previous = owner if owner is not developer else None
    return owners


def _voter(owner, demo_grant):
    """An account for one title holder of ``owner``: the demo login for its own unit, else an
    actor (no usable password)."""
    resident = owner.residents.order_by("id").first()
    if resident.pk == demo_grant.resident_id:
        return demo_grant.user
    username = f"demo_owner_{owner.compound_id}_{owner.code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=resident.name)
        user.set_unusable_password()
        user.save()
        accounts.grant_role(user, Role.RESIDENT, node=resident.grid, resident=resident)
    return user


def _scan(i, pdf=False):
    """A small real scan (a PNG, or a one-page PDF) with the ballot's number on it: what the
    upload check accepts, and what staff open from the vote page."""
    import io

    out = io.BytesIO()
    if pdf:
        from reportlab.pdfgen import canvas

        page = canvas.Canvas(out, pagesize=(420, 297))
        page.drawString(40, 250, f"Paper ballot No. {i} (demo scan)")
        page.rect(40, 120, 340, 100)
        page.save()
        return ContentFile(out.getvalue(), name=f"ballot-{i}.pdf")
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 297), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), f"Paper ballot No. {i} (demo scan)", fill="black")
    draw.rectangle((40, 120, 380, 220), outline="black")
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name=f"ballot-{i}.png")
