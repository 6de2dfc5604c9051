"""Writing checked roster records: households and residents upserted in chunks in one transaction,
with progress visible to the polling page."""

import contextlib
import itertools
import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from shanzhi.accounts import permissions
from shanzhi.core import audit, crypto
from shanzhi.core.models import AuditEvent

from .. import services
from ..models import Household, ImportJob, Resident
from . import bulk
from .checking import _chunks, check_rows
from .reading import CHUNK, PROGRESS_EVERY, RosterRejected

logger = logging.getLogger(__name__)

# --- writing -----------------------------------------------------------------------------------


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
        audit.record(
            AuditEvent.Action.IMPORT,
            actor=by,
            target=job if job is not None else scope,
            detail={"scope": scope.code, **counts},
        )
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
    counts = {
        "rows": len(records),
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "households_created": households_created,
    }
    chunks = list(_chunks(records, CHUNK))
    fast = bulk.enabled()
    # On PostgreSQL the stored residents are read first, so that the new ones' per-row work can
    # run in the worker processes while the chunks already derived are written.
    stored = [_stored(chunk) for chunk in chunks] if fast else [None] * len(chunks)
    work = [
        [(r.id_number, r.phone or "", r.name) for r in chunk if r.id_index not in existing]
        for chunk, existing in zip(chunks, stored, strict=True)
        if existing is not None
    ]
    done = 0
    with bulk.deriver(sum(map(len, work)), parallel=None if fast else False) as derive_map:
        derived = derive_map(work) if fast else itertools.repeat(None)
        for chunk, existing, new_values in zip(chunks, stored, derived, strict=False):
            for key, n in _write_residents(chunk, households, existing, new_values).items():
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
            if bulk.enabled():
                found.update(bulk.household_ids(chunk))
                continue
            for pk, building_id, unit_no, room in Household.objects.filter(building_id__in=chunk).values_list(
                "id", "building_id", "unit_no", "room"
            ):
                found[(building_id, unit_no, room)] = pk
        return found

    found = existing()
    missing = [key for key in wanted if key not in found]
    if missing and bulk.enabled():
        values = [(key[0], wanted[key].grid_id, key[1], key[2]) for key in missing]
        found.update(zip(missing, bulk.create_households(values, timezone.now()), strict=True))
    elif missing:
        objects = [
            Household(building_id=key[0], grid_id=wanted[key].grid_id, unit_no=key[1], room=key[2])
            for key in missing
        ]
        Household.objects.bulk_create(objects, batch_size=CHUNK)
        if all(h.pk for h in objects):
            found.update({(h.building_id, h.unit_no, h.room): h.pk for h in objects})
        else:  # a backend that cannot return ids from a bulk insert
            found = existing()
    return found, len(missing)


TagLink = bulk.TagLink
UPDATE_FIELDS = ["name", "name_initials", "relation", "household", "grid", "updated_at"]
PHONE_FIELDS = ["phone", "phone_index"]


def _stored(chunk):
    wanted = [rec.id_index for rec in chunk]
    if bulk.enabled():
        return bulk.stored_residents(wanted)
    return {
        r.id_number_index: r
        for r in Resident.objects.filter(id_number_index__in=wanted).values_list(*bulk.STORED, named=True)
    }


def _current_tags(chunk, existing):
    if not existing or all(rec.tag_ids is None for rec in chunk):
        return {}
    ids = [r.id for r in existing.values()]
    if bulk.enabled():
        return bulk.current_tags(ids)
    current = {}
    for resident_id, tag_id in TagLink.objects.filter(resident_id__in=ids).values_list(
        "resident_id", "caretag_id"
    ):
        current.setdefault(resident_id, set()).add(tag_id)
    return current


def _write_residents(chunk, households, existing=None, new_values=None):
    """Create the chunk's new residents, update the changed ones, leave the unchanged ones alone.

    A row is unchanged when every value the file has equals the stored one (the phone compared
    through its blind index, so nothing is decrypted): it costs one comparison and no write.
    """
    if existing is None:
        existing = _stored(chunk)
    current_tags = _current_tags(chunk, existing)
    new, changed, rephoned, retagged = [], [], [], {}
    now = timezone.now()
    for rec in chunk:
        household_id = households[_household_key(rec)]
        stored = existing.get(rec.id_index)
        if stored is None:
            new.append((rec, household_id))
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

    if new and new_values is not None:
        ids = bulk.create_residents(new, new_values, now)
    elif new:
        ids = _create_residents(new)
    if (changed or rephoned) and bulk.enabled():
        bulk.update_residents(changed, rephoned)
    else:
        if changed:
            Resident.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=500)
        if rephoned:
            Resident.objects.bulk_update(rephoned, UPDATE_FIELDS + PHONE_FIELDS, batch_size=500)
    if retagged and bulk.enabled():
        bulk.delete_tags(retagged)
    elif retagged:
        TagLink.objects.filter(resident_id__in=list(retagged)).delete()
    links = (
        [(pk, t) for pk, (rec, _h) in zip(ids, new, strict=True) for t in rec.tag_ids or ()] if new else []
    )
    links += [(rid, t) for rid, tags in retagged.items() for t in tags]
    if links and bulk.enabled():
        bulk.create_tag_links(links)
    elif links:
        TagLink.objects.bulk_create(
            [TagLink(resident_id=r, caretag_id=t) for r, t in links], batch_size=CHUNK
        )
    updated = len(changed) + len(rephoned)
    return {"created": len(new), "updated": updated, "unchanged": len(chunk) - len(new) - updated}


def _create_residents(new):
    """The ORM's bulk insert (SQLite, and any backend without COPY); returns the new ids in order."""
    residents = []
    for rec, household_id in new:
        resident = Resident(
            household_id=household_id,
            grid_id=rec.building.grid_id,
            name=rec.name,
            name_initials=bulk.initials(rec.name),
            relation=rec.relation or "",
        )
        services.set_resident_identity(resident, id_number=rec.id_number, phone=rec.phone or "")
        residents.append(resident)
    Resident.objects.bulk_create(residents, batch_size=CHUNK)
    if not all(r.pk for r in residents):
        ids = dict(
            Resident.objects.filter(id_number_index__in=[r.id_number_index for r in residents]).values_list(
                "id_number_index", "id"
            )
        )
        for r in residents:
            r.pk = ids[r.id_number_index]
    return [r.pk for r in residents]


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
        name_initials=stored.name_initials if stored.name == rec.name else bulk.initials(rec.name),
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
