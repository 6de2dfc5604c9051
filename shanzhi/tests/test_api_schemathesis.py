"""A bounded schemathesis run against /api/v1/openapi.json (issue 12 §4): every operation gets
``EXAMPLES`` generated requests (fixed seed: derandomized), sent in-process through the WSGI app
with the bearer token of a district staff member (who sees the whole district). Asserted: no
server error, and every response conforms to the document (status code, content type, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals.tests.conftest import _fixed_day, cats, file_appeal, png_bytes  # noqa: F401 - fixtures
from shanzhi.coop.tests.conftest import co  # noqa: F401 - fixture
from shanzhi.volunteering.tests.conftest import activity, vol  # noqa: F401 - fixtures

EXAMPLES = 5  # per operation: about 500 requests in all; bench/malformed.py and the form fuzz go wider
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _check(operation, token, failures, requests):
    """``EXAMPLES`` generated requests to one operation; failing checks are appended, described."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def one(case):
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        requests.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is reported
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:400]}")

    one()


def _run(token, schema):
    """``(failures, operations, requests)`` over every operation of the document."""
    failures, operations, requests = [], 0, []
    for result in schema.get_all_operations():
        operations += 1
        _check(result.ok(), token, failures, requests)
    return failures, operations, requests


@pytest.fixture
def data(cast, co, activity, file_appeal):  # noqa: F811 - the imported fixtures
    """Something behind every list: coop resources, needs and orders, a volunteering activity, an
    appeal with a photo and a timeline (so the responses that carry them are checked too)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shanzhi.appeals import services

    appeal = file_appeal(photos_in=[SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")])
    services.accept(appeal, by=cast.zhang, expected_version=appeal.version)
    return appeal


@pytest.mark.django_db
def test_api_has_no_server_error_and_no_schema_violation(cast, data, settings):
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["*"]
    token = issue_api_token(cast.sun)
    # As Django's test client does: the requests run inside the test's transaction, so the end of a
    # request must not close the connection (PostgreSQL would lose the test's data with it).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        failures, operations, requests = _run(token, schema)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    print(f"schemathesis: {operations} operations, {len(requests)} requests, {len(failures)} failures")
    assert operations >= 90 and len(requests) >= 3 * operations
    assert failures == [], "\n".join(failures)


def test_photo_url_of_the_api_answers_a_bearer_token(cast, data, client):
    """``photos[].url`` in an appeal's detail is followed with the same token (not a 302 to login)."""
    token = issue_api_token(cast.sun)
    detail = client.get(f"/api/v1/appeals/{data.number}", headers={"Authorization": f"Bearer {token}"})
    url = detail.json()["photos"][0]["url"]
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 302
    outsider = issue_api_token(cast.chen)  # community B's staff do not see community A's appeal
    assert client.get(url, headers={"Authorization": f"Bearer {outsider}"}).status_code == 404
