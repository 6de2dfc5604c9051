"""``core.csp.CSPMiddleware`` writes the headers django-csp's own middleware writes, on each path."""

import pytest
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSP
from django.http import HttpResponse
from django.test import RequestFactory

from shanzhi.core.csp import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def _headers(middleware_class, path, *, use_nonce=False, mark=None):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda r: HttpResponse())
    middleware.process_request(request)
    if use_nonce:
        str(request.csp_nonce)
    response = HttpResponse()
    for name, value in (mark or {}).items():
        setattr(response, name, value)
    middleware.process_response(request, response)
    if not use_nonce:
        with pytest.raises(CSPNonceError):
            str(request.csp_nonce)  # asked for only after the header is written: an error, in both
    return {h: response.get(h) for h in HEADERS}, request


CASES = [
    ("/", {}),
    ("/api/v1/appeals/", {}),
    ("/", {"use_nonce": True}),
    ("/", {"mark": {"_csp_exempt": True}}),
    ("/", {"mark": {"_csp_update": {"img-src": ["https://example.org"]}}}),
    ("/", {"mark": {"_csp_replace": {"script-src": ["'none'"]}}}),
    ("/", {"mark": {"_csp_config": {"default-src": ["'self'"]}}}),
]


@pytest.mark.parametrize(("path", "kwargs"), CASES)
def test_the_headers_are_django_csps(path, kwargs):
    ours, _ = _headers(CSPMiddleware, path, **kwargs)
    theirs, _ = _headers(DjangoCSP, path, **kwargs)
    assert ours == theirs
    exempt = "_csp_exempt" in kwargs.get("mark", {})
    assert (ours["Content-Security-Policy"] is None) == exempt


def test_a_report_only_policy_and_an_excluded_prefix_are_honoured(settings):
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/open311/"],
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    for path in ("/", "/open311/v2/services.json"):
        ours, _ = _headers(CSPMiddleware, path)
        assert ours == _headers(DjangoCSP, path)[0]
    assert _headers(CSPMiddleware, "/open311/v2/services.json")[0]["Content-Security-Policy"] is None
    assert _headers(CSPMiddleware, "/")[0]["Content-Security-Policy-Report-Only"] == "default-src 'self'"
