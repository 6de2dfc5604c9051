"""Statements of a hot path written once per process and planned once per connection (issue 11).

Django builds a query's SQL again on every call (the compiler walks the query, its joins and its
select list) and its cursors bind parameters on the client, so PostgreSQL parses and plans the
text every time too. For the few statements every API call or intake sends, both cost more than
running them: the account and its grants, a six-table join, took 0.9 ms to compile and 1.2 ms
to plan against 0.2 ms to run. ``Compiled`` keeps a queryset's SQL and its row-to-object plan;
``cursor`` gives a cursor on which PostgreSQL prepares what it runs.
"""

import functools
import inspect
import threading

import psycopg
from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import RelatedPopulator
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


class _PreparedCursor(psycopg.Cursor):
    """Parameters bound by the server and the statement prepared at its first run on a connection
    (Django's own cursors bind on the client and prepare nothing): a statement that is the same
    text every time is parsed once per pooled connection, and planned once PostgreSQL has settled
    on a generic plan for it."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=binary)
        if self._query is None:
            # psycopg records no query when it runs an already prepared statement, and Django's
            # debug cursor (query logging, ``CaptureQueriesContext``) reads the text from there:
            # without this the tests' and DEBUG's record of such a statement says None.
            self._query = _Ran(query, params)
        return self


class _Ran:
    __slots__ = ("query", "params")

    def __init__(self, query, params):
        self.query = query.encode() if isinstance(query, str) else query
        self.params = params


def cursor(alias="default"):
    """A ``_PreparedCursor`` on Django's connection ``alias``, wrapped as Django wraps its own (so
    it is logged and counted, and its errors are Django's); Django's own cursor on another
    database, or when the settings allow no prepared statement (``SHANZHI_DB_PREPARE=0``: binding
    on the server without preparing costs more)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    # As Django's own ``_cursor``: a kept connection that died (a PostgreSQL restart) is replaced
    # here, before it is used. The session's read is now a request's first statement.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparedCursor(connection.connection))


# --- instances without Django's per-field ``__init__`` ---------------------------------------------

# The attributes through which Django's positional ``__init__`` only stores a value: a field's own
# (``DeferredAttribute``) and a foreign key's (which, on a new instance with no related object
# cached yet, stores it too).
_STORING = (DeferredAttribute, ForeignKeyDeferredAttribute)


@functools.cache
def _stored_as_is(model):
    """The attribute names of ``model``'s concrete fields, in order, when ``model(*values)`` would
    do nothing but store each value in the instance's ``__dict__``; None when a field's attribute
    does more (a file's descriptor)."""
    names = []
    for field in model._meta.concrete_fields:
        if type(inspect.getattr_static(model, field.attname, None)) not in _STORING:
            return None
        names.append(field.attname)
    return names


def make(model, values):
    """``model(*values)``, the same instance, for ``values`` that hold no ``DEFERRED`` (a row read
    from the database, a ``Constructor``'s arguments: the caller's word, not checked): Django's ``__init__`` sets each attribute in turn through its descriptor and sends
    ``pre_init`` and ``post_init``; with no receiver of either and attributes that only store
    (``_stored_as_is``), the values go into the instance's ``__dict__`` at once. An appeal's seventy
    and an account's grants were a twentieth of an API intake (``core/tests/test_prepared_constructor.py``)."""
    names = _stored_as_is(model)
    if (
        names is None
        or len(values) != len(names)
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
    ):
        return model(*values)
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(zip(names, values, strict=True))  # lengths checked above
    return instance


def _from_db(model, using, names, values):
    """``model.from_db(using, names, values)``, its instance by ``make`` when it is Django's own
    ``from_db`` and the row holds every field."""
    if model.from_db.__func__ is not Model.from_db.__func__ or len(values) != len(
        model._meta.concrete_fields
    ):
        return model.from_db(using, names, values)
    instance = make(model, values)
    instance._state.adding, instance._state.db = False, using
    return instance


class _Populator(RelatedPopulator):
    """Django's ``RelatedPopulator`` (Django 5.2's ``populate``), its objects made by ``_from_db``."""

    def __init__(self, klass_info, select, db):
        super().__init__(klass_info, select, db)
        self.related_populators = _populators(klass_info, select, db)

    def populate(self, row, from_obj):
        if self.reorder_for_init:
            values = self.reorder_for_init(row)
        else:
            values = row[self.cols_start : self.cols_end]
        if values[self.pk_idx] is None:
            obj = None
        else:
            obj = _from_db(self.model_cls, self.db, self.init_list, values)
            for populator in self.related_populators:
                populator.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


def _populators(klass_info, select, db):
    """Django's ``get_related_populators``, with ``_Populator``."""
    return [_Populator(info, select, db) for info in klass_info.get("related_klass_infos", [])]


class Compiled:
    """``make(*values)``'s queryset of model instances (``select_related`` included), compiled by
    the ORM once per process and database, then run with each call's values as its parameters.

    ``make`` is called once, with ``sample`` values that must come back as the statement's
    parameters in that order (checked), so that each call's values can take their place. What
    Django does per row is kept (its field converters, ``from_db``, the related objects as
    ``select_related`` fills them); what it does per query (compiling) is done once.
    The ORM's own ``ModelIterable`` is the model for the rows (Django 5.2)."""

    def __init__(self, make, *sample):
        self.make, self.sample = make, sample
        self._plans = {}  # (alias, thread) -> plan: a compiler holds its thread's connection
        self._lock = threading.Lock()

    def _plan(self, alias):
        key = (alias, threading.get_ident())
        plan = self._plans.get(key)
        if plan is None:
            queryset = self.make(*self.sample).using(alias)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            if list(params) != list(self.sample):
                raise ValueError(f"the parameters {params!r} are not the sample values {self.sample!r}")
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            plan = (
                sql,
                compiler,
                compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
                klass_info["model"],
                [f[0].target.attname for f in select[start:end]],
                (start, end),
                _populators(klass_info, select, alias),
            )
            with self._lock:
                self._plans[key] = plan
        return plan

    def statement(self, *values, using="default"):
        """(sql, parameters) of the call with ``values``, for a caller that sends it itself
        (``refdata.riding``) and gives back the rows it read as ``__call__``'s ``rows``."""
        return self._plan(using)[0], list(values)

    def __call__(self, *values, using="default", rows=None):
        """The instances: of ``rows`` when given (what ``statement`` read, tuples in the order
        of its columns), else of the statement run here."""
        sql, compiler, converters, model, init_list, (start, end), populators = self._plan(using)
        if rows is None:
            with cursor(using) as c:
                c.execute(sql, list(values))
                rows = c.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        objects = []
        for row in rows:
            obj = _from_db(model, using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class Constructor:
    """``model(**values)``, the instance Django's keyword path makes, made through its positional
    path with the per-field work planned once per process.

    For each of a model's fields Django's keyword path asks whether it is a relation, pops the
    value by name, then by column name, raising and catching a ``KeyError`` for each field left
    out (most of an appeal's seventy, at intake: 44 µs of an intake's CPU). Here each field's
    value, its related object's key or its default goes into the positional arguments, and a
    related object given by name is cached on the instance as Django's descriptor caches it.
    ``values`` take a field's name (a related object) or its column name, as Django's do; any
    other name is refused as Django refuses it. For intake's hot models only: unlike Django's
    descriptor it does not check a related object's type (the caller has), and it knows nothing of
    one-to-one fields' reverse caches or of generated fields (none on these models: refused when
    the plan is made)."""

    def __init__(self, model):
        self.model = model
        self._fields = None

    def _plan(self):
        fields = []
        for field in self.model._meta.concrete_fields:
            if field.one_to_one or field.generated:  # Django's keyword path treats both apart
                raise TypeError(
                    f"{self.model.__name__}.{field.name}: one-to-one and generated fields are not supported"
                )
            relation = (field.name, field.target_field.attname) if field.is_relation else (None, None)
            fields.append((field, field.attname, *relation))
        self._fields = fields
        return fields

    def __call__(self, **values):
        args, related, used = [], [], 0
        for field, attname, name, target in self._fields or self._plan():
            if name is not None and name in values:
                value = values[name]
                related.append((field, value))
                args.append(None if value is None else getattr(value, target))
                used += 1
            elif attname in values:
                args.append(values[attname])
                used += 1
            else:
                args.append(field.get_default())
        if used != len(values):
            known = {f[1] for f in self._fields} | {f[2] for f in self._fields}
            raise TypeError(
                f"{self.model.__name__}() got unexpected keyword arguments: {sorted(set(values) - known)}"
            )
        instance = make(self.model, args)
        for field, value in related:
            field.set_cached_value(instance, value)
        return instance
