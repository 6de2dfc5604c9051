"""The one permission module.

It answers two questions, and every view, API endpoint, export, search and command asks it:

* ``can(user, action, obj)`` / ``require(...)``: may this user do this action (to this object)?
* ``visible(user, Model)``: which objects of this kind may this user see?

A user holds one or more role grants; each grant is bound to a node of the org tree (or a
department, property company or unit). An action is allowed on an object when some grant whose
role may perform the action also has the object in its scope. An object outside every scope is
reported exactly like a missing one (404), so nobody learns what exists elsewhere.

This module knows only the roles and the administrators' own rows. Every app registers its
actions and the scopes of its models from its ``access.py`` (``register_actions``,
``register_scope``), called from its ``AppConfig.ready()``; nothing here names another app.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Role

R = Role
NODE_STAFF = {
    R.GRID_WORKER,
    R.COMMUNITY_STAFF,
    R.COMMUNITY_SECRETARY,
    R.STREET_STAFF,
    R.DISTRICT_STAFF,
    R.DISTRICT_LEADER,
}
COMMUNITY_UP = NODE_STAFF - {R.GRID_WORKER}
STAFF = NODE_STAFF | {R.DEPARTMENT_HANDLER, R.PROPERTY_STAFF}

# action -> roles that may perform it (scope is checked separately, per grant). Each app adds its
# own rows from its ``access.py`` (``register_actions``); these are the administrators' own.
ACTIONS = {
    "accounts.manage_users": {R.SECURITY_ADMIN},
    "accounts.manage_grants": {R.SECURITY_ADMIN},
    "audit.view": {R.AUDIT_ADMIN},
    "core.manage_calendar": {R.SYSTEM_ADMIN},
}

# The action that governs seeing each model at all (lists, details, search, export).
VIEW_ACTION = {
    "core.auditevent": "audit.view",
    "accounts.user": "accounts.manage_users",
    "accounts.rolegrant": "accounts.manage_grants",
}

ALL = Q()  # in scope everywhere
NONE = None  # in scope nowhere


def _scope_everything(grant):
    return ALL


# model label -> the rows of it one grant reaches: ALL, NONE or a Q (``register_scope``).
SCOPES = {
    "core.auditevent": _scope_everything,
    "accounts.user": _scope_everything,
    "accounts.rolegrant": _scope_everything,
}

# Scopes that join through a to-many relation and so need DISTINCT.
_NEEDS_DISTINCT = set()

# model label -> the same scope as a test of one loaded object, ``test(grant, obj)`` -> bool, for
# the few scopes simple enough to state twice (``covers``); the tests hold both to the same answers.
TESTS = {}


def register_actions(actions):
    """Let an app (from its ``access.py``) add its actions: ``{"app.verb": roles}``."""
    ACTIONS.update(actions)


def register_scope(label, scope, view_action, *, distinct=False, test=None):
    """Let an app (from its ``access.py``) add a model: how far each grant reaches into it, and the
    action that governs seeing it at all. ``distinct`` when the scope joins through a to-many relation.
    ``test(grant, obj)``: the same scope decided on a loaded object, without a query (``covers``)."""
    SCOPES[label] = scope
    VIEW_ACTION[label] = view_action
    if distinct:
        _NEEDS_DISTINCT.add(label)
    if test is not None:
        TESTS[label] = test


def _label(model):
    return model._meta.label_lower


def has_role_for(user, action):
    if not user.is_authenticated:
        return False
    allowed = ACTIONS[action]
    return any(g.role in allowed for g in user.grants())


def _scope_q(user, model, action):
    """OR of the scopes of the user's grants whose role may perform ``action``; None if none.
    Kept on the user object beside its grants (so for one request, never across requests, and
    dropped with the grants when they are reloaded): a dashboard asks it some forty times."""
    grants = user.grants()
    kept = user.__dict__.get("_scope_q_cache")
    if kept is None or kept[0] is not grants:
        kept = user.__dict__["_scope_q_cache"] = (grants, {})
    key = (_label(model), action)
    if key not in kept[1]:
        kept[1][key] = _grants_scope(grants, SCOPES[key[0]], ACTIONS[action])
    return kept[1][key]


def _grants_scope(grants, scope_fn, allowed):
    q = None
    for grant in grants:
        if grant.role not in allowed:
            continue
        gq = scope_fn(grant)
        if gq is None:
            continue
        if gq == ALL:
            return ALL
        q = gq if q is None else q | gq
    return q


def visible(user, model, action=None):
    """The objects of ``model`` this user may see (for ``action``; by default, the view action)."""
    if isinstance(model, str):
        model = apps.get_model(model)
    action = action or VIEW_ACTION[_label(model)]
    qs = model._default_manager.all()
    if not user.is_authenticated:
        return qs.none()
    q = _scope_q(user, model, action)
    if q is None:
        return qs.none()
    qs = qs.filter(q)
    if _label(model) in _NEEDS_DISTINCT and q != ALL:
        qs = qs.distinct()
    return qs


def can(user, action, obj=None):
    if not has_role_for(user, action):
        return False
    if obj is None:
        return True
    return visible(user, type(obj), action).filter(pk=obj.pk).exists()


def covers(user, obj, action=None):
    """``visible(user, type(obj), action)`` holds ``obj``: decided on the object itself where its
    app registered a ``test`` for the scope, else asked of the database."""
    label = _label(type(obj))
    action = action or VIEW_ACTION[label]
    test = TESTS.get(label)
    if test is None:
        return visible(user, type(obj), action).filter(pk=obj.pk).exists()
    if not user.is_authenticated:
        return False
    allowed = ACTIONS[action]
    return any(g.role in allowed and test(g, obj) for g in user.grants())


class Reach:
    """Which of a user's grants reach one object, decided on the object where its app registered a
    ``test`` (as ``covers``), else asked of the database once (one query for all of them), so that
    every ``can`` about that object after it (the actions, the timeline, the resident's view of a
    detail) is answered without asking again. Same answers as ``can``."""

    def __init__(self, user, obj):
        from django.db.models import BooleanField, ExpressionWrapper

        self.user, self.obj = user, obj
        self.covering = []
        if not user.is_authenticated:
            return
        label = _label(type(obj))
        scope_fn, grants, wanted = SCOPES[label], user.grants(), {}
        test = TESTS.get(label)
        if test is not None:  # decided on the loaded object, as ``covers`` does
            self.covering = [g for g in grants if test(g, obj)]
            return
        for i, grant in enumerate(grants):
            q = scope_fn(grant)
            if q is None:
                continue
            if q == ALL:
                self.covering.append(grant)
            else:
                wanted[f"g{i}"] = ExpressionWrapper(q, output_field=BooleanField())
        if wanted:
            rows = type(obj)._default_manager.filter(pk=obj.pk).order_by().annotate(**wanted).values(*wanted)
            hits = {name for row in rows for name, value in row.items() if value}
            self.covering += [g for i, g in enumerate(grants) if f"g{i}" in hits]

    def can(self, action):
        allowed = ACTIONS[action]
        return any(g.role in allowed for g in self.covering)

    def sees(self):
        return self.can(VIEW_ACTION[_label(type(self.obj))])


def require(user, action, obj=None):
    """Raise unless allowed: 404 when the object is outside the user's sight, else 403."""
    if obj is not None:
        view_action = VIEW_ACTION[_label(type(obj))]
        if not visible(user, type(obj), view_action).filter(pk=obj.pk).exists():
            raise Http404
    if not can(user, action, obj):
        raise PermissionDenied


def get_visible_or_404(user, model, action=None, **lookup):
    """The only way views fetch a scoped object: out of scope and missing look the same.

    Asked without an order (a lookup by id or number finds one row at most): ``first()`` orders
    by the model's ordering, whose expressions Django compiles and hashes on every call, a quarter
    of this look-up's cost on every detail page. Where the lookup does find several rows, the
    first of them in the model's order, as ``first()`` gives."""
    found = visible(user, model, action).filter(**lookup)
    rows = list(found.order_by()[:2])
    if not rows:
        raise Http404
    return rows[0] if len(rows) == 1 else found.first()
