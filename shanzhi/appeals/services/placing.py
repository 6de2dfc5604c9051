"""Where an appeal is: the place of a new submission, and placing an unplaced one (待定位).

``locate`` turns a point, a building or a chosen node into the grid and the deepest known node;
``place_for`` adds the written address (``registry.queries.find_place``) and, when nothing places
the submission, files it unplaced at the district instead of refusing it (issue 12 §3: Open311's
``address_string`` alone, the resident page, the API and the hotline files). ``place`` is the
dispatcher's move that puts an unplaced appeal on the map; it then enters the loop as any other.
"""

import math

from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.registry import geo
from shanzhi.registry import queries as registry_queries
from shanzhi.registry import services as registry
from shanzhi.registry.models import OrgNode

from .. import rollups
from ..models import Appeal, Category
from . import base, notify


def _clean_point(lng, lat):
    if lng is None and lat is None:
        return None, None
    try:
        lng, lat = float(lng), float(lat)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("位置坐标无法识别。"), field="location") from exc
    if not (-180 <= lng <= 180 and -90 <= lat <= 90) or math.isnan(lng) or math.isnan(lat):
        raise DomainError(_("位置坐标超出经纬度范围（经度在前，纬度在后）。"), field="location")
    return lng, lat


def _agree(grid, node):
    """A place found from the building or the point must lie under the node staff also chose:
    two answers that disagree are refused rather than one silently winning."""
    if node is not None and not grid.path.startswith(node.path):
        raise DomainError(
            _("所选的“%(node)s”与地图选点（或楼栋）所在的“%(grid)s”不一致。请改选所属社区/网格，或重新选点。")
            % {"node": node.name, "grid": grid.name},
            field="node",
        )
    return grid


def locate(*, lng=None, lat=None, building=None, household=None, node=None):
    """(grid or None, the deepest node, lng, lat): the building's grid, else the grid whose polygon
    holds the point, else the node staff chose (a grid, or a community or street for a place with
    no grid, which that community then dispatches). A node given together with a building or a
    point inside a grid must contain that grid."""
    lng, lat = _clean_point(lng, lat)
    if node is not None and (
        not isinstance(node, OrgNode) or node.level not in ("grid", "community", "street")
    ):
        raise DomainError(_("请选择所属社区或网格。"), field="node")
    if household is not None:
        building = household.building
    if building is not None:
        if lng is None and building.lng is not None:
            lng, lat = building.lng, building.lat
        return _agree(building.grid, node), building.grid, lng, lat
    if lng is not None:
        grid = registry.grid_at(lng, lat)
        if grid is not None:
            return _agree(grid, node), grid, lng, lat
    if node is not None:
        return (node if node.level == "grid" else None), node, lng, lat
    if lng is not None:
        raise DomainError(_("该位置不在任何网格内，请重新选点，或选择所属社区。"), field="location")
    raise DomainError(_("请在地图上选点，或选择楼栋或所属社区。"), field="location")


def _district_of(by):
    """The district an unplaced appeal waits in: the submitter's own, else the registry's first."""
    for grant in by.grants() if by is not None else ():
        if grant.node_id:
            code = grant.node.path.split("/")[0]
            return OrgNode.objects.filter(level="district", code=code).first()
    return OrgNode.objects.filter(level="district").order_by("code").first()


def place_for(*, by=None, lng=None, lat=None, building=None, household=None, node=None, address=""):
    """``locate``, and for a submission with no point, building or node, the registry place its
    written address names (``registry.queries.find_place``). When even that places nothing, the
    appeal is filed unplaced (待定位) at the district, never refused for want of a point (issue 12
    §3); only a submission with no place and no address at all is refused (field "location").
    Returns (grid, node, lng, lat, building, unplaced)."""
    if household is not None:
        building = household.building
    nothing = lng in (None, "") and lat in (None, "") and building is None and node is None
    if nothing and (address or "").strip():
        found = registry_queries.find_place(address)
        if found is None:
            district = _district_of(by)
            if district is None:  # an empty registry: nowhere to queue it
                raise DomainError(_("请在地图上选点，或选择楼栋或所属社区。"), field="location")
            return None, district, None, None, None, True
        building, node = found.building, (None if found.building is not None else found.node)
    grid, place, lng, lat = locate(lng=lng, lat=lat, building=building, node=node)
    return grid, place, lng, lat, building, False


def _community_of(node):
    if node.level == "grid":
        return geo.node(node.parent_id)
    return node if node.level == "community" else None


def _initial_level(category, grid, community):
    if category.default_handler_kind == Category.HandlerKind.GRID and grid is not None:
        return Appeal.Level.GRID
    return Appeal.Level.COMMUNITY if community is not None else Appeal.Level.STREET


def place(appeal, *, by, lng=None, lat=None, building=None, node=None, note="", expected_version=None):
    """定位: a district or street dispatcher puts an unplaced appeal on the map (a point, a
    building or a community/grid of their own scope). Its grid, community, path and level follow
    from the place, and the dispatchers there are told it waits for acceptance."""
    with base.move(appeal, "locate", by, expected_version) as a:
        grid, where, lng, lat = locate(lng=lng, lat=lat, building=building, node=node)
        if not permissions.visible(by, OrgNode, "registry.view_tree").filter(pk=where.pk).exists():
            raise DomainError(_("该位置不在您的管辖范围内，请改选本辖区内的位置。"), field="location")
        rollups.touch(a)  # the cell it leaves (no community) is recounted too
        community = _community_of(where)
        a.grid, a.community, a.path, a.lng, a.lat = grid, community, where.path, lng, lat
        a.building = building
        a.level = _initial_level(a.category, grid, community)
        a.unplaced = False
        fields = ["grid", "community", "path", "lng", "lat", "building", "level", "unplaced"]
        base.commit(a, base.V.LOCATE, by, a.status, fields, note=note, data={"node": where.code})
        notify.send(
            "submitted",
            a,
            notify.dispatchers(a),
            _("诉求已定位，待受理：%(n)s %(t)s") % {"n": a.number, "t": a.title},
            exclude=by,
        )
    return a
