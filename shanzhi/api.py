"""One NinjaAPI for /api/v1/, mounting every app's router. Bearer tokens or the staff session."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import get_language
from django.views.defaults import page_not_found
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from shanzhi.accounts.middleware import owes_second_factor
from shanzhi.accounts.services import user_for_token
from shanzhi.core import apischema
from shanzhi.core.apischema import ErrorOut
from shanzhi.core.errors import DomainError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The staff session, unless it still owes its TOTP step (SecondFactorMiddleware lets /api/ pass)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and owes_second_factor(user):
            return None
        return user


class ShanzhiAPI(NinjaAPI):
    """LoginRequiredMiddleware would answer an anonymous API call with a redirect to the login page.

    Ninja authenticates every operation itself (401 without credentials) and the OpenAPI document
    is public, so its views are exempt; the Swagger page stays a staff page behind the login.
    (django-ninja issue #1461: ninja does not mark its views itself.)
    """

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if pattern.name != "openapi-view":
                login_not_required(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, built once per process and language: it depends only on the routers
        mounted at start-up, and building it walks every operation (seconds, on every request).

        Every operation may answer 400: core.inputs.InputGuardMiddleware refuses a refused
        character or unparsable JSON anywhere, and ninja refuses a malformed parameter, both in the
        ``{code, message, field}`` shape. The document says so for each of them."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())), get_language())
        cache = self.__dict__.setdefault("_schemas", {})
        if key not in cache:
            cache[key] = self._build_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return cache[key]

    def _build_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        refusal = {
            "description": "输入有误（字段见 field）",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema()
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault(400, refusal)
        return schema


class Renderer(JSONRenderer):
    """The responses written by orjson (``apischema.dumps``); what orjson refuses (an integer
    past 64 bits, echoed in a validation error) is written by ninja's own renderer."""

    def render(self, request, data, *, response_status):
        try:
            return apischema.dumps(data)
        except TypeError:  # orjson.JSONEncodeError is one
            return super().render(request, data, response_status=response_status)


api = ShanzhiAPI(
    renderer=Renderer(),
    title="善治 Shanzhi API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), VerifiedSession()],
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc):
    body = exc.as_dict()
    if getattr(exc, "changed", None):
        body["changed"] = exc.changed
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def _invalid_input(request, exc):
    """Input ninja itself refuses gets the same shape as a service's refusal, naming the field."""
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "payload", "filters")]
    body = {
        "code": "invalid",
        "message": f"输入有误：{first.get('msg', '')}",
        "field": ".".join(loc) or None,
        "errors": exc.errors,
    }
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "不存在"}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"code": "forbidden", "message": "无权执行此操作"}, status=403)


# The appeals first: the most used, and Django tries the patterns in order (issue 11). Their
# prefix is their own, so the order among the apps decides nothing else. Categories and metrics
# before the appeals router: its /{number} would take "categories" for an appeal number.
api.add_router("/appeals/categories", "shanzhi.appeals.api.categories.router")
api.add_router("/appeals/metrics", "shanzhi.appeals.api.metrics.router")
api.add_router("/appeals/", "shanzhi.appeals.api.router")
api.add_router("/registry/places/", "shanzhi.registry.api.places.router")
api.add_router("/registry/", "shanzhi.registry.api.router")
api.add_router("/coop/", "shanzhi.coop.api.router")
api.add_router("/volunteering/", "shanzhi.volunteering.api.router")
api.add_router("/property/", "shanzhi.property.api.router")


def not_found(request, exception=None):
    """``handler404``: a path under /api/ that no operation matches (an id the route's converter
    refuses, say) answers the API's JSON refusal, not the HTML page the pages get."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": "不存在", "field": None},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return page_not_found(request, exception)
