"""The masked roster export: households and residents under one node, as an .xlsx workbook.

Same columns as the import (see importing.COLUMNS) plus 性别 and 出生日期. ID numbers and phones
are masked with core.masking: an export leaves the system, so it never carries them in full.
"""

from django.db.models import Prefetch
from openpyxl import Workbook

from shanzhi.accounts import permissions
from shanzhi.core import audit, spreadsheets
from shanzhi.core.masking import mask_id_number, mask_phone
from shanzhi.core.models import AuditEvent

from .importing import COLUMNS
from .models import Household, Resident

HEADERS = [header for _key, header, _required in COLUMNS] + ["性别", "出生日期"]
BATCH = 1000
XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE


def export_roster(user, node, *, request=None):
    """The .xlsx bytes of what ``user`` may see under ``node``; audited with the row count."""
    permissions.require(user, "registry.export", node)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spreadsheets.sheet_title("台账"))
    sheet.append(HEADERS)
    rows = 0
    for batch in _batches(_households(user, node), BATCH):
        sensitive_ok = _sensitive_tags_allowed(user, batch)
        for household in batch:
            for resident in household.visible_residents or [None]:
                shown = resident is not None and resident.pk in sensitive_ok
                spreadsheets.append(sheet, _row(household, resident, shown))
                rows += 1
    data = spreadsheets.xlsx_bytes(book)
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=user,
        request=request,
        target=node,
        detail={"what": "roster", "rows": rows},
    )
    return data


def _households(user, node):
    residents = permissions.visible(user, Resident).order_by("id").prefetch_related("tags")
    return (
        permissions.visible(user, Household)
        .filter(grid__path__startswith=node.path)
        .select_related("grid", "building__compound")
        .prefetch_related(Prefetch("residents", queryset=residents, to_attr="visible_residents"))
        .order_by("grid__code", "building__compound__name", "building__name", "unit_no", "room")
        .iterator(chunk_size=BATCH)
    )


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _sensitive_tags_allowed(user, households):
    """Ids of the residents whose sensitive tags (残疾人, 低保 …) this user may see."""
    ids = [r.pk for h in households for r in h.visible_residents]
    if not ids or not permissions.has_role_for(user, "registry.view_sensitive_tags"):
        return set()
    allowed = permissions.visible(user, Resident, "registry.view_sensitive_tags").filter(pk__in=ids)
    return set(allowed.values_list("pk", flat=True))


def _row(household, resident, show_sensitive):
    place = [
        household.grid.code,
        household.building.compound.name,
        household.building.name,
        household.unit_no,
        household.room,
    ]
    if resident is None:
        return place + [""] * (len(HEADERS) - len(place))
    tags = "、".join(t.name for t in resident.tags.all() if show_sensitive or not t.sensitive)
    return place + [
        resident.name,
        mask_id_number(resident.id_number),
        mask_phone(resident.phone),
        resident.relation,
        tags,
        resident.get_gender_display(),
        resident.birth_date.isoformat() if resident.birth_date else "",
    ]
