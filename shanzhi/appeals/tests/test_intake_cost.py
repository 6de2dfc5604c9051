"""What an intake costs (issue 11), as counts, never as wall-clock times: the JSON API submission in
at most 10 statements on PostgreSQL, the reference caches that make it so invalidated by any
write to the tables behind them, and ``permissions.Reach``/``covers`` answering exactly as
``can``/``visible`` do."""

import io
import json

import pytest
from django.db import connection

from shanzhi.accounts import permissions
from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import refs
from shanzhi.appeals.models import Appeal, AppealRollupMark, Category
from shanzhi.core.models import ReferenceVersion
from shanzhi.registry import geo
from shanzhi.registry.models import OrgNode

from .conftest import IN_A1, IN_A2

# On PostgreSQL with the tasks in the database an intake is one statement (numbering.insert_whole):
# the reference versions (read by the pool's check in production, so one statement fewer there),
# the account with its grants (API), and the intake, here in a savepoint (two statements more)
# because a test runs in a transaction. SQLite has no data-modifying WITH: BEGIN, the day's
# counter, the appeal, its first event, its rollup mark, the task row and COMMIT.
PG = connection.vendor == "postgresql"
LIMIT = 5 if PG else 9
OPEN311_POST_LIMIT = 4 if PG else 8
# A public read: the reference version and the rows (category and places from the caches).
OPEN311_READ_LIMIT = 2


@pytest.fixture
def versioned(db):
    # A transactional test elsewhere may have flushed the row: without it nothing is cached.
    for name in ("reference", "api_keys"):
        ReferenceVersion.objects.get_or_create(name=name, defaults={"value": 1})


def _submit(client, token, cats, key):
    body = {
        "channel": "on_behalf",
        "title": "楼道灯不亮",
        "description": "居民来电反映楼道灯不亮。",
        "category": cats.neighbour_noise.code,
        "lng": IN_A1[0],
        "lat": IN_A1[1],
    }
    return client.post(
        "/api/v1/appeals/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )


def test_api_intake_statements(client, cast, cats, versioned, settings, django_assert_max_num_queries):
    from django_tasks_db.models import DBTaskResult

    # Tasks queued in the database, as in production: the count is the request's, not the worker's.
    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}
    token = issue_api_token(cast.zhang)
    assert _submit(client, token, cats, "warm").status_code == 201  # this process's caches filled
    tasks_before = DBTaskResult.objects.count()
    with django_assert_max_num_queries(LIMIT):
        response = _submit(client, token, cats, "counted")
    assert response.status_code == 201
    body = response.json()
    appeal = Appeal.objects.get(number=body["number"])
    # Everything an intake did before is still done: its event, its rollup mark, and the notice
    # to the dispatchers, with the rollup drain, in the transaction's one task row.
    assert [e["verb"] for e in body["events"]] == ["submit"]
    assert appeal.events.count() == 1 and body["grid"] == appeal.grid.name
    assert AppealRollupMark.objects.filter(community_id=appeal.community_id).exists()
    assert DBTaskResult.objects.count() == tasks_before + 1
    task = DBTaskResult.objects.order_by("enqueued_at").last()
    assert task.task_path.endswith("deliver_notifications")
    (notice,), drain = task.args_kwargs["args"]
    assert notice[0] == "submitted" and notice[1] == appeal.pk and notice[5] == cast.zhang.pk and drain
    assert body["actions"] and "accept" in body["actions"]


def test_open311_intake_statements(client, cast, cats, versioned, settings, django_assert_max_num_queries):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "shanzhi.core.taskrows.DatabaseBackend"}}
    out = io.StringIO()
    call_command("issue_open311_key", "cost", stdout=out)
    key = out.getvalue().strip()

    def post(idempotency_key):
        form = {"api_key": key, "service_code": cats.neighbour_noise.code, "lat": IN_A1[1], "long": IN_A1[0]}
        form["description"] = "井盖松动。"
        return client.post("/open311/v2/requests.json", form, headers={"Idempotency-Key": idempotency_key})

    assert post("warm").status_code == 201
    tasks_before = DBTaskResult.objects.count()
    with django_assert_max_num_queries(OPEN311_POST_LIMIT):
        response = post("counted")
    assert response.status_code == 201
    appeal = Appeal.objects.get(number=response.json()[0]["service_request_id"])
    # The first event, written in the appeal's own INSERT on PostgreSQL, is the one event() writes.
    (event,) = appeal.events.all()
    assert (event.verb, event.from_status, event.to_status, event.version) == ("submit", "", "submitted", 1)
    assert (event.actor_id, event.actor_role, event.note_visibility) == (None, "system", "internal")
    assert event.data == {"channel": "open311", "client": "open311-cost"}
    assert AppealRollupMark.objects.filter(community_id=appeal.community_id).exists()
    assert DBTaskResult.objects.count() == tasks_before + 1
    # A retry is the same request, and writes nothing.
    assert post("counted").json()[0]["service_request_id"] == appeal.number
    assert Appeal.objects.filter(idempotency_key="counted").count() == 1


def test_open311_reads_statements(client, cast, cats, versioned, file_appeal, django_assert_max_num_queries):
    from shanzhi.appeals import services

    appeals = [file_appeal(title=f"第{i}件") for i in range(5)]
    services.accept(appeals[0], by=cast.zhang)
    client.get("/open311/v2/requests.json")  # this process's caches filled
    with django_assert_max_num_queries(OPEN311_READ_LIMIT):
        rows = client.get("/open311/v2/requests.json").json()
    assert len(rows) == 5
    with django_assert_max_num_queries(OPEN311_READ_LIMIT):
        [one] = client.get(f"/open311/v2/requests/{appeals[0].number}.json").json()
    # The row as the public sees it, from plain values and the caches.
    assert one["description"] == appeals[0].title and one["service_code"] == cats.neighbour_noise.code
    assert one["address"] == f"{cast.grid.parent.name} {cast.grid.name}" and one["agency_responsible"]
    assert one["expected_datetime"] and one["status"] == "open"
    others = {r["description"] for r in rows if r["service_request_id"] != appeals[0].number}
    assert others == {str(cats.neighbour_noise)}  # not accepted yet: the category only


def test_category_change_is_seen_at_once(cast, cats, versioned):
    assert refs.active_by_code(cats.parking.code) is not None
    Category.objects.filter(pk=cats.parking.pk).update(active=False)  # no signal: the trigger sees it
    assert refs.active_by_code(cats.parking.code) is None
    Category.objects.filter(pk=cats.parking.pk).update(name="改过的名字")
    assert refs.by_id(cats.parking.pk).name == "改过的名字"


def test_grid_change_is_seen_at_once(cast, versioned):
    grid = geo.node(cast.grid.pk)
    assert geo.grid_id_at(*IN_A1) == grid.pk
    OrgNode.objects.filter(pk=grid.pk).update(name="新网格名")
    assert geo.node(grid.pk).name == "新网格名"
    # Move A1's boundary onto A2's point: the next lookup places that point in A1.
    OrgNode.objects.filter(pk=grid.pk).update(boundary=OrgNode.objects.get(pk=cast.grid2.pk).boundary)
    assert geo.grid_id_at(*IN_A2) in {grid.pk, cast.grid2.pk}
    OrgNode.objects.filter(pk=grid.pk).update(retired_at="2026-03-01T00:00:00Z")
    assert geo.grid_id_at(*IN_A1) != grid.pk


ACTIONS = ["appeals.view", "appeals.handle", "appeals.accept", "appeals.dispatch", "appeals.submit"]


def _as(appeal, **fields):
    """``appeal`` with ``fields`` written to its row (states the test needs, without the moves)."""
    Appeal.objects.filter(pk=appeal.pk).update(**fields)
    return Appeal.objects.get(pk=appeal.pk)


def test_reach_answers_as_can(cast, file_appeal):
    from django.utils import timezone

    from shanzhi.appeals.models import Summons

    appeals = [
        file_appeal(),
        file_appeal(lng=IN_A2[0], lat=IN_A2[1], title="另一个网格"),
        file_appeal(by=None, client="open311-x", channel=Appeal.Channel.OPEN311),
    ]
    # Every branch of the appeals' scope (access.appeal_test decides them on the loaded row):
    # assigned to a person elsewhere, the community pool, the district's 待定位, a department's
    # case and one it was summoned to, a property company's.
    elsewhere = file_appeal(by=None, client="open311-x", channel=Appeal.Channel.OPEN311, title="西一")
    appeals += [
        _as(elsewhere, path=cast.grid_c.path, assignee_user=cast.li),
        _as(file_appeal(title="待认领"), status="pooled", path=cast.grid2.path),
        _as(file_appeal(title="待定位"), unplaced=True, path=cast.district.path, grid=None),
        _as(file_appeal(title="部门承办"), path=cast.grid_c.path, assignee_department=cast.department),
        _as(file_appeal(title="吹哨"), path=cast.grid_c.path, assignee_department=cast.department2),
        _as(file_appeal(title="物业"), path=cast.grid_c.path, assignee_company=cast.company),
    ]
    Summons.objects.create(
        appeal=appeals[-2],
        department=cast.department,
        role="lead",
        due_at=timezone.now(),
        summoned_by=cast.zhang,
    )
    users = [u for u in vars(cast).values() if getattr(u, "_meta", None) and u._meta.model_name == "user"]
    assert len(users) > 5
    for user in users:
        for appeal in appeals:
            reach = permissions.Reach(user, appeal)
            for action in ACTIONS:
                if action not in permissions.ACTIONS:
                    continue
                assert reach.can(action) == permissions.can(user, action, appeal), (user, appeal, action)


def test_covers_answers_as_visible(cast):
    users = [u for u in vars(cast).values() if getattr(u, "_meta", None) and u._meta.model_name == "user"]
    for user in users:
        seen = set(permissions.visible(user, OrgNode, "registry.view_tree").values_list("pk", flat=True))
        for node in OrgNode.objects.all():
            assert permissions.covers(user, node, "registry.view_tree") == (node.pk in seen), (user, node)
