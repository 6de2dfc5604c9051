"""The API pieces every app's routers share: the schema base, the error body, the error responses,
pagination.

Declared once so every endpoint documents the same ``{code, message, field}`` refusal that
``shanzhi.api``'s exception handlers write, and every list pages the same way.
"""

import datetime
import json
from typing import Annotated

import ninja
import orjson
from django.http import HttpResponse
from ninja import Field
from ninja.pagination import PageNumberPagination
from ninja.responses import NinjaJSONEncoder
from ninja.schema import DjangoGetter
from pydantic import WithJsonSchema, model_validator

from .inputs import MAX_PAGE


class Schema(ninja.Schema):
    """ninja's ``Schema``, the base of every schema of the project's API, with one change: what a
    request sends (its JSON body, its query's parameters: a plain ``dict`` of what JSON or a query
    string can hold) is validated as it is, when the schema has no ``resolve_*`` method.

    ninja wraps whatever it validates in a ``DjangoGetter``, so that a model instance's attributes,
    managers and files can be read as fields; pydantic then asks it for each field by name, in
    Python, with an exception for each field the body leaves out. For such a dict that wrapper
    reads the same keys and converts nothing (no JSON value is a manager, a queryset, a callable or
    a file), so the dict goes straight to pydantic's own validation, with the same result: the
    wrapper took a twentieth of a JSON API intake's CPU (issue 11). An answer (ninja validates it
    with ``response_status`` in the context: its dicts may hold querysets), anything but a plain
    dict, and any dict given to a schema with resolvers go through ninja's own path below (its
    ``_run_root_validator``, which this one replaces by name, as pydantic lets a subclass do).
    ``core/tests/test_apischema.py`` checks the two paths against each other."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if (
            type(values) is dict
            and not cls._ninja_resolvers
            and "response_status" not in (info.context or ())
        ):
            return handler(values)
        # ninja 1.x's own (ninja/schema.py).
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    changed: dict | None = None


# A local time of day as pydantic writes it ("11:00:00"). JSON Schema's ``format: time`` is RFC 3339's
# full-time, which requires an offset ("11:00:00+08:00"): declaring it would make every response a
# schema violation (issue 12 §4), so the document states the pattern that is actually sent.
LocalTime = Annotated[
    datetime.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?$",
            "description": "当地时间 HH:MM:SS",
        }
    ),
]


# The refusals a service can answer with (see core.errors.DomainError and its subclasses).
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class Pages(PageNumberPagination):
    """Page-number pagination in the database (only the requested page is fetched) that hands the
    page it returns to ``prepare(user, rows)``: masking, labels and whatever a row needs from its
    user are set per page, exactly as the pages do it."""

    class Input(Schema):
        # Bounded: a 20-digit page number would overflow the query's OFFSET (a 400, not a 500).
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)

    def __init__(self, *, prepare=None, page_size=50, max_page_size=200, **kwargs):
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)
        self.prepare = prepare

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.prepare is not None:
            # A public endpoint (``auth=None``) has no ``request.auth``: its rows are prepared for nobody.
            user = getattr(request, "auth", None)
            page[self.items_attribute] = self.prepare(user, page[self.items_attribute])
        return page


# --- writing JSON ---------------------------------------------------------------------------------

_default = NinjaJSONEncoder().default
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def dumps(data):
    """``data`` as JSON bytes, UTF-8 as it is, by orjson (the standard library's encoder, ninja's,
    was a tenth of an API submission's CPU). What orjson does not write itself (times, Decimals,
    lazy translations, pydantic models) goes through ninja's encoder, so times read as they did
    (Django's format). Raises TypeError for what orjson refuses (an integer past 64 bits)."""
    return orjson.dumps(data, default=_default, option=_OPTIONS)


def as_is(body, status=200):
    """The response of an operation whose ``body`` is already in its response schema's shape,
    written without ninja validating it against the schema and dumping it again (as much CPU as
    building it: the JSON API's intake, issue 11). Only for a body made by a function that a test
    checks against the schema, branch by branch (``appeals/tests/test_api_shapes.py``). What
    orjson refuses (an integer past 64 bits) is written by the standard library's encoder."""
    try:
        content = dumps(body)
    except TypeError:  # orjson.JSONEncodeError is one
        content = json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type="application/json; charset=utf-8")
