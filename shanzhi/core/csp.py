"""The Content-Security-Policy: its middleware, and where browsers report what it refused (the
policy's report-uri).

Only the refused directive, where the blocked thing came from and the page's path are logged:
query strings and the sample of the offending code may carry what someone typed (a resident's
name in a search), so they are dropped.
"""

import json
import logging
from dataclasses import asdict
from urllib.parse import urlsplit

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.signals import setting_changed
from django.http import HttpResponse, HttpResponseBadRequest, RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

log = logging.getLogger("shanzhi.csp")
MAX_REPORT_BYTES = 16 * 1024


def _origin(uri):
    """'inline', 'eval', 'data' as browsers send them; otherwise the scheme and host only."""
    parts = urlsplit(uri or "")
    if not parts.scheme:
        return (uri or "")[:20]
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme


def summary(report):
    """The loggable part of one report (the csp-report body browsers POST)."""
    body = report.get("csp-report", report) if isinstance(report, dict) else {}
    if not isinstance(body, dict):
        body = {}
    return {
        "directive": str(body.get("effective-directive") or body.get("violated-directive") or "")[:60],
        "blocked": _origin(str(body.get("blocked-uri") or "")),
        "page": urlsplit(str(body.get("document-uri") or "")).path[:200],
    }


@csrf_exempt  # browsers send reports without a token, and the view changes nothing
@login_not_required  # a refused resource on the login page is reported too
@require_POST
def report(request):
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REPORT_BYTES:
        return HttpResponseBadRequest("report: too large")
    try:
        parsed = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError, RawPostDataException):
        # A form post (already parsed by core.inputs.InputGuardMiddleware) is no report either.
        return HttpResponseBadRequest("report: not JSON")
    log.warning("CSP refused %(directive)s from %(blocked)s on %(page)s", summary(parsed))
    return HttpResponse(status=204)


# --- the header ---------------------------------------------------------------------------------


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware (``process_response`` as in django-csp 4.0), its header built once
    per policy and process: django-csp builds the same string again for every response (a deep
    copy of the policy's parts and a join of every directive, a twentieth of an Open311 intake's
    CPU). A response with a policy of its own (django-csp's decorators) or a nonce is built as
    before; the settings' header is built again when the settings change (tests).

    Most responses have neither: for them the two headers, their excluded prefixes and the
    after-the-response nonce guard are the same every time, and are set without asking for the
    policy's parts again (``_plain``; ``core/tests/test_csp.py`` holds both paths to the same
    headers)."""

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or not _DECORATED.isdisjoint(response.__dict__)
            or (response.status_code in (500, 404) and settings.DEBUG)
        ):
            return self._each_part(request, response)
        for header, policy, prefixes in _plain():
            if policy and header not in response and not request.path_info.startswith(prefixes):
                response.headers[header] = policy
        request.csp_nonce = _AFTER_RESPONSE
        return response

    def _each_part(self, request, response):
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # Django's debug pages, as django-csp leaves them
        for report_only, header, setting, exempt in (
            (False, HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
        ):
            parts = self.get_policy_parts(request=request, response=response, report_only=report_only)
            policy = _header(parts, report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            if not request.path_info.startswith(_prefixes(setting)):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = _AFTER_RESPONSE
        return response


# What django-csp's decorators leave on a response (its policy of its own, or none).
_DECORATED = frozenset(
    f"_csp_{name}{suffix}" for name in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)
# ``request.csp_nonce`` once the header is written: reading it raises, every time (it never holds
# a value, so one object serves every request).
_AFTER_RESPONSE = csp_middleware.CheckableLazyObject(csp_middleware.CSPMiddleware._csp_nonce_post_response)


def _prefixes(setting):
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())


def _plain():
    """(header, the settings' policy, its excluded prefixes) for both headers, built once."""
    if "plain" not in _built:
        _built["plain"] = [
            (header, _header(csp_middleware.PolicyParts(), report_only), _prefixes(setting))
            for report_only, header, setting in (
                (False, HEADER, "CONTENT_SECURITY_POLICY"),
                (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
            )
        ]
    return _built["plain"]


_built = {}  # report_only -> the settings' header; "plain" -> ``_plain``


def _header(parts, report_only=False):
    if parts.config is None and parts.update is None and parts.replace is None and parts.nonce is None:
        if report_only not in _built:
            _built[report_only] = build_policy(report_only=report_only)
        return _built[report_only]
    return build_policy(**asdict(parts), report_only=report_only)


def _settings_changed(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


setting_changed.connect(_settings_changed, dispatch_uid="shanzhi.core.csp.settings_changed")
