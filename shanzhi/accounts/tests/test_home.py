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


@pytest.mark.django_db
def test_a_link_is_offered_only_to_those_whose_view_would_open(cast, client):
    assert home.link(cast.anquan, "accounts.manage_users", "账号", "accounts:users").url == reverse(
        "accounts:users"
    )
    assert home.link(cast.shenji, "accounts.manage_users", "账号", "accounts:users") is None
    # A view that needs two actions: both must be held (the resident sees people, not the tree).
    assert (
        home.link(cast.jumin, ("registry.view_tree", "registry.view_people"), "查找", "registry:search")
        is None
    )
    assert home.link(cast.wang, ("registry.view_tree", "registry.view_people"), "查找", "registry:search")
    # And the view agrees with the link, both ways.
    client.force_login(cast.shenji)
    assert client.get(reverse("accounts:users")).status_code == 403
    client.force_login(cast.jumin)
    assert client.get(reverse("registry:search")).status_code == 403


@pytest.mark.django_db
def test_the_security_admins_home_counts_accounts_waiting_for_a_role(cast, client):
    client.force_login(cast.anquan)
    response = client.get(reverse("accounts:home"))
    waiting = response.context["panels"][0].counts[1]
    assert waiting.label == "待授予角色" and waiting.count == 1  # 无角色 (cast.nobody)
    client.force_login(cast.shenji)
    html = client.get(reverse("accounts:home")).content.decode()
    assert "待授予角色" not in html and reverse("accounts:users") not in html
