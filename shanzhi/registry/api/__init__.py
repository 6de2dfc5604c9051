"""The registry's JSON API (/api/v1/registry/): the pages' scoped reads and the same services.

Reads come from ``registry.queries`` (each starts from ``permissions.visible``; out of scope is
404, like missing); writes call ``registry.services``. ID numbers and phones leave masked except
through ``reveal``, which is audited.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core import crypto
from shanzhi.core.apischema import ERRORS, ErrorOut, Pages
from shanzhi.core.errors import DomainError
from shanzhi.core.personal_numbers import looks_like_personal_number

from .. import queries, services
from ..models import CareTag, Household, OrgNode, Resident
from .schemas import (
    BoundaryIn,
    FeatureCollectionOut,
    FeatureOut,
    GridHealthOut,
    HouseholdOut,
    NodeDetailOut,
    NodeOut,
    PartyOrgOut,
    PropertyCompanyOut,
    ResidentFilter,
    ResidentOut,
    ResidentQuery,
    RevealIn,
    RevealOut,
    UnitFilter,
    UnitOut,
)

router = Router(tags=["registry"])


# --- the org tree --------------------------------------------------------------------------


def _parent_code(node):
    # The path ("district/street/…/code/") already names the parent: no query per node.
    return node.path.split("/")[-3] if node.parent_id else None


def _node_out(node):
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "parent_code": _parent_code(node),
        "grids": node.n_grids,
        "households": node.n_households,
        "residents": node.n_residents,
    }


def _visible_node(user, code):
    return permissions.get_visible_or_404(user, OrgNode, code=code)


@router.get("nodes", response=list[NodeOut], summary="我能看到的最上层节点（含统计）")
def list_nodes(request):
    return [_node_out(n) for n in queries.top_nodes(request.auth)]


@router.get("nodes/{code}", response={200: NodeDetailOut, 404: ErrorOut}, summary="节点及其下级（含统计）")
def get_node(request, code: str):
    user = request.auth
    node = _visible_node(user, code)
    queries.attach_counts(user, [node])
    children = [] if node.is_grid else queries.node_children_with_counts(user, node)
    workers = queries.grid_workers(user, node) if node.is_grid else []
    return {
        **_node_out(node),
        "centroid_lng": node.centroid_lng,
        "centroid_lat": node.centroid_lat,
        "has_boundary": node.boundary is not None,
        "grid_workers": [str(w) for w in workers],
        "children": [_node_out(c) for c in children],
    }


@router.get(
    "nodes/{code}/boundary",
    response={200: FeatureOut | FeatureCollectionOut, 404: ErrorOut},
    summary="边界 GeoJSON：网格为 Feature，其他层级为下辖网格的 FeatureCollection",
)
def get_boundary(request, code: str):
    return queries.boundary_features(request.auth, _visible_node(request.auth, code))


@router.put("nodes/{code}/boundary", response={200: FeatureOut, **ERRORS}, summary="修改网格边界")
def put_boundary(request, code: str, payload: BoundaryIn):
    node = _visible_node(request.auth, code)
    services.set_boundary(node, payload.model_dump(exclude_none=True), by=request.auth)
    return queries.boundary_features(request.auth, node)


@router.get(
    "grid-health",
    response={200: GridHealthOut, 403: ErrorOut, 404: ErrorOut},
    summary="户数超出 300–500 区间的网格",
)
def grid_health(request, node: str = ""):
    user = request.auth
    if not permissions.has_role_for(user, "registry.view_tree"):
        raise PermissionDenied
    under = _visible_node(user, node) if node else None
    health = queries.grid_health(user, under)
    return {
        "min_households": health.minimum,
        "max_households": health.maximum,
        "grids": [
            {
                "code": g.code,
                "name": g.name,
                "community": g.parent,
                "households": g.n_households,
                "band": g.band,
            }
            for g in health.out_of_range
        ],
    }


# --- households and residents ----------------------------------------------------------------


@router.get(
    "households/{int:household_id}", response={200: HouseholdOut, 404: ErrorOut}, summary="户及其成员"
)
def get_household(request, household_id: int):
    user = request.auth
    household = permissions.get_visible_or_404(user, Household, pk=household_id)
    members = queries.residents_of(user, household=household).order_by("id")
    household.scoped_residents = queries.prepare_residents(user, members)
    return household


def _filtered_residents(user, filters):
    q = filters.q.strip()
    residents = (
        queries.search_residents(user, q)
        if q
        else queries.residents_of(user).order_by("grid__code", "name", "id")
    )
    if getattr(filters, "id_number", "").strip():
        residents = residents.filter(id_number_index=crypto.blind_index(filters.id_number))
    if filters.grid:
        residents = residents.filter(grid__code=filters.grid)
    if filters.tag:
        residents = residents.filter(tags__code=filters.tag)
        # Filtering by a sensitive tag discloses it: only among residents whose such tags the user may see.
        if CareTag.objects.filter(code=filters.tag, sensitive=True).exists():
            residents = residents.filter(
                pk__in=permissions.visible(user, Resident, "registry.view_sensitive_tags").values("pk")
            )
    return residents


@router.get(
    "residents",
    response=list[ResidentOut],
    summary="查找居民（按身份证号/手机号查找请用 POST residents/search）",
)
@paginate(Pages, prepare=queries.prepare_residents)
def list_residents(request, filters: Query[ResidentQuery]):
    # An ID number or phone, even a fragment with spaces or full-width digits, in a query string
    # ends up in access logs and browser history (issue 12 §5).
    if looks_like_personal_number(filters.q):
        raise DomainError(_("身份证号和手机号不能放在网址里，请用 POST residents/search 查找。"), field="q")
    return _filtered_residents(request.auth, filters)


@router.post("residents/search", response=list[ResidentOut], summary="查找居民，可按身份证号/手机号精确查找")
@paginate(Pages, prepare=queries.prepare_residents)
def search_residents(request, filters: ResidentFilter):
    return _filtered_residents(request.auth, filters)


@router.get("residents/{int:resident_id}", response={200: ResidentOut, 404: ErrorOut}, summary="居民")
def get_resident(request, resident_id: int):
    user = request.auth
    found = queries.prepare_residents(user, queries.residents_of(user, pk=resident_id))
    if not found:
        raise Http404
    return found[0]


@router.post(
    "residents/{int:resident_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="查看完整身份证号或手机号（须写明原因，记入审计）",
)
def reveal(request, resident_id: int, payload: RevealIn, response: HttpResponse):
    resident = permissions.get_visible_or_404(request.auth, Resident, pk=resident_id)
    value = services.reveal(resident, payload.field, by=request.auth, reason=payload.reason, request=request)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


# --- organisations on the network ------------------------------------------------------------


@router.get("units", response=list[UnitOut], summary="驻区单位")
@paginate(Pages)
def list_units(request, filters: Query[UnitFilter]):
    return queries.units(request.auth, q=filters.q.strip(), kind=filters.kind)


@router.get("party-orgs", response=list[PartyOrgOut], summary="党组织（按树的顺序）")
@paginate(Pages)
def list_party_orgs(request):
    return [
        _party_org_out(org, depth)
        for org, depth in queries.flatten_tree(queries.party_org_tree(request.auth))
    ]


def _party_org_out(org, depth):
    org.depth = depth
    return org


@router.get("property-companies", response=list[PropertyCompanyOut], summary="物业企业")
@paginate(Pages)
def list_property_companies(request):
    return queries.property_companies(request.auth)
