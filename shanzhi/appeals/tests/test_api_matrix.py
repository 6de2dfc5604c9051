"""The role × scope matrix of every appeals JSON endpoint (rows in matrix.py).

Its objects (two appeals at each relation, summonses, pending requests, notifications) and one API
key per role are made once for the module, inside the module's cast transaction, and rolled back
with it: made per cell, they cost eight submissions and fifteen keys (each audited) before the
sixteen requests the cell is about. Each cell still runs in its own savepoint and checks that no
appeal changed, so one cell cannot spoil the next. Kept apart from test_api.py, whose tests count
the appeals they file and must find none but theirs."""

import json

import pytest
import time_machine
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals.models import Appeal
from shanzhi.conftest import _load

from . import matrix
from .conftest import MONDAY

MATRIX = matrix.API_MATRIX
ROLE_USERS = {
    "anonymous": None,
    "resident": "jumin",
    "grid_worker": "wang",
    "community_staff": "zhang",
    "community_secretary": "zhao",
    "street_staff": "liu",
    "district_staff": "sun",
    "district_leader": "wu",
    "department_handler": "zheng",
    "property_staff": "feng",
    "unit_member": "he",
    "volunteer": "ma",
    "system_admin": "xitong",
    "security_admin": "anquan",
    "audit_admin": "shenji",
    "no_role": "nobody",
}


def test_every_appeals_endpoint_has_a_row():
    from shanzhi.api import api

    names = {f"api:{p.name}" for p in api.urls[0] if (p.name or "").startswith("appeals_")}
    assert names == {row[0] for row in MATRIX}


def _cells():
    for row in MATRIX:
        for rel in matrix.RELS if row[2] is not None else (None,):
            yield pytest.param(row, rel, id=f"{row[0]}-{rel or 'list'}")


def _keys(cast):
    return {
        role: issue_api_token(getattr(cast, username)) for role, username in ROLE_USERS.items() if username
    }


@pytest.fixture(scope="module")
def matrix_world(_module_cast, django_db_blocker):
    """(the matrix's objects, an API key per role), made once; None without the module's cast.
    Made on the suite's fixed Monday, as each test runs (the autouse clock is per test)."""
    if _module_cast is None:
        return None
    with django_db_blocker.unblock(), time_machine.travel(MONDAY, tick=True):
        cast = _load(_module_cast)
        return matrix.objects(cast), _keys(cast)


@pytest.mark.parametrize(("row", "rel"), list(_cells()))
def test_api_matrix(client, cast, matrix_world, row, rel):
    if matrix_world is None:
        keys = _keys(cast)
    else:
        cast._appeal_objects, keys = matrix_world
    name, method, kwargs, body, expected = row
    url = reverse(name, kwargs=kwargs(cast, rel) if kwargs else None)
    data = body(cast, rel) if callable(body) else body
    before = list(Appeal.objects.order_by("pk").values_list("status", "version"))
    assert before, "the matrix's appeals exist"
    wrong = []
    for role in ROLE_USERS:
        options = {"headers": {"Authorization": f"Bearer {keys[role]}"}} if role in keys else {}
        if isinstance(data, matrix.Multipart):
            options.update(data=dict(data))
        elif data is not None:
            options.update(data=json.dumps(data), content_type="application/json")
        response = getattr(client, method)(url, **options)
        if response.status_code != expected(role, rel):
            wrong.append(
                f"{role}: expected {expected(role, rel)}, got {response.status_code}"
                f" {response.content[:120].decode(errors='replace')}"
            )
    assert not wrong, f"{method.upper()} {url}\n  " + "\n  ".join(wrong)
    assert list(Appeal.objects.order_by("pk").values_list("status", "version")) == before
