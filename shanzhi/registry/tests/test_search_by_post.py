"""Issue 12 §5: an ID number or phone is searched for only by POST; in a URL it is refused, on the
page and the API alike, and the number is not echoed back."""

import json

import pytest
from django.urls import reverse

from shanzhi.accounts.services import issue_api_token

NUMBERS = ["198 0502 2880", "198+0502+2880", "１９８０５０２２８８０", "37040219900101123X", "198-0502"]


@pytest.mark.parametrize("q", NUMBERS)
def test_a_get_with_a_number_is_refused_and_not_echoed(cast, login, q):
    response = login(cast.zhang).get(reverse("registry:search"), {"q": q})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请在查找框中输入" in html and "0502" not in html and 'method="post"' in html


def test_a_get_with_a_name_or_room_still_works(cast, login):
    client = login(cast.zhang)
    response = client.get(reverse("registry:search"), {"q": cast.resident.name})
    assert response.status_code == 200 and cast.resident.name in response.content.decode()
    assert client.get(reverse("registry:search"), {"q": "1号楼 101"}).status_code == 200


def test_the_same_number_by_post_is_searched(cast, login):
    response = login(cast.zhang).post(reverse("registry:search"), {"q": cast.resident.phone})
    assert response.status_code == 200 and cast.resident.name in response.content.decode()


@pytest.mark.parametrize("q", NUMBERS)
def test_the_api_refuses_a_number_in_the_query_string(client, cast, q):
    headers = {"Authorization": f"Bearer {issue_api_token(cast.zhang)}"}
    response = client.get("/api/v1/registry/residents", {"q": q}, headers=headers)
    assert (response.status_code, response.json()["field"]) == (400, "q")
    found = client.post(
        "/api/v1/registry/residents/search",
        json.dumps({"q": cast.resident.phone}),
        content_type="application/json",
        headers=headers,
    )
    assert found.status_code == 200
