"""The security administrator's pages: who reaches them, and what they do."""

import pytest
from django.urls import reverse

from shanzhi.accounts.models import RoleGrant, User
from shanzhi.core.models import AuditEvent

USERS = reverse("accounts:users")
NOT_SECURITY_ADMIN = ["xitong", "shenji", "wang", "zhao", "sun", "wu", "zheng", "jumin", "nobody"]


def new_user_data(**overrides):
    return {
        "username": "xin_grid",
        "display_name": "新网格员",
        "password1": "Xinmima#2026a",
        "password2": "Xinmima#2026a",
        **overrides,
    }


@pytest.mark.parametrize("who", NOT_SECURITY_ADMIN)
def test_only_the_security_admin_reaches_the_user_pages(login, cast, who):
    client = login(getattr(cast, who))
    grant = cast.wang.role_grants.get()
    assert client.get(USERS).status_code == 403
    assert client.post(USERS, new_user_data()).status_code == 403
    assert client.get(reverse("accounts:user", args=[cast.wang.pk])).status_code == 403
    assert (
        client.post(
            reverse("accounts:user", args=[cast.nobody.pk]), {"role": "grid_worker", "node": cast.grid.pk}
        ).status_code
        == 403
    )
    assert client.post(reverse("accounts:grant_revoke", args=[grant.pk])).status_code == 403
    assert not User.objects.filter(username="xin_grid").exists()
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not RoleGrant.objects.filter(user=cast.nobody).exists()


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(USERS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_list_shows_accounts_and_roles(login, cast):
    response = login(cast.anquan).get(USERS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "wang_grid" in body and "网格员" in body and "东一第一网格" in body


def test_user_list_search(login, cast):
    client = login(cast.anquan)
    body = client.get(USERS, {"q": "王网"}).content.decode()
    assert "wang_grid" in body and "li_grid" not in body
    body = client.get(USERS, {"q": "li_gr"}).content.decode()
    assert "li_grid" in body and "wang_grid" not in body


def test_user_list_is_paginated(login, cast):
    for i in range(55):
        User.objects.create(username=f"extra{i:02d}")
    client = login(cast.anquan)
    first = client.get(USERS)
    assert len(first.context["page"].object_list) == 50
    second = client.get(USERS, {"page": 2})
    assert second.status_code == 200
    assert 0 < len(second.context["page"].object_list) <= 50


def test_security_admin_creates_an_account_that_can_sign_in(login, cast, client):
    response = login(cast.anquan).post(USERS, new_user_data())
    created = User.objects.get(username="xin_grid")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user", args=[created.pk])
    assert created.display_name == "新网格员"
    assert created.password_changed_at is not None
    client.post(reverse("accounts:logout"))
    signed_in = client.post(reverse("accounts:login"), {"username": "xin_grid", "password": "Xinmima#2026a"})
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"password1": "short", "password2": "short"}, "password1", "10"),  # the minimum length
        ({"password1": "abcdefghijk1", "password2": "abcdefghijk1"}, "password1", "至少 3 类"),
        ({"password2": "Different#2026a"}, "password2", "不一致"),
        ({"username": "wang_grid"}, "username", "已被使用"),
        ({"username": "admin"}, "username", "不能用作用户名"),
        ({"username": "has space"}, "username", ""),
        ({"display_name": ""}, "display_name", ""),
    ],
)
def test_bad_new_account_is_refused_naming_the_field(login, cast, overrides, field, message):
    before = User.objects.count()
    response = login(cast.anquan).post(USERS, new_user_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert User.objects.count() == before


def test_user_page_shows_grants_and_a_revoke_button(login, cast):
    response = login(cast.anquan).get(reverse("accounts:user", args=[cast.zheng.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    grant = cast.zheng.role_grants.get()
    assert "部门经办人" in body and "区城管局" in body
    assert reverse("accounts:grant_revoke", args=[grant.pk]) in body


def test_user_page_of_a_missing_account_is_404(login, cast):
    assert login(cast.anquan).get(reverse("accounts:user", args=[999999])).status_code == 404


def test_security_admin_page_shows_no_personal_data_of_a_bound_resident(login, cast):
    body = login(cast.anquan).get(reverse("accounts:user", args=[cast.jumin.pk])).content.decode()
    assert cast.resident.id_number not in body
    assert cast.resident.phone not in body


def test_grant_through_the_page_is_audited(login, cast):
    login(cast.anquan).post(
        reverse("accounts:user", args=[cast.nobody.pk]), {"role": "street_staff", "node": cast.street2.pk}
    )
    event = AuditEvent.objects.get(action="role_grant", target_id=str(cast.nobody.pk))
    assert event.actor_username == "anquan"
    assert event.detail == {"role": "street_staff", "scope": cast.street2.code}
    assert event.ip == "127.0.0.1"


def test_nav_shows_accounts_only_to_the_security_admin(login, cast):
    assert USERS in login(cast.anquan).get(reverse("accounts:profile")).content.decode()
    assert USERS not in login(cast.xitong).get(reverse("accounts:profile")).content.decode()
