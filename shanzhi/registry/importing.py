"""Roster (台账) import: a spreadsheet of households and residents into the registry.

A row is a dict with these canonical keys (``read_rows`` produces them from the Chinese header;
``seed_demo`` passes them directly):

=============  ==========  ===================================================================
key            header      meaning
=============  ==========  ===================================================================
``row``        (none)      spreadsheet row number, header = 1; optional (position + 2)
``grid_code``  网格编码    15-digit code of a grid inside the import scope (required)
``compound``   小区        name of a compound of that grid's community (required)
``building``   楼栋        name of a building of that compound, lying in that grid (required)
``unit_no``    单元        unit (optional)
``room``       房号        room (required)
``name``       姓名        (required)
``id_number``  身份证号    18-character resident ID number, the upsert key (required)
``phone``      手机号      mobile or landline with area code (optional)
``relation``   与户主关系  (optional)
``tags``       标签        CareTag names or codes separated by 、 or , (optional)
=============  ==========  ===================================================================

What an import does:

* Compounds and buildings must already exist (they carry the grid and the map position); the
  households are created as needed, keyed by (building, 单元, 房号).
* Residents are upserted by ID number through the blind index. The file is the truth for the
  columns it has: an empty 手机号 cell clears the phone, an empty 标签 cell clears the tags; a
  column missing from the file (a key missing from the dict) leaves that field as it is.
  Residents absent from the file are left alone: an import never deletes anybody.
* A resident registered outside the import scope is refused, not moved: moving them would
  write to a record the importer may not edit.
* Everything is validated first; one bad row and nothing is written. The writes run in one
  transaction, in chunks, with bulk statements.
"""

import contextlib
import csv
import functools
import io
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit, crypto
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent

from . import services
from .models import Building, CareTag, Compound, Household, ImportJob, OrgNode, Resident

logger = logging.getLogger(__name__)

# (key, header, required)
COLUMNS = [
    ("grid_code", "网格编码", True),
    ("compound", "小区", True),
    ("building", "楼栋", True),
    ("unit_no", "单元", False),
    ("room", "房号", True),
    ("name", "姓名", True),
    ("id_number", "身份证号", True),
    ("phone", "手机号", False),
    ("relation", "与户主关系", False),
    ("tags", "标签", False),
]
HEADER = {key: header for key, header, _required in COLUMNS}
REQUIRED = [key for key, _header, required in COLUMNS if required]
# Headers that real rosters use for the same columns.
ALIASES = {
    "身份证": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number",
    "手机": "phone", "手机号码": "phone", "联系电话": "phone", "电话": "phone",
    "单元号": "unit_no", "房间号": "room", "门牌号": "room", "关系": "relation", "居民标签": "tags",
    "小区名称": "compound", "楼栋号": "building", "楼号": "building",
}
HEADER_LOOKUP = {header: key for key, header, _required in COLUMNS} | ALIASES
MAX_LENGTH = {"unit_no": 20, "room": 20, "name": 50, "relation": 20}
TAG_SEPARATORS = str.maketrans({",": "、", "，": "、", ";": "、", "；": "、", "/": "、"})

CHUNK = 2000  # rows written (and residents prefetched) per step
PROGRESS_EVERY = 5000
MAX_STORED_ERRORS = 1000  # a job keeps at most this many in ImportJob.errors


class RosterRejected(DomainError):
    """The file has errors; ``errors`` lists them as {"row", "column", "reason"}."""

    def __init__(self, errors):
        super().__init__(_("文件有 %(n)d 处错误，未导入任何数据。") % {"n": len(errors)}, field="file")
        self.errors = errors


def file_error(reason):
    return {"row": None, "column": "", "reason": reason}


# --- reading -----------------------------------------------------------------------------------


def _normalise_header(value):
    text = "".join(str(value or "").split())  # also drops full-width spaces
    return text.strip("*＊")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= 1e16:  # an ID number typed into a number cell: Excel kept 15 digits
            return f"{value:E}"
        value = int(value)
    text = str(value).strip()
    # A leading apostrophe is how people force Excel to keep digits as text.
    return text[1:].strip() if text.startswith("'") else text


def _find_header(raw_rows):
    """The first row (within the first ten) that names at least three known columns."""
    for number, values in enumerate(raw_rows, start=1):
        keys = [HEADER_LOOKUP.get(_normalise_header(v)) for v in values]
        if sum(k is not None for k in keys) >= 3:
            return number, keys
        if number >= 10:
            break
    return None, None


def _rows_from(raw_rows):
    """Dicts keyed by canonical names from an iterator of value tuples (header included)."""
    raw_rows = iter(raw_rows)
    head = []
    for values in raw_rows:
        head.append(values)
        if len(head) >= 10:
            break
    header_at, keys = _find_header(head)
    if header_at is None:
        raise RosterRejected([file_error(_("找不到表头：第一行应为“网格编码、小区、楼栋、单元、房号、姓名、身份证号……”。"))])
    missing = [HEADER[k] for k in REQUIRED if k not in keys]
    if missing:
        raise RosterRejected(
            [{"row": header_at, "column": col, "reason": _("表头缺少必填列“%(c)s”。") % {"c": col}} for col in missing]
        )
    columns = [(i, k) for i, k in enumerate(keys) if k is not None]
    rows = []

    def emit(number, values):
        row = {k: _cell(values[i]) if i < len(values) else "" for i, k in columns}
        if any(row.values()):
            row["row"] = number
            rows.append(row)

    for number, values in enumerate(head[header_at:], start=header_at + 1):
        emit(number, values)
    for number, values in enumerate(raw_rows, start=len(head) + 1):
        emit(number, values)
    return rows


def _xlsx_values(f):
    try:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RosterRejected([file_error(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"))]) from exc
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def decode_csv(data):
    """UTF-8 (with or without BOM, as Excel writes it) or GB18030 (Excel on a Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterRejected([file_error(_("CSV 文件的编码无法识别，请另存为“CSV UTF-8”格式。"))])


def read_rows(path_or_file, filename):
    """Read an .xlsx or .csv roster into a list of row dicts (see the module docstring).

    Raises RosterRejected for a file that cannot be read or whose header lacks a required column.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise RosterRejected([file_error(_("只支持 .xlsx 或 .csv 文件。"))])
    if isinstance(path_or_file, str | Path):
        with open(path_or_file, "rb") as f:
            return read_rows(f, filename)
    if suffix == ".xlsx":
        return _rows_from(_xlsx_values(path_or_file))
    text = decode_csv(path_or_file.read())
    return _rows_from(csv.reader(io.StringIO(text, newline="")))


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
        grids = OrgNode.objects.filter(level=OrgNode.Level.GRID, path__startswith=scope.path)
        self.grids = {}
        for chunk in _chunks(codes, CHUNK):
            self.grids.update((g.code, g) for g in grids.filter(code__in=chunk).only("id", "code", "name", "parent_id"))
        communities = {g.parent_id for g in self.grids.values()}
        siblings = OrgNode.objects.filter(parent_id__in=communities, level=OrgNode.Level.GRID)
        self.grid_names = dict(siblings.values_list("id", "name"))
        self.buildings = {}
        self.building_grids = {}
        for b in Building.objects.filter(compound__community_id__in=communities).select_related("compound"):
            self.buildings[(b.grid_id, b.compound.name, b.name)] = b
            self.building_grids.setdefault((b.compound.community_id, b.compound.name, b.name), b.grid_id)
        self.compounds = set(Compound.objects.filter(community_id__in=communities).values_list("community_id", "name"))
        self.tags = {}
        for tag in CareTag.objects.all():
            self.tags[tag.name] = tag.id
            self.tags[tag.code] = tag.id

    def outside_scope(self, indexes):
        """Blind indexes of residents that are registered, but not inside the scope."""
        found = set()
        for chunk in _chunks(list(indexes), CHUNK):
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
            self.error(key, _("%(c)s过长（最多 %(n)d 个字）。") % {"c": HEADER[key], "n": MAX_LENGTH.get(key, 100)})
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
            self.error("grid_code", _("网格编码 %(code)s 不存在或不在您的管辖范围（%(scope)s）内。")
                       % {"code": code, "scope": self.lookups.scope.name})
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
            self.error("building", _("%(c)s%(b)s 属于“%(other)s”，不在“%(grid)s”，请核对网格编码。") % {
                "c": compound, "b": name, "other": self.lookups.grid_names[other_grid], "grid": grid.name})
        elif (grid.parent_id, compound) in self.lookups.compounds:
            self.error("building", _("小区“%(c)s”中还没有楼栋“%(b)s”，请先登记该楼栋。") % {"c": compound, "b": name})
        else:
            self.error("compound", _("网格“%(grid)s”所在社区还没有小区“%(c)s”，请先登记小区和楼栋。")
                       % {"grid": grid.name, "c": compound})
        return None

    def id_number(self):
        raw = self.text("id_number")
        if not raw:
            return None
        if "E+" in raw.upper():
            self.error("id_number", _("身份证号被 Excel 存成了科学计数法，后几位已丢失；请把该列设为“文本”后重新录入。"))
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
            records.append(Record(number, building, unit_no, room, name, id_number,
                                  crypto.blind_index(id_number), phone, relation, tag_ids))
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
    return [{"row": r.row, "column": HEADER["id_number"], "reason": reason} for r in records if r.id_index in outside]


def validate_rows(rows, *, scope):
    """The list of errors ({"row", "column", "reason"}), empty when every row is good."""
    return check_rows(rows, scope=scope)[0]


# --- writing -----------------------------------------------------------------------------------


_initials = functools.lru_cache(maxsize=200_000)(services.name_initials)


def check_permission(by, scope):
    if by is not None:
        permissions.require(by, "registry.import", scope)


def import_rows(rows, *, by, scope, job=None, progress=None, records=None):
    """Validate and import ``rows`` into ``scope`` in one transaction; returns the counts.

    ``by=None`` is a system import (seed_demo, a command run without --user): no permission check.
    ``records`` lets run_import hand over the result of its own validation instead of repeating it.
    Raises RosterRejected (nothing written) when any row is bad.
    """
    check_permission(by, scope)
    reporter = _ProgressReporter(job, progress)
    with _sqlite_cache(), transaction.atomic():
        if records is None:
            errors, records = check_rows(rows, scope=scope)
            if errors:
                raise RosterRejected(errors)
        counts = _write(records, reporter)
        audit.record(AuditEvent.Action.IMPORT, actor=by, target=job if job is not None else scope,
                     detail={"scope": scope.code, **counts})
    return counts


@contextlib.contextmanager
def _sqlite_cache(kib=131072):
    """A bigger page cache while importing: SQLite's default 2 MB makes every insert into the
    random-ordered blind-index B-tree read pages back from the OS (about a fifth of the CPU)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _write(records, reporter):
    households, households_created = _upsert_households(records)
    counts = {"rows": len(records), "created": 0, "updated": 0, "unchanged": 0,
              "households_created": households_created}
    done = 0
    for chunk in _chunks(records, CHUNK):
        for key, n in _write_residents(chunk, households).items():
            counts[key] += n
        before, done = done, done + len(chunk)
        if before // PROGRESS_EVERY != done // PROGRESS_EVERY or done == len(records):
            reporter.report("importing", done)
    return counts


def _household_key(record):
    return record.building.id, record.unit_no, record.room


def _upsert_households(records):
    """Id of the household of every (building, unit, room) in the file, creating the missing ones."""
    wanted = {_household_key(r): r.building for r in records}
    building_ids = list({b.id for b in wanted.values()})

    def existing():
        found = {}
        for chunk in _chunks(building_ids, CHUNK):
            for pk, building_id, unit_no, room in Household.objects.filter(building_id__in=chunk).values_list(
                "id", "building_id", "unit_no", "room"
            ):
                found[(building_id, unit_no, room)] = pk
        return found

    found = existing()
    missing = [
        Household(building_id=key[0], grid_id=building.grid_id, unit_no=key[1], room=key[2])
        for key, building in wanted.items()
        if key not in found
    ]
    if missing:
        Household.objects.bulk_create(missing, batch_size=CHUNK)
        if all(h.pk for h in missing):
            found.update({(h.building_id, h.unit_no, h.room): h.pk for h in missing})
        else:  # a backend that cannot return ids from a bulk insert
            found = existing()
    return found, len(missing)


TagLink = Resident.tags.through
# What is compared with the file; read as plain values: no model instances, nothing decrypted
# (a phone is compared through its blind index).
STORED = ("id", "id_number_index", "name", "name_initials", "phone_index", "relation", "household_id")
UPDATE_FIELDS = ["name", "name_initials", "relation", "household", "grid", "updated_at"]
PHONE_FIELDS = ["phone", "phone_index"]


def _write_residents(chunk, households):
    wanted = [rec.id_index for rec in chunk]
    existing = {r.id_number_index: r for r in
                Resident.objects.filter(id_number_index__in=wanted).values_list(*STORED, named=True)}
    current_tags = {}
    if existing and any(rec.tag_ids is not None for rec in chunk):
        links = TagLink.objects.filter(resident_id__in=[r.id for r in existing.values()])
        for resident_id, tag_id in links.values_list("resident_id", "caretag_id"):
            current_tags.setdefault(resident_id, set()).add(tag_id)

    new, new_tags, changed, rephoned, retagged = [], [], [], [], {}
    now = timezone.now()
    for rec in chunk:
        household_id = households[_household_key(rec)]
        stored = existing.get(rec.id_index)
        if stored is None:
            resident = Resident(household_id=household_id, grid_id=rec.building.grid_id, name=rec.name,
                                name_initials=_initials(rec.name), relation=rec.relation or "")
            services.set_resident_identity(resident, id_number=rec.id_number, phone=rec.phone or "")
            new.append(resident)
            new_tags.append(rec.tag_ids or ())
            continue
        phone_changed = rec.phone is not None and stored.phone_index != crypto.blind_index(rec.phone)
        tags_changed = rec.tag_ids is not None and rec.tag_ids != current_tags.get(stored.id, set())
        if tags_changed:
            retagged[stored.id] = rec.tag_ids
        if phone_changed or tags_changed or _fields_differ(stored, rec, household_id):
            resident = _updated(stored, rec, household_id, now)
            if phone_changed:
                services.set_resident_identity(resident, id_number=rec.id_number, phone=rec.phone)
            (rephoned if phone_changed else changed).append(resident)

    if new:
        Resident.objects.bulk_create(new, batch_size=CHUNK)
        if not all(r.pk for r in new):
            ids = dict(Resident.objects.filter(id_number_index__in=[r.id_number_index for r in new])
                       .values_list("id_number_index", "id"))
            for r in new:
                r.pk = ids[r.id_number_index]
    if changed:
        Resident.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=500)
    if rephoned:
        Resident.objects.bulk_update(rephoned, UPDATE_FIELDS + PHONE_FIELDS, batch_size=500)
    if retagged:
        TagLink.objects.filter(resident_id__in=list(retagged)).delete()
    links = [TagLink(resident_id=r.pk, caretag_id=t) for r, tags in zip(new, new_tags, strict=True) for t in tags]
    links += [TagLink(resident_id=rid, caretag_id=t) for rid, tags in retagged.items() for t in tags]
    if links:
        TagLink.objects.bulk_create(links, batch_size=CHUNK)
    updated = len(changed) + len(rephoned)
    return {"created": len(new), "updated": updated, "unchanged": len(chunk) - len(new) - updated}


def _fields_differ(stored, rec, household_id):
    return (
        stored.name != rec.name
        or (rec.relation is not None and stored.relation != rec.relation)
        or stored.household_id != household_id
    )


def _updated(stored, rec, household_id, now):
    """The resident as the file has it, carrying only the fields an update writes."""
    return Resident(
        pk=stored.id,
        name=rec.name,
        name_initials=stored.name_initials if stored.name == rec.name else _initials(rec.name),
        relation=stored.relation if rec.relation is None else rec.relation,
        household_id=household_id,
        grid_id=rec.building.grid_id,
        updated_at=now,
    )


# --- progress ----------------------------------------------------------------------------------


class _ProgressReporter:
    """Makes ``job.processed_rows`` visible to the polling page while the import transaction runs.

    Rows written inside the import transaction are invisible to other connections until it
    commits, so progress goes through a second connection in autocommit mode. That works on
    PostgreSQL. SQLite has one writer at a time: a second connection would wait for the import to
    commit, so there the page shows validation progress and then "importing" until the end.
    When the import is itself nested in a caller's transaction (the inline task backend in
    tests), the side connection could wait on a row lock held by that caller: skipped as well.
    """

    def __init__(self, job, callback):
        self.job, self.callback = job, callback
        self.aside = job is not None and connection.vendor == "postgresql" and not connection.in_atomic_block

    def report(self, phase, done):
        if self.callback is not None:
            self.callback(phase, done)
        if self.job is not None and self.aside:
            self.job.processed_rows = done
            _save_progress_aside(self.job)


def _save_progress_aside(job):
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportJob._meta.db_table)
    try:
        with side.cursor() as cursor:
            cursor.execute("SET lock_timeout = 2000")
            cursor.execute(
                f"UPDATE {table} SET processed_rows = %s WHERE id = %s",  # noqa: S608 (table name is ours)
                [job.processed_rows, job.pk],
            )
    except DatabaseError:
        logger.warning("import job %s: progress not recorded", job.pk, exc_info=True)
    finally:
        side.close()


# --- jobs --------------------------------------------------------------------------------------


def create_import_job(*, by, scope, uploaded_file):
    """Store the upload and queue its import; the task row commits together with the job."""
    from .tasks import import_roster_task

    check_permission(by, scope)
    with transaction.atomic():
        job = ImportJob.objects.create(created_by=by, scope=scope, file=uploaded_file,
                                       original_name=Path(uploaded_file.name).name[:200])
        import_roster_task.enqueue(job.pk)
    return job


def _finish(job, status, *, errors=(), counts=None):
    job.status = status
    job.finished_at = timezone.now()
    job.errors = list(errors[:MAX_STORED_ERRORS])
    if len(errors) > MAX_STORED_ERRORS:
        job.errors.append(file_error(_("另有 %(n)d 处错误未列出，请先改正以上错误。") % {"n": len(errors) - MAX_STORED_ERRORS}))
    fields = ["status", "finished_at", "errors", "processed_rows"]
    if counts is not None:
        job.created_count, job.updated_count, job.unchanged_count = (
            counts["created"], counts["updated"], counts["unchanged"])
        job.processed_rows = counts["rows"]
        fields += ["created_count", "updated_count", "unchanged_count"]
    job.save(update_fields=fields)


def _set_phase(job, status, total=None):
    job.status, job.processed_rows = status, 0
    fields = ["status", "processed_rows"]
    if total is not None:
        job.total_rows = total
        fields.append("total_rows")
    job.save(update_fields=fields)


def _discard_file(job):
    """The upload holds ID numbers in clear text: it is deleted once the job has run."""
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file"])


def run_import(job):
    """Validate, then import, one uploaded file, moving the job through its statuses."""
    try:
        check_permission(job.created_by, job.scope)
        _set_phase(job, ImportJob.Status.VALIDATING)
        with job.file.open("rb") as f:
            rows = read_rows(f, job.original_name)
        _set_phase(job, ImportJob.Status.VALIDATING, total=len(rows))

        def validated(_phase, done):
            job.processed_rows = done
            job.save(update_fields=["processed_rows"])

        errors, records = check_rows(rows, scope=job.scope, progress=validated)
        if errors:
            raise RosterRejected(errors)
        _set_phase(job, ImportJob.Status.IMPORTING)
        started = time.monotonic()
        counts = import_rows(rows, by=job.created_by, scope=job.scope, job=job, records=records)
        logger.info("import job %s: %d rows in %.1fs", job.pk, len(rows), time.monotonic() - started)
        _finish(job, ImportJob.Status.DONE, counts=counts)
    except RosterRejected as exc:
        _finish(job, ImportJob.Status.REJECTED, errors=exc.errors)
        audit.record(AuditEvent.Action.IMPORT, actor=job.created_by, outcome=AuditEvent.Outcome.FAILURE,
                     target=job, detail={"scope": job.scope.code, "errors": len(exc.errors)})
    except (PermissionDenied, Http404):
        _finish(job, ImportJob.Status.FAILED, errors=[file_error(_("您已无权向该范围导入台账。"))])
        audit.record(AuditEvent.Action.IMPORT, actor=job.created_by, outcome=AuditEvent.Outcome.DENIED,
                     target=job, detail={"scope": job.scope.code})
    except Exception:
        _finish(job, ImportJob.Status.FAILED, errors=[file_error(_("导入时发生系统错误，未导入任何数据；请联系管理员。"))])
        raise
    finally:
        _discard_file(job)
    return job
