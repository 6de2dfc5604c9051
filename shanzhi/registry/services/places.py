"""Keeping the one network by hand: add, edit, move and retire nodes, compounds and buildings.

The roster import checks a file against the registry; these are the writes that make the registry
what the file is checked against, so they apply the same rules (codes under the parent's code, a
building's grid inside its compound's community, names unique where the import looks them up).

Who may: ``registry.keep_places`` on the node *above* what is changed. A community's staff keep
its grids, compounds and buildings but cannot rename or retire the community itself; the street
above does that; the district node only the system administrator. Nothing is deleted: a place
that appeals, imports and the audit trail point at is retired (``retired_at``) and refused only
while something live still hangs under it.
"""

import unicodedata

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from ..models import Building, Compound, Household, OrgNode, Resident
from .tree import clean_polygon, create_building, create_compound, create_node

KEEP = "registry.keep_places"
UNSET = object()


def clean_name(value, field, label, max_length):
    """A name as the import takes it: trimmed, non-empty, within the column, no control characters."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise DomainError(_("%(f)s不能为空。") % {"f": label}, field=field)
    if any(unicodedata.category(c)[0] == "C" for c in text):
        raise DomainError(_("%(f)s含有不可见的控制字符，请重新输入。") % {"f": label}, field=field)
    if len(text) > max_length:
        raise DomainError(_("%(f)s最多 %(n)d 个字。") % {"f": label, "n": max_length}, field=field)
    return text


def _optional_float(value, field, low, high):
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise DomainError(_("坐标必须是数字。"), field=field) from exc
    if not low <= number <= high:
        raise DomainError(_("坐标超出范围（%(lo)s 到 %(hi)s）。") % {"lo": low, "hi": high}, field=field)
    return number


def _floors(value):
    if value in (None, ""):
        return None
    text = str(value).strip()
    # ASCII digits only: int("²") fails but int("٣") passes, and neither is a floor count.
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 200:
        raise DomainError(_("层数应为 1 到 200 的整数。"), field="floors")
    return int(text)


def _require(by, node):
    # The caller already holds something it may see (a grid, a compound): a keeper's right missing
    # on the node above is a 403, not the 404 ``permissions.require`` gives for what is out of sight.
    if not permissions.can(by, KEEP, node):
        raise PermissionDenied


def require_keeper(by, node):
    """Refuse (403) unless ``by`` keeps the places under ``node``."""
    _require(by, node)


def require_keeper_of(by, node):
    """Changes to ``node`` belong to whoever keeps the node above it (the root: the administrator)."""
    if node.parent_id is None:
        _require(by, node)
        if not any(g.role == Role.SYSTEM_ADMIN for g in by.grants()):
            raise PermissionDenied
        return
    _require(by, node.parent)


def keeping(user, node):
    """What the node's page may offer ``user``: add below it, edit or retire it, add a compound."""
    if node.retired_at is not None:
        return {}
    below = node.level != OrgNode.Level.GRID and permissions.can(user, KEEP, node)
    if node.parent_id is None:
        itself = permissions.can(user, KEEP, node) and any(g.role == Role.SYSTEM_ADMIN for g in user.grants())
    else:
        itself = permissions.can(user, KEEP, node.parent)
    return {
        "add_child": below,
        "add_compound": below and node.level == OrgNode.Level.COMMUNITY,
        "edit": itself,
        "retire": itself,
        "any": below or itself,
    }


def _live(node):
    if node.retired_at is not None:
        raise DomainError(_("“%(n)s”已撤销，不能再修改或在其下新增。") % {"n": node}, field="node")


def _record(by, target, verb, **detail):
    audit.record(AuditEvent.Action.REGISTRY_CHANGE, actor=by, target=target, detail={"verb": verb, **detail})


# --- nodes -------------------------------------------------------------------------------------


@transaction.atomic
def add_node(*, parent, code, name, boundary=None, by):
    """A street, community or grid under ``parent``; the code extends the parent's."""
    _require(by, parent)
    _live(parent)
    level = OrgNode.CHILD_LEVEL.get(parent.level)
    if level is None:
        raise DomainError(_("网格是最低一级，不能再往下分。"), field="parent")
    node = create_node(
        level=level,
        code=code,
        name=clean_name(name, "name", _("名称"), 100),
        parent=parent,
        boundary=boundary or None,
    )
    _record(by, node, "add", code=node.code, parent=parent.code)
    return node


@transaction.atomic
def edit_node(node, *, name, boundary=UNSET, by):
    """Rename (and for a grid redraw) a node. Its code is its path and stays."""
    require_keeper_of(by, node)
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    _live(node)
    node.name = clean_name(name, "name", _("名称"), 100)
    fields = ["name"]
    if boundary is not UNSET and boundary not in (None, ""):
        if not node.is_grid:
            raise DomainError(_("只有网格需要边界。"), field="boundary")
        node.boundary, (node.centroid_lng, node.centroid_lat) = clean_polygon(boundary)
        fields += ["boundary", "centroid_lng", "centroid_lat"]
    node.save(update_fields=fields)
    _record(by, node, "edit", fields=fields)
    return node


@transaction.atomic
def retire_node(node, *, by, reason):
    """Retire a node with nothing live under it: no live child, no live building, no household."""
    require_keeper_of(by, node)
    reason = clean_name(reason, "reason", pgettext("retire a place", "撤销原因"), 200)
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    _live(node)
    if node.children.filter(retired_at__isnull=True).exists():
        raise DomainError(
            _("“%(n)s”下还有未撤销的下级，请先撤销或调整它们。") % {"n": node.name}, field="node"
        )
    if node.is_grid and node.buildings.filter(retired_at__isnull=True).exists():
        raise DomainError(_("网格内还有楼栋，请先把楼栋调整到其他网格或撤销。"), field="node")
    if node.level == OrgNode.Level.COMMUNITY and node.compounds.filter(retired_at__isnull=True).exists():
        raise DomainError(_("社区内还有小区，请先撤销小区。"), field="node")
    node.retired_at = timezone.now()
    node.save(update_fields=["retired_at"])
    _record(by, node, "retire", reason=reason)
    return node


# --- compounds ---------------------------------------------------------------------------------


def _require_community(by, community):
    _require(by, community)
    if community.level != OrgNode.Level.COMMUNITY:
        raise DomainError(_("小区必须属于一个社区。"), field="community")
    _live(community)


@transaction.atomic
def add_compound(*, community, name, address="", property_company=None, by):
    _require_community(by, community)
    name = clean_name(name, "name", _("小区名称"), 100)
    if Compound.objects.filter(community=community, name=name).exists():
        raise DomainError(_("本社区已有小区“%(n)s”。") % {"n": name}, field="name")
    address = clean_name(address, "address", _("地址"), 200) if (address or "").strip() else ""
    compound = create_compound(
        community=community, name=name, address=address, property_company=property_company
    )
    _record(by, compound, "add", community=community.code)
    return compound


@transaction.atomic
def edit_compound(compound, *, name, address="", property_company=UNSET, by):
    _require_community(by, compound.community)
    compound = Compound.objects.select_for_update().get(pk=compound.pk)
    if compound.retired_at is not None:
        raise DomainError(_("该小区已撤销。"), field="compound")
    name = clean_name(name, "name", _("小区名称"), 100)
    if (
        Compound.objects.filter(community_id=compound.community_id, name=name)
        .exclude(pk=compound.pk)
        .exists()
    ):
        raise DomainError(_("本社区已有小区“%(n)s”。") % {"n": name}, field="name")
    compound.name = name
    compound.address = clean_name(address, "address", _("地址"), 200) if (address or "").strip() else ""
    fields = ["name", "address"]
    if property_company is not UNSET:
        compound.property_company = property_company
        fields.append("property_company")
    compound.save(update_fields=fields)
    _record(by, compound, "edit", fields=fields)
    return compound


@transaction.atomic
def retire_compound(compound, *, by, reason):
    _require_community(by, compound.community)
    reason = clean_name(reason, "reason", pgettext("retire a place", "撤销原因"), 200)
    compound = Compound.objects.select_for_update().get(pk=compound.pk)
    if compound.retired_at is not None:
        raise DomainError(_("该小区已撤销。"), field="compound")
    if compound.buildings.filter(retired_at__isnull=True).exists():
        raise DomainError(_("小区内还有楼栋，请先撤销楼栋。"), field="compound")
    compound.retired_at = timezone.now()
    compound.save(update_fields=["retired_at"])
    _record(by, compound, "retire", reason=reason)
    return compound


# --- buildings ---------------------------------------------------------------------------------


def _check_grid(by, compound, grid):
    # The import's rule: a building's grid lies in its compound's community.
    if grid is None or grid.level != OrgNode.Level.GRID or grid.parent_id != compound.community_id:
        raise DomainError(_("楼栋所在网格必须属于小区所在社区。"), field="grid")
    if grid.retired_at is not None:
        raise DomainError(_("网格“%(n)s”已撤销。") % {"n": grid.name}, field="grid")
    _require(by, grid.parent)


@transaction.atomic
def add_building(*, compound, grid, name, floors=None, lng=None, lat=None, by):
    _require_community(by, compound.community)
    if compound.retired_at is not None:
        raise DomainError(_("该小区已撤销。"), field="compound")
    _check_grid(by, compound, grid)
    name = clean_name(name, "name", _("楼栋"), 50)
    if Building.objects.filter(compound=compound, name=name).exists():
        raise DomainError(_("小区“%(c)s”已有楼栋“%(n)s”。") % {"c": compound.name, "n": name}, field="name")
    building = create_building(
        compound=compound,
        grid=grid,
        name=name,
        floors=_floors(floors),
        lng=_optional_float(lng, "lng", -180, 180),
        lat=_optional_float(lat, "lat", -90, 90),
    )
    _record(by, building, "add", compound=compound.pk, grid=grid.code)
    return building


@transaction.atomic
def edit_building(building, *, name, floors=None, lng=None, lat=None, by):
    _require_community(by, building.compound.community)
    building = Building.objects.select_for_update().select_related("compound").get(pk=building.pk)
    if building.retired_at is not None:
        raise DomainError(_("该楼栋已撤销。"), field="building")
    name = clean_name(name, "name", _("楼栋"), 50)
    if Building.objects.filter(compound_id=building.compound_id, name=name).exclude(pk=building.pk).exists():
        raise DomainError(
            _("小区“%(c)s”已有楼栋“%(n)s”。") % {"c": building.compound.name, "n": name}, field="name"
        )
    building.name = name
    building.floors = _floors(floors)
    building.lng = _optional_float(lng, "lng", -180, 180)
    building.lat = _optional_float(lat, "lat", -90, 90)
    building.save(update_fields=["name", "floors", "lng", "lat"])
    _record(by, building, "edit")
    return building


@transaction.atomic
def move_building(building, *, grid, by, reason):
    """Hand a building to another grid of the same community: its households and residents follow
    (their ``grid`` is a copy of the building's, kept so scope filters need no join), so from now
    on the new grid's worker sees them and the old one does not. Appeals already filed keep the
    grid they were filed in."""
    _require_community(by, building.compound.community)
    reason = clean_name(reason, "reason", _("调整原因"), 200)
    building = Building.objects.select_for_update().select_related("compound", "grid").get(pk=building.pk)
    if building.retired_at is not None:
        raise DomainError(_("该楼栋已撤销。"), field="building")
    _check_grid(by, building.compound, grid)
    if grid.pk == building.grid_id:
        raise DomainError(_("楼栋已在网格“%(n)s”内。") % {"n": grid.name}, field="grid")
    before = building.grid
    building.grid = grid
    building.save(update_fields=["grid"])
    households = Household.objects.filter(building=building)
    moved = households.update(grid=grid)
    Resident.objects.filter(household__building=building).update(grid=grid)
    _record(by, building, "move", before=before.code, after=grid.code, households=moved, reason=reason)
    return building


@transaction.atomic
def retire_building(building, *, by, reason):
    _require_community(by, building.compound.community)
    reason = clean_name(reason, "reason", pgettext("retire a place", "撤销原因"), 200)
    building = Building.objects.select_for_update().get(pk=building.pk)
    if building.retired_at is not None:
        raise DomainError(_("该楼栋已撤销。"), field="building")
    if Resident.objects.filter(household__building=building).exists():
        raise DomainError(_("楼栋内还有登记的居民，请先办理迁出。"), field="building")
    building.retired_at = timezone.now()
    building.save(update_fields=["retired_at"])
    _record(by, building, "retire", reason=reason)
    return building
