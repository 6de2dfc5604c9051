"""Answer a lost database connection with 503 and Retry-After instead of a 500.

``process_exception`` sees what a view raised, after ``atomic()`` (the service's transaction) has
been left; ``server_error`` (the project's handler500) sees what a middleware raised, such as the
session being saved at the end of a request. Both answer through ``unavailable``.
"""

import logging
import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from .dbfaults import RETRY_AFTER, drop_broken_connections, is_connection_error

logger = logging.getLogger(__name__)


def unavailable(request, exc):
    """503 in the shape the caller reads: ErrorOut for /api/, Open311's error list (JSON or XML),
    a plain page for people. The page renders without the request's context processors, which
    would query the database that just went away."""
    drop_broken_connections()
    # The path only, never the query string: it may carry what the access log must not.
    logger.warning("database unavailable during %s %s: %s", request.method, request.path, type(exc).__name__)
    message = _("系统暂时无法访问数据库，请稍后重试。")
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "unavailable", "message": message, "field": None}, status=503)
    elif request.path.startswith("/open311/") and request.path.endswith(".xml"):
        body = f"<?xml version='1.0' encoding='utf-8'?>\n<errors><error><code>503</code><description>{escape(message)}</description></error></errors>"
        response = HttpResponse(body, content_type="text/xml; charset=utf-8", status=503)
    elif request.path.startswith("/open311/"):
        response = JsonResponse(
            [{"code": 503, "description": message}],
            status=503,
            safe=False,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_connection_error(exception):
            return unavailable(request, exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a connection lost outside the view (in a middleware) is still a 503."""
    exc = sys.exc_info()[1]
    if exc is not None and is_connection_error(exc):
        return unavailable(request, exc)
    return defaults.server_error(request, template_name)
