"""Each API schema has a name of its own. The OpenAPI document keys schemas by class name, so two
apps' ``UnitOut`` became one, and the registry's units were checked against the owners' roll's
shape (schemathesis found it; this says which names clash, at once)."""

from collections import defaultdict

from ninja import Schema

import shanzhi.api  # noqa: F401 - every router and its schemas


def _all(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all(sub)


def test_no_two_api_schemas_share_a_name():
    by_name = defaultdict(set)
    for schema in _all(Schema):
        if schema.__module__.startswith("shanzhi."):
            by_name[schema.__name__].add(schema.__module__)
    assert {name: mods for name, mods in by_name.items() if len(mods) > 1} == {}
