"""The reads the pages had and the API lacked: the red and black lists (public and staff), the
schemes with their versions and indicators, a company's supervision and the evaluations' export.
Who may call each is in the API matrix (matrix_manage.py); here, what they answer."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from shanzhi.coop.tests.test_api import call

from ..models import Evaluation, Indicator, SupervisionAction
from ..services import evaluations, lists

pytestmark = pytest.mark.django_db
API = "/api/v1/property/"


@pytest.fixture
def proposed(red):
    c = red.cast
    for company, score in ((c.company, "95.00"), (c.company2, "50.00")):
        ev = evaluations.evaluation_of(company, red.period)
        Evaluation.objects.filter(pk=ev.pk).update(score=D(score), grade="pass")
    return lists.propose(red.period, by=c.sun)


def test_the_public_lists_show_approved_lists_only(client, red, proposed):
    assert client.get(f"{API}public/lists").json() == {"items": [], "count": 0}
    staff = call(client, "get", f"{API}lists", red.cast.liu).json()
    assert [s["status"] for s in staff["items"]] == ["proposed"]
    lists.approve(proposed, by=red.cast.liu)
    public = client.get(f"{API}public/lists", {"district": red.cast.district.pk}).json()
    assert public["count"] == 1
    entries = {(e["company_name"], e["standing"], e["score"]) for e in public["items"][0]["entries"]}
    assert ("安居物业", "red", "95.00") in entries and ("宜家物业", "black", "50.00") in entries
    assert client.get(f"{API}public/lists", {"district": red.cast.street.pk}).status_code == 404
    paged = client.get(f"{API}public/lists", {"page_size": 1, "page": 2}).json()
    assert paged == {"items": [], "count": 1}


def test_the_schemes_with_versions_and_one_schemes_indicators(client, red):
    c = red.cast
    listed = call(client, "get", f"{API}schemes", c.feng).json()
    [scheme] = listed
    assert scheme["name"] == "物业服务考核"
    assert scheme["versions"] == [
        {
            "id": red.version.pk,
            "number": 1,
            "status": "published",
            "effective_from": "2026-01-01",
            "items": 2,
            "indicators": 8,
        }
    ]
    one = call(client, "get", f"{API}schemes/{scheme['id']}", c.zhang).json()
    [version] = one["versions"]
    assert [i["name"] for i in version["items"]] == ["综合管理", "服务评价"]
    names = [n["name"] for i in version["items"] for n in i["indicators"]]
    assert len(names) == Indicator.objects.filter(item__version=red.version).count() == 8
    assert call(client, "get", f"{API}schemes/{2**63}", c.zhang).status_code == 404


def test_a_companys_supervision_is_its_own_staffs_and_in_scope_staffs(client, red):
    c = red.cast
    mine = SupervisionAction.objects.create(
        company=c.company, kind="interview", reason="约谈", created_by=c.sun
    )
    SupervisionAction.objects.create(company=c.company2, kind="rectify", reason="整改", created_by=c.sun)
    got = call(client, "get", f"{API}companies/{c.company.pk}/supervision", c.feng).json()
    assert [a["id"] for a in got["items"]] == [mine.pk] and got["items"][0]["kind"] == "interview"
    # 冯物业 works for 安居物业: 宜家物业's actions are out of reach (404, not an empty list).
    assert call(client, "get", f"{API}companies/{c.company2.pk}/supervision", c.feng).status_code == 404
    assert call(client, "get", f"{API}companies/{c.company2.pk}/supervision", c.sun).json()["count"] == 1


def test_the_export_over_the_api_is_the_pages(client, red):
    c = red.cast
    ev = evaluations.evaluation_of(c.company, red.period)
    Evaluation.objects.filter(pk=ev.pk).update(score=D("88.50"), grade="good")
    got = call(client, "get", f"{API}periods/{red.period.pk}/evaluations.xlsx", c.sun)
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(c.sun)
    page = client.get(f"/property/evaluations/{red.period.pk}/export.xlsx")

    def values(response):
        return list(load_workbook(io.BytesIO(response.content)).active.values)

    assert values(got) == values(page)
    assert ("安居物业", 88.5, "良好") in {row[:3] for row in values(got)}
