"""Where browsers report what the Content-Security-Policy refused (the policy's report-uri).

Only the refused directive, where the blocked thing came from and the page's path are logged:
query strings and the sample of the offending code may carry what someone typed (a resident's
name in a search), so they are dropped.
"""

import json
import logging
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
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
