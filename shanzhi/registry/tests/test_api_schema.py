"""Real responses of the registry API checked against the OpenAPI document that describes them.

jsonschema is not a dependency, so a small checker covers the part of JSON Schema that ninja
emits ($ref, type, properties, required, items, anyOf, enum, const). It is stricter than JSON
Schema in one way: an object with declared properties may not carry keys the document does not
name, so a field added to a response without its schema (or removed from it) fails here.
"""

import json

import pytest

from shanzhi.accounts.services import issue_api_token
from shanzhi.tests.cast import square

API = "/api/v1/registry/"
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _resolve(schema, doc):
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = doc["components"]["schemas"][name]
    return schema


def _errors(value, schema, doc, at="$"):
    """Every way ``value`` departs from ``schema``, as readable strings (empty when it conforms)."""
    schema = _resolve(schema, doc)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        if any(not _errors(value, option, doc, at) for option in options):
            return []
        return [f"{at}: matches none of {len(options)} alternatives"]
    problems = []
    if "const" in schema and value != schema["const"]:
        problems.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{at}: {value!r} not in {schema['enum']}")
    expected = schema.get("type")
    if expected is not None:
        kinds = expected if isinstance(expected, list) else [expected]
        is_bool = isinstance(value, bool)
        if not any(isinstance(value, TYPES[k]) and (k == "boolean" or not is_bool) for k in kinds):
            return [*problems, f"{at}: {type(value).__name__} is not {expected}"]
    if isinstance(value, dict):
        problems += _object_errors(value, schema, doc, at)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += _errors(item, schema["items"], doc, f"{at}[{i}]")
    return problems


def _object_errors(value, schema, doc, at):
    properties = schema.get("properties", {})
    problems = [f"{at}: missing {key!r}" for key in schema.get("required", []) if key not in value]
    if properties and not schema.get("additionalProperties"):
        problems += [f"{at}: {key!r} is not in the document" for key in value if key not in properties]
    for key, sub in properties.items():
        if key in value:
            problems += _errors(value[key], sub, doc, f"{at}.{key}")
    return problems


# (method, path as the document names it, how to fill it from the cast, body, expected status)
CALLS = [
    # keeping the network (street staff 刘街道 keeps community A's places)
    (
        "post",
        "places/nodes/{code}/children",
        lambda c: {"code": c.community.code},
        {"code": "370402001001009", "name": "第九网格"},
        201,
    ),
    ("patch", "places/nodes/{code}", lambda c: {"code": c.grid.code}, {"name": "第一网格（新）"}, 200),
    ("post", "places/nodes/{code}/retire", lambda c: {"code": c.grid.code}, {"reason": "合并"}, 400),
    (
        "post",
        "places/nodes/{code}/compounds",
        lambda c: {"code": c.community.code},
        {"name": "文档小区"},
        201,
    ),
    ("patch", "places/compounds/{pk}", lambda c: {"pk": c.compound.pk}, {"name": "幸福小区二期"}, 200),
    ("post", "places/compounds/{pk}/retire", lambda c: {"pk": c.compound.pk}, {"reason": "并入"}, 400),
    (
        "post",
        "places/compounds/{pk}/buildings",
        lambda c: {"pk": c.compound.pk},
        {"name": "9号楼", "grid": "370402001001001"},
        201,
    ),
    ("patch", "places/buildings/{pk}", lambda c: {"pk": c.building.pk}, {"name": "1号楼A", "floors": 6}, 200),
    (
        "post",
        "places/buildings/{pk}/move",
        lambda c: {"pk": c.building.pk},
        {"grid": "370402001001002", "reason": "网格调整"},
        200,
    ),
    ("post", "places/buildings/{pk}/retire", lambda c: {"pk": c.building.pk}, {"reason": "拆除"}, 400),
    ("get", "nodes", None, None, 200),
    ("get", "nodes/{code}", lambda c: {"code": c.street.code}, None, 200),
    ("get", "nodes/{code}", lambda c: {"code": "000000"}, None, 404),
    ("get", "nodes/{code}/boundary", lambda c: {"code": c.grid.code}, None, 200),
    ("get", "nodes/{code}/boundary", lambda c: {"code": c.community.code}, None, 200),
    ("put", "nodes/{code}/boundary", lambda c: {"code": c.grid.code}, square(117.56, 34.87), 200),
    ("put", "nodes/{code}/boundary", lambda c: {"code": c.grid.code}, {"type": "Point"}, 400),
    ("get", "grid-health", None, None, 200),
    ("get", "households/{household_id}", lambda c: {"household_id": c.household.pk}, None, 200),
    ("get", "residents", None, None, 200),
    ("post", "residents/search", None, {"q": "幸福"}, 200),
    ("get", "residents/{resident_id}", lambda c: {"resident_id": c.resident.pk}, None, 200),
    (
        "post",
        "residents/{resident_id}/reveal",
        lambda c: {"resident_id": c.resident.pk},
        {"field": "phone", "reason": "上门核对联系方式"},
        200,
    ),
    (
        "post",
        "residents/{resident_id}/reveal",
        lambda c: {"resident_id": c.resident.pk},
        {"field": "phone"},
        400,
    ),
    ("get", "units", None, None, 200),
    ("get", "party-orgs", None, None, 200),
    ("get", "property-companies", None, None, 200),
]


@pytest.fixture
def document(client, db):
    return json.loads(client.get("/api/v1/openapi.json").content)


def test_every_registry_operation_is_checked_here(document):
    documented = {
        (method, path.removeprefix(API))
        for path, operations in document["paths"].items()
        if path.startswith(API)
        for method in operations
    }
    assert documented == {(method, path) for method, path, *_ in CALLS}


@pytest.mark.parametrize(
    ("method", "path", "fill", "body", "status"),
    CALLS,
    ids=[f"{m}-{p}-{s}" for m, p, _f, _b, s in CALLS],
)
def test_response_matches_the_document(client, cast, document, method, path, fill, body, status):
    # A street-level reveal-capable user who may also edit boundaries does not exist (separate
    # roles by design), so writes to the tree use the district staff account.
    user = cast.sun if path.startswith("nodes/{code}/boundary") and method == "put" else cast.liu
    token = issue_api_token(user)
    url = API + path.format(**fill(cast)) if fill else API + path
    kwargs = {"headers": {"Authorization": f"Bearer {token}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status, response.content

    described = document["paths"][API + path][method]["responses"]
    assert str(status) in described, f"status {status} is not documented for {method.upper()} {path}"
    schema = described[str(status)]["content"]["application/json"]["schema"]
    assert _errors(response.json(), schema, document) == []


def test_checker_catches_drift(document):
    """The checker itself must fail on an undocumented key, a missing one and a wrong type."""
    schema = document["paths"][API + "nodes"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    good = {
        "code": "1",
        "name": "n",
        "level": "grid",
        "parent_code": None,
        "grids": 1,
        "households": 0,
        "residents": 0,
    }
    assert _errors([good], schema, document) == []
    assert _errors([{**good, "id_number": "x"}], schema, document)
    assert _errors([{k: v for k, v in good.items() if k != "households"}], schema, document)
    assert _errors([{**good, "grids": "1"}], schema, document)
    assert _errors([{**good, "grids": True}], schema, document)
