"""Bad input gets a clear 400, never a 500 (issue 12 §4): ~230 malformed requests against pages,
the JSON API and Open311 (see ``malformed.py``); the JSON refusals carry ``{code, message, field}``."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from shanzhi.accounts.services import issue_api_token

from . import malformed


@pytest.fixture(scope="module")
def fired(cast_once):
    """The ~230 requests, fired once for the module's three checks of their answers (they were
    fired once per check), in a savepoint rolled back afterwards."""
    with (
        cast_once() as cast,
        time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True),
    ):
        category, appeal = malformed.prepare(cast)
        out = StringIO()
        call_command("issue_open311_key", "fuzz-app", stdout=out)
        tokens = {}

        def token_for(user):
            if user.pk not in tokens:
                tokens[user.pk] = issue_api_token(user)
            return tokens[user.pk]

        cases = malformed.cases(cast, category, appeal, out.getvalue().strip())
        return malformed.run(lambda: Client(raise_request_exception=False), cast, cases, token_for)


def test_no_malformed_request_answers_a_server_error(fired):
    assert len(fired) >= 165
    errors = [(label, status) for label, _name, status, _r in fired if status >= 500]
    assert errors == []


def test_refused_characters_answer_400_naming_the_field(fired):
    wrong = []
    for label, name, status, response in fired:
        if name not in malformed.ALWAYS_REFUSED or label.startswith("path_"):
            continue
        if status != 400:
            wrong.append((label, status))
        elif response["Content-Type"].startswith("application/json") and not label.startswith("o311"):
            body = response.json()
            if not (body.get("code") and body.get("message") and body.get("field")):
                wrong.append((label, body))
    assert wrong == []


def test_unparsable_json_answers_the_documented_shape(fired):
    wrong = []
    for label, name, status, response in fired:
        if name in malformed.BAD_JSON:
            body = response.json() if status == 400 else {}
            if status != 400 or not {"code", "message", "field"} <= set(body):
                wrong.append((label, status, body))
    assert wrong == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"address": "长" * 201}, "address"),
        ({"contact_name": "名" * 51}, "contact_name"),
        ({"headers": {"Idempotency-Key": "k" * 81}}, "idempotency_key"),
    ],
)
def test_lengths_are_refused_naming_the_field_not_cut(cast, client, change, field):
    from shanzhi.appeals.models import Appeal

    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True):
        category, _appeal = malformed.prepare(cast)
        before = Appeal.objects.count()
        change = dict(change)
        headers = {"Authorization": f"Bearer {issue_api_token(cast.jumin)}", **change.pop("headers", {})}
        body = {
            "title": "噪音",
            "description": "夜里噪音",
            "category": category.code,
            "lng": malformed.IN_A1[0],
            "lat": malformed.IN_A1[1],
            **change,
        }
        response = client.post("/api/v1/appeals/", body, content_type="application/json", headers=headers)
        assert response.status_code == 400 and response.json()["field"] == field
        assert Appeal.objects.count() == before
        # At the limit it is accepted and stored whole.
        at_limit = {"address": "长" * 200, "contact_name": "名" * 50}
        body.update({k: v for k, v in at_limit.items() if k in change})
        headers.update({"Idempotency-Key": "k" * 80} if "Idempotency-Key" in headers else {})
        response = client.post("/api/v1/appeals/", body, content_type="application/json", headers=headers)
        assert response.status_code == 201
        stored = Appeal.objects.get(number=response.json()["number"])
        for name in set(change) & {"address", "contact_name"}:
            assert getattr(stored, name) == body[name]
