"""Who may do what with owners' assembly votes, and which rows each grant reaches.

Registered into ``accounts.permissions`` from ``AppConfig.ready``. Staff bound to a node see the
votes of the compounds in their communities (a grid worker: their grid's community); a resident
sees only the votes of compounds where they hold a unit on the owners' roll, and only the ballots
of the owners they belong to. Closed results are public (``queries.public_results``), without
ballots.

Companies and their evaluations: a property company's staff see their own company only (its
evaluations, contracts and schemes of its district); node staff see the companies serving a
compound in their part of the tree, and district staff every company of their district. The
scheme is the district's: everyone working in the district reads it, district staff keep it.
"""

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role as R
from shanzhi.accounts.permissions import COMMUNITY_UP, NODE_STAFF
from shanzhi.registry.paths import community_path

from .models import Owner

COMMUNITY_STAFF = {R.COMMUNITY_STAFF, R.COMMUNITY_SECRETARY}

ACTIONS = {
    "property.view_vote": NODE_STAFF | {R.RESIDENT},
    # Calling, opening and closing a vote, and entering paper ballots, is the community's work
    # (the committee calls through it: the 居委会 keeps the roll and runs the count).
    "property.manage_vote": COMMUNITY_STAFF,
    "property.enter_paper": COMMUNITY_STAFF,
    "property.cast": {R.RESIDENT},
    "property.view_ballot": NODE_STAFF | {R.RESIDENT},
    # A closed vote's per-unit choices (the export file, the workbook's 分户 sheet): staff who see
    # the vote. An owner sees their own ballot only, and of the count the sealed summary.
    "property.view_tally": NODE_STAFF,
    # Red property: companies, schemes, evaluations.
    "property.view_company": NODE_STAFF | {R.PROPERTY_STAFF},
    "property.manage_company": {R.STREET_STAFF, R.DISTRICT_STAFF},
    "property.view_scheme": NODE_STAFF | {R.PROPERTY_STAFF},
    "property.manage_scheme": {R.DISTRICT_STAFF},
    "property.view_evaluation": NODE_STAFF | {R.PROPERTY_STAFF},
    # Inspections and the community's opinion: community staff upwards (a grid worker reports
    # through appeals; the company never scores itself).
    "property.inspect": COMMUNITY_UP,
    "property.run_evaluation": {R.DISTRICT_STAFF},
    "property.rate": {R.RESIDENT},
    # 红黑榜: the district proposes by its rules, a street approves (then it is public).
    "property.propose_list": {R.DISTRICT_STAFF},
    "property.approve_list": {R.STREET_STAFF},
    # 季度公示: the district publishes a finished quarter's figures (frozen; then public).
    "property.publish_disclosure": {R.DISTRICT_STAFF},
    # The district's credit rules (amounts and grade thresholds): district staff read and keep them.
    "property.credit_rules": {R.DISTRICT_STAFF},
    # Supervision of a company: street and district staff act; the company's staff read and reply.
    "property.view_supervision": NODE_STAFF | {R.PROPERTY_STAFF},
    "property.supervise": {R.STREET_STAFF, R.DISTRICT_STAFF},
    "property.reply": {R.PROPERTY_STAFF},
    # After a passed dismissal: the community keeps the transition (checklist, fallback), the
    # outgoing company's staff mark what they handed over. The market: the district lists vetted
    # companies, the community requests one, the company answers.
    "property.view_transition": NODE_STAFF | {R.PROPERTY_STAFF},
    "property.manage_transition": COMMUNITY_STAFF,
    "property.hand_over": {R.PROPERTY_STAFF},
    "property.list_in_market": {R.DISTRICT_STAFF},
    "property.view_market_request": NODE_STAFF | {R.PROPERTY_STAFF},
    "property.request_company": COMMUNITY_STAFF,
    "property.answer_request": {R.PROPERTY_STAFF},
}


# The owners' roll (业主名册): the community keeps it (it runs the count from it); staff of the
# street and district above read it. Grid workers, owners and companies do not see it.
ROLL_ACTIONS = {
    "property.view_roll": COMMUNITY_UP,
    "property.manage_roll": COMMUNITY_STAFF,
}


def _staff_q(grant, field):
    if grant.role in NODE_STAFF and grant.node_id:
        return Q(**{f"{field}__path__startswith": community_path(grant.node.path)})
    return None


def _owners_of(grant):
    return Owner.objects.filter(residents=grant.resident_id)


def _scope_vote(grant):
    q = _staff_q(grant, "compound__community")
    if q is not None:
        return q
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(compound_id__in=_owners_of(grant).values("compound_id"))
    return None


def _scope_owner(grant):
    q = _staff_q(grant, "compound__community")
    if q is not None:
        return q
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(pk__in=_owners_of(grant).values("pk"))
    return None


def _scope_ballot(grant):
    q = _staff_q(grant, "vote__compound__community")
    if q is not None:
        return q
    if grant.role == R.RESIDENT and grant.resident_id:
        return Q(owner_id__in=_owners_of(grant).values("pk"))
    return None


def _district_path(path):
    return path.split("/")[0] + "/"


def _scope_company(prefix):
    """Rows tied to a company (``prefix`` leads to it), reaching as the registry's own company
    scope does (``registry.access._scope_property_company``)."""

    def scope(grant):
        if grant.role == R.PROPERTY_STAFF and grant.property_company_id:
            return Q(**{f"{prefix}id": grant.property_company_id})
        if grant.role in NODE_STAFF and grant.node_id:
            if grant.node.level == "district":
                return Q(**{f"{prefix}district_id": grant.node_id})
            return Q(**{f"{prefix}compounds__community__path__startswith": community_path(grant.node.path)})
        return None

    return scope


def _scope_scheme(grant):
    if grant.role == R.PROPERTY_STAFF and grant.property_company_id:
        return Q(district_id=grant.property_company.district_id)
    if grant.role in NODE_STAFF and grant.node_id:
        return Q(district__path=_district_path(grant.node.path))
    return None


def register():
    permissions.register_actions(ACTIONS)
    permissions.register_actions(ROLL_ACTIONS)
    permissions.register_scope("property.vote", _scope_vote, "property.view_vote")
    permissions.register_scope("property.owner", _scope_owner, "property.view_vote")
    permissions.register_scope("property.ballot", _scope_ballot, "property.view_ballot")
    permissions.register_scope(
        "property.evaluation", _scope_company("company__"), "property.view_evaluation", distinct=True
    )
    permissions.register_scope(
        "property.servicecontract", _scope_company("company__"), "property.view_company", distinct=True
    )
    permissions.register_scope("property.scheme", _scope_scheme, "property.view_scheme")
    permissions.register_scope(
        "property.supervisionaction", _scope_company("company__"), "property.view_supervision", distinct=True
    )
    register_transitions()


def manages_compound(user, compound):
    """Whether ``user`` may call votes and keep the roll of ``compound`` (before any vote row
    exists to scope): a community grant over the compound's community."""
    if not permissions.has_role_for(user, "property.manage_vote"):
        return False
    path = compound.community.path
    return any(
        g.role in ACTIONS["property.manage_vote"]
        and g.node_id
        and path.startswith(community_path(g.node.path))
        for g in user.grants()
    )


def _scope_transition(grant):
    """Node staff over the compound; a company's staff: the transitions it leaves or takes over."""
    q = _staff_q(grant, "compound__community")
    if q is not None:
        return q
    if grant.role == R.PROPERTY_STAFF and grant.property_company_id:
        return Q(company_id=grant.property_company_id) | Q(new_company_id=grant.property_company_id)
    return None


def _scope_market_request(grant):
    """Node staff over the compound; a company's staff: the requests made to it only."""
    q = _staff_q(grant, "compound__community")
    if q is not None:
        return q
    if grant.role == R.PROPERTY_STAFF and grant.property_company_id:
        return Q(company_id=grant.property_company_id)
    return None


def register_transitions():
    permissions.register_scope("property.transition", _scope_transition, "property.view_transition")
    permissions.register_scope(
        "property.marketrequest", _scope_market_request, "property.view_market_request"
    )


def reads_staff_lists(user):
    """Whether ``user`` reads the district's lists with the proposed ones (the staff page and API):
    those who propose them and those who approve them."""
    return permissions.has_role_for(user, "property.propose_list") or permissions.has_role_for(
        user, "property.approve_list"
    )


def keeper_district(user, action):
    """The district that ``user``'s district-level grant for ``action`` covers (None without one):
    opening periods and keeping the lists' rules are the district's own work."""
    return next(
        (
            g.node
            for g in user.grants()
            if g.role in ACTIONS[action] and g.node_id and g.node.level == "district"
        ),
        None,
    )


# --- owners' committees, reserve lists, four-party meetings -----------------------------------------
# Community staff keep a compound's committee and record its meetings; staff above read them (a grid
# worker reads the committee, not the reserve lists); a resident reads the committee of the compound
# they live in (its public part only: the page and API show names, roles and the term). A company's
# staff read the meetings their company attended and record the completion of tasks it owns.
COMMITTEE_ACTIONS = {
    "property.view_committee": NODE_STAFF | {R.RESIDENT},
    "property.manage_committee": COMMUNITY_STAFF,
    "property.view_reserve": COMMUNITY_UP,
    "property.view_meeting": NODE_STAFF | {R.PROPERTY_STAFF},
    "property.record_meeting": COMMUNITY_STAFF,
    "property.complete_task": COMMUNITY_STAFF | {R.PROPERTY_STAFF},
}


def _scope_compound(prefix):
    """Rows of a compound (``prefix`` leads to it): staff over its community, its residents."""

    def scope(grant):
        q = _staff_q(grant, f"{prefix}community")
        if q is not None:
            return q
        if grant.role == R.RESIDENT and grant.resident_id:
            from shanzhi.registry.models import Resident

            home = Resident.objects.filter(pk=grant.resident_id).values("household__building__compound_id")
            return Q(**{f"{prefix}pk__in": home})
        return None

    return scope


def _scope_meeting(prefix):
    def scope(grant):
        if grant.role == R.PROPERTY_STAFF and grant.property_company_id:
            return Q(**{f"{prefix}company_id": grant.property_company_id})
        return _staff_q(grant, f"{prefix}compound__community")

    return scope


def register_committees():
    permissions.register_actions(COMMITTEE_ACTIONS)
    permissions.register_scope("property.committee", _scope_compound("compound__"), "property.view_committee")
    permissions.register_scope(
        "property.committeemember", _scope_compound("committee__compound__"), "property.view_committee"
    )
    permissions.register_scope(
        "property.reservecandidate", _scope_compound("compound__"), "property.view_reserve"
    )
    permissions.register_scope("property.meeting", _scope_meeting(""), "property.view_meeting")
    permissions.register_scope("property.decision", _scope_meeting("meeting__"), "property.view_meeting")


def compounds_in_reach(user, action):
    """The compounds some grant of ``user`` whose role may do ``action`` reaches (the committee
    scope applied to the compound itself, before any committee or meeting row exists)."""
    from shanzhi.registry.models import Compound

    none = Compound.objects.none()
    if not user.is_authenticated:
        return none
    scope, q = _scope_compound(""), None
    for grant in user.grants():
        if grant.role not in permissions.ACTIONS[action]:
            continue
        gq = scope(grant)
        if gq is not None:
            q = gq if q is None else q | gq
    if q is None:
        return none
    return Compound.objects.filter(q, retired_at__isnull=True).select_related("community", "property_company")


def compound_in_reach(user, compound_pk, action):
    """The compound ``compound_pk`` within ``compounds_in_reach``, or None (reported as a 404)."""
    return compounds_in_reach(user, action).filter(pk=compound_pk).first()
