"""The home page's own rules, on the named cast (the demo logins are walked in tests/test_homes.py)."""

import pytest
from django.urls import reverse

from shanzhi.accounts import home


@pytest.mark.django_db
def test_an_account_without_a_role_lands_on_a_home_that_says_so(client, cast):
    client.force_login(cast.nobody)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 200 and "还没有被授予任何角色" in response.content.decode()


@pytest.mark.django_db
def test_the_home_asks_for_a_login(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
