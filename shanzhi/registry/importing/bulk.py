"""PostgreSQL's fast path for the roster writer, and the per-row work it shares out.

On PostgreSQL new households, residents and tag links go in with COPY (ids drawn from the
tables' own sequences first, so the tag links can be written without reading the residents
back), and the stored residents are looked up with one array parameter per chunk, on a cursor
that binds on the server. All of it runs on the import's own connection, inside its transaction:
a failure anywhere rolls every COPY back with the rest.

The per-row work of a new resident (AES-GCM of the ID number and the phone, the phone's blind
index, the pinyin initials, birth date and gender from the ID number) is ``derive``; for a large
file it runs in worker processes (``concurrent.futures``), chunk by chunk, while the main process
writes the chunks already derived. The values are the same either way (tested).
"""

import contextlib
import functools
import multiprocessing
import os
from collections import namedtuple
from concurrent.futures import ProcessPoolExecutor

import psycopg
from django.db import connection
from psycopg import sql

from shanzhi.core import crypto

from .. import services
from ..models import Household, OrgNode, Resident

# What is compared with the file; read as plain values: no model instances, nothing decrypted
# (a phone is compared through its blind index).
STORED = ("id", "id_number_index", "name", "name_initials", "phone_index", "relation", "household_id")
Stored = namedtuple("Stored", STORED)
TagLink = Resident.tags.through

PARALLEL_MIN = 20_000  # new residents below which worker processes cost more than they save
WORKERS = max(1, min(4, (os.cpu_count() or 1)))

initials = functools.lru_cache(maxsize=200_000)(services.name_initials)


def enabled():
    """The COPY path: PostgreSQL only (SQLite keeps the ORM's bulk statements)."""
    return connection.vendor == "postgresql"


# --- the per-row work --------------------------------------------------------------------------


def derive(items):
    """``(id_number, phone, name)`` → ``(id_number ciphertext, phone ciphertext, phone index,
    initials, birth date, gender)`` for each item; what ``set_resident_identity`` would set."""
    out = []
    for id_number, phone, name in items:
        birth_date, gender = services.facts_from_id(id_number)
        out.append(
            (
                crypto.encrypt(id_number),
                crypto.encrypt(phone) if phone else "",
                crypto.blind_index(phone) if phone else "",
                initials(name),
                birth_date,
                gender,
            )
        )
    return out


@contextlib.contextmanager
def deriver(total, *, parallel=None):
    """A ``map(derive, chunks)`` that yields in order: worker processes when ``total`` is large.

    Workers are forked (they inherit Django's settings and the key ring, and never touch the
    database); where fork is unavailable, with one CPU, or in a daemonic worker process (which may
    not have children), it stays in this process.
    """
    if parallel is None:
        parallel = total >= PARALLEL_MIN and WORKERS > 1
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if not parallel or not forkable or multiprocessing.current_process().daemon:  # a daemon has no children
        yield lambda chunks: map(derive, chunks)
        return
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
        yield lambda chunks: pool.map(derive, chunks)


# --- reading and writing on PostgreSQL ---------------------------------------------------------


class _Unprepared(psycopg.Cursor):
    """Never prepared, whatever the connection's ``prepare_threshold``: a prepared statement gets
    PostgreSQL's generic plan after a few runs, which does not know how many keys the array holds
    and read the whole table for each batch, matching every row against the array one by one (a
    re-import of 100,000 unchanged rows ran at 206 rows/s, against 10,000 with a plan per batch)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=False, binary=binary)


def _cursor():
    """A server-binding cursor on the import's connection (Django's binds on the client, which
    spends more time quoting a 2,000-value IN list than the database spends answering it),
    planned anew for each batch (``_Unprepared``)."""
    connection.ensure_connection()
    return _Unprepared(connection.connection)


def _text_array(values):
    """One text parameter for ``= ANY(string_to_array(%s, ','))``: binding a 2,000-item array
    parameter costs more in the driver than the query costs the database. Blind indexes and ids
    never contain a comma."""
    return ",".join(map(str, values))


ANY = sql.SQL("= ANY(string_to_array(%s, ','))")
ANY_ID = sql.SQL("= ANY(string_to_array(%s, ',')::bigint[])")


def stored_residents(indexes):
    """Stored values of the residents with these ID-number blind indexes, by index."""
    query = sql.SQL("SELECT {} FROM {} WHERE id_number_index {}").format(
        sql.SQL(", ").join(map(sql.Identifier, STORED)), sql.Identifier(Resident._meta.db_table), ANY
    )
    with _cursor() as cursor:
        cursor.execute(query, [_text_array(indexes)])
        return {row[1]: Stored(*row) for row in cursor}


def current_tags(resident_ids):
    query = sql.SQL("SELECT resident_id, caretag_id FROM {} WHERE resident_id {}").format(
        sql.Identifier(TagLink._meta.db_table), ANY_ID
    )
    tags = {}
    with _cursor() as cursor:
        cursor.execute(query, [_text_array(resident_ids)])
        for resident_id, tag_id in cursor:
            tags.setdefault(resident_id, set()).add(tag_id)
    return tags


def outside_scope(indexes, scope_path):
    """Those of these blind indexes whose resident is registered in a grid outside ``scope_path``."""
    query = sql.SQL(
        "SELECT r.id_number_index FROM {} r JOIN {} g ON g.id = r.grid_id "
        "WHERE r.id_number_index {} AND NOT starts_with(g.path, %s)"
    ).format(sql.Identifier(Resident._meta.db_table), sql.Identifier(OrgNode._meta.db_table), ANY)
    with _cursor() as cursor:
        cursor.execute(query, [_text_array(indexes), scope_path])
        return {row[0] for row in cursor}


def household_ids(building_ids):
    query = sql.SQL("SELECT id, building_id, unit_no, room FROM {} WHERE building_id {}").format(
        sql.Identifier(Household._meta.db_table), ANY_ID
    )
    with _cursor() as cursor:
        cursor.execute(query, [_text_array(building_ids)])
        return {(building_id, unit_no, room): pk for pk, building_id, unit_no, room in cursor}


def new_ids(model, n):
    """``n`` ids drawn from the table's identity sequence, as an INSERT would draw them."""
    if not n:
        return []
    with _cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, n],
        )
        return [row[0] for row in cursor]


def copy_rows(model, columns, rows):
    """COPY ``rows`` (tuples in ``columns`` order) into the model's table."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with _cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def delete_tags(resident_ids):
    query = sql.SQL("DELETE FROM {} WHERE resident_id {}").format(
        sql.Identifier(TagLink._meta.db_table), ANY_ID
    )
    with _cursor() as cursor:
        cursor.execute(query, [_text_array(resident_ids)])


def create_households(missing, now):
    """``missing``: (building_id, grid_id, unit_no, room) tuples; returns their ids in order."""
    ids = new_ids(Household, len(missing))
    copy_rows(
        Household,
        ("id", "building_id", "grid_id", "unit_no", "room", "created_at"),
        ((pk, *values, now) for pk, values in zip(ids, missing, strict=True)),
    )
    return ids


RESIDENT_COLUMNS = (
    "id",
    "household_id",
    "grid_id",
    "name",
    "name_initials",
    "gender",
    "birth_date",
    "id_number",
    "id_number_index",
    "phone",
    "phone_index",
    "relation",
    "updated_at",
)


def create_residents(new, derived, now):
    """``new``: (record, household id) pairs, ``derived`` their ``derive`` results; returns ids."""
    ids = new_ids(Resident, len(new))
    rows = (
        (
            pk,
            household_id,
            rec.building.grid_id,
            rec.name,
            name_initials,
            gender,
            birth_date,
            id_cipher,
            rec.id_index,
            phone_cipher,
            phone_index,
            rec.relation or "",
            now,
        )
        for pk, (rec, household_id), (
            id_cipher,
            phone_cipher,
            phone_index,
            name_initials,
            birth_date,
            gender,
        ) in zip(ids, new, derived, strict=True)
    )
    copy_rows(Resident, RESIDENT_COLUMNS, rows)
    return ids


def create_tag_links(pairs):
    """``pairs``: (resident id, tag id)."""
    if pairs:
        copy_rows(TagLink, ("resident_id", "caretag_id"), pairs)


def update_residents(changed, rephoned):
    """Apply the changed residents (``writing._updated`` instances; ``rephoned`` ones carry a new
    phone too) with one UPDATE ... FROM a COPY-filled temporary table."""
    table = sql.Identifier(Resident._meta.db_table)
    with _cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS roster_update (id bigint PRIMARY KEY, name text, "
            "name_initials text, relation text, household_id bigint, grid_id bigint, "
            "updated_at timestamptz, phone_set boolean, phone text, phone_index text) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE roster_update")
        with cursor.copy("COPY roster_update FROM STDIN") as copy:
            for r, phone_set in [(r, False) for r in changed] + [(r, True) for r in rephoned]:
                copy.write_row(
                    (
                        r.pk,
                        r.name,
                        r.name_initials,
                        r.relation,
                        r.household_id,
                        r.grid_id,
                        r.updated_at,
                        phone_set,
                        crypto.encrypt(r.phone) if phone_set else None,
                        r.phone_index if phone_set else None,
                    )
                )
        cursor.execute(
            sql.SQL(
                "UPDATE {} r SET name = u.name, name_initials = u.name_initials, relation = u.relation, "
                "household_id = u.household_id, grid_id = u.grid_id, updated_at = u.updated_at, "
                "phone = CASE WHEN u.phone_set THEN u.phone ELSE r.phone END, "
                "phone_index = CASE WHEN u.phone_set THEN u.phone_index ELSE r.phone_index END "
                "FROM roster_update u WHERE r.id = u.id"
            ).format(table)
        )
