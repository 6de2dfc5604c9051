"""One NinjaAPI for /api/v1/, mounting every app's router. Bearer tokens or the staff session."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from shanzhi.accounts.services import user_for_token
from shanzhi.core.errors import DomainError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="善治 Shanzhi API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc):
    body = exc.as_dict()
    if getattr(exc, "changed", None):
        body["changed"] = exc.changed
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "不存在"}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"code": "forbidden", "message": "无权执行此操作"}, status=403)


api.add_router("/registry/", "shanzhi.registry.api.router")
