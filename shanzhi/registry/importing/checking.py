"""Validating roster rows against the registry: every error at once, with row, column and reason."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from shanzhi.core import crypto
from shanzhi.core.errors import DomainError

from .. import services
from ..models import Building, CareTag, Compound, OrgNode, Resident
from . import bulk
from .reading import CHUNK, HEADER, MAX_LENGTH, PROGRESS_EVERY, REQUIRED, TAG_SEPARATORS

# --- validating --------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """A row that passed validation, in the form the writer needs."""

    row: int
    building: Building
    unit_no: str
    room: str
    name: str
    id_number: str
    id_index: str
    phone: str | None  # None: the file has no phone column, keep what is stored
    relation: str | None
    tag_ids: frozenset | None


class _Lookups:
    """Everything validation needs from the database, loaded in a handful of queries.

    Only the grids named in the file (and the compounds and buildings of their communities) are
    loaded, so importing one grid's rows into a whole district stays cheap.
    """

    def __init__(self, scope, rows):
        self.scope = scope
        codes = list({str(row.get("grid_code") or "").strip() for row in rows} - {""})
        grids = OrgNode.objects.filter(
            level=OrgNode.Level.GRID, path__startswith=scope.path, retired_at__isnull=True
        )
        self.grids = {}
        for chunk in _chunks(codes, CHUNK):
            self.grids.update(
                (g.code, g) for g in grids.filter(code__in=chunk).only("id", "code", "name", "parent_id")
            )
        communities = {g.parent_id for g in self.grids.values()}
        siblings = OrgNode.objects.filter(parent_id__in=communities, level=OrgNode.Level.GRID)
        self.grid_names = dict(siblings.values_list("id", "name"))
        self.buildings = {}
        self.building_grids = {}
        live = Building.objects.filter(compound__community_id__in=communities, retired_at__isnull=True)
        for b in live.select_related("compound"):
            self.buildings[(b.grid_id, b.compound.name, b.name)] = b
            self.building_grids.setdefault((b.compound.community_id, b.compound.name, b.name), b.grid_id)
        self.compounds = set(
            Compound.objects.filter(community_id__in=communities).values_list("community_id", "name")
        )
        self.tags = {}
        for tag in CareTag.objects.all():
            self.tags[tag.name] = tag.id
            self.tags[tag.code] = tag.id

    def outside_scope(self, indexes):
        """Blind indexes of residents that are registered, but not inside the scope."""
        found = set()
        for chunk in _chunks(list(indexes), CHUNK):
            if bulk.enabled():
                found.update(bulk.outside_scope(chunk, self.scope.path))
                continue
            found.update(
                Resident.objects.filter(id_number_index__in=chunk)
                .exclude(grid__path__startswith=self.scope.path)
                .values_list("id_number_index", flat=True)
            )
        return found


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _RowCheck:
    """Validates one row, collecting every problem it has rather than stopping at the first."""

    def __init__(self, row, number, lookups):
        self.row, self.number, self.lookups, self.errors = row, number, lookups, []

    def error(self, key, reason):
        self.errors.append({"row": self.number, "column": HEADER[key], "reason": reason})

    def text(self, key):
        value = str(self.row.get(key) or "").strip()
        if not value and key in REQUIRED:
            self.error(key, _("%(c)s不能为空。") % {"c": HEADER[key]})
        elif len(value) > MAX_LENGTH.get(key, 100):
            self.error(
                key, _("%(c)s过长（最多 %(n)d 个字）。") % {"c": HEADER[key], "n": MAX_LENGTH.get(key, 100)}
            )
        return value

    def grid(self):
        code = self.text("grid_code")
        if not code:
            return None
        if not (code.isdigit() and len(code) == 15):
            self.error("grid_code", _("网格编码应为 15 位数字。"))
            return None
        grid = self.lookups.grids.get(code)
        if grid is None:
            self.error(
                "grid_code",
                _("网格编码 %(code)s 不存在或不在您的管辖范围（%(scope)s）内。")
                % {"code": code, "scope": self.lookups.scope.name},
            )
        return grid

    def building(self, grid):
        compound, name = self.text("compound"), self.text("building")
        if grid is None or not compound or not name:
            return None
        building = self.lookups.buildings.get((grid.id, compound, name))
        if building is not None:
            return building
        other_grid = self.lookups.building_grids.get((grid.parent_id, compound, name))
        if other_grid is not None:
            self.error(
                "building",
                _("%(c)s%(b)s 属于“%(other)s”，不在“%(grid)s”，请核对网格编码。")
                % {"c": compound, "b": name, "other": self.lookups.grid_names[other_grid], "grid": grid.name},
            )
        elif (grid.parent_id, compound) in self.lookups.compounds:
            self.error(
                "building", _("小区“%(c)s”中还没有楼栋“%(b)s”，请先登记该楼栋。") % {"c": compound, "b": name}
            )
        else:
            self.error(
                "compound",
                _("网格“%(grid)s”所在社区还没有小区“%(c)s”，请先登记小区和楼栋。")
                % {"grid": grid.name, "c": compound},
            )
        return None

    def id_number(self):
        raw = self.text("id_number")
        if not raw:
            return None
        if "E+" in raw.upper():
            self.error(
                "id_number",
                _("身份证号被 Excel 存成了科学计数法，后几位已丢失；请把该列设为“文本”后重新录入。"),
            )
            return None
        try:
            return services.clean_id_number(raw)
        except DomainError as exc:
            self.error("id_number", str(exc.message))
            return None

    def phone(self):
        if "phone" not in self.row:
            return None
        try:
            return services.clean_phone(self.row["phone"])
        except DomainError as exc:
            self.error("phone", str(exc.message))
            return None

    def tag_ids(self):
        if "tags" not in self.row:
            return None
        value = self.row["tags"] or ""
        if isinstance(value, str):  # a cell; callers in code may pass a list of codes instead
            value = value.translate(TAG_SEPARATORS).split("、")
        names = [t.strip() for t in value if t.strip()]
        unknown = [n for n in names if n not in self.lookups.tags]
        if unknown:
            self.error("tags", _("未知的标签：%(t)s。") % {"t": "、".join(unknown)})
        return frozenset(self.lookups.tags[n] for n in names if n in self.lookups.tags)


def check_rows(rows, *, scope, progress=None):
    """Validate every row; returns (errors, records). Records are only meaningful without errors."""
    lookups = _Lookups(scope, rows)
    errors, records, first_seen = [], [], {}
    for position, row in enumerate(rows):
        number = row.get("row") or position + 2
        check = _RowCheck(row, number, lookups)
        grid = check.grid()
        building = check.building(grid)
        unit_no, room, name = check.text("unit_no"), check.text("room"), check.text("name")
        id_number, phone = check.id_number(), check.phone()
        relation = check.text("relation") if "relation" in row else None
        tag_ids = check.tag_ids()
        if id_number is not None:
            if id_number in first_seen:
                check.error("id_number", _("与第 %(n)d 行的身份证号重复。") % {"n": first_seen[id_number]})
            else:
                first_seen[id_number] = number
        errors.extend(check.errors)
        if not check.errors:
            records.append(
                Record(
                    number,
                    building,
                    unit_no,
                    room,
                    name,
                    id_number,
                    crypto.blind_index(id_number),
                    phone,
                    relation,
                    tag_ids,
                )
            )
        if progress is not None and (position + 1) % PROGRESS_EVERY == 0:
            progress("validating", position + 1)
    errors.extend(_outside_scope_errors(records, lookups))
    errors.sort(key=lambda e: e["row"])
    if progress is not None:
        progress("validating", len(rows))
    return errors, records


def _outside_scope_errors(records, lookups):
    outside = lookups.outside_scope(r.id_index for r in records)
    reason = _("该身份证号的居民登记在您的管辖范围之外，不能在此导入或修改；居民迁入请联系原社区办理。")
    return [
        {"row": r.row, "column": HEADER["id_number"], "reason": reason}
        for r in records
        if r.id_index in outside
    ]


def validate_rows(rows, *, scope):
    """The list of errors ({"row", "column", "reason"}), empty when every row is good."""
    return check_rows(rows, scope=scope)[0]
