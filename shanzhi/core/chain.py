"""Hash chains over the append-only tables (issue 12 §6): the audit trail and the points ledger.

Each row carries ``prev_hash`` (the ``hash`` of the row before it, by id, in the same table) and
``hash`` = SHA-256 over a canonical JSON of the row's chained fields plus ``prev_hash``. Editing,
deleting or inserting a row behind the application's back breaks the chain at that row, which
``verify`` names. Every insert goes through ``append``, which serialises the appends of a table so
that two concurrent inserts never share a ``prev_hash``.
"""

import datetime
import hashlib
import json
import zlib

from django.db import connections, models, router, transaction
from django.utils import timezone

GENESIS = "0" * 64


class Chained(models.Model):
    """Mixin for a chained, append-only table; ``CHAIN_FIELDS`` names the attributes hashed."""

    CHAIN_FIELDS = ()

    prev_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    hash = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def _plain(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        # What a JSON column gives back: tuples become lists, keys become strings.
        return json.loads(json.dumps(value))
    return value


def digest(fields, prev_hash):
    """SHA-256 hex of the canonical JSON of ``fields`` (name -> value) and ``prev_hash``."""
    body = {name: _plain(value) for name, value in fields.items()}
    body["prev_hash"] = prev_hash
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def lock_key(table):
    return zlib.crc32(f"shanzhi.chain.{table}".encode())


def _serialise(model, connection):
    # SQLite serialises writers by itself; PostgreSQL needs one appender per table at a time,
    # held to the end of the transaction so the next one reads this row's hash.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(model._meta.db_table)])


def last_hash(model, using=None):
    last = model._base_manager.using(using).order_by("-pk").values_list("hash", flat=True).first()
    return last or GENESIS


def chained_fields(instance):
    out = {}
    for name in instance.CHAIN_FIELDS:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        if isinstance(field, models.GenericIPAddressField) and value:
            value = field.get_prep_value(value)  # stored normalised, so hashed normalised
        out[field.attname] = value
    return out


def append(instance):
    """Insert ``instance`` as the next link of its table's chain, in the caller's transaction."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    with transaction.atomic(using=using):
        _serialise(model, connections[using])
        instance.prev_hash = last_hash(model, using)
        instance.hash = digest(chained_fields(instance), instance.prev_hash)
        instance.save(force_insert=True, using=using)
    return instance


def chain_rows(model, rows, prev_hash=GENESIS):
    """For a batch insert (bulk_create, a bench's COPY): set each row's links in order."""
    for row in rows:
        row.prev_hash = prev_hash
        row.hash = prev_hash = digest(chained_fields(row), prev_hash)
    return rows


# --- verification ---------------------------------------------------------------------------------


class Report:
    """The outcome of walking one table's chain: ``broken`` is None, or the first broken link."""

    def __init__(self, table):
        self.table = table
        self.count = 0
        self.last_id = None
        self.last_hash = GENESIS
        self.broken = None

    @property
    def ok(self):
        return self.broken is None

    def as_dict(self):
        return {
            "table": self.table,
            "count": self.count,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "broken": self.broken,
        }


def _break(report, row_id, field, expected, found):
    report.broken = {
        "table": report.table,
        "id": row_id,
        "field": field,
        "expected": expected,
        "found": found,
    }


def verify(model, *, chunk=2000, progress=None):
    """Walk the chain in id order, ``chunk`` rows per query; stop at the first broken link.
    ``progress(report)`` is called after each chunk (for a page or a command to show how far)."""
    report = Report(model._meta.db_table)
    names = list(model.CHAIN_FIELDS)
    rows = model._base_manager.order_by("pk").values_list("pk", "prev_hash", "hash", *names)
    after = None
    while True:
        batch = list((rows.filter(pk__gt=after) if after is not None else rows)[:chunk])
        if not batch:
            return report
        for row_id, prev_hash, row_hash, *values in batch:
            if prev_hash != report.last_hash:
                _break(report, row_id, "prev_hash", report.last_hash, prev_hash)
                return report
            expected = digest(dict(zip(names, values, strict=True)), prev_hash)
            if row_hash != expected:
                _break(report, row_id, "hash", expected, row_hash)
                return report
            report.count += 1
            report.last_id, report.last_hash = row_id, row_hash
        after = batch[-1][0]
        if progress is not None:
            progress(report)


def check_head(model, head):
    """Is the kept ``head`` (table, last_id, last_hash, count) still a prefix of the chain?
    Returns None when it is, else a dict naming what differs."""
    table = model._meta.db_table
    row = model._base_manager.filter(pk=head["last_id"]).values_list("hash", flat=True).first()
    if row != head["last_hash"]:
        return {
            "table": table,
            "id": head["last_id"],
            "field": "head",
            "expected": head["last_hash"],
            "found": row,
        }
    count = model._base_manager.filter(pk__lte=head["last_id"]).count()
    if count != head["count"]:
        return {
            "table": table,
            "id": head["last_id"],
            "field": "count",
            "expected": head["count"],
            "found": count,
        }
    return None


def chain_existing(model, fields, schema_editor, table):
    """For a data migration: chain the rows already there, in id order. The table's guard is lifted
    for the migration (the application's role could not) and put back after."""
    from . import appendonly

    appendonly.unprotect(schema_editor, table)
    prev_hash = GENESIS
    rows = model._base_manager.order_by("pk").values_list("pk", *fields)
    after = 0
    while batch := list(rows.filter(pk__gt=after)[:2000]):
        for row_id, *values in batch:
            row_hash = digest(dict(zip(fields, values, strict=True)), prev_hash)
            model._base_manager.filter(pk=row_id).update(prev_hash=prev_hash, hash=row_hash)
            prev_hash = row_hash
        after = batch[-1][0]
    appendonly.protect(schema_editor, table)


# --- every chained table, and the signed head -------------------------------------------------------


def chained_models():
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Chained)]


def verify_all(*, chunk=2000, progress=None):
    return [verify(model, chunk=chunk, progress=progress) for model in chained_models()]


def _sign(payload):
    import hmac

    from django.conf import settings

    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.SHANZHI_AUDIT_SIGNING_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def head():
    """The signed head of every chain: what the auditor keeps, to check later that it is a prefix."""
    tables = []
    for model in chained_models():
        last = model._base_manager.order_by("-pk").values_list("pk", "hash").first() or (None, GENESIS)
        count = model._base_manager.count()
        tables.append(
            {"table": model._meta.db_table, "last_id": last[0], "last_hash": last[1], "count": count}
        )
    payload = {"at": timezone.now().isoformat(), "tables": tables}
    return {**payload, "signature": _sign(payload)}


def check_signed_head(kept):
    """The problems with a kept head (bad signature, or a chain it is no longer a prefix of)."""
    import hmac

    payload = {k: v for k, v in kept.items() if k != "signature"}
    if not hmac.compare_digest(str(kept.get("signature", "")), _sign(payload)):
        return [{"table": "", "id": None, "field": "signature", "expected": "valid", "found": "invalid"}]
    models_by_table = {m._meta.db_table: m for m in chained_models()}
    problems = []
    for entry in payload.get("tables", []):
        model = models_by_table.get(entry["table"])
        if model is None or entry["last_id"] is None:
            continue
        problem = check_head(model, entry)
        if problem is not None:
            problems.append(problem)
    return problems


def run_check(check):
    """Walk every chain for ``check`` (a ChainCheck), saving the progress after each chunk."""

    def progress(report):
        check.reports[report.table] = report.as_dict()
        check.save(update_fields=["reports"])

    reports = verify_all(progress=progress)
    check.reports = {r.table: r.as_dict() for r in reports}
    check.ok = all(r.ok for r in reports)
    check.finished_at = timezone.now()
    check.save(update_fields=["reports", "ok", "finished_at"])
    return check
