"""Importing a compound's owners' roll (业主名册) from an .xlsx: all or nothing.

The first sheet, a header row within its first ten rows (the registry's roster reader:
``registry.importing.reading``), then one row per exclusive part:

==========  ==========================================================================
header      meaning
==========  ==========================================================================
房屋        the household as ``楼栋-单元-房号`` (``楼栋-房号`` without a unit), as the roll shows it
面积        exclusive floor area in m² (SPC interpretation art. 8), e.g. ``89.50``
业主        the owner's name; the same name on several rows is one owner (one head)
共有人      optional: the co-owners' names, separated by 、 (one owner, one head)
建设单位    optional: 是 for the developer's unsold units (all of them one owner)
==========  ==========================================================================

A row puts its unit on the roll (moving it from another owner or correcting its area); an owner is
the compound's owner of that name, or a new one. The household's residents named as the owner or a
co-owner are linked as title holders (who may vote for the owner). Every bad row is reported with
its row number and column, and nothing is written until the whole file is right.
"""

import hashlib
import re

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.core import audit, inputs
from shanzhi.core.errors import DomainError
from shanzhi.registry.importing import reading
from shanzhi.registry.models import Household

from ..models import OwnedUnit, Owner
from .roll import an_area, lock_unfrozen, new_owner, require_keeper

MAX_BYTES = 5 * 1024 * 1024  # a 20,000-unit roll is about 1 MB
MAX_ROWS = 20000
MAX_ERRORS = 500
COLUMNS = [
    ("unit", "房屋", True),
    ("area", "面积", True),
    ("owner", "业主", True),
    ("co_owners", "共有人", False),
    ("developer", "建设单位", False),
]
HEADER = {key: header for key, header, _required in COLUMNS}
LOOKUP = {header: key for key, header, _required in COLUMNS} | {
    "房号": "unit",
    "户": "unit",
    "专有部分": "unit",
    "房屋编号": "unit",
    "专有部分面积": "area",
    "建筑面积": "area",
    "业主姓名": "owner",
    "业主名称": "owner",
    "共有产权人": "co_owners",
    "开发商": "developer",
    "未售": "developer",
}
YES = {"是", "y", "yes", "1", "true", "√", "未售"}
NO = {"", "否", "n", "no", "0", "false"}
SEPARATORS = re.compile(r"[、,，;；/\s]+")
UNIT_SPLIT = re.compile(r"\s*[-－—]\s*")


class RollRejected(DomainError):
    """The file has errors; ``errors`` lists them as {"row", "column", "field", "reason"}."""

    def __init__(self, errors):
        super().__init__(_("文件有 %(n)d 处错误，未导入任何数据。") % {"n": len(errors)}, field="file")
        self.errors = errors[:MAX_ERRORS]

    def as_dict(self):
        return {**super().as_dict(), "errors": self.errors}


def _error(row, key, reason):
    return {"row": row, "column": HEADER.get(key, ""), "field": key, "reason": str(reason)}


def _header_key(value):
    name = reading.normalise_header(value)
    name = re.sub(r"[（(][^）)]*[）)]$", "", name)  # 面积（㎡）, 建设单位(未售)
    return LOOKUP.get(name)


def _unit_key(text):
    return "-".join(part for part in UNIT_SPLIT.split(text.strip()) if part)


def unit_labels(compound):
    """Each household of the compound by its label (``楼栋-单元-房号``, or ``楼栋-房号``)."""
    labels = {}
    households = Household.objects.filter(building__compound=compound, building__retired_at__isnull=True)
    for h in households.select_related("building").prefetch_related("residents"):
        labels[_unit_key(f"{h.building.name}-{h.unit_no}-{h.room}")] = h
    return labels


def _check_file(upload):
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise RollRejected([_error(None, "file", _("只支持 .xlsx 文件。"))])
    if (getattr(upload, "size", 0) or 0) > MAX_BYTES:
        raise RollRejected(
            [_error(None, "file", _("文件太大（最大 %(n)d MB）。") % {"n": MAX_BYTES // (1024 * 1024)})]
        )
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":  # by content: an .xlsx is a zip archive
        raise RollRejected([_error(None, "file", _("文件内容不是 Excel（.xlsx）格式。"))])
    upload.seek(0)


def read_rows(upload):
    """Row dicts keyed as COLUMNS (with ``row``, the spreadsheet's row number) from an upload."""
    _check_file(upload)
    values = reading.xlsx_values(upload)
    rows, keys, header_at = [], None, None
    try:
        for number, cells in enumerate(values, start=1):
            if keys is None:
                found = [_header_key(v) for v in cells]
                if sum(k is not None for k in found) >= 3:
                    keys, header_at = found, number
                elif number >= 10:
                    break
                continue
            row = {k: reading.cell_text(cells[i]) for i, k in enumerate(keys) if k and i < len(cells)}
            if any(row.values()):
                if len(rows) >= MAX_ROWS:
                    raise RollRejected(
                        [
                            _error(
                                number,
                                "file",
                                _("行数过多（最多 %(n)d 行），请分成几个文件。") % {"n": MAX_ROWS},
                            )
                        ]
                    )
                rows.append({**row, "row": number})
    except reading.RosterRejected as exc:
        raise RollRejected([_error(None, "file", e["reason"]) for e in exc.errors]) from exc
    if keys is None:
        raise RollRejected(
            [_error(None, "file", _("找不到表头：应为“房屋、面积、业主、共有人、建设单位”。"))]
        )
    missing = [k for k, _h, required in COLUMNS if required and k not in keys]
    if missing:
        raise RollRejected(
            [_error(header_at, k, _("表头缺少必填列“%(c)s”。") % {"c": HEADER[k]}) for k in missing]
        )
    if not rows:
        raise RollRejected([_error(None, "file", _("文件中没有数据行。"))])
    return rows


def _flag(value):
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def check_rows(compound, rows):
    """The rows as (row, household, area, owner name, co-owner names, developer), or RollRejected
    listing every bad cell."""
    labels, seen, errors, good = unit_labels(compound), {}, [], []
    for r in rows:
        n, bad = r["row"], len(errors)
        for key in ("unit", "area", "owner", "co_owners", "developer"):
            reason = inputs.bad_character(r.get(key, ""))
            if reason:
                errors.append(_error(n, key, reason))
        if len(errors) > bad:
            continue
        household = labels.get(_unit_key(r.get("unit", "")))
        if not r.get("unit"):
            errors.append(_error(n, "unit", _("请填写房屋（楼栋-单元-房号）。")))
        elif household is None:
            errors.append(_error(n, "unit", _("本小区没有这一户，请按“楼栋-单元-房号”填写。")))
        elif household.pk in seen:
            errors.append(_error(n, "unit", _("与第 %(r)d 行是同一户。") % {"r": seen[household.pk]}))
        else:
            seen[household.pk] = n
        try:
            area = an_area(r.get("area", ""))
        except DomainError as exc:
            errors.append(_error(n, "area", exc.message))
        developer = _flag(r.get("developer", ""))
        if developer is None:
            errors.append(_error(n, "developer", _("建设单位一栏填“是”或留空。")))
        name = r.get("owner", "").strip()
        if not name and not developer:
            errors.append(_error(n, "owner", _("请填写业主。")))
        elif len(name) > 100:
            errors.append(_error(n, "owner", _("业主不能超过 100 个字。")))
        co_owners = [c for c in SEPARATORS.split(r.get("co_owners", "")) if c]
        if len(co_owners) > 19 or any(len(c) > 50 for c in co_owners):
            errors.append(_error(n, "co_owners", _("共有人最多 19 位，每位不超过 50 个字。")))
        if len(errors) == bad:
            good.append((n, household, area, name, co_owners, developer))
    if errors:
        raise RollRejected(errors)
    return good


def _owners_by_name(compound, good):
    """The compound's owners for the file's names (a name shared by two owners is ambiguous)."""
    names = {name for _n, _h, _a, name, _c, developer in good if not developer}
    found, errors = {}, []
    for o in Owner.objects.filter(compound=compound, name__in=names, is_developer=False):
        if o.name in found:
            errors.append(o.name)
        found[o.name] = o
    rows = [(n, name) for n, _h, _a, name, _c, developer in good if not developer and name in errors]
    if rows:
        raise RollRejected(
            [_error(n, "owner", _("名册中已有多位同名业主，请在名册页面逐户调整。")) for n, _name in rows]
        )
    return found


@transaction.atomic
def import_roll(compound, upload, *, by):
    """Read, check and write the whole file, or nothing. Returns the counts."""
    require_keeper(by, compound)
    good = check_rows(compound, read_rows(upload))
    lock_unfrozen(compound)
    owners = _owners_by_name(compound, good)
    developer = Owner.objects.filter(compound=compound, is_developer=True).first()
    added, holders = 0, {}
    for _n, household, _a, name, co_owners, is_developer in good:
        if is_developer:
            if developer is None:
                developer = new_owner(compound, name or _("建设单位（未售房屋）"), [], True)
                added += 1
            continue
        if name not in owners:
            owners[name] = new_owner(compound, name, [], False)
            added += 1
        wanted = {name, *co_owners}
        people = [p for p in household.residents.all() if p.name in wanted]
        holders.setdefault(owners[name].pk, set()).update(p.pk for p in people)
    for owner in owners.values():
        if holders.get(owner.pk):
            owner.residents.add(*holders[owner.pk])
    existing = {u.household_id: u for u in OwnedUnit.objects.filter(household__in=[g[1] for g in good])}
    created, changed = [], []
    for _n, household, area, name, _c, is_developer in good:
        owner = developer if is_developer else owners[name]
        unit = existing.get(household.pk)
        if unit is None:
            created.append(OwnedUnit(household=household, owner=owner, area=area))
        elif (unit.owner_id, unit.area) != (owner.pk, area):
            unit.owner, unit.area = owner, area
            changed.append(unit)
    OwnedUnit.objects.bulk_create(created, batch_size=1000)
    OwnedUnit.objects.bulk_update(changed, ["owner", "area"], batch_size=1000)
    upload.seek(0)
    counts = {
        "rows": len(good),
        "units_added": len(created),
        "units_changed": len(changed),
        "owners_added": added,
    }
    # The file's digest lets an auditor match the event to the file the community kept.
    digest = hashlib.sha256(upload.read()).hexdigest()
    audit.record("property.roll_imported", actor=by, target=compound, detail={**counts, "sha256": digest})
    return counts
