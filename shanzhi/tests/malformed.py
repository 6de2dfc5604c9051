"""Malformed requests against pages, the JSON API and Open311 (issue 12 §4), shared by the test
``shanzhi/tests/test_malformed.py`` and the count ``bench/malformed.py`` prints.

Each case is ``(label, who, method, url, options)``: ``who`` is a cast attribute (a session for
pages, a bearer token for /api/v1/) or ``None`` for an anonymous caller; ``options`` are the test
client's keyword arguments. Every case must answer below 500; the values in ``ALWAYS_REFUSED``
must answer 400 (or 404 when they sit in a path segment that no route accepts).
"""

from urllib.parse import quote

from shanzhi.appeals import services as appeals
from shanzhi.appeals.models import Appeal, Category

IN_A1 = (117.552, 34.862)

# The values that reached a 500 before the shared input layer (issue 12 §4).
BAD = {
    "nul": "a\x00b",
    "control": "a\x07b",
    "bidi": "a\u202eb",
    "superscript": "²",
    "arabic_digits": "١٢",
    "letters": "abc",
    "bad_date": "2026-99-99",
    "huge": "9" * 20,
    "huge_year": "9" * 20 + "-01-01",
    "negative": "-1",
    "long": "长" * 5000,
}
ALWAYS_REFUSED = {"nul", "control", "bidi"}

# JSON bodies that are no JSON at all, or that carry a lone surrogate (valid JSON, invalid text).
BAD_JSON = {
    "unparsable": '{"title": ',
    "surrogate": '{"title": "a\\ud800b", "description": "a\\udfffb", "note": "a\\ud800b"}',
    "not_object": "[1, 2",
}


def prepare(cast):
    """The objects the cases point at: two categories and one appeal in grid A1."""
    category = Category.objects.create(
        code="T9901",
        name="噪音（畸形输入测）",
        deadline_value=5,
        deadline_unit="workdays",
        default_handler_kind="grid",
    )
    appeal = appeals.submit(
        by=cast.jumin,
        channel=Appeal.Channel.WEB,
        title="楼上夜间噪音",
        description="每天夜里十二点后仍有很大的噪音。",
        category=category,
        lng=IN_A1[0],
        lat=IN_A1[1],
    )
    return category, appeal


def _q(value):
    return quote(value, safe="")


def _form_targets(cast, category, appeal):
    """Pages: (label, who, method, url-or-callable, data builder). ``v`` is the bad value."""
    n = appeal.number
    return [
        # The data centre's screens page, unit dashboard and the worklist's compound filter.
        ("page_dc_screen_node", "zhang", "post", "/dc/screens/", lambda v: {"node": v, "label": "大屏"}),
        (
            "page_dc_screen_label",
            "zhang",
            "post",
            "/dc/screens/",
            lambda v: {"node": cast.community.pk, "label": v},
        ),
        (
            "page_dc_company",
            "feng",
            "get",
            f"/dc/company/{cast.company.pk}/",
            lambda v: {"start": v, "grain": v},
        ),
        ("page_dc_points", "zhang", "get", f"/dc/{cast.community.pk}/points.json", lambda v: {"end": v}),
        (
            "page_worklist_compound",
            "zhang",
            "get",
            "/appeals/",
            lambda v: {"bucket": "all", "compound": v},
        ),
        (
            "page_submit_category",
            "jumin",
            "post",
            "/appeals/new/",
            lambda v: {
                "title": "噪音",
                "description": "夜里噪音",
                "category": v,
                "lng": IN_A1[0],
                "lat": IN_A1[1],
            },
        ),
        (
            "page_submit_text",
            "jumin",
            "post",
            "/appeals/new/",
            lambda v: {
                "title": v,
                "description": v,
                "category": category.pk,
                "lng": IN_A1[0],
                "lat": IN_A1[1],
                "address": v,
                "contact_name": v,
            },
        ),
        (
            "page_dispatch_to",
            "zhang",
            "post",
            f"/appeals/{n}/dispatch/",
            lambda v: {
                "to": f"user:{v}",
                "version": appeal.version,
            },
        ),
        ("page_accept_version", "zhang", "post", f"/appeals/{n}/accept/", lambda v: {"version": v}),
        (
            "page_need_household",
            "zhang",
            "post",
            "/coop/needs/",
            lambda v: {
                "title": "助老",
                "kind": "personal",
                "community": cast.community.pk,
                "household": v,
            },
        ),
        ("page_need_community", "zhang", "post", "/coop/needs/", lambda v: {"title": v, "community": v}),
        ("page_metrics_start", "zhang", "get", "/appeals/metrics/", lambda v: {"start": v, "end": v}),
        ("page_worklist_page", "zhang", "get", "/appeals/", lambda v: {"page": v, "category": v}),
        ("page_rankings_day", "zhang", "get", "/v/rankings/", lambda v: {"day": v, "node": v}),
        (
            "page_nearby_category",
            "jumin",
            "get",
            "/appeals/new/nearby/",
            lambda v: {
                "category": v,
                "lng": v,
                "lat": v,
            },
        ),
    ]


def _api_targets(cast, category, appeal):
    n = appeal.number
    return [
        ("api_list_page", "zhang", "get", "/api/v1/appeals/", lambda v: {"page": v, "category": v}),
        (
            "api_submit",
            "jumin",
            "json",
            "/api/v1/appeals/",
            lambda v: {
                "title": v,
                "description": v,
                "category": category.code,
                "lng": IN_A1[0],
                "lat": IN_A1[1],
                "address": v,
                "contact_name": v,
            },
        ),
        (
            "api_dispatch_to",
            "zhang",
            "json",
            f"/api/v1/appeals/{n}/dispatch",
            lambda v: {
                "to": f"user:{v}",
                "version": appeal.version,
            },
        ),
        ("api_accept_version", "zhang", "json", f"/api/v1/appeals/{n}/accept", lambda v: {"version": v}),
        (
            "api_rankings_day",
            "zhang",
            "get",
            "/api/v1/volunteering/rankings",
            lambda v: {"day": v, "node": v},
        ),
    ]


def _open311_targets(cast, category, key):
    def post(v):
        return {
            "api_key": key,
            "service_code": category.code,
            "lat": IN_A1[1],
            "long": IN_A1[0],
            "description": v,
            "first_name": v,
            "address_string": v,
        }

    return [
        ("o311_ids", None, "get", "/open311/v2/requests.json", lambda v: {"service_request_id": v}),
        ("o311_start", None, "get", "/open311/v2/requests.json", lambda v: {"start_date": v, "status": v}),
        ("o311_post", None, "post", "/open311/v2/requests.json", post),
        (
            "o311_post_point",
            None,
            "post",
            "/open311/v2/requests.json",
            lambda v: {
                "api_key": key,
                "service_code": v,
                "lat": v,
                "long": v,
                "description": "噪音",
            },
        ),
    ]


def cases(cast, category, appeal, key):
    """Every malformed request, ~165 of them."""
    out = []
    targets = (
        _form_targets(cast, category, appeal)
        + _api_targets(cast, category, appeal)
        + _open311_targets(cast, category, key)
    )
    for label, who, method, url, build in targets:
        for name, value in BAD.items():
            if method == "json":
                opts = {"data": build(value), "content_type": "application/json"}
                out.append((f"{label}[{name}]", who, "post", url, opts, name))
            else:
                out.append((f"{label}[{name}]", who, method, url, {"data": build(value)}, name))
    # Paths: a NUL or odd digits where a route expects an id or a code.
    for name in ("nul", "superscript", "huge"):
        v = _q(BAD[name])
        out += [
            (f"path_open311_request[{name}]", None, "get", f"/open311/v2/requests/{v}.json", {}, name),
            (f"path_org[{name}]", "zhang", "get", f"/org/{v}/", {}, name),
            (f"path_appeal[{name}]", "zhang", "get", f"/appeals/{v}/", {}, name),
            (f"path_api_appeal[{name}]", "zhang", "get", f"/api/v1/appeals/{v}", {}, name),
            (f"path_api_need[{name}]", "zhang", "get", f"/api/v1/coop/needs/{v}", {}, name),
        ]
    # JSON that does not parse, or carries a lone surrogate.
    for name, body in BAD_JSON.items():
        for url, who in (
            ("/api/v1/appeals/", "jumin"),
            (f"/api/v1/appeals/{appeal.number}/accept", "zhang"),
            ("/api/v1/coop/needs", "zhang"),
        ):
            opts = {"data": body, "content_type": "application/json"}
            out.append((f"json_{url}[{name}]", who, "post", url, opts, name))
    return out


def run(client_factory, cast, cases_list, token_for):
    """Fires every case; returns ``[(label, value_name, status)]``."""
    results = []
    for label, who, method, url, opts, name in cases_list:
        client = client_factory()
        headers = {}
        if who and (url.startswith("/api/")):
            headers["Authorization"] = f"Bearer {token_for(getattr(cast, who))}"
        elif who:
            client.force_login(getattr(cast, who))
        response = getattr(client, method)(url, headers=headers, **opts)
        results.append((label, name, response.status_code, response))
    return results
