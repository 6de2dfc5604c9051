"""Property companies: the list a user may see, a company's record (profile, contacts masked,
contracts, evaluations), and the keepers' forms (street and district staff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none
from shanzhi.core.masking import mask_phone
from shanzhi.registry.models import Compound, PartyOrg

from .. import list_reads, queries, services
from ..access import keeper_district
from ..models import CompanyProfile, ServiceContract, SupervisionAction


@never_cache
@require_GET
def company_list(request):
    if not permissions.has_role_for(request.user, "property.view_company"):
        raise PermissionDenied
    companies = queries.companies_for(request.user).order_by("name")[:500]
    return render(request, "property/companies.html", {"companies": companies})


def _page(request, company, status=200):
    user = request.user
    keeper = permissions.can(user, "property.manage_company", company)
    profile = CompanyProfile.objects.filter(company=company).first() or CompanyProfile(company=company)
    score, grade, history = queries.credit_of(company)
    return render(
        request,
        "property/company.html",
        {
            "company": company,
            "profile": profile,
            "main_phone": mask_phone(company.contact_phone),
            "contacts": [(c, mask_phone(c.phone)) for c in company.contacts.all()],
            "contracts": company.contracts.select_related("compound"),
            "evaluations": queries.evaluations_for(user)
            .filter(company=company)
            .order_by("-period__starts_on"),
            "keeper": keeper,
            "credit": {
                "score": score,
                "grade": grade,
                "history": history[::-1][:20],
                "rules": queries.credit_rules([company.district_id])[company.district_id],
            },
            "may_set_credit_rules": getattr(keeper_district(user, "property.credit_rules"), "pk", None)
            == company.district_id,
            "credit_chart": {
                "label": _("信用分"),
                "at": [e.at.date().isoformat() for e in history],
                "score": [str(e.score) for e in history],
            },
            "actions": list_reads.supervision_of(user, company),
            "may_supervise": permissions.can(user, "property.supervise", company),
            "kinds": SupervisionAction.Kind.choices,
            "levels": ServiceContract.Level.choices,
            "compounds": Compound.objects.filter(community__path__startswith=_reach(user)).order_by("name")[
                :500
            ]
            if keeper
            else [],
            "party_orgs": PartyOrg.objects.filter(level__in=["branch", "general_branch", "committee"])[:200]
            if keeper
            else [],
            "form": {
                "credit_code": request.POST.get("credit_code", company.credit_code),
                "licence_no": request.POST.get("licence_no", profile.licence_no),
            },
        },
        status=status,
    )


def _reach(user):
    paths = [g.node.path for g in user.grants() if g.node_id and g.role in ("street_staff", "district_staff")]
    return min(paths, key=len) if paths else "-"


@never_cache
@require_GET
def company_detail(request, pk):
    return _page(request, queries.company_for(request.user, pk))


def _act(request, pk, call, ok):
    company = queries.company_for(request.user, pk)
    permissions.require(request.user, "property.manage_company", company)
    try:
        call(company)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, company, status=400)
    messages.success(request, ok)
    return redirect("property:company", pk=company.pk)


@require_POST
def company_edit(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda c: services.update_company(
            c,
            credit_code=f.get("credit_code", ""),
            licence_no=f.get("licence_no", ""),
            party_org=f.get("party_org") or None,
            by=request.user,
        ),
        _("企业档案已保存。"),
    )


@require_POST
def company_contact(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda c: services.add_contact(
            c, name=f.get("name", ""), title=f.get("title", ""), phone=f.get("phone", ""), by=request.user
        ),
        _("联系人已添加。"),
    )


@require_POST
def company_contract(request, pk):
    f = request.POST

    def call(company):
        compound = (
            Compound.objects.filter(pk=id_or_none(f.get("compound"))).select_related("community").first()
        )
        return services.add_contract(
            company,
            compound,
            starts_on=f.get("starts_on"),
            ends_on=f.get("ends_on"),
            fee_per_m2=f.get("fee_per_m2"),
            level=f.get("level"),
            by=request.user,
        )

    return _act(request, pk, call, _("服务合同已登记。"))
