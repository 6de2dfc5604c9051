"""The moves the assessment counts on: the two-question return visit and its unreachable tries,
invalid rulings (不予受理 with an invalid kind, also after acceptance), the response limit, and the
summoned departments' own figures, through the services, the pages and the API."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shanzhi.accounts import permissions
from shanzhi.accounts.services import issue_api_token
from shanzhi.appeals import metrics, services
from shanzhi.appeals.models import Appeal, AppealEvent, InvalidKind, MetricsRules, Summons
from shanzhi.core.errors import DomainError

from .conftest import MONDAY, snapshot

S = Appeal.Status


@pytest.fixture
def out_of_scope(db):
    return InvalidKind.objects.get_or_create(code="out_of_scope", defaults={"name": "不属于受理范围"})[0]


def _in_hand(cast, file_appeal, **kw):
    a = services.accept(file_appeal(**kw), by=cast.zhang)
    a = services.dispatch(a, by=cast.zhang, to_user=cast.wang)
    return services.start(a, by=cast.wang)


def _verified(cast, file_appeal):
    a = services.resolve(_in_hand(cast, file_appeal), by=cast.wang, result="已处理")
    return services.verify(a, by=cast.zhao)


def _api(client, user, path, body=None):
    headers = {"Authorization": f"Bearer {issue_api_token(user)}"}
    if body is None:
        return client.get(path, headers=headers)
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


# --- 不予受理 with an invalid kind, also after acceptance ----------------------------------------------


def test_an_accepted_case_is_refused_only_with_an_invalid_kind(cast, file_appeal, out_of_scope):
    a = _in_hand(cast, file_appeal)
    before = snapshot(a)
    with pytest.raises(DomainError) as refused:
        services.reject(a, by=cast.zhang, reason="经核实属于市场监管职责")
    assert refused.value.field == "kind" and snapshot(a) == before
    a = services.reject(a, by=cast.zhang, reason="经核实属于市场监管职责", kind=out_of_scope)
    assert (a.status, a.invalid_kind, a.closed_at is not None) == (S.REJECTED, out_of_scope, True)
    assert a.events.last().data == {"kind": "out_of_scope"}


def test_only_the_coordinator_refuses_and_not_while_a_department_is_summoned(cast, file_appeal, out_of_scope):
    a = _in_hand(cast, file_appeal)
    before = snapshot(a)
    with pytest.raises(PermissionDenied):
        services.reject(a, by=cast.wang, reason="不归我管", kind=out_of_scope)
    services.summon(a, by=cast.zhang, lead=cast.department)
    before = snapshot(a)
    with pytest.raises(DomainError) as refused:
        services.reject(a, by=cast.zhang, reason="不属于受理范围", kind=out_of_scope)
    assert refused.value.code == "summons_pending" and snapshot(a) == before


def test_a_refusal_names_an_unknown_or_retired_kind_on_the_page(cast, file_appeal, login, out_of_scope):
    a = file_appeal()
    out_of_scope.active = False
    out_of_scope.save()
    client = login(cast.zhang)
    for kind in ("bogus", "out_of_scope"):
        response = client.post(
            reverse("appeals:act", args=[a.number, "reject"]),
            {"version": a.version, "reason": "不受理", "kind": kind},
        )
        assert response.status_code == 400 and "无效诉求类型" in response.content.decode()
    assert Appeal.objects.get(pk=a.pk).status == S.SUBMITTED


def test_the_refusal_form_offers_the_invalid_kinds_after_acceptance(cast, file_appeal, login, out_of_scope):
    a = _in_hand(cast, file_appeal)
    body = login(cast.zhang).get(reverse("appeals:detail", args=[a.number])).content.decode()
    assert 'id="act-reject"' in body and 'value="out_of_scope"' in body


# --- the return visit: two questions, or a try that reached nobody ------------------------------------


def test_a_visit_needs_both_answers_and_a_refused_one_changes_nothing(cast, file_appeal):
    a = _verified(cast, file_appeal)
    before = snapshot(a)
    for answers, field in (({"rating": "satisfied"}, "solved"), ({"solved": "solved"}, "rating")):
        with pytest.raises(DomainError) as refused:
            services.visit(a, by=cast.zhang, **answers)
        assert refused.value.field == field and snapshot(a) == before
    a = services.visit(a, by=cast.zhang, solved="partly", rating="basic")
    assert (a.status, a.solved, a.rating) == (S.VISITED, "partly", "basic")
    assert a.events.last().data == {"solved": "partly", "rating": "basic"}


def test_unreachable_visits_close_the_case_after_the_rule_s_tries(cast, file_appeal):
    MetricsRules.objects.update_or_create(pk=1, defaults={"visit_max_tries": 2})
    a = _verified(cast, file_appeal)
    a = services.visit(a, by=cast.zhang, unreachable=True, note="无人接听")
    assert (a.status, a.visit_tries, a.unreachable) == (S.VERIFIED, 1, False)
    a = services.visit(a, by=cast.zhang, unreachable=True, note="空号")
    assert (a.status, a.visit_tries, a.unreachable) == (S.CLOSED, 2, True)
    verbs = list(a.events.values_list("verb", flat=True))
    assert verbs[-3:] == [AppealEvent.Verb.VISIT_TRY, AppealEvent.Verb.VISIT_TRY, AppealEvent.Verb.CLOSE]
    assert a.rating == "" and a.closed_at is not None


def test_the_page_and_the_api_record_the_visit_through_the_one_service(cast, file_appeal, login, client):
    a = _verified(cast, file_appeal)
    body = login(cast.zhang).get(reverse("appeals:detail", args=[a.number])).content.decode()
    assert 'name="solved"' in body and 'value="unreachable"' in body
    response = login(cast.zhang).post(
        reverse("appeals:act", args=[a.number, "visit"]),
        {"version": a.version, "outcome": "unreachable", "note": "无人接听"},
    )
    assert response.status_code in (200, 302)
    a.refresh_from_db()
    assert a.visit_tries == 1 and a.status == S.VERIFIED
    path = reverse("api:appeals_visit", args=[a.number])
    missing = _api(client, cast.zhang, path, {"version": a.version, "rating": "satisfied"})
    assert missing.status_code == 400 and missing.json()["field"] == "solved"
    done = _api(client, cast.zhang, path, {"version": a.version, "solved": "solved", "rating": "satisfied"})
    assert done.status_code == 200 and (done.json()["solved"], done.json()["rating"]) == (
        "solved",
        "satisfied",
    )


def test_the_resident_answers_the_same_two_questions(cast, file_appeal):
    a = _verified(cast, file_appeal)
    with pytest.raises(DomainError):
        services.rate(a, by=cast.jumin, solved="", rating="satisfied")
    a = services.rate(a, by=cast.jumin, solved="unsolved", rating="unsatisfied", note="还是吵")
    # The answers are stored first, then the reopening they trigger.
    assert (a.status, a.solved, a.rating) == (S.REOPENED, "unsolved", "unsatisfied")


# --- the response limit -----------------------------------------------------------------------------


def test_a_response_counts_within_the_category_s_limit_in_working_hours(cast, cats, file_appeal):
    cats.neighbour_noise.response_limit_hours = 2
    cats.neighbour_noise.save()
    quick, slow = file_appeal(), file_appeal()
    # Filed Monday 10:00: 2 working hours later is still the morning; 3 is past the limit.
    with time_machine.travel(MONDAY + dt.timedelta(hours=1, minutes=55), tick=False):
        assert services.accept(quick, by=cast.zhang).responded_on_time is True
    with time_machine.travel(MONDAY + dt.timedelta(hours=6), tick=False):
        assert services.accept(slow, by=cast.zhang).responded_on_time is False


# --- summoned departments' own figures -------------------------------------------------------------


def test_summoned_departments_get_their_own_figures(cast, file_appeal, login, client):
    prompt = services.accept(file_appeal(title="按时"), by=cast.zhang)
    late = services.accept(file_appeal(title="迟到"), by=cast.zhang)
    on_time_part = services.summon(prompt, by=cast.zhang, lead=cast.department)[0]
    late_part = services.summon(late, by=cast.zhang, lead=cast.department, assisting=[cast.department2])
    services.finish_part(services.report(on_time_part, by=cast.zheng), by=cast.zheng, result="已处理")
    with time_machine.travel(MONDAY + dt.timedelta(days=15), tick=False):  # past both deadlines
        services.finish_part(services.report(late_part[0], by=cast.zheng), by=cast.zheng, result="迟办")
        start, end = metrics.period(dt.date(2026, 3, 1), dt.date(2026, 4, 1))
        parts, total = metrics.summons_figures(permissions.visible(cast.zhang, Summons), start, end)
        figures = {p.name: (p.summoned, p.reported_on_time, p.report_rate, p.finished_on_time) for p in parts}
        assert figures[cast.department.name] == (2, 1, 50.0, 1)
        assert figures[cast.department2.name] == (1, 0, 0.0, 0)  # never reported, past its deadline
        assert total.summoned == 3
        api = _api(client, cast.zhang, reverse("api:appeals_metrics") + "?start=2026-03-01&end=2026-03-31")
        assert api.status_code == 200
        by_name = {p["name"]: p for p in api.json()["summons"]}
        assert by_name[cast.department.name]["finish_rate"] == 50.0
        page = login(cast.zhang).get(reverse("appeals:metrics"), {"start": "2026-03-01", "end": "2026-03-31"})
        assert cast.department2.name in page.content.decode()


def test_the_metrics_api_answers_the_page_s_figures_and_names_a_bad_field(cast, file_appeal, client):
    services.accept(file_appeal(), by=cast.zhang)
    url = reverse("api:appeals_metrics")
    ok = _api(client, cast.zhang, url + "?dimension=community&start=2026-03-01&end=2026-03-31")
    assert ok.status_code == 200 and ok.json()["total"]["received"] == 1
    assert ok.json()["total"]["response_rate"] == 100.0
    bad = _api(client, cast.zhang, url + "?dimension=planet")
    assert bad.status_code == 400 and bad.json()["field"] == "dimension"
    backwards = _api(client, cast.zhang, url + "?start=2026-03-31&end=2026-03-01")
    assert backwards.status_code == 400 and backwards.json()["field"] == "start"
    assert _api(client, cast.wang, url).status_code == 403
