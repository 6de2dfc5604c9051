"""manage.py verify_audit and export_audit_head (issue 12 §6)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent
from shanzhi.tests import guards

pytestmark = pytest.mark.django_db


def _events(n):
    return [audit.record(AuditEvent.Action.EXPORT, username=f"user{i}") for i in range(n)]


def _verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_intact_chain_exits_zero():
    _events(3)
    code, out, err = _verify()
    assert code == 0 and err == ""
    assert "core_auditevent: 3 rows, chain intact" in out
    assert "volunteering_movement: 0 rows, chain intact" in out


def test_an_edited_row_exits_non_zero_and_is_named():
    first, second, third = _events(3)
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET outcome = 'failure' WHERE id = %s", [second.pk])
    code, _out, err = _verify()
    assert code == 2
    assert f"core_auditevent: broken at id {second.pk} (hash)" in err
    assert f"found {second.hash}" in err


def test_a_kept_head_is_signed_and_checked(tmp_path):
    events = _events(3)
    path = tmp_path / "head.json"
    call_command("export_audit_head", output=str(path))
    kept = json.loads(path.read_text())
    audit_head = next(t for t in kept["tables"] if t["table"] == "core_auditevent")
    assert audit_head == {
        "table": "core_auditevent",
        "last_id": events[-1].pk,
        "last_hash": events[-1].hash,
        "count": 3,
    }
    _events(2)  # the chain grew since: the head is still a prefix
    assert _verify("--head", str(path))[0] == 0

    forged = tmp_path / "forged.json"
    audit_head["count"] = 2
    forged.write_text(json.dumps(kept))
    code, _out, err = _verify("--head", str(forged))
    assert code == 2 and "(signature)" in err


def test_a_head_that_is_no_longer_a_prefix_is_named(tmp_path):
    events = _events(3)
    path = tmp_path / "head.json"
    call_command("export_audit_head", output=str(path))
    # Cutting off the tail leaves a chain that verifies on its own; only the kept head shows the loss.
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    code, _out, err = _verify("--head", str(path))
    assert code == 2
    assert f"core_auditevent: broken at id {events[-1].pk} (head)" in err


def test_an_unreadable_head_file_is_a_clear_error(tmp_path):
    code, _out, _err = _verify("--head", str(tmp_path / "missing.json"))
    assert code == 1


def test_the_command_stores_its_result_for_the_page():
    from shanzhi.core.models import ChainCheck

    _events(2)
    _verify()
    check = ChainCheck.objects.get()
    assert check.ok is True and check.finished_at is not None
    assert check.reports["core_auditevent"]["count"] == 2


def test_the_audit_administrators_page_runs_a_walk_and_names_the_break(cast, login):
    from django.urls import reverse

    from shanzhi.core.models import ChainCheck

    first, second = _events(2)
    with guards.guards_lifted(connection), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET actor_username = 'x' WHERE id = %s", [first.pk])
    client = login(cast.shenji)
    url = reverse("accounts:audit_chain")
    assert "尚未校验过" in client.get(url).content.decode()
    assert client.post(url).status_code == 302  # the task runs inline in tests
    check = ChainCheck.objects.get()
    assert check.ok is False and check.by_username == cast.shenji.username
    page = client.get(url).content.decode()
    assert 'data-chain="broken"' in page
    assert f"编号 {first.pk}（hash）" in page
