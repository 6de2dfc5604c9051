"""The worklist (issue 13 §3): search by number, keyword, place and phone (by POST only: the phone
never reaches a URL or the session, only its blind index), counts on each tab, the Excel export
and the map of what the filter shows, all within the user's scope; bad input is a 400 naming the field."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.appeals.models import Appeal

from .conftest import IN_A2

LIST = reverse("appeals:worklist")
EXPORT = reverse("appeals:worklist_export")
MAP = reverse("appeals:worklist_map")


@pytest.fixture
def cases(cast, file_appeal):
    """Two in community A (the resident's, with their phone; one in A2 by 李网格), one in community
    B with the same phone as contact, which 张社区 (community A) must never see."""
    mine = file_appeal(title="楼上夜间噪音", address="幸福小区3号楼")
    other = file_appeal(by=cast.li, channel="patrol", title="路灯不亮", lng=IN_A2[0], lat=IN_A2[1])
    far = file_appeal(
        by=cast.chen,
        channel="on_behalf",
        node=cast.community_b,
        title="楼上夜间噪音（东二）",
        contact_phone=cast.resident.phone,
        lng=None,
        lat=None,
    )
    return mine, other, far


def find(client, url=LIST, query="bucket=all", **fields):
    """POST a search; returns the page the redirect lands on, and the redirect's URL."""
    response = client.post(f"{url}?{query}", fields)
    assert response.status_code == 302, response.content.decode()[:300]
    return client.get(response["Location"]), response["Location"]


def numbers(response):
    return set(re.findall(r"SZ\d{14}", response.content.decode()))


def test_search_by_number_keyword_and_place(cast, login, cases):
    mine, other, _far = cases
    client = login(cast.zhang)
    assert numbers(find(client, number=mine.number[-6:])[0]) == {mine.number}
    assert numbers(find(client, keyword="路灯")[0]) == {other.number}
    assert numbers(find(client, place="幸福小区")[0]) == {mine.number}
    assert numbers(find(client, place=cast.grid2.name)[0]) == {other.number}


def test_search_by_phone_travels_by_post_and_only_its_blind_index_is_kept(cast, login, cases):
    mine, _other, far = cases
    client = login(cast.zhang)
    spaced = f"+86 {cast.resident.phone[:3]} {cast.resident.phone[3:7]} {cast.resident.phone[7:]}"
    page, location = find(client, phone=spaced)
    assert numbers(page) == {mine.number}  # not the case in community B, whose contact is the same phone
    assert far.number not in page.content.decode()
    assert cast.resident.phone[3:] not in location and "phone" not in location
    assert cast.resident.phone not in json.dumps(dict(client.session.items()), default=str)
    # The same token pages, exports and maps the same selection.
    token = re.search(r"f=([\w-]+)", location).group(1)
    sheet = load_workbook(io.BytesIO(client.get(EXPORT, {"bucket": "all", "f": token}).content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [mine.number]


def test_another_communitys_case_never_appears_in_search_export_or_map(cast, login, cases):
    _mine, _other, far = cases
    client = login(cast.zhang)
    assert far.number not in find(client, keyword="楼上夜间噪音")[0].content.decode()
    export = load_workbook(io.BytesIO(client.get(EXPORT, {"bucket": "all"}).content)).active
    assert far.number not in {r[0] for r in export.iter_rows(values_only=True)}
    assert far.number not in client.get(MAP, {"bucket": "all"}).content.decode()
    # 陈社区 of community B does see it.
    assert far.number in login(cast.chen).get(LIST, {"bucket": "all"}).content.decode()


def test_a_grid_worker_sees_their_grid_only_in_map_and_export(cast, login, cases):
    mine, other, _far = cases
    client = login(cast.wang)
    html = client.get(MAP, {"bucket": "all"}).content.decode()
    assert mine.number in html and other.number not in html
    export = load_workbook(io.BytesIO(client.get(EXPORT, {"bucket": "all"}).content)).active
    assert {r[0] for r in export.iter_rows(min_row=2, values_only=True)} == {mine.number}


def test_the_export_masks_personal_data_and_neutralises_formulas(cast, login, file_appeal):
    file_appeal(title='=HYPERLINK("http://x","y")', contact_name="王小明")
    client = login(cast.zhang)
    response = client.get(EXPORT, {"bucket": "all"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))[0]
    assert row[1].startswith("'=")
    assert "王小明" not in row and "王**" in row
    assert cast.resident.phone not in row and any("****" in str(v) for v in row)


def test_tabs_show_counts_that_follow_the_search(cast, login, cases):
    client = login(cast.zhang)
    html = client.get(LIST, {"bucket": "all"}).content.decode()
    assert re.search(r'data-count="all">2<', html) and re.search(r'data-count="to_accept">2<', html)
    html = find(client, keyword="路灯")[0].content.decode()
    assert re.search(r'data-count="all">1<', html)


def test_cards_say_the_time_left_in_words(cast, login, cases):
    mine, _other, _far = cases
    html = login(cast.zhang).get(LIST, {"bucket": "all"}).content.decode()
    assert "sz-case-card" in html and html.count("sz-case-card") == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", "9" * 51),
        ("keyword", "字" * 51),
        ("place", "x" * 51),
        ("phone", "12345"),
        ("phone", "电话"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field_and_changes_nothing(cast, login, cases, field, value):
    client = login(cast.zhang)
    before = dict(client.session.items()).get("worklist_searches")
    response = client.post(f"{LIST}?bucket=all", {field: value})
    assert response.status_code == 400
    assert f'data-error-field="{field}"' in response.content.decode()
    assert dict(client.session.items()).get("worklist_searches") == before
    assert Appeal.objects.count() == 3


def test_unknown_tab_is_404_and_a_stale_token_shows_everything_with_a_message(cast, login, cases):
    client = login(cast.zhang)
    assert client.get(LIST, {"bucket": "nope"}).status_code == 404
    assert client.get(EXPORT, {"bucket": "nope"}).status_code == 404
    assert client.get(MAP, {"bucket": "nope"}).status_code == 404
    response = client.get(LIST, {"bucket": "all", "f": "not-a-token"})
    assert response.status_code == 200 and "查找条件已过期" in response.content.decode()
    assert len(numbers(response)) == 2


def test_a_search_token_is_the_sessions_own(cast, login, cases, client):
    mine, _other, _far = cases
    _page, location = find(login(cast.zhang), keyword="路灯")
    client.logout()
    other = login(cast.zhang)  # a new session of the same user: the token means nothing there
    assert len(numbers(other.get(location))) == 2


def test_the_worklist_its_map_and_the_picker_read_in_english(cast, login, cases):
    client = login(cast.zhang)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(LIST, {"bucket": "all"}).content.decode()
    assert "Search appeals" in body and "Map view" in body and "查找诉求" not in body
    body = client.get(MAP, {"bucket": "all"}).content.decode()
    assert "List view" in body and "appeals on the map" in body
    body = client.get(reverse("appeals:submit")).content.decode()
    assert "Click inside a grid on the map" in body
