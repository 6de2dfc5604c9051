"""``core.apischema.Schema``: what a request sends is validated without ninja's ``DjangoGetter``,
with the same result as through it (issue 11)."""

import pydantic
import pytest
from ninja.schema import DjangoGetter

import shanzhi.api  # noqa: F401 - every router and its schemas
from shanzhi.core.apischema import Schema


def _all(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all(sub)


SCHEMAS = sorted(
    (s for s in _all(Schema) if s.__module__.startswith("shanzhi.")), key=lambda s: (s.__module__, s.__name__)
)
REQUEST = {"request": None}  # as ninja validates what a request sends
ANSWER = {"request": None, "response_status": 200}  # as ninja validates an answer: its own path


def _outcome(schema, values, context):
    try:
        found = schema.model_validate(values, context=context)
    except pydantic.ValidationError as exc:
        return "refused", sorted((e["type"], e["loc"], e["msg"]) for e in exc.errors())
    return "valid", found.model_dump(), sorted(found.model_fields_set)


def _bodies(schema):
    fields = schema.model_fields
    names = [f.alias or name for name, f in fields.items()]
    yield {}
    for value in ("1", 1, 1.5, True, None, "", "x" * 300, [1, "a"], {"a": 1}, "2026-12-31", "\x00"):
        yield dict.fromkeys(names, value)
    for name in names:  # each field alone
        yield {name: "1"}
    yield {**dict.fromkeys(names, "1"), "not_a_field": 1}


def test_every_api_schema_is_the_projects_own():
    assert len(SCHEMAS) > 100


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: f"{s.__module__.rsplit('.', 2)[-2]}.{s.__name__}")
def test_a_request_body_is_validated_as_ninja_validates_it(schema):
    """For each schema and each body: valid or refused alike, the same values and fields set, the
    same errors, by the direct path as by ninja's (the answer's context takes ninja's)."""
    for body in _bodies(schema):
        assert _outcome(schema, body, REQUEST) == _outcome(schema, body, ANSWER), body


def test_the_direct_path_is_taken_for_a_request_and_not_for_an_answer(monkeypatch):
    from shanzhi.appeals.api import SubmitIn

    wrapped = []
    real_init = DjangoGetter.__init__

    def spy(self, obj, schema_cls, context=None):
        wrapped.append(schema_cls)
        real_init(self, obj, schema_cls, context)

    monkeypatch.setattr(DjangoGetter, "__init__", spy)
    SubmitIn.model_validate({"title": "t", "lng": 1}, context=REQUEST)
    assert wrapped == []
    SubmitIn.model_validate({"title": "t", "lng": 1}, context=ANSWER)
    assert wrapped == [SubmitIn]
