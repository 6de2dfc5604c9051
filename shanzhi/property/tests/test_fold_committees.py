"""The registry's older owners' committees are folded into property's ``Committee`` by property's
migration 0009, before the registry's 0005 drops their tables. The old tables are made again from
the migration state before them (inside the test's transaction, so they go with its rollback), rows
are written through the historical models, and the migration's own function is run on them.
Running the migrations backwards and forwards instead cost 20 s of the suite per database."""

import datetime
import importlib

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from ..models import Committee

BEFORE = [("property", "0008_credit"), ("registry", "0004_orgnode_refversion")]
OLD = ("OwnersCommittee", "OwnersCommitteeMember")
fold = importlib.import_module("shanzhi.property.migrations.0009_fold_registry_committees")


class _Apps:
    """What the migration asks ``apps`` for: the registry's old models from the state before the
    fold, everything else as it is now (the tables it writes to are today's)."""

    def __init__(self, old):
        self.old = old

    def get_model(self, app_label, name):
        if app_label == "registry":
            return self.old.get_model(app_label, name)
        return current_apps.get_model(app_label, name)


def _old_tables():
    """The registry's two dropped tables, made again from their historical models. The schema
    editor is not entered (SQLite refuses one inside a transaction); its CREATE TABLE is run as is."""
    old = MigrationLoader(connection).project_state(BEFORE).apps
    editor = connection.schema_editor()
    editor.deferred_sql = []  # set on entering; the constraints it collects are not needed here
    with connection.cursor() as cursor:
        for name in OLD:
            sql, params = editor.table_sql(old.get_model("registry", name))
            cursor.execute(sql, params)
    return old


def _neighbours(cast, n):
    from faker import Faker

    from shanzhi.registry import services as registry

    fake = Faker("zh_CN")
    fake.seed_instance(90)
    hh = registry.create_household(building=cast.building, unit_no="2单元", room="301")
    return [
        registry.register_resident(household=hh, name=f"邻居{i}", id_number=fake.ssn(), relation="户主")
        for i in range(n)
    ]


@pytest.mark.django_db
def test_registry_committees_move_into_property_where_none_is_kept(cast):
    from shanzhi.accounts import services as accounts

    admin = accounts.create_user(username="root_admin", password=None, display_name="管理")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    people = [cast.resident, *_neighbours(cast, 3)]
    apps = _old_tables()
    Old = apps.get_model("registry", "OwnersCommittee")
    OldMember = apps.get_model("registry", "OwnersCommitteeMember")
    PCommittee = apps.get_model("property", "Committee")

    full = Old.objects.create(
        compound_id=cast.compound.pk,
        elected_on=datetime.date(2024, 3, 1),
        term_ends_on=datetime.date(2029, 3, 1),
    )
    for person, position in zip(people, ["委员", "主任", "主任", "副主任"], strict=True):
        OldMember.objects.create(committee=full, resident_id=person.pk, position=position)
    # 西苑小区: no community staff there, so the superuser records it.
    bare = Old.objects.create(compound_id=cast.compound_c.pk, term_ends_on=datetime.date(2028, 6, 30))
    OldMember.objects.create(committee=bare, resident_id=cast.resident_c.pk, position="秘书")
    Old.objects.create(compound_id=cast.compound_b.pk, elected_on=datetime.date(2020, 1, 1))
    PCommittee.objects.create(
        compound_id=cast.compound_b.pk,
        kind="management",
        term_start=datetime.date(2026, 1, 1),
        term_end=datetime.date(2028, 1, 1),
        updated_by_id=cast.chen.pk,
    )

    fold.move(_Apps(apps), connection.schema_editor())

    c = Committee.objects.get(compound=cast.compound)
    assert (c.kind, c.term_start, c.term_end, c.updated_by_id) == (
        "owners",
        datetime.date(2024, 3, 1),
        datetime.date(2029, 3, 1),
        cast.zhang.pk,  # community staff before the secretary
    )
    # 主任 → director (the first only: one per committee), the second 主任 → deputy, 副主任 → deputy.
    assert [(m.resident_id, m.role) for m in c.members.order_by("id")] == [
        (people[0].pk, "member"),
        (people[1].pk, "director"),
        (people[2].pk, "deputy"),
        (people[3].pk, "deputy"),
    ]
    b = Committee.objects.get(compound=cast.compound_c)
    # No election date: five years (the longest term) before the end.
    assert (b.term_start, b.term_end) == (datetime.date(2023, 6, 30), datetime.date(2028, 6, 30))
    assert b.updated_by_id == admin.pk
    assert list(b.members.values_list("resident_id", "role")) == [(cast.resident_c.pk, "member")]
    # A compound property already keeps is left as it is.
    k = Committee.objects.get(compound=cast.compound_b)
    assert k.kind == "management" and not k.members.exists()


def test_term_defaults():
    today = datetime.date(2026, 12, 3)
    assert fold._term(None, None, today) == (today, datetime.date(2031, 12, 3))
    start = datetime.date(2025, 1, 1)
    assert fold._term(start, None, today) == (start, datetime.date(2030, 1, 1))
    # An end on or before the start is not a term: five years from the start.
    assert fold._term(start, start, today) == (start, datetime.date(2030, 1, 1))
    assert fold._term(datetime.date(2024, 2, 29), None, today)[1] == datetime.date(2029, 2, 28)
    assert fold._roles([(1, " 主任 "), (2, "主任"), (3, None)]) == [
        (1, "director"),
        (2, "deputy"),
        (3, "member"),
    ]
