"""Organisations on the network: resident units, property companies, the party organisation tree."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from shanzhi.accounts import permissions
from shanzhi.core.masking import mask_phone

from .. import queries
from ..models import PartyOrg, Unit

PER_PAGE = 50


def _require_orgs(user):
    permissions.require(user, "registry.view_orgs")


@never_cache
def unit_list(request):
    _require_orgs(request.user)
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    page = Paginator(queries.units(request.user, q=q, kind=kind), PER_PAGE).get_page(request.GET.get("page"))
    for unit in page:
        unit.phone_masked = mask_phone(unit.contact_phone)
    return render(
        request,
        "registry/units.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": Unit.Kind.choices,
        },
    )


@never_cache
def property_company_list(request):
    _require_orgs(request.user)
    companies = list(queries.property_companies(request.user))
    for company in companies:
        company.phone_masked = mask_phone(company.contact_phone)
    return render(request, "registry/property_companies.html", {"companies": companies})


@never_cache
def party_org_list(request):
    _require_orgs(request.user)
    roots = queries.party_org_tree(request.user)
    return render(
        request,
        "registry/party_orgs.html",
        {
            "rows": list(queries.flatten_tree(roots)),
            "total_members": sum(r.n_members_total for r in roots),
        },
    )


@never_cache
def party_org_detail(request, pk):
    user = request.user
    org = permissions.get_visible_or_404(user, PartyOrg, pk=pk)
    found = _find(queries.party_org_tree(user), org.pk)
    return render(
        request,
        "registry/party_org.html",
        {
            "org": found or org,
            "ancestors": queries.party_org_ancestors(user, org),
            "rows": list(queries.flatten_tree(found.subtree)) if found else [],
            "members": queries.party_members(user, org),
            "may_view_members": permissions.has_role_for(user, "registry.view_people"),
        },
    )


def _find(roots, pk):
    for o in roots:
        found = o if o.pk == pk else _find(o.subtree, pk)
        if found:
            return found
    return None
