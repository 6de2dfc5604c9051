"""Scoped reads of the organisations on the network: units, property companies, the party tree."""

from django.db.models import Count, Prefetch, Q

from shanzhi.accounts import permissions
from shanzhi.core.masking import mask_phone

from ..models import Compound, PartyMember, PartyOrg, PropertyCompany, Unit


def units(user, q="", kind=""):
    rows = permissions.visible(user, Unit).select_related("community").order_by("community__code", "name")
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(address__contains=q))
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def property_companies(user):
    compounds = permissions.visible(user, Compound).select_related("community").order_by("name")
    return (
        permissions.visible(user, PropertyCompany)
        .prefetch_related(Prefetch("compounds", queryset=compounds, to_attr="visible_compounds"))
        .order_by("name")
    )


def party_org_tree(user, node=None):
    """The visible party organisations as a forest; each carries ``subtree`` and member counts.

    ``n_members`` counts the organisation's own members; ``n_members_total`` adds those of
    the organisations below it that the user can see.
    """
    orgs = (
        permissions.visible(user, PartyOrg)
        .select_related("node", "unit")
        .annotate(n_members=Count("members", distinct=True))
    )
    if node is not None:
        orgs = orgs.filter(node__path__startswith=node.path)
    orgs = list(orgs.order_by("node__code", "id"))
    by_id = {o.pk: o for o in orgs}
    roots = []
    for o in orgs:
        o.subtree = []
    for o in orgs:
        parent = by_id.get(o.parent_id)
        (parent.subtree if parent else roots).append(o)

    def total(o):
        o.n_members_total = o.n_members + sum(total(c) for c in o.subtree)
        return o.n_members_total

    for r in roots:
        total(r)
    return roots


def flatten_tree(roots, depth=0):
    """(org, depth) pairs in display order, for a table with indentation."""
    for o in roots:
        yield o, depth
        yield from flatten_tree(o.subtree, depth + 1)


def party_org_ancestors(user, org):
    chain, seen = [], {org.pk}
    visible = permissions.visible(user, PartyOrg)
    current = org
    while current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        current = visible.filter(pk=current.parent_id).first()
        if current is None:
            break
        chain.append(current)
    return list(reversed(chain))


def party_members(user, org):
    members = (
        permissions.visible(user, PartyMember)
        .filter(party_org=org)
        .select_related("resident__household__building__compound", "resident__grid")
        .order_by("resident__name", "id")
    )
    members = list(members)
    for m in members:
        m.phone_masked = mask_phone(m.resident.phone)
    return members
