from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.i18n import set_language

from .api import api
from .core import csp


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# A connection lost inside a middleware (the session saved at the end of a request) answers 503.
handler500 = "shanzhi.core.middleware.server_error"

# The machine-facing prefixes first: Django tries the patterns in order, and an API call or an
# Open311 read should not be matched against every page's pattern before its own (issue 11).
# No page pattern begins with these prefixes, so the order decides nothing else.
urlpatterns = [
    path("api/v1/", api.urls),
    path("open311/", include("shanzhi.appeals.views.open311")),
    path("", include("shanzhi.registry.urls")),
    path("", include("shanzhi.accounts.urls")),
    path("admin-tools/", include("shanzhi.accounts.admin_urls")),
    path("coop/", include("shanzhi.coop.urls")),
    path("v/", include("shanzhi.volunteering.urls")),
    path("property/", include("shanzhi.property.urls")),
    path("dc/", include("shanzhi.datacentre.urls")),
    path("appeals/", include("shanzhi.appeals.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("csp-report", csp.report, name="csp_report"),
]

handler404 = "shanzhi.api.not_found"
