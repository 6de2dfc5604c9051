"""Matrix rows for red property's companies, schemes and evaluations (pages and API), written out
by hand from the scope rules. Objects per relation: the company serving a compound there (a1: 安居
物业, 幸福小区, whose staff is 冯物业; b: 宜家物业, 和谐小区; c: 西苑物业, 西苑小区; a2: none),
its evaluation of the period with an inspection entry carrying a photo; the district's scheme
version and period, and a finished run (a1)."""

import io

from django.core.files.base import ContentFile
from PIL import Image

from ..models import EvaluationEntry, EvaluationRun, StandingList, SupervisionAction
from ..services import evaluations
from .conftest import build_red

NODE_STAFF = {
    "grid_worker",
    "community_staff",
    "community_secretary",
    "street_staff",
    "district_staff",
    "district_leader",
}
COMMUNITY_UP = NODE_STAFF - {"grid_worker"}
ALL = NODE_STAFF | {
    "anonymous",
    "resident",
    "department_handler",
    "property_staff",
    "unit_member",
    "volunteer",
    "system_admin",
    "security_admin",
    "audit_admin",
    "no_role",
}
VIEWERS = NODE_STAFF | {"property_staff"}
KEEPERS = {"street_staff", "district_staff"}
# Who sees a company (and its evaluation) at each relation: node staff over a compound it serves,
# the district's staff, and its own staff.
SEES_CO = {
    "a1": NODE_STAFF | {"property_staff"},
    "a2": set(),
    "b": {"street_staff", "district_staff", "district_leader"},
    "c": {"district_staff", "district_leader"},
}
# The district's scheme is read by everyone working in the district.
SEES_DISTRICT = {"a1": VIEWERS, "a2": set(), "b": set(), "c": set()}
# Periods are the district's: anyone with a grant in it (a resident and a volunteer too) finds one.
SEES_PERIOD = {"a1": VIEWERS | {"resident", "volunteer"}, "a2": set(), "b": set(), "c": set()}
SEES_RUN = {"a1": {"district_staff"}, "a2": set(), "b": set(), "c": set()}


def red_objects(cast):
    if hasattr(cast, "_red_objects"):
        return cast._red_objects
    r = build_red(cast)
    companies = {"a1": cast.company, "b": cast.company2, "c": r.company3}
    r.companies = companies
    r.evaluations = {rel: evaluations.evaluation_of(co, r.period) for rel, co in companies.items()}
    r.entries = {}
    for rel, ev in r.evaluations.items():
        jpeg = io.BytesIO()
        Image.new("RGB", (8, 8), "gray").save(jpeg, format="JPEG")
        entry = EvaluationEntry(evaluation=ev, indicator=r.rules, value=8, by=cast.zhang)
        entry.photo.save("inspection.jpg", ContentFile(jpeg.getvalue()), save=True)
        r.entries[rel] = entry
    r.run = EvaluationRun.objects.create(period=r.period, started_by=cast.sun, status="done", total=3, done=3)
    r.standing = StandingList.objects.create(period=r.period, proposed_by=cast.sun)
    r.actions = {
        rel: SupervisionAction.objects.create(
            company=co, kind="interview", reason="约谈", created_by=cast.sun
        )
        for rel, co in companies.items()
    }
    cast._red_objects = r
    return r


def _company(cast, rel):
    co = red_objects(cast).companies.get(rel)
    return {"pk": co.pk} if co else None


def _evaluation(cast, rel):
    ev = red_objects(cast).evaluations.get(rel)
    return {"pk": ev.pk} if ev else None


def _entry(key):
    def kwargs(cast, rel):
        entry = red_objects(cast).entries.get(rel)
        return {key: entry.pk} if entry else None

    return kwargs


def _action(cast, rel):
    a = red_objects(cast).actions.get(rel)
    return {"pk": a.pk} if a else None


def _inspect(cast, rel):
    r = red_objects(cast)
    co = r.companies.get(rel)
    return {"period": r.period.pk, "company": co.pk} if co else None


def _at_a1(make):
    def kwargs(cast, rel):
        return make(red_objects(cast)) if rel == "a1" else None

    return kwargs


def page_rows(Row):
    version = _at_a1(lambda r: {"pk": r.version.pk})
    return [
        Row("property:companies", may=VIEWERS),
        Row("property:company", obj=_company, sees=SEES_CO, may=VIEWERS),
        # Empty forms: the keepers get the refusal naming the field.
        Row("property:company_edit", "post", obj=_company, sees=SEES_CO, may=KEEPERS, ok=400),
        Row("property:company_contact", "post", obj=_company, sees=SEES_CO, may=KEEPERS, ok=400),
        Row("property:company_contract", "post", obj=_company, sees=SEES_CO, may=KEEPERS, ok=400),
        Row("property:schemes", may=VIEWERS),
        Row("property:scheme_version", obj=version, sees=SEES_DISTRICT, may=VIEWERS),
        # The version is published: adding to it or publishing it again is refused (400).
        Row("property:version_item", "post", obj=version, sees=SEES_DISTRICT, may={"district_staff"}, ok=400),
        Row(
            "property:version_indicator",
            "post",
            obj=version,
            sees=SEES_DISTRICT,
            may={"district_staff"},
            ok=400,
        ),
        Row(
            "property:version_publish",
            "post",
            obj=version,
            sees=SEES_DISTRICT,
            may={"district_staff"},
            ok=400,
        ),
        Row("property:version_new", "post", obj=version, sees=SEES_DISTRICT, may={"district_staff"}, ok=400),
        Row("property:evaluations", may=VIEWERS),
        Row("property:evaluation", obj=_evaluation, sees=SEES_CO, may=VIEWERS),
        Row("property:inspect", obj=_inspect, sees=SEES_CO, may=COMMUNITY_UP),
        # An inspection photo: whoever sees the evaluation (the company's staff too: its evidence).
        Row("property:entry_photo", obj=_entry("pk"), sees=SEES_CO, may=VIEWERS),
        Row(
            "property:run_start",
            "post",
            obj=_at_a1(lambda r: {"period": r.period.pk}),
            sees=SEES_PERIOD,
            may={"district_staff"},
        ),
        Row("property:run", obj=_at_a1(lambda r: {"pk": r.run.pk}), sees=SEES_RUN, may={"district_staff"}),
        Row("property:rate", may={"resident"}),
        Row("property:lists", may={"district_staff", "street_staff"}),
        Row(
            "property:evaluations_export",
            obj=_at_a1(lambda r: {"period": r.period.pk}),
            sees=SEES_PERIOD,
            may=VIEWERS,
        ),
        # Empty rules, and a proposal before any score: the district's refusal naming the field.
        Row("property:list_rules", "post", may={"district_staff"}, ok=400),
        Row(
            "property:list_propose",
            "post",
            obj=_at_a1(lambda r: {"period": r.period.pk}),
            sees=SEES_PERIOD,
            may={"district_staff"},
            ok=400,
        ),
        Row(
            "property:list_approve",
            "post",
            obj=_at_a1(lambda r: {"pk": r.standing.pk}),
            sees=SEES_PERIOD,
            may={"street_staff"},
        ),
        # Empty forms: a 400 naming the field for those who may act (the company's staff reply).
        Row("property:supervise", "post", obj=_company, sees=SEES_CO, may=KEEPERS, ok=400),
        Row("property:supervision", obj=_action, sees=SEES_CO, may=VIEWERS),
        Row(
            "property:supervision_note",
            "post",
            obj=_action,
            sees=SEES_CO,
            may=KEEPERS | {"property_staff"},
            ok=400,
        ),
        Row("property:supervision_close", "post", obj=_action, sees=SEES_CO, may=KEEPERS, ok=400),
        Row("property:public_lists", may=ALL, anonymous=200),
        Row("property:public_disclosure", may=ALL, anonymous=200),
        Row("property:rate", "post", may={"resident"}, data=lambda c, r: red_objects(c) and {"stars": "4"}),
    ]


def _api(sees, may, ok=200):
    def expected(role, rel):
        if role == "anonymous":
            return 401
        if rel is not None and sees is not None and role not in sees[rel]:
            return 404
        return ok if role in may else 403

    return expected


def _api_company(cast, rel):
    co = red_objects(cast).companies.get(rel)
    return {"company_id": co.pk} if co else None


def _api_evaluation(cast, rel):
    ev = red_objects(cast).evaluations.get(rel)
    return {"evaluation_id": ev.pk} if ev else None


def _api_enter(cast, rel):
    r = red_objects(cast)
    co = r.companies.get(rel)
    return {"period_id": r.period.pk, "company_id": co.pk} if co else None


def _rating(cast, rel):
    return {"period": red_objects(cast).period.pk, "stars": 4}


def _rate(role, rel):
    return {"anonymous": 401, "resident": 200}.get(role, 403)


API_ROWS = [
    ("api:property_companies", "get", None, None, _api(None, VIEWERS)),
    ("api:property_company", "get", _api_company, None, _api(SEES_CO, VIEWERS)),
    ("api:property_company_credit", "get", _api_company, None, _api(SEES_CO, VIEWERS)),
    (
        "api:property_scheme_version",
        "get",
        _at_a1(lambda r: {"version_id": r.version.pk}),
        None,
        _api(SEES_DISTRICT, VIEWERS),
    ),
    ("api:property_evaluations", "get", None, None, _api(None, VIEWERS)),
    ("api:property_evaluation", "get", _api_evaluation, None, _api(SEES_CO, VIEWERS)),
    # No indicator in the form: those who may inspect get the refusal naming it.
    ("api:property_enter", "post", _api_enter, None, _api(SEES_CO, COMMUNITY_UP, ok=400)),
    ("api:property_rate", "post", None, _rating, _rate),
    ("api:property_entry_photo", "get", _entry("entry_id"), None, _api(SEES_CO, VIEWERS)),
    (
        "api:property_run_start",
        "post",
        _at_a1(lambda r: {"period_id": r.period.pk}),
        None,
        _api(SEES_PERIOD, {"district_staff"}, ok=201),
    ),
    (
        "api:property_run",
        "get",
        _at_a1(lambda r: {"run_id": r.run.pk}),
        None,
        _api(SEES_RUN, {"district_staff"}),
    ),
]
