"""Reads of owners' assembly votes, shared by pages, API and command: scoped lists, the count
(live, or the recount of a closed vote), the export file and the public results."""

from collections import defaultdict
from dataclasses import asdict
from decimal import Decimal

from django.http import Http404

from shanzhi.accounts import permissions
from shanzhi.registry.models import PropertyCompany

from . import credit, figures, scoring, tally
from .models import Ballot, Elector, Evaluation, Indicator, Owner, Period, Scheme, SchemeVersion, Vote


def votes_for(user):
    return permissions.visible(user, Vote).select_related("compound")


def vote_for(user, pk):
    return permissions.get_visible_or_404(user, Vote, pk=pk)


def ballot_for(user, vote_pk, ballot_pk):
    """A ballot of a vote the user may see, as the user may see it (404 otherwise); its vote loaded."""
    vote = vote_for(user, vote_pk)
    ballot = permissions.get_visible_or_404(user, Ballot, pk=ballot_pk, vote=vote)
    ballot.vote = vote
    return ballot


def public_results():
    """Closed votes and their sealed results: public (no ballots, no names)."""
    return Vote.objects.filter(status=Vote.Status.CLOSED).select_related("compound").order_by("-closed_at")


def _rows(vote):
    rows = Elector.objects.filter(vote=vote).values_list("unit", "owner__code", "area")
    return [tally.UnitRow(unit, code, area) for unit, code, area in rows]


def _votes(vote):
    # Only counted ballots: a paper ballot waits for its second person's confirmation.
    return dict(Ballot.objects.filter(vote=vote, counted=True, void="").values_list("owner__code", "choice"))


def count(vote):
    """The count from the frozen electorate and the counted ballots (live while open; at close it
    is what gets sealed, and after close it is the recount)."""
    return tally.tally(vote.matter, _rows(vote), _votes(vote))


def sealed(result):
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(result).items()}


def recount_matches(vote):
    return vote.result is not None and sealed(count(vote)) == vote.result


def export_file(vote):
    """A closed vote in the ``manage.py tally_vote`` format: owner codes, never names."""
    return {
        "matter": vote.matter,
        "units": [{"unit": r.unit, "owner": r.owner, "area": str(r.area)} for r in _rows(vote)],
        "votes": _votes(vote),
    }


def owners_of(user, vote):
    """The owners on this vote's electorate the user holds title for (usually one)."""
    resident_ids = [g.resident_id for g in user.grants() if g.resident_id]
    if not resident_ids:
        return Owner.objects.none()
    on_roll = Elector.objects.filter(vote=vote).values("owner_id")
    return Owner.objects.filter(pk__in=on_roll, residents__in=resident_ids).distinct()


def my_ballots(user, vote):
    """The user's live ballots (a rejected or withdrawn paper entry is not the owner's ballot)."""
    return permissions.visible(user, Ballot).filter(vote=vote, owner__in=owners_of(user, vote), void="")


def ballots_for(user, vote):
    return permissions.visible(user, Ballot).filter(vote=vote).select_related("owner", "cast_by")


def participation(result):
    """Shares of the area and heads taking part and saying yes, for the live tally (as percents
    with one decimal: a display figure only, never used to decide)."""

    def pct(part, whole):
        return f"{Decimal(part) * 100 / Decimal(whole):.1f}" if whole else "0.0"

    return {
        "area": pct(result.participating_area, result.total_area),
        "heads": pct(result.participating_heads, result.total_heads),
        "yes_area": pct(result.yes_area, result.participating_area),
        "yes_heads": pct(result.yes_heads, result.participating_heads),
    }


# --- red property: companies, schemes, evaluations ---------------------------------------------


def companies_for(user):
    return permissions.visible(user, PropertyCompany, "property.view_company").select_related("profile")


def company_for(user, pk):
    return permissions.get_visible_or_404(user, PropertyCompany, "property.view_company", pk=pk)


def credit_rules(district_ids):
    """{district id: credit.Rules}; a district without its own row gets the defaults."""
    from .models import CreditRules

    return defaultdict(
        credit.Rules,
        {r.district_id: r.rules() for r in CreditRules.objects.filter(district_id__in=set(district_ids))},
    )


def credit_of(company):
    """(score, grade, history oldest first) of a company the caller may already see; score and
    grade are None and '' before its first recorded change. The grade is by its district's rules."""
    from .models import CreditEvent

    events = list(CreditEvent.objects.filter(company=company).order_by("seq"))
    score = events[-1].score if events else None
    return score, credit.grade(score, credit_rules([company.district_id])[company.district_id]), events


def credit_grades(company_ids):
    """{company id: grade} from each company's latest history row, by its district's rules (two
    queries, three with rules)."""
    from .models import CreditEvent

    districts = dict(PropertyCompany.objects.filter(pk__in=company_ids).values_list("pk", "district_id"))
    rules = credit_rules(districts.values())
    latest = {}
    rows = CreditEvent.objects.filter(company_id__in=company_ids).order_by("company_id", "-seq")
    for company_id, score in rows.values_list("company_id", "score"):
        if company_id not in latest:
            latest[company_id] = credit.grade(score, rules[districts[company_id]])
    return latest


def evaluations_for(user, period=None):
    qs = permissions.visible(user, Evaluation).select_related("company", "period", "version")
    return qs.filter(period=period) if period is not None else qs


def evaluation_for(user, pk):
    return permissions.get_visible_or_404(user, Evaluation, pk=pk)


def schemes_for(user):
    return permissions.visible(user, Scheme)


def schemes_with_versions(user):
    """The schemes ``user`` reads, each with its versions (newest first) counting their items and
    indicators (the schemes page and the API list)."""
    from django.db.models import Count, Prefetch

    versions = SchemeVersion.objects.annotate(
        items_n=Count("items", distinct=True), indicators_n=Count("items__indicators")
    ).order_by("-number")
    return schemes_for(user).prefetch_related(Prefetch("versions", queryset=versions)).order_by("name", "pk")


def scheme_for(user, pk):
    return permissions.get_visible_or_404(user, Scheme, pk=pk)


def version_for(user, pk):
    version = SchemeVersion.objects.filter(pk=pk).select_related("scheme").first()
    if version is None or not permissions.visible(user, Scheme).filter(pk=version.scheme_id).exists():
        raise Http404
    return version


def periods_for(user):
    """The periods of the districts the user works in (a company's staff: its district)."""
    districts = set()
    for g in user.grants() if user.is_authenticated else ():
        if g.node_id:
            districts.add(g.node.path.split("/")[0])
        elif g.property_company_id:
            districts.add(g.property_company.district.code)
    return Period.objects.filter(district__code__in=districts)


def breakdown(evaluation):
    """The evaluation's items and indicators with what each earned (for its page and the API)."""
    items, thresholds = figures.plan(evaluation.version)
    values = figures.values_for(evaluation.period, [evaluation])[evaluation.pk]["values"]
    result = scoring.score(items, values, thresholds)
    entries = {e.indicator_id: e for e in evaluation.entries.all()}
    names = {i.pk: i for i in Indicator.objects.filter(item__version=evaluation.version_id)}
    rows = []
    for item, (name, got, full) in zip(items, result.items, strict=True):
        inds = [
            (names[r.id], values.get(r.id), result.points.get(r.id), entries.get(r.id))
            for r in item.indicators
        ]
        rows.append({"name": name, "got": got, "full": full, "weight": item.weight, "indicators": inds})
    return rows


# --- after a dismissal: transitions; the virtual property market -----------------------------------


def transitions_for(user):
    from .models import Transition

    return permissions.visible(user, Transition).select_related("compound", "company", "new_company")


def transition_for(user, pk):
    from .models import Transition

    return permissions.get_visible_or_404(user, Transition, pk=pk)


def market_requests_for(user):
    from .models import MarketRequest

    return permissions.visible(user, MarketRequest).select_related("compound", "company", "transition")


def market_request_for(user, pk):
    from .models import MarketRequest

    return permissions.get_visible_or_404(user, MarketRequest, pk=pk)


def market():
    """The public market: listed companies, each with its latest scored evaluation and its latest
    standing on an approved (public) red/black list. Counts and grades only; no contacts."""
    from .models import MarketListing, StandingEntry, StandingList

    listings = list(
        MarketListing.objects.filter(listed=True).select_related("company").order_by("company__name")[:500]
    )
    ids = [li.company_id for li in listings]
    latest = {}
    scored = Evaluation.objects.filter(company_id__in=ids, score__isnull=False).select_related("period")
    for ev in scored.order_by("company_id", "-period__starts_on", "-period__ends_on"):
        latest.setdefault(ev.company_id, ev)
    standing = {}
    entries = StandingEntry.objects.filter(
        company_id__in=ids, list__status=StandingList.Status.APPROVED
    ).select_related("list__period")
    for e in entries.order_by("company_id", "-list__period__starts_on"):
        standing.setdefault(e.company_id, e)
    grades = credit_grades(ids)
    for li in listings:
        li.credit_grade = grades.get(li.company_id, "")
    return [(li, latest.get(li.company_id), standing.get(li.company_id)) for li in listings]


# --- owners' committees and four-party meetings -------------------------------------------------


def committee_compound(user, pk):
    """The compound whose committee page ``user`` may open (404 otherwise)."""
    from .access import compound_in_reach

    compound = compound_in_reach(user, inputs_id(pk), "property.view_committee")
    if compound is None:
        raise Http404
    return compound


def inputs_id(value):
    from shanzhi.core.inputs import id_or_none

    return id_or_none(value) or 0


def committee_of(user, compound):
    """The committee (or None) and what ``user`` may read of it: members with their party flag
    (the registry's 党员 record), and the reserve lists for staff who may see them."""
    from shanzhi.registry.models import PartyMember

    from .models import Committee, ReserveCandidate

    committee = Committee.objects.filter(compound=compound).first()
    members = []
    if committee is not None:
        members = list(committee.members.select_related("resident").order_by("role", "id"))
        party = set(
            PartyMember.objects.filter(resident__in=[m.resident_id for m in members]).values_list(
                "resident_id", flat=True
            )
        )
        order = {"director": 0, "deputy": 1, "member": 2}
        members.sort(key=lambda m: (order.get(m.role, 9), m.pk))
        for m in members:
            m.party_member = m.resident_id in party
    reserves = None
    if permissions.has_role_for(user, "property.view_reserve"):
        reserves = list(
            permissions.visible(user, ReserveCandidate).filter(compound=compound).select_related("resident")
        )
    return committee, members, reserves


def committees_for(user):
    from .models import Committee

    return permissions.visible(user, Committee).select_related("compound__community").order_by("term_end")


def compound_residents(compound, limit=500):
    """Residents of the compound to pick from (name and address only: never phone or ID number)."""
    from shanzhi.registry.models import Resident

    return (
        Resident.objects.filter(household__building__compound=compound)
        .select_related("household__building")
        .order_by("household__building__name", "household__unit_no", "household__room", "id")[:limit]
    )


def meetings_for(user):
    from .models import Meeting

    return permissions.visible(user, Meeting).select_related("compound", "company")


def meeting_for(user, pk):
    from .models import Meeting

    return permissions.get_visible_or_404(user, Meeting, pk=inputs_id(pk))


def decisions_of(user, meeting, now=None):
    """The meeting's decisions with their state: the appeal's number, status and (where the user
    may open it) link, through ``registry.referrals``; a task's done/overdue/open."""
    from shanzhi.registry import referrals

    from .services.meetings import may_complete

    decisions = list(meeting.decisions.all())
    states = referrals.appeal_states(user, [d.appeal_id for d in decisions])
    for d in decisions:
        d.appeal = states.get(d.appeal_id)
        d.state = d.task_state(now) if d.kind == "task" else (d.appeal or {}).get("status", "")
        d.may_complete = may_complete(user, d)
    return decisions
