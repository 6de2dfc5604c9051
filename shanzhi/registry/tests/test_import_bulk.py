"""The roster import at scale: the COPY path (PostgreSQL) writes what the ORM path writes, the
worker processes derive what the main process derives, unchanged rows are skipped but a changed one
is applied, and a failure in the middle of the write leaves nothing behind."""

import pytest
from django.db import connection

from shanzhi.core import crypto
from shanzhi.registry import importing, services
from shanzhi.registry.importing import bulk, writing
from shanzhi.registry.models import Household, Resident

from .test_import import as_csv, import_file, make_rows, read, snapshot

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")


def stored_rows(rows):
    """The file's residents as a reader sees them (decrypted), keyed by ID number, without ids."""
    indexes = [crypto.blind_index(row["身份证号"]) for row in rows]
    return {
        r.id_number: (
            r.name,
            r.name_initials,
            r.gender,
            r.birth_date,
            r.phone,
            r.phone_index,
            r.id_number_index,
            r.relation,
            r.grid_id,
            (r.household.building_id, r.household.unit_no, r.household.room, r.household.grid_id),
            frozenset(r.tags.values_list("code", flat=True)),
        )
        for r in Resident.objects.filter(id_number_index__in=indexes).select_related("household")
    }


def wipe(rows, households_before):
    """Undo an import of ``rows`` into a registry that held ``households_before``."""
    residents = Resident.objects.filter(id_number_index__in=[crypto.blind_index(r["身份证号"]) for r in rows])
    Resident.tags.through.objects.filter(resident__in=residents).delete()
    residents.delete()
    Household.objects.exclude(pk__in=households_before).delete()


def test_unchanged_rows_are_skipped_and_a_changed_row_is_applied(cast):
    rows = make_rows(8)
    import_file(as_csv(rows), cast)
    before = {r[0]: r for r in snapshot()[0]}

    rows[3]["姓名"] = "欧阳新名"
    rows[5]["手机号"] = "13912345678"
    rows[6]["标签"] = "党员"
    counts = import_file(as_csv(rows), cast)

    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 3, 5)
    after = {r[0]: r for r in snapshot()[0]}
    touched = {pk for pk in after if after[pk] != before[pk]}
    assert len(touched) == 3  # the unchanged five were not written (updated_at kept)
    by_id = {r.id_number: r for r in Resident.objects.all()}
    assert by_id[rows[3]["身份证号"]].name == "欧阳新名"
    assert by_id[rows[3]["身份证号"]].name_initials == services.name_initials("欧阳新名")
    assert by_id[rows[5]["身份证号"]].phone == "13912345678"
    assert by_id[rows[5]["身份证号"]].phone_index == crypto.blind_index("13912345678")
    assert set(by_id[rows[6]["身份证号"]].tags.values_list("code", flat=True)) == {"party_member"}


def test_the_parallel_derivation_gives_what_the_serial_one_gives(cast):
    items = [
        (row["身份证号"], row["手机号"] if i % 3 else "", row["姓名"]) for i, row in enumerate(make_rows(30))
    ]
    chunks = [items[:10], items[10:20], items[20:]]

    with bulk.deriver(len(items), parallel=False) as serial_map:
        serial = [v for chunk in serial_map(chunks) for v in chunk]
    with bulk.deriver(len(items), parallel=True) as parallel_map:
        parallel = [v for chunk in parallel_map(chunks) for v in chunk]

    def readable(values):  # ciphertexts differ by their nonce: compare what they decrypt to
        return [(crypto.decrypt(a), crypto.decrypt(b), *rest) for a, b, *rest in values]

    assert readable(parallel) == readable(serial)
    for (id_number, phone, name), (_id, _phone, phone_index, initials, born, gender) in zip(
        items, serial, strict=True
    ):
        resident = Resident(name=name)
        services.set_resident_identity(resident, id_number=id_number, phone=phone)
        assert (phone_index, born, gender) == (resident.phone_index, resident.birth_date, resident.gender)
        assert initials == services.name_initials(name)


@on_postgresql
@pytest.mark.parametrize("parallel", [False, True])
def test_the_copy_path_writes_what_the_orm_path_writes(cast, monkeypatch, parallel):
    rows = make_rows(12)
    data = as_csv(rows)
    edited = [dict(row) for row in rows]
    edited[1]["姓名"], edited[4]["手机号"], edited[7]["标签"], edited[8]["房号"] = (
        "司马新",
        "13700001111",
        "党员",
        "909",
    )
    changed = as_csv(edited)
    monkeypatch.setattr(writing, "CHUNK", 5)  # several chunks, the last one short
    monkeypatch.setattr(bulk, "enabled", lambda: False)
    households_before = list(Household.objects.values_list("pk", flat=True))
    orm_counts = import_file(data, cast)
    orm_changed = import_file(changed, cast)
    orm_rows = stored_rows(rows)
    assert len(orm_rows) == len(rows)
    wipe(rows, households_before)

    monkeypatch.setattr(bulk, "enabled", lambda: True)
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 1 if parallel else 10**9)
    copy_counts = import_file(data, cast)
    copy_changed = import_file(changed, cast)

    assert copy_counts == orm_counts
    assert copy_changed == orm_changed and orm_changed["updated"] == 4
    assert stored_rows(rows) == orm_rows
    # Ids come from the tables' own sequences: an ordinary insert afterwards does not collide.
    household = Household.objects.order_by("-id").first()
    fresh = services.register_resident(household=household, name="后来人", id_number="110101199003077774")
    assert fresh.pk > max(Resident.objects.exclude(pk=fresh.pk).values_list("id", flat=True))


@pytest.mark.parametrize("fast", [False, True])
def test_a_failure_in_the_middle_of_the_write_leaves_nothing(cast, monkeypatch, fast):
    if fast and connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")
    if not fast:
        monkeypatch.setattr(bulk, "enabled", lambda: False)
    import_file(as_csv(make_rows(2, seed=3)), cast)
    before = snapshot()
    monkeypatch.setattr(writing, "CHUNK", 3)
    calls = []
    real = writing._write_residents

    def fail_on_the_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writing, "_write_residents", fail_on_the_third_chunk)
    rows = read(as_csv(make_rows(10)))

    with pytest.raises(RuntimeError):
        importing.import_rows(rows, by=cast.zhang, scope=cast.community)

    assert len(calls) == 3  # two chunks were written before the failure...
    assert snapshot() == before  # ...and rolled back with it


def test_the_id_number_check_is_gb_11643s_as_stdnum_computes_it():
    import random

    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError as StdnumError

    from shanzhi.core.errors import DomainError
    from shanzhi.core.validators import clean_id_number, id_check_digit

    rng = random.Random(11643)
    for _ in range(2000):
        base = f"37040{rng.randrange(10)}{rng.randrange(1900, 2020)}{rng.randrange(1, 13):02d}{rng.randrange(1, 32):02d}"
        base += f"{rng.randrange(1000):03d}"
        assert id_check_digit(base + "0") == ric.calc_check_digit(base + "0")
        good = base + ric.calc_check_digit(base + "0")
        try:
            ric.get_birth_date(good)
            real_date = True
        except StdnumError:
            real_date = False
        if real_date:
            assert clean_id_number(good.lower()) == good
            wrong = base + ("0" if good[17] != "0" else "1")
            with pytest.raises(DomainError):
                clean_id_number(wrong)
        else:  # a day the month does not have
            with pytest.raises(DomainError):
                clean_id_number(good)
    assert services.facts_from_id("110101199003077774") == (ric.get_birth_date("110101199003077774"), "M")


@on_postgresql
def test_the_key_lookups_are_never_prepared(db):
    # The settings let psycopg prepare a statement run five times on a connection; a prepared
    # lookup gets PostgreSQL's generic plan, which read the whole table for each batch of keys.
    for _ in range(8):
        bulk.stored_residents(["k1", "k2"])
        bulk.household_ids([1, 2])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%string_to_array%%'"
        )
        assert cursor.fetchone()[0] == 0
