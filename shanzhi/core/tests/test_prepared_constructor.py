"""``core.prepared.Constructor``: the instance Django's ``Model(**values)`` makes, field by field."""

import uuid

import pytest
from django.apps import apps
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shanzhi.appeals.models import Appeal, AppealEvent, Category
from shanzhi.core import prepared


def _same(made, expected):
    """The same field values, the same related objects cached (the same objects), a new row each."""
    for field in type(expected)._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(expected, field.attname), field.attname
    assert made._state.fields_cache.keys() == expected._state.fields_cache.keys()
    for name, value in expected._state.fields_cache.items():
        assert made._state.fields_cache[name] is value, name
    assert made._state.adding and made._state.db is None


@pytest.mark.django_db
def test_an_appeal_and_its_event_are_made_as_django_makes_them(cast):
    grid = cast.grid
    category = Category.objects.create(code="c-x", name="测试")
    now = timezone.now()
    values = dict(
        channel=Appeal.Channel.ON_BEHALF,
        idempotency_scope="u:1",
        idempotency_key="k",
        submitter=None,
        entered_by=cast.zhang,
        title="楼道灯不亮",
        description="三楼",
        category=category,
        lng=121.5,
        lat=31.2,
        building=None,
        grid=grid,
        community_id=grid.parent_id,  # a column name, as Django takes it too
        path=grid.path,
        level=Appeal.Level.GRID,
        created_at=now,
    )
    appeal = prepared.Constructor(Appeal)(**values)
    _same(appeal, Appeal(**values))
    assert appeal.grid is grid and appeal.category is category and appeal.submitter is None
    event = dict(appeal=appeal, at=now, verb="submit", to_status=appeal.status, data={"channel": "x"})
    _same(prepared.Constructor(AppealEvent)(**event), AppealEvent(**event))


def test_a_default_is_taken_for_each_instance():
    make = prepared.Constructor(DBTaskResult)
    first, second = make(id=uuid.uuid4(), task_path="x"), make(id=uuid.uuid4(), task_path="x")
    _same(first, DBTaskResult(id=first.id, task_path="x"))
    assert first.worker_ids is not second.worker_ids  # a callable default, called for each


def test_a_name_that_is_no_field_is_refused_as_django_refuses_it():
    with pytest.raises(TypeError):
        DBTaskResult(id=uuid.uuid4(), no_such_field=1)
    with pytest.raises(TypeError, match="no_such_field"):
        prepared.Constructor(DBTaskResult)(id=uuid.uuid4(), no_such_field=1)


def test_a_model_with_a_one_to_one_field_is_refused_when_first_used():
    model = next(m for m in apps.get_models() if any(f.one_to_one for f in m._meta.concrete_fields))
    with pytest.raises(TypeError, match="one-to-one"):
        prepared.Constructor(model)()


# --- ``prepared.make``: ``model(*values)`` without Django's per-field ``__init__`` ----------------


def _fields(instance):
    return {k: v for k, v in instance.__dict__.items() if k != "_state"}


def test_make_gives_the_instance_django_s_init_gives_for_every_model():
    for model in apps.get_models():
        values = [f"v{i}" for i in range(len(model._meta.concrete_fields))]
        made, expected = prepared.make(model, values), model(*values)
        assert type(made) is model and _fields(made) == _fields(expected), model
        assert list(made.__dict__) == list(expected.__dict__), model  # the same order too
        assert made._state.adding and made._state.db is None and made._state.fields_cache == {}
    # A short row (the fields after it take their defaults) is Django's to make.
    assert _fields(prepared.make(Category, ["c"])) == _fields(Category("c"))


def test_make_leaves_a_model_with_a_descriptor_of_its_own_to_django():
    from shanzhi.appeals.models import AppealPhoto

    assert prepared._stored_as_is(AppealPhoto) is None  # noqa: SLF001 - its file's descriptor
    values = [None] * len(AppealPhoto._meta.concrete_fields)
    assert prepared.make(AppealPhoto, values).file.name is None  # a FieldFile, as Django makes it
    assert prepared._stored_as_is(Appeal) is not None  # noqa: SLF001


def test_make_sends_the_init_signals_when_someone_listens():
    from django.db.models.signals import post_init, pre_init

    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    for signal in (pre_init, post_init):
        signal.connect(receiver, sender=Category)
        try:
            prepared.make(Category, [None] * len(Category._meta.concrete_fields))
        finally:
            signal.disconnect(receiver, sender=Category)
    assert heard == [Category, Category]


@pytest.mark.django_db
def test_compiled_rows_are_the_objects_the_orm_gives(cast):
    from shanzhi.accounts.models import RoleGrant
    from shanzhi.accounts.services import _GRANTS

    users = {g.user_id for g in RoleGrant.objects.all()}
    assert len(users) > 5
    relations = ("user", "node", "department", "property_company", "unit", "resident")
    for user_id in users:
        made = _GRANTS(user_id)
        expected = list(
            RoleGrant.objects.filter(user_id=user_id, user__is_active=True).select_related(*relations)
        )
        assert len(made) == len(expected)
        for grant, orm in zip(made, expected, strict=True):
            assert _fields(grant) == _fields(orm) and not grant._state.adding and grant._state.db == "default"
            for name in relations:
                ours, theirs = getattr(grant, name), getattr(orm, name)
                assert (ours is None) == (theirs is None), name
                if ours is not None:
                    assert type(ours) is type(theirs) and _fields(ours) == _fields(theirs), name
                    assert ours._state.db == "default" and not ours._state.adding
