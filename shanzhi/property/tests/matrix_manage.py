"""Matrix rows for keeping red property over the API (companies, schemes, periods, lists,
supervision, credit rules), the pages that open a period and keep the credit rules and a closed vote's tally and sealed-result downloads.
Written out by hand from the scope rules. Bodies are well formed but refused by the rule (a bad
credit code, a published version, a period that exists, no scores yet, an empty note), so those
who may act get the 400 naming the field and nothing changes between roles; the others 403 or
404 (out of scope)."""

import datetime

from django.utils import timezone

from ..models import Disclosure
from ..services import evaluations
from .matrix_red import KEEPERS, SEES_CO, SEES_DISTRICT, SEES_PERIOD, VIEWERS, _api, _at_a1, red_objects


def _company(cast, rel):
    co = red_objects(cast).companies.get(rel)
    return {"company_id": co.pk} if co else None


def _action(cast, rel):
    a = red_objects(cast).actions.get(rel)
    return {"action_id": a.pk} if a else None


_version = _at_a1(lambda r: {"version_id": r.version.pk})
_period = _at_a1(lambda r: {"period_id": r.period.pk})
_standing = _at_a1(lambda r: {"list_id": r.standing.pk})
DISTRICT = {"district_staff"}
LIST_STAFF = {"district_staff", "street_staff"}


def disclosure_objects(cast):
    """A finished quarter of the fixtures' district, published already (so publishing it again is
    the district's 400 naming the period, and nothing changes between roles)."""
    r = red_objects(cast)
    if not hasattr(r, "disclosure"):
        quarter = evaluations.scheduled_quarter(cast.district, datetime.date(2026, 4, 1))
        r.disclosure = Disclosure.objects.create(period=quarter, figures=[], published_at=timezone.now())
    return r.disclosure


def _public(role, rel):
    return 200


def _disclosed(make):
    def kwargs(cast, rel):
        return make(disclosure_objects(cast)) if rel == "a1" else None

    return kwargs


CONTRACT = {
    "compound": 2**40,  # unknown: read as out of reach, a 400 naming compound
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "fee_per_m2": "2.50",
    "level": "one",
}
INDICATOR = {"item": 2**40, "name": "巡查", "rule": "points", "source": "inspection", "max_points": "5"}
CREDIT_RULES = {
    **dict.fromkeys(("interview", "rectify", "exit", "red", "black"), "1"),
    "grade_a": "90",
    "grade_b": "70",
    "grade_c": "70",
}
RULES = {"red_top_n": 3, "red_min_score": "90", "black_bottom_n": 2, "black_below": "95"}

API_ROWS = [
    ("api:property_company_edit", "post", _company, {"credit_code": "X"}, _api(SEES_CO, KEEPERS, ok=400)),
    ("api:property_company_contact", "post", _company, {"name": ""}, _api(SEES_CO, KEEPERS, ok=400)),
    ("api:property_company_contract", "post", _company, CONTRACT, _api(SEES_CO, KEEPERS, ok=400)),
    # The version is published: adding to it, publishing it, or a next version dated before it: 400.
    ("api:property_version_item", "post", _version, {"name": "项目"}, _api(SEES_DISTRICT, DISTRICT, ok=400)),
    ("api:property_version_indicator", "post", _version, INDICATOR, _api(SEES_DISTRICT, DISTRICT, ok=400)),
    ("api:property_version_publish", "post", _version, None, _api(SEES_DISTRICT, DISTRICT, ok=400)),
    (
        "api:property_version_new",
        "post",
        _version,
        {"effective_from": "2025-01-01"},
        _api(SEES_DISTRICT, DISTRICT, ok=400),
    ),
    ("api:property_periods", "get", None, None, _api(None, VIEWERS)),
    # The fixtures' half-year exists already.
    (
        "api:property_period_new",
        "post",
        None,
        lambda cast, rel: red_objects(cast) and {"kind": "half", "starts_on": "2026-07-01"},
        _api(None, DISTRICT, ok=400),
    ),
    ("api:property_list_rules", "get", None, None, _api(None, DISTRICT)),
    ("api:property_list_rules_set", "post", None, RULES, _api(None, DISTRICT, ok=400)),
    ("api:property_list_propose", "post", _period, None, _api(SEES_PERIOD, DISTRICT, ok=400)),
    ("api:property_list_approve", "post", _standing, None, _api(SEES_PERIOD, {"street_staff"})),
    ("api:property_supervise", "post", _company, {"kind": "", "reason": ""}, _api(SEES_CO, KEEPERS, ok=400)),
    ("api:property_supervision", "get", _action, None, _api(SEES_CO, VIEWERS)),
    (
        "api:property_supervision_note",
        "post",
        _action,
        {"note": ""},
        _api(SEES_CO, KEEPERS | {"property_staff"}, ok=400),
    ),
    ("api:property_supervision_close", "post", _action, {"note": ""}, _api(SEES_CO, KEEPERS, ok=400)),
    # The district's credit rules: C not below B, so district staff get the 400 naming grade_c.
    ("api:property_credit_rules", "get", None, None, _api(None, DISTRICT)),
    ("api:property_credit_rules_set", "put", None, CREDIT_RULES, _api(None, DISTRICT, ok=400)),
    # Reads: the lists (public: approved; staff: proposed too), the published disclosures (public),
    # the schemes, a company's supervision and the evaluations' export.
    ("api:property_public_lists", "get", None, None, _public),
    ("api:property_lists", "get", None, None, _api(None, LIST_STAFF)),
    ("api:property_disclosure_districts", "get", None, None, _public),
    (
        "api:property_public_disclosures",
        "get",
        _disclosed(lambda d: {"district_id": d.period.district_id}),
        None,
        _public,
    ),
    ("api:property_public_disclosure", "get", _disclosed(lambda d: {"disclosure_id": d.pk}), None, _public),
    # Already published: the district's 400 naming the period.
    (
        "api:property_disclosure_publish",
        "post",
        _disclosed(lambda d: {"period_id": d.period_id}),
        None,
        _api(SEES_PERIOD, DISTRICT, ok=400),
    ),
    ("api:property_schemes", "get", None, None, _api(None, VIEWERS)),
    (
        "api:property_scheme",
        "get",
        _at_a1(lambda r: {"scheme_id": r.version.scheme_id}),
        None,
        _api(SEES_DISTRICT, VIEWERS),
    ),
    ("api:property_company_supervision", "get", _company, None, _api(SEES_CO, VIEWERS)),
    ("api:property_evaluations_export", "get", _period, None, _api(SEES_PERIOD, VIEWERS)),
]


def page_rows(Row):
    from .matrix import SEES, VIEW, _vote

    return [
        # GET: the form; POST empty: the district's refusal naming the field.
        Row("property:period_new", may=DISTRICT),
        Row("property:period_new", "post", may=DISTRICT, ok=400),
        # The credit rules: the form; POST empty: the refusal naming the first field.
        Row("property:credit_rules", may=DISTRICT),
        Row("property:credit_rules", "post", may=DISTRICT, ok=400),
        Row("property:vote_tally_xlsx", obj=_vote("closed"), sees=SEES, may=VIEW),
        Row("property:vote_sealed_pdf", obj=_vote("closed"), sees=SEES, may=VIEW),
        # Quarterly disclosure: the district's page; publishing a quarter already published: 400.
        Row("property:disclosures", may=DISTRICT),
        Row(
            "property:disclosure_publish",
            "post",
            obj=_disclosed(lambda d: {"period": d.period_id}),
            sees=SEES_PERIOD,
            may=DISTRICT,
            ok=400,
        ),
    ]
