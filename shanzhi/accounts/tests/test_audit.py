"""The audit trail: who reads it, how it is filtered and exported, and that nobody can change it."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent

A = AuditEvent.Action
O = AuditEvent.Outcome  # noqa: E741
AUDIT = reverse("accounts:audit")
MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}  # the trail's month, before any real event


@pytest.fixture
def trail(cast):
    """A few events on known days, from known addresses."""
    day1 = timezone.make_aware(datetime.datetime(2025, 3, 2, 10, 0))
    day2 = timezone.make_aware(datetime.datetime(2025, 3, 5, 23, 30))
    with time_machine.travel(day1, tick=False):
        audit.record(A.LOGIN, actor=cast.wang)
        audit.record(A.LOGIN_FAILED, outcome=O.FAILURE, username="=cmd|' /C calc'!A0")
    with time_machine.travel(day2, tick=False):
        audit.record(
            A.REVEAL, actor=cast.zhang, target=cast.resident, detail={"field": "phone", "reason": "回访"}
        )
        audit.record(A.LOCKOUT, outcome=O.DENIED, username="li_grid")


def listed(response):
    return [e.pk for e in response.context["page"].object_list]


@pytest.mark.parametrize("who", ["anquan", "xitong", "wang", "zhao", "sun", "wu", "zheng", "jumin", "nobody"])
def test_only_the_audit_admin_reads_the_trail(login, cast, who):
    client = login(getattr(cast, who))
    assert client.get(AUDIT).status_code == 403
    assert client.get(AUDIT, {"format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action=A.EXPORT).exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_audit_admin_sees_events_newest_first(login, cast, trail):
    response = login(cast.shenji).get(AUDIT)
    assert response.status_code == 200
    ids = listed(response)
    assert ids == sorted(ids, key=lambda pk: AuditEvent.objects.get(pk=pk).at, reverse=True)
    body = response.content.decode()
    assert "查看敏感信息" in body and "wang_grid" in body


def test_page_never_shows_the_revealed_value(login, cast, trail):
    body = login(cast.shenji).get(AUDIT).content.decode()
    assert cast.resident.phone not in body
    assert cast.resident.id_number not in body


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"action": "login", **MARCH}, {("login", "wang_grid")}),
        ({"outcome": "denied", **MARCH}, {("lockout", "li_grid")}),
        ({"username": "ZHANG_comm"}, {("reveal", "zhang_comm")}),
        (
            {"date_from": "2025-03-05", "date_to": "2025-03-05"},
            {("reveal", "zhang_comm"), ("lockout", "li_grid")},
        ),
        (
            {"date_from": "2025-03-01", "date_to": "2025-03-02"},
            {("login", "wang_grid"), ("login_failed", "=cmd|' /C calc'!A0")},
        ),
    ],
)
def test_filters(login, cast, trail, params, expected):
    response = login(cast.shenji).get(AUDIT, params)
    shown = {(e.action, e.actor_username) for e in response.context["page"].object_list}
    assert shown == expected


def test_filter_by_ip(login, cast, client):
    client.post(
        reverse("accounts:login"), {"username": "wang_grid", "password": "nope"}, REMOTE_ADDR="10.9.8.7"
    )
    client.post(
        reverse("accounts:login"), {"username": "li_grid", "password": "nope"}, REMOTE_ADDR="10.9.8.6"
    )
    response = login(cast.shenji).get(AUDIT, {"ip": "10.9.8.7"})
    shown = [(e.action, e.actor_username) for e in response.context["page"].object_list]
    assert shown == [("login_failed", "wang_grid")]


def test_bad_filter_is_explained_and_shows_nothing(login, cast, trail):
    response = login(cast.shenji).get(AUDIT, {"date_from": "2025-03-05", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert listed(response) == []
    response = login(cast.shenji).get(AUDIT, {"ip": "not-an-ip"})
    assert "ip" in response.context["form"].errors


def test_pagination(login, cast):
    for _ in range(120):
        audit.record(A.LOGIN, actor=cast.wang)
    client = login(cast.shenji)
    first = client.get(AUDIT, {"username": "wang_grid"})
    third = client.get(AUDIT, {"username": "wang_grid", "page": 3})
    assert len(first.context["page"].object_list) == 50
    assert len(third.context["page"].object_list) == 20
    assert not set(listed(first)) & set(listed(third))
    assert "username=wang_grid" in first.content.decode().split("下一页")[0].rsplit("href=", 1)[1]


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_holds_the_filtered_rows_and_is_audited(login, cast, trail):
    response = login(cast.shenji).get(
        AUDIT, {"date_from": "2025-03-05", "date_to": "2025-03-05", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[0] == "时间"
    assert {(r[1], r[3]) for r in rows} == {("查看敏感信息", "zhang_comm"), ("账号锁定", "li_grid")}
    export = AuditEvent.objects.get(action=A.EXPORT)
    assert export.actor_username == "shenji"
    assert export.detail["rows"] == 2
    assert export.detail["filters"] == {"date_from": "2025-03-05", "date_to": "2025-03-05"}


def test_csv_export_neutralises_spreadsheet_formulas(login, cast, trail):
    response = login(cast.shenji).get(AUDIT, {"action": "login_failed", "format": "csv"})
    _header, *rows = read_csv(response)
    usernames = [r[3] for r in rows]
    assert "'=cmd|' /C calc'!A0" in usernames
    assert not any(u.startswith("=") for u in usernames)


def test_audit_rows_cannot_be_updated_in_the_database(cast):
    event = audit.record(A.LOGIN, actor=cast.wang)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET outcome = 'failure' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.outcome == O.SUCCESS


def test_audit_rows_cannot_be_deleted_in_the_database(cast):
    event = audit.record(A.LOGIN, actor=cast.wang)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_orm_delete_is_refused_too(cast):
    audit.record(A.LOGIN, actor=cast.wang)
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == count


def test_audit_page_offers_no_way_to_change_events(login, cast, trail):
    client = login(cast.shenji)
    assert client.post(AUDIT, {"action": "login"}).status_code == 405
    body = client.get(AUDIT).content.decode()
    assert '<form method="post"' not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_admin_site_cannot_edit_or_delete_events(rf, cast):
    model_admin = admin.site._registry.get(AuditEvent)
    if model_admin is None:
        return  # not registered: the admin site offers nothing at all
    request = rf.get("/")
    request.user = cast.xitong
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)
