"""Matrix rows for the owners' roll (业主名册: pages and API), written out by hand from the scope
rules: community staff of the compound's community keep it, the street and district staff above
read it, nobody else finds it (404). Objects per relation (built with the services once per cast):
the roll of 幸福小区 (a1: community A; owner 甲 with 1-101), 和谐小区 (b) and 西苑小区 (c); a2 has
none. No vote is open on them, so the keepers' changes go through."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from .conftest import cast_roll

KEEPERS = {"community_staff", "community_secretary"}
ABOVE = {"street_staff", "district_staff", "district_leader"}
VIEW = KEEPERS | ABOVE
SEES = {"a1": VIEW, "a2": set(), "b": ABOVE, "c": {"district_staff", "district_leader"}}
KEEP = {"a1": KEEPERS, "a2": set(), "b": set(), "c": set()}
# Removing walks the roles in order: 张社区 removes the unit, and every role walked after her
# finds nothing there (404).
GONE = {(role, "a1"): 404 for role in ("community_secretary", *sorted(ABOVE))}


def objects(cast):
    if hasattr(cast, "_roll_objects"):
        return cast._roll_objects
    r = cast_roll(cast)
    owner_c = r.c
    out = {
        "compound": {"a1": cast.compound, "b": cast.compound_b, "c": cast.compound_c},
        "owner": {"a1": r.a, "b": r.other, "c": owner_c},
        "unit": {
            "a1": cast.household.owned_unit,
            "b": cast.household_b.owned_unit,
            "c": cast.household_c.owned_unit,
        },
    }
    cast._roll_objects = out
    return out


def label(household):
    return f"{household.building.name}-{household.unit_no}-{household.room}"


def workbook(rows, header=("房屋", "面积", "业主", "共有人", "建设单位")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def xlsx(rows, name="roll.xlsx", **kwargs):
    return SimpleUploadedFile(name, workbook(rows, **kwargs), content_type="application/octet-stream")


def _compound(cast, rel):
    c = objects(cast)["compound"].get(rel)
    return {"pk": c.pk} if c else None


def _unit(cast, rel):
    u = objects(cast)["unit"].get(rel)
    return {"pk": u.owner.compound_id, "unit": u.pk} if u else None


def _put(cast, rel):
    o = objects(cast)
    unit = o["unit"].get(rel)
    return {"household": unit.household_id, "area": "88.00", "owner": o["owner"][rel].code} if unit else {}


def _edit(cast, rel):
    owner = objects(cast)["owner"].get(rel)
    return {"owner": owner.code, "name": owner.name} if owner else {}


def _import(cast, rel):
    unit = objects(cast)["unit"].get(rel)
    return {"file": xlsx([(label(unit.household), "90.25", unit.owner.name)])} if unit else {}


def page_rows(Row):
    return [
        Row("property:roll", obj=_compound, sees=SEES, may=VIEW),
        Row(
            "property:roll_owner_add",
            "post",
            obj=_compound,
            sees=SEES,
            may=KEEPERS,
            data=lambda c, r: {"name": "新业主"},
        ),
        Row("property:roll_owner_edit", "post", obj=_compound, sees=SEES, may=KEEPERS, data=_edit),
        Row("property:roll_unit_put", "post", obj=_compound, sees=SEES, may=KEEPERS, data=_put),
        Row("property:roll_unit_remove", "post", obj=_unit, sees=SEES, may=KEEPERS, overrides=GONE),
        Row("property:roll_import", "post", obj=_compound, sees=SEES, may=KEEPERS, data=_import),
    ]


def _api(sees, may, ok=200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        if role not in sees[rel]:
            return 404
        return ok if role in may[rel] else 403

    return expected


def _removed(role, rel):
    return GONE.get((role, rel)) or _api(SEES, KEEP)(role, rel)


def _api_compound(cast, rel):
    kw = _compound(cast, rel)
    return {"compound_id": kw["pk"]} if kw else None


def _api_owner(cast, rel):
    owner = objects(cast)["owner"].get(rel)
    return {"compound_id": owner.compound_id, "owner_id": owner.pk} if owner else None


def _api_unit(cast, rel):
    u = objects(cast)["unit"].get(rel)
    return {"compound_id": u.owner.compound_id, "unit_id": u.pk} if u else None


API_ROWS = [
    ("api:property_roll", "get", _api_compound, None, _api(SEES, {r: VIEW for r in SEES})),
    ("api:property_roll_owner_add", "post", _api_compound, {"name": "新业主"}, _api(SEES, KEEP, ok=201)),
    ("api:property_roll_owner_edit", "post", _api_owner, {"name": "甲"}, _api(SEES, KEEP)),
    ("api:property_roll_unit_put", "post", _api_compound, _put, _api(SEES, KEEP)),
    ("api:property_roll_unit_remove", "post", _api_unit, None, _removed),
    # No file: the keepers get the refusal naming ``file`` (400); readers 403.
    ("api:property_roll_import", "post", _api_compound, None, _api(SEES, KEEP, ok=400)),
]
