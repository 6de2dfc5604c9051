"""A closed vote's tally (.xlsx) and sealed result (PDF): the figures, owner codes and never names,
formulas neutralised, the digest, who may download (404 out of scope or before the close), the
audit of every download; and the page that opens an evaluation period."""

import hashlib
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.core.models import AuditEvent
from shanzhi.tests.malformed import BAD

from .. import queries, reports, services
from ..models import Period
from .conftest import end_period, new_vote

pytestmark = pytest.mark.django_db


def _closed(cast, question="是否续聘安居物业"):
    vote = new_vote(cast)
    type(vote).objects.filter(pk=vote.pk).update(question=question)  # as a caller might type it
    vote.refresh_from_db()
    services.cast(vote, "yes", by=cast.jumin)
    return services.close_vote(end_period(vote), by=cast.zhang)


def _sheets(response):
    book = load_workbook(io.BytesIO(b"".join(response)))
    return [[list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def test_the_tally_workbook(client, cast, roll):
    vote = _closed(cast, question='=HYPERLINK("http://x","续聘")')
    client.force_login(cast.zhang)  # the community's staff: the summary and each unit's choice
    got = client.get(reverse("property:vote_tally_xlsx", kwargs={"pk": vote.pk}))
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    summary, units = _sheets(got)
    figures = dict((row[0], row[1]) for row in summary)
    assert figures["表决事项"] == '\'=HYPERLINK("http://x","续聘")'  # text, never a live formula
    assert figures["专有部分总面积（㎡）"] == "419.95" and figures["业主总人数"] == 3
    assert figures["参与表决面积（㎡）"] == "149.75" and figures["同意人数"] == 1
    assert figures["达到法定参与比例"] == "否" and figures["表决结果"].startswith("参与表决不足")
    assert figures["按选票重新计票"] == "与封存结果一致"
    canonical = json.dumps(
        queries.export_file(vote), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert figures["选票摘要（SHA-256）"] == hashlib.sha256(canonical.encode()).hexdigest()
    rules = [row[1] for row in summary if row[0] == "适用规则"]
    assert len(rules) == 2 and "三分之二" in rules[0] and "过半数" in rules[1]
    assert units[0] == ["房屋", "业主编号", "专有部分面积（㎡）", "意见"]
    rows = units[1:]
    assert len(rows) == 5
    assert {r[1] for r in rows} == {roll.a.code, roll.b.code, roll.dev.code}
    assert sorted(r[3] for r in rows if r[1] == roll.a.code) == ["同意", "同意"]
    every_cell = {str(v) for sheet in (summary, units) for row in sheet for v in row}
    assert not every_cell & {roll.a.name, roll.b.name, roll.dev.name, cast.resident.name}
    event = AuditEvent.objects.get(action="export", target_id=str(vote.pk))
    assert event.target_type == "property.vote" and event.detail["format"] == "xlsx"


def test_an_owner_gets_the_summary_and_digest_never_the_neighbours_choices(client, cast, roll):
    vote = _closed(cast)
    client.force_login(cast.jumin)  # an owner of the compound
    got = client.get(reverse("property:vote_tally_xlsx", kwargs={"pk": vote.pk}))
    assert got.status_code == 200
    sheets = _sheets(got)
    assert len(sheets) == 1  # 汇总 only: no 分户 sheet
    figures = dict((row[0], row[1]) for row in sheets[0])
    assert figures["选票摘要（SHA-256）"] == reports.ballots_digest(queries.export_file(vote))
    every_cell = {str(v) for row in sheets[0] for v in row}
    assert not every_cell & {roll.a.code, roll.b.code, roll.dev.code}
    assert client.get(reverse("property:vote_sealed_pdf", kwargs={"pk": vote.pk})).status_code == 200
    export = reverse("property:vote_export", kwargs={"pk": vote.pk})
    assert client.get(export).status_code == 403
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert export not in page and reverse("property:vote_tally_xlsx", kwargs={"pk": vote.pk}) in page
    assert not AuditEvent.objects.filter(action="export", detail__format="json").exists()


def test_the_json_export_is_for_staff_and_audited(client, cast, roll):
    from shanzhi.coop.tests.test_api import call

    vote = _closed(cast)
    client.force_login(cast.wang)  # a grid worker over the compound sees the roll and the tally
    got = client.get(reverse("property:vote_export", kwargs={"pk": vote.pk}))
    assert got.status_code == 200 and json.loads(got.content) == queries.export_file(vote)
    event = AuditEvent.objects.get(action="export", target_id=str(vote.pk), detail__format="json")
    assert event.actor_username == cast.wang.username
    api = f"/api/v1/property/votes/{vote.pk}/export"
    assert call(client, "get", api, cast.jumin).status_code == 403
    assert call(client, "get", api, cast.zhang).status_code == 200
    assert AuditEvent.objects.filter(action="export", detail__format="json").count() == 2


def test_a_major_matter_states_three_quarters(cast, roll):
    vote = new_vote(cast, item=6)
    services.close_vote(end_period(vote), by=cast.zhang)
    vote.refresh_from_db()
    rules = reports.thresholds(vote.matter)
    assert "四分之三" in rules[1] and "第六项至第八项" in rules[1]


def test_the_sealed_pdf(client, cast, roll):
    vote = _closed(cast)
    client.force_login(cast.liu)  # street staff above the community
    got = client.get(reverse("property:vote_sealed_pdf", kwargs={"pk": vote.pk}))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    body = got.content
    assert body.startswith(b"%PDF") and b"STSong-Light" in body and len(body) > 1000
    assert "no-store" in got["Cache-Control"]
    assert AuditEvent.objects.filter(action="export", target_id=str(vote.pk), detail__format="pdf").exists()


def test_the_digest_changes_with_any_ballot(cast, roll):
    vote = _closed(cast)
    export = queries.export_file(vote)
    changed = {**export, "votes": {**export["votes"], roll.b.code: "no"}}
    assert reports.ballots_digest(export) != reports.ballots_digest(changed)
    assert reports.ballots_digest(export) == reports.ballots_digest(json.loads(json.dumps(export)))


def test_who_may_download(client, cast, roll):
    running = new_vote(cast)
    closed = _closed(cast)
    before = AuditEvent.objects.filter(action="export").count()
    for name in ("property:vote_tally_xlsx", "property:vote_sealed_pdf"):
        client.force_login(cast.zhang)
        # Still running: nothing sealed to hand out.
        assert client.get(reverse(name, kwargs={"pk": running.pk})).status_code == 404
        client.force_login(cast.nobody)
        assert client.get(reverse(name, kwargs={"pk": closed.pk})).status_code == 404
        client.force_login(cast.he)  # a unit member: not an owner, not staff of the compound
        assert client.get(reverse(name, kwargs={"pk": closed.pk})).status_code == 404
        client.logout()
        assert client.get(reverse(name, kwargs={"pk": closed.pk})).status_code == 302
    assert AuditEvent.objects.filter(action="export").count() == before


def test_the_vote_page_links_the_downloads_once_closed(client, cast, roll):
    vote = new_vote(cast)
    client.force_login(cast.jumin)
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert reverse("property:vote_sealed_pdf", kwargs={"pk": vote.pk}) not in page
    services.close_vote(end_period(vote), by=cast.zhang)
    page = client.get(reverse("property:vote", kwargs={"pk": vote.pk})).content.decode()
    assert reverse("property:vote_sealed_pdf", kwargs={"pk": vote.pk}) in page
    assert reverse("property:vote_tally_xlsx", kwargs={"pk": vote.pk}) in page


# --- the page that opens an evaluation period --------------------------------------------------


def test_opening_a_period_on_the_page(client, red):
    c = red.cast
    url = reverse("property:period_new")
    client.force_login(c.sun)
    listing = client.get(reverse("property:evaluations")).content.decode()
    assert url in listing
    assert client.get(url).status_code == 200
    made = client.post(url, {"kind": "half", "starts_on": "2027-01-01"})
    assert made.status_code == 302
    period = Period.objects.get(kind="half", starts_on="2027-01-01")
    assert made["Location"].endswith(f"?period={period.pk}") and str(period.ends_on) == "2027-06-30"
    count = Period.objects.count()
    again = client.post(url, {"kind": "half", "starts_on": "2027-01-01"})
    assert again.status_code == 400 and "已存在" in again.content.decode()
    assert 'is-invalid" type="date"' in again.content.decode()  # the field is marked
    for data in ({"kind": "quarter", "starts_on": "2027-02-01"}, {"kind": "", "starts_on": "2027-04-01"}, {}):
        assert client.post(url, data).status_code == 400
    for value in BAD.values():
        assert client.post(url, {"kind": value, "starts_on": value}).status_code == 400
        assert client.post(url, {"kind": "half", "starts_on": value}).status_code == 400
    assert Period.objects.count() == count
    quarter = client.post(url, {"kind": "quarter", "starts_on": "2027-04-01"})
    assert (
        quarter.status_code == 302 and Period.objects.filter(kind="quarter", starts_on="2027-04-01").exists()
    )


def test_only_the_district_opens_periods(client, red):
    c = red.cast
    client.force_login(c.liu)
    assert reverse("property:period_new") not in client.get(reverse("property:evaluations")).content.decode()
    assert client.get(reverse("property:period_new")).status_code == 403
    assert (
        client.post(reverse("property:period_new"), {"kind": "half", "starts_on": "2027-01-01"}).status_code
        == 403
    )
    assert not Period.objects.filter(starts_on="2027-01-01").exists()
